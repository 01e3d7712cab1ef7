"""Text normalisation *for matching*. Output text stays as printed; these helpers give the
forms that grammars and comparisons run on."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from functools import lru_cache

import regex

from .grammar_cache import rx

# ``str.lower``, called through this name by every module that mypyc compiles (setup.py): there
# ``s.lower()`` is mypyc's own case mapping, which before Python 3.13 lowers every "Σ" to "σ"
# where ``str.lower`` makes a word-final one "ς"; a call of this name is always CPython's.
# (tests/test_compiled.py holds the compiled modules to it.)
lower: Callable[[str], str] = str.lower

# Old-style tone placement ("hoá", "uỷ", "khoẻ") vs new style ("hóa", "ủy", "khỏe"): both occur in
# one document (001 writes "Văn hoá" and "văn hóa"); matching must treat them as one spelling.
_OLD_TONE = {
    "oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oè": "òe", "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}
_OLD_TONE.update({k.capitalize(): v.capitalize() for k, v in list(_OLD_TONE.items())})
_OLD_TONE.update({k.upper(): v.upper() for k, v in list(_OLD_TONE.items())})
# Only at the end of a syllable: "hoàn" keeps its "oà" (tone on a), "thuở"… unaffected.
# After "qu" the "u" is part of the onset ("Quý", "quỹ"): only the tone of a rhyme moves.
_OLD_TONE_RE = rx(r"(?<![\p{L}])((?i:qu)?)([\p{L}]*?)(" + "|".join(_OLD_TONE) + r")(?![\p{L}])")

# Characters PDFs and portals put into text that never carry meaning.
_INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_INVISIBLE = dict.fromkeys(map(ord, _INVISIBLE_CHARS), None)
# Whether a text holds one is asked as six substring searches (memchr-fast, ~0.3 ns a character)
# rather than by the engine's scan for the class of them (~8 ns): ``clean`` runs on whole documents.
_SPACES = rx(r"[\p{Zs}\t]+")
# The characters of _SPACES other than the plain space (Unicode's Zs, held equal by a test):
# text without them and without a double space is already collapsed.
_ODD_SPACES = frozenset("\t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
                        "\u200a\u202f\u205f\u3000")
# Combining marks with no letter to sit on (compiled once: ``clean`` runs on every line).
_STRAY_MARKS = rx(r"(?<![\p{L}])\p{Mn}+")
# Any combining mark at all: after NFC a Vietnamese line rarely has one, so the lookbehind scan
# above (tried at every position) runs only on lines that need it.
_ANY_MARK = rx(r"\p{Mn}")
# What ``fold_spaced`` turns into one space: every run of non-letters, non-digits.
_NON_ALNUM = rx(r"[^\p{L}\p{N}]+")
# Words ``sentence_case`` keeps as printed: Roman numerals ("XIII", "IV,"), numbers and codes ("42-NQ/TW").
_ROMAN_WORD = rx(r"[IVXLCDM]+[,.;:]?")
_CODE_WORD = rx(r"\d|/")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def clean(text: str) -> str:
    """NFC, invisible characters dropped, odd spaces made plain: the form grammars run on."""
    if any(map(text.__contains__, _INVISIBLE_CHARS)):  # translate() looks up every character: only when needed
        text = text.translate(_INVISIBLE)
    text = nfc(text)
    text = text.replace("\u00a0", " ")
    # stray combining marks left alone after NFC (PDF artefacts) are dropped
    if _ANY_MARK.search(text):
        text = _STRAY_MARKS.sub("", text)
    return text


def collapse(text: str) -> str:
    if "  " not in text and _ODD_SPACES.isdisjoint(text):
        return text.strip()  # every run of spaces is one plain space already (most calls)
    return _SPACES.sub(" ", text).strip()


@lru_cache(maxsize=8192)
def new_tone(text: str) -> str:
    """Rewrite old-style tone placement into the new style ("hoá" → "hóa", "uỷ" → "ủy").

    Cached, like ``fold``/``fold_spaced``: agency names are keyed many times per document."""

    def fix(m: regex.Match[str]) -> str:
        onset, middle, tail = m.group(1), m.group(2), m.group(3)
        if lower(m.group(0)[:2]) == "qu" and len(onset + middle) == 1:
            return m.group(0)  # "quý": u belongs to the onset, the tone is already on the rhyme
        return onset + middle + _OLD_TONE[tail]

    return _OLD_TONE_RE.sub(fix, text)


class _MarksOut(dict[int, int | str | None]):
    """``str.translate`` table of ``strip_marks``, filled as characters are met: a combining mark
    (Mn) goes, đ/Đ become d/D, anything else stays. One table for the process: judging each
    character once beats building a table per text (the texts are short, ~15 µs against ~5)."""

    def __missing__(self, code: int) -> int | str | None:
        c = chr(code)
        out: int | str | None = {"đ": "d", "Đ": "D"}.get(c, None if unicodedata.category(c) == "Mn" else code)
        self[code] = out
        return out


_MARKS_OUT = _MarksOut()


def strip_marks(text: str) -> str:
    return unicodedata.normalize("NFD", text).translate(_MARKS_OUT)


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """Comparison key: no diacritics, case-folded, only letters and digits."""
    s = strip_marks(clean(text)).casefold()
    return "".join(filter(str.isalnum, s))


@lru_cache(maxsize=8192)
def fold_spaced(text: str) -> str:
    """Like ``fold`` but keeps single spaces between words (for phrase matching)."""
    s = strip_marks(clean(text)).casefold()
    return collapse(_NON_ALNUM.sub(" ", s))


def sentence_case(text: str) -> str:
    """"THỰC HIỆN NGHỊ QUYẾT SỐ 42-NQ/TW" → "Thực hiện nghị quyết số 42-NQ/TW" (codes kept)."""
    words = text.split(" ")
    out = []
    for i, w in enumerate(words):
        prev = lower(words[i - 1]) if i else ""
        roman = len(w) > 1 and _ROMAN_WORD.fullmatch(w) and (
            w.rstrip(",.;:") != "VI" or prev in ("khóa", "khoá", "phần", "chương", "mục", "lần", "thứ", "số"))
        if _CODE_WORD.search(w) or roman:
            out.append(w)
        else:
            lw = lower(w)
            out.append(lw[:1].upper() + lw[1:] if i == 0 else lw)
    return " ".join(out)
