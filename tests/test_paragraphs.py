"""paragraphs: printed lines → logical lines → paragraphs (``Block``), on real renderings.

001 = web-portal copy (wrapped at arbitrary points), 000 = PDF text extraction (blank line
between printed lines, page breaks, a stray page number), thuvienphapluat JSON exports
(header and headings flattened onto long lines), a Markdown conversion (ddqh).
"""

from __future__ import annotations

import difflib
import json
from functools import cache
from pathlib import Path

import pytest
import regex

from khparse.paragraphs import build_blocks, logical_lines
from khparse.readers import read
from khparse.sections import split_regions
from khparse.source import Line
from khparse_helpers import shared

SHARED = Path(__file__).resolve().parents[2] / "shared"
S000 = "seeds/000_07b9a62f9f13f5aa.txt"
S001 = "seeds/001_d2697e7322ee9a2c.txt"
TVPL = sorted(p.name for p in (SHARED / "corpus").glob("tvpl-trunc-*.json")) if SHARED.exists() else []
# Spelling differences between the two renderings of Kế hoạch 30/KH-UBND (gold README, "Known
# traps"): 000 "phát trển", "Thức đẩy", "kinh phí" where 001 has "phát triển", "Thúc đẩy", "kinh ph".
TYPOS = {("trển", "triển"), ("Thức", "Thúc"), ("phí", "ph")}


@cache
def lines_of(rel: str) -> list[Line]:
    return logical_lines(read(shared(rel)).lines)


@cache
def texts_of(rel: str) -> list[str]:
    return [b.text for b in build_blocks(lines_of(rel))]


@cache
def body_texts(rel: str) -> list[str]:
    return [b.text for b in build_blocks(split_regions(lines_of(rel)).body)]


def raw(rel: str, first: int, last: int) -> list[str]:
    """Printed lines first..last (1-based, inclusive) of a shared text file."""
    return shared(rel).read_text(encoding="utf-8").split("\n")[first - 1:last]


def joined(rel: str, first: int, last: int) -> str:
    return " ".join(" ".join(t.split()) for t in raw(rel, first, last) if t.strip())


def following(texts: list[str], text: str) -> str:
    assert text in texts, f"no paragraph {text!r}"
    i = texts.index(text)
    assert i + 1 < len(texts), f"{text!r} is the last paragraph"
    return texts[i + 1]


def same_but_typos(a: str, b: str) -> bool:
    """Equal word for word, except for the renderings' known spelling differences."""
    wa, wb = a.split(), b.split()
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=wa, b=wb, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        if op != "replace" or i2 - i1 != j2 - j1:
            return False
        for x, y in zip(wa[i1:i2], wb[j1:j2], strict=True):
            if (x.strip(".,;:"), y.strip(".,;:")) not in TYPOS:
                return False
    return True


# --- wrapped lines ---------------------------------------------------------------------------


def test_wrapped_lines_are_rejoined_into_one_paragraph() -> None:
    # 001 l.34-40: "- Quán triệt, triển khai thực" / "hiện nghiêm túc, ..." / … "trong giai đoạn mới."
    expected = joined(S001, 34, 40)
    assert expected.startswith("- Quán triệt, triển khai thực hiện nghiêm túc")
    assert expected.endswith("trong giai đoạn mới.")
    assert expected in texts_of(S001)


def test_agency_name_broken_at_its_hyphen_is_not_a_new_bullet() -> None:
    # 001 wraps "Sở Lao động - Thương binh và Xã hội" so that 7 lines start with "- Thương binh".
    printed = shared(S001).read_text(encoding="utf-8").split("\n")
    assert sum(t.startswith("- Thương binh") for t in printed) == 7
    texts = texts_of(S001)
    assert not [t for t in texts if t.startswith("- Thương binh")]
    assert "- Cơ quan chủ trì: Sở Lao động - Thương binh và Xã hội." in texts  # l.143-144
    # l.160-162: the name continues into a list that wraps once more
    assert joined(S001, 160, 162) in texts
    assert joined(S001, 160, 162) == ("- Cơ quan phối hợp: Sở Lao động - Thương binh và Xã hội, các sở, ban, "
                                      "ngành có liên quan, UBND các huyện, thị xã, thành phố.")


def test_real_bullet_after_an_unpunctuated_line_starts_a_paragraph() -> None:
    # 001 l.491-494: the name ends the line without "." and the next "- " line is a new bullet.
    nxt = following(texts_of(S001), "- Cơ quan chủ trì: Sở Lao động - Thương binh và Xã hội")
    assert nxt == "- Cơ quan phối hợp: các sở, ban, ngành có liên quan, UBND các huyện, thị xã, thành phố."


@pytest.mark.parametrize(
    ("heading", "first_duty"),
    [
        ("e) Tổ đảng ở Thường trực Ủy ban Kinh tế", "- Chủ trì thẩm tra và giám sát việc thực hiện"),  # l.81/83
        ("i) Tổ đảng ở Thường trực Ủy ban Văn hóa, Giáo dục", "- Chủ trì thẩm tra và giám sát việc thực"),  # l.101
    ],
    ids=["kinh-te", "van-hoa"],
)
def test_bullet_after_a_heading_ending_in_kinh_te_is_a_bullet(heading: str, first_duty: str) -> None:
    # ddqh-kh-3260-nq57-2025.md: "**e) … Ủy ban Kinh tế**", blank line, "*   Chủ trì thẩm tra …".
    # "Kinh tế" / "Văn hóa" end many hyphenated names, but a heading line followed by a bullet
    # (after a blank line in the source) is not a broken name.
    nxt = following(texts_of("corpus/ddqh-kh-3260-nq57-2025.md"), heading)
    assert nxt.startswith(first_duty)


# --- headings --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "next_start"),
    [
        ("I. MỤC ĐÍCH, YÊU CẦU", "1. Mục đích"),  # l.31-32 "I. MỤC ĐÍCH," / "YÊU CẦU"
        ("II. MỤC TIÊU, CÁC CHỈ TIÊU CHỦ YẾU ĐẾN NĂM 2030, TẦM NHÌN ĐẾN NĂM 2045", "1. Mục tiêu tổng quát"),  # l.61-62
        ("III. NHIỆM VỤ VÀ GIẢI PHÁP CHỦ YẾU", "1. Nâng cao nhận thức"),  # l.134-135
        ("IV. TỔ CHỨC THỰC HIỆN", "1. Căn cứ vào các nội dung của Kế hoạch này"),  # l.503-504
        ("1. Mục tiêu tổng quát đến năm 2030", "Tập trung triển khai thực hiện hiệu quả"),  # l.63-65
        ("1. Nâng cao nhận thức về vị trí, vai trò của chính sách xã hội", "1.1. Tăng cường tuyên truyền"),  # l.136-138
        ("6.2. Lĩnh vực y tế:", "- Xây dựng hệ thống y tế chất lượng"),  # l.388-389
    ],
    ids=["I", "II", "III", "IV", "II.1", "III.1", "III.6.2"],
)
def test_wrapped_heading_is_one_paragraph_and_stops_before_the_next(heading: str, next_start: str) -> None:
    assert following(texts_of(S001), heading).startswith(next_start)


def test_label_ending_in_colon_continues_with_its_lower_case_value() -> None:
    # 001 l.145-146 "- Cơ quan phối hợp thực hiện:" / "các sở, ban, ngành có liên quan, …" is one
    # labelled line wrapped after its colon (000 prints it on one line).
    assert joined(S001, 145, 146) in texts_of(S001)


# --- the PDF rendering -----------------------------------------------------------------------


def test_blank_lines_between_printed_lines_do_not_split_paragraphs() -> None:
    # 000 separates every printed line with a blank line (l.287-289 …).
    texts = texts_of(S000)
    assert ("- Cơ quan phối hợp: Sở Lao động - Thương binh và Xã hội, các sở, ban, ngành có liên quan, "
            "UBND các huyện, thị xã, thành phố.") in texts
    assert "I. MỤC ĐÍCH, YÊU CẦU" in texts and following(texts, "I. MỤC ĐÍCH, YÊU CẦU") == "1. Mục đích"


def test_both_renderings_give_the_same_paragraphs() -> None:
    # The same plan wrapped two ways must come out as the same paragraphs (typos apart).
    a, b = body_texts(S000), body_texts(S001)
    diffs = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "replace" and i2 - i1 == j2 - j1 and all(map(same_but_typos, a[i1:i2], b[j1:j2])):
            continue
        if op != "equal":
            diffs.append({"000": a[i1:i2], "001": b[j1:j2]})
    assert not diffs, diffs


def test_page_number_inside_a_sentence_is_dropped() -> None:
    # 000 l.888-896: "… thống nhất nhận" / "12" (page number) / " " / "thức và hành động …" (IV.4).
    assert raw(S000, 892, 892) == ["12 "]
    assert not [ln for ln in lines_of(S000) if ln.text.strip() == "12"]
    iv4 = [t for t in texts_of(S000) if t.startswith("4. Đề nghị Ủy ban Mặt trận")]
    assert len(iv4) == 1
    assert "thống nhất nhận thức và hành động để thực hiện mục tiêu" in iv4[0]


def test_page_break_leading_space_does_not_start_a_paragraph() -> None:
    # 000 l.75-77: "… triển khai thực hiện nghiêm " / "" / " túc, thiết thực, …" (new page).
    assert raw(S000, 77, 77)[0].startswith(" túc, thiết thực")
    hits = [t for t in texts_of(S000) if "triển khai thực hiện nghiêm túc, thiết thực, hiệu quả" in t]
    assert len(hits) == 1 and hits[0].startswith("- Các cơ quan, đơn vị bám sát")


# --- flattened portal text (thuvienphapluat JSON meta.content) -------------------------------


def test_flattened_line_is_split_at_its_section_markers() -> None:
    # tvpl-trunc-yenbai-kh-01.json meta.content: "… cụ thể như sau: I. MỤC ĐÍCH, YÊU CẦU 1. Mục
    # đích 1.1. Tăng cường các biện pháp nhằm tiếp\r\n tục …" on one printed line.
    rel = "corpus/tvpl-trunc-yenbai-kh-01.json"
    content = json.loads(shared(rel).read_text(encoding="utf-8"))["meta"]["content"]
    assert "như sau: I. MỤC ĐÍCH, YÊU CẦU 1. Mục đích 1.1. Tăng cường" in content
    texts = [ln.text for ln in lines_of(rel)]
    i = texts.index("I. MỤC ĐÍCH, YÊU CẦU")
    assert texts[i - 1].endswith("cụ thể như sau:")
    assert texts[i + 1] == "1. Mục đích"
    assert texts[i + 2] == "1.1. Tăng cường các biện pháp nhằm tiếp"
    blocks = texts_of(rel)
    assert following(blocks, "1. Mục đích").startswith("1.1. Tăng cường các biện pháp nhằm tiếp tục đẩy mạnh")


def test_flattened_header_is_split_at_rules_motto_and_number() -> None:
    # tvpl-trunc-binhduong-kh-5558.json: "ỦY BAN NHÂN DÂN TỈNH BÌNH DƯƠNG ------- CỘNG HÒA XÃ HỘI"
    texts = [ln.text for ln in lines_of("corpus/tvpl-trunc-binhduong-kh-5558.json")]
    assert texts[:3] == ["ỦY BAN NHÂN DÂN TỈNH BÌNH DƯƠNG", "-------", "CỘNG HÒA XÃ HỘI"]
    assert any(t.startswith("Số: 5558/KH-UBND") for t in texts)


@pytest.mark.parametrize("name", TVPL)
def test_first_roman_heading_of_every_portal_export_is_its_own_paragraph(name: str) -> None:
    # Every export has "… như sau: I. MỤC …" (sometimes wrapped: "I. MỤC\r\nĐÍCH, YÊU CẦU").
    heads = [t for t in texts_of(f"corpus/{name}") if regex.match(r"^I\.\s[^\p{Ll}]+$", t)]
    assert len(heads) == 1 and len(heads[0]) < 60, heads


def test_marker_after_an_ellipsis_starts_a_new_line() -> None:
    # tvpl-trunc-hatinh-kh-376.json: "… tuyên truyền cổ động trực quan … 3. Siết chặt công tác quản
    # lý nhà nước\r\n trong hoạt động kinh doanh …": "…" ends the open list of II.2, "3." is II.3.
    texts = [ln.text for ln in lines_of("corpus/tvpl-trunc-hatinh-kh-376.json")]
    assert any(t.startswith("3. Siết chặt công tác quản lý nhà nước") for t in texts)
