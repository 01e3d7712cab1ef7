"""DOCX: paragraphs and tables in body order; the header and signature tables read as regions.

Vietnamese plans put the agency/number (left) and motto/date (right) in a borderless table above
the title, and "Nơi nhận:" (left) beside the signer block (right) in another one at the end.
Those two tables are text, read column by column; every other table is data (``Table``).

Numbering: ``Line.line`` is the 1-based index of the paragraph in document order, counting every
paragraph (empty ones and those inside table cells too), so it stays stable whatever we emit.
Empty paragraphs are not emitted. Merged cells (gridSpan / vMerge) repeat their text in every
grid cell they cover, as ``source.Table`` promises.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Literal

from ..errors import CorruptInput, EmptyInput, EncryptedPdf, LimitExceeded, UnsupportedFormat
from ..source import Line, SourceDoc, Table
from .layout import CLOSING_MARK, HEADER_MARK, TITLE
from .legacy import decode as legacy_decode
from .legacy import encoding_for_font, is_unicode_vietnamese

# The document's default font when it is a TCVN3/VNI one (runs without their own rFonts).
_LEGACY_DEFAULT: ContextVar[tuple[str, bool] | None] = ContextVar("_LEGACY_DEFAULT", default=None)
_NO_LEGACY: ContextVar[bool] = ContextVar("_NO_LEGACY", default=False)

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_P, _TBL, _TR, _TC, _R = f"{_W}p", f"{_W}tbl", f"{_W}tr", f"{_W}tc", f"{_W}r"
_SDT, _SDT_CONTENT, _CUSTOM_XML = f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml"
# Containers whose children belong to the same flow (content controls, tracked insertions,
# smart tags, hyperlinks, fields): descend into them.
_TRANSPARENT = {_SDT, _SDT_CONTENT, _CUSTOM_XML, f"{_W}ins", f"{_W}hyperlink", f"{_W}smartTag",
                f"{_W}fldSimple", f"{_W}moveTo", f"{_MC}AlternateContent", f"{_MC}Choice"}
# Never printed, or printed elsewhere: deleted text, text boxes (duplicated in mc:Fallback),
# field codes, footnote marks.
_SKIP = {f"{_W}del", f"{_W}moveFrom", f"{_W}txbxContent", f"{_MC}Fallback", f"{_W}pPr", f"{_W}rPr",
         f"{_W}instrText", f"{_W}delText", f"{_W}drawing", f"{_W}pict", f"{_W}object"}

# ZIP-bomb guards, checked on the declared sizes before anything is inflated. The largest
# document.xml in the corpus is ~3 MB; lxml needs ~5x its size to hold the tree.
MAX_DOCUMENT_XML = 64 << 20
MAX_UNPACKED = 256 << 20  # all parts together (python-docx loads every one, images included)

_MAX_CLOSING_ROWS = 4  # signature tables have 1-3 rows; task tables with "CHỦ TỊCH" cells are long


@dataclass
class _Cell:
    paras: list[tuple[int, str]]  # (paragraph number, text) in order
    col: int
    span: int
    continues: bool  # vMerge continuation: the text belongs to the cell above

    @property
    def text(self) -> str:
        return "\n".join(t.strip() for _, t in self.paras if t.strip())


@dataclass
class _State:
    counter: int = 0
    lines: list[Line] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    seen_title: bool = False
    seen_body: bool = False


def read_docx(name: str, data: bytes) -> SourceDoc:
    """Read a .docx (any ZIP is checked for ``word/document.xml`` first)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            if "word/document.xml" not in names:
                what = ("spreadsheet (xlsx)" if "xl/workbook.xml" in names else
                        "OpenDocument file" if "mimetype" in names else "ZIP archive")
                raise UnsupportedFormat(f"{name}: {what} without word/document.xml, not a Word document")
            _check_unpacked_size(name, zf)
            bad = zf.testzip()
            if bad is not None:
                raise CorruptInput(f"{name}: corrupt DOCX (member {bad} fails its CRC check)")
    except zipfile.BadZipFile as exc:
        raise CorruptInput(f"{name}: corrupt or truncated DOCX/ZIP ({exc})") from None
    except (EOFError, OSError, ValueError, zlib.error) as exc:  # zipfile lets zlib's errors through
        raise CorruptInput(f"{name}: corrupt or truncated DOCX/ZIP ({exc})") from None
    except NotImplementedError as exc:  # zipfile: a compression method or ZIP version it lacks
        raise UnsupportedFormat(f"{name}: ZIP feature not supported ({exc})") from None
    except RuntimeError as exc:  # zipfile: an encrypted member ("password required")
        if "encrypted" in str(exc) or "password" in str(exc):
            raise EncryptedPdf(f"{name}: encrypted ZIP member (password required)") from None
        raise CorruptInput(f"{name}: corrupt DOCX/ZIP ({exc})") from None
    try:
        import docx  # python-docx

        document: Any = docx.Document(io.BytesIO(data))
        body = document.element.body
    except Exception as exc:
        raise CorruptInput(f"{name}: DOCX cannot be parsed ({type(exc).__name__}: {exc})") from None
    state = _State()
    try:
        default_font = document.styles["Normal"].font.name
    except Exception:  # no Normal style: no default font
        default_font = None
    token = _LEGACY_DEFAULT.set(encoding_for_font(default_font))
    try:
        for el in _blocks(body):
            if el.tag == _P:
                _emit_paragraph(state, el)
            else:
                _emit_table(state, el)
    finally:
        _LEGACY_DEFAULT.reset(token)
    if not state.lines and not any(any(c for c in r) for t in state.tables for r in t.rows):
        raise EmptyInput(f"{name}: DOCX has no text")
    return SourceDoc(path=name, sha256="", format="docx", lines=state.lines, tables=state.tables,
                     layout="paragraphs")


def _check_unpacked_size(name: str, zf: zipfile.ZipFile) -> None:
    """Refuse a ZIP bomb before inflating anything: python-docx loads every part into memory and
    lxml builds a tree of each XML part. ``zipfile`` never inflates a member past its declared
    size (it stops and fails the CRC), so the declared sizes are a safe bound."""
    doc_xml = zf.getinfo("word/document.xml").file_size
    total = sum(info.file_size for info in zf.infolist())
    if doc_xml > MAX_DOCUMENT_XML:
        raise LimitExceeded(f"{name}: word/document.xml unpacks to {doc_xml} bytes, more than the "
                            f"{MAX_DOCUMENT_XML} allowed (a ZIP bomb?)")
    if total > MAX_UNPACKED:
        raise LimitExceeded(f"{name}: DOCX unpacks to {total} bytes, more than the {MAX_UNPACKED} "
                            f"allowed (a ZIP bomb?)")


def _blocks(container: Any) -> Iterator[Any]:
    """Block-level w:p / w:tbl children in order, looking through content controls."""
    for child in container.iterchildren():
        tag = child.tag
        if tag in (_P, _TBL):
            yield child
        elif tag in (_SDT, _SDT_CONTENT, _CUSTOM_XML):
            yield from _blocks(child)


def paragraph_text(p: Any) -> str:
    """Printed text of a w:p: soft breaks (w:br, w:cr) as "\\n", tabs as spaces, hidden runs out."""
    parts: list[str] = []
    _collect(p, parts)
    text = "".join(parts)
    raw: list[str] = []
    token = _NO_LEGACY.set(True)
    try:
        _collect(p, raw)
    finally:
        _NO_LEGACY.reset(token)
    plain = "".join(raw)
    if plain != text and is_unicode_vietnamese(plain):
        text = plain  # a paragraph already in Unicode: its ".VnTime" font name is a leftover
    return text.strip("\n").rstrip()


def _collect(el: Any, parts: list[str]) -> None:
    for child in el.iterchildren():
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP:
            continue
        if tag == _R:
            if _hidden(child):
                continue
            _run(child, parts)
        elif tag in _TRANSPARENT or tag == _P:
            _collect(child, parts)


def _hidden(run: Any) -> bool:
    rpr = run.find(f"{_W}rPr")
    if rpr is None:
        return False
    vanish = rpr.find(f"{_W}vanish")
    return vanish is not None and vanish.get(f"{_W}val") not in ("0", "false", "off")


def _run_legacy(run: Any) -> tuple[str, bool] | None:
    """TCVN3/VNI run by its font (``.VnTime``, ``.VnTimeH``, ``VNI-Times``), else the default."""
    rpr = run.find(f"{_W}rPr")
    fonts = rpr.find(f"{_W}rFonts") if rpr is not None else None
    if fonts is not None:
        name = fonts.get(f"{_W}ascii") or fonts.get(f"{_W}hAnsi")
        if name:
            return encoding_for_font(name)
    return _LEGACY_DEFAULT.get()


def _run(run: Any, parts: list[str]) -> None:
    old = _run_legacy(run) if run.tag == _R and not _NO_LEGACY.get() else None
    for child in run.iterchildren():
        tag = child.tag
        if tag == f"{_W}t":
            t = child.text or ""
            parts.append(legacy_decode(t, old[0], upper=old[1]) if old else t)
        elif tag in (f"{_W}tab", f"{_W}ptab"):
            parts.append(" ")
        elif tag in (f"{_W}br", f"{_W}cr"):
            parts.append("\n")
        elif tag == f"{_W}noBreakHyphen":
            parts.append("-")
        elif tag == f"{_MC}AlternateContent":
            choice = child.find(f"{_MC}Choice")
            if choice is not None:
                _run(choice, parts)


def _emit_paragraph(state: _State, p: Any) -> None:
    state.counter += 1
    text = paragraph_text(p)
    if not text.strip():
        return
    if not state.seen_title and TITLE.match(text):
        state.seen_title = True
    state.seen_body = True
    state.lines.append(Line(text, line=state.counter, page=None, origin="docx"))


def _table_grid(tbl: Any, state: _State) -> list[list[_Cell]]:
    """Rows of cells with grid positions; numbers every paragraph inside, in document order."""
    rows: list[list[_Cell]] = []
    for tr in _children(tbl, _TR):
        col = 0
        trpr = tr.find(f"{_W}trPr")
        if trpr is not None:
            before = trpr.find(f"{_W}gridBefore")
            if before is not None:
                col = _int(before.get(f"{_W}val"), 0)
        cells: list[_Cell] = []
        for tc in _children(tr, _TC):
            span, continues = 1, False
            tcpr = tc.find(f"{_W}tcPr")
            if tcpr is not None:
                gs = tcpr.find(f"{_W}gridSpan")
                if gs is not None:
                    span = max(1, _int(gs.get(f"{_W}val"), 1))
                vm = tcpr.find(f"{_W}vMerge")
                if vm is not None and vm.get(f"{_W}val") != "restart":
                    continues = True
            paras: list[tuple[int, str]] = []
            _cell_paragraphs(tc, state, paras)
            cells.append(_Cell(paras=paras, col=col, span=span, continues=continues))
            col += span
        rows.append(cells)
    return rows


def _cell_paragraphs(container: Any, state: _State, out: list[tuple[int, str]]) -> None:
    for el in _blocks(container):
        if el.tag == _P:
            state.counter += 1
            out.append((state.counter, paragraph_text(el)))
        else:  # a nested table: its paragraphs belong to the cell, row by row
            for tr in _children(el, _TR):
                for tc in _children(tr, _TC):
                    _cell_paragraphs(tc, state, out)


def _children(el: Any, tag: str) -> Iterator[Any]:
    for child in el.iterchildren():
        if child.tag == tag:
            yield child
        elif child.tag in (_SDT, _SDT_CONTENT, _CUSTOM_XML):
            yield from _children(child, tag)


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _emit_table(state: _State, tbl: Any) -> None:
    first_line = state.counter + 1
    grid = _table_grid(tbl, state)
    cells = [c for row in grid for c in row]
    text = "\n".join(c.text for c in cells if c.text)
    region: Literal["header", "closing"] | None = None
    if not state.seen_title and HEADER_MARK.search(text):
        region = "header"
    elif state.seen_body and len(grid) <= _MAX_CLOSING_ROWS and CLOSING_MARK.search(text):
        region = "closing"
    if region is not None:
        _emit_region(state, grid, region)
        return
    if not text.strip() and not grid:
        return
    state.tables.append(Table(rows=_grid_texts(grid), line=first_line, page=None,
                              index=len(state.tables), after_line=len(state.lines)))
    state.seen_body = True


def _emit_region(state: _State, grid: list[list[_Cell]], region: Literal["header", "closing"]) -> None:
    """Header/signature table as lines: column by column (left first), top to bottom in each.

    A merged cell is read once, at its first grid column; vMerge continuations add nothing.
    """
    by_col: dict[int, list[_Cell]] = {}
    for row in grid:
        for cell in row:
            if not cell.continues:
                by_col.setdefault(cell.col, []).append(cell)
    for col in sorted(by_col):
        for cell in by_col[col]:
            for n, t in cell.paras:
                if t.strip():
                    state.lines.append(Line(t, line=n, page=None, origin="docx", region=region))


def _grid_texts(grid: list[list[_Cell]]) -> list[list[str]]:
    """Cell texts on the full grid; merged cells repeat their text in each grid cell covered."""
    width = max((c.col + c.span for row in grid for c in row), default=0)
    out: list[list[str]] = []
    for r, row in enumerate(grid):
        texts = [""] * width
        for cell in row:
            value = cell.text
            if cell.continues and r > 0:
                value = out[r - 1][cell.col] if cell.col < len(out[r - 1]) else ""
            for k in range(cell.col, cell.col + cell.span):
                texts[k] = value
        out.append(texts)
    return out
