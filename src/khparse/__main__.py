"""``python -m khparse`` runs the CLI (used by the tests, so they need no console script on PATH)."""

from .cli import main

main()
