"""scan.Alternation gives exactly the spans of the combined pattern's finditer."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import regex

from khparse.deadlines import DEADLINE
from khparse.paragraphs import _INLINE_SPLIT
from khparse.scan import Alternation, AnchoredPart, WordGate, group_name, split_alternatives
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


def _gate_texts() -> list[str]:
    """Real lines as printed, in capitals (the gates fold case), and without digits (the gates
    rule out alternatives that need one), plus random windows of them."""
    lines = _corpus_lines()
    return lines + [t.upper() for t in lines] + [regex.sub(r"[0-9]", "", t) for t in lines]


@pytest.mark.parametrize("gate_name, least", [("deadlines._DEADLINE_GATE", 20), ("targets._MASK_GATE", 500)])
def test_word_gates_find_what_the_whole_pattern_finds(gate_name: str, least: int) -> None:
    """A paragraph is searched only for the alternatives it has the words for: the matches (and
    their groups) must be those of the combined pattern on every real line, case and digits varied."""
    import importlib

    mod_name, attr = gate_name.split(".")
    gate = getattr(importlib.import_module(f"khparse.{mod_name}"), attr)
    combined = gate._alt.combined
    hits = 0
    lines = _gate_texts()
    for t in lines:
        got = _matches(gate.for_text(t).finditer(t))
        assert got == _matches(combined.finditer(t)), t
        hits += len(got)
    assert hits >= least  # the corpus does print them: the comparison is not between two empty lists
    for t, s, e in _random_windows(lines, 2000, seed=11):
        got = _matches(gate.for_text(t[s:e]).finditer(t, s, e))
        assert got == _matches(combined.finditer(t, s, e)), (t, s, e)


def test_mask_scanners_spans_equal_the_combined_pattern() -> None:
    """``spans`` takes a lone finder's match as the combined pattern's: held on the scanner
    targets uses (anchored and merged finders) and on its word-gated subsets."""
    from khparse.targets import _MASK_GATE, _MASK_SCAN

    lines = _gate_texts()
    hits = 0
    for t in lines:
        want = _combined(MASK, t)
        assert _MASK_SCAN.spans(t) == want, t
        assert _MASK_GATE.for_text(t).spans(t) == want, t
        hits += len(want)
    assert hits >= 500
    for t, s, e in _random_windows(lines, 2000, seed=13):
        want = _combined(MASK, t, s, e)
        assert _MASK_SCAN.spans(t, s, e) == want, (t, s, e)
        assert _MASK_GATE.for_text(t[s:e]).spans(t, s, e) == want, (t, s, e)


@pytest.mark.parametrize("pattern, text", [
    (r"ab|a", "aab ab a"),           # two alternatives at one position: the combined order decides
    (r"a|ab", "aab ab a"),
    (r"x*|y", "xxyzx"),              # empty matches: the engine's own rule
    (r"(?<=a)b|ab", "ab b abab"),
])
def test_spans_when_finders_share_or_not_a_position(pattern: str, text: str) -> None:
    rx = regex.compile(pattern)
    assert Alternation(rx).spans(text) == _combined(rx, text)


def test_word_gate_rules_out_alternatives_without_their_words() -> None:
    rx = regex.compile(r"(?P<a>(?i:năm)\s+\d+)|(?P<b>(?i:quý)\s+[IV]+)|(?P<c>x\d)")
    gate = WordGate(Alternation(rx), {"a": ("năm", WordGate.DIGIT), "b": ("quý|quí",)})
    assert [group_name(p.pattern) for p in gate.for_text("không có gì").parts] == ["c"]
    assert [group_name(p.pattern) for p in gate.for_text("NĂM 2025, QUÍ").parts] == ["a", "b", "c"]
    assert [group_name(p.pattern) for p in gate.for_text("năm nay").parts] == ["c"]  # no digit
    assert gate.for_text("Năm 2030") is gate.for_text("năm 12")  # one scanner per set of words
    with pytest.raises(ValueError):
        WordGate(Alternation(rx), {"z": ("x",)})


def test_anchored_part_finds_the_starts_of_the_part_itself() -> None:
    part = regex.compile(r"(?<![\p{L}])(?i:mức\s+độ|cấp\s+độ|cấp|điều)\s+\d+")
    finder = AnchoredPart(part, regex.compile(r"(?<=\s)\d"),
                          regex.compile(r"(?r)(?<![\p{L}])(?i:mức\s+độ|cấp\s+độ|cấp|điều)\s+"))
    text = "theo cấp độ 2, Điều  5 và cấp 3; Cấp độ x 4, 12 điều"
    for pos in range(len(text) + 1):
        want = part.search(text, pos)
        got = finder.search(text, pos)
        assert (got and got.start()) == (want and want.start()), pos


def test_label_words_are_no_suffix_of_each_other() -> None:
    """``targets._MONTH_OR_LABEL_PREFIX`` reads labels and months backwards from their digit and
    takes the first word that fits: a word that is the last word of a longer one ('độ' of 'mức
    độ') would start the label too late."""
    from khparse.targets import _LABEL_WORDS, _MONTH_OR_LABEL_PREFIX

    words = [tuple(w.split(r"\s+")) for w in regex.sub(r"\s", "", _LABEL_WORDS).split("|")]
    assert "tháng|quý|" + _LABEL_WORDS in _MONTH_OR_LABEL_PREFIX.pattern
    words += [("tháng",), ("quý",)]
    assert len(words) > 30
    for w in words:
        for v in words:
            assert v == w or v[-len(w):] != w or len(v) <= len(w), (w, v)


def test_subset_of_a_pattern_scanned_whole_stays_whole() -> None:
    g = regex.compile(r"(?i)a|b")
    sub = Alternation(g).subset(lambda src: "a" in src)
    assert sub.spans("AbB") == _combined(g, "AbB")


def test_number_first_masks_start_where_a_run_of_digits_starts() -> None:
    """targets tries these MASK alternatives only at digit-run starts (``_digit_led``)."""
    from khparse.targets import _NUMBER_FIRST

    parts = {group_name(p): regex.compile(p, MASK.flags & ~(regex.U | regex.V0))
             for p in split_alternatives(MASK.pattern, verbose=True)}
    lines = [*_corpus_lines(), "họp lúc 8h30, kết thúc 20 giờ 15 phút", "4.0 và 5G"]
    for name in _NUMBER_FIRST:
        seen = 0
        for t in lines:
            for m in parts[name].finditer(t):
                assert m.group()[0].isdigit() and (m.start() == 0 or not t[m.start() - 1].isdigit()), (name, t)
                seen += 1
        assert seen, name


def test_with_finder_merges_the_named_alternatives_into_one_search() -> None:
    rx = regex.compile(r"(?P<a>(?<!\d)\d+x)|(?P<b>y)|(?P<c>(?<!\d)\d+z)")
    alt = Alternation(rx).with_finder({"a", "c"}, lambda p: AnchoredPart(p, regex.compile(r"(?<!\d)\d")))
    assert len(alt.parts) == 2
    t = "12z 3x y 45 6z"
    assert _matches(alt.finditer(t)) == _matches(rx.finditer(t))
    with pytest.raises(ValueError):
        Alternation(rx).with_finder({"a", "nope"}, lambda p: p)
