"""Is this a Vietnamese syllable? Orthography (onset + rhyme + tone), not a word list.

Used to judge text that came out of a machine: a PDF text layer decoded with the wrong font
map (``glyphs``), a legacy-encoded file read as Windows-1252 (``legacy``), an OCR line end
(``ocr``). Real Vietnamese prose is >90 % valid syllables once acronyms are set aside; the
garbage these produce ("KӃ KRҥFK", "Kª ho¹ch") is mostly invalid.

A syllable is written onset? + rhyme, with at most one tone mark (sắc, huyền, hỏi, ngã, nặng).
Rhymes ending in a stop (-c, -ch, -p, -t) take only sắc or nặng.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from functools import lru_cache

from ..grammar_cache import rx
from ..words import split_words
from .text import VI_LETTERS

# Tone marks as combining characters (NFD): sắc, huyền, hỏi, ngã, nặng.
TONES = {"\u0301": "sac", "\u0300": "huyen", "\u0309": "hoi", "\u0303": "nga", "\u0323": "nang"}

# Onsets, longest first so "ngh" wins over "ng" and "n".
ONSETS = ("ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "th", "tr", "qu",
          "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x")

# Every toneless rhyme of standard orthography (medial + nucleus + coda), by nucleus.
_RHYMES = """
a ai ao au ay ac ach am an ang anh ap at
ăc ăm ăn ăng ăp ăt
âc âm ân âng âp ât âu ây
e eo ec em en eng ep et
ê êch êm ên ênh êp êt êu
i ia ich im in inh ip it iu iêc iêm iên iêng iêp iêt iêu
y yêm yên yêt yêu
o oa oac oach oai oam oan oang oanh oao oap oat oay oăc oăm oăn oăng oăt
oc oe oen oeo oet oi om on ong op ot ooc oong
ô ôc ôi ôm ôn ông ôp ôt
ơ ơi ơm ơn ơp ơt
u ua uân uâng uât uây uc uê uêch uênh ui um un ung up ut uy uya uych uyên uyêt uynh uyt uyu
uôc uôi uôm uôn uông uôt uơ
ư ưa ưc ưi ưm ưn ưng ưt ưu ươc ươi ươm ươn ương ươp ươt ươu
""".split()
RHYMES = frozenset(_RHYMES)
STOP_CODAS = ("c", "ch", "p", "t")
_ONSET_SET = frozenset(ONSETS)
assert {len(o) for o in ONSETS} <= {1, 2, 3}  # is_syllable tries prefixes of these lengths
_FRONT = ("i", "e", "ê", "y")  # vowels after which k/gh/ngh are written

_WORD = rx(r"[\p{L}\p{M}]+")
_ACRONYM = rx(r"[A-ZĐ]{1,8}")


def _letter_parts() -> dict[str, tuple[str, str]]:
    """Each lower-case letter of the alphabet (``text.VI_LETTERS``, precomposed) -> (its letter
    without tone, tone): what ``is_syllable``'s NFD split gives for it, worked out by that split."""
    parts = {}
    for c in VI_LETTERS:
        nfd = unicodedata.normalize("NFD", c)
        tones = [m for m in nfd if m in TONES]
        base = unicodedata.normalize("NFC", "".join(m for m in nfd if m not in TONES))
        if len(base) == 1 and not unicodedata.combining(base) and len(tones) <= 1:
            parts[c] = (base, tones[0] if tones else "")
    return parts


_PARTS = _letter_parts()
_LETTERS = frozenset(_PARTS)
_UNTONED = str.maketrans({c: b for c, (b, _t) in _PARTS.items()})
_TONE_ONLY = str.maketrans({c: (t or None) for c, (_b, t) in _PARTS.items()})


@lru_cache(maxsize=65536)
def is_syllable(word: str) -> bool:
    """True if ``word`` (any case, NFC or NFD) is a well-formed Vietnamese syllable."""
    if not word or len(word) > 8:
        return False
    low = word.lower()
    if _LETTERS.issuperset(low):
        # Letters of the alphabet only (NFC, nearly every word): each one splits on its own into a
        # letter and at most one tone (a letter starts each NFD sequence, so no mark moves or
        # composes across letters), so two translations give what the NFD split below gives.
        tones = low.translate(_TONE_ONLY)
        if len(tones) > 1:
            return False
        base = low.translate(_UNTONED)
    else:
        nfd = unicodedata.normalize("NFD", low)
        tone_marks = [c for c in nfd if c in TONES]
        if len(tone_marks) > 1:
            return False
        tones = tone_marks[0] if tone_marks else ""
        base = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in TONES))
        if any(unicodedata.combining(c) for c in base):
            return False  # a mark that no Vietnamese letter carries
    tone = TONES[tones] if tones else "ngang"
    # the onsets ``base`` starts with, longest first as in ONSETS (at most one of each length)
    for n in (3, 2, 1, 0):
        onset = base[:n]
        if len(onset) != n or (n and onset not in _ONSET_SET):
            continue
        rhyme = base[n:]
        if onset == "gi" and rhyme == "":
            rhyme = "i"  # gì, gỉ
        if _rhyme_ok(onset, rhyme, tone):
            return True
    return False


def _rhyme_ok(onset: str, rhyme: str, tone: str) -> bool:
    if rhyme not in RHYMES:
        return False
    if rhyme.endswith(STOP_CODAS) and tone not in ("sac", "nang"):
        return False
    first = rhyme[0]
    if onset == "qu":
        return first not in "uưo"
    if onset in ("k", "gh", "ngh"):
        return first in _FRONT
    if onset == "c":
        return first not in _FRONT
    if onset in ("g", "ng") and first in ("e", "ê"):
        return False
    if onset == "gi" and first == "i":
        return False
    if onset == "" and rhyme.startswith("i") and rhyme[1:2] == "ê":
        return False  # iên with no onset is written yên
    if first == "y" and rhyme.startswith("yê") and onset not in ("", "qu"):
        return False
    return True


def syllable_stats(text: str) -> tuple[int, int]:
    """(valid, invalid) syllable counts. Upper-case tokens (acronyms: UBND, VLNCN, HĐND) and
    single letters (list markers "a", "b") are neither, so an acronym-heavy header does not look like garbage.

    Each distinct word is judged once (a page repeats its words: ~5x fewer judgements)."""
    valid = invalid = 0
    for w, n in Counter(_words(text)).items():
        verdict = _judge(w)
        if verdict > 0:
            valid += n
        elif verdict < 0:
            invalid += n
    return valid, invalid


def _words(text: str) -> list[str]:
    """``_WORD.findall(text)``, by C string operations where they give the same (``words``)."""
    words = split_words(text)
    return _WORD.findall(text) if words is None else words


@lru_cache(maxsize=65536)
def _judge(w: str) -> int:
    """1: a Vietnamese syllable; 0: not judged (an acronym, a single letter); -1: not a syllable."""
    if is_syllable(w):
        return 1
    if _ACRONYM.fullmatch(w) or len(w) == 1:
        return 0
    return -1


def share_below(text: str, share: float) -> bool:
    """``syllable_share(text)`` is not None and below ``share``, judging only as many words as it takes.

    Why: the PDF reader asks this of every page (is the text layer garbage?) and the answer is
    nearly always settled by the commonest words: judged most frequent first, the page is decided
    once its worst case (every word still unjudged invalid) is at least ``share``, or its best case
    (all of them valid) is below it. Each bound is the share of a possible final count and float
    division is monotone, so the answer is exactly the full count's; a clean 12-page plan judges
    ~300 distinct words instead of ~900.
    """
    counts = Counter(_words(text))
    valid = invalid = 0
    rest = sum(counts.values())
    for w, n in sorted(counts.items(), key=lambda kv: -kv[1]):  # stable: ties in text order
        verdict = _judge(w)
        rest -= n
        if verdict > 0:
            valid += n
        elif verdict < 0:
            invalid += n
        else:
            continue
        total = valid + invalid + rest
        if valid >= 10 and valid / total >= share:
            return False
        if valid + invalid >= 10 and (valid + rest) / total < share:
            return True
    return valid + invalid >= 10 and valid / (valid + invalid) < share


def syllable_share(text: str) -> float | None:
    """Share of valid syllables among judged words, or None when there are fewer than 10."""
    valid, invalid = syllable_stats(text)
    if valid + invalid < 10:
        return None
    return valid / (valid + invalid)
