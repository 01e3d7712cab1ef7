"""Broken text layers: garbage detection and per-glyph repair of laocai-kh-1105 (its companion
.txt is the true text), end to end through the CLI."""

from __future__ import annotations

import json

import pytest

from khparse.readers import glyphs
from khparse_helpers import SHARED, run_khparse

PDF = SHARED / "corpus" / "laocai-kh-1105-dkt-vlncn-2026.pdf"
TRUE = SHARED / "corpus" / "laocai-kh-1105-dkt-vlncn-2026.companion.txt"


def test_garbage_detection() -> None:
    # page 1 of laocai-kh-1105 as pdfium reads it
    assert glyphs.is_garbage("7KӵF KLӋQ 4X\\ӃW ÿӏQK Vӕ ng‡y 06/3/2026 FӫD Gi·m ÿӕF 6ӣ CÙng 7KѭѫQJ WӍQK "
                             "L‡o Cai YӅ YLӋF NLӇP tra YLӋF FKҩS h‡nh Quy ÿӏQK ph·p OXұW trong Vӱ GөQJ")
    assert not glyphs.is_garbage("Kiểm tra việc chấp hành Quy định pháp luật trong sử dụng và bảo quản vật liệu")


def test_glyph_names() -> None:
    assert glyphs.name_to_unicode("uni1EA1") == "ạ"
    assert glyphs.name_to_unicode("ocircumflex") == "ô"
    assert glyphs.name_to_unicode("Ohorn") == "Ơ"
    assert glyphs.name_to_unicode("dcroat") == "đ"


def test_cli_repairs_laocai() -> None:
    if not PDF.exists():
        pytest.skip("../shared/corpus is absent")
    proc = run_khparse("extract", PDF, timeout=300)
    assert proc.returncode == 0, proc.stderr.decode()
    plan = json.loads(proc.stdout)
    blob = json.dumps(plan, ensure_ascii=False)
    true = TRUE.read_text(encoding="utf-8")
    # references of the companion text, with their numbers intact
    numbers = {r["number"] for r in plan["references"]}
    assert "1050/QĐ-SCT" in numbers and "217/2025/NĐ-CP" in numbers
    # the title and the sections as printed
    assert plan["metadata"]["title"].startswith("Kiểm tra việc chấp hành Quy định pháp luật")
    headings = [s["heading"] for s in plan["sections"]]
    for h in ("Mục tiêu", "Yêu cầu", "Phân công nhiệm vụ"):
        assert any(h in x for x in headings), (h, headings)
        assert h in true
    # team members' tasks (4.1 Trưởng đoàn ...)
    assert "Hoàng Văn Thuân" in blob
    # nothing of the garbage survives
    assert "KRҥFK" not in blob and "Ӣ" not in blob
    prose = " ".join([plan["metadata"]["title"], *headings, *(s["text"] for s in plan["sections"])])
    assert glyphs.syllable_share(prose) > 0.9
