"""``khparse batch``: the engine with a stand-in extractor (every failure path, on tiny files), then
the real pipeline through the CLI on the shared corpus, a SIGKILL + --resume, and Ray."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from batch_fakes import fake_extract
from khparse import batch
from khparse.batch import Options, UsageError, out_dir_lock, run_batch
from khparse.models import Plan
from khparse_helpers import ROOT, SHARED, run_khparse


def make_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(content.encode() if isinstance(content, str) else content)
    return root


def report(out: Path) -> dict:
    return json.loads((out / "_report.json").read_text("utf-8"))


def by_input(out: Path) -> dict[str, dict]:
    return {Path(f["input"]).name: f for f in report(out)["files"]}


def outputs(out: Path) -> list[str]:
    """Every file under OUT_DIR except the two reports, relative and sorted."""
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*")
                  if p.is_file() and p.name not in ("_report.json", "_report.csv"))


def fake_batch(inputs: list[Path | str], out: Path, **kw) -> batch.BatchOutcome:
    options = kw.pop("options", Options())
    return run_batch([str(i) for i in inputs], out, options, extract_fn=fake_extract, jobs=kw.pop("jobs", 2), **kw)


# --------------------------------------------------------------------------- engine, stand-in extractor


def test_outputs_mirror_the_tree_keep_the_extension_and_report_every_input(tmp_path: Path) -> None:
    src = make_tree(tmp_path / "in", {"a.pdf": "one", "a.docx": "two", "sub/deep/c.txt": "three",
                                      "sub/bad.txt": "BAD", "sub/bug.txt": "BUG", "w.md": "WARN",
                                      ".hidden": "skipped", ".git/x": "skipped"})
    os.symlink(tmp_path / "nowhere", src / "dangling.txt")
    out = tmp_path / "out"
    res = fake_batch([src, tmp_path / "missing.pdf"], out)
    assert res.exit_code == 1
    assert outputs(out) == ["a.docx.json", "a.pdf.json", "sub/deep/c.txt.json", "w.md.json"]
    rows = by_input(out)
    assert set(rows) == {"a.pdf", "a.docx", "c.txt", "bad.txt", "bug.txt", "w.md", "dangling.txt", "missing.pdf"}
    assert [f["input"] for f in report(out)["files"]] == sorted(f["input"] for f in report(out)["files"])
    assert rows["a.pdf"]["status"] == "ok" and rows["a.pdf"]["output"] == "a.pdf.json"
    assert rows["w.md"]["status"] == "warnings" and rows["w.md"]["warnings"] == 1
    assert (rows["bad.txt"]["status"], rows["bad.txt"]["kind"], rows["bad.txt"]["code"]) == ("failed", "corrupt", 7)
    assert rows["bug.txt"]["kind"] == "internal" and "ZeroDivisionError" in rows["bug.txt"]["error"]
    assert rows["dangling.txt"]["kind"] == "not-found" and rows["missing.pdf"]["kind"] == "not-found"
    assert rows["a.pdf"]["sections"] == 6 and rows["a.pdf"]["tasks"] == 2 and rows["a.pdf"]["targets"] == 3
    assert report(out)["summary"] == {"inputs": 8, "ok": 3, "warnings": 1, "failed": 4, "not_run": 0, "resumed": 0}
    # source.path is relative to the inputs' common root: same bytes wherever the archive lives.
    plan = Plan.model_validate_json((out / "sub/deep/c.txt.json").read_bytes())
    assert plan.source.path == "sub/deep/c.txt"
    with open(out / "_report.csv", encoding="utf-8-sig", newline="") as fh:
        csv_rows = list(csv.DictReader(fh))
    assert [r["input"] for r in csv_rows] == [f["input"] for f in report(out)["files"]]
    assert (out / "_report.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_names_differing_only_in_case_or_normalisation_get_distinct_outputs(tmp_path: Path) -> None:
    src = make_tree(tmp_path / "in", {"Kế.txt": "a", "kế.txt": "b", "_report": "c"})
    (src / "Ke\u0302\u0301.txt").write_text("d")  # NFD spelling of "Kế.txt"
    out = tmp_path / "out"
    fake_batch([src], out)
    names = outputs(out)
    assert len(names) == 4 and len({n.casefold() for n in names}) == 4
    assert "_report.json" not in names  # the input called "_report" must not overwrite the report
    assert report(out)["summary"]["ok"] == 4


def test_outputs_never_leave_out_dir_through_a_planted_symlink(tmp_path: Path) -> None:
    src = make_tree(tmp_path / "in", {"sub/a.txt": "a", "b.txt": "b"})
    out = tmp_path / "out"
    (tmp_path / "elsewhere").mkdir()
    out.mkdir()
    os.symlink(tmp_path / "elsewhere", out / "sub")
    res = fake_batch([src], out)
    assert res.exit_code == 1
    assert list((tmp_path / "elsewhere").iterdir()) == []
    assert by_input(out)["a.txt"]["kind"] == "output" and "leave OUT_DIR" in by_input(out)["a.txt"]["error"]
    assert by_input(out)["b.txt"]["status"] == "ok"


def test_globs_and_out_dir_inside_the_inputs(tmp_path: Path) -> None:
    src = make_tree(tmp_path / "in", {"a.txt": "a", "b.md": "b", "c/d.txt": "d"})
    out = src / "out"
    fake_batch([src], out)
    fake_batch([src], out)  # the second run must not take the first run's outputs as inputs
    assert outputs(out) == ["a.txt.json", "b.md.json", "c/d.txt.json"]
    out2 = tmp_path / "out2"
    fake_batch([f"{src}/**/*.txt"], out2)
    assert outputs(out2) == ["a.txt.json", "c/d.txt.json"]


def test_a_crashing_worker_costs_only_its_own_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "MAX_TASKS_PER_WORKER", 3)  # recycle workers often as well
    files = {f"f{i:02}.txt": f"doc {i}" for i in range(12)}
    files["crash.txt"] = "CRASH"
    src = make_tree(tmp_path / "in", files)
    out = tmp_path / "out"
    res = fake_batch([src], out)
    rows = by_input(out)
    assert rows["crash.txt"]["status"] == "failed" and "worker process died" in rows["crash.txt"]["error"]
    assert sum(r["status"] == "ok" for r in rows.values()) == 12
    pids = {r.worker_pid for r in res.results if r.worker_pid}
    assert len(pids) >= 12 // 3  # each worker handled at most 3 files


def test_timeouts_soft_and_hard(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "HARD_TIMEOUT_GRACE", 1.0)
    src = make_tree(tmp_path / "in", {"sleep.txt": "SLEEP 30", "hang.txt": "HANG 30", "ok.txt": "fine"})
    out = tmp_path / "out"
    start = time.monotonic()
    fake_batch([src], out, options=Options(timeout=1.0))
    assert time.monotonic() - start < 20
    rows = by_input(out)
    assert rows["sleep.txt"]["kind"] == "limit" and "timed out" in rows["sleep.txt"]["error"]
    assert rows["hang.txt"]["kind"] == "limit" and "killed after" in rows["hang.txt"]["error"]
    assert rows["ok.txt"]["status"] == "ok"


def test_fail_fast_stops_and_still_reports_what_was_done(tmp_path: Path) -> None:
    files = {f"f{i:02}.txt": "SLEEP 0.2" for i in range(20)}
    files["aaa-bad.txt"] = "BAD" + " " * 10_000  # largest, so it is scheduled first
    src = make_tree(tmp_path / "in", files)
    out = tmp_path / "out"
    res = fake_batch([src], out, fail_fast=True)
    assert res.exit_code == 1
    summary = report(out)["summary"]
    assert summary["failed"] == 1 and summary["not_run"] > 0
    assert summary["inputs"] == 21 and len(report(out)["files"]) == 21 - summary["not_run"]
    assert not [n for n in outputs(out) if n.endswith(".tmp")]


def test_fail_fast_on_an_argument_that_names_nothing(tmp_path: Path) -> None:
    src = make_tree(tmp_path / "in", {"a.txt": "a"})
    out = tmp_path / "out"
    res = fake_batch([src, tmp_path / "typo"], out, fail_fast=True)
    assert res.exit_code == 1 and outputs(out) == []
    assert report(out)["summary"] == {"inputs": 2, "ok": 0, "warnings": 0, "failed": 1, "not_run": 1, "resumed": 0}


def test_resume_redoes_only_what_changed(tmp_path: Path) -> None:
    src = make_tree(tmp_path / "in", {"same.txt": "same", "edited.txt": "v1", "corrupt.txt": "c",
                                      "old.txt": "o", "gone-bad.txt": "fine at first"})
    out = tmp_path / "out"
    fake_batch([src], out)
    before = {n: (out / n).stat() for n in outputs(out)}
    (src / "edited.txt").write_text("v2")
    (out / "corrupt.txt.json").write_text('{"schema_version": "1.0", "genera')  # e.g. hand-truncated
    old = json.loads((out / "old.txt.json").read_text())
    old["generator"] = "khparse 0.0.1"
    (out / "old.txt.json").write_text(json.dumps(old))
    (src / "gone-bad.txt").write_text("BAD now")
    stale = out / ".same.txt.json.k2j4h5g6.tmp"  # what a killed write_atomic leaves
    stale.write_text("{")
    res = fake_batch([src], out, options=Options(resume=True))
    rows = by_input(out)
    assert {n: r["resumed"] for n, r in rows.items()} == {
        "same.txt": True, "edited.txt": False, "corrupt.txt": False, "old.txt": False, "gone-bad.txt": False}
    assert (out / "same.txt.json").stat().st_mtime_ns == before["same.txt.json"].st_mtime_ns
    assert (out / "same.txt.json").stat().st_ino == before["same.txt.json"].st_ino
    assert Plan.model_validate_json((out / "edited.txt.json").read_bytes()).metadata.title == "v2"
    assert json.loads((out / "old.txt.json").read_text())["generator"] == "khparse 0.1.0"
    assert not (out / "gone-bad.txt.json").exists()  # a failed input leaves no stale output behind
    assert not stale.exists()
    assert res.exit_code == 1 and rows["same.txt"]["sections"] == 6


def test_yaml_outputs_and_their_resume(tmp_path: Path) -> None:
    src = make_tree(tmp_path / "in", {"a.txt": "a"})
    out = tmp_path / "out"
    fake_batch([src], out, options=Options(fmt="yaml"))
    assert outputs(out) == ["a.txt.yaml"]
    fake_batch([src], out, options=Options(fmt="yaml", resume=True))
    assert by_input(out)["a.txt"]["resumed"] is True


def test_usage_errors(tmp_path: Path) -> None:
    src = make_tree(tmp_path / "in", {"a.txt": "a"})
    (tmp_path / "empty").mkdir()
    with pytest.raises(UsageError, match="no input files"):
        fake_batch([tmp_path / "empty"], tmp_path / "o1")
    with pytest.raises(UsageError, match="not a directory"):
        fake_batch([src], src / "a.txt")
    with pytest.raises(UsageError, match="--jobs"):
        fake_batch([src], tmp_path / "o2", jobs=0)
    locked = tmp_path / "o3"
    locked.mkdir()
    with out_dir_lock(locked), pytest.raises(UsageError, match="another khparse batch"):
        fake_batch([src], locked)


# --------------------------------------------------------------------------- CLI, real pipeline

CORPUS_DIRS = [SHARED / "corpus", SHARED / "seeds", SHARED / "pdf"]


def need_shared() -> None:
    if not all(d.is_dir() for d in CORPUS_DIRS):
        pytest.skip("../shared is absent")


def all_inputs(dirs: list[Path]) -> list[Path]:
    return sorted(p for d in dirs for p in d.rglob("*") if p.is_file() and not p.name.startswith("."))


def test_cli_batch_on_the_shared_corpus(tmp_path: Path) -> None:
    need_shared()
    out = tmp_path / "out"
    r = run_khparse("batch", *CORPUS_DIRS, "-o", out, "--jobs", "2", timeout=1800)
    assert r.returncode in (0, 1), r.stderr.decode()
    assert "khparse batch" in r.stdout.decode() and "report:" in r.stdout.decode()
    files = all_inputs(CORPUS_DIRS)
    rep = report(out)
    entries = rep["files"]
    assert len(entries) == len(files) == rep["summary"]["inputs"]
    assert sorted(Path(e["input"]).resolve() for e in entries) == sorted(p.resolve() for p in files)
    assert r.returncode == (1 if rep["summary"]["failed"] else 0)
    produced = outputs(out)
    assert sorted(e["output"] for e in entries if e["status"] != "failed") == produced
    assert rep["summary"]["ok"] + rep["summary"]["warnings"] == len(produced)
    # The documents this project is built for must parse: every plan in .docx/.md/.txt/.pdf with a text layer.
    by_name = {Path(e["input"]).name: e for e in entries}
    for name in ("001_d2697e7322ee9a2c.txt", "kh-30-bacgiang.docx", "kh-30-bacgiang.pdf",
                 "lamdong-kh-ubnd-cchc-2026.docx", "ddqh-kh-3260-nq57-2025.md"):
        assert by_name[name]["status"] != "failed", by_name[name]
    for e in entries:
        if e["status"] == "failed":
            assert e["kind"] and e["code"] >= 2 and e["error"], e
    # Every output is a valid plan (schema + consistency), by the validator CI will use.
    v = run_khparse("validate", out, "--format", "json", timeout=600)
    assert v.returncode == 0, v.stdout.decode()[:3000]


def test_cli_batch_sigkill_then_resume(tmp_path: Path) -> None:
    seed = SHARED / "seeds" / "001_d2697e7322ee9a2c.txt"
    if not seed.exists():
        seed = ROOT / "samples" / "kh-30-bacgiang.txt"
    src = tmp_path / "in"
    src.mkdir()
    text = seed.read_text("utf-8")
    n = 60
    for i in range(n):  # distinct bytes, so every input has its own sha256
        (src / f"plan-{i:03}.txt").write_text(text + f"\n<!-- copy {i} -->\n", "utf-8")
    out = tmp_path / "out"
    env = {**os.environ, "NO_COLOR": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "khparse", "batch", str(src), "-o", str(out), "--jobs", "2",
                             "--quiet"], env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and len(list(out.glob("*.txt.json"))) < 3:
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)  # the batch and its workers, as the OOM killer or a CI timeout would
    proc.wait()
    done = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.glob("*.txt.json")}
    assert 3 <= len(done) < n, "the kill must land part-way; make the batch longer if it finished"
    assert not (out / "_report.json").exists()
    for name in done:
        Plan.model_validate_json((out / name).read_bytes())  # whatever exists is complete

    r = run_khparse("batch", src, "-o", out, "--jobs", "2", "--resume", timeout=900)
    assert r.returncode == 0, r.stdout.decode() + r.stderr.decode()
    assert outputs(out) == sorted(f"plan-{i:03}.txt.json" for i in range(n))  # exactly one each, no temp file
    for name in outputs(out):
        plan = Plan.model_validate_json((out / name).read_bytes())
        assert plan.source.path == name.removesuffix(".json")
    assert run_khparse("validate", out).returncode == 0
    after = {name: ((out / name).stat().st_ino, (out / name).stat().st_mtime_ns) for name in done}
    assert after == done  # finished files were not redone
    rows = by_input(out)
    assert {n for n, row in rows.items() if row["resumed"]} == {n.removesuffix(".json") for n in done}
    assert report(out)["summary"]["resumed"] == len(done)


@pytest.fixture(scope="module")
def sample_batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real batch OUT_DIR (the bundled samples in a nested tree), made once for the validate tests."""
    src = tmp_path_factory.mktemp("samples")
    for i, name in enumerate(("kh-30-bacgiang.txt", "kh-30-bacgiang.docx", "kh-30-bacgiang.pdf")):
        (src / f"dept{i}").mkdir()
        shutil.copy(ROOT / "samples" / name, src / f"dept{i}" / name)
    out = tmp_path_factory.mktemp("batch") / "out"
    r = run_khparse("batch", src, "-o", out, "--quiet", timeout=600)
    assert r.returncode == 0, r.stderr.decode()
    assert len(outputs(out)) == 3
    return out


def break_one(sample_batch: Path, tmp_path: Path) -> tuple[Path, Path]:
    out = tmp_path / "out"
    shutil.copytree(sample_batch, out)
    bad = out / "dept1" / "kh-30-bacgiang.docx.json"
    doc = json.loads(bad.read_text("utf-8"))
    assert doc["sections"], "the pipeline found no section in the sample"
    doc["sections"][0]["level"] = 0  # the schema says level >= 1
    bad.write_text(json.dumps(doc, ensure_ascii=False, indent=2), "utf-8")
    return out, bad


def test_cli_validate_directory_text(sample_batch: Path, tmp_path: Path) -> None:
    out, bad = break_one(sample_batch, tmp_path)
    r = run_khparse("validate", out)
    assert r.returncode == 1
    lines = [ln for ln in r.stdout.decode().splitlines() if ln.startswith(str(out))]
    assert lines and all(ln.startswith(f"{bad}: sections[0].level: ") for ln in lines), r.stdout.decode()
    assert "in 1 of 3 file(s)" in r.stdout.decode()


def test_cli_validate_directory_json(sample_batch: Path, tmp_path: Path) -> None:
    out, bad = break_one(sample_batch, tmp_path)
    r = run_khparse("validate", out, "--format", "json")
    assert r.returncode == 1
    rep = json.loads(r.stdout)
    assert rep["ok"] is False and len(rep["files"]) == 3  # _report.json is not taken for an output
    failing = [f for f in rep["files"] if not f["ok"]]
    assert [f["file"] for f in failing] == [str(bad)]
    assert [p["path"] for p in failing[0]["problems"]] == ["sections[0].level"]


def test_cli_validate_directory_github(sample_batch: Path, tmp_path: Path) -> None:
    out, bad = break_one(sample_batch, tmp_path)
    r = run_khparse("validate", out, "--format", "github")
    assert r.returncode == 1
    lines = r.stdout.decode().splitlines()
    assert lines and all(ln.startswith(f"::error file={bad},") and "::sections[0].level: " in ln for ln in lines)
    assert run_khparse("validate", sample_batch, "--format", "github").returncode == 0


def test_pre_commit_hook_runs_validate_on_the_files_it_selects(sample_batch: Path, tmp_path: Path) -> None:
    """What pre-commit does with our hook: pick files by ``files``/``exclude``, run ``entry`` on them."""
    import regex
    import yaml

    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    assert hook["id"] == "khparse-validate" and hook["entry"] == "khparse validate"
    out, bad = break_one(sample_batch, tmp_path)
    (out / "notes.txt").write_text("not an output")
    staged = sorted(p.relative_to(tmp_path).as_posix() for p in out.rglob("*") if p.is_file())
    picked = [f for f in staged if regex.search(hook["files"], f) and not regex.search(hook["exclude"], f)]
    assert "out/_report.json" not in picked and "out/notes.txt" not in picked and "out/_report.csv" not in picked
    assert len(picked) == 3
    args = hook["entry"].split()[1:]
    r = run_khparse(*args, *picked, cwd=tmp_path)
    assert r.returncode == 1 and bad.relative_to(tmp_path).as_posix() in r.stdout.decode()
    good = [f for f in picked if f != bad.relative_to(tmp_path).as_posix()]
    assert run_khparse(*args, *good, cwd=tmp_path).returncode == 0


# --------------------------------------------------------------------------- Ray


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.ray
def test_ray_engine_on_a_loopback_cluster_matches_the_local_pool(tmp_path: Path) -> None:
    ray_bin = Path(sys.executable).parent / "ray"
    try:
        import ray  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail(".ci/run installs the ray extra: the Ray engine must be tested in CI")
        pytest.skip("the ray extra is not installed (pip install -e '.[ray]')")
    assert ray_bin.exists(), "the ray package is installed but its command is missing"
    src = tmp_path / "in"
    sources = [ROOT / "samples" / n for n in ("kh-30-bacgiang.txt", "kh-30-bacgiang.docx", "kh-30-bacgiang.pdf")]
    seeds = SHARED / "seeds"
    if seeds.is_dir():
        sources += sorted(seeds.iterdir())
    for s in sources:
        (src / s.parent.name).mkdir(parents=True, exist_ok=True)
        shutil.copy(s, src / s.parent.name / s.name)
    (src / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj <<")

    local = tmp_path / "local"
    r = run_khparse("batch", src, "-o", local, "--jobs", "2", timeout=600)
    assert r.returncode == 1, r.stderr.decode()  # broken.pdf fails, the rest must not

    port = free_port()
    temp = Path("/tmp") / f"kr{port}"  # Ray's socket paths must stay short
    # A single-node cluster on loopback only (Ray otherwise swaps 127.0.0.1 for the machine's own
    # address), with Ray's token authentication, shared by the cluster and the khparse driver.
    env = {**os.environ, "RAY_ADDRESS": "", "RAY_USAGE_STATS_ENABLED": "0", "RAY_AUTH_MODE": "token",
           "RAY_AUTH_TOKEN_PATH": str(tmp_path / "ray_token"), "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0"}
    (tmp_path / "ray_token").write_text(os.urandom(16).hex())
    log = tmp_path / "ray-start.log"
    with open(log, "wb") as fh:  # not a pipe: the daemons keep it open after `ray start` returns
        head = subprocess.Popen([str(ray_bin), "start", "--head", "--node-ip-address=127.0.0.1", f"--port={port}",
                                 "--num-cpus=2", "--include-dashboard=false", "--disable-usage-stats",
                                 f"--temp-dir={temp}"], env=env, start_new_session=True, stdout=fh, stderr=fh,
                                stdin=subprocess.DEVNULL)
    try:
        assert head.wait(timeout=180) == 0, log.read_text(errors="replace")[-2000:]
        distributed = tmp_path / "ray"
        r = run_khparse_env({**env, "RAY_ADDRESS": f"127.0.0.1:{port}"}, "batch", src, "-o", distributed,
                            "--engine", "ray", timeout=600)
        assert r.returncode == 1 and (distributed / "_report.json").exists(), r.stdout.decode() + r.stderr.decode()
    finally:
        stop_process_group(head.pid)
        shutil.rmtree(temp, ignore_errors=True)

    assert outputs(distributed) == outputs(local) and len(outputs(local)) == len(sources)
    for name in outputs(local):
        assert (distributed / name).read_bytes() == (local / name).read_bytes(), name

    def strip(rep: dict) -> list[dict]:
        return [{k: v for k, v in f.items() if k != "seconds"} for f in rep["files"]]

    assert strip(report(distributed)) == strip(report(local))


def stop_process_group(pgid: int) -> None:
    """Stop the cluster this test started — its own process group, nothing else (``ray stop``
    would stop every Ray process on the machine)."""
    for sig, wait in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 10.0)):
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                os.killpg(pgid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.2)


def run_khparse_env(env: dict[str, str], *args: str | os.PathLike[str], timeout: float) -> subprocess.CompletedProcess[bytes]:
    env = {**env, "NO_COLOR": "1", "COLUMNS": "200", "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "khparse", *map(str, args)], capture_output=True, env=env,
                          timeout=timeout, stdin=subprocess.DEVNULL)


def _fill_mib(n: int) -> int:
    block = bytearray(n << 20)
    for i in range(0, len(block), 4096):  # touch every page: resident, not just reserved
        block[i] = 1
    return len(block)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the sandbox forks")
def test_peak_rss_counts_the_sandbox_child_of_the_last_file() -> None:
    """The sandbox returns on the child's reply, before the child has exited: the worker's peak RSS
    must still include that child (``RUSAGE_CHILDREN`` counts only reaped children)."""
    from khparse import sandbox

    code = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "from test_batch import _fill_mib\n"
        "from khparse import batch, sandbox\n"
        "sandbox.run_isolated('x', _fill_mib, 300)\n"
        "print(batch._peak_rss_kb() // 1024)\n"
    )
    assert sandbox.available()
    r = subprocess.run([sys.executable, "-c", code, str(Path(__file__).parent)], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r.stderr
    assert int(r.stdout) >= 300
