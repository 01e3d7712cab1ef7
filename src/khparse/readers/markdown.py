"""Markdown conversions of plans (hand- or AI-made): strip the markup, keep the printed words.

Converters add ``#`` headings, ``**bold**``, ``*`` bullets, rules and code fences that were never
printed; pipe tables are the document's real tables and become ``Table`` objects.
"""

from __future__ import annotations

from dataclasses import replace

import regex

from ..grammar_cache import rx
from ..source import Line, Table, new_line

# "## ĐẢNG CỘNG SẢN VIỆT NAM" (ddqh-kh-3260, indented by the converter) → the heading text.
_HEADING = rx(r"^\s{0,12}(?P<hashes>#{1,6})\s+(?P<text>.*?)\s*#*\s*$")
# "**I. MỤC ĐÍCH, YÊU CẦU**" / "__x__" → bold text.
_BOLD = rx(r"(?<!\\)(\*\*|__)(?=\S)(?P<text>.+?)(?<=\S)(?<!\\)\1")
# "*Nơi nhận:*" → italic text (a single asterisk; underscores are left alone: they occur in names).
_ITALIC = rx(r"(?<![\\*\w])\*(?=[^\s*])(?P<text>[^*]+?)(?<=[^\s*])\*(?![*\w])")
# "~~x~~" struck-through text keeps its words.
_STRIKE = rx(r"~~(?P<text>.+?)~~")
# "`code`" spans.
_CODE = rx(r"`(?P<text>[^`]+)`")
# "![alt](src)" images and "[text](url)" links → alt / text.
_LINK = rx(r"!?\[(?P<text>[^\]]*)\]\([^)]*\)")
# "\." "\-" "\*" backslash escapes → the character.
_ESCAPE = rx(r"\\(?P<ch>[\\`*_{}\[\]()#+\-.!|~<>])")
# "<br>", "<br/>" inside a cell or line.
_BR = rx(r"<br\s*/?>", regex.IGNORECASE)
# Other inline HTML tags ("<u>", "</sup>").
_TAG = rx(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
# "*   Quán triệt …" / "+ …" converter bullets; the printed plan used a dash.
_STAR_BULLET = rx(r"^\s*\*\s+(?=\S)")
# "> quoted" block quotes.
_QUOTE = rx(r"^\s{0,3}>\s?")
# "---", "***", "___" horizontal rules (the converter's, not the printed "–––" rule).
_RULE = rx(r"^\s{0,3}([-*_])(?:\s*\1){2,}\s*$")
# "```" / "~~~" code fences (ddqh-kh-3260 ends with one).
_FENCE = rx(r"^\s*(```|~~~)")
# "| TT  | Chỉ tiêu | …" pipe-table rows.
_TABLE_ROW = rx(r"^\s*\|.*\|\s*$")
# "| --- | :---: |" the separator row under a pipe-table header.
_TABLE_SEP = rx(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
# "**I.**" bold in the body: a line that is bold markup (counts toward detection).
_BOLD_LINE = rx(r"\*\*\S.*?\*\*")
# The HTML entities converters leave in text ("&nbsp;", "&amp;"); others are left as printed.
_ENTITIES = {"&nbsp;": " ", "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'"}
_ENTITY = rx("|".join(regex.escape(k) for k in _ENTITIES))
# Unescaped "|" separating pipe-table cells.
_CELL_SPLIT = rx(r"(?<!\\)\|")


def looks_like_markdown(text: str) -> bool:
    """Heuristic: several converter artefacts (headings, bold, pipe tables) in the first 400 lines.

    Each grammar is tried only on lines holding a character it cannot match without ("#", "|" and
    "-", "**"): ``looks_like_markdown_plain`` tries all three on every line.
    """
    score = 0
    for raw in text.splitlines()[:400]:
        if "#" in raw and _HEADING.match(raw):
            score += 1
        elif "|" in raw and "-" in raw and _TABLE_SEP.match(raw):
            score += 3
        elif "**" in raw and _BOLD_LINE.search(raw):
            score += 1
        else:
            continue
        if score >= 3:
            return True
    return False


def looks_like_markdown_plain(text: str) -> bool:
    """``looks_like_markdown`` as first written (the plain form its test compares with).

    Heuristic: several converter artefacts (headings, bold, pipe tables) in the first 400 lines."""
    score = 0
    for raw in text.splitlines()[:400]:
        if _HEADING.match(raw):
            score += 1
        elif _TABLE_SEP.match(raw) and "-" in raw and "|" in raw:
            score += 3
        elif _BOLD_LINE.search(raw):
            score += 1
        if score >= 3:
            return True
    return False


def strip_inline(text: str, *, br: str = " ") -> str:
    """Inline markup off, printed words kept."""
    text = _BR.sub(br, text)
    text = _TAG.sub("", text)
    text = _LINK.sub(lambda m: m["text"], text)
    text = _CODE.sub(lambda m: m["text"], text)
    for _ in range(2):  # nested "***x***"
        text = _BOLD.sub(lambda m: m["text"], text)
        text = _ITALIC.sub(lambda m: m["text"], text)
    text = _STRIKE.sub(lambda m: m["text"], text)
    text = _ESCAPE.sub(lambda m: m["ch"], text)
    return _ENTITY.sub(lambda m: _ENTITIES[m[0]], text)


def _cells(row: str) -> list[str]:
    body = row.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    return [strip_inline(c.strip(), br="\n").strip() for c in _CELL_SPLIT.split(body)]


def parse_markdown(text: str) -> tuple[list[Line], list[Table]]:
    """Lines (numbered as in the source file) and pipe tables.

    Dropped: code fences, converter rules. Headings and bullets lose their markers (``*`` bullets
    become ``-``, as printed). Table rows are not also emitted as lines.
    """
    raw_lines = text.split("\n")
    lines: list[Line] = []
    tables: list[Table] = []
    i = 0
    while i < len(raw_lines):
        raw = raw_lines[i].rstrip()
        n = i + 1
        # A pipe table: header row followed by a separator row.
        if _TABLE_ROW.match(raw) and i + 1 < len(raw_lines) and _TABLE_SEP.match(raw_lines[i + 1]):
            rows = [_cells(raw)]
            j = i + 2
            while j < len(raw_lines) and _TABLE_ROW.match(raw_lines[j].rstrip()):
                rows.append(_cells(raw_lines[j]))
                j += 1
            width = max(len(r) for r in rows)
            rows = [r + [""] * (width - len(r)) for r in rows]
            tables.append(Table(rows=rows, line=n, page=None, index=len(tables), after_line=len(lines)))
            i = j
            continue
        i += 1
        if _FENCE.match(raw) or _RULE.match(raw):
            continue
        heading = _HEADING.match(raw)
        if heading:
            raw = heading["text"]
        else:
            raw = _QUOTE.sub("", raw)
            raw = _STAR_BULLET.sub("- ", raw, count=1)
        lines.append(new_line(strip_inline(raw).rstrip(), n))  # Line(…, n, None, "text")
    while lines and not lines[-1].text:
        lines.pop()
    tables = [replace(t, after_line=min(t.after_line, len(lines))) for t in tables]
    return lines, tables
