"""The speed shortcuts of the metadata (issue 5): ``header._bigram_cases`` (a ``str.find`` per
wanted pair in the flat text of ``_flat_words``, made by C string operations) gives exactly the dict of the plain form it replaced
(``_bigram_cases_plain``, one engine search per block), on every text of ../shared/corpus and the
seeds, on those texts with odd characters inserted, and on hand-made texts that would break a
wrong shortcut (pairs across punctuation and blocks, capitals, marks and NFD text, Greek sigma,
dotted capital I, letters newer than Python's Unicode tables, overlapping pairs, the flat text's
own gap and block letters).

The character facts the shortcut's proof rests on are checked over every code point, so a new
Python or ``regex`` release that breaks one fails here rather than changing outputs.
"""

from __future__ import annotations

import functools
import random
import unicodedata

import pytest
import regex

from khparse import header as H
from khparse.errors import KhparseError
from khparse.readers import read
from khparse.sections import build_skeleton
from khparse.source import Line
from khparse.structure import Block, Node, Skeleton
from khparse.words import OTHER_GAPS
from khparse_helpers import SAMPLES, SHARED

_CLASS = regex.compile(r"[\p{L}\p{M}]")  # one character of ``_WORD``
_LETTER = regex.compile(r"\p{L}")

# What the proof is about: punctuation and digits against words, block ends, capitals, marks with
# and without a base, NFD text, Greek sigma (final or not), dotted capital I, odd spaces, numerals
# that are not digits, a letter Python 3.11 does not know (U+0858 is \p{L} to ``regex`` only).
_ODD = ["\x00", ",", "-", "/", "(", ")", "“", "”", "…", "1", "²", "Ⅻ", "½", "_", "\u0301", "\u0323",
        "Σ", "ς", "İ", "ı", "\u00a0", "\u2028", "\x1c", "\t", "\u200b", "ǅ", "\u0858", "ﬁ", "ß", "Ω"]
_EDGE = [
    "ban, nhân dân; Ban-Nhân (Dân) ban/nhân “ban” nhân…dân 2024ban nhân2024 ban_nhân",
    "ỦY BAN NHÂN DÂN tỉnh Bắc Giang ỦY Ban Nhân DÂN ủy ban nhân dân Ủy ban",
    unicodedata.normalize("NFD", "Ủy ban nhân dân tỉnh Bắc Giang, Tổ quốc"),
    "\u0301ban \u0301nhân ban\u0301 nhân", "ΟΔΟΣ.Α ΟΔΟΣ Α οδος α Σ", "İSTANBUL İstanbul istanbul",
    "ban\u00a0nhân ban\u2028nhân ban\x1cnhân ban\tnhân", "ban ² nhân ban½nhân ban Ⅻ nhân",
    "ban\u0858nhân \u0858 ban", "ǅban ﬁnhân ßtrung ương", "nq/tw NQ/TW 42-NQ/TW Nq-Tw", "", "ban", "nhân",
    # overlapping hits: a pair repeated, a pair of one word, a second word that begins the first
    "ban nhân ban nhân Ban Nhân ban nhân", "xã xã xã Xã xã", "thành thà thành thà Thành Thà",
    "ban“nhân” ban—nhân ban×nhân ban\xadnhân ban\ufeffnhân ban‡nhân ban\x00nhân",
    "ban ǂ nhân banǂnhân ban ǁ nhân banǁnhân", "ban \ud800 nhân", "ΑΣ ΟΔΟΣ Α σ ς Σ",
]


def _docs() -> list[tuple[str, Skeleton]]:
    return list(_skeletons())


@functools.cache
def _skeletons() -> tuple[tuple[str, Skeleton], ...]:
    if not SHARED.is_dir():
        pytest.skip("../shared is absent")
    files = sorted(p for p in (SHARED / "corpus").iterdir() if p.suffix != ".tsv")
    files += sorted((SHARED / "seeds").glob("*.txt")) + sorted(SAMPLES.iterdir())
    out = []
    for p in files:
        try:
            out.append((p.name, build_skeleton(read(p, None, ocr="never"))))
        except KhparseError:
            pass  # a legacy .doc without a converter, a scan without OCR: nothing to parse
    return tuple(out)


def _texts(sk: Skeleton) -> list[str]:
    return [b.text for b in list(sk.preamble) + [b for node in sk.nodes() for b in [node.head, *node.body]]]


def _fake(texts: list[str]) -> Skeleton:
    """A skeleton with ``texts`` as its blocks (all ``_bigram_cases`` reads): the first the preamble,
    each other the head of a section of its own."""
    blocks = [Block.single(t, Line(t, k, None, "text")) for k, t in enumerate(texts, 1)]
    roots = [Node(str(k), 1, str(k), "", "arabic", b) for k, b in enumerate(blocks[1:], 1)]
    return Skeleton(header=[], title_lines=[], preamble=blocks[:1], roots=roots, closing=[], tables=[])


def _wanted(sk: Skeleton) -> set[tuple[str, str]]:
    """The pairs ``extract_metadata`` asks for."""
    title = H._title(sk)
    return H._pairs(H._issuer(sk.header), title if title and H._title_was_caps(sk) else None,
                    H._signer(sk.closing).on_behalf_of)


def _plain_words(texts: list[str]) -> list[str]:
    """The engine's words of each text, a ``_BLOCK`` word between texts."""
    words: list[str] = []
    for k, t in enumerate(texts):
        words += ([H._BLOCK] if k else []) + H._WORD.findall(t)
    return words


def _mutated(texts: list[str], seed: int) -> list[str]:
    rnd = random.Random(seed)
    out = []
    for t in texts:
        for _ in range(rnd.randrange(3)):
            k = rnd.randrange(len(t) + 1)
            t = t[:k] + rnd.choice(_ODD) + t[k:]
        out.append(t)
    return out


def _gap(c: str) -> bool:
    """Whether ``_flat_words`` cuts at ``c``."""
    return (c.isascii() and not c.isalpha()) or c in OTHER_GAPS or c.isspace()


def _flat_plain(texts: list[str]) -> tuple[str, str]:
    """What ``_flat_words`` must give, from the engine's words."""
    words = _plain_words(texts)
    flat = H._GAP + H._GAP.join(words) + H._GAP
    return flat, H._GAP + H._GAP.join(w.lower() for w in words) + H._GAP


def _check(texts: list[str], wanted: set[tuple[str, str]] | None = None) -> bool:
    """Fast == plain on ``texts`` as blocks, for ``wanted`` or else every pair they hold; whether
    the shortcut (not the plain form) ran."""
    sk = _fake(texts)
    if wanted is None:
        wanted = H._pairs(*texts)
    fast, plain = H._bigram_cases(sk, wanted), H._bigram_cases_plain(sk, wanted)
    assert fast == plain, texts[:3]  # as dicts: recase only looks pairs up
    flat = H._flat_words(texts)
    if flat is not None:
        assert flat == _flat_plain(texts), texts[:3]
        assert H._count_needles(*flat, wanted) == _plain_counts(texts, wanted), texts[:3]
        return True
    # the plain form only for the texts the proof leaves out
    joined = "".join(texts)
    assert "İ" in joined or H._GAP in joined or H._BLOCK in joined or any(
        not c.isalpha() and not _gap(c) for c in joined), texts[:3]
    return False


def _plain_counts(texts: list[str], wanted: set[tuple[str, str]]) -> dict[tuple[str, str], dict[tuple[str, str], int]]:
    counts: dict[tuple[str, str], dict[tuple[str, str], int]] = {}
    for t in texts:
        words = H._WORD.findall(t)
        H._count_pairs(words, [w.lower() for w in words], wanted, counts)
    return counts


def test_bigram_cases_equal_the_plain_form_on_every_document() -> None:
    shortcut = counted = 0
    for name, sk in _docs():
        wanted = _wanted(sk)
        fast, plain = H._bigram_cases(sk, wanted), H._bigram_cases_plain(sk, wanted)
        assert fast == plain, name
        counted += len(plain)
        shortcut += _check(_texts(sk))  # every pair of the body, not only the wanted ones
        _check(_texts(sk), wanted)
    assert shortcut > 20 and counted > 200


def test_bigram_cases_equal_the_plain_form_on_random_windows() -> None:
    # windows of real documents cut anywhere (mid-word too), some capitalised, as blocks
    rnd = random.Random(11)
    docs = _docs()
    for _ in range(300):
        texts = _texts(rnd.choice(docs)[1])
        k = rnd.randrange(len(texts))
        window = [t[rnd.randrange(len(t) + 1):] for t in texts[k:k + rnd.randrange(1, 6)]]
        if rnd.random() < 0.3:
            window = [t.upper() if rnd.random() < 0.5 else t.title() for t in window]
        _check(window)


def test_bigram_cases_equal_the_plain_form_on_mutated_documents() -> None:
    fallback = 0
    for _, sk in _docs():
        texts = _texts(sk)
        for seed in range(3):
            fallback += not _check(_mutated(texts, seed))
    assert fallback > 10  # the odd characters include those the proof leaves out


@pytest.mark.parametrize("text", _EDGE)
def test_bigram_cases_equal_the_plain_form_on_edge_cases(text: str) -> None:
    _check([text])
    _check([text, text])  # and across a block boundary
    _check(text.split(" "))  # each word a block: no pair at all
    _check([text + "ban", "nhân" + text])


def test_the_characters_of_the_flat_text() -> None:
    # the gaps are no part of a word; the flat text's gap and block letters are letters without
    # case, so a word's lower case in it is its lower case alone (Σ sees them as word ends)
    for c in OTHER_GAPS + "".join(map(chr, range(128))):
        if not c.isalpha():
            assert not _CLASS.match(c) and _gap(c), repr(c)
    for c in OTHER_GAPS:
        assert not c.isascii() and len(c.encode()) > 1
    for c in (H._GAP, H._BLOCK):
        assert c.isalpha() and _LETTER.match(c) and c.lower() == c.upper() == c and not c.isupper()
        for w in ("ΟΔΟΣ", "Σ", "ΑΣΑ", "ΣΑ", "Α\u0301Σ"):
            assert (c + w + c + w + c).lower() == c + w.lower() + c + w.lower() + c, w
    assert H._flat_words(["ban nhân", "ǂ"]) is None and H._flat_words(["ǁ"]) is None


def test_pairs_do_not_span_blocks() -> None:
    sk = _fake(["Ủy ban", "Nhân dân"])
    assert H._bigram_cases(sk, {("ban", "nhân")}) == {}
    assert H._bigram_cases(_fake(["Ủy ban, Nhân dân"]), {("ban", "nhân")}) == {("ban", "nhân"): ("ban", "Nhân")}
    assert H._bigram_cases(_fake(["BAN NHÂN, ban nhân"]), {("ban", "nhân")}) == {("ban", "nhân"): ("ban", "nhân")}


def test_the_character_facts_of_the_proof_hold_for_every_code_point() -> None:
    chars = [chr(i) for i in range(0x110000) if not 0xD800 <= i < 0xE000]
    for c in chars:
        low = c.lower()
        if c.isalpha():  # an all-letter token is one word of _WORD
            assert _LETTER.match(c), hex(ord(c))
        if c.isspace():  # words never span the tokens of str.split
            assert not _CLASS.match(c), hex(ord(c))
        if len(low) != 1:  # the only lower case of another length: the length test catches it
            assert c == "İ", hex(ord(c))
            continue
        # the lowered text splits into the lowered tokens, their words at the same places
        assert c.isspace() == low.isspace() and c.isalpha() == low.isalpha(), hex(ord(c))
        assert bool(_CLASS.match(c)) == bool(_CLASS.match(low)), hex(ord(c))
    # lowering a text lowers each character alone, but for Σ (final sigma)
    plain = [c for c in chars if c not in "Σİ"]
    rnd = random.Random(5)
    for _ in range(3):
        rnd.shuffle(plain)
        for k in range(0, len(plain), 4096):
            s = "".join(plain[k:k + 4096])
            assert s.lower() == "".join(c.lower() for c in s)
    # why the flat text joins its words by caseless letters, not by a space or punctuation
    assert "ΟΔΟΣ.Α".lower() != "".join(w.lower() for w in ("ΟΔΟΣ", ".", "Α"))


