"""Pre-Unicode Vietnamese: TCVN3 (ABC, ``.Vn*`` fonts) and VNI Windows (``VNI-*`` fonts).

Both are font hacks on an 8-bit code page: the bytes were typed and stored as Windows-1252
characters and only the font drew them as Vietnamese. A file or a DOCX run therefore arrives
here as cp1252 text ("KÕ ho¹ch", "Keá hoaïch") and must be mapped to Unicode NFC.

- TCVN3 (TCVN 5712:1993, table VN3) is one byte per precomposed *lower-case* letter; only
  Ă Â Ê Ô Ơ Ư Đ have capital codes. Capitals with a tone were drawn by the ``...H`` fonts
  (``.VnTimeH``) from the lower-case codes, so a run in such a font is upper-cased.
- VNI Windows writes a base letter then one mark byte (``a`` + ``ù`` = á, ``a`` + ``ä`` = ậ),
  with single bytes for ơ ư đ and the i/y letters.

Detection is by font name where there is one (``encoding_for_font``), otherwise by character
statistics: the decode that turns most words into valid Vietnamese syllables wins, and only
when it clearly beats the text as it stands (``detect``).
"""

from __future__ import annotations

import unicodedata

import regex

from ..grammar_cache import rx
from .syllables import syllable_stats

# --- TCVN3 (TCVN 5712:1993, VN3) ----------------------------------------------------------

# byte -> letter, the code points of the standard's VN3 table.
_TCVN3_CODES: dict[int, str] = {
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
    # stand-alone tone marks (combining): huyền, hỏi, ngã, sắc, nặng
    0xB0: "\u0300", 0xB1: "\u0309", 0xB2: "\u0303", 0xB3: "\u0301", 0xB4: "\u0323",
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
    0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
    0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
    0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
    0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
    0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
    0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
    0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
    0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
    0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
    0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
    0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
}
_TCVN3_INV: dict[str, int] = {v: k for k, v in _TCVN3_CODES.items() if len(v) == 1 and v.isalpha()}

# --- VNI Windows ----------------------------------------------------------------------------

# Mark bytes (as cp1252 lower-case letters) after a base vowel; capitals use the capital form.
_VNI_TONE = {"ù": "\u0301", "ø": "\u0300", "û": "\u0309", "õ": "\u0303", "ï": "\u0323"}
# After a/e/o: circumflex + tone ("aâ" = â, "aá" = ấ, "eä" = ệ, "oà" = ồ).
_VNI_CIRC = {"â": "", "á": "\u0301", "à": "\u0300", "å": "\u0309", "ã": "\u0303", "ä": "\u0323"}
# After a: breve + tone ("aê" = ă, "aé" = ắ, "aë" = ặ).
_VNI_BREVE = {"ê": "", "é": "\u0301", "è": "\u0300", "ú": "\u0309", "ü": "\u0303", "ë": "\u0323"}
# Single bytes standing for a whole letter.
_VNI_SINGLE = {"ô": "ơ", "ö": "ư", "ñ": "đ", "í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ",
               "Ô": "Ơ", "Ö": "Ư", "Ñ": "Đ", "Í": "Í", "Ì": "Ì", "Æ": "Ỉ", "Ó": "Ĩ", "Ò": "Ị", "Î": "Ỵ"}


def _vni_tables() -> tuple[dict[str, str], dict[str, str]]:
    """(two-char sequence -> letter, letter -> VNI sequence), built from the mark rules."""
    seq: dict[str, str] = {}
    for base in "aeiouyAEIOUY":
        for mark, tone in _VNI_TONE.items():
            if base in "iI":
                continue  # i takes single bytes (í ì æ ó ò)
            if base in "yY" and mark == "ï":
                continue  # ỵ is the single byte î
            m = mark.upper() if base.isupper() else mark
            seq[base + m] = unicodedata.normalize("NFC", base + tone)
    for base in "aeoAEO":
        for mark, tone in _VNI_CIRC.items():
            m = mark.upper() if base.isupper() else mark
            seq[base + m] = unicodedata.normalize("NFC", base + "\u0302" + tone)
    for base in "aA":
        for mark, tone in _VNI_BREVE.items():
            m = mark.upper() if base.isupper() else mark
            seq[base + m] = unicodedata.normalize("NFC", base + "\u0306" + tone)
    for base, letter in (("ô", "ơ"), ("ö", "ư"), ("Ô", "Ơ"), ("Ö", "Ư")):
        for mark, tone in _VNI_TONE.items():
            m = mark.upper() if base.isupper() else mark
            seq[base + m] = unicodedata.normalize("NFC", letter + tone)
    inverse = {v: k for k, v in seq.items()}
    for k, v in _VNI_SINGLE.items():
        inverse.setdefault(v, k)
    return seq, inverse


_VNI_SEQ, _VNI_INV = _vni_tables()


def _byte(ch: str) -> int | None:
    """The 8-bit code a cp1252-decoded (or symbol-font U+F0xx) character stands for."""
    o = ord(ch)
    if o < 0x100:
        return o
    if 0xF000 <= o <= 0xF0FF:
        return o - 0xF000
    try:
        return ch.encode("cp1252")[0]
    except UnicodeEncodeError:
        return None


def _as_cp1252(ch: str) -> str:
    """A symbol-font private-use character (U+F020-U+F0FF, as Word stores ``.VnTime`` text in
    some files) back to the cp1252 character of its byte; anything else unchanged."""
    o = ord(ch)
    if 0xF000 <= o <= 0xF0FF:
        b = bytes([o - 0xF000])
        try:
            return b.decode("cp1252")
        except UnicodeDecodeError:
            return b.decode("latin-1")
    return ch


_ASCII_LETTER = rx(r"[A-Za-z]")
_HIGH = rx(r"[\u0080-\u00ff\uf080-\uf0ff]")
_TOKEN = rx(r"\S+")


def tcvn3_to_unicode(text: str, *, upper: bool = False) -> str:
    """Decode TCVN3 text (read as cp1252 or latin-1) to Unicode NFC.

    ``upper``: the run is in a capitals font (``.VnTimeH``). Without a font, a word whose
    ASCII letters are all capitals is upper-cased when it has two or more of them, or when the
    line is in capitals ("KÕ HO¹CH" -> "KẾ HOẠCH", but "Kõ ho¹ch" -> "Kế hoạch", "Sè:" -> "Số:").
    """
    out_lines = []
    for line in text.split("\n"):
        decoded = "".join(_TCVN3_CODES.get(b, _as_cp1252(ch)) if (b := _byte(ch)) is not None else ch
                          for ch in line)
        decoded = unicodedata.normalize("NFC", decoded)
        if upper:
            decoded = decoded.upper()
        else:
            caps_line = _caps_line(line)

            def fix(m: regex.Match[str], caps_line: bool = caps_line) -> str:
                word = m.group()
                ascii_letters = _ASCII_LETTER.findall(word)
                if ascii_letters and all(c.isupper() for c in ascii_letters) and (
                        len(ascii_letters) >= 2 or caps_line):
                    return word.upper()
                return word

            decoded = _TOKEN.sub(fix, decoded)
        out_lines.append(decoded)
    return "\n".join(out_lines)


def _caps_line(line: str) -> bool:
    """A line typed in a capitals font: some word mixing legacy codes with two or more capital
    ASCII letters ("HO¹CH"), and none mixing them with small ones ("Lao ®éng")."""
    caps = False
    for word in _TOKEN.findall(line):
        if not _HIGH.search(word):
            continue
        letters = _ASCII_LETTER.findall(word)
        if any(c.islower() for c in letters):
            return False
        if len(letters) >= 2:
            caps = True
    return caps


def unicode_to_tcvn3(text: str) -> str:
    """Encode Unicode text as TCVN3 (a cp1252 string), capitals with a tone as lower-case codes,
    as a ``.VnTimeH`` document stores them. The inverse of ``tcvn3_to_unicode``, for fixtures."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        code = _TCVN3_INV.get(ch)
        if code is None and ch.lower() != ch:
            code = _TCVN3_INV.get(ch.lower())
        if code is None:
            out.append(ch)
        else:
            out.append(chr(code))  # every VN3 code is >= 0xA1: the same in cp1252 and latin-1
    return "".join(out)


def vni_to_unicode(text: str) -> str:
    """Decode VNI Windows text (read as cp1252) to Unicode NFC."""
    s = "".join(_as_cp1252(ch) for ch in text)
    out: list[str] = []
    i = 0
    while i < len(s):
        pair = s[i:i + 2]
        if len(pair) == 2 and pair in _VNI_SEQ:
            out.append(_VNI_SEQ[pair])
            i += 2
            continue
        out.append(_VNI_SINGLE.get(s[i], s[i]))
        i += 1
    return unicodedata.normalize("NFC", "".join(out))


def unicode_to_vni(text: str) -> str:
    """Encode Unicode text as VNI Windows (a cp1252 string); the inverse, for fixtures."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        out.append(_VNI_INV.get(ch, ch))
    return "".join(out)


# --- detection -----------------------------------------------------------------------------

DECODERS = {"tcvn3": tcvn3_to_unicode, "vni": vni_to_unicode}
# A legacy decode must reach this share of valid syllables, and beat the text as it stands by
# this margin (seeds as Unicode: 0.99-1.0; the same text as TCVN3 read raw: about 0.3).
MIN_SHARE = 0.75
MARGIN = 0.2


def _share(text: str) -> float:
    valid, invalid = syllable_stats(text)
    return valid / (valid + invalid) if valid + invalid else 0.0


def detect(text: str) -> str | None:
    """"tcvn3" or "vni" when ``text`` (decoded as cp1252) is legacy-encoded Vietnamese, else None.

    Text already in Unicode Vietnamese has letters beyond Latin-1 (ạ ế ư ơ đ) that neither
    code page produces, so such text is never taken for legacy.
    """
    if not _HIGH.search(text) or is_unicode_vietnamese(text):
        return None
    sample = text[:20000]
    base = _share(sample)
    best: tuple[float, str] | None = None
    for name, decode in DECODERS.items():
        share = _share(decode(sample))
        if share >= MIN_SHARE and share >= base + MARGIN and (best is None or share > best[0]):
            best = (share, name)
    return best[1] if best else None


_UNICODE_VI = rx(r"[\u0100-\u024f\u1ea0-\u1ef9]")


def is_unicode_vietnamese(text: str) -> bool:
    """Letters beyond Latin-1 (ạ ế ư ơ đ): the text is already Unicode, whatever its font says
    (Word keeps a ".VnTime" font name on runs it has converted to Unicode)."""
    return _UNICODE_VI.search(text) is not None


def decode(text: str, encoding: str, *, upper: bool = False) -> str:
    if encoding == "tcvn3":
        return tcvn3_to_unicode(text, upper=upper)
    if encoding == "vni":
        return vni_to_unicode(text)
    raise ValueError(encoding)


def decode_bytes(data: bytes) -> tuple[str, str] | None:
    """(Unicode text, "tcvn3"/"vni") for an 8-bit legacy file, or None if it is not one.

    UTF-8 input is left to the text reader (a valid UTF-8 file is not legacy).
    """
    try:
        data.decode("utf-8")
        return None
    except UnicodeDecodeError:
        pass
    raw = data.decode("cp1252", errors="ignore") if _cp1252_ok(data) else data.decode("latin-1")
    enc = detect(raw)
    if enc is None:
        return None
    return decode(raw, enc), enc


def _cp1252_ok(data: bytes) -> bool:
    return not any(b in data for b in (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d"))


def encoding_for_font(font: str | None) -> tuple[str, bool] | None:
    """(encoding, capitals) for a legacy font name: ``.VnTime`` -> ("tcvn3", False),
    ``.VnTimeH`` -> ("tcvn3", True), ``VNI-Times`` -> ("vni", False); None for a Unicode font.

    PDF subset prefixes ("ABCDEF+") are ignored.
    """
    if not font:
        return None
    name = font.split("+", 1)[-1].strip()
    if name.lower().startswith(".vn"):
        stem = regex.sub(r"[-,](Bold|Italic|BoldItalic|Regular)$", "", name[1:], flags=regex.I)
        return "tcvn3", stem.endswith("H")
    if name.upper().startswith(("VNI-", "VNI ", "VNI_")):
        return "vni", False
    return None
