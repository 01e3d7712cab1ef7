"""scan.Alternation gives exactly the spans of the combined pattern's finditer."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import regex

from khparse.deadlines import DEADLINE
from khparse.paragraphs import _INLINE_SPLIT
from khparse.scan import Alternation, split_alternatives
from khparse.targets import MASK

SHARED = Path(__file__).resolve().parents[2] / "shared"


def _combined(rx: regex.Pattern[str], text: str, pos: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    return [m.span() for m in rx.finditer(text, pos, len(text) if end is None else end)]


def test_split_ignores_bars_in_groups_classes_escapes_and_comments() -> None:
    pat = r"""a(?:b|c)   # one | two
      | [|x]\|      # class and escape
      | (?P<n>d|e)"""
    parts = split_alternatives(pat, verbose=True)
    assert [regex.sub(r"\s+", "", p) for p in parts] == ["a(?:b|c)", r"[|x]\|", "(?P<n>d|e)"]


def test_split_keeps_a_bracket_first_in_a_class() -> None:
    assert split_alternatives(r"[]|]a|b", verbose=False) == ["[]|]a", "b"]


@pytest.mark.parametrize("pattern, text", [
    (r"ab|a", "aab ab a"),                      # order decides at one position, as in the combined pattern
    (r"(?<![\d])\d+|x\d", "x12 3x4 56"),        # lookbehinds see text before the search position
    (r"b(?=c)|bc?", "bc b bcc"),
    (r"(?i:số)\s*\d+|\d+/\d+", "Số 12/2024, số: 5"),
])
def test_spans_equal_finditer_on_examples(pattern: str, text: str) -> None:
    rx = regex.compile(pattern)
    assert Alternation(rx).spans(text) == _combined(rx, text)


def test_empty_matches_and_global_flags_fall_back_to_the_combined_pattern() -> None:
    rx = regex.compile(r"x*|y")
    assert Alternation(rx).spans("xxyzx") == _combined(rx, "xxyzx")
    g = regex.compile(r"(?i)a|b")
    assert Alternation(g).parts == []
    assert Alternation(g).spans("AbB") == _combined(g, "AbB")


def _corpus_lines() -> list[str]:
    if not SHARED.is_dir():
        pytest.skip("../shared is absent")
    texts: list[str] = []
    for p in sorted((SHARED / "seeds").glob("*.txt")) + sorted((SHARED / "corpus").glob("*.md")):
        texts += p.read_text(encoding="utf-8", errors="replace").splitlines()
    return texts


@pytest.mark.parametrize("rx", [MASK, _INLINE_SPLIT], ids=["targets.MASK", "paragraphs._INLINE_SPLIT"])
def test_spans_equal_finditer_on_real_text_and_random_windows(rx: regex.Pattern[str]) -> None:
    lines = _corpus_lines()
    alt = Alternation(rx)
    assert len(alt.parts) > 1
    for t in lines:
        assert alt.spans(t) == _combined(rx, t), t
    for t, s, e in _random_windows(lines, 2000, seed=5):
        assert alt.spans(t, s, e) == _combined(rx, t, s, e), (t, s, e)


def _random_windows(lines: list[str], n: int, seed: int) -> list[tuple[str, int, int]]:
    """``n`` (text, pos, endpos) cut at random from the joined lines."""
    big = "\n".join(lines)
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        i = rnd.randrange(len(big))
        t = big[i:i + rnd.randrange(1, 400)]
        s = rnd.randrange(len(t) + 1)
        out.append((t, s, rnd.randrange(s, len(t) + 1)))
    return out


def _matches(ms: object) -> list[tuple[tuple[int, int], dict[str, str | None]]]:
    return [(m.span(), m.groupdict()) for m in ms]  # type: ignore[attr-defined]


def test_finditer_gives_the_combined_patterns_groups() -> None:
    rx = regex.compile(r"(?P<a>ab)|(?P<b>a)(?P<c>\d)?|(?P<d>b\d)")
    t = "a1 ab b2 a"
    assert _matches(Alternation(rx).finditer(t)) == _matches(rx.finditer(t))


def test_deadline_finditer_equals_the_combined_pattern_on_real_text() -> None:
    """deadlines.DEADLINE is scanned by alternatives and read by group names: both must agree."""
    lines = _corpus_lines()
    alt = Alternation(DEADLINE)
    assert len(alt.parts) == 10
    hits = 0
    for t in lines:
        got = _matches(alt.finditer(t))
        assert got == _matches(DEADLINE.finditer(t)), t
        hits += len(got)
    assert hits >= 10  # the corpus does print deadlines: the comparison is not between two empty lists
    for t, s, e in _random_windows(lines, 1000, seed=7):
        assert _matches(alt.finditer(t, s, e)) == _matches(DEADLINE.finditer(t, s, e)), (t, s, e)


def test_deadline_subset_for_text_without_digits_equals_the_whole_pattern() -> None:
    """deadlines searches only 'định kỳ hằng …' in text without a digit: no other alternative may
    match there (digits stripped from real text, plus the periodic forms themselves)."""
    from khparse.deadlines import _DEADLINE_NO_DIGIT_SCAN

    lines = [regex.sub(r"[0-9]", "", t) for t in _corpus_lines()]
    lines += ["Định kỳ hằng quý, báo cáo", "định kỳ hàng năm trước ngày", "ĐỊNH KỲ MỖI THÁNG"]
    hits = 0
    for t in lines:
        got = _matches(_DEADLINE_NO_DIGIT_SCAN.finditer(t))
        assert got == _matches(DEADLINE.finditer(t)), t
        hits += len(got)
    assert hits >= 3
    assert list(_DEADLINE_NO_DIGIT_SCAN.finditer("không có gì")) == []


def test_subset_of_a_pattern_scanned_whole_stays_whole() -> None:
    g = regex.compile(r"(?i)a|b")
    sub = Alternation(g).subset(lambda src: "a" in src)
    assert sub.spans("AbB") == _combined(g, "AbB")
