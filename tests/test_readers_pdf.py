"""Readers: PDF text layer, positional header/signature blocks, tables and refusals (real files)."""

from __future__ import annotations

import io
import json
import unicodedata
from pathlib import Path

import pytest

from khparse.errors import CorruptInput, EncryptedPdf, LimitExceeded, NoTextLayer
from khparse.readers import read
from khparse.readers.pdf import needs_ocr
from khparse_helpers import shared


def collapse(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def test_body_equals_truth_text() -> None:
    doc = read(shared("pdf/kh-30-bacgiang.pdf"))
    truth = shared("pdf/kh-30-bacgiang.truth.txt").read_text(encoding="utf-8").splitlines()
    recipients = truth.index("Nơi nhận:")
    body = " ".join(ln.text for ln in doc.lines if ln.region == "body")
    assert collapse(body) == collapse(" ".join(truth[8:recipients]))
    closing = " ".join(ln.text for ln in doc.lines if ln.region == "closing")
    assert collapse(closing) == collapse(" ".join(truth[recipients:]))
    assert doc.format == "pdf" and doc.pages == 12 and doc.layout == "wrapped"


def test_header_block_by_columns() -> None:
    doc = read(shared("pdf/kh-30-bacgiang.pdf"))
    header = [ln.text for ln in doc.lines if ln.region == "header"]
    # pdfium merges "Số: 30/KH-UBND" and the date (same baseline); positions split them again
    assert header == ["ỦY BAN NHÂN DÂN", "TỈNH BẮC GIANG", "-------", "Số: 30/KH-UBND",
                      "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                      "---------------", "Bắc Giang, ngày 30 tháng 4 năm 2024"]
    assert doc.lines[len(header)].text == "KẾ HOẠCH"


def test_signature_block_left_column_then_right() -> None:
    doc = read(shared("pdf/kh-30-bacgiang.pdf"))
    closing = [ln for ln in doc.lines if ln.region == "closing"]
    assert closing[0].text == "Nơi nhận:"
    assert [ln.text for ln in closing[-4:]] == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH",
                                               "Mai Sơn"]
    assert all(ln.page == 12 for ln in closing)
    assert closing[0].x0 is not None and closing[-1].x0 is not None and closing[-1].x0 > 0.5 > closing[0].x0


def test_real_word_pdfs_header_and_signer() -> None:
    doc = read(shared("corpus/lamdong-ttr-snv-du-thao-kh-cchc-2026-2030.pdf"))
    assert [ln.text for ln in doc.lines if ln.region == "header"] == [
        "UBND TỈNH LÂM ĐỒNG", "SỞ NỘI VỤ", "Số: /TTr-SNV", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc", "Lâm Đồng, ngày tháng 3 năm 2026"]
    closing = [ln.text for ln in doc.lines if ln.region == "closing"]
    assert closing[0] == "Nơi nhận:" and closing[-3:] == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Trần Hữu Tuấn"]
    # footnotes below the signature stay body text
    assert doc.lines[-1].region == "body" and doc.lines[-1].text.startswith("quan và cơ quan soạn thảo")
    # a superscript footnote mark stays on its printed line: "… Lâm Đồng1. Để tham mưu …"
    assert any(ln.text.startswith("dân tỉnh Lâm Đồng1. Để tham mưu") for ln in doc.lines)


def test_line_end_hyphen_reported_as_fffe_is_printed() -> None:
    doc = read(shared("corpus/lamdong-bc-329-cchc-2025.pdf"))
    assert not any("\ufffe" in ln.text for ln in doc.lines)
    hit = [i for i, ln in enumerate(doc.lines) if ln.text.endswith("Quyết định số 117/QĐ-")]
    assert hit and doc.lines[hit[0] + 1].text.startswith("UBND ngày 17/01/2025")


def test_page_numbers_dropped_provenance_unique_and_x0() -> None:
    doc = read(shared("pdf/kh-30-bacgiang.pdf"))
    first_of_page = {}
    for ln in doc.lines:
        first_of_page.setdefault(ln.page, ln.text)
    assert first_of_page[2] != "2" and first_of_page[12].startswith("3. Sở Lao động")
    keys = [(ln.page, ln.line) for ln in doc.lines]
    assert len(set(keys)) == len(keys)
    assert [ln.line for ln in doc.lines] == list(range(1, len(doc.lines) + 1))
    assert all(ln.x0 is not None and 0 <= ln.x0 < 1 for ln in doc.lines)
    # first-line indent is visible: "I. MỤC ĐÍCH, YÊU CẦU" starts further right than a wrapped line
    heading = next(ln for ln in doc.lines if ln.text == "I. MỤC ĐÍCH, YÊU CẦU")
    wrapped = next(ln for ln in doc.lines if ln.text.startswith("hành Trung ương Đảng khóa XIII"))
    assert heading.x0 is not None and wrapped.x0 is not None and heading.x0 - wrapped.x0 > 0.05


def test_appendix_table_matches_reference() -> None:
    doc = read(shared("pdf/kh-30-bacgiang-appendix.pdf"))
    want = json.loads(shared("pdf/kh-30-bacgiang-appendix.table.json").read_text(encoding="utf-8"))
    assert len(doc.tables) == 1  # 4 page pieces merged into one table
    table = doc.tables[0]
    assert table.page == 13
    assert [collapse(c) for c in table.rows[0]] == ["STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì",
                                                    "Cơ quan phối hợp", "Thời gian thực hiện"]
    rows = table.rows[1:]
    assert len(rows) == len(want) == 22  # repeated headers dropped, row 2.4 re-joined
    for got, w in zip(rows, want, strict=True):
        if "group" in w:
            expected = [w["stt"]] + [w["group"]] * 4  # the span repeats the title
        else:
            expected = [w["stt"], w["task"], w["lead"], w["cooperate"], w["time"]]
        assert [collapse(c) for c in got] == [collapse(c) for c in expected]
    assert any("\n" in c for r in rows for c in r)  # visual line breaks kept inside cells
    # table text is not duplicated as body lines; the table stands after the appendix title
    assert not any(ln.page and ln.page >= 14 for ln in doc.lines)
    assert table.after_line == len(doc.lines)
    assert doc.lines[-1].text.startswith("(Kèm theo Kế hoạch số 30/KH-UBND")


def test_report_appendix_tables_on_real_word_pdf() -> None:
    doc = read(shared("corpus/lamdong-bc-329-cchc-2025.pdf"))
    assert doc.pages == 35
    assert doc.tables and all(t.page is not None and t.page >= 25 for t in doc.tables)
    assert all(len(r) == len(t.rows[0]) for t in doc.tables for r in t.rows)
    assert [t.index for t in doc.tables] == list(range(len(doc.tables)))
    after = [t.after_line for t in doc.tables]
    assert after == sorted(after)
    first = doc.tables[0]
    assert collapse(first.rows[0][0]) == "STT"
    # body text of the prose pages is not lost to table detection
    assert sum(1 for ln in doc.lines if ln.page and ln.page < 24) > 800


def test_scanned_pdf_has_no_text_layer() -> None:
    with pytest.raises(NoTextLayer, match="no text layer"):
        read(shared("pdf/kh-30-bacgiang-scanned.pdf"), ocr="never")
    # only an e-signature stamp line on page 1 of a 15-page scan
    with pytest.raises(NoTextLayer):
        read(shared("corpus/lamdong-ttr-91-cat-kh-kmt-2026-scan.pdf"), ocr="never")


def test_needs_ocr_rule() -> None:
    page = "Thực hiện Nghị quyết số 42-NQ/TW ngày 24/11/2023 của Ban Chấp hành Trung ương Đảng khóa XIII"
    stamp = "SAO Y; CÔNG AN TỈNH LÂM ĐỒNG; 03/02/2026; 15:40:13; +07:00"
    garbled = "6Ӣ C‘NG 7+ѬѪ1* &Ӝ1* H“A XÃ +Ӝ, &+Ӫ 1*+Ƭ$ 9,ӊ7 NAM Ĉ2¬1 .,ӆ0 TRA THEO 48<ӂ7 Ĉӎ1+ KӃ KRҥFK"
    assert needs_ocr([page, "", stamp, garbled, page + "\n" + stamp]) == [2, 3, 4]


def test_max_pages_is_checked_before_extraction() -> None:
    with pytest.raises(LimitExceeded):
        read(shared("pdf/kh-30-bacgiang.pdf"), max_pages=5)
    assert read(shared("pdf/kh-30-bacgiang.pdf"), max_pages=12).pages == 12


def test_truncated_pdf_is_corrupt(tmp_path: Path) -> None:
    data = shared("pdf/kh-30-bacgiang.pdf").read_bytes()
    target = tmp_path / "cut.pdf"
    target.write_bytes(data[: len(data) // 3])
    with pytest.raises(CorruptInput):
        read(target)
    target.write_bytes(b"%PDF-1.7\n%garbage only\n")
    with pytest.raises(CorruptInput):
        read(target)


def _encrypted(src: Path, user: str) -> bytes:
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter(clone_from=str(src))
    writer.encrypt(user_password=user, owner_password="owner-secret")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def test_encrypted_pdf(tmp_path: Path) -> None:
    src = shared("pdf/kh-30-bacgiang.pdf")
    target = tmp_path / "locked.pdf"
    target.write_bytes(_encrypted(src, "secret"))
    with pytest.raises(EncryptedPdf):
        read(target)
    # owner password only (printing restrictions): opens without a password, reads normally
    target.write_bytes(_encrypted(src, ""))
    assert read(target).lines[0].text == "ỦY BAN NHÂN DÂN"


def test_broken_text_layer_pages_are_flagged() -> None:
    # fonts without a usable ToUnicode map: pdfium gives 'KӃ KRҥFK' for 'Kế hoạch' on every page
    pdfium = pytest.importorskip("pypdfium2")
    pdf = pdfium.PdfDocument(str(shared("corpus/laocai-kh-1105-dkt-vlncn-2026.pdf")))
    try:
        texts = [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    finally:
        pdf.close()
    assert needs_ocr(texts) == [1, 2, 3, 4, 5, 6]


def test_signature_block_broken_by_a_page_end() -> None:
    # Lines as pdfium positions them (A4, points, y up); no character boxes needed for whole lines.
    from khparse.readers.pdf import _mark_closing, _Page, _Raw

    def raw(text: str, x0: float, x1: float, top: float) -> _Raw:
        return _Raw(text=text, chars=[], x0=x0, x1=x1, top=top, bottom=top - 12)

    body = "xem xét, quyết định./. Trong quá trình tổ chức thực hiện, nếu có khó khăn, vướng mắc"
    p11 = _Page(number=11, width=595, height=842, lines=[
        raw(body, 85, 538, 200), raw("Nơi nhận:", 85, 136, 120), raw("- Bộ Nội vụ;", 86, 150, 107),
        raw("- Lưu: VT, NC.", 86, 160, 94)])
    p12 = _Page(number=12, width=595, height=842, lines=[
        raw("KT. CHỦ TỊCH", 371, 468, 780), raw("PHÓ CHỦ TỊCH", 368, 472, 765),
        raw("Nguyễn Ngọc Phúc", 380, 470, 700), raw("PHỤ LỤC", 270, 330, 600),
        raw("Danh mục nhiệm vụ trọng tâm của các sở, ngành, địa phương năm 2026 trên địa bàn", 85, 538, 580)])
    _mark_closing([p11, p12])
    assert [(ln.region, ln.text) for ln in p11.lines] == [
        ("body", body), ("closing", "Nơi nhận:"), ("closing", "- Bộ Nội vụ;"), ("closing", "- Lưu: VT, NC.")]
    assert [ln.region for ln in p12.lines] == ["closing", "closing", "closing", "body", "body"]
    assert p12.lines[2].text == "Nguyễn Ngọc Phúc"


@pytest.mark.parametrize("sample, back_ends", [
    ("kh-30-bacgiang.pdf", ["pypdfium2", "khparse.readers.glyphs", "encodings.utf_16_le"]),
    ("kh-30-bacgiang.docx", ["docx"]),
])
def test_back_ends_are_imported_before_the_sandbox_forks(sample: str, back_ends: list[str]) -> None:
    """PDF and DOCX are parsed in a forked child (``sandbox``): a module first imported there is
    imported again by every child, ~0.1-0.2 s per document (issue 5). The parent must hold them."""
    import os
    import subprocess
    import sys

    from khparse_helpers import SAMPLES

    code = (f"import sys\nfrom khparse.readers import read\nread({str(SAMPLES / sample)!r})\n"
            f"print([m for m in {back_ends!r} if m not in sys.modules])\n")
    env = {k: v for k, v in os.environ.items() if k != "KHPARSE_SANDBOX"}
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().splitlines()[-1] == "[]"


def test_batch_workers_preload_the_back_ends() -> None:
    from khparse.batch import PRELOAD

    assert {"khparse.readers.pdf", "khparse.readers.docx", "pypdfium2", "pdfplumber", "docx"} <= set(PRELOAD)
