"""Speed shortcuts (issue 5) give exactly what the slow form they replace gives.

Each shortcut skips work it can prove is useless (a scan that cannot match, a character looked
up twice); these tests hold each one against the plain form on real text and on random spans,
so a later edit of a grammar that breaks the proof fails here rather than changing outputs.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable

import pytest
import regex

from khparse import normalize, targets
from khparse.readers import pdf, syllables, text
from khparse_helpers import SHARED


def _real_text() -> str:
    if not SHARED.is_dir():
        pytest.skip("../shared is absent")
    files = sorted((SHARED / "seeds").glob("*.txt")) + sorted((SHARED / "corpus").glob("*.md"))
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in files)


def _windows(big: str, n: int, seed: int, longest: int = 300) -> list[str]:
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        i = rnd.randrange(len(big))
        out.append(big[i:i + rnd.randrange(1, longest)])
    return out


# Tails the trailing-junk grammar eats: 'đạt', 'vào năm 2025', 'trong giai đoạn 2021-2025', …
_JUNK = [" ", ",", ";", ".", "-", "đạt", "Đạt được", "là", "vào năm 2025", "trong giai đoạn 2021-2025",
         "trở lên", "như sau", "so với cùng kỳ năm 2020", "ĐẾN HẾT năm 2030", "và", "x", "1", "năm",
         "(", "cụ thể", "dưới đây", "từ", "giai đoạn 2026 – 2030", "ở mức", "\u212aỳ"]


def test_trailing_junk_searched_from_its_floor_finds_the_same_match() -> None:
    rnd = random.Random(4)
    matched = 0
    for t in _windows(normalize.clean(_real_text()), 6000, seed=4, longest=80):
        t += "".join(rnd.choice(_JUNK) + rnd.choice(["", " ", "  "]) for _ in range(rnd.randrange(8)))
        s = rnd.randrange(len(t) + 1)
        e = len(t) if rnd.random() < 0.7 else rnd.randrange(s, len(t) + 1)
        slow = targets._TRAIL_JUNK.search(t, s, e)
        fast = targets._TRAIL_JUNK.search(t, targets._trail_floor(t, s, e), e)
        assert (slow and slow.span()) == (fast and fast.span()), (t, s, e)
        matched += slow is not None and slow.start() < e
    assert matched > 1000


def _clean_plain(t: str) -> str:
    t = unicodedata.normalize("NFC", t.translate(normalize._INVISIBLE)).replace("\u00a0", " ")
    return normalize._STRAY_MARKS.sub("", t)


@pytest.mark.parametrize("extra", ["", "\u200b", "\u00ad", "\u0301", "a\u0323\u0302", "\ufeff\u0300"])
def test_clean_with_guards_equals_the_plain_form(extra: str) -> None:
    for t in _windows(_real_text(), 1500, seed=len(extra)):
        t = t[: len(t) // 2] + extra + unicodedata.normalize("NFD", t[len(t) // 2:])
        assert normalize.clean(t) == _clean_plain(t)


def _syllables_plain(t: str) -> tuple[int, int]:
    valid = invalid = 0
    for m in syllables._WORD.finditer(t):
        w = m.group()
        if syllables.is_syllable(w):
            valid += 1
        elif not (syllables._ACRONYM.fullmatch(w) or len(w) == 1):
            invalid += 1
    return valid, invalid


def _vi_share_plain(t: str) -> float:
    good = bad = 0
    for ch in unicodedata.normalize("NFC", t).lower():
        if ch in text.VI_LETTERS:
            good += 1
        elif ch.isalpha() or unicodedata.combining(ch):
            bad += 1
    return good / (good + bad) if good + bad else 0.0


@pytest.mark.parametrize("fast, plain", [(syllables.syllable_stats, _syllables_plain),
                                         (text.vietnamese_share, _vi_share_plain)],
                         ids=["syllable_stats", "vietnamese_share"])
def test_counting_each_distinct_item_once_equals_counting_each_occurrence(
        fast: Callable[[str], object], plain: Callable[[str], object]) -> None:
    big = _real_text()
    garbled = regex.sub(r"[aeiou]", "\u00ef", big[:20000])  # the broken-font look: invalid syllables
    for t in _windows(big, 400, seed=9, longest=3000) + _windows(garbled, 100, seed=10, longest=3000) + [""]:
        assert fast(t) == plain(t)


def test_share_below_with_early_exit_equals_the_full_count() -> None:
    """``syllables.share_below`` stops judging once the page is decided; the answer must be the full
    count's, also for pages near the threshold (part garbled) and on exact boundaries (3 of 5)."""
    big = _real_text()
    rng = random.Random(12)
    words = big.split()
    mixed = " ".join(w + "q" if rng.random() < 0.4 else w for w in words[:6000])  # "vàq": no syllable
    garbled = regex.sub(r"[aeiou]", "\u00ef", big[:20000])
    texts = (_windows(big, 200, seed=13, longest=3000) + _windows(mixed, 400, seed=14, longest=3000)
             + _windows(garbled, 50, seed=15, longest=3000)
             + ["", "ba bốn năm " * 3 + "xqz wkx " * 2, "ba bốn năm UBND HĐND xqz wkx " * 2])
    for t in texts:
        share = syllables.syllable_share(t)
        for limit in (0.6, 0.5, 0.85, 0.6 + 1e-12, 3 / 5):
            assert syllables.share_below(t, limit) == (share is not None and share < limit), (t[:80], limit)


def _needs_ocr_plain(page_texts: list[str]) -> list[int]:
    """``readers.pdf.needs_ocr`` as first written: every character counted."""
    from collections import Counter

    out = []
    for k, page in enumerate(page_texts, start=1):
        kept = "\n".join(ln for ln in page.splitlines() if not pdf._is_stamp(ln))
        counts = Counter(kept)
        letters = sum(n for ch, n in counts.items() if ch.isalpha())
        if (letters < pdf._MIN_LETTERS or text.bad_share(kept, counts) > 0.01
                or text.vietnamese_share(kept, counts) < pdf._MIN_VI_SHARE):
            out.append(k)
    return out


def test_page_checks_from_c_scans_equal_counting_every_character() -> None:
    """``text.letter_counts`` counts ASCII from bytes and judges only the characters that are
    neither ASCII nor Vietnamese letters; ``needs_ocr`` must decide every page as before, and the
    counts must be those of judging each character."""
    import pypdfium2 as pdfium

    pages: list[str] = []
    for f in sorted([*SHARED.glob("pdf/*.pdf"), *SHARED.glob("corpus/*.pdf")]):
        doc = pdfium.PdfDocument(str(f))
        try:
            for i in range(len(doc)):
                tp = doc[i].get_textpage()
                pages.append(tp.get_text_range())
        finally:
            doc.close()
    big = _real_text()
    rng = random.Random(16)
    exotic = ["\u212a", "\u0130", "\u03a3", "\u0301", "\u0323", "\x0b", "\x85", "\x00", "\ud800", "\ufffd",
              "Ж", "ı", "ß", "ǅ", "\u2028", "漢", "Ⅻ", "Ω", "Ä", "ﬁ", "\r\n", "Ký bởi: ", " 08:32:14 "]
    spiced = ["".join(c + rng.choice(exotic) if rng.random() < p else c for c in w)
              for w, p in zip(_windows(big, 300, seed=17, longest=2000), [0.001, 0.01, 0.05, 0.2] * 75, strict=True)]
    texts = pages + _windows(big, 200, seed=18, longest=3000) + spiced + ["", "a" * 39, "a" * 40,
                                                                          unicodedata.normalize("NFD", big[:3000])]
    assert pdf.needs_ocr(texts) == _needs_ocr_plain(texts)
    assert len(pages) > 20 and 0 < len(_needs_ocr_plain(texts)) < len(texts)
    for t in texts:
        t = unicodedata.normalize("NFC", t)
        letters, good, bad = text.letter_counts(t)
        assert letters == sum(ch.isalpha() for ch in t)
        assert (good / (good + bad) if good + bad else 0.0) == text.vietnamese_share(t)


def _strip_marks_plain(t: str) -> str:
    s = "".join(c for c in unicodedata.normalize("NFD", t) if unicodedata.category(c) != "Mn")
    return s.replace("đ", "d").replace("Đ", "D")


def test_strip_marks_judging_distinct_characters_equals_the_per_character_form() -> None:
    for t in [*_windows(_real_text(), 1500, seed=11), "", "a\u0301\u0323", "\u0300x"]:
        assert normalize.strip_marks(t) == _strip_marks_plain(t)
        assert normalize.fold(t) == "".join(c for c in _strip_marks_plain(normalize.clean(t)).casefold()
                                            if c.isalnum())


# --- tasks, agencies (perf-2) -------------------------------------------------------------------
# Each guard skips a grammar when the text lacks a literal every match of it needs. The texts
# below are real text with that literal knocked out: should a grammar ever match without it, the
# guard would drop a task, and the test fails.


def _knocked_out(mark: str, repl: str) -> list[str]:
    """Real lines that print ``mark`` (in any case), with it replaced by ``repl``."""
    lines = [ln for ln in _real_text().splitlines() if mark.lower() in ln.lower()]
    return [regex.sub(regex.escape(mark), repl.replace("\\", r"\\"), ln, flags=regex.IGNORECASE) for ln in lines]


@pytest.mark.parametrize("repl", ["", " ", ";", "："])
def test_no_label_matches_without_its_colon(repl: str) -> None:
    from khparse import tasks
    lines = [ln for ln in _knocked_out(tasks.LABEL_MARK, repl) if tasks.LABEL_MARK not in ln]
    assert len(lines) > 90
    for t in lines:
        for p in [*(label for _, label in tasks.LABELS), tasks.ANY_LABEL]:
            assert p.search(t) is None, (p.pattern, t)


@pytest.mark.parametrize("mark, patterns, repls", [
    ("_CHU_TRI_MARK", ("LEAD_VERB", "_CHU_TRI_ITEM"), ["hu", "h", "hủ"]),
    ("_GIAO_MARK", ("GIAO_RE",), ["giao", "Gia", "GIAO"]),
], ids=["chu_tri", "giao"])
def test_no_assignment_grammar_matches_without_its_literal(mark: str, patterns: tuple[str, ...],
                                                           repls: list[str]) -> None:
    from khparse import tasks
    lit = getattr(tasks, mark)
    for repl in repls:
        if repl == lit:  # decomposed: NFD code points differ from the literal the pattern spells
            repl = unicodedata.normalize("NFD", lit)
        lines = _knocked_out(lit, repl)
        assert len(lines) > 40
        for t in lines:
            if lit in t:
                continue
            for name in patterns:
                assert getattr(tasks, name).search(t) is None, (name, t)


def test_labels_found_with_the_guard_are_the_labels_found_without_it() -> None:
    from khparse import tasks
    hits = 0
    for t in _real_text().splitlines():
        if tasks.LABEL_MARK not in t:
            assert all(tasks._label_value(t, label) is None for _, label in tasks.LABELS)
        else:
            hits += any(tasks._label_value(t, label) is not None for _, label in tasks.LABELS)
    assert hits > 20


def test_canonical_is_idempotent() -> None:
    """``build_agencies`` judges the kind of a canonical name without canonicalising it again."""
    from khparse import agencies
    big = _real_text()
    names = [ln for ln in big.splitlines() if regex.search(r"UBND|UBMT|MTTQ|BHXH|\bVP\b|[Uu]ỷ|oá|uỳ|oà", ln)]
    names += _windows(big, 4000, seed=21, longest=120)
    names += [a for t in _windows(big, 2000, seed=22, longest=400) for a in agencies.split_agencies(t, prose=True)]
    assert len(names) > 5000
    for n in names:
        c = agencies.canonical(n)
        assert agencies.canonical(c) == c, n
        assert agencies.kind_of(n) == agencies._kind_of_canonical(c)


def test_split_agencies_hands_out_a_fresh_list() -> None:
    from khparse import agencies
    first = agencies.split_agencies("Sở Nội vụ, Sở Tài chính")
    first.append("x")
    assert agencies.split_agencies("Sở Nội vụ, Sở Tài chính") == ["Sở Nội vụ", "Sở Tài chính"]


@pytest.mark.parametrize("repl", ["", " ", "–", "."])
def test_no_citation_without_a_number_mark(repl: str) -> None:
    """``references.citations`` starts only from a "/"."""
    from khparse import references
    lines = [ln for ln in _real_text().splitlines() if references.CITATION_RE.search(ln)]
    assert len(lines) > 100
    for ln in lines:
        ln = ln.replace(references.NUMBER_SLASH, repl)
        assert references.CITATION_RE.search(ln) is None, ln


@pytest.mark.parametrize("repl", ["", " ", "[", "（"])
def test_no_short_name_without_a_parenthesis(repl: str) -> None:
    from khparse import references
    lines = [ln for ln in _real_text().splitlines() if references.SHORT_NAME_MARK in ln]
    assert len(lines) > 40
    for ln in lines:
        assert references.SHORT_NAME_RE.search(ln.replace(references.SHORT_NAME_MARK, repl)) is None, ln


def test_tables_classified_by_the_skeleton_are_what_classify_gives() -> None:
    """``tasks`` reuses the classification ``sections`` made of appendix tables."""
    from khparse.readers import read
    from khparse.sections import build_skeleton
    from khparse.tables import classify
    if not SHARED.is_dir():
        pytest.skip("../shared is absent")
    reused = 0
    for p in sorted((SHARED / "pdf").glob("*appendix.*")):
        if p.suffix not in (".pdf", ".docx"):
            continue
        sk = build_skeleton(read(p))
        for k, tt in sk.task_tables.items():
            assert tt == classify(sk.tables[k])
            reused += tt is not None
    assert reused >= 1


def test_a_line_the_inline_splitter_would_cut_always_shows_a_split_cue() -> None:
    from khparse.paragraphs import _INLINE_SPLIT, _SPLIT_CUES

    big = normalize.clean(_real_text())
    lines = big.splitlines() + _windows(big.replace("\n", " "), 4000, seed=12, longest=400)
    cut = 0
    for t in lines:
        if _INLINE_SPLIT.search(t):
            cut += 1
            assert _SPLIT_CUES.search(t), t
    assert cut > 100


def _masked_plain(text: str, start: int) -> str:
    norm = unicodedata.normalize("NFC", text)
    masked = list(norm)
    for m in targets.MASK.finditer(norm):  # the plain pattern: also holds the gate and label finder
        for i in range(*m.span()):
            if norm[i].isdigit():
                masked[i] = "\x00"
    for i in range(min(start, len(masked))):
        if masked[i].isdigit():
            masked[i] = "\x00"
    return "".join(masked)


def test_masking_whole_spans_equals_masking_character_by_character() -> None:
    from khparse.source import Line
    from khparse.structure import Block

    rnd = random.Random(13)
    windows = _windows(_real_text().replace("\n", " "), 3000, seed=13, longest=500)
    for t in [*windows, "Số 30/KH-UBND ngày 30/4/2024", "²³ 12", ""]:
        start = rnd.choice([0, rnd.randrange(len(t) + 1), len(t) + 3])
        got = targets._Text.of(Block.single(t, Line(text=t, line=1)), start).masked
        assert got == _masked_plain(t, start), (t, start)


def _masked_windows(n: int, seed: int) -> list[str]:
    """Real text as ``targets`` reads it for figures (NFC, masks applied), cut at random."""
    from khparse.source import Line
    from khparse.structure import Block

    big = _real_text().replace("\n", " ")
    out = []
    for t in _windows(big, n, seed=seed, longest=500):
        out.append(targets._Text.of(Block.single(t, Line(t, 1, 1, "body"))).masked)
    return out


# Figures with the longest lead a comparator and cue can give, and leads glued to the number.
_LONG_LEADS = ["không nhiều hơn ở mức từ 5% đến 10%", "x  không   thấp hơn   đạt  từ  5 ha", "≥5%",
               "Không vượt quá ở mức 3 lần", "(tối thiểu 2,5%)", "a b c d e f g h i j 1 k l m 2",
               "≥từ 5%", "TỐI THIỂU5%", "(≥ 5%)", "x-trên 5", "xtrên 5", "hơn từ 5", "cao hơn hơn 5",
               "không thấp hơn\n\tđạt\u00a0từ 7 ha", "tối đa~5", ">= 5", "<=5%", "gầntừ 5", "mức 5"]


def test_figures_searched_from_the_lead_of_the_next_digit_equal_finditer() -> None:
    rnd = random.Random(21)
    found = 0
    for t in [*_masked_windows(3000, seed=21), *_LONG_LEADS]:
        for s, e in [(0, len(t)), (rnd.randrange(len(t) + 1), len(t)), (0, rnd.randrange(len(t) + 1))]:
            got = [m.span() for m in targets._figure_matches(t, s, e)]
            assert got == [m.span() for m in targets.FIGURE.finditer(t, s, max(s, e))], (t, s, e)
            found += len(got)
    assert found > 1000


def _paren_spans_plain(text: str, s: int, e: int) -> list[tuple[int, int]]:
    out, depth, ps = [], 0, -1
    for i in range(s, e):
        if text[i] == "(":
            if depth == 0:
                ps = i
            depth += 1
        elif text[i] == ")" and depth:
            depth -= 1
            if depth == 0:
                out.append((ps, i + 1))
    if depth and ps >= 0:
        out.append((ps, e))
    return out


def test_paren_spans_found_by_the_engine_equal_the_character_loop() -> None:
    rnd = random.Random(22)
    texts = [*_windows(_real_text(), 3000, seed=22), "((a) b", ") (x)) (", "(((", ""]
    nested = 0
    for t in texts:
        s = rnd.randrange(len(t) + 1)
        e = rnd.randrange(len(t) + 1)
        assert targets._paren_spans(t, s, e) == _paren_spans_plain(t, s, e), (t, s, e)
        nested += bool(targets._paren_spans(t, 0, len(t)))
    assert nested > 100


def test_a_paragraph_without_a_digit_has_no_figure_even_in_nfd() -> None:
    """``_targets_in_block`` returns at once for a paragraph without a digit: the full pipeline
    finds no figure there either, as printed or decomposed (NFC composes no digit)."""
    from khparse.source import Line
    from khparse.structure import Block

    checked = 0
    for t in _windows(_real_text().replace("\n", " "), 3000, seed=23, longest=400):
        t = regex.sub(r"\d", "", t)
        for form in (t, unicodedata.normalize("NFD", t)):
            tx = targets._Text.of(Block.single(form, Line(form, 1, 1, "body")))
            assert not any(targets._figures(tx, s, e) for s, e in targets._sentences(tx.norm, 0)), form
            checked += 1
    assert checked == 6000


def test_odd_spaces_are_the_spaces_of_the_collapse_grammar_but_the_plain_one() -> None:
    spaces = {chr(c) for c in range(0x110000) if normalize._SPACES.fullmatch(chr(c))}
    assert normalize._ODD_SPACES == spaces - {" "}


def test_collapse_with_its_fast_path_equals_the_substitution() -> None:
    rnd = random.Random(31)
    odd = sorted(normalize._ODD_SPACES)
    texts = _windows(_real_text(), 3000, seed=31)
    texts += ["".join(rnd.choice([" ", "  ", "a", "\n", "b ", *odd]) for _ in range(rnd.randrange(12)))
              for _ in range(3000)]
    for t in texts:
        assert normalize.collapse(t) == normalize._SPACES.sub(" ", t).strip(), repr(t)
