"""What every reader hands to the parser: printed lines with provenance, and tables.

Readers (text, JSON/Markdown exports, DOCX, PDF, OCR) differ in how they see a document;
everything after this module sees only a ``SourceDoc``. Text is kept as printed (no NFC, no
spelling fixes); normalisation for matching happens later, in ``normalize``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import MISSING, dataclass, field, fields
from typing import Literal

Origin = Literal["text", "pdf", "docx", "ocr", "table"]
Layout = Literal["wrapped", "paragraphs"]


@dataclass(frozen=True)
class Line:
    """One printed line (``wrapped`` layout) or one paragraph (``paragraphs`` layout).

    In ``paragraphs`` layout a soft line break inside the paragraph is kept as ``\\n`` so the
    header and signature readers can still see the visual lines.
    """

    text: str
    line: int  # 1-based line number in the source (paragraph index for DOCX)
    page: int | None = None  # 1-based page, where the source has pages
    origin: Origin = "text"
    x0: float | None = None  # left edge as a fraction of page width, where known (PDF)
    region: Literal["body", "header", "closing"] = "body"  # set by readers that read by position
    gap_before: bool = False  # a blank line precedes it (a paragraph break), set by ``paragraphs``


# Line's instance dict with every default in place, in field order (text and line are set per line).
_LINE_DEFAULTS: dict[str, object] = {f.name: f.default for f in fields(Line)}
assert all(f.default_factory is MISSING for f in fields(Line)), "new_line copies the defaults"
_new = object.__new__
_set = object.__setattr__


def new_line(text: str, line: int, page: int | None = None, origin: Origin = "text", x0: float | None = None,
             region: Literal["body", "header", "closing"] = "body") -> Line:
    """``Line(text, line, page, origin, x0, region)`` at less than half the cost, for the readers'
    per-line loops.

    The frozen ``__init__`` makes seven ``object.__setattr__`` calls; here a copy of the defaults
    dict becomes the instance dict in one. Same fields in the same order, so equality, hashing,
    ``repr``, ``vars`` and pickles are those of ``Line(...)`` (tests/test_speed_reader.py).
    """
    d = _LINE_DEFAULTS.copy()
    d["text"] = text
    d["line"] = line
    d["page"] = page
    d["origin"] = origin
    d["x0"] = x0
    d["region"] = region
    ln: Line = _new(Line)
    _set(ln, "__dict__", d)
    return ln


def new_lines(texts: Iterable[str], page: int | None = None, origin: Origin = "text") -> list[Line]:
    """``[Line(t, n, page, origin) for n, t in enumerate(texts, 1)]``: ``new_line`` with the call
    and the fixed fields hoisted out of the loop (a text file's lines, ~5 K instructions each)."""
    base = _LINE_DEFAULTS.copy()
    base["page"] = page
    base["origin"] = origin
    copy = base.copy
    lines = []
    for n, text in enumerate(texts, start=1):
        d = copy()
        d["text"] = text
        d["line"] = n
        ln: Line = _new(Line)
        _set(ln, "__dict__", d)
        lines.append(ln)
    return lines


@dataclass(frozen=True)
class Table:
    """A table as a grid of cell texts; merged cells repeat their text in each grid cell."""

    rows: list[list[str]]
    line: int  # provenance of the first row (line number the table starts at)
    page: int | None = None
    index: int = 0  # position among the document's tables
    after_line: int = 0  # index into SourceDoc.lines: the table stands after lines[:after_line]


@dataclass
class SourceDoc:
    path: str
    sha256: str
    format: str  # "text", "json", "markdown", "docx", "pdf"
    lines: list[Line]
    tables: list[Table] = field(default_factory=list)
    pages: int | None = None
    layout: Layout = "wrapped"
    encoding: str | None = None
    ocr_pages: list[int] = field(default_factory=list)
    ocr_confidence: float | None = None
    warnings: list[str] = field(default_factory=list)
