"""Printed lines → logical lines → paragraphs.

Portals and PDF extractors wrap paragraphs at arbitrary points, break headings mid-phrase, put
page numbers inside sentences, and (thuvienphapluat exports) flatten a whole header and several
headings onto one line. This module undoes that, using only cues that hold across documents:
structural markers, sentence punctuation, line fill relative to the document's own wrap
width, letter case, and first-line indent where the reader knows it.
"""

from __future__ import annotations

import statistics
import unicodedata
from collections.abc import Iterable
from dataclasses import replace
from itertools import accumulate, compress
from operator import attrgetter, ne

import regex

from .grammar_cache import rx
from .normalize import clean
from .scan import hit_texts, joined_texts
from .source import Line
from .structure import Block

# --- grammar of line starts ---------------------------------------------------------------
# Roman part "I. MỤC ĐÍCH, YÊU CẦU", "IV- TỔ CHỨC THỰC HIỆN" (Nghị định 30/2020 numbering).
ROMAN = r"(?P<roman>[IVXL]{1,6})\s?[.\-–:]\s*(?=\p{Lu})"
# Numbered item "1. Mục đích"; dotted "1.1. Tăng cường…", "2.3 Lồng ghép…" (last dot optional).
DOTTED = r"(?P<dotted>\d{1,2}(?:\.\d{1,2}){1,3})\.?\s+(?=[\p{L}\"“(])"
ARABIC = r"(?P<arabic>\d{1,2})[.)]\s*(?=[\p{L}\"“(])"
# Lettered item "a) Mục tiêu", "đ) …" (Vietnamese alphabet order).
LETTER = r"(?P<letter>[a-zđ])(?:\)\s*(?=\S)|\.\s+(?=\p{Lu}))"  # "a) …", and "a. Kiểm tra …" at a line start
# Bullets "- ", "+ ", "• ", "* " and dashes used as bullets.
BULLET = r"(?P<bullet>[-–—+•*▪●◦])\s*(?=\S)"
# Appendix "PHỤ LỤC", "Phụ lục I", "PHỤ LỤC II".
APPENDIX = r"(?P<appendix>PHỤ\s+LỤC|Phụ\s+lục)(?:\s+(?:số\s+)?(?P<appno>[IVX]+|\d+))?\b"

MARKER_RE = rx(rf"^\s*(?:{APPENDIX}|{ROMAN}|{DOTTED}|{ARABIC}|{LETTER}|{BULLET})")

# A bare page number or "Trang 3/12" printed as its own line.
PAGE_NUMBER_RE = rx(r"^\s*(?:-\s*)?(?:Trang\s+)?\d{1,3}(?:\s*/\s*\d{1,3})?(?:\s*-)?\s*$")
# The last character of any text PAGE_NUMBER_RE matches (asked of each line's last character at once).
_PAGE_NUMBER_END = rx(r"[\d\-\s]")
# Table-cell separators ("|") of portal copies and rule lines ("-------", "–––––", "___").
RULE_RE = rx(r"^\s*(?:\||[-–—_=*.]{3,}|[-–—_]\s?[-–—_](?:\s?[-–—_])+)\s*$")

# Words a wrapped line cannot end on when its paragraph goes on (prepositions, conjunctions,
# classifiers): "1. Căn cứ vào các nội dung của / Kế hoạch này".
_OPEN_WORDS = {
    "của", "và", "với", "các", "về", "cho", "theo", "trong", "tại", "số", "ngày", "đến", "là", "được",
    "có", "những", "để", "từ", "trên", "dưới", "như", "hoặc", "hay", "thuộc", "nhằm", "bằng", "vào",
    "khi", "mà", "do", "bởi", "qua", "giữa", "đối", "sự", "việc", "một", "mọi", "tháng", "năm", "quý",
    "Sở", "Ban", "Bộ", "Ủy", "Phòng", "Cục", "Chi",
}
_BARE_MARKER = rx(r"^\s*(?:[IVXL]{1,6}|\d{1,2}(?:\.\d{1,2})*|[a-zđ])[.)]\s*$")
_END_PUNCT = (".", ";", ":", "!", "?", "./.")
_OPEN_END = (",", "-", "–", "(", "/")  # a line ending so goes on
_CLOSED_OR_COMMA = (*_END_PUNCT, ",")
_LOWER_START = rx(r"^[\p{Ll}\d(\"“”]")
_CAPS_LINE = rx(r"^[^\p{Ll}]*\p{Lu}[^\p{Ll}]*$")
# Compiled once, as these run for every line.
_DASH_ITEM = rx(r"^\s*[-–]\s+(\S+)")
_HYPHEN_NAMES = ("Lao động", "Văn hóa", "Văn hoá", "Khoa học", "Giáo dục", "Kinh tế", "Chính trị")
_DASHES = ("-", "–")  # what _DASH_ITEM opens with
_DASH_PLUS = rx(r"^\s*[-+]\s")
_DASH_PLUS_FIRST = ("-", "+")  # what a stripped text of a _DASH_PLUS line starts with


def _on_nuls(pattern: regex.Pattern[str], guard: str = "") -> regex.Pattern[str]:
    """``pattern`` (``^…$``, asked of a stripped text) for the texts joined by NULs: ``^`` the NUL
    before a text, ``$`` the one after it, and a lookahead for a non-space ``(?=\\S)`` not taking
    the NUL. Exact for a text with no NUL of its own: nothing else in these grammars matches a NUL
    (``\\s``, ``\\d``, letters, the listed characters), ``\\b`` sees a NUL as it sees the end, and
    a stripped text never ends in the line break ``$`` may stand before. ``guard``: a lookahead
    for what every match starts with, that the engine fails on faster than on the grammar."""
    src = pattern.pattern
    assert src.startswith("^") and "$" not in src[:-1] and src.count(r"(?=\S)") == src.count(r"\S")
    body = src[1:-1] + r"(?=\x00)" if src.endswith("$") else src[1:]
    return rx("\x00" + guard + body.replace(r"(?=\S)", r"(?=[^\s\x00])").replace(r"[^\p{Ll}]", r"[^\p{Ll}\x00]"))


_RULE_ON_NULS = _on_nuls(RULE_RE)
# a marker starts with one of its characters, or is "a) …", "b. …" (``^\s*`` takes nothing: the
# engine's spaces are all Python's, so a stripped text starts with none)
_MARKER_ON_NULS = _on_nuls(MARKER_RE, r"(?=[PIVXL\d\-–—+•*▪●◦]|[a-zđ][.)])")
_BARE_MARKER_ON_NULS = _on_nuls(_BARE_MARKER)
_CAPS_LINE_ON_NULS = _on_nuls(_CAPS_LINE)

# --- inline anchors (flattened portal text) ----------------------------------------------
# Places where a new logical line must start even inside a printed line: the national motto,
# rule lines, "Số:", the place-date line, and section markers after a sentence end or after
# an all-caps heading ("… như sau: I. MỤC ĐÍCH, YÊU CẦU 1. Mục đích 1.1. Tăng cường…").
_INLINE_SPLIT = rx(
    r"""
    (?<=\S)\s+(?=CỘNG\s+HÒA\s+XÃ\s+HỘI|CỘNG\s+HOÀ\s+XÃ\s+HỘI)           # motto after issuer
  | (?<=Hạnh\s+phúc)\s+(?=\S)                                        # after the motto
  | (?<!\s)\s*(?<![\p{L}\d])-{3,}\s*                                  # ------- rule inside a line (from a space run's start: linear)
  | (?<=\S)\s+(?=Số\s*:)                                             # "Số:" cell
  | (?<=/[\p{Lu}Đ][\p{L}Đđ\d]*(?:-[\p{L}Đđ\d]+)*)\s+(?=\p{Lu}[\p{L} ]{1,40},\s+ngày\s)  # "30/KH-UBND Bắc Giang, ngày"
  | (?<=năm\s+\d{4})\s+(?=(?:KẾ\s+HOẠCH|CHƯƠNG\s+TRÌNH|BÁO\s+CÁO|TỜ\s+TRÌNH|QUYẾT\s+ĐỊNH|CHỈ\s+THỊ|NGHỊ\s+QUYẾT|ĐỀ\s+ÁN)\b)
  | (?<=[.:;…]|[^\p{Ll}\s]{2}[,]?)\s+(?=(?:[IVX]{1,5}\.|\d{1,2}(?:\.\d{1,2}){0,3}\.)\s+\p{Lu})  # marker after end / caps
  | (?<=\p{Ll})\s+(?=[IVX]{1,5}\.\s+\p{Lu}{2,}\s+\p{Lu}{2,})                # "… giao thông II. TIÊU CHÍ"
  | (?<=[.:;])\s+(?=[IVX]{1,5}\.$)                                          # "… giao thông. II." ⏎ "NHIỆM VỤ"
  | (?<=\p{L})\s+(?=\d{1,2}\.\d{1,2}\.\s+\p{Lu}\p{Ll})                       # "1. Mục đích 1.1. Tăng cường"
    """,
    regex.VERBOSE,
)


# What every _INLINE_SPLIT alternative needs somewhere in the line (a cheap test first, as most
# lines need no split): the motto, 'Hạnh phúc', a rule, 'Số:', ', ngày ' after a '/KH-…' number,
# a type word after 'năm 2024', or the dot of a marker after a space and before a space or the
# end (' II. ', ' 1.1.'; the marker alternatives all start after a space run and need one of
# those after the dot). tests/test_shortcuts.py holds it against the grammar on real text.
_MARKER_DOT = r"(?<=\s(?:[IVX]{1,5}|\d{1,2}(?:\.\d{1,2}){0,3}))\.(?=%s)"
_SPLIT_CUE_PARTS = (
    r"CỘNG", r"phúc", r"---", r"Số\s*:", r",\s+ngày\s", r"năm\s+\d{4}\s+(?:KẾ|CHƯƠNG|BÁO|TỜ|QUYẾT|CHỈ|NGHỊ|ĐỀ)",
    _MARKER_DOT % r"\s|$",  # found from its '.': the engine scans for a literal far faster than for a class
)
_SPLIT_CUES = rx("|".join(_SPLIT_CUE_PARTS))
# Each cue on its own, for the lines joined by NULs (``_cue_lines``), where a line's end is a NUL:
# ``regex`` tries an alternation at every position (~18 ns a character), but finds a pattern that
# opens with a literal with a string search (~0.3 ns).
# ', ngày ' is found from the rarer 'ngày' (its comma, in the same line, behind it).
_CUE_SCANS = (*(rx(p) for p in _SPLIT_CUE_PARTS[:-1] if p != r",\s+ngày\s"), rx(r"(?<=,\s+)ngày\s"),
              rx(_MARKER_DOT % r"[\s\x00]|$"))


def _split_inline(line: Line) -> list[Line]:
    text = line.text
    if len(text) < 8:
        return [line]
    if not _SPLIT_CUES.search(text):
        return [line]
    parts: list[str] = []
    last = 0
    for m in _INLINE_SPLIT.finditer(text):
        parts.append(text[last:m.start()])
        if m.group(0).strip():  # a rule line: keep it as its own logical line
            parts.append(m.group(0).strip())
        last = m.end()
    parts.append(text[last:])
    parts = [p.strip() for p in parts if p.strip()]
    if len(parts) <= 1:
        return [line]
    return [replace(line, text=p) for p in parts]


def _clean_texts(texts: list[str]) -> list[str]:
    """``clean(t).rstrip()`` of every text, with one ``clean`` of the joined texts when no text
    holds a line break of its own: every step of ``clean`` stops at a line break (NFC never
    composes across one, a mark after one has no letter to sit on), and four engine calls per
    document are cheaper than four per line. tests/test_speed_skeleton.py holds it per line."""
    joined = "\n".join(texts)
    if joined.count("\n") != len(texts) - 1:
        return [clean(t).rstrip() for t in texts]
    # NFC line by line first (clean's own NFC then finds the text done): CPython normalises a long
    # text whose quick check is not a plain yes (a PDF's one decomposed letter) ~50x slower than
    # the same text line by line. Exact: NFC never reaches across a line break, and NFC before
    # clean's removal of invisible characters (starters that no decomposition holds) gives the
    # same NFC after it
    joined = "\n".join([unicodedata.normalize("NFC", t) for t in texts])
    return [t.rstrip() for t in clean(joined).split("\n")]


def _cue_lines(texts: list[str]) -> set[int]:
    """Indices of the texts that may show a ``_SPLIT_CUES`` cue, each cue searched for once in
    the texts joined by NULs. No cue reaches across a NUL (none matches one; the marker dot's
    lookbehind needs a space), so a text with a cue of its own is always the one the next hit
    starts in, and after a hit the search goes on from the next text. A superset (a text with
    a NUL of its own): ``_split_inline`` still asks each candidate itself."""
    joined, starts = joined_texts(texts)
    return set().union(*(hit_texts(cue, joined, starts) for cue in _CUE_SCANS))


def logical_lines(lines: Iterable[Line]) -> list[Line]:
    """Clean every line (NFC etc.), drop blanks and bare page numbers, split flattened lines."""
    lines = list(lines)
    # ``line`` itself when its text is unchanged (a frozen Line; ``replace`` costs ~7 µs)
    cleaned = [ln if t == ln.text else replace(ln, text=t)
               for ln, t in zip(lines, _clean_texts([ln.text for ln in lines]), strict=True)]
    nonblank = [ln for ln in cleaned if ln.text]  # rstripped: a text with anything left is not blank
    # A blank line breaks a paragraph, except in PDF-derived text that puts one after every line.
    blanks = len(cleaned) - len(nonblank)
    if blanks and blanks < 0.6 * len(nonblank):
        marked: list[Line] = []
        gap = False
        for ln in cleaned:
            if not ln.text:
                gap = True
                continue
            marked.append(replace(ln, gap_before=True) if gap and marked else ln)
            gap = False
        nonblank = marked
    texts = [ln.text for ln in nonblank]
    cues = _cue_lines(texts)
    # a page number ends in a digit or '-' (or a space the engine knows and str.rstrip does not)
    page_ends = {m.start() for m in _PAGE_NUMBER_END.finditer("".join([t[-1] for t in texts]))}
    # only those lines and the cue lines can be dropped or split: the lines between are taken whole
    out: list[Line] = []
    last = 0
    for k in sorted(page_ends | cues):
        out += nonblank[last:k]
        last = k + 1
        ln = nonblank[k]
        if k in page_ends and ln.region == "body" and PAGE_NUMBER_RE.match(ln.text):
            continue
        if ln.origin == "docx" or k not in cues:
            out.append(ln)
            continue
        out.extend(_split_inline(ln))
    out += nonblank[last:]
    return out


def wrap_width(lines: list[Line]) -> int:
    """The document's own wrap width: a high percentile of line lengths."""
    return _wrap_of([len(ln.text.strip()) for ln in lines])


def _wrap_of(lengths: list[int]) -> int:
    """``wrap_width`` from the lengths of the stripped line texts."""
    lens = sorted(filter((10).__lt__, lengths))
    if not lens:
        return 80
    return lens[min(len(lens) - 1, int(len(lens) * 0.9))]


def _is_hyphen_continuation(prev: str, nxt: str) -> bool:
    """"Sở Lao động" / "- Thương binh và Xã hội": an agency name broken at its own hyphen.

    A bullet line starting in lower case ("- xã hội") is always a continuation; one starting
    in upper case continues when the previous line stops mid-phrase (no closing punctuation)
    and names a body whose official name has a hyphen.

    ``prev`` and ``nxt`` are stripped texts (the engine's spaces are all Python's): so ``nxt``
    can match ``_DASH_ITEM`` only when it starts with its dash, and a name followed by spaces to
    the end of ``prev`` is at its very end (tests/test_speed_skeleton.py holds it to the plain form).
    """
    if prev.endswith(_CLOSED_OR_COMMA) or nxt[:1] not in _DASHES:
        return False
    m = _DASH_ITEM.match(nxt)
    if not m:
        return False
    if m.group(1)[:1].islower():
        return True
    return prev.endswith(_HYPHEN_NAMES)


class _Joiner:
    """What joining asks about each printed line, worked out once per line: the stripped text, and
    whether it is a rule, a bare marker, a marker, in capitals, or starts in lower case; and from
    those where the paragraphs start (``paragraph_starts``).

    Each grammar is asked of all texts at once: a scan of the texts joined by NULs for the grammar
    with ``^`` as the NUL before a text and ``$`` as the NUL after it (``_on_nuls``), each hit a
    match of the text, when no text holds a NUL of its own (else the grammar asks each text).
    Whether a text starts in lower case is asked once per distinct first character.
    tests/test_speed_skeleton.py holds each against its grammar."""

    def __init__(self, lines: list[Line]) -> None:
        self.lines = lines
        self.texts = texts = [ln.text.strip() for ln in lines]
        self.lens = lens = list(map(len, texts))
        joined = "\x00" + "\x00".join(texts) + "\x00"
        self._starts = starts = list(accumulate(map((1).__add__, lens), initial=0))  # each text's NUL
        self._own_nuls = joined.count("\x00") != len(texts) + 1
        self._index = dict(zip(starts, range(len(texts)), strict=False))  # each text by its NUL
        self.firsts = firsts = [t[:1] for t in texts]
        self.rule = self._where(RULE_RE, _RULE_ON_NULS, joined)
        self.marker = self._where(MARKER_RE, _MARKER_ON_NULS, joined)
        self.bare = self._where(_BARE_MARKER, _BARE_MARKER_ON_NULS, joined)
        self.caps = self._where(_CAPS_LINE, _CAPS_LINE_ON_NULS, joined)
        self.lower_chars = {c for c in set(firsts) if _LOWER_START.match(c)}
        self.wrap = _wrap_of(lens)
        xs = [ln.x0 for ln in lines if ln.x0 is not None]
        self.margin = statistics.median_low(sorted(xs)[: max(1, len(xs) // 2)]) if xs else None
        self.short_first = self._short_first()

    def _where(self, pattern: regex.Pattern[str], on_nuls: regex.Pattern[str], joined: str) -> set[int]:
        """Indices of the texts ``pattern`` matches, from the hits of ``on_nuls`` in ``joined``."""
        if self._own_nuls:  # a NUL of a text's own is seen as its end: ask each text
            return {i for i, t in enumerate(self.texts) if pattern.match(t)}
        index = self._index
        return {index[m.start()] for m in on_nuls.finditer(joined)}

    def _fill(self, i: int) -> float:
        return self.lens[i] / max(self.wrap, 1)

    def _short_first(self) -> bool:
        """Portal copies (thuvienphapluat-style) print each paragraph's first line short (~30
        characters) and the rest at full width: then a short capitalised line followed by a
        continuation is a paragraph start, not the tail of the previous paragraph.

        A "- …" / "+ …" line (``_DASH_PLUS``, asked of the text as printed) is looked for only
        among the texts whose stripped form starts with the dash or plus, and found without the
        grammar when the printed text starts with it and a plain space."""
        firsts = hits = 0
        lines, lower, first = self.lines, self.lower_chars, self.firsts
        for i in compress(range(len(lines) - 1), map(_DASH_PLUS_FIRST.__contains__, first)):
            t = lines[i].text
            if t.startswith(("- ", "+ ")) or _DASH_PLUS.match(t):
                firsts += 1
                hits += self._fill(i) < 0.55 and first[i + 1] in lower
        return firsts >= 5 and hits / firsts > 0.6

    def _cuts(self) -> set[int]:
        """The lines that never continue the line before: another region or reader, a rule line
        on either side, a blank line before."""
        lines, n = self.lines, len(self.lines)
        cut: set[int] = set()
        for field in ("region", "origin"):
            values = list(map(attrgetter(field), lines))
            if values.count(values[0]) != n:  # most documents have one reader, the body one region
                cut.update(compress(range(1, n), map(ne, values[1:], values)))
        cut.update(self.rule, [r + 1 for r in self.rule], compress(range(n), map(attrgetter("gap_before"), lines)))
        return cut

    def paragraph_starts(self) -> list[int]:
        """Indices of the lines that start a paragraph: every line that does not continue the
        paragraph of the line before it, a paragraph being in capitals when its first line is.
        One loop with the line facts at hand (a call per line costs more than its rules)."""
        texts, lens, firsts, lower = self.texts, self.lens, self.firsts, self.lower_chars
        bare, marker, caps_lines, short_first = self.bare, self.marker, self.caps, self.short_first
        n = len(texts)
        cut = self._cuts()
        margin = self.margin  # a first-line indent (PDF) starts a paragraph
        indent = set() if margin is None else {
            i for i, ln in enumerate(self.lines) if ln.x0 is not None and ln.x0 - margin > 0.03}
        wrap = max(self.wrap, 1)
        out = [0]
        caps = lens[0] > 3 and 0 in caps_lines
        for i in range(1, n):
            if i in cut:
                pass
            elif i - 1 in bare:
                continue  # "II." ⏎ "NHIỆM VỤ TRỌNG TÂM": a number alone on its line heads the next one
            elif i in marker:
                if _is_hyphen_continuation(texts[i - 1], texts[i]):
                    continue
            else:
                p = texts[i - 1]
                n_lower = firsts[i] in lower
                if n_lower and p.endswith(":"):
                    continue  # "- Cơ quan phối hợp thực hiện:" / "các sở, ban, ngành …"
                if i not in indent:
                    ends_closed = p.endswith(_END_PUNCT)
                    # "II. MỤC TIÊU, …, TẦM NHÌN" / "ĐẾN NĂM 2045"; a line in lower case; a line
                    # after one stopping mid-phrase
                    if not ends_closed and (
                            (caps and i in caps_lines) or n_lower or p.endswith(_OPEN_END)
                            or p.rsplit(" ", 1)[-1] in _OPEN_WORDS):
                        continue
                    # unless a short first line of a portal paragraph ("…chính sách xã hội" / "Sở
                    # Kế hoạch và Đầu tư chủ trì," / "phối hợp…"), a line after a full one goes on
                    if not (short_first and not n_lower and i + 1 < n and lens[i] / wrap < 0.55
                            and firsts[i + 1] in lower and not texts[i].endswith(_END_PUNCT)):
                        if lens[i - 1] / wrap >= 0.8 and not (ends_closed and caps):
                            continue
            out.append(i)
            caps = lens[i] > 3 and i in caps_lines
        return out


def _spaced(texts: list[str]) -> list[str]:
    """``" ".join(t.split())`` of each stripped text: the text itself when it has no double space
    and prints (every other space of str.split is unprintable, and no two are adjacent), and all
    of them at once when the texts joined by single spaces do (neither then holds one)."""
    whole = " ".join(texts)
    if "  " not in whole and whole.isprintable():
        return texts
    return [t if "  " not in t and t.isprintable() else " ".join(t.split()) for t in texts]


def build_blocks(lines: list[Line], layout: str = "wrapped") -> list[Block]:
    """Join logical lines into paragraphs (``paragraphs`` layout: one line is one paragraph)."""
    if not lines:
        return []
    if layout == "paragraphs":
        return [Block.single(" ".join(ln.text.split()), ln) for ln in lines if ln.text.strip()]
    joiner = _Joiner(lines)
    parts = _spaced(joiner.texts)
    # every paragraph is a run of lines, its text a slice of all the parts joined by spaces
    whole = " ".join(parts)
    # each part and its space (the texts' NULs when the parts are the texts)
    offsets = joiner._starts if parts is joiner.texts else list(accumulate(map((1).__add__, map(len, parts)), initial=0))
    firsts = joiner.paragraph_starts()
    blocks: list[Block] = []
    for a, b in zip(firsts, [*firsts[1:], len(lines)], strict=True):
        base = offsets[a]
        blocks.append(Block(whole[base:offsets[b] - 1], lines[a:b], list(map(base.__rsub__, offsets[a:b]))))
    return blocks
