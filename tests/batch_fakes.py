"""A stand-in for ``pipeline.extract`` for the batch engine's own tests (importable by worker
processes, which is why it lives in a module and not in a test file).

The first bytes of an input choose what it does, so one directory of tiny files exercises every
path: ``BAD`` raises a ``KhparseError``, ``BUG`` an unexpected exception, ``CRASH`` kills the
worker process, ``HANG s`` ignores the alarm and sleeps ``s`` seconds (a C call that never
returns), ``SLEEP s`` sleeps interruptibly, ``WARN`` adds a parse warning. Anything else becomes
a valid plan whose title is the first line.
"""

from __future__ import annotations

import hashlib
import os
import signal
import time
from pathlib import Path
from typing import Any

from khparse.errors import CorruptInput
from khparse.models import Plan
from khparse_helpers import good_plan_data


def fake_extract(path: str | Path, *, data: bytes | None = None, display_name: str | None = None,
                 **_: Any) -> Plan:
    data = Path(path).read_bytes() if data is None else data
    arg = data.partition(b" ")[2]
    if data.startswith(b"BAD"):
        raise CorruptInput(f"{display_name}: truncated")
    if data.startswith(b"BUG"):
        raise ZeroDivisionError("a bug in a stage")
    if data.startswith(b"CRASH"):
        os._exit(3)
    if data.startswith(b"HANG"):
        signal.signal(signal.SIGALRM, signal.SIG_IGN)
        time.sleep(float(arg))
    if data.startswith(b"SLEEP"):
        time.sleep(float(arg))
    doc = good_plan_data()
    doc["source"].update(path=display_name or str(path), sha256=hashlib.sha256(data).hexdigest())
    doc["metadata"]["title"] = data.decode("utf-8", "replace").splitlines()[0] if data else ""
    if data.startswith(b"WARN"):
        doc["warnings"] = [{"code": "fake", "message": "unsure", "provenance": None}]
    return Plan.model_validate(doc)
