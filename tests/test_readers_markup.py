"""Readers: thuvienphapluat JSON exports and Markdown conversions (real corpus files)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from khparse.errors import CorruptInput, EmptyInput, UnsupportedFormat
from khparse.readers import read
from khparse.readers.markdown import looks_like_markdown, strip_inline

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def corpus(name: str) -> Path:
    path = CORPUS / name
    if not path.exists():
        pytest.skip("../shared is absent")
    return path


def test_tvpl_json_reads_meta_content_as_printed() -> None:
    path = corpus("tvpl-trunc-yenbai-kh-01.json")
    content = json.loads(path.read_text(encoding="utf-8"))["meta"]["content"]
    doc = read(path)
    assert doc.format == "json" and doc.encoding == "utf-8" and doc.layout == "wrapped"
    assert doc.lines[0].text == "ỦY"  # the crawl wraps mid-header: 'ỦY\r\n  BAN NHÂN DÂN …'
    assert doc.lines[1].text.startswith("  BAN NHÂN DÂN TỈNH YÊN BÁI")
    assert [ln.text for ln in doc.lines] == [s.rstrip() for s in content.replace("\r\n", "\n").split("\n")]


@pytest.mark.parametrize("name", sorted(p.name for p in CORPUS.glob("tvpl-trunc-*.json")))
def test_every_tvpl_export_is_json(name: str) -> None:
    doc = read(corpus(name))
    assert doc.format == "json"
    assert sum(len(ln.text) for ln in doc.lines) > 4000  # content is truncated at 5000 chars


def test_other_json_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "x.json"
    target.write_text(json.dumps({"doc_id": 1, "structure": []}), encoding="utf-8")
    with pytest.raises(UnsupportedFormat):
        read(target)
    target.write_text(json.dumps({"meta": {"content": "  "}}), encoding="utf-8")
    with pytest.raises(EmptyInput):
        read(target)


def test_truncated_json_is_corrupt(tmp_path: Path) -> None:
    data = corpus("tvpl-trunc-camau-kh-86.json").read_bytes()
    target = tmp_path / "cut.json"
    target.write_bytes(data[: len(data) // 2])
    with pytest.raises(CorruptInput):
        read(target)


def test_text_starting_with_a_bracket_is_still_text(tmp_path: Path) -> None:
    target = tmp_path / "draft.txt"
    target.write_text("[Dự thảo]\nKẾ HOẠCH\nThực hiện Nghị quyết số 42-NQ/TW\n", encoding="utf-8")
    doc = read(target)
    assert doc.format == "text" and doc.lines[0].text == "[Dự thảo]"


def test_markdown_markup_is_stripped_printed_text_kept() -> None:
    doc = read(corpus("ddqh-kh-3260-nq57-2025.md"))
    assert doc.format == "markdown"
    texts = [ln.text for ln in doc.lines]
    assert texts[0] == "ĐẢNG CỘNG SẢN VIỆT NAM"  # '      ## ĐẢNG CỘNG SẢN VIỆT NAM'
    assert "KẾ HOẠCH" in texts  # '**KẾ HOẠCH**'
    assert "I. MỤC ĐÍCH, YÊU CẦU" in texts
    assert "T/M ĐẢNG ĐOÀN QUỐC HỘI" in texts
    assert texts[-1] == "Trần Thanh Mẫn"  # the trailing ``` fence is dropped
    bullets = [t for t in texts if t.startswith("- Ban Bí thư Trung ương Đảng")]
    assert bullets == ["- Ban Bí thư Trung ương Đảng (để b/c),"]  # '*   Ban Bí thư …'
    assert not any("**" in t or t.startswith(("#", "*")) or t == "---" for t in texts)
    # numbering is the source file's: the heading on line 1 keeps line=1
    assert doc.lines[0].line == 1


def test_markdown_pipe_tables_become_tables() -> None:
    doc = read(corpus("chinhphu-nq-03-nq-cp-2025-ctrhd-nq57.md"))
    assert doc.format == "markdown"
    assert len(doc.tables) == 2
    targets, tasks = doc.tables
    assert targets.rows[0] == ["TT", "Chỉ tiêu", "Đơn vị", "Kết quả", "Cơ quan chủ trì theo dõi, đánh giá"]
    assert targets.rows[1][:2] == ["I", "Đến năm 2030"]  # '| **I** | **Đến năm 2030** |'
    assert targets.rows[5][:2] == ["4", "Xếp hạng năng lực cạnh tranh số"]
    assert targets.rows[5][3] == "≤ 3 Đông Nam Á; ≤ 50 Thế giới"
    assert tasks.rows[0][:3] == ["TT", "Tên nhiệm vụ", "Cơ quan chủ trì"]
    assert len(tasks.rows) > 100
    assert all(len(r) == len(t.rows[0]) for t in doc.tables for r in t.rows)
    # table rows are not also lines, and the table stands where it was printed
    assert not any(ln.text.startswith("|") for ln in doc.lines)
    assert 0 < targets.after_line <= tasks.after_line <= len(doc.lines)
    assert targets.line == 320  # 1-based line of its header row in the .md file
    assert doc.lines[targets.after_line - 1].line < 320 < doc.lines[targets.after_line].line


def test_markdown_detection_and_inline_rules() -> None:
    assert not looks_like_markdown("KẾ HOẠCH\nI. MỤC ĐÍCH\n- Quán triệt;\n* 5 x 3 = 15\n")
    assert looks_like_markdown("# KẾ HOẠCH\n\n**I. MỤC ĐÍCH**\n\n**1. Mục đích**\n")
    assert strip_inline("**2.1. Để thể chế hoá** *Nơi nhận:* [CP](http://x) \\- a_b_c") == \
        "2.1. Để thể chế hoá Nơi nhận: CP - a_b_c"
    assert strip_inline("Bộ LĐ-TB&amp;XH;&nbsp;TB&XH<br>x") == "Bộ LĐ-TB&XH; TB&XH x"
