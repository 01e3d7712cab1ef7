"""Serialise a ``Plan`` deterministically and write files so that readers never see half of one."""

from __future__ import annotations

import contextlib
import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any, Literal

from pydantic_core import PydanticSerializationError

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


# pydantic's JSON writer prints 1e-05 as "0.00001" and 1e-07 as "1e-7" where ``json`` (float repr)
# prints "1e-05", "1e-07", and NaN/inf as null where ``json`` refuses them; every other float it
# prints as repr does (tests/test_speed_tasks.py holds this on random floats of every magnitude).
_REPR_ALIKE_MIN = 1e-4


def _prints_alike(x: float | None) -> bool:
    return x is None or x == 0 or _REPR_ALIKE_MIN <= abs(x) < math.inf


def _floats_print_alike(plan: Plan) -> bool:
    """The plan's floats (tests hold that these are all of the models' float fields) are ones
    pydantic's JSON writer prints exactly as ``json.dumps`` does."""
    floats = [plan.confidence, plan.source.ocr_confidence]
    for t in plan.targets:
        floats += (t.value, t.value_max)
    return all(map(_prints_alike, floats))


def dump(plan: Plan, fmt: Format) -> str:
    """As ``dump_data`` of the plan's JSON data; JSON through pydantic's own writer when it gives
    the same bytes (~6x faster than ``json.dumps`` with ``indent``, which is pure Python)."""
    if fmt == "json" and _floats_print_alike(plan):
        try:
            return plan.model_dump_json(indent=2) + "\n"
        except PydanticSerializationError:
            pass  # e.g. a lone surrogate, which ``json.dumps`` passes on as before
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
