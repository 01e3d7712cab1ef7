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
the way in); the result (a ``SourceDoc``) or the exception comes back pickled through a pipe.
POSIX only; elsewhere, when disabled (``ENABLED = False``, as the fuzzers do to keep coverage in
one process) or with ``KHPARSE_SANDBOX=0``, the function runs in-process.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
from collections.abc import Callable
from typing import TypeVar

from .errors import CorruptInput, KhparseError, LimitExceeded

T = TypeVar("T")

ENABLED = True
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
    limit_mib = _effective_limit_mib(max_memory_mib())
    read_fd, write_fd = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child; its coverage is not collected
        os.close(read_fd)
        _child(write_fd, limit_mib, fn, args, kwargs)
    os.close(write_fd)
    status = None
    try:
        chunks = []
        with os.fdopen(read_fd, "rb") as pipe:
            while chunk := pipe.read(1 << 20):
                chunks.append(chunk)
        _, status, usage = os.wait4(pid, 0)
    finally:
        if status is None:  # interrupted (timeout, Ctrl-C): the child must not outlive us
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.waitpid(pid, 0)
    payload = b"".join(chunks)
    if payload:
        kind, value = pickle.loads(payload)
        if kind == "ok":
            return value
        if kind == "khparse":
            raise value
        if kind == "memory":
            raise LimitExceeded(f"{name}: reading it needs more than {limit_mib} MiB of memory "
                                f"(a decompression bomb?); raise {MEMORY_ENV} (MiB) if it is genuine")
        raise IsolatedFailure(value)
    peak_mib = usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux
    sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
    if sig in (signal.SIGABRT, signal.SIGKILL, signal.SIGSEGV, signal.SIGBUS) and peak_mib > 0.25 * limit_mib:
        # An allocation failed under the cap: pdfium and the C++ runtimes abort rather than report.
        raise LimitExceeded(f"{name}: reading it needs more than {limit_mib} MiB of memory "
                            f"(a decompression bomb?); raise {MEMORY_ENV} (MiB) if it is genuine")
    what = f"signal {signal.Signals(sig).name}" if sig else f"exit status {os.WEXITSTATUS(status)}"
    raise CorruptInput(f"{name}: the document back-end crashed on this file ({what})")


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
        view = memoryview(payload)
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
