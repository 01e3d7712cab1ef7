"""header: number, date, place, issuer, title, signer and recipients (Nghị định 30/2020 layout).

Expected values for Kế hoạch 30/KH-UBND come from the hand-checked gold (``metadata`` for 001,
``metadata_pdf_rendering`` for 000); the others are read off the cited corpus file.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from khparse.models import Metadata
from khparse.normalize import fold
from khparse.pipeline import extract
from khparse_helpers import gold, shared

SHARED = Path(__file__).resolve().parents[2] / "shared"
S000 = "seeds/000_07b9a62f9f13f5aa.txt"
S001 = "seeds/001_d2697e7322ee9a2c.txt"
CT11 = "corpus/laocai-kh-ubnd-ct11-khoangsan-2026-draft.docx"
DDQH = "corpus/ddqh-kh-3260-nq57-2025.md"
NQ03 = "corpus/chinhphu-nq-03-nq-cp-2025-ctrhd-nq57.md"
DKT = "corpus/laocai-kh-1105-dkt-vlncn-2026.companion.txt"


@cache
def meta(rel: str) -> Metadata:
    return extract(shared(rel), ocr="never").metadata


# --- number ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rel", "number", "code"),
    [
        (S001, "30/KH-UBND", "KH"),  # l.10 "Số: 30/KH-UBND"
        (CT11, "/KH-UBND", "KH"),  # "Số:           /KH-UBND": left blank in the draft, kept as printed
        ("corpus/laocai-kh-sct-dean08-congnghiep-2026.docx", "/KH-SCT", "KH"),  # number and agency in one cell
        (DDQH, "3260-KH/ĐĐQH15", "KH"),  # Party style "Số 3260-KH/ĐĐQH15" (no colon, hyphen before KH)
        ("corpus/tvpl-trunc-yenbai-kh-01.json", "01/KH-UBND", "KH"),  # "Số:\r\n  01/KH-UBND Yên\r\n  Bái"
        (DKT, "1105/KH-ĐKT", "KH"),  # column-aligned layout text
        (NQ03, "03/NQ-CP", "NQ"),
    ],
    ids=["001", "blank", "blank-sct", "party", "tvpl-wrapped", "layout", "nq"],
)
def test_number_and_type_code(rel: str, number: str, code: str) -> None:
    m = meta(rel)
    assert (m.number, m.doc_type_code) == (number, code)


def test_pdf_rendering_has_no_number() -> None:
    m, g = meta(S000), gold()["metadata_pdf_rendering"]
    assert (m.number, m.issued_date, m.place, m.issuer) == (g["number"], g["issued_date"], g["place"], g["issuer"])
    assert m.doc_type == g["doc_type"]


# --- date and place -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rel", "date", "place"),
    [
        (S001, "2024-04-30", "Bắc Giang"),  # l.12-13 "Bắc Giang, ngày" / "30 tháng 4 năm 2024"
        ("corpus/tvpl-trunc-binhduong-kh-5558.json", "2024-10-02", "Bình Dương"),  # "ngày\r\n  02 tháng 10"
        ("corpus/tvpl-trunc-tuyenquang-kh-04.json", "2018-01-29", "Tuyên Quang"),  # "ngày 29 tháng 01 năm 2018"
        ("corpus/tvpl-trunc-yenbai-kh-01.json", "2020-01-06", "Yên Bái"),  # "Yên\r\n  Bái, ngày 06 …"
        (DDQH, "2025-01-10", "Hà Nội"),
        (CT11, None, "Lào Cai"),  # "Lào Cai, ngày       tháng      năm 2026": blank day → null
        ("corpus/lamdong-kh-ubnd-cchc-2026-2030.docx", None, "Lâm Đồng"),  # "ngày       tháng 3 năm 2026"
    ],
    ids=["001", "tvpl-split", "zero-month", "tvpl-place-split", "party", "blank-day", "blank-day-month-given"],
)
def test_issued_date_and_place(rel: str, date: str | None, place: str) -> None:
    m = meta(rel)
    assert (m.issued_date, m.place) == (date, place)


def test_place_with_a_lower_case_word() -> None:
    # tvpl-trunc-hcm-kh-4266.json: "Thành phố Hồ Chí\r\n  Minh, ngày 12 tháng 6 năm 2025"
    m = meta("corpus/tvpl-trunc-hcm-kh-4266.json")
    assert (m.place, m.issued_date) == ("Thành phố Hồ Chí Minh", "2025-06-12")


# --- issuer ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rel", "issuer", "province"),
    [
        (S001, "Ủy ban nhân dân tỉnh Bắc Giang", "Bắc Giang"),  # l.1-2 "ỦY BAN NHÂN DÂN" / "TỈNH BẮC GIANG"
        ("corpus/tvpl-trunc-hatinh-kh-376.json", "Ủy ban nhân dân tỉnh Hà Tĩnh", "Hà Tĩnh"),  # "ỦY BAN NHÂN\r\n  DÂN TỈNH"
        ("corpus/tvpl-trunc-cantho-kh-238.json", "Ủy ban nhân dân thành phố Cần Thơ", "Cần Thơ"),
        ("corpus/lamdong-kh-ubnd-thidua-cchc-2026.docx", "Ủy ban nhân dân tỉnh Lâm Đồng", "Lâm Đồng"),  # one cell
    ],
    ids=["001", "tvpl-split", "city", "docx-cell"],
)
def test_issuer_is_case_normalised(rel: str, issuer: str, province: str) -> None:
    m = meta(rel)
    assert (m.issuer, m.province) == (issuer, province)


@pytest.mark.parametrize(
    "rel",
    ["corpus/laocai-kh-sct-dean08-congnghiep-2026.docx", "corpus/laocai-kh-sct-2242-kiemtra-gcn-2026.docx"],
    ids=["dean08", "2242"],
)
def test_issuer_under_a_parent_body(rel: str) -> None:
    # "UBND TỈNH LÀO CAI" / "SỞ CÔNG THƯƠNG": the department issues; the parent gives its province.
    # The name is spelled as the documents spell it in running text ("Sở Công Thương").
    m = meta(rel)
    assert fold(m.issuer or "") == fold("Sở Công Thương tỉnh Lào Cai")
    assert m.province == "Lào Cai"
    assert m.issuer == "Sở Công Thương tỉnh Lào Cai"


@pytest.mark.parametrize(
    ("rel", "issuer"),
    [
        (DDQH, "Đảng đoàn Quốc hội"),  # "**ĐẢNG ĐOÀN QUỐC HỘI**"; the body writes "Đảng đoàn Quốc hội"
        (NQ03, "Chính phủ"),  # "# CHÍNH PHỦ CỘNG HÒA XÃ HỘI …" (issuer and motto on one line)
    ],
    ids=["party", "government"],
)
def test_issuer_of_national_bodies(rel: str, issuer: str) -> None:
    m = meta(rel)
    assert fold(m.issuer or "") == fold(issuer)
    assert m.issuer == issuer


# --- title ----------------------------------------------------------------------------------


def test_title_of_the_pdf_rendering_is_as_printed() -> None:
    assert meta(S000).title == gold()["metadata_pdf_rendering"]["title"]


def test_title_in_capitals_gets_the_gold_sentence_case() -> None:
    # 001 l.16-19 prints the title in capitals; gold gives the sentence case 000 uses, with the
    # proper names ("Nghị quyết", "Ban Chấp hành Trung ương Đảng", "Tổ quốc") as the preamble spells them.
    t = meta(S001).title or ""
    assert fold(t) == fold(gold()["metadata"]["title"])
    assert t == gold()["metadata"]["title"]


@pytest.mark.parametrize(
    ("rel", "title"),
    [
        (CT11, "Triển khai thực hiện Chỉ thị số 11-CT/TU ngày 04/01/2026 của Ban Thường vụ Tỉnh ủy về tăng "
               "cường sự lãnh đạo của Đảng đối với công tác quản lý nhà nước về khoáng sản trên địa bàn tỉnh Lào Cai"),
        ("corpus/tvpl-trunc-yenbai-kh-01.json", "Bảo đảm trật tự, an toàn giao thông năm 2020"),
        (NQ03, "Ban hành Chương trình hành động của Chính phủ thực hiện Nghị quyết số 57-NQ/TW ngày 22 tháng 12 "
               "năm 2024 của Bộ Chính trị về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển "
               "đổi số quốc gia"),
    ],
    ids=["docx-3-paragraphs", "tvpl-caps", "md-heading"],
)
def test_title(rel: str, title: str) -> None:
    # NQ03 l.8-10: "## Ban hành … chuyển đổi số quốc gia", blank, "# CHÍNH PHỦ": the last is the
    # enacting body's line ("CHÍNH PHỦ" / "Căn cứ …"), not part of the title.
    assert meta(rel).title == title


def test_doc_types() -> None:
    assert (meta(NQ03).doc_type, meta(NQ03).doc_type_code) == ("Nghị quyết", "NQ")
    ttr = meta("corpus/lamdong-ttr-snv-du-thao-kh-cchc-2026-2030.pdf")
    assert (ttr.doc_type, ttr.doc_type_code, ttr.number) == ("Tờ trình", "TTr", "/TTr-SNV")


# --- signer ---------------------------------------------------------------------------------


def test_signer_of_the_portal_copy() -> None:
    # 001 l.552-556: "TM. ỦY BAN NHÂN" / "DÂN" / "KT. CHỦ TỊCH" / "PHÓ CHỦ TỊCH" / "Mai Sơn"
    assert meta(S001).signer.model_dump() == gold()["metadata"]["signer"]


def test_signer_name_absent_in_the_pdf_rendering() -> None:
    # 000 ends at "PHÓ CHỦ TỊCH": no name.
    assert meta(S000).signer.model_dump() == gold()["metadata_pdf_rendering"]["signer"]
    assert meta(S000).signer.name is None


@pytest.mark.parametrize(
    ("rel", "signer"),
    [
        # "KT. CHỦ TỊCH<w:br/>PHÓ CHỦ TỊCH" in one paragraph (soft line break)
        (CT11, ("Nguyễn Thành Sinh", "Phó Chủ tịch", "TM. Ủy ban nhân dân", "KT. Chủ tịch")),
        # signature split over two table rows
        ("corpus/lamdong-kh-ubnd-kiemtra-cchc-2026.docx", ("Nguyễn Ngọc Phúc", "Phó Chủ tịch", None, "KT. Chủ tịch")),
        # the draft of the 2026-2030 plan: "CHỦ TỊCH" only, unsigned
        ("corpus/lamdong-kh-ubnd-cchc-2026-2030-draft.docx", (None, "Chủ tịch", None, None)),
        ("corpus/lamdong-kh-ubnd-cchc-2026-2030.docx", ("Nguyễn Ngọc Phúc", "Phó Chủ tịch", None, "KT. Chủ tịch")),
        ("corpus/laocai-kh-sct-2242-kiemtra-gcn-2026.docx", ("Hoàng Văn Thuân", "Phó Giám đốc", None, "KT. Giám đốc")),
    ],
    ids=["soft-break", "table-rows", "draft", "final", "department"],
)
def test_signer(rel: str, signer: tuple[str | None, ...]) -> None:
    s = meta(rel).signer
    assert (s.name, s.position, s.on_behalf_of, s.delegation) == signer


@pytest.mark.parametrize(
    ("rel", "on_behalf", "position", "name"),
    [
        (DDQH, "TM. Đảng đoàn Quốc hội", "Bí thư", "Trần Thanh Mẫn"),  # "**T/M ĐẢNG ĐOÀN QUỐC HỘI**" / "**BÍ THƯ**"
        (DKT, "TM. Đoàn kiểm tra", "Trưởng đoàn", "Hoàng Văn Thuân"),  # "T/M. ĐOÀN KIỂM TRA" beside "Nơi nhận:"
    ],
    ids=["party", "layout"],
)
def test_t_slash_m_is_on_behalf_of(rel: str, on_behalf: str, position: str, name: str) -> None:
    s = meta(rel).signer
    assert s.on_behalf_of is not None and s.on_behalf_of.startswith("TM. ")
    assert fold(s.on_behalf_of) == fold(on_behalf)
    assert (s.position, s.name) == (position, name)


def test_closing_block_before_an_attached_programme() -> None:
    # chinhphu-nq-03-nq-cp-2025-ctrhd-nq57.md: the Nghị quyết closes ("*Nơi nhận:*", "TM. CHÍNH PHỦ",
    # "KT. THỦ TƯỚNG", "PHÓ THỦ TƯỚNG", "[đã ký]", "Nguyễn Hòa Bình") before the 120-page programme.
    s = meta(NQ03).signer
    assert (s.on_behalf_of, s.delegation, s.position, s.name) == (
        "TM. Chính phủ", "KT. Thủ tướng", "Phó Thủ tướng", "Nguyễn Hòa Bình")
    rec = meta(NQ03).recipients
    assert len(rec) == 15 and rec[0] == "Ban Bí thư Trung ương Đảng"
    assert "VPCP: BTCN, các PCN, Trợ lý TTg, các Vụ, Cục, đơn vị trực thuộc, Công báo" in rec  # wrapped item
    assert rec[-1] == "Lưu: VT, KGVX (2b)"


# --- recipients -----------------------------------------------------------------------------


def test_recipients_of_the_portal_copy() -> None:
    # one string per "- " line; "VP UBND tỉnh:" then its "+" sub-items; internal ";" kept.
    assert meta(S001).recipients == gold()["metadata"]["recipients"]


def test_recipients_of_the_pdf_rendering_with_a_wrapped_item() -> None:
    # 000 l.922-924: "- VP Đoàn ĐBQH&HĐND tỉnh; các Ban của" / "" / "   HĐND tỉnh;"
    rec = meta(S000).recipients
    assert rec == gold()["metadata_pdf_rendering"]["recipients"]
    assert "VP Đoàn ĐBQH&HĐND tỉnh; các Ban của HĐND tỉnh" in rec


def test_recipients_with_star_bullets_and_commas() -> None:
    # ddqh-kh-3260-nq57-2025.md: "*   Ban Bí thư Trung ương Đảng (để b/c)," …
    rec = meta(DDQH).recipients
    assert len(rec) == 10
    assert rec[0] == "Ban Bí thư Trung ương Đảng (để b/c)" and rec[-1] == "Lưu VPĐĐQH, Vụ KHCNMT"


def test_recipients_beside_the_signature_column() -> None:
    # laocai-kh-1105-dkt-vlncn-2026.companion.txt l.91-97: "Nơi nhận:   T/M. ĐOÀN KIỂM TRA" and
    # "- Văn phòng Sở (Bố trí kinh phí, phương   TRƯỞNG ĐOÀN" / "tiện Phục vụ Đoàn kiểm tra);"
    assert meta(DKT).recipients == [
        "Giám đốc Sở (để báo cáo và phê duyệt)",
        "Văn phòng Sở (Bố trí kinh phí, phương tiện Phục vụ Đoàn kiểm tra)",
        "Thành viên Đoàn (để thực hiện)",
        "Các đơn vị được kiểm tra (để phối hợp)",
        "Lưu: VT, CN(M. Cường)",
    ]


def test_recipients_of_a_docx() -> None:
    rec = meta(CT11).recipients
    assert len(rec) == 11
    assert rec[0] == "Bộ Nông nghiệp và Môi trường (để báo cáo)" and rec[-1] == "Lưu: VT, KT"
