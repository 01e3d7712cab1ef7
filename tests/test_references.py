"""references: citation grammar (Party and State numbers), canonical numbers, dates, issuers,
short names ("viết tắt là" / "gọi tắt là") and the plan's own number left out."""

from __future__ import annotations

from pathlib import Path

import pytest

from khparse.models import Reference
from khparse.references import CITATION_RE, _date, canonical_number
from khparse_helpers import gold, plan

SHARED = Path(__file__).resolve().parents[2] / "shared"
S000 = "seeds/000_07b9a62f9f13f5aa.txt"
S001 = "seeds/001_d2697e7322ee9a2c.txt"


def ref(rel: str, number: str) -> Reference:
    hits = [r for r in plan(rel).references if r.number == number]
    assert len(hits) == 1, f"{rel}: {number} cited {len(hits)} times in {[r.number for r in plan(rel).references]}"
    return hits[0]


# --- the grammar on single citations --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "number", "code"),
    [
        ("Nghị quyết số 42-NQ/TW ngày 24/11/2023", "42-NQ/TW", "NQ"),  # 001 l.20-21
        ("Nghị quyết số 42- NQ/TW, Kế hoạch số 19-KH/TW", "42-NQ/TW", "NQ"),  # 001 l.35: space after "-"
        ("Nghị quyết số 42-\nNQ/TW, Kế hoạch số 19-KH/TW", "42-NQ/TW", "NQ"),  # 000 l.40-42: wrapped at "-"
        ("thực hiện Nghị quyết số 42-NQ/TƯ (viết tắt là", "42-NQ/TW", "NQ"),  # 001 l.24-25: "TƯ" variant
        ("Nghị quyết số 28- NQ/TW ngày 23/5/2018", "28-NQ/TW", "NQ"),  # 001 III.5.1
        ("Số 3260-KH/ĐĐQH15", "3260-KH/ĐĐQH15", "KH"),  # ddqh-kh-3260-nq57-2025.md: Party body with a term
        ("Kế hoạch số 41/KH-UBND ngày 08/8/2023 của UBND tỉnh", "41/KH-UBND", "KH"),  # 001 III.4
        ("Nghị định số 217/2025/NĐ-\nCP ngày 05/8/2025", "217/2025/NĐ-CP", "NĐ"),  # laocai-…-1105 companion l.25-26
        ("Chỉ thị số 11/CT-TTg ngày 21 tháng 4 năm\r\n2025", "11/CT-TTg", "CT"),  # tvpl-trunc-hcm-kh-4266.json
        ("Tờ trình số 04/TTr-BKHCN-BTTTT ngày 02 tháng 01 năm 2025", "04/TTr-BKHCN-BTTTT", "TTr"),  # chinhphu NQ 03
        ("Nghị quyết\r\n27/2021/NQ-HĐND ngày 09/12/2021", "27/2021/NQ-HĐND", "NQ"),  # tvpl-trunc-nghean-kh-1021.json
    ],
    ids=["party", "space", "wrapped", "tu", "28", "party-term", "state", "state-year-wrapped", "ttg",
         "joint", "hdnd"],
)
def test_canonical_number(text: str, number: str, code: str) -> None:
    m = CITATION_RE.search(text)
    assert m is not None
    assert canonical_number(m) == (number, code)


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("Nghị quyết số 42-NQ/TW ngày 24/11/2023 của Ban Chấp hành", "2023-11-24"),  # 001 l.20-21
        ("Kế hoạch số 119-KH/TU ngày 04/3/2024 của Ban Thường vụ Tỉnh ủy", "2024-03-04"),  # 001 l.25-26
        ("Chỉ thị số 11/CT-TTg ngày 21 tháng 4 năm 2025 của Thủ tướng Chính phủ", "2025-04-21"),  # tvpl hcm
        ("Chỉ thị số 10/CT-TTg ngày 19 tháng 4 năm 2023 của Thủ tướng Chính\r\nphủ", "2023-04-19"),  # tvpl cantho
        ("Quyết định số 1050/QĐ-SCT ngày 06/3/2026 của Giám đốc Sở", "2026-03-06"),  # 1105 companion l.11
        ("Chỉ thị số 21-CT/TW", None),  # no date
    ],
    ids=["slash", "short-month", "words", "words-wrapped", "state", "none"],
)
def test_citation_date_in_both_forms(text: str, date: str | None) -> None:
    m = CITATION_RE.search(text)
    assert m is not None
    assert _date(m) == date


# --- the sample plan against the gold -------------------------------------------------------


@pytest.mark.parametrize("rel", [S001, S000], ids=["001", "000"])
def test_numbered_references_equal_the_gold(rel: str) -> None:
    want = [r for r in gold()["references"] if r["number"] is not None]
    got = [r for r in plan(rel).references if r.number is not None]
    assert [r.number for r in got] == [r["number"] for r in want]
    for g, w in zip(got, want, strict=True):
        assert (g.type, g.date, g.short_name) == (w["type"], w["date"], w["short_name"]), g.number
        if rel == S001:  # 000 has no header, so "của UBND tỉnh" cannot be expanded there
            assert g.issuer == w["issuer"], g.number


def test_surface_variants_are_one_document() -> None:
    # "Nghị quyết số 42-NQ/TW", "… 42- NQ/TW" (I.1), "… 42-NQ/TƯ" (preamble), "Nghị quyết 42-NQ/TW" (no "số")
    raws = {m.raw for m in ref(S001, "42-NQ/TW").mentions}
    assert any("42- NQ/TW" in r for r in raws)
    assert any("42-NQ/TƯ" in r for r in raws)
    assert any(r.startswith("Nghị quyết 42-NQ/TW") for r in raws)
    assert len(ref(S001, "42-NQ/TW").mentions) >= 10


def test_mentions_keep_provenance() -> None:
    first = ref(S001, "19-KH/TW").mentions[0]
    assert first.raw.startswith("Kế hoạch số 19-KH/TW ngày 27/11/2023")
    assert first.provenance.line == 24  # 001 l.24


def test_issuer_drops_plenum_and_term() -> None:
    # 001 III.5.1: "… ngày 23/5/2018 của Hội nghị lần thứ bảy Ban Chấp hành Trung ương Đảng khoá XIII …"
    assert ref(S001, "28-NQ/TW").issuer == "Ban Chấp hành Trung ương Đảng"


def test_issuer_ubnd_tinh_is_the_plan_issuer() -> None:
    # 001 III.4: "Kế hoạch số 41/KH-UBND ngày 08/8/2023 của UBND tỉnh"
    assert ref(S001, "41/KH-UBND").issuer == "Ủy ban nhân dân tỉnh Bắc Giang"


@pytest.mark.parametrize(
    ("rel", "number", "issuer"),
    [
        # "Nghị định số 217/2025/NĐ-\nCP ngày 05/8/2025 của Chính phủ Quy định về hoạt động kiểm tra …"
        ("corpus/laocai-kh-1105-dkt-vlncn-2026.companion.txt", "217/2025/NĐ-CP", "Chính phủ"),
        # "Quyết định số 1441/QĐ-UBND ngày 25/9/2025 của Chủ tịch UBND tỉnh công bố thủ tục hành chính …"
        ("corpus/lamdong-kh-ubnd-cchc-2026-2030.docx", "1441/QĐ-UBND", "Chủ tịch Ủy ban nhân dân tỉnh"),
    ],
    ids=["quy-dinh", "cong-bo"],
)
def test_issuer_stops_where_the_subject_starts(rel: str, number: str, issuer: str) -> None:
    assert ref(rel, number).issuer == issuer


# --- short names ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rel", "number", "short"),
    [
        (S001, "42-NQ/TW", "Nghị quyết số 42-NQ/TW"),  # l.23 "(viết tắt là Nghị quyết số 42-NQ/TW)"
        (S001, "119-KH/TU", "Kế hoạch số 119-KH/TU"),  # l.29 "(sau đây gọi tắt là Kế hoạch số 119-KH/TU)"
        ("corpus/tvpl-trunc-hatinh-kh-376.json", "23/CT-TTg", "Chỉ thị số 23/CT-TTg"),  # "(gọi tắt\r\nlà …)"
        ("corpus/tvpl-trunc-caobang-kh-2767.json", "35/CT-TTg", "Chỉ thị số 35/CT-TTg"),  # "( sau đây viết tắt là …\r\n… )"
        ("corpus/tvpl-trunc-hcm-kh-4266.json", "11/CT-TTg", "Chỉ thị số 11/CT-TTg"),  # "(viết gọn là …)"
        ("corpus/laocai-kh-ubnd-ct11-khoangsan-2026-draft.docx", "11-CT/TU", "Chỉ thị 11"),  # "(viết tắt là Chỉ thị 11)"
    ],
    ids=["viet-tat", "goi-tat", "wrapped", "spaced-parens", "viet-gon", "bare-number"],
)
def test_short_name(rel: str, number: str, short: str) -> None:
    assert ref(rel, number).short_name == short


def test_no_short_name_without_a_definition() -> None:
    assert ref(S001, "89-KH/TU").short_name is None


# --- one entry per document -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "number"),
    [("tvpl-trunc-hcm-kh-4266.json", "11/CT-TTg"), ("tvpl-trunc-hatinh-kh-376.json", "23/CT-TTg"),
     ("tvpl-trunc-caobang-kh-2767.json", "35/CT-TTg"), ("tvpl-trunc-binhduong-kh-5558.json", "23/CT-TTg")],
)
def test_title_in_capitals_cites_the_same_document(name: str, number: str) -> None:
    # "KẾ HOẠCH THỰC HIỆN CHỈ THỊ SỐ 11/CT-TTG …" (title in capitals) and "Chỉ thị số 11/CT-TTg" in
    # the preamble are one document: one entry, spelled as the running text spells it.
    rel = f"corpus/{name}"
    same = [r.number for r in plan(rel).references if (r.number or "").casefold() == number.casefold()]
    assert same == [number]


# --- the plan's own number ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rel", "own"),
    [
        (S001, "30/KH-UBND"),
        ("pdf/kh-30-bacgiang-appendix.docx", "30/KH-UBND"),  # "(Kèm theo Kế hoạch số 30/KH-UBND ngày 30/4/2024 …)"
        ("corpus/laocai-kh-1105-dkt-vlncn-2026.companion.txt", "1105/KH-ĐKT"),  # "Kế hoạch số 1105 /KH-ĐKT"
        ("corpus/tvpl-trunc-yenbai-kh-01.json", "01/KH-UBND"),
        ("corpus/ddqh-kh-3260-nq57-2025.md", "3260-KH/ĐĐQH15"),
    ],
    ids=["001", "appendix", "spaced", "tvpl", "party"],
)
def test_own_number_is_not_a_reference(rel: str, own: str) -> None:
    assert plan(rel).metadata.number == own
    assert own not in {r.number for r in plan(rel).references}


def test_blank_own_number_is_not_a_reference() -> None:
    # laocai-kh-ubnd-ct11-khoangsan-2026-draft.docx: "Số:           /KH-UBND" and the appendix's
    # "(Kèm theo Kế hoạch số:           /KH-UBND ngày …)": a blank number cites nothing.
    numbers = {r.number or "" for r in plan("corpus/laocai-kh-ubnd-ct11-khoangsan-2026-draft.docx").references}
    assert not [n for n in numbers if n.startswith("/")]
