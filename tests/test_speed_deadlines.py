"""Speed shortcuts of ``deadlines`` (issue 5) give exactly what the plain forms give: the ASCII
digits of a document's paragraphs found in one pass, and a paragraph without a digit, a time
label's words or a recurrence word given no deadline without being scanned.

Held against the plain forms on every paragraph of every text of ../shared/corpus and the seeds,
and on hand-made edges.
"""

from __future__ import annotations

from functools import cache

import pytest

from khparse import deadlines, scan, targets
from khparse.readers import read
from khparse.sections import build_skeleton
from khparse.source import Line
from khparse.structure import Block
from khparse_helpers import SHARED

_EDGES = [
    "Thời gian thực hiện: Quý II/2026", "THỜI HẠN: hằng năm", "Tiến độ: Thường xuyên", "Định kỳ hằng quý",
    "báo cáo kết quả HẰNG THÁNG", "mỗi năm một lần", "Thời gian: năm 2025", "không có thời hạn", ":", "",
    "Cơ quan chủ trì: Sở Nội vụ", "trước ngày 31/12/2026", "trong năm ２０２５", "năm\x002025", "thời gian\x00:",
]


@cache
def _blocks() -> tuple[tuple[Block, int], ...]:
    if not SHARED.is_dir():
        pytest.skip("../shared is absent")
    files = sorted(p for p in (SHARED / "corpus").iterdir() if p.is_file() and p.name != "MANIFEST.tsv"
                   and "scan" not in p.name)
    out: list[tuple[Block, int]] = []
    for path in [*files, *sorted((SHARED / "seeds").glob("*"))]:
        for node in build_skeleton(read(str(path), None, ocr="never")).nodes():
            out.extend(targets.blocks_of(node))
    out += [(Block.single(t, Line(t, 1, 1, "text")), 0) for t in _EDGES]
    return tuple(out)


def test_digits_found_in_one_pass_are_each_paragraphs_own() -> None:
    texts = [b.text for b, _ in _blocks() if "\x00" not in b.text]
    got = scan.texts_with(scan.ASCII_DIGIT, texts)
    assert got == {k for k, t in enumerate(texts) if scan.ASCII_DIGIT.search(t)}
    assert got is not None and 100 < len(got) < len(texts)
    assert scan.texts_with(scan.ASCII_DIGIT, ["a\x00b", "1"]) is None


def test_a_paragraph_told_its_digit_gets_the_deadlines_of_one_that_is_not() -> None:
    skipped = 0
    for block, start in _blocks():
        digit = scan.ASCII_DIGIT.search(block.text) is not None
        want = deadlines.deadlines_in_text(block, "x", start=start)
        assert deadlines.deadlines_in_text(block, "x", start=start, digit=digit) == want, block.text
        skipped += not digit
    assert skipped > 500


def test_every_time_label_has_the_words_its_gate_asks_for() -> None:
    seen = 0
    for block, _ in _blocks():
        for m in deadlines.TIME_LABEL.finditer(block.text):
            assert deadlines._may_hold_label(m.group(), m.group().casefold()), m.group()
            seen += 1
    assert seen > 8
