"""Readers: DOCX body order, soft breaks, header/closing regions and tables (real files)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from khparse.errors import CorruptInput, UnsupportedFormat
from khparse.readers import read
from khparse_helpers import SHARED, shared


def texts(path: Path, region: str) -> list[str]:
    return [ln.text for ln in read(path).lines if ln.region == region]


def test_header_table_is_read_left_column_then_right() -> None:
    assert texts(shared("pdf/kh-30-bacgiang.docx"), "header") == [
        "ỦY BAN NHÂN DÂN", "TỈNH BẮC GIANG", "-------", "Số: 30/KH-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "---------------",
        "Bắc Giang, ngày 30 tháng 4 năm 2024"]


def test_header_with_spacer_column() -> None:
    # 3 columns, the middle one empty: UBND TỈNH / SỞ / Số: ‖ (spacer) ‖ motto / date
    assert texts(shared("corpus/laocai-kh-sct-2242-kiemtra-gcn-2026.docx"), "header") == [
        "UBND TỈNH LÀO CAI", "SỞ CÔNG THƯƠNG", "Số:           /KH-SCT",
        "  CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM", "  Độc lập - Tự do - Hạnh phúc",
        "   Lào Cai,  ngày       tháng 4 năm 2026"]


def test_closing_table_with_soft_line_break() -> None:
    closing = texts(shared("corpus/laocai-kh-ubnd-ct11-khoangsan-2026-draft.docx"), "closing")
    assert closing[0] == "Nơi nhận:"
    assert closing[-3:] == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", "Nguyễn Thành Sinh"]


def test_signature_split_over_two_rows_reads_columns() -> None:
    # row 1: "Nơi nhận:" | "KT. CHỦ TỊCH"; row 2: the list | "PHÓ CHỦ TỊCH" + name
    closing = texts(shared("corpus/lamdong-kh-ubnd-kiemtra-cchc-2026.docx"), "closing")
    assert closing[:2] == ["Nơi nhận:", "- Chủ tịch, PCT. UBND tỉnh (Đ/c Phúc);"]
    assert closing[-3:] == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Ngọc Phúc"]


def test_body_order_tables_and_numbering() -> None:
    doc = read(shared("pdf/kh-30-bacgiang-appendix.docx"))
    assert doc.format == "docx" and doc.layout == "paragraphs"
    assert all(ln.origin == "docx" and ln.page is None for ln in doc.lines)
    body = [ln for ln in doc.lines if ln.region == "body"]
    assert body[0].text == "KẾ HOẠCH"
    assert body[1].text.startswith("Thực hiện Nghị quyết số 42-NQ/TW ngày 24/11/2023")
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert len(table.rows) == 23  # header + 4 group rows + 18 task rows
    assert table.rows[0] == ["STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp",
                             "Thời gian thực hiện"]
    # a group row spans 4 columns: its text repeats in each grid cell it covers
    group = "Nâng cao nhận thức về vị trí, vai trò của chính sách xã hội"
    assert table.rows[1] == ["1", group, group, group, group]
    assert table.rows[2][0] == "1.1" and table.rows[2][2] == "Sở Lao động - Thương binh và Xã hội"
    # the appendix follows the signature block; its cell paragraphs are not lines
    assert table.after_line == len(doc.lines)
    assert doc.lines[table.after_line - 1].text.startswith("(Kèm theo Kế hoạch số 30/KH-UBND")
    assert not any(ln.text == "Sở Lao động - Thương binh và Xã hội" for ln in doc.lines)
    numbers = [ln.line for ln in body]
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)
    assert table.line > doc.lines[table.after_line - 1].line


def test_big_task_table_row_count() -> None:
    doc = read(shared("corpus/lamdong-kh-ubnd-cchc-2026-2030.docx"))
    assert [len(t.rows) for t in doc.tables] == [67]
    rows = doc.tables[0].rows
    assert rows[0][:2] == ["STT", "Nhiệm vụ"] and rows[1][:2] == ["I", "Cải cách thể chế"]
    assert all(len(r) == 7 for r in rows)


def test_cell_paragraphs_join_with_newline() -> None:
    doc = read(shared("corpus/lamdong-kh-ubnd-tuyentruyen-cchc-2026.docx"))
    assert [len(t.rows) for t in doc.tables] == [12, 11]
    assert doc.tables[0].rows[0] == ["TT", "Nội dung", "Trách nhiệm\nthực hiện", "Thời gian\n(Năm 2026)"]


@pytest.mark.parametrize("path", sorted(p.name for p in (SHARED / "corpus").glob("*.docx")))
def test_every_corpus_docx_has_header_and_closing(path: str) -> None:
    doc = read(shared(f"corpus/{path}"))
    header = [ln.text for ln in doc.lines if ln.region == "header"]
    closing = [ln.text for ln in doc.lines if ln.region == "closing"]
    assert any("CỘNG H" in t for t in header)
    assert any(t.lstrip().startswith("Nơi nhận") for t in closing)
    assert any("CHỦ TỊCH" in t or "GIÁM ĐỐC" in t for t in closing)
    # regions come as blocks: header first, closing in one run
    regions = [ln.region for ln in doc.lines]
    assert regions[: len(header)] == ["header"] * len(header)
    first = regions.index("closing")
    assert regions[first: first + len(closing)] == ["closing"] * len(closing)


def test_truncated_docx_is_corrupt(tmp_path: Path) -> None:
    data = shared("pdf/kh-30-bacgiang.docx").read_bytes()
    target = tmp_path / "cut.docx"
    target.write_bytes(data[: len(data) // 2])
    with pytest.raises(CorruptInput):
        read(target)


def test_zip_without_word_document_is_unsupported(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
    target = tmp_path / "book.docx"
    target.write_bytes(buf.getvalue())
    with pytest.raises(UnsupportedFormat, match="xlsx"):
        read(target)


def test_broken_document_xml_is_corrupt(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(shared("pdf/kh-30-bacgiang.docx")) as src, zipfile.ZipFile(buf, "w") as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            dst.writestr(item, body[:500] if item.filename == "word/document.xml" else body)
    target = tmp_path / "bad.docx"
    target.write_bytes(buf.getvalue())
    with pytest.raises(CorruptInput):
        read(target)


def test_ole_file_that_is_not_word_is_unsupported(tmp_path: Path) -> None:
    target = tmp_path / "sheet.doc"
    target.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))
    with pytest.raises(UnsupportedFormat):
        read(target)
