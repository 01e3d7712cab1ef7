"""Resource limits that protect a run (and a batch) from hostile or runaway inputs."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import BinaryIO

from .errors import LimitExceeded


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise ``LimitExceeded`` in the block once ``seconds`` of wall time have passed.

    Uses ``SIGALRM`` (``setitimer``, so fractions work), which exists only on POSIX and only in
    the main thread; elsewhere, or with ``seconds <= 0``, the block runs unbounded. The signal
    lands between Python bytecodes, so a long call inside a C extension finishes before it fires.
    """
    if seconds <= 0 or not hasattr(signal, "SIGALRM") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_alarm(signum: int, frame: FrameType | None) -> None:
        raise LimitExceeded(f"timed out after {seconds:g} s (--timeout)")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def read_limited(stream: BinaryIO, max_bytes: int, name: str) -> bytes:
    """Read a whole stream but never hold more than ``max_bytes + 1`` bytes of it in memory."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise LimitExceeded(f"{name}: input is larger than {max_bytes} bytes (--max-bytes)")
    return data
