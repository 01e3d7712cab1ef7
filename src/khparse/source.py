"""What every reader hands to the parser: printed lines with provenance, and tables.

Readers (text, JSON/Markdown exports, DOCX, PDF, OCR) differ in how they see a document;
everything after this module sees only a ``SourceDoc``. Text is kept as printed (no NFC, no
spelling fixes); normalisation for matching happens later, in ``normalize``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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
