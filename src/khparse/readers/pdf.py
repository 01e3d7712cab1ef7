"""PDF with a text layer: pypdfium2 for text and positions, pdfplumber only for ruled tables.

Measured on shared/pdf (notes/pdf-backends.md): pypdfium2 ``get_text_range`` is 1.8 ms/page and
exact on body text; positions come from two ``get_charbox`` calls per line (first and last
printed character), which is enough for ``x0`` and for reading the header and signature blocks
by column. pdfplumber costs ~0.12 s per table page, so it only runs on pages whose lines look
tabular (see ``_looks_tabular``).

Numbering: ``Line.line`` is a running counter over the whole document in emission order, so
``(page, line)`` is unique. Text is kept as pdfium gives it (no NFC); a line-end hyphen that
pdfium reports as U+FFFE is printed as "-" and ends the line, as on paper.
"""

from __future__ import annotations

import io
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import regex

from ..errors import CorruptInput, EncryptedPdf, LimitExceeded, NoTextLayer
from ..grammar_cache import rx
from ..source import Line, Origin, SourceDoc, Table, new_line
from .glyphs import is_garbage, repair_pdf_pages  # here, not per read: a sandbox child re-imports
from .layout import AUTHORITY, MOTTO, RECIPIENTS, TITLE_LINE
from .text import bad_share, letter_counts, vietnamese_share

Region = Literal["body", "header", "closing"]

# One line of pdfium text: content up to a line break or to pdfium's line-end hyphen U+FFFE.
_PIECE = rx(r"([^\r\n\ufffe]*)(\ufffe|\r\n|\r|\n|$)")
# A bare page number ("2", "- 2 -", "Trang 2").
_PAGE_NUMBER = rx(r"^\s*(?:Trang\s+)?[-–]?\s*(?P<n>\d{1,4})\s*[-–]?\s*$")
# E-signature stamps drawn as text on scanned PDFs: "SAO Y; CÔNG AN TỈNH LÂM ĐỒNG; 18/03/2026;
# 08:32:14; +07:00" (lamdong-ttr-91), "Ký bởi: …", "Thời gian ký: …".
_STAMP_TIME = r"\d{1,2}:\d{2}:\d{2}|[+-]\d{2}:\d{2}\b"
_STAMP_LABEL = r"(?:Ký\s+bởi|Người\s+ký|Thời\s+gian\s+ký|Signed\s+by|Signature|Cơ\s+quan\s*:|Email\s*:)"
_STAMP = rx(rf"{_STAMP_TIME}|^\s*{_STAMP_LABEL}", regex.IGNORECASE)
# Its two halves, tested apart per line (``_is_stamp``): a time needs a ':', a label is only
# looked for at the line's start, so most lines cost one ``in`` and one anchored match.
_STAMP_TIME_RE = rx(_STAMP_TIME)
_STAMP_LABEL_RE = rx(rf"\s*{_STAMP_LABEL}", regex.IGNORECASE)
# "PHỤ LỤC", "Phụ lục I": an appendix title ends whatever block precedes it.
_APPENDIX = rx(r"^\s*(?:PHỤ\s+LỤC|Phụ\s+lục)\b")
_MIN_LETTERS = 40  # fewer printed letters than this (after stamps) = no usable text on the page
_MIN_VI_SHARE = 0.95  # measured: text pages 1.0; broken ToUnicode maps (laocai-kh-1105) 0.75-0.81


@dataclass(slots=True)  # one per printed line: slots make them smaller and quicker to build
class _Raw:
    """A printed line with its extent in PDF points (y grows upwards)."""

    text: str
    chars: Sequence[int]  # char index of every character of ``text`` (-1 for characters we added)
    x0: float
    x1: float
    top: float
    bottom: float
    region: Region = "body"


@dataclass
class _Page:
    number: int
    width: float
    height: float
    lines: list[_Raw] = field(default_factory=list)
    text: str = ""
    textpage: Any = None
    ocr: bool = False  # lines come from OCR (positions from Tesseract's boxes, chars all -1)


def needs_ocr(page_texts: Sequence[str]) -> list[int]:
    """1-based numbers of pages without usable text: empty, only an e-signature stamp, or garbled.

    The OCR hook: whoever adds OCR runs it on exactly these pages.
    """
    out: list[int] = []
    for k, text in enumerate(page_texts, start=1):
        kept = "\n".join(ln for ln in text.splitlines() if not _is_stamp(ln))
        if unicodedata.is_normalized("NFC", kept):  # pdfium's text, nearly always: C scans
            letters, good, foreign = letter_counts(kept)
            vi_share = good / (good + foreign) if good + foreign else 0.0
            bad = bad_share(kept)
        else:
            counts = Counter(kept)  # one count of the page serves all three tests
            letters = sum(n for ch, n in counts.items() if ch.isalpha())
            vi_share, bad = vietnamese_share(kept, counts), bad_share(kept, counts)
        if letters < _MIN_LETTERS or bad > 0.01 or vi_share < _MIN_VI_SHARE:
            out.append(k)
    return out


def _is_stamp(line: str) -> bool:
    """``_STAMP.search(line)``, cheaper: a time needs a ':', a label is anchored at the start."""
    return _STAMP_LABEL_RE.match(line) is not None or (":" in line and _STAMP_TIME_RE.search(line) is not None)


def _no_text_error(name: str, pages: int, garbled: bool) -> NoTextLayer:
    """The decision point when no page has usable text (the OCR engineer replaces this)."""
    if garbled:
        return NoTextLayer(f"{name}: text layer unusable (fonts without a usable Unicode map) on all "
                           f"{pages} pages; OCR is needed to read it")
    return NoTextLayer(f"{name}: no text layer (scanned PDF?); OCR is needed to read its {pages} pages")


def read_pdf(name: str, data: bytes, *, max_pages: int | None = None, ocr: str = "auto") -> SourceDoc:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        msg = str(exc)
        if "password" in msg.lower():
            raise EncryptedPdf(f"{name}: encrypted PDF (password required)") from None
        raise CorruptInput(f"{name}: corrupt or truncated PDF ({msg})") from None
    try:
        n_pages = len(pdf)
        if n_pages == 0:
            raise CorruptInput(f"{name}: PDF has no pages")
        if max_pages is not None and n_pages > max_pages:
            raise LimitExceeded(f"{name}: {n_pages} pages, more than --max-pages {max_pages}")
        pages = [_read_page(pdf, i) for i in range(n_pages)]
        try:
            _repair_glyphs(data, pdf, pages)
            missing = needs_ocr([p.text for p in pages]) if ocr != "always" else list(range(1, n_pages + 1))
            ocr_conf = None
            if missing and ocr != "never":
                from .ocr import tesseract_ready

                if tesseract_ready() or len(missing) == n_pages:
                    ocr_conf = _run_ocr(pdf, pages, missing)  # MissingTool when tesseract is absent
                    missing = []
            if len(missing) == n_pages:
                garbled = any(sum(ch.isalpha() for ch in p.text) >= _MIN_LETTERS for p in pages)
                raise _no_text_error(name, n_pages, garbled)
            _mark_header(pages[0])
            _mark_closing(pages)
            tables = _find_tables(data, [p for p in pages if not p.ocr])
            doc = _assemble(name, pages, tables, missing)
            if ocr_conf is not None or any(p.ocr for p in pages):
                doc.ocr_pages = [p.number for p in pages if p.ocr]
                doc.ocr_confidence = ocr_conf
            return doc
        finally:
            for p in pages:  # every page closed, not left to the document's close
                if p.textpage is not None:
                    page = p.textpage.page
                    p.textpage.close()
                    page.close()
    except pdfium.PdfiumError as exc:
        raise CorruptInput(f"{name}: PDF cannot be read ({exc})") from None
    finally:
        pdf.close()


def _repair_glyphs(data: bytes, pdf: Any, pages: list[_Page]) -> None:
    """Pages whose text layer is garbage (fonts without a Unicode map): re-read with the glyphs
    decoded (``glyphs``); pages that cannot be repaired stay garbage and go to OCR."""
    bad = [i for i, p in enumerate(pages) if is_garbage(p.text)]
    if not bad:
        return
    for i, text in repair_pdf_pages(data, pdf, bad).items():
        if pages[i].textpage is not None:
            pages[i].textpage.close()
        pages[i] = _read_page(pdf, i, text=text)


def _run_ocr(pdf: Any, pages: list[_Page], numbers: list[int]) -> float | None:
    """OCR the pages ``numbers`` (1-based) and put Tesseract's lines in place of their text.

    OCR lines carry positions from Tesseract's boxes and no pdfium characters (all -1), so the
    header and signature blocks are still read by position.
    """
    from .ocr import mean_confidence, ocr_pages

    results = ocr_pages(pdf, [n - 1 for n in numbers])
    for res in results:
        pg = pages[res.page - 1]
        w, h = pg.width, pg.height
        raws = [_Raw(text=ln.text, chars=[-1] * len(ln.text), x0=ln.x0 * w, x1=ln.x1 * w,
                     top=(1 - ln.top) * h, bottom=(1 - ln.bottom) * h) for ln in res.lines]
        pg.lines = _drop_page_number(raws, pg.number, h)
        pg.text = "\n".join(ln.text for ln in res.lines)
        pg.ocr = True
    return mean_confidence(results)


def _read_page(pdf: Any, index: int, text: str | None = None) -> _Page:
    """``text``: a repaired text for the page, aligned with pdfium's characters (``glyphs``)."""
    page = pdf[index]
    width, height = page.get_size()
    tp = page.get_textpage()
    n = tp.count_chars()
    if text is None:
        text = tp.get_text_range() if n > 0 else ""
    pg = _Page(number=index + 1, width=width, height=height, text=text.replace("\ufffe", "-"), textpage=tp)
    if len(text) != n:  # pdfium text and char indices disagree: positions unusable, keep the text
        pg.lines = [_Raw(t.rstrip(), [], 0.0, 0.0, 0.0, 0.0) for t in regex.split(r"\r\n|\r|\n", pg.text)
                    if t.strip()]
        return pg
    raws: list[_Raw] = []
    append = raws.append
    box = _charbox_reader(tp)
    size = len(text)
    for m in _PIECE.finditer(text):
        content, end = m.group(1, 2)
        if end == "\ufffe":
            content += "-"  # the hyphen is pdfium's character right after the content
        content = content.rstrip()
        if content:
            # the line's characters are one run of pdfium's indices: a range, not a list of them
            start = m.start(1)
            stop = start + len(content)
            left, lbottom, _r, ltop = box(stop - len(content.lstrip()))  # the first printed character
            _l, rbottom, right, rtop = box(stop - 1)
            # positional, in field order: text, chars, x0, x1, top, bottom (once per printed line)
            append(_Raw(content, range(start, stop), left, right, max(ltop, rtop), min(lbottom, rbottom)))
        if m.end() >= size:
            break
    pg.lines = _drop_page_number(_merge_same_baseline(raws), pg.number, height)
    return pg


def _charbox_reader(tp: Any) -> Callable[[int], tuple[float, float, float, float]]:
    """``tp.get_charbox`` (left, bottom, right, top; PdfiumError when pdfium fails) at ~40 % of
    its cost: the binding's argtypes convert each argument on every call (~14 K instructions,
    pdfium's own work is a few hundred), so the one C function is called through a pointer
    without them, into four doubles made once per page (tests/test_speed_pdf.py: the same
    floats for every character of every PDF)."""
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    # the same C function as a pointer with no argtypes (ints and byref() pass as they are)
    fn = type(pdfium_c.FPDFText_GetCharBox)(ctypes.cast(pdfium_c.FPDFText_GetCharBox, ctypes.c_void_p).value)
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    rl, rr, rb, rt = map(ctypes.byref, (left, right, bottom, top))  # pdfium's own order: l, r, b, t
    handle = tp.raw

    def box(index: int) -> tuple[float, float, float, float]:
        if not fn(handle, index, rl, rr, rb, rt):
            raise pdfium.PdfiumError("Failed to get charbox.")
        return left.value, bottom.value, right.value, top.value

    return box


def _merge_same_baseline(raws: list[_Raw]) -> list[_Raw]:
    """Re-join pieces pdfium split on one printed line (superscript footnote marks: "Đồng" "1" ". Để")."""
    out: list[_Raw] = []
    for r in raws:
        if out:
            p = out[-1]
            overlap = min(p.top, r.top) - max(p.bottom, r.bottom)
            height = min(p.top - p.bottom, r.top - r.bottom)
            if height > 0 and overlap > 0.5 * height and r.x0 >= p.x1 - 1 and r.x0 - p.x1 < 3 * height:
                gap = r.x0 - p.x1
                # a word space is ~0.25 em; the gap after a superscript mark is smaller
                sep = "" if gap < 0.2 * max(p.top - p.bottom, r.top - r.bottom) else " "
                out[-1] = _Raw(text=p.text + sep + r.text, chars=list(p.chars) + [-1] * len(sep) + list(r.chars),
                               x0=p.x0, x1=r.x1, top=max(p.top, r.top), bottom=min(p.bottom, r.bottom))
                continue
        out.append(r)
    return out


def _drop_page_number(lines: list[_Raw], page: int, height: float) -> list[_Raw]:
    """Drop the bare page number: first or last line, a number close to the page index."""
    for idx in (0, len(lines) - 1):
        if not lines or idx >= len(lines):
            continue
        m = _PAGE_NUMBER.match(lines[idx].text)
        if not m:
            continue
        n = int(m["n"])
        near_edge = lines[idx].top > 0.85 * height or lines[idx].bottom < 0.15 * height or not lines[idx].chars
        if abs(n - page) <= 2 and near_edge and (page >= 2 or idx == len(lines) - 1):
            del lines[idx]
            break
    return lines


# ------------------------------------------------------------------ header and signature blocks

def _split_x(pg: _Page, line: _Raw, x_split: float) -> tuple[_Raw | None, _Raw | None]:
    """Split ``line`` into its left and right column parts at ``x_split`` (a real gap is required)."""
    if line.x1 <= x_split:
        return line, None
    if line.x0 >= x_split - 1:
        return None, line
    if not line.chars:  # no character positions (text/positions mismatch): by the line's centre
        return (line, None) if (line.x0 + line.x1) / 2 < x_split else (None, line)
    tp = pg.textpage
    prev_right = line.x0
    for k, ci in enumerate(line.chars):
        ch = line.text[k]
        if ci < 0 or ch.isspace():
            continue
        box = tp.get_charbox(ci)
        if box[0] >= x_split - 1:
            if box[0] - prev_right < 6 or not line.text[:k].strip():
                break  # no gap: one run crossing the split (a wide left cell); keep it whole
            left_text = line.text[:k].rstrip()
            right_text = line.text[k:]
            left = replace(line, text=left_text, chars=line.chars[: len(left_text)], x1=prev_right)
            right = replace(line, text=right_text, chars=line.chars[k:], x0=box[0])
            return left, right
        prev_right = box[2]
    if (line.x0 + line.x1) / 2 < x_split:
        return line, None
    return None, line


def _column_order(pg: _Page, lines: list[_Raw], x_split: float, region: Region) -> list[_Raw]:
    left: list[_Raw] = []
    right: list[_Raw] = []
    for ln in lines:
        a, b = _split_x(pg, ln, x_split)
        if a is not None and a.text.strip():
            left.append(replace(a, region=region))
        if b is not None and b.text.strip():
            right.append(replace(b, region=region))
    key = lambda r: (-round(r.top, 0), r.x0)  # noqa: E731 - top to bottom, then left to right
    return sorted(left, key=key) + sorted(right, key=key)


def _char_x(pg: _Page, line: _Raw, offset: int) -> float:
    """Left edge of the first printed character at or after ``offset`` in ``line``."""
    for k in range(offset, len(line.text)):
        if line.chars and line.chars[k] >= 0 and not line.text[k].isspace():
            return float(pg.textpage.get_charbox(line.chars[k])[0])
    return line.x0


def _mark_header(pg: _Page) -> None:
    """Page 1: lines above the title line are the header block, read left column then right."""
    title = next((i for i, ln in enumerate(pg.lines[:40]) if TITLE_LINE.match(ln.text)), None)
    if title is None or title == 0:
        return
    t = pg.lines[title]
    # above the title on the page, whatever the stream order (a header table drawn late)
    late = [i for i, ln in enumerate(pg.lines) if i > title and ln.chars and ln.bottom > t.top]
    head = pg.lines[:title] + [pg.lines[i] for i in late]
    if not any(ln.chars for ln in head):
        return
    rest = [ln for i, ln in enumerate(pg.lines) if i >= title and i not in set(late)]
    x_split = pg.width * 0.45
    for ln in head:
        m = MOTTO.search(ln.text)
        if m:
            x_split = _char_x(pg, ln, m.start()) - 2
            break
    pg.lines = _column_order(pg, head, x_split, "header") + rest


def _mark_closing(pages: list[_Page]) -> None:
    """The recipients + signer block: from "Nơi nhận:" (or the signer line) to the end of the block.

    Lines of the block are those on its page at or below the anchor that are narrower than a body
    line; the first full-width line below (footnotes, an appendix) ends it.
    """
    anchor: tuple[int, int] | None = None
    for pi in range(len(pages) - 1, -1, -1):
        for li in range(len(pages[pi].lines) - 1, -1, -1):
            if RECIPIENTS.match(pages[pi].lines[li].text):
                anchor = (pi, li)
                break
        if anchor:
            break
    if anchor is None:
        for pi in range(len(pages) - 1, -1, -1):
            pg = pages[pi]
            hits = [li for li, ln in enumerate(pg.lines) if AUTHORITY.search(ln.text) and ln.x0 > 0.35 * pg.width
                    and ln.region == "body"]
            if hits:
                anchor = (pi, hits[0])
                break
    if anchor is None:
        return
    pg = pages[anchor[0]]
    a = pg.lines[anchor[1]]
    if a.top <= a.bottom:  # no positions on this page (text and char indices disagreed)
        return
    height = max(a.top - a.bottom, 4.0)
    limit_top = a.top + max(0.6 * height, 4.0)
    wide = 0.6 * pg.width
    below = [ln for ln in pg.lines if ln.top < a.bottom and ln.region == "body"
             and (ln.x1 - ln.x0 > wide or _APPENDIX.match(ln.text) or TITLE_LINE.match(ln.text))]
    floor = max((ln.top for ln in below), default=float("-inf"))
    members = [i for i, ln in enumerate(pg.lines)
               if ln.region == "body" and ln.top <= limit_top and ln.bottom > floor
               and (ln.x1 - ln.x0 <= wide or i == anchor[1])]
    if not members:
        return
    block = [pg.lines[i] for i in members]
    first = members[0]
    chosen = set(members)
    before = [ln for i, ln in enumerate(pg.lines) if i < first and i not in chosen]
    after = [ln for i, ln in enumerate(pg.lines) if i > first and i not in chosen]
    pg.lines = before + _closing_order(pg, block) + after
    if not any(AUTHORITY.search(ln.text) for ln in block) and anchor[0] + 1 < len(pages):
        _closing_continued(pages[anchor[0] + 1], wide)


def _closing_order(pg: _Page, block: list[_Raw]) -> list[_Raw]:
    """Block lines in reading order; the right column starts where the signer lines start."""
    starts = []
    for ln in block:
        m = AUTHORITY.search(ln.text)
        if m:
            off = m.start() + (1 if ln.text[m.start()].isspace() else 0)
            starts.append(_char_x(pg, ln, off))
    right_starts = [x for x in starts if x > 0.3 * pg.width]
    x_split = min(right_starts) - 2 if right_starts else pg.width * 0.5
    return _column_order(pg, block, x_split, "closing")


def _closing_continued(pg: _Page, wide: float) -> None:
    """The signature block broken by a page end: the signer lines open the next page.

    Taken only when the narrow lines at the top of that page include a signer-authority line.
    """
    n = 0
    while (n < len(pg.lines) and pg.lines[n].region == "body" and pg.lines[n].x1 - pg.lines[n].x0 <= wide
           and not TITLE_LINE.match(pg.lines[n].text) and not _APPENDIX.match(pg.lines[n].text) and n < 30):
        n += 1
    if n and any(AUTHORITY.search(ln.text) for ln in pg.lines[:n]):
        pg.lines = _closing_order(pg, pg.lines[:n]) + pg.lines[n:]


# ------------------------------------------------------------------ tables

def _looks_tabular(pg: _Page) -> bool:
    """Cheap test before pdfplumber: many short body lines not starting at the left margin.

    Body text is justified across the text width; table cells give short lines at several x.
    """
    body = [ln for ln in pg.lines if ln.region == "body" and ln.chars]
    if len(body) < 4:
        return False
    left = min(ln.x0 for ln in body)
    right = max(ln.x1 for ln in body)
    span = max(right - left, 1.0)
    short = [ln for ln in body if ln.x1 - ln.x0 < 0.45 * span]
    indented = {round((ln.x0 - left) / span, 1) for ln in short}
    if len(short) >= 6 and len(short) >= 0.35 * len(body) and len(indented) >= 3:
        return True
    # Rows whose cells pdfium merged into one line (lamdong-bc-329 p. 35) are long but ragged:
    # justified prose ends most lines at the right margin, table rows rarely do.
    justified = sum(1 for ln in body if ln.x1 >= right - 0.03 * span)
    return len(body) >= 8 and justified < 0.3 * len(body)


@dataclass
class _FoundTable:
    page: int
    rows: list[list[str]]
    bbox: tuple[float, float, float, float]  # x0, top, x1, bottom in PDF points, y up


def _has_paths(pg: _Page) -> bool:
    """Does the page draw any path (line, rectangle, curve), in its content or a form XObject?

    pdfplumber's default ``find_tables`` strategy builds cells only from such edges, so a page
    without one has no table for it: checked with pdfium in ~0.3 ms instead of ~0.1 s of
    pdfplumber (a borderless signature block looks tabular but draws nothing).
    """
    page = getattr(pg.textpage, "page", None)
    if page is None:
        return True
    import pypdfium2.raw as pdfium_c

    return next(iter(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH])), None) is not None


def _find_tables(data: bytes, pages: list[_Page]) -> list[_FoundTable]:
    candidates = [p for p in pages if _looks_tabular(p) and _has_paths(p)]
    if not candidates:
        return []
    try:
        import pdfplumber
    except ImportError:  # pragma: no cover - a declared dependency
        return []
    found: list[_FoundTable] = []
    try:
        with pdfplumber.open(io.BytesIO(data)) as doc:
            for pg in candidates:
                page = doc.pages[pg.number - 1]
                try:
                    for t in page.find_tables():
                        rows = _plumber_rows(t)
                        if len(rows) >= 2 and max(len(r) for r in rows) >= 2:
                            x0, top, x1, bottom = t.bbox
                            found.append(_FoundTable(pg.number, rows,
                                                     (x0, pg.height - top, x1, pg.height - bottom)))
                finally:
                    page.close()
    except Exception:  # pdfplumber failing on an odd file must not lose the text we have
        return found
    return found


def _plumber_rows(t: Any) -> list[list[str]]:
    """Cell texts; a cell pdfplumber reports as None is covered by a merged neighbour: repeat it.

    Horizontal spans repeat the text on the left, vertical spans the text above (decided by the
    cell boxes: a left neighbour whose box reaches into this column is a horizontal span).
    """
    texts = t.extract()
    boxes = [r.cells for r in t.rows]
    col_x = _column_centres(boxes)
    out: list[list[str]] = []
    for r, row in enumerate(texts):
        cur: list[str] = []
        for c, value in enumerate(row):
            if value is not None:
                cur.append(value.strip())
                continue
            left_box = _box_left(boxes[r], c)
            if c > 0 and left_box is not None and c < len(col_x) and left_box[2] > col_x[c]:
                cur.append(cur[c - 1])
            elif r > 0 and c < len(out[r - 1]):
                cur.append(out[r - 1][c])
            else:
                cur.append(cur[c - 1] if c > 0 else "")
        out.append(cur)
    return out


def _column_centres(boxes: list[list[Any]]) -> list[float]:
    width = max((len(r) for r in boxes), default=0)
    centres: list[float] = []
    for c in range(width):
        xs = [(b[0] + b[2]) / 2 for row in boxes if c < len(row) and (b := row[c]) is not None]
        narrow = [b for row in boxes if c < len(row) and (b := row[c]) is not None]
        if narrow:
            best = min(narrow, key=lambda b: b[2] - b[0])
            centres.append((best[0] + best[2]) / 2)
        else:
            centres.append(sum(xs) / len(xs) if xs else 0.0)
    return centres


def _box_left(row: list[Any], c: int) -> Any:
    for k in range(c - 1, -1, -1):
        if row[k] is not None:
            return row[k]
    return None


def _repeats_header(row: list[str], head: list[list[str]]) -> bool:
    """``row`` is one of the table's first rows printed again (cells may be blank where merged)."""
    cells = [" ".join(c.split()) for c in row]
    if not any(cells):
        return False
    for h in head:
        ref = [" ".join(c.split()) for c in h]
        if len(ref) == len(cells) and all(c in ("", r) for c, r in zip(cells, ref, strict=True)):
            return True
    return False


def _inside(ln: _Raw, bbox: tuple[float, float, float, float]) -> bool:
    x0, top, x1, bottom = bbox
    cy = (ln.top + ln.bottom) / 2
    cx = (ln.x0 + ln.x1) / 2
    return x0 - 1 <= cx <= x1 + 1 and bottom - 1 <= cy <= top + 1


# ------------------------------------------------------------------ assembly

def _assemble(name: str, pages: list[_Page], found: list[_FoundTable], ocr: list[int]) -> SourceDoc:
    lines: list[Line] = []
    tables: list[Table] = []
    by_page: dict[int, list[_FoundTable]] = {}
    for t in found:
        by_page.setdefault(t.page, []).append(t)
    counter = 0
    for pg in pages:
        page_tables = sorted(by_page.get(pg.number, []), key=lambda t: -t.bbox[1])
        placed = [False] * len(page_tables)
        origin: Origin = "ocr" if pg.ocr else "pdf"
        for ln in pg.lines:
            if page_tables:  # most pages have none: no per-line table test
                if any(_inside(ln, t.bbox) for t in page_tables):
                    continue
                for k, t in enumerate(page_tables):
                    if not placed[k] and ln.chars and ln.top < t.bbox[3]:
                        counter = _place_table(tables, t, lines, counter)
                        placed[k] = True
            counter += 1
            x0 = round(ln.x0 / pg.width, 4) if ln.chars and pg.width else None
            lines.append(new_line(ln.text, counter, pg.number, origin, x0, ln.region))
        for k, t in enumerate(page_tables):
            if not placed[k]:
                counter = _place_table(tables, t, lines, counter)
    warnings: list[str] = []
    if ocr:
        warnings.append(f"pages without usable text (OCR not run): {', '.join(map(str, ocr))}")
    return SourceDoc(path=name, sha256="", format="pdf", lines=lines, tables=tables, pages=len(pages),
                     layout="wrapped", warnings=warnings)


def _place_table(tables: list[Table], t: _FoundTable, lines: list[Line], counter: int) -> int:
    """Append ``t``; a table continuing the previous one across a page break is merged into it.

    Continuation = same column count, nothing printed between them. Its repeated header row is
    dropped, and a first row with an empty first cell (STT) is the rest of the row split by the
    page break: its cells are appended to the previous row's with "\\n".
    """
    rows = [list(r) for r in t.rows]
    prev = tables[-1] if tables else None
    if (prev is not None and prev.after_line == len(lines) and prev.page is not None
            and prev.page < t.page and prev.rows and len(prev.rows[0]) == len(rows[0])):
        while rows and _repeats_header(rows[0], prev.rows[:3]):
            rows = rows[1:]
        numbered = sum(1 for r in prev.rows[1:] if r and r[0].strip())
        if rows and not rows[0][0].strip() and numbered >= max(1, (len(prev.rows) - 1) // 2):
            last = prev.rows[-1]
            prev.rows[-1] = [(a + "\n" + b).strip("\n") if b else a for a, b in zip(last, rows[0], strict=False)]
            rows = rows[1:]
        prev.rows.extend(rows)
        return counter
    counter += 1
    tables.append(Table(rows=rows, line=counter, page=t.page, index=len(tables), after_line=len(lines)))
    return counter
