"""Serialise a ``Plan`` deterministically and write files so that readers never see half of one."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Literal

from .errors import OutputError
from .models import Plan

Format = Literal["json", "yaml"]
YAML_SUFFIXES = (".yaml", ".yml")


def format_for(fmt: str | None, out: str | os.PathLike[str] | None) -> Format:
    """An explicit ``--format`` wins; otherwise the output file's suffix decides; JSON by default."""
    if fmt is not None:
        if fmt not in ("json", "yaml"):
            raise ValueError(f"unknown output format {fmt!r}")
        return "yaml" if fmt == "yaml" else "json"
    if out is not None and Path(out).suffix.lower() in YAML_SUFFIXES:
        return "yaml"
    return "json"


def dump_data(data: Any, fmt: Format) -> str:
    """JSON (2-space indent, real UTF-8, no NaN) or block-style YAML, always ending in a newline.

    Key order is the model's field order, never sorted, so diffs between runs stay readable.
    """
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    import yaml

    # width: never fold long Vietnamese sentences, so a line of output is a line of a value.
    text: str = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1_000_000)
    return text


def dump(plan: Plan, fmt: Format) -> str:
    return dump_data(plan.model_dump(mode="json"), fmt)


def write_atomic(path: str | os.PathLike[str], text: str | bytes) -> None:
    """Write ``text`` (UTF-8; bytes as they are, e.g. an XLSX) to ``path`` via a temp file in the same
    directory, fsync, ``os.replace``.

    Either the old file (or nothing) or the complete new one exists at every moment; the temp file
    is removed on any failure. ``OSError`` becomes ``OutputError`` (exit 13).
    """
    target = Path(path)
    directory = target.parent
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(text.encode("utf-8") if isinstance(text, str) else text)
            fh.flush()
            os.fsync(fh.fileno())
            os.fchmod(fh.fileno(), 0o666 & ~_umask())  # mkstemp makes 0600; give the usual mode
        os.replace(tmp, target)
        tmp = None
        _fsync_dir(directory)
    except OSError as err:
        raise OutputError(f"cannot write {target}: {err.strerror or err}") from err
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _fsync_dir(directory: Path) -> None:
    """Persist the rename itself; best effort, since some file systems refuse to open directories."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
