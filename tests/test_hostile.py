"""The front door under hostile input, end to end through the CLI (``khparse extract`` and
``khparse batch``), on the files ``tests/hostile/make_hostile.py`` generates.

For every file: the documented exit code (``CASES``), no traceback, exactly one line on stderr
for a failure (and none on success), no output or temp file left behind on failure, under 1 GiB
of address space (``RLIMIT_AS`` on the child; khparse's own memory-capped children inherit it)
and within the file's time budget.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hostile.make_hostile import CASES, generate, text_pdf
from khparse.errors import EXIT_CODES
from khparse.validate import validate_data
from khparse_helpers import SHARED

MEMORY_LIMIT = 1 << 30


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def khparse(*args: str | os.PathLike[str], timeout: float, env: dict[str, str] | None = None,
            limit_memory: bool = True) -> subprocess.CompletedProcess[str]:
    base = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200", "PYTHONIOENCODING": "utf-8"}
    base.pop("KHPARSE_TRACEBACK", None)
    return subprocess.run([sys.executable, "-m", "khparse", *map(str, args)], capture_output=True, text=True,
                          errors="replace", stdin=subprocess.DEVNULL, timeout=timeout, env=env or base,
                          preexec_fn=_limit_memory if limit_memory else None)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return generate(tmp_path_factory.mktemp("hostile"))


def test_enough_cases_and_every_code_documented() -> None:
    assert len(CASES) >= 30
    assert {c.code for c in CASES.values()} <= set(EXIT_CODES)
    # every refusal an input can cause has a hostile example (1, 2, 3, 8, 10, 12, 13: see below)
    assert {4, 5, 6, 7, 9, 11} <= {c.code for c in CASES.values()}


@pytest.mark.parametrize("name", sorted(CASES))
def test_extract(name: str, hostile: dict[str, Path], tmp_path: Path) -> None:
    case = CASES[name]
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    start = time.monotonic()
    r = khparse("extract", hostile[name], "-o", out_dir / "plan.json", timeout=case.seconds)
    elapsed = time.monotonic() - start
    assert "Traceback" not in r.stderr
    assert r.returncode == case.code, f"{name} ({case.why}): exit {r.returncode}, stderr {r.stderr!r}"
    if case.code == 0:
        assert r.stderr == "", f"C-library chatter leaked to stderr: {r.stderr!r}"
        data = json.loads((out_dir / "plan.json").read_text(encoding="utf-8"))
        assert validate_data(data, name) == []
        if case.warning:
            assert case.warning in {w["code"] for w in data["warnings"]}
        assert sorted(os.listdir(out_dir)) == ["plan.json"]  # no temp file beside it
    else:
        lines = r.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("khparse: error: "), r.stderr
        assert os.listdir(out_dir) == [], "a failed run left a file behind"
    assert elapsed < case.seconds


def test_batch_on_the_whole_directory(hostile: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "batch"
    r = khparse("batch", next(iter(hostile.values())).parent, "-o", out, "-q", "-j", "2", timeout=900)
    assert "Traceback" not in r.stderr
    assert r.returncode == 1  # some inputs failed, as they should
    report = json.loads((out / "_report.json").read_text(encoding="utf-8"))
    got = {Path(f["input"]).name: f for f in report["files"]}
    assert set(got) == set(CASES)
    for name, case in CASES.items():
        f = got[name]
        assert f["code"] == case.code, f"{name}: batch code {f['code']} ({f['error']}), extract says {case.code}"
        assert (out / f"{name}.json").exists() == (case.code == 0), name
        assert f["seconds"] < case.seconds, name
    left = sorted(p.name for p in out.rglob("*") if p.name.endswith(".tmp"))
    assert left == []


def test_children_stayed_under_the_memory_limit() -> None:
    # ru_maxrss of RUSAGE_CHILDREN is the largest peak of any child (and their children) waited for
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    assert peak_kib < MEMORY_LIMIT // 1024


def test_raised_max_bytes_still_bounded(hostile: dict[str, Path]) -> None:
    """300 MB let through --max-bytes is still refused, by the text-size limit, without decoding it."""
    r = khparse("extract", hostile["huge-sparse.txt"], "--max-bytes", "400000000", timeout=30)
    assert r.returncode == 9, r.stderr
    assert "--max-pages" in r.stderr and len(r.stderr.splitlines()) == 1


def test_timeout_interrupts_a_long_c_call(hostile: dict[str, Path]) -> None:
    """pdfium inflating a 5 GiB stream is one C call; the alarm still ends the run on time, because
    the parse runs in a child that the parent kills (no RLIMIT here: the bomb would run ~6 s)."""
    start = time.monotonic()
    r = khparse("extract", hostile["deflate-bomb-5g.pdf"], "--timeout", "1", timeout=30, limit_memory=False)
    elapsed = time.monotonic() - start
    assert r.returncode == 9 and "timed out" in r.stderr, r.stderr
    assert elapsed < 5


def test_memory_cap_is_configurable(hostile: dict[str, Path]) -> None:
    env = {**os.environ, "KHPARSE_MAX_MEMORY": "600"}
    r = khparse("extract", hostile["deflate-bomb-5g.pdf"], timeout=60, env=env, limit_memory=False)
    assert r.returncode == 9 and "600 MiB" in r.stderr, r.stderr


# --- the other exit codes, each with an example ------------------------------------------------


def test_code_2_usage(tmp_path: Path) -> None:
    r = khparse("extract", "--max-pages", "0", "x.txt", timeout=30)
    assert r.returncode == 2 and "Traceback" not in r.stderr


def test_code_3_not_found(tmp_path: Path) -> None:
    r = khparse("extract", tmp_path / "missing.pdf", timeout=30)
    assert r.returncode == 3 and len(r.stderr.splitlines()) == 1


def test_code_8_no_text_layer_and_ocr_off(tmp_path: Path) -> None:
    blank = tmp_path / "blank.pdf"
    blank.write_bytes(text_pdf(lines=[" "]))
    r = khparse("extract", blank, "--ocr", "never", timeout=60)
    assert r.returncode == 8 and len(r.stderr.splitlines()) == 1, r.stderr


def test_code_10_missing_tool(tmp_path: Path) -> None:
    blank = tmp_path / "blank.pdf"
    blank.write_bytes(text_pdf(lines=[" "]))
    env = {**os.environ, "PATH": str(tmp_path)}  # no tesseract on this PATH
    r = khparse("extract", blank, "--ocr", "auto", timeout=60, env=env)
    assert r.returncode == 10 and "tesseract" in r.stderr.lower(), r.stderr


def test_code_13_output_not_writable(tmp_path: Path, hostile: dict[str, Path]) -> None:
    r = khparse("extract", hostile["not-a-plan.txt"], "-o", tmp_path / "no-such-dir" / "x.json", timeout=60)
    assert r.returncode == 13 and len(r.stderr.splitlines()) == 1, r.stderr


# --- documents that are not plans: parsed, and said so ------------------------------------------


@pytest.mark.parametrize("name", ["lamdong-ttr-snv-du-thao-kh-cchc-2026-2030.pdf", "lamdong-bc-329-cchc-2025.pdf"])
def test_not_a_plan_is_parsed_and_flagged(name: str, tmp_path: Path) -> None:
    path = SHARED / "corpus" / name
    if not path.exists():
        pytest.skip(f"{path} not available")
    r = khparse("extract", path, "-o", tmp_path / "out.json", timeout=120)
    assert r.returncode == 0, r.stderr
    data = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert data["confidence"] < 0.5
    assert "not-a-plan" in {w["code"] for w in data["warnings"]}
