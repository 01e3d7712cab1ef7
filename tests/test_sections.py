"""sections: the numbering grammar, sequence validation, heading text and document regions.

The reference tree is the hand-checked gold of Kế hoạch 30/KH-UBND (../shared/gold); other
constructs come from the corpus (file cited beside each test).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
import yaml

from khparse.models import Section
from khparse.readers import read
from khparse.sections import build_skeleton, split_heading
from khparse.source import Line, SourceDoc
from khparse.structure import Node, Skeleton
from khparse_helpers import plan, shared

SHARED = Path(__file__).resolve().parents[2] / "shared"
S000 = "seeds/000_07b9a62f9f13f5aa.txt"
S001 = "seeds/001_d2697e7322ee9a2c.txt"
GOLD = "gold/kh-30-bacgiang.gold.yaml"
# Text-based corpus documents (fast to parse; PDFs, scans and .doc are covered by test_corpus).
CORPUS_TEXT = sorted(p.name for p in (SHARED / "corpus").iterdir()
                     if p.suffix in (".docx", ".md", ".json", ".txt")) if SHARED.exists() else []


@cache
def skeleton(rel: str) -> Skeleton:
    return build_skeleton(read(shared(rel)))


@cache
def gold() -> dict:
    return yaml.safe_load(shared(GOLD).read_text(encoding="utf-8"))


def flat(sections: list[Section]) -> Iterator[Section]:
    for s in sections:
        yield s
        yield from flat(s.children)


def node(rel: str, sid: str) -> Node:
    n = skeleton(rel).node(sid)
    assert n is not None, f"{rel}: no section {sid}; have {[m.id for m in skeleton(rel).nodes()]}"
    return n


def gold_heading(sid: str) -> str:
    return next(s["heading"] for s in gold()["sections"] if s["id"] == sid)


# --- the whole tree of the sample plan ------------------------------------------------------


@pytest.mark.parametrize("rel", [S001, S000], ids=["001", "000"])
def test_tree_equals_the_gold_tree(rel: str) -> None:
    got = [(s.id, s.level, s.number, s.heading) for s in flat(plan(rel).sections)]
    want = [(s["id"], s["level"], s["number"], s["heading"]) for s in gold()["sections"]]
    assert got == want


# --- numbering grammar: Roman, arabic, dotted, lettered -------------------------------------


@pytest.mark.parametrize(
    ("sid", "kind", "level", "number"),
    [("I", "roman", 1, "I"), ("II.2", "arabic", 2, "2"), ("III.1.1", "dotted", 3, "1.1"),
     ("III.6.5", "dotted", 3, "6.5"), ("IV.4", "arabic", 2, "4")],
)
def test_marker_kinds_of_the_sample(sid: str, kind: str, level: int, number: str) -> None:
    n = node(S001, sid)
    assert (n.kind, n.level, n.number) == (kind, level, number)


def test_lettered_headings_are_sections() -> None:
    # lamdong-kh-ubnd-cchc-2026-2030.docx: "1. Cải cách thể chế" / "a) Mục tiêu" / "b) Nhiệm vụ".
    rel = "corpus/lamdong-kh-ubnd-cchc-2026-2030.docx"
    a, b = node(rel, "II.1.a"), node(rel, "II.1.b")
    assert (a.kind, a.level, a.heading) == ("letter", 3, "Mục tiêu")
    assert (b.kind, b.level, b.heading) == ("letter", 3, "Nhiệm vụ")
    assert a.parent is not None and a.parent.id == "II.1"


def test_lettered_sequence_may_skip_dd() -> None:
    # ddqh-kh-3260-nq57-2025.md, II.2.2: "a) … b) … c) … d) … e) … g) … h) …" — the Vietnamese
    # alphabet has "đ" after "d", but lists commonly skip it (and there is no "f").
    letters = [c.number for c in node("corpus/ddqh-kh-3260-nq57-2025.md", "II.2.2").children]
    assert letters == list("abcdeghiklmnop")


def test_lettered_items_with_a_dot_do_not_join_the_heading() -> None:
    # laocai-kh-1105-dkt-vlncn-2026.companion.txt l.53-54: "3.5. Phương thức kiểm tra" /
    # "a. Thu thập tài liệu, báo cáo của đơn vị cung cấp;" — "a." is an item, not heading text.
    assert node("corpus/laocai-kh-1105-dkt-vlncn-2026.companion.txt", "3.5").heading == "Phương thức kiểm tra"


def test_dotted_number_without_final_dot() -> None:
    # laocai-kh-1105-dkt-vlncn-2026.companion.txt l.85: "6.2 Đối với đơn vị được kiểm tra: …"
    n = node("corpus/laocai-kh-1105-dkt-vlncn-2026.companion.txt", "6.2")
    assert n.number == "6.2" and n.heading.startswith("Đối với đơn vị được kiểm tra")


def test_document_without_roman_parts_numbers_from_one() -> None:
    # laocai-kh-1105-dkt-vlncn-2026.companion.txt: "1. Mục tiêu" … "6. Những vấn đề khác (nếu có)".
    sk = skeleton("corpus/laocai-kh-1105-dkt-vlncn-2026.companion.txt")
    top = [n.id for n in sk.roots if n.kind == "arabic"]
    assert top == ["1", "2", "3", "4", "5", "6"]
    assert [c.id for c in node("corpus/laocai-kh-1105-dkt-vlncn-2026.companion.txt", "4").children] == \
        ["4.1", "4.2", "4.3", "4.4"]


# --- sequence validation --------------------------------------------------------------------


def _doc(texts: list[str]) -> SourceDoc:
    return SourceDoc("rewrapped.txt", "0" * 64, "text", [Line(t, i + 1) for i, t in enumerate(texts)])


def test_term_and_period_at_a_line_start_are_not_sections() -> None:
    # 001 l.20-21 and III.5.1 re-wrapped as a narrower PDF column would print them, so that lines
    # begin with "XIII về …" (the Party term, "khóa XIII") and "2021-2025, …" (a period).
    sk = build_skeleton(_doc([
        "KẾ HOẠCH",
        "THỰC HIỆN NGHỊ QUYẾT SỐ 42-NQ/TW NGÀY 24/11/2023 CỦA BAN CHẤP HÀNH TRUNG ƯƠNG ĐẢNG",
        "UBND tỉnh ban hành Kế hoạch tổ chức thực hiện với những nội dung chủ yếu sau:",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "1. Mục đích",
        "- Quán triệt Nghị quyết số 42-NQ/TW ngày 24/11/2023 của Ban Chấp hành Trung ương Đảng khóa",
        "XIII về tiếp tục đổi mới, nâng cao chất lượng chính sách xã hội, đáp ứng yêu cầu sự nghiệp",
        "xây dựng và bảo vệ Tổ quốc trong giai đoạn mới.",
        "- Chỉ thị số 08-CT/TU ngày 02/7/2021 của Ban Thường vụ Tỉnh ủy về đẩy mạnh phát triển người",
        "tham gia BHXH tự nguyện giai đoạn",
        "2021-2025. Tăng cường công tác thông tin, tuyên truyền về chính sách bảo hiểm xã hội.",
        "2. Yêu cầu",
    ]))
    assert [n.id for n in sk.nodes()] == ["I", "I.1", "I.2"]


def test_sample_has_no_section_numbered_like_a_term_a_year_or_a_page() -> None:
    numbers = {s.number for s in flat(plan(S000).sections)}
    assert not numbers & {"XIII", "12", "2021", "2025", "2030", "2045"}


def tree_problems(sk: Skeleton) -> list[str]:
    """Ids must be unique, extend their parent's id, and a section whose id is a prefix of
    another's ("I.1" of "I.1.1") must be its ancestor."""
    ids = [n.id for n in sk.nodes()]
    out = [f"duplicate id {i}" for i in sorted(set(ids)) if ids.count(i) > 1]
    for n in sk.nodes():
        if n.parent is not None and not n.id.startswith(n.parent.id + "."):
            out.append(f"{n.id} under {n.parent.id}")
        up = {a.id for a in n.ancestors()}
        parts = n.id.split(".")
        for k in range(1, len(parts)):
            prefix = ".".join(parts[:k])
            if prefix in ids and prefix not in up:
                out.append(f"{n.id} is not inside {prefix}")
    return out


def test_dotted_item_under_another_parent_is_not_given_that_parents_id() -> None:
    # tvpl-trunc-caobang-kh-2767.json: "2. Yêu cầu - … Trong đó tập trung: 1.1. Xác định … 1.2. …
    # 1.3. …" — items of I.2 numbered "1.x"; they cannot become I.1.1–I.1.3 outside I.1.
    assert tree_problems(skeleton("corpus/tvpl-trunc-caobang-kh-2767.json")) == []


@pytest.mark.parametrize("name", CORPUS_TEXT)
def test_ids_are_unique_and_nest_like_the_tree(name: str) -> None:
    assert tree_problems(skeleton(f"corpus/{name}")) == []


def test_skipped_item_after_an_unsplit_marker_is_recovered() -> None:
    # tvpl-trunc-hatinh-kh-376.json: II has items 1., 2., 3., 4.; "3." follows an ellipsis "…".
    assert [c.number for c in node("corpus/tvpl-trunc-hatinh-kh-376.json", "II").children] == ["1", "2", "3", "4"]


# --- heading text ---------------------------------------------------------------------------


def test_run_in_heading_is_the_first_sentence() -> None:
    # 001 l.138-142: "1.1. Tăng cường tuyên truyền, … trong giai đoạn mới. Đổi mới nội dung, …"
    n = node(S001, "III.1.1")
    assert n.heading == gold_heading("III.1.1")
    assert n.run_in is not None and n.run_in.text.startswith("Đổi mới nội dung, phương pháp tuyên truyền")


def test_ellipsis_is_not_a_sentence_end() -> None:
    # 001 l.516-520 (IV.2): "… Cổng thông tin điện tử tỉnh... làm tốt công tác thông tin, …"
    n = node(S001, "IV.2")
    assert "tỉnh... làm tốt" in n.heading
    assert n.heading == gold_heading("IV.2")
    assert split_heading("Cổng thông tin điện tử tỉnh... làm tốt công tác. Tiếp theo.")[0] == \
        "Cổng thông tin điện tử tỉnh... làm tốt công tác"


def test_trailing_colon_is_dropped() -> None:
    # 001 l.388 "6.2. Lĩnh vực y tế:"
    assert node(S001, "III.6.2").heading == "Lĩnh vực y tế"


def test_stand_alone_heading_without_final_punctuation_is_whole() -> None:
    # 001 l.149-151: "1.2. Khen thưởng … Nghị quyết số 42-NQ/TW ngày" / "24/11/2023" then "- Xây dựng, …"
    n = node(S001, "III.1.2")
    assert n.heading == gold_heading("III.1.2") and n.run_in is None
    assert n.body[0].text.startswith("- Xây dựng, tham mưu UBND tỉnh")


def test_second_paragraph_belongs_to_its_numbered_paragraph() -> None:
    # 001 l.513-515: "Định kỳ trước ngày 10/12 hằng năm, …" is body of IV.1 (gold comment).
    assert [b.text[:29] for b in node(S001, "IV.1").body] == ["Định kỳ trước ngày 10/12 hằng"]


# --- appendix -------------------------------------------------------------------------------


def test_appendix_with_roman_group_rows() -> None:
    # lamdong-kh-ubnd-cchc-2026-2030.docx: "PHỤ LỤC / PHÂN CÔNG THỰC HIỆN NHIỆM VỤ …" and a task
    # table whose Roman rows ("I | Cải cách thể chế") become PL.I …
    rel = "corpus/lamdong-kh-ubnd-cchc-2026-2030.docx"
    pl = node(rel, "PL")
    assert pl.kind == "appendix" and pl.heading.startswith("PHÂN CÔNG THỰC HIỆN NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH")
    assert [(c.id, c.heading) for c in pl.children] == [
        ("PL.I", "Cải cách thể chế"), ("PL.II", "Cải cách thủ tục hành chính"),
        ("PL.III", "Cải cách tổ chức bộ máy hành chính nhà nước"), ("PL.IV", "Cải cách chế độ công vụ"),
        ("PL.V", "Cải cách tài chính công"),
        ("PL.VI", "Xây dựng và phát triển chính quyền điện tử, chính quyền số"),
        ("PL.VII", "Công tác chỉ đạo, điều hành CCHC"),
    ]


@pytest.mark.parametrize("rel", ["pdf/kh-30-bacgiang-appendix.docx", "pdf/kh-30-bacgiang-appendix.pdf"])
def test_appendix_does_not_disturb_the_body_tree(rel: str) -> None:
    # The appendix renderings are the sample plan plus "PHỤ LỤC / DANH MỤC NHIỆM VỤ, GIẢI PHÁP …".
    secs = list(flat(plan(rel).sections))
    body = [(s.id, s.level, s.number, s.heading) for s in secs if not s.id.startswith("PL")]
    assert body == [(s["id"], s["level"], s["number"], s["heading"]) for s in gold()["sections"]]
    pl = [s for s in plan(rel).sections if s.id == "PL"]
    assert len(pl) == 1 and pl[0].heading.startswith("DANH MỤC NHIỆM VỤ, GIẢI PHÁP CHỦ YẾU THỰC HIỆN NGHỊ QUYẾT")
    assert plan(rel).metadata.signer.name == "Mai Sơn"  # the closing block before the appendix is kept


# --- regions: header, title, preamble, closing ----------------------------------------------


def test_regions_of_the_portal_copy() -> None:
    sk = skeleton(S001)
    header = [ln.text for ln in sk.header]
    assert header[:2] == ["ỦY BAN NHÂN DÂN", "TỈNH BẮC GIANG"] and "Số: 30/KH-UBND" in header
    assert [ln.text for ln in sk.title_lines][:2] == [
        "KẾ HOẠCH", "THỰC HIỆN NGHỊ QUYẾT SỐ 42-NQ/TW NGÀY 24/11/2023 CỦA BAN CHẤP"]
    assert len(sk.preamble) == 1 and sk.preamble[0].text.startswith("Thực hiện Nghị quyết số 42-NQ/TW")
    closing = [ln.text for ln in sk.closing]
    assert closing[0] == "Nơi nhận:" and closing[-1] == "Mai Sơn"
    assert not [b for n in sk.nodes() for b in n.own_blocks() if "Nơi nhận" in b.text]


def test_regions_of_the_pdf_rendering_without_header() -> None:
    # 000 starts at " KẾ HOẠCH " (no issuer, number or date) and ends at "PHÓ CHỦ TỊCH".
    sk = skeleton(S000)
    assert sk.title_lines[0].text.strip() == "KẾ HOẠCH"
    assert len(sk.preamble) == 1 and sk.preamble[0].text.startswith("Thực hiện Nghị quyết số 42-NQ/TW")
    assert [ln.text.strip() for ln in sk.closing][-1] == "PHÓ CHỦ TỊCH"


def test_docx_title_over_several_paragraphs() -> None:
    # laocai-kh-ubnd-ct11-khoangsan-2026-draft.docx: the trích yếu is three paragraphs, the 2nd and
    # 3rd starting with a space and a lower-case word (" của Ban Thường vụ Tỉnh ủy về …").
    sk = skeleton("corpus/laocai-kh-ubnd-ct11-khoangsan-2026-draft.docx")
    title = " ".join(" ".join(ln.text.split()) for ln in sk.title_lines[1:])
    assert title == ("Triển khai thực hiện Chỉ thị số 11-CT/TU ngày 04/01/2026 của Ban Thường vụ Tỉnh ủy về "
                     "tăng cường sự lãnh đạo của Đảng đối với công tác quản lý nhà nước về khoáng sản trên "
                     "địa bàn tỉnh Lào Cai")
    assert sk.preamble[0].text.startswith("Thực hiện Chỉ thị số 11-CT/TU")
