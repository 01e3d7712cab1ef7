"""Plain text: pick the encoding, split into printed lines, keep the text as printed.

Government plans reach us as UTF-8 (portals, crawls), UTF-16 (Windows "Unicode" save), and
Windows-1258 (the Vietnamese code page of old Word/Notepad exports). cp1258 stores tone marks
as separate combining characters; we keep them (the parser folds text for matching later).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Mapping

from ..errors import DecodeFailure, EmptyInput, UnsupportedFormat
from ..grammar_cache import rx
from ..normalize import lower
from ..source import Line, new_line, new_lines

# Letters of the Vietnamese alphabet (lower case, precomposed) besides ASCII a-z: used to score
# how plausible a decode is. A wrong 8-bit decode produces letters outside this set (Þ, ð, æ…).
_VI_EXTRA = set(
    "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
)
VI_LETTERS = frozenset(_VI_EXTRA | set("abcdefghijklmnopqrstuvwxyz"))
# The non-ASCII letters of that alphabet in either case (each lower-cases to one letter of it), and
# the characters that are neither those nor ASCII (``letter_counts`` judges only these one by one).
_VI_NON_ASCII = sorted(_VI_EXTRA | {c.upper() for c in _VI_EXTRA if len(c.upper()) == 1 and lower(c.upper()) == c})


def _class_of(chars: list[str]) -> str:
    """A character class body of ``chars`` as ranges: the engine tests 19 ranges a character
    faster than 134 members (0.9 against 2.2 ms for the 12 pages of the sample PDF)."""
    runs: list[list[int]] = []
    for c in sorted(map(ord, chars)):
        if runs and runs[-1][1] == c - 1:
            runs[-1][1] = c
        else:
            runs.append([c, c])
    return "".join(rf"\u{a:04x}" if a == b else rf"\u{a:04x}-\u{b:04x}" for a, b in runs)  # all in the BMP


_NOT_ASCII_OR_VI = rx(r"[^\x00-\x7f" + _class_of(_VI_NON_ASCII) + "]")
_ASCII_BYTES = bytes(range(0x80))
_ASCII_LETTER_BYTES = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

# Control characters that never occur in a text document (tab, LF, CR, FF are fine).
_BAD_CONTROL = rx(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufffd]")
# Its characters below U+0080, as bytes (``_bad_count``; held equal to the class by a test).
_BAD_ASCII_BYTES = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F])

# Line breaks as printed by Windows, old Mac and Unix editors.
_NEWLINES = rx(r"\r\n|\r|\n")

# Least share of Vietnamese-alphabet letters for an 8-bit decode to be accepted as cp1258.
_MIN_VI_SHARE = 0.9  # measured on the seeds: right decode 1.0, cp1252 on cp1258 bytes 0.97
# Most share of unprintable characters tolerated in something we call text.
_MAX_BAD_SHARE = 0.01


def _utf16_by_nul_pattern(data: bytes) -> str | None:
    """UTF-16 without BOM: Latin and Vietnamese text puts NULs at every other byte."""
    head = data[:8192]
    if len(head) < 4:
        return None
    even = head[0::2]
    odd = head[1::2]
    nul_even = even.count(0) / len(even)
    nul_odd = odd.count(0) / max(len(odd), 1)
    if nul_odd > 0.3 and nul_even < 0.05:
        return "utf-16-le"
    if nul_even > 0.3 and nul_odd < 0.05:
        return "utf-16-be"
    return None


def bad_share(text: str, counts: Mapping[str, int] | None = None) -> float:
    """Share of characters that cannot appear in a printed document.

    ``counts``: ``Counter(text)`` when the caller has it (each distinct character tested once).
    """
    if not text:
        return 0.0
    if counts is not None:
        return sum(n for ch, n in counts.items() if _BAD_CONTROL.match(ch)) / len(text)
    return _bad_count(text) / len(text)


def _bad_count(text: str, utf8: bytes | None = None) -> int:
    """``len(_BAD_CONTROL.findall(text))`` from C string scans (the regex scan costs ~150
    instructions a character; this, with the UTF-8 encode, ~20).

    In UTF-8 every character below U+0080 is one byte of its own, so the C0 controls and DEL are
    counted by deleting their bytes; a C1 control (U+0080-U+009F) is the byte pair C2 80-9F, and C2
    is only ever a lead byte, so only the (few) C2 bytes are looked at. ``surrogatepass``: a lone
    surrogate (JSON "\\ud800") encodes as ED A0-BF xx, neither ASCII nor C2. ``utf8``: the bytes
    ``text`` was strictly decoded from as UTF-8, which are its encoding (spares the encode).
    """
    data = text.encode("utf-8", "surrogatepass") if utf8 is None else utf8
    bad = len(data) - len(data.translate(None, _BAD_ASCII_BYTES)) + text.count("\ufffd")
    at = data.find(b"\xc2")
    while at >= 0:
        if data[at + 1] <= 0x9F:  # continuation bytes are 80-BF: 80-9F is a C1 control
            bad += 1
        at = data.find(b"\xc2", at + 2)
    return bad


def vietnamese_share(text: str, counts: Mapping[str, int] | None = None) -> float:
    """Share of letters that belong to the Vietnamese alphabet (after composing, for scoring only).

    A combining mark left over after NFC (it did not attach to a vowel) counts as a foreign letter.
    ``counts``: ``Counter(text)`` when the caller has it; text already in NFC (pdfium's, nearly
    always) is scored from them. Each distinct character is lower-cased once: ``lower`` maps
    character by character, its one context rule (final sigma) gives a foreign letter either way.
    """
    if unicodedata.is_normalized("NFC", text):
        counts = counts if counts is not None else Counter(text)
    else:
        counts = Counter(unicodedata.normalize("NFC", text))
    good, bad = _judge_letters(counts)
    total = good + bad
    return good / total if total else 0.0


def _judge_letters(counts: Mapping[str, int]) -> tuple[int, int]:
    """(Vietnamese letters, foreign letters and marks) among the characters counted in ``counts``,
    each distinct character judged once."""
    good = bad = 0
    for ch, n in counts.items():
        for low in lower(ch):
            if low in VI_LETTERS:
                good += n
            elif low.isalpha() or unicodedata.combining(low):
                bad += n
    return good, bad


def letter_counts(text: str) -> tuple[int, int, int]:
    """(letters, Vietnamese letters, foreign letters and marks) of ``text`` in NFC: ``str.isalpha``
    characters, and the two counts ``vietnamese_share`` divides.

    Why: the PDF reader asks this of every page, and counting every character (``Counter``) cost
    more than the rest of the page checks. Here C scans count the ASCII characters and letters (of
    the UTF-8 bytes: an ASCII character is one byte, and no byte of a longer sequence is below
    0x80), one class search finds the few characters that are neither ASCII nor a Vietnamese letter,
    and only those are judged as ``vietnamese_share`` judges them; everything else is a letter of
    the alphabet or, in ASCII, no letter and no mark (tests/test_shortcuts.py holds it).
    """
    data = text.encode("utf-8", "surrogatepass")
    n_ascii = len(data) - len(data.translate(None, _ASCII_BYTES))
    others = _NOT_ASCII_OR_VI.findall(text)
    letters = len(data) - len(data.translate(None, _ASCII_LETTER_BYTES)) + len(text) - n_ascii - len(others)
    counts = Counter(others)
    good, bad = _judge_letters(counts)
    return letters + sum(n for ch, n in counts.items() if ch.isalpha()), letters + good, bad


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode ``data`` to text and name the encoding used.

    Order: BOMs, UTF-16 by NUL pattern, strict UTF-8, then 8-bit code pages scored by the share of
    Vietnamese letters (cp1258 first; cp1252/latin-1 only when the result is clearly text).
    Raises ``UnsupportedFormat`` for binary data and ``DecodeFailure`` when nothing fits.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data, "utf-8-sig"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16"), "utf-16"
    utf16 = _utf16_by_nul_pattern(data)
    if utf16:
        return _strict(data, utf16), utf16
    if b"\x00" in data:
        raise UnsupportedFormat("binary data (NUL bytes): not a text document")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        tolerated = _utf8_with_few_errors(data, exc)
        if tolerated is not None:
            return tolerated, "utf-8"
    else:
        _check_printable(text, data)
        return _unlegacy(text, "utf-8")
    from .legacy import decode_bytes as legacy_bytes

    old = legacy_bytes(data)  # TCVN3 / VNI typed in a cp1252 font hack
    if old is not None:
        return old
    candidates: list[tuple[float, str, str]] = []
    for enc in ("cp1258", "cp1252", "latin-1"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if bad_share(text) > _MAX_BAD_SHARE:
            continue
        candidates.append((vietnamese_share(text), enc, text))
    if not candidates:
        if bad_share(data.decode("latin-1")) > 0.05:
            raise UnsupportedFormat("binary data (control bytes): not a text document")
        raise DecodeFailure("text is not UTF-8, UTF-16, Windows-1258 or Windows-1252")
    # Best score wins; ties go to the earlier code page (cp1258: same bytes as cp1252 for ASCII).
    share, enc, text = max(candidates, key=lambda c: c[0])
    if share < _MIN_VI_SHARE:
        raise DecodeFailure(
            f"text is not UTF-8, UTF-16 or Windows-1258 (best guess {enc} gives implausible letters)")
    return text, enc


def _unlegacy(text: str, encoding: str) -> tuple[str, str]:
    """UTF-8 text that is TCVN3/VNI re-saved as Unicode ("KÕ ho¹ch"): decode the font hack."""
    from .legacy import decode, detect

    old = detect(text)
    return (decode(text, old), f"{encoding}+{old}") if old else (text, encoding)


def _utf8_with_few_errors(data: bytes, exc: UnicodeDecodeError) -> str | None:
    """UTF-8 cut mid-character (a truncated file) or with a few stray bytes: keep it as UTF-8.

    A cut at the end drops the partial character; stray bytes become U+FFFD (the caller warns).
    Returns ``None`` when the errors are too many for this to be UTF-8 text.
    """
    if exc.start >= len(data) - 3 and exc.reason == "unexpected end of data":
        try:
            text = data[: exc.start].decode("utf-8")
        except UnicodeDecodeError:
            return None
        _check_printable(text)
        return text
    text = data.decode("utf-8", errors="replace")
    if text.count("\ufffd") > max(2, len(text) // 2000):
        return None
    if bad_share(text.replace("\ufffd", "")) > _MAX_BAD_SHARE:
        return None
    return text


def _strict(data: bytes, encoding: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise DecodeFailure(f"invalid {encoding} text at byte {exc.start}") from None
    _check_printable(text)
    return text


def _check_printable(text: str, utf8: bytes | None = None) -> None:
    """``utf8``: the bytes ``text`` was strictly decoded from as UTF-8 (see ``_bad_count``)."""
    if text and _bad_count(text, utf8) / len(text) > _MAX_BAD_SHARE:  # bad_share(text) > …
        raise UnsupportedFormat("binary data (control characters): not a text document")


def check_not_empty(text: str) -> None:
    if not text.strip():
        raise EmptyInput("input has no text (only whitespace)")


def split_lines(text: str, *, origin: str = "text") -> list[Line]:
    """Printed lines, numbered from 1; trailing whitespace stripped; form feeds advance the page.

    Without any form feed ``page`` stays ``None``. A form feed starts a new page at that point;
    a line holding one (``pdftotext`` puts it before the next page's first line) keeps its number.

    ``split_lines_plain`` is the form this replaces (a regex split, ``Line(...)`` per line): ``\\r\\n``
    then ``\\r`` made ``\\n`` cut exactly where the leftmost-first ``\\r\\n|\\r|\\n`` does, and
    ``new_line(s)`` is ``Line`` without the frozen ``__init__``.
    """
    raws = (text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text).split("\n")
    if "\f" not in text:  # no pages (nearly always): every piece is one line
        lines = new_lines(map(str.rstrip, raws))
    else:
        page = 1
        lines = []
        for n, raw in enumerate(raws, start=1):
            if "\f" not in raw:
                lines.append(new_line(raw.rstrip(), n, page))
                continue
            parts = raw.split("\f")
            for k, part in enumerate(parts):
                if k > 0:
                    page += 1
                if part.strip() or k == len(parts) - 1:
                    lines.append(new_line(part.rstrip(), n, page))
    if lines and not lines[-1].text and text.endswith(("\n", "\r")):
        lines.pop()  # the final newline ends the last line; it does not start an empty one
    return lines


def split_lines_plain(text: str, *, origin: str = "text") -> list[Line]:
    """``split_lines`` as first written (the plain form its test compares with).

    Printed lines, numbered from 1; trailing whitespace stripped; form feeds advance the page.

    Without any form feed ``page`` stays ``None``. A form feed starts a new page at that point;
    a line holding one (``pdftotext`` puts it before the next page's first line) keeps its number.
    """
    has_pages = "\f" in text
    page: int | None = 1 if has_pages else None
    lines: list[Line] = []
    for n, raw in enumerate(_NEWLINES.split(text), start=1):
        if "\f" not in raw:
            lines.append(Line(raw.rstrip(), line=n, page=page, origin="text"))
            continue
        parts = raw.split("\f")
        for k, part in enumerate(parts):
            if k > 0 and page is not None:
                page += 1
            if part.strip() or k == len(parts) - 1:
                lines.append(Line(part.rstrip(), line=n, page=page, origin="text"))
    if lines and not lines[-1].text and text.endswith(("\n", "\r")):
        lines.pop()  # the final newline ends the last line; it does not start an empty one
    return lines
