"""Session set-up: the compiled-grammar cache of every khparse the tests start lives in a temporary
directory (subprocesses inherit it), never in the user's ~/.cache. Tests marked ``pure_python``
(they monkeypatch a module's internals, which its mypyc-compiled form binds at build time) run
only on the source form: ``make test`` runs them again with ``KHPARSE_PURE_PYTHON=1``."""

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


def pytest_report_header(config: pytest.Config) -> str:
    import khparse

    return f"khparse modules compiled: {', '.join(khparse.COMPILED) or 'none (source form)'}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    import khparse

    if not khparse.COMPILED:
        return
    skip = pytest.mark.skip(reason="needs the source form: make test runs it with KHPARSE_PURE_PYTHON=1")
    for item in items:
        if item.get_closest_marker("pure_python"):
            item.add_marker(skip)


def pytest_unconfigure(config: pytest.Config) -> None:
    for d in _made:
        shutil.rmtree(d, ignore_errors=True)
