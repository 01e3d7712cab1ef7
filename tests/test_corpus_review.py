"""Corpus review: what a gold annotator following ../shared/gold/README.md would write for ten real
documents of ../shared/corpus, checked against ``pipeline.extract`` one category at a time.

Each test quotes the source text it rests on. Only answers that the gold conventions settle are
asserted (debatable readings are left out). Every document is parsed once per module.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from khparse.pipeline import extract

SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPUS = SHARED / "corpus"

pytestmark = pytest.mark.skipif(not CORPUS.exists(), reason="../shared/corpus is not available")

DOCS = {
    "cchc": "lamdong-kh-ubnd-cchc-2026-2030.docx",
    "pcmt": "lamdong-kh-ubnd-ctmtqg-pcmt-2030.docx",
    "ct11": "laocai-kh-ubnd-ct11-khoangsan-2026-draft.docx",
    "sct2242": "laocai-kh-sct-2242-kiemtra-gcn-2026.docx",
    "tuyentruyen": "lamdong-kh-ubnd-tuyentruyen-cchc-2026.docx",
    "yenbai": "tvpl-trunc-yenbai-kh-01.json",
    "nghean": "tvpl-trunc-nghean-kh-1021.json",
    "tuyenquang": "tvpl-trunc-tuyenquang-kh-04.json",
    "ddqh": "ddqh-kh-3260-nq57-2025.md",
    "dkt1105": "laocai-kh-1105-dkt-vlncn-2026.companion.txt",
}


@pytest.fixture(scope="module")
def plans() -> dict[str, dict[str, Any]]:
    class Lazy(dict):  # parse each document once, on first use
        def __missing__(self, key: str) -> dict[str, Any]:
            path = CORPUS / DOCS[key]
            if not path.exists():
                pytest.skip(f"{path.name} is not in the corpus")
            self[key] = extract(path).model_dump(mode="json")
            return self[key]

    return Lazy()


def section_ids(plan: dict[str, Any]) -> list[str]:
    out: list[str] = []

    def walk(nodes: list[dict[str, Any]]) -> None:
        for n in nodes:
            out.append(n["id"])
            walk(n["children"])

    walk(plan["sections"])
    return out


def ref(plan: dict[str, Any], number: str) -> dict[str, Any]:
    found = [r for r in plan["references"] if r["number"] == number]
    assert found, f"{number} missing from references: {[r['number'] for r in plan['references']]}"
    return found[0]


def tasks_in(plan: dict[str, Any], section: str) -> list[dict[str, Any]]:
    return [t for t in plan["tasks"] if t["section"] == section]


def agencies_of(task: dict[str, Any]) -> list[str]:
    return task["lead"] + task["partners"]


# ---------------------------------------------------------------------------------------------
# Sections
# ---------------------------------------------------------------------------------------------

def test_roman_numeral_at_line_end_with_heading_on_next_line(plans):
    # tuyenquang: "... xử lý vi phạm về trật tự an toàn\r\ngiao thông. II.\r\nNHIỆM VỤ TRỌNG TÂM 1. Nâng
    # cao năng lực quản lý nhà nước ... 2. Đẩy mạnh ... 3. Tiếp tục đầu tư ... 4. ... 5. Siết chặt ..."
    # Part II is missed, so its items 3-5 become I.3-I.5 (and 1-2 are lost inside I.2).
    ids = section_ids(plans["tuyenquang"])
    assert "II" in ids
    assert {"II.1", "II.2", "II.3", "II.4", "II.5"} <= set(ids)
    assert not {"I.3", "I.4", "I.5"} & set(ids)


def test_roman_heading_text_after_wrapped_numeral(plans):
    # tuyenquang: "II.\r\nNHIỆM VỤ TRỌNG TÂM 1. Nâng cao ..."
    heads = {s["id"]: s["heading"] for s in plans["tuyenquang"]["sections"]}
    assert heads.get("II") == "NHIỆM VỤ TRỌNG TÂM"


@pytest.mark.parametrize(("doc", "parent", "letters"), [
    # cchc I.3 "3. Yêu cầu / a) Kế hoạch phải được ... b) Có sự kế thừa ... c) Gắn trách nhiệm của
    # người đứng đầu ..." - three parallel items; a) and b) come out as sections, c) does not.
    ("cchc", "I.3", ["a", "b", "c"]),
    # tuyentruyen IV.2 "2. Văn phòng UBND tỉnh: / a) Chủ trì, phối hợp ... b) Chủ trì tuyên truyền ...
    # c) Thực hiện tốt ... d) Phối hợp với ... e) Cập nhật đầy đủ ..." - a), b) are sections, c)-e) not.
    ("tuyentruyen", "IV.2", ["a", "b", "c", "d", "e"]),
])
def test_parallel_lettered_items_are_all_sections_or_none(plans, doc, parent, letters):
    ids = set(section_ids(plans[doc]))
    got = [x for x in letters if f"{parent}.{x}" in ids]
    assert got in ([], letters), f"{parent}: only {got} of {letters} became sections"


# ---------------------------------------------------------------------------------------------
# Metadata
# ---------------------------------------------------------------------------------------------

def test_title_drops_final_period_before_run_on_body(plans):
    # nghean: "KẾ HOẠCH MỞ ĐỢT CAO ĐIỂM ... XUÂN NĂM 2024 TRÊN ĐỊA BÀN TỈNH NGHỆ AN. Tiếp tục đẩy mạnh ..."
    title = plans["nghean"]["metadata"]["title"]
    assert title.endswith("trên địa bàn tỉnh Nghệ An")


# ---------------------------------------------------------------------------------------------
# References
# ---------------------------------------------------------------------------------------------

def test_reference_after_va_is_not_swallowed(plans):
    # tuyentruyen II.2.b: "Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ và Chỉ thị số
    # 23/CT-TTg ngày 02/9/2021 của Thủ tướng Chính phủ" - the second document is lost.
    r = ref(plans["tuyentruyen"], "23/CT-TTg")
    assert r["type"] == "Chỉ thị"
    assert r["date"] == "2021-09-02"
    assert r["issuer"] == "Thủ tướng Chính phủ"


def test_short_name_belongs_to_the_phrase_it_abbreviates(plans):
    # tuyentruyen preamble: "... ban hành Kế hoạch tuyên truyền Cải cách hành chính (sau đây viết tắt
    # là CCHC) năm 2026" - CCHC abbreviates "Cải cách hành chính", not Nghị quyết 76/NQ-CP.
    assert ref(plans["tuyentruyen"], "76/NQ-CP")["short_name"] is None


def test_issuer_stops_before_next_document(plans):
    # nghean: "Nghị quyết 27/2021/NQ-HĐND ngày 09/12/2021 của Hội đồng nhân dân tỉnh và Kế hoạch số:
    # 36/KH-UBND ngày 20/1/2022 của UBND tỉnh về quy định ..."
    issuer = ref(plans["nghean"], "27/2021/NQ-HĐND")["issuer"]
    assert issuer is not None and "Kế hoạch" not in issuer and "36/KH-UBND" not in issuer


def test_so_colon_form_keeps_date_and_issuer(plans):
    # nghean: "Kế hoạch số:\r\n36/KH-UBND ngày 20/1/2022 của UBND tỉnh về quy định ..."; later
    # "Kế hoạch số 36/KH-UBND của UBND tỉnh trong đợt cao điểm ..."
    r = ref(plans["nghean"], "36/KH-UBND")
    assert r["date"] == "2022-01-20"
    assert r["issuer"] is not None and "trong đợt" not in r["issuer"]


def test_issuer_not_cut_inside_agency_name(plans):
    # tuyenquang: "Kế hoạch số 16/KH-UBATGTQG ngày 09/01/2018 của Ủy ban An toàn giao thông Quốc gia về
    # kế hoạch năm an toàn giao thông 2018" - comes out as "Ủy ban An toàn".
    assert ref(plans["tuyenquang"], "16/KH-UBATGTQG")["issuer"] == "Ủy ban An toàn giao thông Quốc gia"


def test_issuer_not_run_into_document_title(plans):
    # cchc PL.I.1: "Theo Điều 17 Nghị định số 52/2015/NĐ-CP ngày 28/5/2015 của Chính phủ cơ sở dữ liệu
    # quốc gia về pháp luật"
    assert ref(plans["cchc"], "52/2015/NĐ-CP")["issuer"] == "Chính phủ"


@pytest.mark.parametrize(("doc", "number", "issuer"), [
    # ddqh: "Ngày 22/12/2024, Bộ Chính trị đã ban hành Nghị quyết số 57-NQ/TW về đột phá ..." and the
    # title "Nghị quyết số 57-NQ/TW ngày 22/12/2024 Bộ Chính trị về ..."
    ("ddqh", "57-NQ/TW", "Bộ Chính trị"),
    # ct11 II.3: "... đã được Thủ tướng Chính phủ phê duyệt tại Quyết định số 1626/QĐ-TTg ngày 15/12/2023"
    ("ct11", "1626/QĐ-TTg", "Thủ tướng Chính phủ"),
])
def test_issuer_named_before_the_number(plans, doc, number, issuer):
    assert ref(plans[doc], number)["issuer"] == issuer


def test_phuong_an_type(plans):
    # cchc II.3.b: "Tiếp tục tổ chức thực hiện Phương án số 7178/PA-UBND ngày 14/11/2025 của Ủy ban
    # nhân dân tỉnh"
    assert ref(plans["cchc"], "7178/PA-UBND")["type"] == "Phương án"


# ---------------------------------------------------------------------------------------------
# Tasks: missing assignments
# ---------------------------------------------------------------------------------------------

def test_giao_x_bullets_inside_a_section_are_tasks(plans):
    # cchc II.6.b: "- Giao Công an tỉnh tham mưu Ủy ban nhân dân tỉnh triển khai ứng dụng AI trong công
    # tác giám sát an ninh mạng."  II.2.b: "- Giao Văn phòng Ủy ban nhân dân tỉnh (Trung tâm Phục vụ
    # hành chính công tỉnh) tham mưu Ủy ban nhân dân tỉnh triển khai tích hợp ứng dụng AI ..."
    leads_66 = [a for t in tasks_in(plans["cchc"], "II.6.b") for a in t["lead"]]
    assert "Công an tỉnh" in leads_66
    leads_22 = [a for t in tasks_in(plans["cchc"], "II.2.b") for a in t["lead"]]
    assert any(a.startswith("Văn phòng Ủy ban nhân dân tỉnh") or a.startswith("Văn phòng UBND tỉnh")
               for a in leads_22)


# ---------------------------------------------------------------------------------------------
# Tasks: lead / partner strings
# ---------------------------------------------------------------------------------------------

def test_co_quan_to_chuc_collective_not_split(plans):
    # ct11 IV.7: "Chủ trì, phối hợp với cơ quan, tổ chức liên quan thẩm định ..." -> one collective
    names = [a for t in plans["ct11"]["tasks"] if t["section"].startswith("IV.7") for a in t["lead"] + t["partners"]]
    assert "cơ quan, tổ chức liên quan" in names, names


def test_partner_list_split_into_agencies(plans):
    # tuyentruyen III.3: "Sở Nội vụ chủ trì, phối hợp với Báo và Phát thanh, Truyền hình tỉnh, Tạp chí
    # Diễn đàn doanh nghiệp... thường xuyên đăng tải ..."
    partners = [a for t in tasks_in(plans["tuyentruyen"], "III.3") for a in t["partners"]]
    assert "Báo và Phát thanh, Truyền hình tỉnh" in partners
    assert "Tạp chí Diễn đàn doanh nghiệp" in partners


def test_phoi_hop_inside_a_noun_phrase_is_not_a_partner(plans):
    # pcmt IV.2: "... Tỉnh đoàn: Chỉ đạo thực hiện có hiệu quả các kế hoạch liên tịch, chương trình phối
    # hợp hành động với Bộ Công an, tuyên truyền ..." -> partner "hành động với Bộ Công an".
    partners = [a for t in tasks_in(plans["pcmt"], "IV.2") for a in t["partners"]]
    assert not any(p.startswith("hành động") for p in partners), partners


@pytest.mark.parametrize("doc", list(DOCS))
def test_sentence_initial_cac_lower_cased(plans, doc):
    # gold/README: "sentence-initial 'Các' lower-cased for collectives". ct11 Phụ lục row 1: "Các Sở,
    # ban, ngành; UBND các xã, phường"; ddqh II.2.2.p heading "Các Đoàn đại biểu Quốc hội, các đại
    # biểu Quốc hội". (cchc's table "Các sở, ban, ngành" is already lower-cased.)
    bad = [(t["id"], a) for t in plans[doc]["tasks"] for a in agencies_of(t) if a.startswith("Các ")]
    assert not bad


# ---------------------------------------------------------------------------------------------
# Tasks: timelines
# ---------------------------------------------------------------------------------------------

def test_quarter_timeline_keeps_its_year(plans):
    # ct11 IV.10: "... xử lý dứt điểm các hành vi khai thác khoáng sản bằng tàu cuốc trên sông, suối,
    # hồ xong trong quý II năm 2026." -> timeline "xong trong quý II" (year dropped).
    tl = [t["timeline"] for t in tasks_in(plans["ct11"], "IV.10")]
    assert any(x and "2026" in x for x in tl), tl


def test_timeline_comes_from_the_tasks_own_bullet(plans):
    # cchc II.6.b: "- Giao Văn phòng Ủy ban nhân dân tỉnh thường xuyên theo dõi ... Hoàn thành và đưa
    # Trung tâm IOC vào hoạt động trong quý I năm 2026." is the Văn phòng's bullet; the Sở Khoa học và
    # Công nghệ bullet ("Giao Sở Khoa học và Công nghệ chủ trì, tham mưu ...") has no deadline.
    for t in tasks_in(plans["cchc"], "II.6.b"):
        if t["lead"] == ["Sở Khoa học và Công nghệ"]:
            assert not (t["timeline"] or "").lower().startswith("trong quý i"), t["timeline"]


# ---------------------------------------------------------------------------------------------
# Targets
# ---------------------------------------------------------------------------------------------

# ---------------------------------------------------------------------------------------------
# Deadlines
# ---------------------------------------------------------------------------------------------
