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

A reusable worker (``reuse_worker(True)``; batch workers turn it on): the first isolated call
forks one long-lived child that serves later calls over a pair of pipes (the function and its
arguments pickled in, the outcome and the child's peak RSS out), so a second PDF pays neither the
fork nor the teardown nor the copy-on-write faults of a fresh child (~12 ms of ~15 for the
12-page plan). It keeps the guarantees of a fresh child: the same memory cap, silenced stderr and
death with the parent; a crash, a memory-cap death or an interrupted wait (timeout, Ctrl-C) kills
it and the next call forks a new one; it is retired after ``WORKER_CALLS`` calls, after any call
that failed (a failed read can leave a back-end's state behind: pdfium keeps its last error, so a
zero-page PDF read after an encrypted one was reported as encrypted), and once its peak RSS passes
a quarter of the cap (so a crash under the cap is still
told apart from a bomb by that peak). It runs functions as they were when it was forked, so it is
also replaced when the caller's environment, the memory cap or any global of a ``khparse`` module
has changed since; state outside khparse (a monkeypatched ``shutil``) is not watched, which is
why it is opt-in: one-off runs (``khparse extract``) gain nothing from it, long-running callers
and batch do. A function that cannot be pickled (a lambda) gets a fresh child as before.

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
from dataclasses import dataclass
from typing import BinaryIO, TypeVar, cast

from .errors import CorruptInput, KhparseError, LimitExceeded

T = TypeVar("T")

ENABLED = True
# The reply's length comes first: the parent reads exactly that much and goes on, without waiting
# for the pipe's end-of-file, which comes only once the kernel has torn the child down.
_LENGTH = struct.Struct("<Q")
# Children whose reply was read and that are exiting on their own: collected by ``reap``.
_pending: list[int] = []
# The reusable worker's reply: the payload's length, the worker's peak RSS (KiB) so far, and
# whether it is leaving: after any call that failed, since a failed read can leave a back-end's
# state behind (pdfium's last error: a zero-page PDF after an encrypted one read as encrypted;
# after a MemoryError the heap itself).
_WORKER_HEAD = struct.Struct("<QQ?")
WORKER_CALLS = 10  # calls one worker serves before it is replaced: what it accumulates (its heap,
# memo caches) stays bounded, so a batch worker's peak RSS stays flat with the number of files
_reuse = False
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
    if _reuse:
        try:
            request = pickle.dumps((fn, args, kwargs), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # a lambda or a closure: a fresh child runs it as it is
            request = None
        if request is not None:
            return cast(T, _decode(name, limit_mib, *_call_worker(request, limit_mib)))
    read_fd, write_fd = os.pipe()
    pid = _fork()
    if pid == 0:  # pragma: no cover - the child; its coverage is not collected
        os.close(read_fd)
        _child(write_fd, limit_mib, fn, args, kwargs)
    os.close(write_fd)
    payload: bytes | None = None
    status = None
    usage = None
    try:
        with os.fdopen(read_fd, "rb") as pipe:
            payload = _read_reply(pipe)
        if payload is None:  # no whole reply: the child died; its exit status says how
            _, status, usage = os.wait4(pid, 0)
    finally:
        if payload is not None:  # the child is exiting on its own: reaped later, not waited for
            _defer_reap(pid)
        elif status is None:  # interrupted (timeout, Ctrl-C): the child must not outlive us
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.waitpid(pid, 0)
    return cast(T, _decode(name, limit_mib, payload, status, usage))


def _fork() -> int:
    """``os.fork`` with Python's buffers flushed first, so the child does not print them again."""
    sys.stdout.flush()
    sys.stderr.flush()
    return os.fork()


def _decode(name: str, limit_mib: int, payload: bytes | None, status: int | None, usage: object) -> object:
    """The outcome of an isolated call: its reply, or (none came) how the child died."""
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
    assert status is not None  # no whole reply: the child was waited for
    peak_mib = getattr(usage, "ru_maxrss", 0) / 1024  # ru_maxrss is in KiB on Linux
    sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
    if sig in (signal.SIGABRT, signal.SIGKILL, signal.SIGSEGV, signal.SIGBUS) and peak_mib > 0.25 * limit_mib:
        # An allocation failed under the cap: pdfium and the C++ runtimes abort rather than report.
        raise LimitExceeded(f"{name}: reading it needs more than {limit_mib} MiB of memory "
                            f"(a decompression bomb?); raise {MEMORY_ENV} (MiB) if it is genuine")
    what = f"signal {signal.Signals(sig).name}" if sig else f"exit status {os.WEXITSTATUS(status)}"
    raise CorruptInput(f"{name}: the document back-end crashed on this file ({what})")


def _defer_reap(pid: int) -> None:
    if not _pending:
        _reap_at_exit()
    _pending.append(pid)


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


def _enter_child(limit_mib: int) -> None:  # pragma: no cover - runs in the child
    """Die with the parent, leave signals and the terminal to it, and cap the address space."""
    _die_with_parent()
    _close_worker_fds()  # a worker's pipes stay the parent's: its EOF must not wait for us
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.setitimer(signal.ITIMER_REAL, 0)  # the parent's alarm is the parent's
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    import faulthandler

    faulthandler.disable()  # a caller's (pytest's) handler writes to its own copy of stderr
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


def _outcome(fn: Callable[..., object], args: tuple[object, ...],
             kwargs: dict[str, object]) -> tuple[str, bytes]:  # pragma: no cover - runs in the child
    """The kind of ``fn``'s outcome, and its result or exception pickled for the parent."""
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
        return outcome[0], pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        return "memory", pickle.dumps(("memory", None))
    except Exception as err:  # an unpicklable exception or result
        return "error", pickle.dumps(("error", f"{type(err).__name__}: result cannot be returned: {err}"))


def _write_all(fd: int, *parts: bytes) -> None:
    for part in parts:
        view = memoryview(part)
        while view:
            view = view[os.write(fd, view):]


def _child(write_fd: int, limit_mib: int, fn: Callable[..., object], args: tuple[object, ...],
           kwargs: dict[str, object]) -> None:  # pragma: no cover - runs in the child
    """Cap memory, silence native stderr, run ``fn``, send the outcome, and never return."""
    code = 0
    try:
        _enter_child(limit_mib)
        _, payload = _outcome(fn, args, kwargs)
        _write_all(write_fd, _LENGTH.pack(len(payload)), payload)
    except BaseException:
        code = 70
    finally:
        os._exit(code)


# ── the reusable worker ─────────────────────────────────────────────────────────────────────
@dataclass
class _Worker:
    pid: int
    owner: int  # the process that forked it: a forked caller must not talk over its parent's pipes
    send: BinaryIO
    recv: BinaryIO
    stamp: tuple[object, ...]
    calls: int = 0
    peak_kib: int = 0


_worker: _Worker | None = None


def reuse_worker(on: bool = True) -> None:
    """Serve isolated calls from one long-lived child (see the module doc); off stops it."""
    global _reuse
    _reuse = on
    if not on and _worker is not None:
        _retire(_worker)


def peak_rss_kib() -> int:
    """The largest peak RSS of this process's isolated children: those reaped, and the live
    worker's (``RUSAGE_CHILDREN`` counts a child only once it has been waited for)."""
    try:
        import resource
    except ImportError:  # not POSIX
        return 0
    reap(wait=True)
    live = _worker.peak_kib if _worker is not None and _worker.owner == os.getpid() else 0
    return int(max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, live))


def _stamp(limit_mib: int) -> tuple[object, ...]:
    """What a worker was forked with that a call may have changed since: the memory cap, the
    environment, and every global of the khparse modules (a rebinding changes its id)."""
    mods = [m for n, m in sorted(sys.modules.items()) if n.startswith("khparse") and n != __name__ and m]
    return (limit_mib, hash(frozenset(os.environ.items())),
            hash(tuple(id(v) for m in mods for v in vars(m).values())))


def _current_worker(limit_mib: int) -> _Worker:
    global _worker
    stamp = _stamp(limit_mib)
    w = _worker
    if w is not None and w.owner != os.getpid():  # inherited over a fork: its pipes are the parent's
        _close_worker_fds()
        w = _worker = None
    if w is not None and w.stamp != stamp:
        _retire(w)
        w = None
    if w is None:
        w = _worker = _spawn(limit_mib, stamp)
    return w


def _spawn(limit_mib: int, stamp: tuple[object, ...]) -> _Worker:
    req_r, req_w = os.pipe()
    rep_r, rep_w = os.pipe()
    pid = _fork()
    if pid == 0:  # pragma: no cover - the worker; its coverage is not collected
        os.close(req_w)
        os.close(rep_r)
        _worker_main(req_r, rep_w, limit_mib)
    os.close(req_r)
    os.close(rep_w)
    return _Worker(pid, os.getpid(), os.fdopen(req_w, "wb", buffering=0), os.fdopen(rep_r, "rb"), stamp)


def _call_worker(request: bytes, limit_mib: int) -> tuple[bytes | None, int | None, object]:
    """(reply payload, None, None), or (None, exit status, rusage) when the worker died in the call."""
    global _worker
    w = _current_worker(limit_mib)
    done = False
    try:
        try:
            w.send.write(_LENGTH.pack(len(request)) + request)
        except OSError:  # it died between calls (killed from outside): once more, with a fresh one
            _discard(w)
            w = _current_worker(limit_mib)
            w.send.write(_LENGTH.pack(len(request)) + request)
        head = w.recv.read(_WORKER_HEAD.size)
        payload = None
        if len(head) == _WORKER_HEAD.size:
            size, peak, leaving = _WORKER_HEAD.unpack(head)
            payload = w.recv.read(size)
            payload = payload if len(payload) == size else None
        done = True
    finally:
        if not done:  # interrupted (timeout, Ctrl-C): the worker must not outlive the wait
            _discard(w)
    if payload is None:  # no whole reply: the worker died in this call; its exit status says how
        _worker = None
        w.send.close()
        w.recv.close()
        _, status, usage = os.wait4(w.pid, 0)
        return None, status, usage
    w.calls += 1
    w.peak_kib = peak
    if leaving or w.calls >= WORKER_CALLS or peak > (limit_mib << 10) // 4:
        _retire(w)
    return payload, None, None


def _retire(w: _Worker) -> None:
    """Close its pipes: the worker reads end-of-file and exits; reaped later, not waited for."""
    global _worker
    if _worker is w:
        _worker = None
    with contextlib.suppress(OSError):
        w.send.close()
    with contextlib.suppress(OSError):
        w.recv.close()
    _defer_reap(w.pid)


def _discard(w: _Worker) -> None:
    """Kill it and wait for it: it is dead or must not outlive the caller's wait."""
    global _worker
    if _worker is w:
        _worker = None
    with contextlib.suppress(OSError):
        os.kill(w.pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        os.waitpid(w.pid, 0)
    for f in (w.send, w.recv):
        with contextlib.suppress(OSError):
            f.close()


def _close_worker_fds() -> None:  # in a forked child: the parent's worker pipes are not ours
    global _worker
    if _worker is not None:
        for f in (_worker.send, _worker.recv):
            with contextlib.suppress(OSError):
                os.close(f.fileno())
        _worker = None


def _worker_main(req_fd: int, rep_fd: int, limit_mib: int) -> None:  # pragma: no cover - the worker
    """Serve calls until the parent closes the request pipe; never return."""
    code = 0
    try:
        _enter_child(limit_mib)
        import resource

        with os.fdopen(req_fd, "rb") as requests:
            while (request := _read_reply(requests)) is not None:
                try:
                    fn, args, kwargs = pickle.loads(request)
                except BaseException as err:
                    kind, payload = "error", pickle.dumps(("error", f"{type(err).__name__}: the call cannot be read: {err}"))
                else:
                    kind, payload = _outcome(fn, args, kwargs)
                leaving = kind != "ok"
                peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                _write_all(rep_fd, _WORKER_HEAD.pack(len(payload), peak, leaving), payload)
                if leaving:
                    break
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
