"""Session set-up: the compiled-grammar cache of every khparse the tests start lives in a temporary
directory (subprocesses inherit it), never in the user's ~/.cache."""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

_made: list[str] = []


def pytest_configure(config: pytest.Config) -> None:
    if "KHPARSE_CACHE_DIR" not in os.environ:
        _made.append(tempfile.mkdtemp(prefix="khparse-grammars-"))
        os.environ["KHPARSE_CACHE_DIR"] = _made[-1]


def pytest_unconfigure(config: pytest.Config) -> None:
    for d in _made:
        shutil.rmtree(d, ignore_errors=True)
