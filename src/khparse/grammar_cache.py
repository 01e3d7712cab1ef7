"""Compiled grammars kept between processes, as Python keeps bytecode in ``__pycache__``.

Why: the ``regex`` engine parses a pattern in Python and has no cache beyond the process, so
compiling khparse's ~280 grammars took ~0.3 s of every ``khparse extract`` (half of importing
the pipeline). A compiled pattern pickles as its engine code (``regex`` registers that with
``copyreg``) and unpickles without being parsed again: ``targets.MASK`` compiles in ~25 ms and
loads in ~0.5 ms. Every module-level grammar is compiled through ``rx``; the first process
compiles and, at exit, writes them all to one file; later processes load that file once.

The file is keyed by the versions that decide the engine code (Python, ``regex``, khparse) and
each entry by (pattern, flags, ``regex.DEFAULT_VERSION``), so a changed pattern misses and is
compiled afresh. It is read only if it belongs to this user and nobody else can write to it
(it is a pickle); an unreadable, corrupt or foreign file is ignored and replaced; a directory
that cannot be written to costs the compile, never an error. Directory:
``$KHPARSE_CACHE_DIR``, else ``$XDG_CACHE_HOME/khparse``, else ``~/.cache/khparse``;
``KHPARSE_NO_CACHE=1`` turns it off.
"""

from __future__ import annotations

import atexit
import os
import pickle
import sys
from pathlib import Path
from typing import Any

import regex

from . import __version__

__all__ = ["cache_path", "rx"]

_Key = tuple[Any, int, int]  # (pattern, flags, regex.DEFAULT_VERSION)

# More entries than this (patterns edited during development pile up under one version) and
# the file keeps only what this process used.
MAX_ENTRIES = 2000

_loaded: dict[_Key, regex.Pattern[Any]] | None = None
_used: set[_Key] = set()
_compiled_here = False


def cache_path() -> Path | None:
    """The cache file of this Python/regex/khparse, or None when caching is off."""
    if os.environ.get("KHPARSE_NO_CACHE", "") not in ("", "0"):
        return None
    base = os.environ.get("KHPARSE_CACHE_DIR")
    if base:
        root = Path(base)
    else:
        xdg = os.environ.get("XDG_CACHE_HOME")
        try:
            root = Path(xdg) / "khparse" if xdg else Path.home() / ".cache" / "khparse"
        except RuntimeError:  # no home directory to be found (no HOME, no passwd entry)
            return None
    py = f"{sys.implementation.name}{sys.version_info[0]}{sys.version_info[1]}"
    return root / f"grammars-{__version__}-{py}-regex{regex.__version__}.pickle"


def rx(pattern: Any, flags: int = 0) -> regex.Pattern[Any]:
    """``regex.compile(pattern, flags)``, from the cache file when an earlier process compiled it.

    Only for grammars fixed by the code (module level): a pattern built from a document would
    grow the file without ever being asked for again.
    """
    global _loaded, _compiled_here
    if _loaded is None:
        _loaded = _load()
    key = (pattern, int(flags), int(regex.DEFAULT_VERSION))
    _used.add(key)
    found = _loaded.get(key)
    if found is not None:
        return found
    compiled = regex.compile(pattern, flags)
    _loaded[key] = compiled
    if not _compiled_here:
        _compiled_here = True
        atexit.register(_save)
    return compiled


def _load() -> dict[_Key, regex.Pattern[Any]]:
    path = cache_path()
    if path is None:
        return {}
    try:
        with open(path, "rb") as fh:
            st = os.fstat(fh.fileno())
            if (hasattr(os, "getuid") and st.st_uid != os.getuid()) or st.st_mode & 0o022:
                return {}  # not ours alone: never unpickle it
            data = pickle.load(fh)
    except Exception:  # missing, unreadable, truncated, from another engine: compile afresh
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items()
            if isinstance(k, tuple) and len(k) == 3 and isinstance(v, regex.Pattern) and v.pattern == k[0]}


def _save() -> None:
    """Write every pattern this process has (loaded or compiled) atomically; failures are silent."""
    path = cache_path()
    if path is None or _loaded is None:
        return
    import tempfile  # only for the one process that writes the file

    keep = _loaded if len(_loaded) <= MAX_ENTRIES else {k: v for k, v in _loaded.items() if k in _used}
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".grammars-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(keep, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)  # readers see the old file or the new one, never half of one
        except BaseException:
            os.unlink(tmp)
            raise
    except Exception:
        return
