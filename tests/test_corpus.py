"""Every real document of ../shared/corpus through the CLI, end to end.

- .docx, .txt, .md, .json and text-layer PDFs: ``khparse extract`` exits 0 and its output
  passes ``khparse validate``;
- scans, broken text layers and legacy .doc (MANIFEST.tsv says which): exit 0 with valid output,
  or one of the documented refusals (8 no usable text layer, 10 missing tool) as one stderr line;
- never a traceback, and the same input twice gives byte-identical output (the second run uses
  another PYTHONHASHSEED, so set or dict ordering that depends on hashing shows up).

Scans run with ``--ocr never`` here (OCR of ~60 scanned pages takes minutes); set
KHPARSE_SLOW_TESTS=1 to also run them with OCR.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPUS = SHARED / "corpus"
REFUSALS = {8, 10}  # errors.NoTextLayer, errors.MissingTool
SLOW = os.environ.get("KHPARSE_SLOW_TESTS") == "1"


def manifest() -> dict[str, dict[str, str]]:
    path = CORPUS / "MANIFEST.tsv"
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as f:
        return {row["file"]: row for row in csv.DictReader(f, delimiter="\t")}


MANIFEST = manifest()
FILES = sorted(p.name for p in CORPUS.iterdir() if p.is_file() and p.name != "MANIFEST.tsv") if CORPUS.exists() else []


def is_scan(name: str) -> bool:
    return "scanned" in MANIFEST.get(name, {}).get("format", "")


def is_hard(name: str) -> bool:
    """Inputs that may end in a documented refusal: scans, broken text layers, legacy .doc."""
    row = MANIFEST.get(name, {})
    return is_scan(name) or "BROKEN TEXT LAYER" in row.get("notes", "") or name.endswith(".doc")


@dataclass
class Run:
    code: int
    out: bytes
    err: str


def khparse(*args: str, seed: str = "0") -> Run:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200", "PYTHONIOENCODING": "utf-8", "PYTHONHASHSEED": seed}
    env.pop("KHPARSE_TRACEBACK", None)
    p = subprocess.run([sys.executable, "-m", "khparse", *args], capture_output=True, env=env, timeout=600,
                       stdin=subprocess.DEVNULL)
    return Run(p.returncode, p.stdout, p.stderr.decode("utf-8", "replace"))


def extract_args(name: str, ocr: str | None = None) -> list[str]:
    ocr = ocr or ("never" if is_scan(name) else "auto")
    return ["extract", str(CORPUS / name), "--format", "json", "--ocr", ocr]


def parallel(jobs: list[tuple[str, list[str], str]]) -> dict[str, Run]:
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        runs = pool.map(lambda j: khparse(*j[1], seed=j[2]), jobs)
        return dict(zip([j[0] for j in jobs], runs, strict=True))


@pytest.fixture(scope="module")
def first() -> dict[str, Run]:
    if not FILES:
        pytest.skip("../shared/corpus is absent")
    return parallel([(n, extract_args(n), "0") for n in FILES])


@pytest.fixture(scope="module")
def second(first: dict[str, Run]) -> dict[str, Run]:
    return parallel([(n, extract_args(n), "12345") for n, r in first.items() if r.code == 0])


@pytest.fixture(scope="module")
def validation(first: dict[str, Run], tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    out = tmp_path_factory.mktemp("corpus-out")
    for name, r in first.items():
        if r.code == 0:
            (out / f"{name}.json").write_bytes(r.out)
    v = khparse("validate", str(out), "--format", "json")
    assert v.code in (0, 1), v.err
    report = json.loads(v.out)
    return {Path(f["file"]).name.removesuffix(".json"): f for f in report["files"]}


def check_clean_failure(name: str, r: Run) -> None:
    assert "Traceback" not in r.err, f"{name}: traceback\n{r.err}"
    lines = [ln for ln in r.err.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("khparse: error: "), f"{name}: {r.err!r}"


@pytest.mark.parametrize("name", FILES)
def test_extracts(first: dict[str, Run], name: str) -> None:
    r = first[name]
    assert "Traceback" not in r.err, f"{name}: traceback\n{r.err}"
    if is_hard(name):
        assert r.code == 0 or r.code in REFUSALS, f"{name}: exit {r.code}: {r.err.strip()}"
        if r.code:
            check_clean_failure(name, r)
            return
    assert r.code == 0, f"{name}: exit {r.code}: {r.err.strip()}"
    plan = json.loads(r.out)
    assert plan["source"]["sha256"] and plan["schema_version"] == "1.0"


@pytest.mark.parametrize("name", FILES)
def test_output_is_valid(first: dict[str, Run], validation: dict[str, dict], name: str) -> None:
    if first[name].code != 0:
        pytest.skip(f"exit {first[name].code} (checked by test_extracts)")
    report = validation[name]
    assert report["ok"], report["problems"]


@pytest.mark.parametrize("name", FILES)
def test_deterministic(first: dict[str, Run], second: dict[str, Run], name: str) -> None:
    if first[name].code != 0:
        pytest.skip(f"exit {first[name].code} (checked by test_extracts)")
    a, b = first[name].out, second[name].out
    assert second[name].code == 0 and a == b, f"{name}: outputs differ at byte {_first_diff(a, b)}"


def _first_diff(a: bytes, b: bytes) -> int:
    return next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))


def test_manifest_covers_the_corpus() -> None:
    # The lenient rule above is keyed on MANIFEST.tsv: a file missing from it would be held to
    # the strict rule silently, so the two lists must agree.
    if not FILES:
        pytest.skip("../shared/corpus is absent")
    assert set(FILES) == set(MANIFEST)
    assert sum(is_scan(n) for n in FILES) >= 6


@pytest.mark.skipif(not SLOW, reason="OCR of the scans takes minutes; set KHPARSE_SLOW_TESTS=1")
@pytest.mark.parametrize("name", [n for n in FILES if is_scan(n)])
def test_scans_with_ocr(name: str, tmp_path: Path) -> None:
    r = khparse(*extract_args(name, ocr="auto"))
    assert "Traceback" not in r.err
    if r.code:
        assert r.code in REFUSALS, r.err
        check_clean_failure(name, r)
        return
    out = tmp_path / "plan.json"
    out.write_bytes(r.out)
    v = khparse("validate", str(out))
    assert v.code == 0, v.out.decode("utf-8", "replace")
