"""Speed shortcuts of ``targets`` (issue 5) give exactly what the plain forms they replace give:
the cues before a figure asked right to left (``_from_the_end``), and the month and time-word
year masks found from their number back to their word (``scan.AnchoredPart``).

Each plain form is kept here (the compiled grammar itself, searched the ordinary way), and held
against the shortcut on every paragraph of every text of ../shared/corpus and the seeds, and on
hand-made cases that would break a wrong shortcut, so a later grammar edit that breaks a
shortcut's proof fails here rather than changing outputs.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterator
from functools import cache

import pytest
import regex

from khparse import scan, targets
from khparse.readers import read
from khparse.sections import build_skeleton
from khparse.source import Line
from khparse.structure import Block
from khparse_helpers import SHARED
from test_shortcuts import _masked_plain as _masked_text_plain

# Cases from the grammar comments and around the shortcuts' edges: cues at the very end, with
# a trailing line break (where '$' and '\\Z' differ), comparators, denominators, ages, dates,
# document numbers, time words glued to or far from their year.
_EDGES = [
    "dưới 2,35%", "40-45%", "19 bác sĩ và 33 điều dưỡng viên trên 10.000 dân", "trẻ em dưới 36 tháng tuổi",
    "HDI đạt 0,85", "HDI đạt\n", "HDI đạt \n", "đạt được  ", "khoảng 75 tuổi", "nâng tổng số lên 12",
    "giảm xuống còn 3 ngày", "tại 35 xã", "tại\n", "nhóm từ 30 hộ trở lên", "có ", ";", "(", "",
    "đạt từ 80% trở lên", "Phấn đấu 90%", "Ở MỨC 5", "gấp 2 lần", "đã đạt 95%", "đã có 12 xã",
    "Số 30/KH-UBND ngày 30/4/2024", "tháng 6/2024", "Tháng  6", "quý 2 năm 2025", "THÁNG 12",
    "năm 2030", "Năm2030", "năm  2045", "tầm nhìn 2045", "tầm  nhìn đến năm 2050", "giai đoạn 2021-2025",
    "giai đoạn 1", "thời kỳ 2021 - 2030", "niên độ 2024", "35/2022/NĐ-CP", "42- NQ/TW", "24/11/2023",
    "trong năm 2024 đạt 98%", "so với năm 2017", "xtháng 6", "nămm 2030", "năm 20300", "năm 1999",
    "tháng 123", "quý\u00a04", "tháng\t3", "năm\n2026", "cả năm 2025", "ngày 30 tháng 4 năm 2024",
]


def _paths() -> list[str]:
    if not SHARED.is_dir():
        pytest.skip("../shared is absent")
    files = sorted(p for p in (SHARED / "corpus").iterdir() if p.is_file() and p.name != "MANIFEST.tsv"
                   and "scan" not in p.name)
    return [str(p) for p in [*files, *sorted((SHARED / "seeds").glob("*"))]]


@cache
def _blocks() -> tuple[tuple[Block, int], ...]:
    """Every paragraph the stage reads, as it reads it (heading labels skipped), of every text."""
    out: list[tuple[Block, int]] = []
    for path in _paths():
        skel = build_skeleton(read(path, None, ocr="never"))
        for node in skel.nodes():
            out.extend(targets.blocks_of(node))
        out.extend((b, 0) for b in skel.preamble)
    assert len(out) > 2000
    return tuple(out)


def _norms() -> Iterator[str]:
    for block, _ in _blocks():
        yield unicodedata.normalize("NFC", block.text)
    yield from _EDGES


# ── cues asked right to left ──────────────────────────────────────────────────────────────
_CUES = [(targets.STRONG_CUE, targets._STRONG_CUE_R), (targets.SCOPE_PREP, targets._SCOPE_PREP_R),
         (targets.QUALIFIER_OK, targets._QUALIFIER_OK_R)]


def _befores() -> Iterator[str]:
    """What ``_figure`` asks the cues about: up to 60 characters before a digit, of real text
    (masked as the stage masks it) and of the edge cases, with and without a final line break."""
    for t in _norms():
        for m in regex.finditer(r"\d", t):
            yield t[max(0, m.start() - 60):m.start()]
        for m in list(regex.finditer(r"\s+", t))[:40]:  # ends of words, with and without the space
            yield t[max(0, m.start() - 60):m.start()]
            yield t[max(0, m.start() - 60):m.end()]
        yield t
        yield t + "\n"


@pytest.mark.parametrize(("plain", "twin"), _CUES, ids=["strong", "scope", "qualifier"])
def test_cues_asked_from_the_end_answer_as_the_plain_search(plain: regex.Pattern[str],
                                                           twin: regex.Pattern[str]) -> None:
    yes = 0
    for before in _befores():
        want = plain.search(before) is not None
        assert targets._cue(plain, twin, before) is want, before
        yes += want
    assert yes > 50


def test_a_final_line_break_is_where_the_twin_would_differ() -> None:
    """Why ``_cue`` falls back on the plain pattern: ``$`` also matches before a final line break
    (the cues' own ``\\s*`` happens to cover it; a cue without one would not)."""
    plain = regex.compile(r"(?<![\p{L}])đạt$")
    twin = targets._from_the_end(plain)
    assert plain.search("HDI đạt\n") and not twin.search("HDI đạt\n")
    assert targets._cue(plain, twin, "HDI đạt\n") and not targets._cue(plain, twin, "HDI đạt\nx")


def test_only_patterns_ending_in_one_dollar_get_a_twin() -> None:
    with pytest.raises(ValueError):
        targets._from_the_end(regex.compile(r"a$|b$"))
    with pytest.raises(ValueError):
        targets._from_the_end(regex.compile(r"a$b"))


# ── month and time-word year found from their number ─────────────────────────────────────
def _part(name: str) -> scan.AnchoredPart:
    part = next(p for p in targets._MASK_SCAN.parts if scan.group_name(p.pattern) == name)
    assert isinstance(part, scan.AnchoredPart)
    return part


@pytest.mark.parametrize(("name", "least"), [("month", 40), ("yearword", 500)])
def test_masks_found_from_their_number_start_where_the_part_search_does(name: str, least: int) -> None:
    fast = _part(name)
    plain = fast.part  # the alternative compiled alone, searched by the engine at every position
    rnd = random.Random(7)
    found = 0
    for t in _norms():
        for pos in {0, rnd.randrange(len(t) + 1), len(t)}:
            while True:
                want = plain.search(t, pos, len(t))
                got = fast.search(t, pos, len(t))
                assert (got and got.span()) == (want and want.span()), (t, pos)
                if want is None:
                    break
                found += 1
                pos = want.end()
    assert found > least


def _masked_plain(block: Block, start: int) -> str:
    """The masked text as the combined MASK pattern gives it, character by character."""
    return _masked_text_plain(block.text, start)


def test_every_paragraph_is_masked_as_the_plain_pattern_masks_it() -> None:
    edges = [(Block.single(t, Line(t, 1, 1, "text")), 0) for t in _EDGES]
    for block, start in [*_blocks(), *edges]:
        assert targets._Text.of(block, start).masked == _masked_plain(block, start), block.text


# ── the whole stage on every paragraph ───────────────────────────────────────────────────
class _PlainScanner:
    """The mask scanner with no shortcut at all: the combined pattern, every position."""

    def for_text(self, text: str) -> _PlainScanner:
        return self

    def spans(self, text: str) -> list[tuple[int, int]]:
        return [m.span() for m in targets.MASK.finditer(text)]


@pytest.mark.pure_python  # swaps module internals, which the compiled form binds at build time
def test_targets_of_every_paragraph_are_those_of_the_plain_forms(monkeypatch: pytest.MonkeyPatch) -> None:
    edges = [(Block.single(t, Line(t, 1, 1, "text")), 0) for t in _EDGES]
    cases = [*_blocks(), *edges]
    fast = [targets._targets_in_block(b, s, "x", 2030) for b, s in cases]
    monkeypatch.setattr(targets, "_MASK_GATE", _PlainScanner())
    monkeypatch.setattr(targets, "_cue", lambda pattern, twin, before: pattern.search(before) is not None)
    slow = [targets._targets_in_block(b, s, "x", 2030) for b, s in cases]
    assert fast == slow
    assert sum(map(len, fast)) > 300


# ── the lead of a figure read back from its number ───────────────────────────────────────
def test_the_lead_before_every_real_figure_is_read_back_whole() -> None:
    """What ``_figure_matches`` relies on: from a figure's number back to its start, every token
    is one ``_FIGURE_LEAD`` eats (bounded by the figure's start, it reaches that start)."""
    found = 0
    for t in [*(targets._Text.of(b, s).masked for b, s in _blocks()), *_EDGES,
              "không nhiều hơn ở mức từ 5%", "≥từ 5%", "TỐI THIỂU5%", "Ít Hơn  đạt 3 lần"]:
        for m in targets.FIGURE.finditer(t):
            lead = targets._FIGURE_LEAD.match(t, m.start(), m.start("n1"))
            assert lead is not None and lead.start() == m.start(), (t, m.span())
            found += m.start() < m.start("n1")
    assert found > 100


def test_the_lead_symbols_are_every_other_literal_of_the_comparators() -> None:
    """The comparators outside the case-insensitive word groups are symbols: ``≥``, ``>=``, …"""
    src = targets.FIGURE.pattern
    cmp_src = regex.sub(r"\(\?i:[^()]*\)|\(\?P<\w+>|\(\?:|\(\?<=\\p\{L\}\)|\\s[+*]?|#[^\n]*|[()|?\s]", "",
                        src[src.index("(?P<cmp>"):src.index("(?P<n1>")])
    assert cmp_src and set(cmp_src) <= set(targets._FIGURE_LEAD_SYMBOLS), cmp_src


# ── groups read by number ────────────────────────────────────────────────────────────────
def test_figure_groups_read_by_number_are_the_groupdict() -> None:
    found = 0
    for t in [*(targets._Text.of(b, s).masked for b, s in _blocks()), *_EDGES]:
        for m in targets.FIGURE.finditer(t):
            assert dict(zip(targets._FIGURE_GROUPS, m.groups(), strict=True)) == m.groupdict(), t
            assert [m.span(i) for i in (targets._N1, targets._N2, targets._FROM, targets._UNIT)] == [
                m.span(k) for k in ("n1", "n2", "from", "unit")]
            found += 1
    assert found > 300


@pytest.mark.parametrize("src", [r"(?P<a>x)(y)", r"(x)", r"(?P<a>x)(?:y)(z)"])
def test_group_names_refuse_a_pattern_with_an_unnamed_group(src: str) -> None:
    with pytest.raises(ValueError):
        targets._group_names(regex.compile(src))
    assert targets._group_names(regex.compile(r"(?P<b>x)(?P<a>y)")) == ("b", "a")


# ── the number masks searched from digit-run starts ──────────────────────────────────────
def test_number_masks_guarded_by_their_first_digit_search_as_the_plain_part() -> None:
    guarded = next(p for p in targets._MASK_SCAN.parts if scan.group_name(p.pattern) == "docno")
    assert isinstance(guarded, regex.Pattern) and guarded.pattern.startswith(r"(?<!\d)(?=\d)")
    plain = regex.compile(guarded.pattern[len(r"(?<!\d)(?=\d)"):], guarded.flags & ~(regex.U | regex.V0))
    rnd = random.Random(11)
    found = 0
    for t in [*_norms(), "họp lúc 8h30, kết thúc 20 giờ 15 phút", "4.0 và 5G", "١٢/٢٠٢٤", "x2030 2030"]:
        for pos in {0, rnd.randrange(len(t) + 1), len(t)}:
            while True:
                want = plain.search(t, pos, len(t))
                got = guarded.search(t, pos, len(t))
                assert (got and (got.span(), got.lastgroup)) == (want and (want.span(), want.lastgroup)), (t, pos)
                if want is None:
                    break
                found += 1
                pos = want.end()
    assert found > 500


# ── every paragraph of a document masked at once ─────────────────────────────────────────
def test_mask_source_has_nothing_that_matches_a_nul() -> None:
    """``_Text.of_all`` joins the texts by NULs: no MASK construct may match one (a dot outside a
    class, a negated class or escape) or see a NUL unlike a text's end (anchors, word boundaries)."""
    src = regex.sub(r"#[^\n]*", "", targets.MASK.pattern)  # verbose comments
    src = regex.sub(r"\[(?:\\.|[^\]\\])*\]", "[]", src)  # classes (none negated: checked below)
    assert "[^" not in targets.MASK.pattern
    for tok in (r"\W", r"\S", r"\D", r"\P", r"\b", r"\B", r"\X", r"\N", r"\G", r"\Z", r"\A", "^", "$"):
        assert tok not in src, tok
    assert not regex.search(r"(?<!\\)\.", src)


def _of_all_cases() -> list[tuple[Block, int]]:
    edges = [(Block.single(t, Line(t, 1, 1, "text")), 0) for t in _EDGES]
    return [*_blocks(), *edges]


def test_every_paragraph_masked_at_once_is_masked_as_alone() -> None:
    cases = _of_all_cases()
    rnd = random.Random(11)
    for size in (len(cases), 1, 2, 7, 40):  # the whole corpus at once, and runs of neighbours
        at = rnd.randrange(max(1, len(cases) - size))
        run = cases[at:at + size] if size < len(cases) else cases
        got = targets._Text.of_all(list(run))
        for (block, start), tx in zip(run, got, strict=True):
            if targets._DIGIT.search(block.text) is None:
                assert tx is None, block.text
                continue
            assert tx is not None
            alone = targets._Text.of(block, start)
            assert (tx.norm, list(tx.back), tx.masked) == (alone.norm, list(alone.back), alone.masked), block.text


def test_a_text_with_a_nul_of_its_own_is_masked_alone() -> None:
    texts = ["năm 2030\x00đạt 90%", "Số 30/KH-UBND", "không có số"]
    pairs = [(Block.single(t, Line(t, 1, 1, "text")), 0) for t in texts]
    got = targets._Text.of_all(pairs)
    assert got[2] is None
    for (block, start), tx in zip(pairs[:2], got[:2], strict=True):
        assert tx is not None and tx.masked == targets._Text.of(block, start).masked


def test_texts_with_a_digit_are_found_in_one_pass() -> None:
    texts = [b.text for b, _ in _of_all_cases() if "\x00" not in b.text]
    want = {k for k, t in enumerate(texts) if targets._DIGIT.search(t)}
    assert scan.texts_with(targets._DIGIT, texts) == want
    assert 100 < len(want) < len(texts)


def test_hiding_digits_by_the_table_is_hiding_each_digit() -> None:
    for t in ["m² 2,35%", "٣٤ và 12", "①²³", "không số", ""]:
        assert targets._hide_digits(t) == "".join("\x00" if c.isdigit() else c for c in t)
