"""Printed lines → logical lines → paragraphs.

Portals and PDF extractors wrap paragraphs at arbitrary points, break headings mid-phrase, put
page numbers inside sentences, and (thuvienphapluat exports) flatten a whole header and several
headings onto one line. This module undoes that, using only cues that hold across documents:
structural markers, sentence punctuation, line fill relative to the document's own wrap
width, letter case, and first-line indent where the reader knows it.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import replace
from itertools import pairwise

import regex

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

MARKER_RE = regex.compile(rf"^\s*(?:{APPENDIX}|{ROMAN}|{DOTTED}|{ARABIC}|{LETTER}|{BULLET})")

# A bare page number or "Trang 3/12" printed as its own line.
PAGE_NUMBER_RE = regex.compile(r"^\s*(?:-\s*)?(?:Trang\s+)?\d{1,3}(?:\s*/\s*\d{1,3})?(?:\s*-)?\s*$")
# Table-cell separators ("|") of portal copies and rule lines ("-------", "–––––", "___").
RULE_RE = regex.compile(r"^\s*(?:\||[-–—_=*.]{3,}|[-–—_]\s?[-–—_](?:\s?[-–—_])+)\s*$")

# Words a wrapped line cannot end on when its paragraph goes on (prepositions, conjunctions,
# classifiers): "1. Căn cứ vào các nội dung của / Kế hoạch này".
_OPEN_WORDS = {
    "của", "và", "với", "các", "về", "cho", "theo", "trong", "tại", "số", "ngày", "đến", "là", "được",
    "có", "những", "để", "từ", "trên", "dưới", "như", "hoặc", "hay", "thuộc", "nhằm", "bằng", "vào",
    "khi", "mà", "do", "bởi", "qua", "giữa", "đối", "sự", "việc", "một", "mọi", "tháng", "năm", "quý",
    "Sở", "Ban", "Bộ", "Ủy", "Phòng", "Cục", "Chi",
}
_BARE_MARKER = regex.compile(r"^\s*(?:[IVXL]{1,6}|\d{1,2}(?:\.\d{1,2})*|[a-zđ])[.)]\s*$")
_END_PUNCT = (".", ";", ":", "!", "?", "./.")
_LOWER_START = regex.compile(r"^[\p{Ll}\d(\"“”]")
_CAPS_LINE = regex.compile(r"^[^\p{Ll}]*\p{Lu}[^\p{Ll}]*$")
# Compiled once, as these run for every line.
_DASH_ITEM = regex.compile(r"^\s*[-–]\s+(\S+)")
_HYPHEN_NAME_END = regex.compile(r"(?:Lao động|Văn hóa|Văn hoá|Khoa học|Giáo dục|Kinh tế|Chính trị)\s*$")
_DASH_PLUS = regex.compile(r"^\s*[-+]\s")

# --- inline anchors (flattened portal text) ----------------------------------------------
# Places where a new logical line must start even inside a printed line: the national motto,
# rule lines, "Số:", the place-date line, and section markers after a sentence end or after
# an all-caps heading ("… như sau: I. MỤC ĐÍCH, YÊU CẦU 1. Mục đích 1.1. Tăng cường…").
_INLINE_SPLIT = regex.compile(
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
# a type word after 'năm 2024', or a marker dot ('II.', '1.', '1.1.'). tests/test_shortcuts.py
# holds it against the grammar on real text.
_SPLIT_CUES = regex.compile(
    r"CỘNG|phúc|---|Số\s*:|,\s+ngày\s|năm\s+\d{4}\s+(?:KẾ|CHƯƠNG|BÁO|TỜ|QUYẾT|CHỈ|NGHỊ|ĐỀ)|[IVX\d]\."
)


def _split_inline(line: Line, wrap: int) -> list[Line]:
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


def _with_text(line: Line, text: str) -> Line:
    """``line`` itself when its text is unchanged (a frozen Line; ``replace`` costs ~7 µs)."""
    return line if text == line.text else replace(line, text=text)


def logical_lines(lines: Iterable[Line]) -> list[Line]:
    """Clean every line (NFC etc.), drop blanks and bare page numbers, split flattened lines."""
    cleaned = [_with_text(ln, clean(ln.text).rstrip()) for ln in lines]
    nonblank = [ln for ln in cleaned if ln.text.strip()]
    # A blank line breaks a paragraph, except in PDF-derived text that puts one after every line.
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
    wrap = wrap_width(nonblank)
    out: list[Line] = []
    for ln in nonblank:
        if PAGE_NUMBER_RE.match(ln.text) and ln.region == "body":
            continue
        if ln.origin == "docx":
            out.append(ln)
            continue
        out.extend(_split_inline(ln, wrap))
    return out


def wrap_width(lines: list[Line]) -> int:
    """The document's own wrap width: a high percentile of line lengths."""
    lens = sorted(len(ln.text.strip()) for ln in lines if len(ln.text.strip()) > 10)
    if not lens:
        return 80
    return lens[min(len(lens) - 1, int(len(lens) * 0.9))]


def _is_marker(text: str) -> bool:
    return MARKER_RE.match(text) is not None


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


def _fill(line: Line, wrap: int) -> float:
    return len(line.text.strip()) / max(wrap, 1)


def short_first_style(lines: list[Line], wrap: int) -> bool:
    """Portal copies (thuvienphapluat-style) print each paragraph's first line short (~30
    characters) and the rest at full width: then a short capitalised line followed by a
    continuation is a paragraph start, not the tail of the previous paragraph."""
    firsts = hits = 0
    for a, b in pairwise(lines):
        if _DASH_PLUS.match(a.text):
            firsts += 1
            hits += _fill(a, wrap) < 0.55 and _LOWER_START.match(b.text.strip()) is not None
    return firsts >= 5 and hits / firsts > 0.6


def _continues(prev: Line, nxt: Line, after: Line | None, para_caps: bool, wrap: int,
               margin: float | None, short_first: bool) -> bool:
    """Does ``nxt`` continue the paragraph whose last printed line is ``prev``?"""
    p, n = prev.text.strip(), nxt.text.strip()
    if prev.region != nxt.region or prev.origin != nxt.origin:
        return False
    if RULE_RE.match(p) or RULE_RE.match(n) or nxt.gap_before:
        return False
    if _BARE_MARKER.match(p):
        return True  # "II." ⏎ "NHIỆM VỤ TRỌNG TÂM": a number alone on its line heads the next one
    if _is_marker(n):
        return _is_hyphen_continuation(p, n)
    if p.endswith(":") and _LOWER_START.match(n):
        return True  # "- Cơ quan phối hợp thực hiện:" / "các sở, ban, ngành …"
    ends_closed = p.endswith(_END_PUNCT)
    last_word = p.rsplit(" ", 1)[-1]
    # a first-line indent (PDF) starts a paragraph
    if margin is not None and nxt.x0 is not None and nxt.x0 - margin > 0.03:
        return False
    if para_caps and _CAPS_LINE.match(n) and not ends_closed:
        return True  # "II. MỤC TIÊU, …, TẦM NHÌN" / "ĐẾN NĂM 2045"
    if not ends_closed and (p.endswith((",", "-", "–", "(", "/")) or last_word in _OPEN_WORDS):
        return True
    if not ends_closed and _LOWER_START.match(n):
        return True
    if (short_first and after is not None and _fill(nxt, wrap) < 0.55 and not _LOWER_START.match(n)
            and _LOWER_START.match(after.text.strip()) and not n.endswith(_END_PUNCT)):
        return False  # "…chính sách xã hội" / "Sở Kế hoạch và Đầu tư chủ trì," / "phối hợp…"
    if _fill(prev, wrap) >= 0.8:
        return not (ends_closed and para_caps)
    return False


def build_blocks(lines: list[Line], layout: str = "wrapped") -> list[Block]:
    """Join logical lines into paragraphs (``paragraphs`` layout: one line is one paragraph)."""
    if not lines:
        return []
    if layout == "paragraphs":
        return [Block.single(" ".join(ln.text.split()), ln) for ln in lines if ln.text.strip()]
    wrap = wrap_width(lines)
    xs = [ln.x0 for ln in lines if ln.x0 is not None]
    margin = statistics.median_low(sorted(xs)[: max(1, len(xs) // 2)]) if xs else None
    short_first = short_first_style(lines, wrap)
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
        if cur and _continues(cur[-1], ln, after, caps, wrap, margin, short_first):
            cur.append(ln)
            continue
        flush()
        cur = [ln]
        caps = _CAPS_LINE.match(ln.text.strip()) is not None and len(ln.text.strip()) > 3
    flush()
    return blocks
