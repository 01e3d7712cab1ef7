"""Many documents in, one output each plus a report: the logic behind ``khparse batch``.

Design choices, each for a reason:

- **Own worker processes** (``multiprocessing``, forkserver/spawn context) rather than
  ``ProcessPoolExecutor``: with ``max_tasks_per_child`` the executor deadlocks on Python 3.11
  (CPython gh-115634, fixed only in later releases), and when one worker dies (a segfault in a PDF
  back-end, the OOM killer) it fails *every* pending future with ``BrokenProcessPool``. Here each
  worker holds exactly one file at a time, so a crash is charged to that file alone, a hung file is
  killed by a watchdog, and workers are recycled every ``MAX_TASKS_PER_WORKER`` files so their
  memory stays flat however long the batch is.
- **One per-file function** (``convert_file``) does everything for one input: read it once, hash
  it, skip it when ``--resume`` finds a matching output, run the pipeline, write atomically. The
  local pool and Ray run that same function, so their outputs are the same bytes.
- **Outputs mirror the input tree** under OUT_DIR relative to the inputs' common root, keep the
  input's extension (``a.pdf`` → ``a.pdf.json``) so names never collide, and are checked not to
  leave OUT_DIR even through a symlink planted inside it.
- ``source.path`` in every output is the input's path relative to that root, so an archive gives
  the same bytes wherever it is mounted and whichever engine converted it.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import glob
import hashlib
import io
import json
import logging
import multiprocessing
import os
import signal
import sys
import time
import unicodedata
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, fields
from multiprocessing.connection import Connection
from multiprocessing.connection import wait as wait_ready
from pathlib import Path
from typing import Any, Literal

from . import __version__
from .errors import InputNotFound, KhparseError, LimitExceeded, MissingTool, OutputError
from .models import Plan, Section

REPORT_JSON = "_report.json"
REPORT_CSV = "_report.csv"
LOCK_NAME = ".khparse-batch.lock"
# A worker is replaced after this many files: bounds the memory a long batch can accumulate in one
# process (caches, fragmentation) while keeping start-up cost (one fork from the preloaded server,
# or ~0.4 s with spawn) negligible next to the files it converts.
MAX_TASKS_PER_WORKER = 50
# The watchdog kills a worker that overruns --timeout by this much: the in-process alarm could not
# fire because the time is being spent inside a C extension.
HARD_TIMEOUT_GRACE = 30.0
# Preloaded once in the forkserver so each new worker starts warm, and so does every sandbox child
# a worker forks for a PDF or DOCX: without the back-ends here, each child imported pdfplumber
# (a page with a table) or python-docx anew, ~0.1-0.2 s per document. A missing one is skipped.
PRELOAD = ["khparse.pipeline", "khparse.writers", "khparse.readers.pdf", "khparse.readers.docx",
           "pypdfium2", "pdfplumber", "docx"]
GLOB_CHARS = frozenset("*?[")

Status = Literal["ok", "warnings", "failed"]
Engine = Literal["local", "ray"]
ExtractFn = Callable[..., Plan]


class UsageError(KhparseError):
    """A bad argument that no input is to blame for (exit 2, like typer's own usage errors)."""

    code, kind = 2, "usage"


@dataclass(frozen=True)
class Options:
    """What every file of one batch is converted with (also what ``--resume`` assumes unchanged)."""

    fmt: Literal["json", "yaml"] = "json"
    resume: bool = False
    ocr: str = "auto"
    max_pages: int | None = None
    max_bytes: int | None = None
    timeout: float = 0.0


@dataclass(frozen=True)
class FileTask:
    input: str  # the path as found from the user's arguments (also the report's sort key)
    display: str  # posix path relative to the common root: becomes ``source.path``
    output: str  # absolute output path
    rel_output: str  # output path relative to OUT_DIR, for the report
    options: Options


@dataclass
class FileResult:
    input: str
    output: str
    status: Status
    kind: str = ""
    code: int = 0
    error: str = ""
    pages: int | None = None
    seconds: float = 0.0
    sections: int = 0
    tasks: int = 0
    targets: int = 0
    warnings: int = 0
    resumed: bool = False
    # Diagnostics for ``bench``; not part of the report (they differ run to run).
    worker_pid: int = field(default=0, compare=False)
    peak_rss_kb: int = field(default=0, compare=False)


REPORT_FIELDS = [f.name for f in fields(FileResult) if f.name not in ("worker_pid", "peak_rss_kb")]


@dataclass
class BatchOutcome:
    results: list[FileResult]
    total: int  # inputs found; more than len(results) when --fail-fast or an interrupt stopped early
    out_dir: Path
    seconds: float
    interrupted: bool = False

    @property
    def failed(self) -> int:
        return sum(r.status == "failed" for r in self.results)

    @property
    def exit_code(self) -> int:
        if self.interrupted:
            return 130
        return 1 if self.failed or len(self.results) < self.total else 0


# --------------------------------------------------------------------------- the per-file function


def convert_file(task: FileTask, extract_fn: ExtractFn | None = None) -> FileResult:
    """Convert one input; never raises: every failure becomes a ``failed`` result for the report."""
    start = time.perf_counter()
    opts = task.options
    try:
        from .limits import time_limit

        with time_limit(opts.timeout):
            result = _convert(task, extract_fn)
    except KhparseError as err:
        result = _failed(task, err.kind, err.code, err.one_line())
    except Exception as err:  # a bug in a stage must cost one file, not the batch
        result = _failed(task, "internal", 12, f"internal error: {type(err).__name__}: {err}")
    if result.status == "failed":
        # An output left by an earlier run would contradict the report: the output set is what
        # this run produced.
        with contextlib.suppress(OSError):
            os.unlink(task.output)
    result.seconds = round(time.perf_counter() - start, 3)
    result.worker_pid, result.peak_rss_kb = os.getpid(), _peak_rss_kb()
    return result


def _convert(task: FileTask, extract_fn: ExtractFn | None) -> FileResult:
    from .limits import read_limited
    from .writers import dump, write_atomic

    opts = task.options
    try:
        with open(task.input, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if opts.max_bytes and size > opts.max_bytes:  # refuse a huge file without reading it
                raise LimitExceeded(f"{task.display}: {size} bytes is more than --max-bytes {opts.max_bytes}")
            data = read_limited(fh, opts.max_bytes, task.display) if opts.max_bytes else fh.read()
    except OSError as err:
        raise InputNotFound(f"{task.input}: cannot read: {err.strerror or err}") from err
    if opts.resume:
        previous = _previous_output(task, hashlib.sha256(data).hexdigest())
        if previous is not None:
            return _ok(task, previous, resumed=True)
    if extract_fn is None:
        from .pipeline import extract as pipeline_extract

        extract_fn = pipeline_extract
    plan = extract_fn(task.input, data=data, display_name=task.display, ocr=opts.ocr,
                         max_pages=opts.max_pages, max_bytes=opts.max_bytes)
    text = dump(plan, opts.fmt)
    try:
        os.makedirs(os.path.dirname(task.output), exist_ok=True)
    except OSError as err:
        raise OutputError(f"cannot create {os.path.dirname(task.output)}: {err.strerror or err}") from err
    write_atomic(task.output, text)
    return _ok(task, plan)


def _previous_output(task: FileTask, sha256: str) -> Plan | None:
    """The existing output when it is a valid plan made from these bytes by this khparse version."""
    try:
        plan = load_plan(Path(task.output))
    except (OSError, ValueError, KhparseError):
        return None
    if plan.source.sha256 != sha256 or plan.generator != generator():
        return None
    return plan


def load_plan(path: Path) -> Plan:
    """One output file (JSON, or YAML by suffix) as a ``Plan``, read as ``khparse validate`` reads it;
    ``ValueError`` (pydantic's ``ValidationError`` is one) when it is not a plan."""
    from .validate import load_document

    return Plan.model_validate(load_document(path))


@functools.cache
def generator() -> str:
    """The ``generator`` string this version writes, asked of the models' own default where set."""
    default = Plan.model_fields["generator"].default
    return default if isinstance(default, str) else f"khparse {__version__}"


def _ok(task: FileTask, plan: Plan, *, resumed: bool = False) -> FileResult:
    return FileResult(
        input=task.input, output=task.rel_output, status="warnings" if plan.warnings else "ok",
        pages=plan.source.pages, sections=count_sections(plan.sections), tasks=len(plan.tasks),
        targets=len(plan.targets), warnings=len(plan.warnings), resumed=resumed,
    )


def _failed(task: FileTask, kind: str, code: int, message: str) -> FileResult:
    return FileResult(input=task.input, output="", status="failed", kind=kind, code=code,
                      error=" ".join(message.split()))


def count_sections(sections: Iterable[Section]) -> int:
    return sum(1 + count_sections(s.children) for s in sections)


def _peak_rss_kb() -> int:
    try:
        import resource
    except ImportError:  # not POSIX
        return 0
    # The PDF/DOCX back-ends run in sandbox children: the worker's footprint includes the largest
    # of them, reaped or still serving (``sandbox.peak_rss_kib``).
    from . import sandbox

    return int(max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, sandbox.peak_rss_kib()))


# --------------------------------------------------------------------------- planning the batch


def find_inputs(args: Sequence[str], out_dir: Path) -> tuple[list[str], list[str]]:
    """Expand files, directories (recursive) and globs into a sorted list of files.

    Returns ``(files, missing)``; ``missing`` are arguments that name nothing, reported as failed
    inputs rather than aborting the batch. Hidden names are skipped inside directories (``.git``,
    editor droppings), never when named directly; nothing under OUT_DIR is taken as an input, so
    ``khparse batch docs -o docs/out`` can be re-run.
    """
    out_real = os.path.realpath(out_dir)
    seen: set[str] = set()
    files: list[str] = []
    missing: list[str] = []

    def add(path: str) -> None:
        real = os.path.realpath(path)
        if real in seen or real == out_real or real.startswith(out_real + os.sep):
            return
        seen.add(real)
        files.append(os.path.normpath(path))

    for arg in args:
        if os.path.isdir(arg):
            _walk(arg, add)
        elif os.path.lexists(arg):
            add(arg)
        elif GLOB_CHARS & set(arg) and (matches := sorted(glob.glob(arg, recursive=True))):
            for m in matches:
                if os.path.isdir(m):
                    _walk(m, add)
                else:
                    add(m)
        else:
            missing.append(arg)
    return sorted(files), sorted(set(missing))


def _walk(top: str, add: Callable[[str], None]) -> None:
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith("."):
                add(os.path.join(dirpath, name))


def common_root(files: Sequence[str]) -> str:
    """The deepest directory that contains every input (a single file's own directory)."""
    dirs = {os.path.dirname(os.path.abspath(f)) for f in files}
    return os.path.commonpath(sorted(dirs))


def plan_tasks(files: Sequence[str], out_dir: Path, options: Options) -> tuple[list[FileTask], list[FileResult]]:
    """Give each input its output path; inputs that cannot get a safe one become failed results."""
    root = common_root(files)
    out_abs = os.path.abspath(out_dir)
    out_real = os.path.realpath(out_dir)
    taken = {_fold(n) for n in (REPORT_JSON, REPORT_CSV, LOCK_NAME)}
    tasks: list[FileTask] = []
    refused: list[FileResult] = []
    for f in files:
        display = Path(os.path.relpath(os.path.abspath(f), root)).as_posix()
        rel = _unique(f"{display}.{options.fmt}", taken)
        output = os.path.join(out_abs, *rel.split("/"))
        real = os.path.realpath(output)
        if not (real == out_real or real.startswith(out_real + os.sep)):
            refused.append(FileResult(input=f, output="", status="failed", kind=OutputError.kind,
                                      code=OutputError.code, error=f"output {rel} would leave OUT_DIR"))
            continue
        tasks.append(FileTask(input=f, display=display, output=output, rel_output=rel, options=options))
    return tasks, refused


def _fold(name: str) -> str:
    """Collision key: case-insensitive and normalisation-insensitive file systems (macOS, Windows)."""
    return unicodedata.normalize("NFC", name).casefold()


def _unique(rel: str, taken: set[str]) -> str:
    """``rel``, or ``stem~2.ext``… when a name differing only in case/normalisation is already used."""
    stem, dot, ext = rel.rpartition(".")
    candidate, n = rel, 1
    while _fold(candidate) in taken:
        n += 1
        candidate = f"{stem}~{n}{dot}{ext}"
    taken.add(_fold(candidate))
    return candidate


def remove_stale_temps(tasks: Sequence[FileTask]) -> int:
    """Delete temp files that a killed run left beside this batch's outputs (``write_atomic`` names).

    Only names of the form ``.<output name>.<random>.tmp`` for outputs of *this* batch are touched.
    """
    by_dir: dict[str, set[str]] = {}
    for t in tasks:
        by_dir.setdefault(os.path.dirname(t.output), set()).add(os.path.basename(t.output))
    removed = 0
    for directory, names in by_dir.items():
        try:
            entries = list(os.scandir(directory))
        except OSError:
            continue
        for e in entries:
            if e.name.startswith(".") and e.name.endswith(".tmp"):
                owner = e.name[1:-4].rpartition(".")[0]
                if owner in names:
                    with contextlib.suppress(OSError):
                        os.unlink(e.path)
                        removed += 1
    return removed


@contextlib.contextmanager
def out_dir_lock(out_dir: Path) -> Iterator[None]:
    """One batch per OUT_DIR at a time: two would race on the same outputs and temp files.

    ``flock`` is released by the kernel when the holder dies, even by SIGKILL, so a crash never
    leaves the directory locked.
    """
    try:
        import fcntl
    except ImportError:  # not POSIX: no locking
        yield
        return
    path = out_dir / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise UsageError(f"another khparse batch is writing to {out_dir}") from None
        yield
        with contextlib.suppress(OSError):
            os.unlink(path)
    finally:
        os.close(fd)


# --------------------------------------------------------------------------- the local engine


def _worker_main(conn: Connection, fn: Callable[[FileTask], FileResult], max_tasks: int) -> None:
    """Worker loop: one task in, one result out, until told to stop or ``max_tasks`` are done."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _die_with_parent()
    from . import sandbox

    sandbox.reuse_worker(True)  # one sandbox child serves this worker's files (no fork per PDF)
    for _ in range(max_tasks):
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        conn.send(fn(task))


def _die_with_parent() -> None:
    """On Linux, have the kernel kill this worker when the batch process dies (even by SIGKILL),
    so no orphan keeps writing into OUT_DIR while a resumed run starts."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
        if os.getppid() == 1:  # the parent died before prctl took effect
            os._exit(1)
    except (OSError, AttributeError):
        pass


class _Worker:
    def __init__(self, ctx: Any, fn: Callable[[FileTask], FileResult], max_tasks: int) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, fn, max_tasks), daemon=True)
        self.proc.start()
        child.close()
        self.max_tasks = max_tasks
        self.done = 0
        self.task: FileTask | None = None
        self.started = 0.0

    def give(self, task: FileTask) -> None:
        self.task, self.started = task, time.monotonic()
        self.conn.send(task)

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.proc.kill()
        else:
            with contextlib.suppress(OSError):
                self.conn.send(None)
        self.proc.join(5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
        self.conn.close()


def _mp_context() -> Any:
    """forkserver where it exists (workers fork warm from a server that preloaded the pipeline and
    is single-threaded, unlike this process with rich's refresh thread); spawn elsewhere."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        return ctx
    return multiprocessing.get_context("spawn")


def run_local(tasks: Sequence[FileTask], fn: Callable[[FileTask], FileResult], jobs: int,
              max_tasks: int | None = None) -> Generator[FileResult, None, None]:
    """Yield one result per task as workers finish them; closing the generator kills the workers."""
    max_tasks = max_tasks or MAX_TASKS_PER_WORKER
    ctx = _mp_context()
    queue = deque(tasks)
    workers = [_Worker(ctx, fn, max_tasks) for _ in range(min(jobs, len(queue)))]
    soft = tasks[0].options.timeout if tasks else 0.0
    hard_timeout = soft + HARD_TIMEOUT_GRACE if soft > 0 else 0.0
    try:
        while True:
            for i, w in enumerate(workers):
                if w.task is None and queue:
                    if not w.proc.is_alive() or w.done >= w.max_tasks:
                        w.stop()
                        workers[i] = w = _Worker(ctx, fn, max_tasks)
                    w.give(queue.popleft())
            busy = [w for w in workers if w.task is not None]
            if not busy:
                return
            wait_ready([x for w in busy for x in (w.conn, w.proc.sentinel)], timeout=1.0)
            for i, w in enumerate(workers):
                task = w.task
                if task is None:
                    continue
                result = None
                if w.conn.poll():
                    try:
                        result = w.conn.recv()
                        w.done += 1
                    except (EOFError, OSError):
                        result = None
                if result is None and not w.proc.is_alive():
                    w.proc.join()
                    result = _failed(task, "internal", 12, f"worker process died while converting this file "
                                     f"(exit code {w.proc.exitcode}: crash or out of memory)")
                    w.done = w.max_tasks  # replace it before its next task
                elif result is None and hard_timeout and time.monotonic() - w.started > hard_timeout:
                    w.stop(kill=True)
                    remove_stale_temps([task])
                    workers[i] = _Worker(ctx, fn, max_tasks)
                    result = _failed(task, "limit", 9, f"killed after {hard_timeout:g} s (--timeout)")
                if result is not None:
                    w.task = None
                    yield result
    finally:
        interrupted = [w.task for w in workers if w.task is not None]
        for w in workers:
            w.stop(kill=w.task is not None)
        # A killed worker may have left its temp file behind.
        remove_stale_temps([t for t in interrupted if t is not None])


# --------------------------------------------------------------------------- the Ray engine


def _call(fn: Callable[[FileTask], FileResult], task: FileTask) -> FileResult:
    _fit_sandbox_cap()
    return fn(task)


def _fit_sandbox_cap() -> None:
    """A Ray worker reserves ~8 GiB of address space (mostly never touched) before it runs a task,
    and the sandbox's ``RLIMIT_AS`` cap counts everything a forked child inherits: without this,
    every PDF/DOCX child fails to map a library. Give the cap the same headroom above this process's
    own mappings that it has above a plain ``khparse`` process; a value the user set is kept."""
    try:
        from . import sandbox
    except ImportError:
        return
    if os.environ.get(sandbox.MEMORY_ENV):
        return
    try:
        with open("/proc/self/status") as fh:
            vm_kib = next(int(line.split()[1]) for line in fh if line.startswith("VmSize:"))
    except (OSError, StopIteration, ValueError, IndexError):
        return
    os.environ[sandbox.MEMORY_ENV] = str((vm_kib >> 10) + sandbox.DEFAULT_MAX_MEMORY_MIB)


def run_ray(tasks: Sequence[FileTask], fn: Callable[[FileTask], FileResult], jobs: int | None,
            address: str | None, max_tasks: int | None = None) -> Generator[FileResult, None, None]:
    """The same per-file function as Ray tasks on the cluster at ``address`` (or ``RAY_ADDRESS``;
    neither: a private local Ray instance with ``jobs`` CPUs).

    Workers read inputs and write outputs themselves, so on a multi-node cluster the input and
    OUT_DIR paths must be on a file system every node mounts at the same place.
    """
    try:
        import ray
    except ImportError:
        raise MissingTool("--engine ray needs Ray: pip install 'khparse[ray]'") from None
    address = address or os.environ.get("RAY_ADDRESS") or None
    init_args: dict[str, Any] = {"address": address, "include_dashboard": False, "log_to_driver": False,
                                 "logging_level": logging.WARNING, "ignore_reinit_error": True}
    if address is None and jobs:
        init_args["num_cpus"] = jobs
    try:
        ray.init(**init_args)
    except (ConnectionError, ValueError, RuntimeError) as err:
        raise UsageError(f"cannot reach the Ray cluster at {address}: {err}") from err
    try:
        remote = ray.remote(num_cpus=1, max_calls=max_tasks or MAX_TASKS_PER_WORKER, max_retries=1)(_call)
        window = max(2, 2 * int(ray.cluster_resources().get("CPU", 1)))
        fn_ref = ray.put(fn)
        soft = tasks[0].options.timeout if tasks else 0.0
        stall = soft + HARD_TIMEOUT_GRACE if soft > 0 else 0.0
        queue = deque(tasks)
        inflight: dict[Any, FileTask] = {}
        try:
            while queue or inflight:
                while queue and len(inflight) < window:
                    task = queue.popleft()
                    inflight[remote.remote(fn_ref, task)] = task
                ready, _ = ray.wait(list(inflight), num_returns=1, timeout=stall or None)
                if not ready:
                    # Every task ends within --timeout (the alarm, or the worker is gone): a silence
                    # this long means a lost cluster or a task stuck in C code. Give up on these.
                    for ref, task in inflight.items():
                        with contextlib.suppress(Exception):
                            ray.cancel(ref, force=True)
                        yield _failed(task, "limit", 9, f"no result from the Ray cluster within {stall:g} s")
                    inflight.clear()
                    continue
                for ref in ready:
                    task = inflight.pop(ref)
                    try:
                        result = ray.get(ref)
                    except Exception as err:  # the worker died; convert_file itself never raises
                        result = _failed(task, "internal", 12, f"Ray task failed: {type(err).__name__}: {err}")
                    yield result
        finally:
            for ref in inflight:
                with contextlib.suppress(Exception):
                    ray.cancel(ref, force=True)
            remove_stale_temps(list(inflight.values()))
    finally:
        ray.shutdown()


# --------------------------------------------------------------------------- the batch itself


def run_batch(
    inputs: Sequence[str],
    out_dir: str | os.PathLike[str],
    options: Options = Options(),
    *,
    jobs: int | None = None,
    fail_fast: bool = False,
    engine: Engine = "local",
    address: str | None = None,
    progress: bool = False,
    extract_fn: ExtractFn | None = None,
) -> BatchOutcome:
    """Convert every input, write ``_report.json``/``_report.csv`` and return what happened."""
    start = time.monotonic()
    out = Path(out_dir)
    if jobs is not None and jobs < 1:
        raise UsageError("--jobs must be at least 1")
    if out.exists() and not out.is_dir():
        raise UsageError(f"OUT_DIR {out} exists and is not a directory")
    files, missing = find_inputs(inputs, out)
    if not files and not missing:
        raise UsageError("no input files found in " + " ".join(inputs))
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(f"cannot create {out}: {err.strerror or err}") from err

    results: list[FileResult] = [
        FileResult(input=m, output="", status="failed", kind=InputNotFound.kind, code=InputNotFound.code,
                   error=f"{m}: no such file, directory or matching glob")
        for m in missing
    ]
    interrupted = False
    with out_dir_lock(out):
        tasks, refused = plan_tasks(files, out, options) if files else ([], [])
        results += refused
        remove_stale_temps(tasks)
        # Largest first: the long files start early instead of becoming the tail one worker runs
        # alone, which is what keeps --jobs N close to N times faster.
        tasks.sort(key=_size_desc)
        if fail_fast and results:  # an argument that names nothing already failed
            tasks = []
        fn: Callable[[FileTask], FileResult] = functools.partial(convert_file, extract_fn=extract_fn)
        n_jobs = jobs or _cpu_count()
        stream = run_ray(tasks, fn, jobs, address) if engine == "ray" else run_local(tasks, fn, n_jobs)
        total = len(files) + len(missing)
        bar = _Progress(total) if progress else None
        try:
            if bar:
                bar.start()
                for r in results:
                    bar.advance(r)
            for r in stream:
                results.append(r)
                if bar:
                    bar.advance(r)
                if fail_fast and r.status == "failed":
                    break
        except KeyboardInterrupt:
            interrupted = True
        finally:
            stream.close()
            if bar:
                bar.stop()
        outcome = BatchOutcome(results=sorted(results, key=lambda r: r.input), total=total, out_dir=out,
                               seconds=round(time.monotonic() - start, 3), interrupted=interrupted)
        write_reports(outcome, options)
    return outcome


def _size_desc(task: FileTask) -> tuple[int, str]:
    try:
        return (-os.path.getsize(task.input), task.input)
    except OSError:
        return (0, task.input)


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def write_reports(outcome: BatchOutcome, options: Options) -> None:
    """``_report.json`` and ``_report.csv`` (UTF-8 with BOM for Excel), both atomic, sorted by input."""
    from .writers import write_atomic

    rows = [{k: v for k, v in asdict(r).items() if k in REPORT_FIELDS} for r in outcome.results]
    counts = {s: sum(r.status == s for r in outcome.results) for s in ("ok", "warnings", "failed")}
    doc = {
        "generator": generator(),
        "format": options.fmt,
        "summary": {"inputs": outcome.total, **counts, "not_run": outcome.total - len(outcome.results),
                    "resumed": sum(r.resumed for r in outcome.results)},
        "files": rows,
    }
    write_atomic(outcome.out_dir / REPORT_JSON, json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=REPORT_FIELDS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    write_atomic(outcome.out_dir / REPORT_CSV, "\ufeff" + buf.getvalue())


# --------------------------------------------------------------------------- terminal output


class _Progress:
    """rich progress bar: files and pages done, rate, ETA and failures so far."""

    def __init__(self, total: int) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.pages = 0
        self.failed = 0
        self.progress = Progress(
            TextColumn("[bold]batch"), BarColumn(), MofNCompleteColumn(), TextColumn("files"),
            TextColumn("{task.fields[pages]} pages"), TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
            TextColumn("[red]{task.fields[failed]} failed"), transient=True,
        )
        self.task = self.progress.add_task("batch", total=total, pages=0, failed=0, rate="")
        self.start_time = time.monotonic()

    def start(self) -> None:
        self.progress.start()

    def stop(self) -> None:
        self.progress.stop()

    def advance(self, r: FileResult) -> None:
        self.pages += r.pages or 0
        self.failed += r.status == "failed"
        done = self.progress.tasks[0].completed + 1
        elapsed = max(time.monotonic() - self.start_time, 1e-9)
        self.progress.update(self.task, advance=1, pages=self.pages, failed=self.failed,
                             rate=f"{done / elapsed:.2f} files/s")


def print_summary(outcome: BatchOutcome, max_failures: int = 8) -> None:
    """One screen: counts per status, then the first failures (the rest are in _report.csv)."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(highlight=False)
    res = outcome.results
    table = Table(title=f"khparse batch → {outcome.out_dir}", title_justify="left")
    for col in ("status", "files", "pages", "sections", "tasks", "targets"):
        table.add_column(col, justify="left" if col == "status" else "right")
    for status in ("ok", "warnings", "failed"):
        rows = [r for r in res if r.status == status]
        table.add_row(status, str(len(rows)), str(sum(r.pages or 0 for r in rows)),
                      str(sum(r.sections for r in rows)), str(sum(r.tasks for r in rows)),
                      str(sum(r.targets for r in rows)))
    console.print(table)
    resumed = sum(r.resumed for r in res)
    rate = len(res) / outcome.seconds if outcome.seconds else 0.0
    line = f"{len(res)} of {outcome.total} inputs in {outcome.seconds:.1f} s ({rate:.2f} files/s)"
    if resumed:
        line += f"; {resumed} unchanged (--resume)"
    if len(res) < outcome.total:
        line += f"; {outcome.total - len(res)} not run (stopped early)"
    console.print(line)
    failures = [r for r in res if r.status == "failed"]
    if failures:
        # One line each, cut to the terminal: a table would squeeze the kind column away.
        console.print(f"[bold red]failed ({len(failures)}):[/]")
        for r in failures[:max_failures]:
            console.print(Text(f"  {r.input}  [{r.kind}] {r.error}"), no_wrap=True, overflow="ellipsis")
        if len(failures) > max_failures:
            console.print(f"  … and {len(failures) - max_failures} more in {outcome.out_dir / REPORT_CSV}")
    console.print(f"report: {outcome.out_dir / REPORT_JSON}")


def main(inputs: Sequence[str], out_dir: Path, options: Options, *, jobs: int | None, fail_fast: bool,
         quiet: bool, engine: Engine, address: str | None) -> int:
    """``khparse batch``: run, summarise, and return the exit code (0 all ok, 1 some failed)."""
    show = not quiet and sys.stdout.isatty()
    outcome = run_batch(inputs, out_dir, options, jobs=jobs, fail_fast=fail_fast, engine=engine,
                        address=address, progress=show)
    if not quiet:
        print_summary(outcome)
    return outcome.exit_code
