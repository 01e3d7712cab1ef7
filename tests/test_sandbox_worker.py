"""The reusable sandbox worker (``sandbox.reuse_worker``): one child serves many calls, and keeps
every guarantee of a fresh child (memory cap, crashes, timeouts, no process left behind)."""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from khparse import sandbox
from khparse.errors import CorruptInput, LimitExceeded

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the sandbox forks")


@pytest.fixture(autouse=True)
def reuse(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(sandbox, "ENABLED", True)  # the fuzz targets turn it off for the session
    monkeypatch.delenv("KHPARSE_SANDBOX", raising=False)
    sandbox.reuse_worker(True)
    yield
    sandbox.reuse_worker(False)
    sandbox.reap(wait=True)


def _pid() -> int:
    return os.getpid()


def _env(name: str) -> str | None:
    return os.environ.get(name)


def _abort() -> None:
    os.abort()


def _allocate(mib: int) -> int:
    return len(bytearray(mib << 20))


def _sleep(seconds: float) -> None:
    time.sleep(seconds)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as fh:  # a zombie is not alive
        return fh.read().split(") ")[1][0] != "Z"


def test_one_worker_serves_many_calls() -> None:
    first = sandbox.run_isolated("x", _pid)
    assert first != os.getpid()
    assert [sandbox.run_isolated("x", _pid) for _ in range(5)] == [first] * 5


def test_without_reuse_every_call_has_its_own_child() -> None:
    sandbox.reuse_worker(False)
    assert len({sandbox.run_isolated("x", _pid) for _ in range(3)}) == 3


def test_a_changed_environment_gets_a_new_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    first = sandbox.run_isolated("x", _pid)
    monkeypatch.setenv("KHPARSE_TEST_MARK", "1")
    assert sandbox.run_isolated("x", _env, "KHPARSE_TEST_MARK") == "1"
    assert sandbox.run_isolated("x", _pid) != first


def test_a_rebound_khparse_global_gets_a_new_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    from khparse.readers import pdf

    first = sandbox.run_isolated("x", _pid)
    monkeypatch.setattr(pdf, "_MIN_LETTERS", 12345)
    assert sandbox.run_isolated("x", getattr, pdf, "_MIN_LETTERS") == 12345
    assert sandbox.run_isolated("x", _pid) != first


def test_a_crash_is_reported_and_the_next_call_gets_a_new_worker() -> None:
    first = sandbox.run_isolated("x", _pid)
    with pytest.raises(CorruptInput, match="SIGABRT"):
        sandbox.run_isolated("bad.pdf", _abort)
    assert not _alive(first)
    assert sandbox.run_isolated("x", _pid) != first


def _refuse() -> None:
    raise CorruptInput("x.pdf: corrupt")


def test_a_failed_call_retires_the_worker() -> None:
    """A failed read can leave a back-end's state behind (pdfium's last error): the next file
    gets a fresh worker, as it would get a fresh child."""
    first = sandbox.run_isolated("x", _pid)
    with pytest.raises(CorruptInput, match="corrupt"):
        sandbox.run_isolated("x.pdf", _refuse)
    assert sandbox.run_isolated("x", _pid) != first


def test_a_worker_killed_between_calls_is_replaced() -> None:
    first = sandbox.run_isolated("x", _pid)
    os.kill(first, signal.SIGKILL)
    time.sleep(0.1)
    assert sandbox.run_isolated("x", _pid) not in (first, os.getpid())


def test_the_memory_cap_holds_and_a_worker_leaves_after_a_memory_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(sandbox.MEMORY_ENV, "600")
    first = sandbox.run_isolated("x", _pid)
    with pytest.raises(LimitExceeded, match="600 MiB"):
        sandbox.run_isolated("bomb.pdf", _allocate, 2000)
    assert sandbox.run_isolated("x", _pid) != first  # the worker that hit the cap is gone
    assert sandbox.run_isolated("x", _allocate, 10) == 10 << 20


def test_an_interrupted_wait_kills_the_worker() -> None:
    first = sandbox.run_isolated("x", _pid)

    def on_alarm(signum: int, frame: object) -> None:
        raise TimeoutError

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, 0.3)
    try:
        with pytest.raises(TimeoutError):
            sandbox.run_isolated("slow.pdf", _sleep, 30)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    assert not _alive(first)
    assert sandbox.run_isolated("x", _pid) != first


def test_a_function_that_cannot_be_pickled_runs_in_a_fresh_child() -> None:
    worker = sandbox.run_isolated("x", _pid)
    assert sandbox.run_isolated("x", lambda: os.getpid()) not in (worker, os.getpid())
    assert sandbox.run_isolated("x", _pid) == worker


def test_a_worker_is_replaced_after_its_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandbox, "WORKER_CALLS", 2)
    pids = [sandbox.run_isolated("x", _pid) for _ in range(4)]
    assert pids[0] == pids[1] != pids[2] == pids[3]


def test_peak_rss_counts_the_live_worker() -> None:
    sandbox.run_isolated("x", _allocate, 200)
    assert sandbox.peak_rss_kib() >= 200 << 10


def test_stopping_reuse_leaves_no_process() -> None:
    first = sandbox.run_isolated("x", _pid)
    sandbox.reuse_worker(False)
    sandbox.reap(wait=True)
    assert not _alive(first)


def test_an_extract_through_the_worker_is_the_extract_of_a_fresh_child() -> None:
    from khparse.pipeline import extract
    from khparse.writers import dump

    pdf = Path(__file__).resolve().parents[1] / "samples" / "kh-30-bacgiang.pdf"
    served = [dump(extract(pdf), "json") for _ in range(2)]
    sandbox.reuse_worker(False)
    assert served == [dump(extract(pdf), "json")] * 2


def test_no_worker_outlives_the_process(tmp_path: Path) -> None:
    """A program that turned reuse on and exits leaves no child behind (end-of-file on the
    worker's pipe at exit; the kernel's parent-death signal if it is killed)."""
    import subprocess

    code = ("import os, sys; from khparse import sandbox; sandbox.reuse_worker(True)\n"
            "print(sandbox.run_isolated('x', os.getpid), flush=True)\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    pid = int(r.stdout)
    for _ in range(50):
        if not _alive(pid):
            break
        time.sleep(0.1)
    assert not _alive(pid)
