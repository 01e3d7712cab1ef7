"""Run a risky parse (PDF, DOCX, .doc) in a forked child with a memory cap, so a hostile file
costs one bounded child process, never the caller.

Why a child process (measured on tests/hostile, see README "Hostile input"): the PDF back-ends
are C code. A FlateDecode stream that inflates to 5 GiB kept pdfium busy for 20 s and 6.3 GB of
RSS inside a single call, and ``--timeout 3`` only fired after it returned, because ``SIGALRM``
is handled between Python bytecodes. Under a memory cap pdfium does not fail cleanly either: it
aborts the whole process (SIGABRT). In a child, the parent's alarm interrupts the *wait* and
kills the child, the cap turns a bomb into a dead child, and whatever the C libraries print on
stderr (pdfium's "Circular xref chain detected…") goes nowhere, so the user sees one line.

The child is a plain ``fork`` (cheap: the back-ends are already imported, nothing is pickled on
the way in); the result (a ``SourceDoc``) or the exception comes back pickled through a pipe,
its length first. The parent reads exactly that many bytes and goes on: it does not wait for the
pipe's end-of-file nor for the child's exit, which both come only once the kernel has torn down
the child's copy of the address space (~4 ms for the 12-page plan, now spent on the other CPU
while the parent parses). Such children are reaped later (``reap``: at the next isolated call and
at exit); a reply cut short means the child died, and only then is its exit status waited for and
read. An interrupted wait (timeout, Ctrl-C) still kills and reaps the child at once.

Tried and not done: a reusable worker (forked once, serving later calls over pipes) would also
save the fork and the child's copy-on-write faults, but only for a second call in one process,
and it would run functions as they were when it was forked: a test's monkeypatch, a changed
environment variable (``PATH`` for tesseract) or a module imported since would not reach it.
A fresh fork per call sees the caller's state as it is now.

POSIX only; elsewhere, when disabled (``ENABLED = False``, as the fuzzers do to keep coverage in
one process) or with ``KHPARSE_SANDBOX=0``, the function runs in-process.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import os
import pickle
import signal
import struct
import sys
from collections.abc import Callable
from typing import BinaryIO, TypeVar

from .errors import CorruptInput, KhparseError, LimitExceeded

T = TypeVar("T")

ENABLED = True
# The reply's length comes first: the parent reads exactly that much and goes on, without waiting
# for the pipe's end-of-file, which comes only once the kernel has torn the child down.
_LENGTH = struct.Struct("<Q")
# Children whose reply was read and that are exiting on their own: collected by ``reap``.
_pending: list[int] = []
# Address space the child may use. The largest real plan in the corpus (a 36-page scan read by
# OCR) peaks below 500 MiB; a forked child starts with the parent's ~0.4 GiB of mappings.
DEFAULT_MAX_MEMORY_MIB = 2048
MEMORY_ENV = "KHPARSE_MAX_MEMORY"  # MiB; overrides the default for every isolated parse


class IsolatedFailure(RuntimeError):
    """An exception other than ``KhparseError`` raised in the child (its type and message)."""


def max_memory_mib() -> int:
    raw = os.environ.get(MEMORY_ENV, "")
    try:
        value = int(raw)
    except ValueError:
        return DEFAULT_MAX_MEMORY_MIB
    return value if value > 0 else DEFAULT_MAX_MEMORY_MIB


def available() -> bool:
    return ENABLED and hasattr(os, "fork") and os.environ.get("KHPARSE_SANDBOX", "1") != "0"


def run_isolated(name: str, fn: Callable[..., T], /, *args: object, **kwargs: object) -> T:
    """``fn(*args, **kwargs)`` in a child process; ``name`` is the input's name for messages.

    Raises what ``fn`` raised when it is a ``KhparseError``; ``IsolatedFailure`` for any other
    exception; ``LimitExceeded`` when the child ran out of its memory cap; ``CorruptInput`` when
    it died otherwise (a crash in a C back-end). The caller's ``--timeout`` alarm interrupts the
    wait; the child is then killed before the ``LimitExceeded`` propagates.
    """
    if not available():
        return fn(*args, **kwargs)
    reap()
    limit_mib = _effective_limit_mib(max_memory_mib())
    read_fd, write_fd = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child; its coverage is not collected
        os.close(read_fd)
        _child(write_fd, limit_mib, fn, args, kwargs)
    os.close(write_fd)
    payload: bytes | None = None
    status = None
    try:
        with os.fdopen(read_fd, "rb") as pipe:
            payload = _read_reply(pipe)
        if payload is None:  # no whole reply: the child died; its exit status says how
            _, status, usage = os.wait4(pid, 0)
    finally:
        if payload is not None:  # the child is exiting on its own: reaped later, not waited for
            if not _pending:
                _reap_at_exit()
            _pending.append(pid)
        elif status is None:  # interrupted (timeout, Ctrl-C): the child must not outlive us
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.waitpid(pid, 0)
    if payload is not None:
        kind, value = pickle.loads(payload)
        if kind == "ok":
            return value
        if kind == "khparse":
            raise value
        if kind == "memory":
            raise LimitExceeded(f"{name}: reading it needs more than {limit_mib} MiB of memory "
                                f"(a decompression bomb?); raise {MEMORY_ENV} (MiB) if it is genuine")
        raise IsolatedFailure(value)
    assert status is not None  # no whole reply: the child was waited for above
    peak_mib = usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux
    sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
    if sig in (signal.SIGABRT, signal.SIGKILL, signal.SIGSEGV, signal.SIGBUS) and peak_mib > 0.25 * limit_mib:
        # An allocation failed under the cap: pdfium and the C++ runtimes abort rather than report.
        raise LimitExceeded(f"{name}: reading it needs more than {limit_mib} MiB of memory "
                            f"(a decompression bomb?); raise {MEMORY_ENV} (MiB) if it is genuine")
    what = f"signal {signal.Signals(sig).name}" if sig else f"exit status {os.WEXITSTATUS(status)}"
    raise CorruptInput(f"{name}: the document back-end crashed on this file ({what})")


def _read_reply(pipe: BinaryIO) -> bytes | None:
    """The child's pickled outcome: a length, then exactly that many bytes; ``None`` when the pipe
    ends first (the child died before it had written all of it)."""
    head = pipe.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        return None
    (size,) = _LENGTH.unpack(head)
    payload = pipe.read(size)
    return payload if len(payload) == size else None


def reap(wait: bool = False) -> None:
    """Collect the exit status of children whose reply is in (``wait``: block until they exit,
    e.g. before reading ``RUSAGE_CHILDREN``, which counts only reaped children)."""
    for pid in list(_pending):
        try:
            done, _ = os.waitpid(pid, 0 if wait else os.WNOHANG)
        except ChildProcessError:  # not ours (inherited over a fork) or already collected
            done = pid
        if done:
            _pending.remove(pid)


@functools.cache
def _reap_at_exit() -> None:
    """Once per process: no zombie is left to whoever inherits our children."""
    atexit.register(reap, wait=True)


def _effective_limit_mib(wanted: int) -> int:
    """``wanted``, or less when the caller already runs under a smaller ``RLIMIT_AS``."""
    try:
        import resource
    except ImportError:
        return wanted
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft != resource.RLIM_INFINITY:
        return min(wanted, soft >> 20)
    return wanted


def _child(write_fd: int, limit_mib: int, fn: Callable[..., object], args: tuple[object, ...],
           kwargs: dict[str, object]) -> None:  # pragma: no cover - runs in the child
    """Cap memory, silence native stderr, run ``fn``, send the outcome, and never return."""
    code = 0
    try:
        _die_with_parent()
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
        signal.setitimer(signal.ITIMER_REAL, 0)  # the parent's alarm is the parent's
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)  # C libraries print warnings on fd 2; the user gets one line from us
        os.dup2(devnull, 1)
        try:
            import resource

            limit = limit_mib << 20
            soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            if soft == resource.RLIM_INFINITY or limit < soft:
                resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
        except (ImportError, ValueError, OSError):
            pass
        try:
            outcome: tuple[str, object] = ("ok", fn(*args, **kwargs))
        except KhparseError as err:
            outcome = ("khparse", err)
        except MemoryError:
            outcome = ("memory", None)
        except RecursionError as err:
            outcome = ("error", f"RecursionError: {err}")
        except BaseException as err:
            outcome = ("error", f"{type(err).__name__}: {err}")
        try:
            payload = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            payload = pickle.dumps(("memory", None))
        except Exception as err:  # an unpicklable exception or result
            payload = pickle.dumps(("error", f"{type(err).__name__}: result cannot be returned: {err}"))
        for part in (_LENGTH.pack(len(payload)), payload):
            view = memoryview(part)
            while view:
                view = view[os.write(write_fd, view):]
    except BaseException:
        code = 70
    finally:
        os._exit(code)


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    """On Linux, have the kernel kill the child when the parent dies (even by SIGKILL)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
