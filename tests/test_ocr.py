"""OCR: clean-up of OCR damage, TSV grouping, the page rule, and the CLI on real scan pages.

The end-to-end tests OCR two pages of ../shared/pdf/kh-30-bacgiang-scanned.pdf (header page and
the signature page under the red seal), not the whole corpus: about 4 s on 2 cores.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from khparse.readers import ocr
from khparse_helpers import SHARED, run_khparse

SCANNED = SHARED / "pdf" / "kh-30-bacgiang-scanned.pdf"
HAVE_TESSERACT = shutil.which("tesseract") is not None and ocr.has_vietnamese_model(shutil.which("tesseract") or "")


@pytest.mark.parametrize(("raw", "clean"), [
    ("Il. NỘI DUNG", "II. NỘI DUNG"),  # roman II read with an l
    ("l. Mục đích", "1. Mục đích"),
    ("l.2. Về chính sách", "1.2. Về chính sách"),
    ("2.l. Tiếp tục", "2.1. Tiếp tục"),
    ("IIl. NHIỆM VỤ", "III. NHIỆM VỤ"),
    ("I. MỤC ĐÍCH", "I. MỤC ĐÍCH"),  # a real roman one stays
    ("11. Sở Tài chính", "11. Sở Tài chính"),  # a real eleven stays
    ("Ðoàn kiểm tra", "Đoàn kiểm tra"),  # Icelandic eth for Đ
    ("kinh phi\u0301", "kinh phí"),  # decomposed tone mark composed
    ("\u0301 Sở Y tế", "Sở Y tế"),  # a stray mark with nothing to sit on
    ("~ TT Tỉnh ủy", "- TT Tỉnh ủy"),  # dash bullet read as a tilde
    # from OCR of ../shared/pdf/kh-30-bacgiang-scanned.pdf (bugs caught by khscore):
    ("Nghị quyết số 42-NQ/IW ngày", "Nghị quyết số 42-NQ/TW ngày"),  # T read as I in "TW"
    ("NQ/IW, Kế hoạch số 19-KH/TW", "NQ/TW, Kế hoạch số 19-KH/TW"),  # after a "42-" line break
    ("(đô thị 32,7m? sàn/người;", "(đô thị 32,7m² sàn/người;"),  # superscript two read as "?"
    ("nông thôn 32,3m° sàn/người", "nông thôn 32,3m² sàn/người"),  # ... or as a degree sign
    ("IWF là tổ chức", "IWF là tổ chức"),  # not a Party number: left alone
])
def test_clean_ocr_text(raw: str, clean: str) -> None:
    assert ocr.clean_ocr_text(raw).strip() == clean


def test_hyphenated_line_end_rejoined_only_for_a_syllable() -> None:
    lines = [ocr.OcrLine("công tác chỉ đ-", 0.1, 0.1), ocr.OcrLine("ạo điều hành", 0.1, 0.2),
             ocr.OcrLine("Nghị quyết số 42-", 0.1, 0.3), ocr.OcrLine("NQ/TW ngày 24/11/2023", 0.1, 0.4)]
    out = [ln.text for ln in ocr.clean_ocr_lines(lines)]
    assert out == ["công tác chỉ đạo", "điều hành", "Nghị quyết số 42-", "NQ/TW ngày 24/11/2023"]


def test_parse_tsv_groups_lines_splits_cells_and_drops_noise() -> None:
    head = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
    rows = [head]
    words = [("Nơi", 100, 96.0), ("nhận:", 160, 95.0), ("TM.", 900, 96.0), ("ỦY", 960, 95.0), ("SE", 1300, 3.0)]
    for i, (w, left, conf) in enumerate(words, start=1):
        rows.append(f"5\t1\t1\t1\t1\t{i}\t{left}\t500\t50\t30\t{conf}\t{w}")
    lines, confs = ocr.parse_tsv("\n".join(rows), 1654, 2339)
    assert [ln.text for ln in lines] == ["Nơi nhận:", "TM. ỦY"]
    assert lines[1].x0 == pytest.approx(900 / 1654)
    assert len(confs) == 4


def test_page_rule() -> None:
    stamp = "SAO Y; CÔNG AN TỈNH LÂM ĐỒNG; 03/02/2026; 15:40:13; +07:00"
    assert ocr.page_needs_ocr("", 1.0)
    assert ocr.page_needs_ocr(stamp, 1.0)  # lamdong-ttr-91 page 1: a stamp line over a scan
    assert not ocr.page_needs_ocr("Thực hiện Nghị quyết số 42-NQ/TW " * 40, 1.0)
    assert not ocr.page_needs_ocr("", 0.0)  # a blank page


def _two_page_scan(tmp_path: Path) -> Path:
    if not SCANNED.exists():
        pytest.skip("../shared/pdf/kh-30-bacgiang-scanned.pdf is absent")
    import pypdfium2 as pdfium

    src = pdfium.PdfDocument(str(SCANNED))
    out = pdfium.PdfDocument.new()
    out.import_pages(src, [0, 11])
    path = tmp_path / "scan-2p.pdf"
    out.save(str(path))
    return path


@pytest.mark.ocr
@pytest.mark.skipif(not HAVE_TESSERACT, reason="tesseract-ocr + tesseract-ocr-vie not installed")
def test_cli_ocr_scanned_pages(tmp_path: Path) -> None:
    path = _two_page_scan(tmp_path)
    proc = run_khparse("extract", path, timeout=300)
    assert proc.returncode == 0, proc.stderr.decode()
    plan = json.loads(proc.stdout)
    src = plan["source"]
    assert src["ocr_pages"] == [1, 2]
    assert src["ocr_confidence"] is not None and src["ocr_confidence"] > 85
    meta = plan["metadata"]
    assert meta["number"] == "30/KH-UBND"
    assert meta["doc_type_code"] == "KH"
    assert "Nghị quyết số 42-NQ/TW" in json.dumps(plan, ensure_ascii=False)
    # the signer under the red seal comes back thanks to the red-channel drop-out
    assert "Mai Sơn" in json.dumps(plan, ensure_ascii=False)
    origins = {m["provenance"]["origin"] for r in plan["references"] for m in r["mentions"]}
    assert origins == {"ocr"}


@pytest.mark.ocr
def test_cli_ocr_never_is_no_text_layer(tmp_path: Path) -> None:
    path = _two_page_scan(tmp_path)
    proc = run_khparse("extract", path, "--ocr", "never")
    assert proc.returncode == 8, proc.stderr.decode()
    assert b"Traceback" not in proc.stderr


def test_cli_missing_tesseract_says_what_to_install(tmp_path: Path) -> None:
    path = _two_page_scan(tmp_path)
    bindir = tmp_path / "bin"
    bindir.mkdir()
    env_path = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep)
                               if not (Path(p) / "tesseract").exists())
    old = os.environ.get("PATH", "")
    os.environ["PATH"] = env_path
    try:
        proc = run_khparse("extract", path)
    finally:
        os.environ["PATH"] = old
    assert proc.returncode == 10, proc.stderr.decode()
    err = proc.stderr.decode()
    assert "tesseract-ocr-vie" in err and "apt-get install" in err
    assert len(err.strip().splitlines()) == 1
