"""One document in, one validated ``Plan`` out: the only place that wires the stages together."""

from __future__ import annotations

from pathlib import Path

from .models import Plan


def extract(path: str | Path, *, data: bytes | None = None, display_name: str | None = None,
            ocr: str = "auto", max_pages: int | None = None, max_bytes: int | None = None) -> Plan:
    """Read ``path`` (or ``data`` when given; ``display_name`` names it in ``source.path``)."""
    raise NotImplementedError("pipeline under construction")
