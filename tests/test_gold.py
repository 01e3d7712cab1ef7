"""The gold runs of issue 2: ../shared/tools/khscore.py runs ``khparse extract`` (from this venv)
on each rendering of Kế hoạch 30/KH-UBND and scores it against the hand-checked gold."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import regex

SHARED = Path(__file__).resolve().parents[2] / "shared"
VENV_BIN = Path(sys.executable).parent
GOLD = SHARED / "gold" / "kh-30-bacgiang.gold.yaml"
KHSCORE = SHARED / "tools" / "khscore.py"
CATEGORIES = ("metadata", "references", "sections", "tasks", "agencies", "targets", "deadlines")
RUNS = {  # name → (input, extra khscore options)
    "001-txt": ("seeds/001_d2697e7322ee9a2c.txt", []),
    "pdf": ("pdf/kh-30-bacgiang.pdf", []),
    "docx": ("pdf/kh-30-bacgiang.docx", []),
    "000-pdf-rendering": ("seeds/000_07b9a62f9f13f5aa.txt", ["--rendering", "pdf"]),
}
MIN_SCORE, MIN_CATEGORY = 0.97, 0.90
_ROW = regex.compile(r"^(?P<cat>[a-z]+)\s+(?P<f1>\d+\.\d+)\s", regex.M)
_SCORE = regex.compile(r"^score:\s*(?P<s>\d+\.\d+)\s*$", regex.M)


def _score(name: str) -> subprocess.CompletedProcess[str]:
    rel, extra = RUNS[name]
    env = {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}", "NO_COLOR": "1"}
    return subprocess.run([sys.executable, str(KHSCORE), str(GOLD), "--run", str(SHARED / rel), *extra],
                          capture_output=True, text=True, env=env, timeout=300)


@pytest.fixture(scope="module")
def results() -> dict[str, subprocess.CompletedProcess[str]]:
    if not (GOLD.exists() and KHSCORE.exists()):
        pytest.skip("../shared (gold, khscore) is absent")
    with ThreadPoolExecutor(max_workers=len(RUNS)) as pool:
        return dict(zip(RUNS, pool.map(_score, RUNS), strict=True))


def parse(out: str) -> tuple[float, dict[str, float]]:
    m = _SCORE.search(out)
    assert m is not None, f"no 'score:' line in:\n{out}"
    return float(m.group("s")), {r.group("cat"): float(r.group("f1")) for r in _ROW.finditer(out)}


@pytest.mark.parametrize("name", list(RUNS))
def test_khscore(results: dict[str, subprocess.CompletedProcess[str]], name: str) -> None:
    proc = results[name]
    assert proc.returncode == 0, proc.stderr
    score, cats = parse(proc.stdout)
    assert set(cats) == set(CATEGORIES), proc.stdout
    low = {c: f for c, f in cats.items() if f < MIN_CATEGORY}
    assert not low, f"categories below {MIN_CATEGORY}: {low}\n{proc.stdout}"
    assert score >= MIN_SCORE, proc.stdout


def test_parse_reads_the_khscore_table() -> None:
    # The parser itself must not pass on an empty or garbled report.
    out = "metadata    1.000  8/8 fields\ntasks       0.850  P 0.80 R 0.90\nscore: 0.925\n"
    assert parse(out) == (0.925, {"metadata": 1.0, "tasks": 0.85})
    with pytest.raises(AssertionError):
        parse("khscore: PyYAML is required")
