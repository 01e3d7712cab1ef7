"""Speed shortcuts of the section skeleton (issue 5) give exactly what the plain forms they replace
give: ``paragraphs`` (one ``clean`` per document, split cues searched once, per-line grammar facts
worked out once and only for the lines that can match), on real documents of every reader and on
the same lines with characters inserted that the shortcuts' proofs are about (NULs, odd spaces,
stray marks, line breaks inside a line).

Each plain form below is the code the shortcut replaced, kept here verbatim, so a later edit of a
grammar that breaks a shortcut's proof fails here rather than changing outputs.
"""

from __future__ import annotations

import random
import statistics
import unicodedata
from dataclasses import replace
from functools import cache
from itertools import pairwise

import pytest
import regex

from khparse import normalize as N
from khparse import paragraphs as P
from khparse.normalize import clean
from khparse.readers import read
from khparse.source import Line
from khparse.structure import Block
from khparse_helpers import SAMPLES, SHARED

# A text seed, portal exports (flattened headers), Markdown, DOCX (paragraphs layout), a PDF with
# positions and regions, and the PDF with appendix tables.
_DOCS = [
    "seeds/000_07b9a62f9f13f5aa.txt", "seeds/001_d2697e7322ee9a2c.txt",
    "corpus/tvpl-trunc-hcm-kh-4266.json", "corpus/tvpl-trunc-camau-kh-86.json",
    "corpus/ddqh-kh-3260-nq57-2025.md", "corpus/chinhphu-nq-03-nq-cp-2025-ctrhd-nq57.md",
    "corpus/laocai-kh-1105-dkt-vlncn-2026.companion.txt", "corpus/lamdong-kh-ubnd-cchc-2026.docx",
    "pdf/kh-30-bacgiang.pdf", "pdf/kh-30-bacgiang-appendix.pdf", "corpus/lamdong-bc-329-cchc-2025.pdf",
]
# What the proofs are about: NULs (the joined texts' separator), spaces Python's str.strip and the
# engine disagree on (\x1c-\x1f), other odd spaces, marks with nothing to sit on, invisible
# characters, bullets, rule characters, a lone lettered marker.
_ODD = ["\x00", "\x1c", "\x1f", "\t", "\u2028", "\u3000", "\u00a0", "  ", "\u0301", "\u200b", "\ufeff",
        "-", "—", "|", ".", ")", "a)", "II.", "1.1.", ":", " ", "\x85", "Đ", "đ", "(", "“"]


def _lines(rel: str) -> list[Line]:
    path = SHARED / rel
    if not path.exists():
        pytest.skip(f"../shared/{rel} is absent")
    return list(read(path).lines)


@cache
def _all_lines() -> tuple[tuple[str, tuple[Line, ...]], ...]:
    docs = [(rel, tuple(_lines(rel))) for rel in _DOCS]
    docs.append(("sample", tuple(read(next(SAMPLES.glob("*.txt"))).lines)))
    return tuple(docs)


def _mutated(lines: tuple[Line, ...], seed: int) -> list[Line]:
    """The lines with odd characters put at starts, ends and inside, some lines split or joined
    by a line break, and a few blank lines added or dropped (odd seeds: no NULs, so that the
    scans of the texts joined by NULs take their fast path)."""
    rnd = random.Random(seed)
    odd = _ODD if seed % 2 == 0 else [c for c in _ODD if "\x00" not in c]
    out: list[Line] = []
    for ln in lines:
        t = ln.text
        r = rnd.random()
        if r < 0.15:
            t = rnd.choice(odd) + t
        elif r < 0.3:
            t = t + rnd.choice(odd)
        elif r < 0.4 and t:
            k = rnd.randrange(len(t))
            t = t[:k] + rnd.choice(odd) + t[k:]
        elif r < 0.45:
            t = rnd.choice(odd)
        elif r < 0.48:
            t = ""
        out.append(replace(ln, text=t))
    if seed == 2:  # lines of another reader here and there
        out = [replace(ln, origin="docx") if k % 7 == 3 else ln for k, ln in enumerate(out)]
    if seed % 3 == 0 and out:  # a line break inside a line: clean() must run line by line
        k = rnd.randrange(len(out))
        out[k] = replace(out[k], text=out[k].text + "\nxã hội")
    return out


def _cases() -> list[tuple[str, list[Line]]]:
    cases = []
    for rel, lines in _all_lines():
        cases.append((rel, list(lines)))
        cases += [(f"{rel}~{seed}", _mutated(lines, seed)) for seed in range(4)]
    return cases


# --- plain forms (the code before the shortcuts) ------------------------------------------------


def _split_inline_plain(line: Line) -> list[Line]:
    text = line.text
    if len(text) < 8:
        return [line]
    parts: list[str] = []
    last = 0
    for m in P._INLINE_SPLIT.finditer(text):
        parts.append(text[last:m.start()])
        if m.group(0).strip():
            parts.append(m.group(0).strip())
        last = m.end()
    parts.append(text[last:])
    parts = [p.strip() for p in parts if p.strip()]
    if len(parts) <= 1:
        return [line]
    return [replace(line, text=p) for p in parts]


def _logical_lines_plain(lines: list[Line]) -> list[Line]:
    cleaned = [replace(ln, text=clean(ln.text).rstrip()) for ln in lines]
    nonblank = [ln for ln in cleaned if ln.text.strip()]
    blanks = len(cleaned) - len(nonblank)
    if blanks and blanks < 0.6 * len(nonblank):
        marked: list[Line] = []
        gap = False
        for ln in cleaned:
            if not ln.text.strip():
                gap = True
                continue
            marked.append(replace(ln, gap_before=True) if gap and marked else ln)
            gap = False
        nonblank = marked
    out: list[Line] = []
    for ln in nonblank:
        if P.PAGE_NUMBER_RE.match(ln.text) and ln.region == "body":
            continue
        if ln.origin == "docx":
            out.append(ln)
            continue
        out.extend(_split_inline_plain(ln))
    return out


_HYPHEN_NAME_END = regex.compile(r"(?:Lao động|Văn hóa|Văn hoá|Khoa học|Giáo dục|Kinh tế|Chính trị)\s*$")


def _is_hyphen_continuation_plain(prev: str, nxt: str) -> bool:
    m = P._DASH_ITEM.match(nxt)
    if not m or prev.rstrip().endswith((*P._END_PUNCT, ",")):
        return False
    word = m.group(1)
    if word[:1].islower():
        return True
    return _HYPHEN_NAME_END.search(prev) is not None


def _fill(line: Line, wrap: int) -> float:
    return len(line.text.strip()) / max(wrap, 1)


def _short_first_plain(lines: list[Line], wrap: int) -> bool:
    firsts = hits = 0
    for a, b in pairwise(lines):
        if P._DASH_PLUS.match(a.text):
            firsts += 1
            hits += _fill(a, wrap) < 0.55 and P._LOWER_START.match(b.text.strip()) is not None
    return firsts >= 5 and hits / firsts > 0.6


def _continues_plain(prev: Line, nxt: Line, after: Line | None, para_caps: bool, wrap: int,
                     margin: float | None, short_first: bool) -> bool:
    p, n = prev.text.strip(), nxt.text.strip()
    if prev.region != nxt.region or prev.origin != nxt.origin:
        return False
    if P.RULE_RE.match(p) or P.RULE_RE.match(n) or nxt.gap_before:
        return False
    if P._BARE_MARKER.match(p):
        return True
    if P.MARKER_RE.match(n):
        return _is_hyphen_continuation_plain(p, n)
    if p.endswith(":") and P._LOWER_START.match(n):
        return True
    ends_closed = p.endswith(P._END_PUNCT)
    last_word = p.rsplit(" ", 1)[-1]
    if margin is not None and nxt.x0 is not None and nxt.x0 - margin > 0.03:
        return False
    if para_caps and P._CAPS_LINE.match(n) and not ends_closed:
        return True
    if not ends_closed and (p.endswith((",", "-", "–", "(", "/")) or last_word in P._OPEN_WORDS):
        return True
    if not ends_closed and P._LOWER_START.match(n):
        return True
    if (short_first and after is not None and _fill(nxt, wrap) < 0.55 and not P._LOWER_START.match(n)
            and P._LOWER_START.match(after.text.strip()) and not n.endswith(P._END_PUNCT)):
        return False
    if _fill(prev, wrap) >= 0.8:
        return not (ends_closed and para_caps)
    return False


def _build_blocks_plain(lines: list[Line]) -> list[Block]:
    if not lines:
        return []
    wrap = P.wrap_width(lines)
    xs = [ln.x0 for ln in lines if ln.x0 is not None]
    margin = statistics.median_low(sorted(xs)[: max(1, len(xs) // 2)]) if xs else None
    short_first = _short_first_plain(lines, wrap)
    blocks: list[Block] = []
    cur: list[Line] = []
    caps = False

    def flush() -> None:
        if not cur:
            return
        text_parts: list[str] = []
        starts: list[int] = []
        pos = 0
        for ln in cur:
            t = " ".join(ln.text.split())
            if text_parts:
                pos += 1
            starts.append(pos)
            text_parts.append(t)
            pos += len(t)
        blocks.append(Block(" ".join(text_parts), list(cur), starts))

    for i, ln in enumerate(lines):
        after = lines[i + 1] if i + 1 < len(lines) else None
        if cur and _continues_plain(cur[-1], ln, after, caps, wrap, margin, short_first):
            cur.append(ln)
            continue
        flush()
        cur = [ln]
        caps = P._CAPS_LINE.match(ln.text.strip()) is not None and len(ln.text.strip()) > 3
    flush()
    return blocks


# --- the tests -----------------------------------------------------------------------------------


def test_cleaning_the_joined_lines_equals_cleaning_each_line() -> None:
    for name, lines in _cases():
        texts = [ln.text for ln in lines]
        assert P._clean_texts(texts) == [clean(t).rstrip() for t in texts], name
    assert P._clean_texts([]) == []
    assert P._clean_texts(["a\u0301", "\u0301b", "\u200b", "x\ny"]) == ["á", "b", "", "x\ny"]


def test_lines_not_in_nfc_are_cleaned_each_on_its_own_as_the_rest() -> None:
    # the PDF's text layer has a decomposed letter; here every document gets some, in NFD whole
    # lines, lone marks, marks after invisible characters and spaces, and only such lines
    nfd_seen = 0
    for name, lines in _cases():
        rnd = random.Random(name)
        texts = [ln.text for ln in lines]
        for k in rnd.sample(range(len(texts)), min(len(texts), 9)):
            texts[k] = rnd.choice([unicodedata.normalize("NFD", texts[k]), texts[k] + "\u0301",
                                   "\u200b\u0323" + texts[k], texts[k] + "a\u200b\u0301\u0323", "\u0301 e\u0302\u0301"])
        nfd_seen += not unicodedata.is_normalized("NFC", "\n".join(texts))
        assert P._clean_texts(texts) == [clean(t).rstrip() for t in texts], name
    assert nfd_seen > 20
    odd = ["e\u0302\u0301", "\u0301", "a\u200b\u0301", "Ho\u0300a"]
    assert P._clean_texts(odd) == ["ế", "", "á", "Hòa"] == [clean(t) for t in odd]


def test_logical_lines_equal_the_plain_form() -> None:
    split = 0
    for name, lines in _cases():
        fast, plain = P.logical_lines(lines), _logical_lines_plain(lines)
        assert fast == plain, name
        split += len(plain) - len([ln for ln in lines if clean(ln.text).strip()])
    assert split > 0  # some flattened lines were cut


def test_split_cue_lines_hold_every_line_with_a_cue_of_its_own() -> None:
    for name, lines in _cases():
        texts = [t for t in (clean(ln.text).rstrip() for ln in lines) if t]
        own = {k for k, t in enumerate(texts) if P._SPLIT_CUES.search(t)}
        assert own <= P._cue_lines(texts), name
        # and the cue still guards the splitter: a line it would cut shows a cue
        for t in texts:
            if P._INLINE_SPLIT.search(t):
                assert P._SPLIT_CUES.search(t), t


def test_a_cue_at_the_start_of_the_line_after_a_cue_is_found() -> None:
    texts = ["Số: 30/KH", "CỘNG HÒA", "phúc x", "---", "x II.", "x 1. A", ", ngày 3", "năm 2024 KẾ HOẠCH", "CỘNG"]
    assert P._cue_lines(texts) == set(range(len(texts)))
    assert P._cue_lines(["a", "b II.", "c"]) == {1}
    assert P._cue_lines(["CỘNG x", "CỘNG y", "x II.", "y I. A", "Số:", "Số:"]) == set(range(6))
    assert P._cue_lines([]) == set()


def test_line_facts_equal_their_grammars() -> None:
    for name, lines in _cases():
        # an empty text, and a bullet as the last line (short_first looks at the line after)
        lines = [ln for ln in lines if ln.text.strip()] + [replace(lines[0], text=t) for t in ("", "- x")]
        j = P._Joiner(lines)
        texts = [ln.text.strip() for ln in lines]
        assert j.rule == {i for i, t in enumerate(texts) if P.RULE_RE.match(t)}, name
        assert j.marker == {i for i, t in enumerate(texts) if P.MARKER_RE.match(t)}, name
        assert j.bare == {i for i, t in enumerate(texts) if P._BARE_MARKER.match(t)}, name
        assert ({i for i, t in enumerate(texts) if t[:1] in j.lower_chars}
                == {i for i, t in enumerate(texts) if P._LOWER_START.match(t)}), name
        assert j.caps == {i for i, t in enumerate(texts) if P._CAPS_LINE.match(t)}, name
        assert j.firsts == [t[:1] for t in texts]
        assert j.wrap == P.wrap_width(lines)
        assert j.short_first == _short_first_plain(lines, j.wrap), name


def test_build_blocks_equal_the_plain_form() -> None:
    joined = 0
    for name, lines in _cases():
        logical = _logical_lines_plain(lines)
        fast, plain = P.build_blocks(logical), _build_blocks_plain(logical)
        assert fast == plain, name
        joined += len(logical) - len(plain)
    assert joined > 1000


def test_every_space_of_str_split_but_the_plain_one_is_unprintable() -> None:
    # build_blocks keeps a stripped text as is when it is printable and has no double space
    for c in map(chr, range(0x110000)):
        if c.isspace() and c != " ":
            assert not c.isprintable(), hex(ord(c))


@pytest.mark.parametrize("text", ["a  b", "a\tb", "a\u3000b", "a\x1cb", "a b", "ab", "a \u2028 b", "Sở Nội vụ"])
def test_a_text_kept_as_is_is_its_split_join(text: str) -> None:
    if "  " not in text and text.isprintable():
        assert " ".join(text.split()) == text
    else:
        assert text in ("a  b", "a\tb", "a\u3000b", "a\x1cb", "a \u2028 b")


def test_closing_lines_start_as_split_regions_expects() -> None:
    from khparse import sections as S

    seen = 0
    texts = [ln.text for _, lines in _cases() for ln in lines] + ["  Nơi nhận:", "\x1cTM. ỦY BAN", " KT. CHỦ TỊCH"]
    for t in texts:
        if S.CLOSING_RE.match(t) or S._NOI_NHAN.match(t):
            seen += 1
            assert t.startswith(S._CLOSING_OPENINGS) or t[:1].isspace(), t
    assert seen > 20


def test_the_joined_scans_take_their_fast_path_on_texts_without_nuls() -> None:
    fast = 0
    for name, lines in _cases():
        j = P._Joiner([ln for ln in lines if ln.text.strip()])
        fast += not j._own_nuls
        assert j._own_nuls == any("\x00" in t for t in j.texts), name
    assert fast > 20


def _clean_plain(text: str) -> str:
    if regex.search("[\u200b\u200c\u200d\u2060\ufeff\u00ad]", text):
        text = text.translate(N._INVISIBLE)
    text = N.nfc(text)
    text = text.replace("\u00a0", " ")
    if N._ANY_MARK.search(text):
        text = N._STRAY_MARKS.sub("", text)
    return text


def test_clean_equals_its_plain_form() -> None:
    seen = 0
    for name, lines in _cases():
        rnd = random.Random(name)
        texts = [ln.text for ln in lines]
        texts += [t[:k] + rnd.choice(N._INVISIBLE_CHARS) + t[k:] for t in texts[:50] for k in [rnd.randrange(len(t) + 1)]]
        for t in [*texts, "\n".join(texts)]:
            seen += t != clean(t)
            assert clean(t) == _clean_plain(t), name
    assert seen > 100


def test_hyphen_continuation_equals_its_plain_form_on_stripped_texts() -> None:
    dashed = 0
    extra = ["Sở Lao động", "Sở Văn hóa", "Sở Khoa học,", "- Thương binh", "- xã hội", "– Thể thao", "-\tx", "- ", "-"]
    for name, lines in _cases():
        texts = [t for t in (ln.text.strip() for ln in lines) if t] + extra
        for p, n in [*pairwise(texts), *((a, b) for a in extra for b in extra)]:
            fast = P._is_hyphen_continuation(p, n)
            assert fast == _is_hyphen_continuation_plain(p, n), (name, p, n)
            dashed += fast
    assert dashed > 50


def test_spaced_texts_equal_split_and_join() -> None:
    for name, lines in _cases():
        texts = [ln.text.strip() for ln in lines]
        assert P._spaced(texts) == [" ".join(t.split()) for t in texts], name
        texts = [t for t in texts if t]
        assert P._spaced(texts) == [" ".join(t.split()) for t in texts], name



def test_spaced_texts_are_the_texts_themselves_when_all_are_spaced() -> None:
    texts = ["a b", "c", "Sở Nội vụ"]
    assert P._spaced(texts) is texts  # build_blocks then takes the texts' offsets for the parts'
    assert P._spaced(["a b", "c\td"]) == ["a b", "c d"]
    assert P._spaced(["a", "", "b"]) == ["a", "", "b"]


def test_appendix_lines_hold_the_word_split_regions_looks_for() -> None:
    from khparse import sections as S

    seen = 0
    texts = [ln.text for _, lines in _cases() for ln in lines] + ["PHỤ LỤC", " Phụ lục số 02", "\tPHỤ  LỤC II: x"]
    for t in texts:
        if S.APPENDIX_LINE_RE.match(t.strip()):
            seen += 1
            assert "PHỤ" in t or "Phụ" in t, t
    assert seen > 5


def _marker_plain(block: Block) -> object:
    from khparse import sections as S

    m = P.MARKER_RE.match(block.text)
    if not m:
        return None
    for kind in ("appendix", "roman", "dotted", "arabic", "letter"):
        if m.group(kind):
            return S._Marker(kind, m.group(kind), m.end())
    return None


def test_block_markers_equal_the_plain_form() -> None:
    from khparse import sections as S

    kinds: set[str] = set()
    extra = ["PHỤ LỤC II x", "Phụ lục", "Phụ lục số 3: x", "IV. MỤC", "1.2. Tăng", "1. Mục", "a) x", "b. Xx", "- x", "• y"]
    for name, lines in _cases():
        blocks = P.build_blocks(_logical_lines_plain(lines)) + [Block.single(t, lines[0]) for t in extra]
        for b in blocks:
            fast = S._marker(b)
            assert fast == _marker_plain(b), (name, b.text[:40])
            kinds.add(fast.kind if fast else "")
    assert kinds == {"", "appendix", "roman", "dotted", "arabic", "letter"}


def _split_heading_plain(text: str) -> tuple[str, str]:
    from khparse import sections as S

    b = S._RUN_IN_BULLET.search(text)
    if b and b.start() <= 60 and not S._HEADING_PUNCT.search(text[: b.start()]) \
            and not S._HYPHEN_NAME_END.search(text[: b.start()]) and ":" not in text[b.end(): b.end() + 30]:
        return text[: b.start()].strip().rstrip(":.; "), text[b.start():].strip()
    m = S._SENTENCE_END.search(text)
    if m is None:
        head, rest = text, ""
    else:
        head, rest = text[: m.start()], text[m.end():]
    return head.strip().rstrip(":.; ").strip(), rest.strip()


def test_split_heading_equals_its_plain_form() -> None:
    from khparse import sections as S

    run_in = 0
    extra = ["Mục đích - Triển khai thực hiện", "Mục đích – Xây dựng", "Yêu cầu + Bảo đảm", "Mục đích\t- Tăng cường"]
    for name, lines in _cases():
        for b in [*P.build_blocks(_logical_lines_plain(lines)), *(Block.single(t, lines[0]) for t in extra)]:
            for text in (b.text, b.text[4:]):
                assert S.split_heading(text) == _split_heading_plain(text), (name, text[:60])
                run_in += S._RUN_IN_BULLET.search(text) is not None
    assert run_in > 20
