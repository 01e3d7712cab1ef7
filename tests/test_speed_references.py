"""Speed shortcuts of ``references`` (issue 5) give exactly what their plain form gives.

``citations`` finds ``CITATION_RE``'s matches from the "/" every number prints instead of trying
the type-word alternation at every position; the issuer-before-the-citation search is skipped
for windows that lack the words it ends with. Each is held against the plain form on every
paragraph of the corpus and seeds, on random spans of real text and on hand-made and random
strings built from the grammar's own pieces.
"""

from __future__ import annotations

import functools
import random
import sys

import pytest
import regex

from khparse import references
from khparse.errors import KhparseError
from khparse.readers import read
from khparse.sections import build_skeleton
from khparse_helpers import SAMPLES, SHARED


def _found(found: object) -> list[tuple[tuple[int, int], dict[str, str | None]]]:
    return [(m.span(), m.groupdict()) for m in found]  # type: ignore[attr-defined]


def _same(text: str) -> int:
    plain = _found(references.citations_plain(text))
    assert _found(references.citations(text)) == plain, text
    return len(plain)


@functools.cache
def _paragraphs() -> list[str]:
    if not SHARED.is_dir():
        pytest.skip("../shared is absent")
    files = [p for p in sorted((SHARED / "corpus").iterdir()) if p.is_file() and p.name != "MANIFEST.tsv"]
    files += sorted((SHARED / "seeds").iterdir()) + sorted((SHARED / "pdf").glob("*.pdf"))
    files += sorted(p for p in SAMPLES.iterdir() if p.is_file())
    out = []
    for p in files:
        try:
            doc = read(p, None, ocr="never")
        except KhparseError:
            continue  # a scan without OCR, a legacy .doc without a converter
        out += [b.text for b in references._blocks(build_skeleton(doc))]
    return out


def test_citations_of_every_real_paragraph_are_the_plain_scan() -> None:
    texts = _paragraphs()
    assert len(texts) > 3000
    assert sum(_same(t) for t in texts) > 500


def test_citations_of_random_spans_of_real_text_are_the_plain_scan() -> None:
    """Spans cut anywhere: a citation's number, prefix or date cut off at either end."""
    big = "\n".join(_paragraphs())
    rnd = random.Random(5)
    found = 0
    for _ in range(3000):
        i = big.find("/", rnd.randrange(len(big)))
        if i < 0:
            continue
        t = big[max(0, i - rnd.randrange(1, 160)): i + rnd.randrange(1, 120)]
        found += _same(t)
    assert found > 1000


# From the grammar's own comments, at block start and end, after punctuation, across lines.
EDGES = [
    "Nghị quyết số 42-NQ/TW", "42-NQ/TW", "Căn cứ Nghị quyết số 42-NQ/TW.", "theo 42- NQ/TW, 42 - NQ / TƯ và 42-⏎NQ/TW",
    "Kế hoạch số 119-KH/TU", "3260-KH/ĐĐQH15", "35-NQ/TU;", "(42-NQ/TW)", "Đề án số 08-ĐA/TU của Tỉnh ủy Lào Cai ngày 29/12/2025",
    "Kế hoạch số 41/KH-UBND ngày 24/11/2023 của UBND tỉnh về việc triển khai", "30/2020/NĐ-CP", "11/CT-TTg",
    "Tờ trình số 04/TTr-BKHCN-BTTTT", "Luật số 45/2019/QH14", "Luật Điện lực số 61/2024/QH15",
    "Luật Sửa đổi, bổ sung Luật Đất đai số 12/2024/QH15", "Luật Kế hoạch số 1/2020/QH14",
    "Chỉ thị số 11/CT-TTg ngày 21 tháng 4 năm 2025 của Thủ tướng Chính phủ về",
    "(viết tắt là Nghị quyết số 42-NQ/TW)", "(sau đây gọi tắt là Kế hoạch số 119-KH/TU)",
    "Bộ Chính trị đã ban hành Nghị quyết số 57-NQ/TW", "Thông tư liên tịch số 12/2015/TTLT-BTC-BNV",
    "Chương trình hành động số 5-CTr/TU", "Chương trình số 5-CTr/TU", "Quyết định số:5/QĐ-UBND", "Quyết định số: 5/QĐ-UBND",
    "Quyết định số5/QĐ-UBND", "Kế hoạch   số  :  5/KH-UBND", "Kế hoạch\u00a0số\t5/KH-UBND", "Nghị quyết\nsố 42-NQ/TW",
    "Nghị quyết\n42-NQ/TW", "Kế hoạch\nsố\n41/KH-UBND", "ngày 24/11/2023 41/KH-UBND", "ngày 12/3/20245/KH-UBND",
    "24/11/2023", "2/3 số xã", "19/19 tiêu chí", "1234567/KH-UBND", "Kế hoạch số 1234567/KH-UBND", "123456-NQ/TW",
    "x/2020/QH14", "Luật x/2020/QH14", "30/2020/QH14", "42-NQ/TW/43-NQ/TW", "số 41/KH-UBND/42/KH-UBND",
    "41/KH-UBND42/KH-UBND", "Kế hoạch số /KH-UBND", "/KH-UBND", "Kế hoạch số 41/ KH - UBND", "41 /KH-UBND", "/", "//", "",
    "Nghị quyết Kế hoạch số 12/KH-UBND", "Kế hoạch Kế hoạch 12/KH-UBND", "Kế hoạchsố 12/KH", "KẾ HOẠCH SỐ 11/CT-TTG",
    "Luật Abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghi số 61/2024/QH15",
    "Luật " + "Ab " * 20 + "số 61/2024/QH15", "Luật " + "A" * 62 + " số 61/2024/QH15",
    "Luật   Điện   lực   số   61/2024/QH15", "Căn cứ Luật Điện lực 61/2024/QH15", "Văn bản 12/UBND-VX",
]


@pytest.mark.parametrize("text", EDGES)
def test_citations_of_edge_cases_are_the_plain_scan(text: str) -> None:
    for t in (text, "x " + text, text + " x", text + "12/", "(" + text + ")", "Theo " + text + ", và " + text):
        _same(t)


def test_a_law_name_at_its_longest_is_found_from_its_prefix() -> None:
    """The reach of a prefix is long enough for a law's name of 61 letters (no spaces)."""
    t = "Căn cứ Luật A" + "b" * 59 + " số 61/2024/QH15."
    (m,) = references.citations(t)
    assert m.group("type") == "Luật" and m.start() == t.index("Luật")
    _same(t)


_PIECES = [
    *references.TYPES, "Luật Điện lực", "số", "số:", ":", " ", "  ", "\n", ",", ".", ";", "(", ")", "-", " - ", "/", " / ",
    "42", "1234567", "2020", "24", "11", "NQ", "KH", "TW", "TƯ", "UBND", "KH-UBND", "QH14", "CT-TTg", "ĐĐQH15", "ngày",
    "tháng", "năm", "của", "UBND tỉnh", "về", "x", "Ab", "42-NQ/TW", "42- NQ/TƯ", "41/KH-UBND", "30/2020/NĐ-CP",
    "24/11/2023", "/2020/QH14", "11/CT-TTg", "1234567/KH", "số 5/", "-NQ/TW",
]


def test_citations_of_random_strings_of_the_grammars_pieces_are_the_plain_scan() -> None:
    rnd = random.Random(7)
    found = 0
    for _ in range(6000):
        t = "".join(rnd.choice(_PIECES) + rnd.choice(["", "", " "]) for _ in range(rnd.randrange(2, 16)))
        found += _same(t)
    assert found > 3000


@pytest.mark.parametrize("repl", ["", " ", "-", "|"])
def test_every_citation_prints_a_slash(repl: str) -> None:
    """``citations`` looks for matches only around a "/"."""
    hits = [m.group(0) for t in _paragraphs() for m in references.citations_plain(t)]
    assert len(hits) > 500
    for h in hits:
        assert references.CITATION_RE.search(h.replace(references.NUMBER_SLASH, repl)) is None, h


def test_an_issuer_before_the_citation_is_searched_only_where_it_can_end() -> None:
    """``_PRE_ISSUER`` matches only windows that end (before spaces) with ``PRE_ISSUER_ENDS``."""
    windows = [t[max(0, m.start() - 90): m.start()] for t in _paragraphs() for m in references.citations_plain(t)]
    ends = [w + tail for w in windows for tail in ("", " ", "\n", " \u00a0", "\u2028")]
    matched = 0
    for w in ends:
        if references._PRE_ISSUER.search(w) is not None:
            matched += 1
            assert w.rstrip().endswith(references.PRE_ISSUER_ENDS), w
    assert matched > 10
    # rstrip() removes every character the grammar's \s spaces with
    space = regex.compile(r"\s")
    assert all(chr(c).isspace() for c in range(sys.maxunicode + 1) if space.match(chr(c)))
