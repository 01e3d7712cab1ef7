"""tasks: the four shapes of an assignment — labelled lines, prose "X chủ trì, phối hợp với Y",
the numbered items of "TỔ CHỨC THỰC HIỆN", and rows of task tables — on the gold sample and the
cited corpus documents."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from khparse.models import Task
from khparse.normalize import fold
from khparse.readers import read
from khparse_helpers import gold, plan, shared

SHARED = Path(__file__).resolve().parents[2] / "shared"
S001 = "seeds/001_d2697e7322ee9a2c.txt"
CT11 = "corpus/laocai-kh-ubnd-ct11-khoangsan-2026-draft.docx"
CCHC = "corpus/lamdong-kh-ubnd-cchc-2026-2030.docx"
DDQH = "corpus/ddqh-kh-3260-nq57-2025.md"


def task(rel: str, tid: str) -> Task:
    hits = [t for t in plan(rel).tasks if t.id == tid]
    assert hits, f"{rel}: no task {tid}; have {[t.id for t in plan(rel).tasks]}"
    return hits[0]


def keys(names: list[str]) -> list[str]:
    """Agency strings compared as the gold README says: folded (case, marks, spacing)."""
    return [fold(n) for n in names]


GOLD_IDS = [t["id"] for t in yaml.safe_load((SHARED / "gold/kh-30-bacgiang.gold.yaml").read_text(encoding="utf-8"))
            ["tasks"]] if (SHARED / "gold/kh-30-bacgiang.gold.yaml").exists() else []


# --- the sample plan against the gold -------------------------------------------------------


def test_one_task_per_gold_section() -> None:
    assert [t.id for t in plan(S001).tasks] == GOLD_IDS


@pytest.mark.parametrize("tid", GOLD_IDS)
def test_gold_task(tid: str) -> None:
    g = next(t for t in gold()["tasks"] if t["id"] == tid)
    t = task(S001, tid)
    assert t.section == g["section"]
    assert keys(t.lead) == keys(g["lead"])
    assert keys(t.partners) == keys(g["partners"])
    assert t.timeline == g["timeline"]
    assert t.description and t.provenance.line > 0


# --- labelled lines -------------------------------------------------------------------------


def test_labelled_lines_wrapped_mid_name() -> None:
    # 001 l.184-187: "- Cơ quan chủ trì: Sở Thông tin" / "và Truyền thông." / "- Cơ quan phối hợp: các sở," / …
    t = task(S001, "III.2.2")
    assert t.source == "label"
    assert t.lead == ["Sở Thông tin và Truyền thông"]
    assert t.partners == ["các sở, ban, ngành có liên quan", "UBND các huyện, thị xã, thành phố"]


def test_label_value_on_the_next_line() -> None:
    # 001 l.143-148: "- Cơ quan phối hợp thực hiện:" / "các sở, …" and "- Thời gian thực hiện: Thường" / "xuyên."
    t = task(S001, "III.1.1")
    assert t.lead == ["Sở Lao động - Thương binh và Xã hội"]
    assert t.partners == ["các sở, ban, ngành có liên quan", "UBND các huyện, thị xã, thành phố"]
    assert t.timeline == "Thường xuyên"


def test_redundant_chu_tri_after_the_label() -> None:
    # 001 l.193-194: "- Cơ quan chủ trì: Sở Kế hoạch" / "và Đầu tư chủ trì."
    assert task(S001, "III.2.3").lead == ["Sở Kế hoạch và Đầu tư"]


def test_labelled_task_description_is_the_section_heading() -> None:
    assert task(S001, "III.6.2").description == "Lĩnh vực y tế"


# --- prose ----------------------------------------------------------------------------------


def test_prose_lead_and_partners() -> None:
    # 001 l.521-527 (IV.3): "Sở Lao động - Thương binh và Xã hội chủ trì, phối hợp với các cơ quan,
    # đơn vị liên quan giúp UBND tỉnh theo dõi, …"
    t = task(S001, "IV.3")
    assert (t.source, t.lead, t.partners) == ("prose", ["Sở Lao động - Thương binh và Xã hội"],
                                              ["các cơ quan, đơn vị liên quan"])
    assert t.timeline == "trước ngày 31/12 hàng năm"


def test_prose_in_another_plan() -> None:
    # lamdong-kh-ubnd-tuyentruyen-cchc-2026.docx III.2: "Sở Nội vụ chủ trì, phối hợp với các cơ quan,
    # đơn vị liên quan xây dựng, tổ chức …"
    t = task("corpus/lamdong-kh-ubnd-tuyentruyen-cchc-2026.docx", "III.2")
    assert (t.lead, t.partners) == (["Sở Nội vụ"], ["các cơ quan, đơn vị liên quan"])


def test_two_chu_tri_in_one_sentence() -> None:
    # 001 l.497-502 (III.8): "Sở Kế hoạch và Đầu tư chủ trì, phối hợp với các sở, ngành có liên quan,
    # UBND các huyện, thị xã, thành phố chủ trì, phối hợp với Sở Ngoại vụ, Công an tỉnh xem xét …"
    t = task(S001, "III.8")
    assert t.lead == ["Sở Kế hoạch và Đầu tư", "UBND các huyện, thị xã, thành phố"]
    assert t.partners == ["các sở, ngành có liên quan", "Sở Ngoại vụ", "Công an tỉnh"]


def test_implicit_subject_of_a_bullet_is_not_a_second_task() -> None:
    # 001 III.1.2: the bullet "- Chủ trì, phối hợp với các cơ quan, đơn vị liên quan …" has the
    # implicit subject of the section's "Cơ quan chủ trì: Sở Nội vụ"; partners come from the label.
    assert [t.id for t in plan(S001).tasks if t.section == "III.1.2"] == ["III.1.2"]


# --- items of TỔ CHỨC THỰC HIỆN ---------------------------------------------------------------


def test_organising_item_addressed_to_officials() -> None:
    # 001 l.505-515 (IV.1): "Giám đốc sở, Thủ trưởng cơ quan, đơn vị, Chủ tịch UBND huyện, thị xã,
    # thành phố căn cứ …"; second paragraph "Định kỳ trước ngày 10/12 hằng năm, …".
    t = task(S001, "IV.1")
    assert t.lead == ["Giám đốc sở", "Thủ trưởng cơ quan, đơn vị", "Chủ tịch UBND huyện, thị xã, thành phố"]
    assert t.partners == [] and t.timeline == "Định kỳ trước ngày 10/12 hằng năm"


def test_organising_item_that_is_a_request() -> None:
    # 001 l.528-531 (IV.4): "Đề nghị Ủy ban Mặt trận Tổ quốc và các tổ chức chính trị - xã hội các cấp
    # phối hợp chặt chẽ với chính quyền, các ngành, các cấp …"
    t = task(S001, "IV.4")
    assert t.lead == ["Ủy ban Mặt trận Tổ quốc", "các tổ chức chính trị - xã hội các cấp"]
    assert t.partners == ["chính quyền, các ngành, các cấp"]


def test_agency_heading_assigns_its_items() -> None:
    # laocai-kh-ubnd-ct11-khoangsan-2026-draft.docx IV.3: "3. Sở Công Thương" then "- Chủ trì thực hiện rà soát …"
    t = task(CT11, "IV.3")
    assert t.lead == ["Sở Công Thương"]
    assert t.description.startswith("Chủ trì thực hiện rà soát các mỏ khoáng sản")


def test_agency_heading_followed_by_dash_chu_tri() -> None:
    # tvpl-trunc-khanhhoa-kh-13765.json II.2.1: "2.1. Sở Giao thông vận tải - Chủ trì, phối hợp với các
    # sở, ban, ngành, địa phương nghiên cứu, kiến nghị …": the dash is not part of the agency's name.
    t = task("corpus/tvpl-trunc-khanhhoa-kh-13765.json", "II.2.1")
    assert t.lead == ["Sở Giao thông vận tải"]
    assert t.partners == ["các sở, ban, ngành, địa phương"]


@pytest.mark.parametrize(
    ("sid", "lead"),
    [
        ("II.2.2.a", "Tổ đảng ở Thường trực Ủy ban KH,CN&MT"),  # l.54 "**a) Tổ đảng ở Thường trực Ủy ban KH,CN&MT**"
        ("II.2.2.b", "Tổ đảng ở Thường trực Hội đồng Dân tộc"),  # l.65
        ("II.2.2.c", "Tổ đảng ở Thường trực Ủy ban Pháp luật"),  # l.71
        ("II.2.2.d", "Tổ đảng ở Thường trực Ủy ban Tư pháp"),  # l.77
    ],
)
def test_each_lettered_agency_heading_leads_its_own_items(sid: str, lead: str) -> None:
    # ddqh-kh-3260-nq57-2025.md: "2.2. Tổ đảng ở Thường trực Hội đồng Dân tộc, các Ủy ban …" lists
    # the bodies; each lettered heading then names the one that leads the bullets under it.
    mine = [t for t in plan(DDQH).tasks if t.section == sid]
    assert mine, f"no task in {sid}"
    for t in mine:
        assert t.lead == [lead], (t.id, t.lead)


def test_heading_that_is_not_an_agency_assigns_nothing() -> None:
    # laocai-kh-1105-dkt-vlncn-2026.companion.txt l.79: "6. Những vấn đề khác (nếu có)"
    p = plan("corpus/laocai-kh-1105-dkt-vlncn-2026.companion.txt")
    assert not [t for t in p.tasks if any(fold(x).startswith("nhungvande") for x in t.lead)]


# --- task tables ----------------------------------------------------------------------------


@pytest.mark.parametrize("rel", ["pdf/kh-30-bacgiang-appendix.docx", "pdf/kh-30-bacgiang-appendix.pdf"],
                         ids=["docx", "pdf"])
def test_appendix_rows_equal_the_reference_table(rel: str) -> None:
    # kh-30-bacgiang-appendix.table.json: the rows of the appendix table, group rows ("1", "2", "5", "6")
    # without lead. Each task row is one task with the row's id under PL.
    rows = json.loads(shared("pdf/kh-30-bacgiang-appendix.table.json").read_text(encoding="utf-8"))
    want = [r for r in rows if "task" in r]
    got = [t for t in plan(rel).tasks if t.source == "table"]
    assert [t.id for t in got] == [f"PL.{r['stt']}" for r in want]
    for t, r in zip(got, want, strict=True):
        assert fold(" ".join(t.lead)) == fold(r["lead"]), t.id
        assert fold(" ".join(t.partners)) == fold(r["cooperate"]), t.id
        assert t.timeline == r["time"], t.id
        assert fold(r["task"]).startswith(fold(t.description)) and len(t.description) >= min(len(r["task"]), 400)
        assert t.provenance.origin == "table"
    # the body's own tasks are still there
    assert [t.id for t in plan(rel).tasks if t.source != "table"] == GOLD_IDS


def test_reporting_templates_are_not_task_tables() -> None:
    # laocai-kh-sct-dean08-congnghiep-2026.docx: Biểu 01/02 are empty reporting grids
    # ("TT | Tên nhiệm vụ /Dự án | Vai trò (Chủ trì/ Phối hợp) | Kết quả thực hiện …").
    p = plan("corpus/laocai-kh-sct-dean08-congnghiep-2026.docx")
    assert not [t for t in p.tasks if t.source == "table"]
    assert not [t for t in p.tasks if t.id.startswith("PL")]


def test_fourteen_table_tasks_with_several_leads_per_cell() -> None:
    # laocai-kh-ubnd-ct11-khoangsan-2026-draft.docx, PHỤ LỤC: TT | Tên nhiệm vụ | Sở, ngành chủ trì
    # tham mưu | Đơn vị phối hợp thực hiện | Thời gian thực hiện | Ghi chú, a column-number row
    # "(1) … (5)", 14 tasks (MANIFEST).
    rows = [t for t in plan(CT11).tasks if t.source == "table"]
    assert [t.id for t in rows] == [f"PL.{k}" for k in range(1, 15)]
    assert all(t.lead for t in rows)
    assert rows[5].lead == ["Sở Công Thương", "Sở Xây dựng"]  # row 6: "Sở Công Thương; Sở Xây dựng"
    assert rows[0].timeline == "Xong trong Quý II/2026"
    assert [t.timeline for t in rows].count("Thường xuyên") == 5
    assert rows[8].lead == ["Thanh tra tỉnh"] and rows[8].timeline == "Hàng năm"


def test_table_with_roman_groups_and_merged_rows() -> None:
    # lamdong-kh-ubnd-cchc-2026-2030.docx, PHỤ LỤC: STT | Nhiệm vụ | Sản phẩm | Thời gian hoàn thành |
    # Chủ trì thực hiện | Phối hợp thực hiện | Theo dõi, kiểm tra, đôn đốc, Roman group rows.
    p = plan(CCHC)
    rows = [t for t in p.tasks if t.source == "table"]
    table = [r for t in read_tables(CCHC) for r in t if r[0].strip().rstrip(".").isdigit()]
    assert len(rows) == len(table) == 59
    assert {t.section.split(".")[1] for t in rows} == {"I", "II", "III", "IV", "V", "VI", "VII"}
    t = task(CCHC, "PL.VII.2")
    assert (t.lead, t.partners) == (["Sở Nội vụ"], ["các cơ quan, đơn vị, địa phương"])
    assert t.timeline == "Ban hành kế hoạch trong tháng 01 hằng năm và tổ chức thực hiện"
    assert t.product == "Kế hoạch kiểm tra cải cách hành chính hằng năm của tỉnh"
    t = task(CCHC, "PL.VII.5#2")  # the second product row of item 5 ("Kết quả công bố chỉ số …")
    assert t.partners == ["Văn phòng UBND tỉnh", "Sở Tư pháp", "Sở Tài chính", "Sở Khoa học và Công nghệ"]


def test_cell_that_names_no_agency_gives_no_lead() -> None:
    # lamdong-kh-ubnd-cchc-2026-2030.docx, row II.5: "Theo phân công tại Quyết định số 1441/QĐ-UBND …"
    t = task(CCHC, "PL.II.5")
    assert t.lead == [] and t.partners == []


def read_tables(rel: str) -> list[list[list[str]]]:
    return [t.rows for t in read(shared(rel)).tables]
