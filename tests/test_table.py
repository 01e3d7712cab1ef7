"""``khparse table`` end to end through the CLI, read back the way an analyst would (pandas for
CSV, openpyxl for XLSX), on hand-made outputs and on the real pipeline's output for the seed plan."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from khparse.table import columns
from khparse_helpers import SHARED, good_plan_data, run_khparse

pd = pytest.importorskip("pandas")
openpyxl = pytest.importorskip("openpyxl")


def second_plan() -> dict[str, Any]:
    """Another province's plan with the awkward cells: a bare "=" and text starting with "- "."""
    doc = good_plan_data()
    doc["source"]["path"] = "lamdong/kh-12.docx"
    doc["metadata"].update(number="12/KH-UBND", issuer="Ủy ban nhân dân tỉnh Lâm Đồng", province="Lâm Đồng",
                           issued_date="2026-01-05")
    t = doc["targets"][0]
    t.update(comparator="=", value=100, value_text="100", raw="- 100% hồ sơ được số hóa", indicator="hồ sơ được số hóa")
    doc["targets"] = [t]
    return doc


@pytest.fixture
def outdir(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    (out / "lamdong").mkdir(parents=True)
    (out / "bacgiang.txt.json").write_text(json.dumps(good_plan_data(), ensure_ascii=False), "utf-8")
    (out / "lamdong" / "kh-12.docx.json").write_text(json.dumps(second_plan(), ensure_ascii=False), "utf-8")
    (out / "_report.json").write_text("{}")  # a batch report: not an output, must be ignored
    return out


def table(*args: Any) -> Any:
    return run_khparse("table", *args)


def test_csv_reads_back_with_pandas_and_keeps_vietnamese(outdir: Path, tmp_path: Path) -> None:
    f = tmp_path / "targets.csv"
    r = table(outdir, "--what", "targets", "-o", f)
    assert r.returncode == 0, r.stderr.decode()
    assert "4 targets from 2 plans" in r.stderr.decode()
    assert f.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel shows the diacritics
    df = pd.read_csv(f, encoding="utf-8-sig", keep_default_na=False)
    assert list(df.columns) == columns("targets")
    # Plans ordered by source path ("kh-30-bacgiang.txt" < "lamdong/…"), items in document order.
    assert list(df["plan_number"]) == ["30/KH-UBND"] * 3 + ["12/KH-UBND"]
    assert list(df["id"]) == ["T1", "T2", "T3", "T1"]
    row = df[df["indicator"] == "Tỉ lệ thất nghiệp khu vực thành thị"].iloc[0]
    assert (row["comparator"], row["value"], row["unit"], row["year"]) == ("<", 2.35, "%", 2030)
    assert (row["province"], row["issuer"], row["issued_date"]) == ("Bắc Giang", "Ủy ban nhân dân tỉnh Bắc Giang",
                                                                     "2024-04-30")
    assert (row["section"], row["section_heading"], row["line"]) == ("II.2", "Mục tiêu cụ thể đến năm 2030", 55)
    assert row["raw"] == "Tỉ lệ thất nghiệp khu vực thành thị dưới 2,35%"
    last = df.iloc[3]
    assert (last["comparator"], last["raw"], last["province"]) == ("=", "- 100% hồ sơ được số hóa", "Lâm Đồng")


def test_xlsx_reads_back_with_openpyxl(outdir: Path, tmp_path: Path) -> None:
    f = tmp_path / "targets.xlsx"
    assert table(outdir, "-o", f).returncode == 0
    ws = openpyxl.load_workbook(f).active
    header = [c.value for c in ws[1]]
    assert header == columns("targets") and all(c.font.bold for c in ws[1])
    assert ws.freeze_panes == "B2" and ws.auto_filter.ref == f"A1:{ws.cell(1, len(header)).column_letter}5"
    widths = {h: ws.column_dimensions[ws.cell(1, i + 1).column_letter].width for i, h in enumerate(header)}
    assert widths["raw"] > widths["unit"] and all(8 <= w <= 62 for w in widths.values())
    rows = [dict(zip(header, (c.value for c in r), strict=True)) for r in ws.iter_rows(min_row=2)]
    urban = next(r for r in rows if r["indicator"] == "Tỉ lệ thất nghiệp khu vực thành thị")
    assert (urban["comparator"], urban["value"], urban["unit"], urban["year"]) == ("<", 2.35, "%", 2030)
    assert rows[3]["comparator"] == "=" and rows[3]["raw"] == "- 100% hồ sơ được số hóa"
    assert ws.cell(5, header.index("comparator") + 1).data_type == "s"  # text, not an empty formula
    # Same outputs, same bytes: the table can be committed next to them.
    g = tmp_path / "again.xlsx"
    assert table(outdir, "-o", g).returncode == 0
    assert g.read_bytes() == f.read_bytes()


@pytest.mark.parametrize("what,count,first", [
    ("tasks", 4, {"id": "III.1.1", "lead": "Sở Lao động - Thương binh và Xã hội", "section_heading": "Tiếp tục rà soát"}),
    ("agencies", 8, {"name": "Sở Lao động - Thương binh và Xã hội", "lead_of": "III.1.1", "kind": "department"}),
    ("references", 4, {"ref_number": "42-NQ/TW", "mentions": 1, "first_mention": "Nghị quyết số 42-NQ/TW", "line": 20}),
])
def test_other_item_kinds(outdir: Path, tmp_path: Path, what: str, count: int, first: dict[str, Any]) -> None:
    f = tmp_path / f"{what}.csv"
    assert table(outdir, "--what", what, "-o", f).returncode == 0
    df = pd.read_csv(f, encoding="utf-8-sig", keep_default_na=False)
    assert list(df.columns) == columns(what) and len(df) == count
    assert {k: str(df.iloc[0][k]) for k in first} == {k: str(v) for k, v in first.items()}
    if what == "tasks":
        assert df.iloc[0]["partners"] == "các sở, ban, ngành có liên quan; UBND các huyện, thị xã, thành phố"


def test_jsonl_keeps_lists_and_nulls(outdir: Path, tmp_path: Path) -> None:
    f = tmp_path / "tasks.jsonl"
    assert table(outdir, "--what", "tasks", "-o", f).returncode == 0
    rows = [json.loads(line) for line in f.read_text("utf-8").splitlines()]
    assert len(rows) == 4 and rows[0]["partners"] == ["các sở, ban, ngành có liên quan",
                                                      "UBND các huyện, thị xã, thành phố"]
    assert rows[0]["product"] is None and "Tiếp tục" in f.read_text("utf-8")  # real UTF-8, no \\u escapes


def test_broken_outputs_are_named_and_the_rest_still_tabled(outdir: Path, tmp_path: Path) -> None:
    (outdir / "broken.json").write_text('{"schema_version": "1.0"}')
    f = tmp_path / "t.csv"
    r = table(outdir, "-o", f)
    assert r.returncode == 1
    assert "skipped" in r.stderr.decode() and "broken.json" in r.stderr.decode()
    assert len(pd.read_csv(f, encoding="utf-8-sig")) == 4


def test_usage_errors(outdir: Path, tmp_path: Path) -> None:
    r = table(outdir, "-o", tmp_path / "t.ods")
    assert r.returncode == 2 and ".csv, .xlsx or .jsonl" in r.stderr.decode()
    (tmp_path / "empty").mkdir()  # nothing to table: "not found" (exit 3), as for validate
    assert table(tmp_path / "empty", "-o", tmp_path / "t.csv").returncode == 3
    assert table(tmp_path / "nope", "-o", tmp_path / "t.csv").returncode == 3
    assert table(outdir, "--what", "deadlines", "-o", tmp_path / "t.csv").returncode == 2


def test_real_pipeline_bac_giang_urban_unemployment_target(tmp_path: Path) -> None:
    seed = SHARED / "seeds" / "001_d2697e7322ee9a2c.txt"
    if not seed.exists():
        pytest.skip("../shared is absent")
    out = tmp_path / "out"
    r = run_khparse("batch", seed, "-o", out, "--quiet")
    assert r.returncode == 0, r.stderr.decode()
    for suffix in ("csv", "xlsx"):
        f = tmp_path / f"targets.{suffix}"
        r = table(out, "--what", "targets", "-o", f)
        assert r.returncode == 0, r.stderr.decode()
    df = pd.read_csv(tmp_path / "targets.csv", encoding="utf-8-sig", keep_default_na=False)
    ws = openpyxl.load_workbook(tmp_path / "targets.xlsx").active
    header = [c.value for c in ws[1]]
    xlsx = pd.DataFrame([[c.value for c in r] for r in ws.iter_rows(min_row=2)], columns=header)
    for frame in (df, xlsx):
        urban = frame[frame["indicator"].str.contains("thất nghiệp") & frame["indicator"].str.contains("thành thị")]
        assert len(urban) >= 1, frame["indicator"].tolist()
        row = urban.iloc[0]
        assert (row["comparator"], float(row["value"]), row["unit"], int(row["year"])) == ("<", 2.35, "%", 2030)
        assert row["province"] == "Bắc Giang" and row["source_path"] == "001_d2697e7322ee9a2c.txt"
        assert int(row["line"]) > 0
