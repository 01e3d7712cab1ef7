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
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import replace
from itertools import accumulate

import regex

from .grammar_cache import rx
from .normalize import clean
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
_LOWER_START = rx(r"^[\p{Ll}\d(\"“”]")
_CAPS_LINE = rx(r"^[^\p{Ll}]*\p{Lu}[^\p{Ll}]*$")
# Compiled once, as these run for every line.
_DASH_ITEM = rx(r"^\s*[-–]\s+(\S+)")
_HYPHEN_NAME_END = rx(r"(?:Lao động|Văn hóa|Văn hoá|Khoa học|Giáo dục|Kinh tế|Chính trị)\s*$")
_DASH_PLUS = rx(r"^\s*[-+]\s")
# Which lines can match RULE_RE, MARKER_RE, _BARE_MARKER, _DASH_PLUS, asked of the stripped texts
# joined by NULs (one before each text and after the last): the characters a match needs at the
# text's start or end, each pattern opening with a literal NUL the engine scans for quickly. ``\s``
# stays in: ``str.strip`` need not drop every character the engine counts as a space.
_RULE_CHARS = r"[\s|\-–—_=*.]"  # a rule line has no other character (see RULE_RE)
_RULE_CANDIDATE = rx(rf"\x00{_RULE_CHARS}+(?=\x00)")
_MARKER_CANDIDATE = rx(r"\x00(?:[\sPIVXL\d\-–—+•*▪●◦]|[a-zđ][.)])")  # "a) …", "b. …"
_BARE_MARKER_CANDIDATE = rx(r"(?<=[\s.)])\x00")  # the NUL after a text ending so
_DASH_PLUS_CANDIDATE = rx(r"\x00[\s\-+]")

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
_CUE_SCANS = (*(rx(p) for p in _SPLIT_CUE_PARTS[:-1]), rx(_MARKER_DOT % r"[\s\x00]|$"))


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
    joined = "\x00".join(texts)
    starts = list(accumulate(map((1).__add__, map(len, texts)), initial=0))  # each text and its NUL
    out: set[int] = set()
    for cue in _CUE_SCANS:
        pos = 0
        while (m := cue.search(joined, pos)) is not None:
            k = bisect_right(starts, m.start()) - 1
            out.add(k)
            pos = starts[k + 1]
    return out


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
    out: list[Line] = []
    for k, ln in enumerate(nonblank):
        if k in page_ends and ln.region == "body" and PAGE_NUMBER_RE.match(ln.text):
            continue
        if ln.origin == "docx" or k not in cues:
            out.append(ln)
            continue
        out.extend(_split_inline(ln))
    return out


def wrap_width(lines: list[Line]) -> int:
    """The document's own wrap width: a high percentile of line lengths."""
    return _wrap_of([len(ln.text.strip()) for ln in lines])


def _wrap_of(lengths: list[int]) -> int:
    """``wrap_width`` from the lengths of the stripped line texts."""
    lens = sorted([n for n in lengths if n > 10])
    if not lens:
        return 80
    return lens[min(len(lens) - 1, int(len(lens) * 0.9))]


def _is_hyphen_continuation(prev: str, nxt: str) -> bool:
    """"Sở Lao động" / "- Thương binh và Xã hội": an agency name broken at its own hyphen.

    A bullet line starting in lower case ("- xã hội") is always a continuation; one starting
    in upper case continues when the previous line stops mid-phrase (no closing punctuation)
    and names a body whose official name has a hyphen.
    """
    m = _DASH_ITEM.match(nxt)
    if not m or prev.rstrip().endswith((*_END_PUNCT, ",")):
        return False
    word = m.group(1)
    if word[:1].islower():
        return True
    return _HYPHEN_NAME_END.search(prev) is not None


class _Joiner:
    """What ``continues`` asks about each printed line, worked out once per line: the stripped
    text, and whether it is a rule, a bare marker, a marker, or starts in lower case.

    A grammar is asked only of the lines that show what every match of it needs at the start or
    end of the text, all found by one scan of the texts joined by NULs; whether a text starts in
    lower case is asked once per distinct first character. tests/test_speed_skeleton.py holds
    each against its grammar."""

    def __init__(self, lines: list[Line]) -> None:
        self.lines = lines
        self.texts = texts = [ln.text.strip() for ln in lines]
        joined = "\x00" + "\x00".join(texts) + "\x00"
        self._starts = list(accumulate(map((1).__add__, map(len, texts)), initial=0))  # each text's NUL
        self.rule = self._where(RULE_RE, _RULE_CANDIDATE.finditer(joined))
        self.marker = self._where(MARKER_RE, _MARKER_CANDIDATE.finditer(joined))
        self.bare = self._where(_BARE_MARKER, _BARE_MARKER_CANDIDATE.finditer(joined), -1)
        self.lower_chars = {c for c in {t[:1] for t in texts} if _LOWER_START.match(c)}
        self.wrap = _wrap_of(list(map(len, texts)))
        xs = [ln.x0 for ln in lines if ln.x0 is not None]
        self.margin = statistics.median_low(sorted(xs)[: max(1, len(xs) // 2)]) if xs else None
        self.short_first = self._short_first(joined)

    def _where(self, pattern: regex.Pattern[str], candidates: Iterable[regex.Match[str]], shift: int = 0) -> set[int]:
        """Indices of the lines whose stripped text ``pattern`` matches, among the candidates (NULs
        before a text, or with ``shift`` -1 after it)."""
        out: set[int] = set()
        for m in candidates:
            i = bisect_right(self._starts, m.start()) - 1 + shift
            if pattern.match(self.texts[i]):
                out.add(i)
        return out

    def _fill(self, i: int) -> float:
        return len(self.texts[i]) / max(self.wrap, 1)

    def _short_first(self, joined: str) -> bool:
        """Portal copies (thuvienphapluat-style) print each paragraph's first line short (~30
        characters) and the rest at full width: then a short capitalised line followed by a
        continuation is a paragraph start, not the tail of the previous paragraph."""
        firsts = hits = 0
        lines, texts, lower = self.lines, self.texts, self.lower_chars
        for m in _DASH_PLUS_CANDIDATE.finditer(joined, 0, self._starts[-2] if len(texts) > 1 else 0):
            i = bisect_right(self._starts, m.start()) - 1
            if _DASH_PLUS.match(lines[i].text):  # "- …", "+ …" (the text as printed, not stripped)
                firsts += 1
                hits += self._fill(i) < 0.55 and texts[i + 1][:1] in lower
        return firsts >= 5 and hits / firsts > 0.6

    def continues(self, i: int, para_caps: bool) -> bool:
        """Does line ``i`` continue the paragraph whose last printed line is line ``i - 1``?"""
        prev, nxt = self.lines[i - 1], self.lines[i]
        if prev.region != nxt.region or prev.origin != nxt.origin:
            return False
        if i - 1 in self.rule or i in self.rule or nxt.gap_before:
            return False
        if i - 1 in self.bare:
            return True  # "II." ⏎ "NHIỆM VỤ TRỌNG TÂM": a number alone on its line heads the next one
        p, n = self.texts[i - 1], self.texts[i]
        if i in self.marker:
            return _is_hyphen_continuation(p, n)
        n_lower = n[:1] in self.lower_chars
        if n_lower and p.endswith(":"):
            return True  # "- Cơ quan phối hợp thực hiện:" / "các sở, ban, ngành …"
        ends_closed = p.endswith(_END_PUNCT)
        # a first-line indent (PDF) starts a paragraph
        margin = self.margin
        if margin is not None and nxt.x0 is not None and nxt.x0 - margin > 0.03:
            return False
        if not ends_closed:
            if para_caps and _CAPS_LINE.match(n):
                return True  # "II. MỤC TIÊU, …, TẦM NHÌN" / "ĐẾN NĂM 2045"
            if n_lower or p.endswith((",", "-", "–", "(", "/")) or p.rsplit(" ", 1)[-1] in _OPEN_WORDS:
                return True
        if (self.short_first and not n_lower and i + 1 < len(self.lines) and self._fill(i) < 0.55
                and self.texts[i + 1][:1] in self.lower_chars and not n.endswith(_END_PUNCT)):
            return False  # "…chính sách xã hội" / "Sở Kế hoạch và Đầu tư chủ trì," / "phối hợp…"
        if self._fill(i - 1) >= 0.8:
            return not (ends_closed and para_caps)
        return False


def build_blocks(lines: list[Line], layout: str = "wrapped") -> list[Block]:
    """Join logical lines into paragraphs (``paragraphs`` layout: one line is one paragraph)."""
    if not lines:
        return []
    if layout == "paragraphs":
        return [Block.single(" ".join(ln.text.split()), ln) for ln in lines if ln.text.strip()]
    joiner = _Joiner(lines)
    texts = joiner.texts
    blocks: list[Block] = []
    cur: list[int] = []  # indices of the lines of the paragraph being joined
    caps = False

    def flush() -> None:
        if not cur:
            return
        # a stripped text with no space but single ' ' is already what split/join gives: every other
        # space of str.split is unprintable, and no two are adjacent
        parts = [t if "  " not in t and t.isprintable() else " ".join(t.split()) for t in (texts[k] for k in cur)]
        starts = list(accumulate(map((1).__add__, map(len, parts[:-1])), initial=0))  # each part and its space
        blocks.append(Block(" ".join(parts), [lines[k] for k in cur], starts))

    for i in range(len(lines)):
        if cur and joiner.continues(i, caps):
            cur.append(i)
            continue
        flush()
        cur = [i]
        t = texts[i]
        caps = len(t) > 3 and _CAPS_LINE.match(t) is not None
    flush()
    return blocks
