"""Read any supported input into a ``SourceDoc``; the format is detected by content, not by name.

One entry point, ``read``. Dispatch order: PDF magic, ZIP (DOCX), OLE2 (legacy .doc), other known
binary magics (refused), then text: JSON export, Markdown, plain text. Every library failure is
turned into a ``KhparseError`` subclass here or in the format module, never left to escape.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from ..errors import (
    CorruptInput,
    EmptyInput,
    EncryptedPdf,
    InputNotFound,
    KhparseError,
    LimitExceeded,
    UnsupportedFormat,
)
from ..source import SourceDoc
from .markdown import looks_like_markdown, parse_markdown
from .text import check_not_empty, decode_bytes, split_lines

__all__ = ["detect_format", "read"]

# A printed A4 page of Vietnamese prose holds 3,000-4,000 characters; text inputs are held to
# --max-pages pages of this many (the default 2,000 pages: 10 million characters; measured, a
# 10 MB text parses in ~25 s with ~170 MB of RSS, a 300 MB one would need ~3 GB and ~12 min).
TEXT_CHARS_PER_PAGE = 5000

_PDF_MAGIC = b"%PDF-"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Binary formats people feed in by mistake: named in the refusal so the user knows what they gave.
_OTHER_MAGICS: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"II*\x00", "TIFF image"),
    (b"MM\x00*", "TIFF image"),
    (b"\x1f\x8b", "gzip archive"),
    (b"Rar!", "RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"{\\rtf", "RTF document"),
)


def detect_format(data: bytes) -> str:
    """``pdf``, ``zip``, ``ole`` or ``text`` from the first bytes (text kinds are decided later)."""
    if _PDF_MAGIC in data[:1024]:
        return "pdf"
    if data.startswith(_ZIP_MAGIC):
        return "zip"
    if data.startswith(_OLE_MAGIC):
        return "ole"
    return "text"


def read(path: str | Path, data: bytes | None = None, *, display_name: str | None = None,
         max_pages: int | None = None, ocr: str = "auto") -> SourceDoc:
    """Read ``path`` (or ``data`` when given, e.g. stdin) into a ``SourceDoc``.

    ``display_name`` is recorded as ``SourceDoc.path`` (defaults to ``str(path)``). ``max_pages``
    refuses longer PDFs with ``LimitExceeded`` before any text is extracted. ``ocr``: ``auto``
    (OCR PDF pages without usable text), ``always`` (OCR every PDF page) or ``never``.
    """
    name = display_name if display_name is not None else str(path)
    if data is None:
        data = _read_file(Path(path))
    if not data:
        raise EmptyInput(f"{name}: empty input (0 bytes)")
    sha = hashlib.sha256(data).hexdigest()
    try:
        doc = _dispatch(name, data, max_pages=max_pages, ocr=ocr)
    except KhparseError:
        raise
    except Exception as exc:  # a bug or an unexpected library failure: still one clean line
        raise CorruptInput(f"{name}: could not be read ({type(exc).__name__}: {exc})") from exc
    doc.path = name
    doc.sha256 = sha
    return doc


def _warn_replaced(doc: SourceDoc, source: str) -> SourceDoc:
    """Warn when a line of a text/JSON/Markdown ``doc`` read from ``source`` holds U+FFFD.

    The readers only cut, drop and replace characters (by ASCII or by pieces of the source), so a
    line can hold one only if ``source`` does: one C scan of it spares the per-line test.
    """
    if "\ufffd" in source and any("\ufffd" in ln.text for ln in doc.lines):
        doc.warnings.append("some bytes are not valid UTF-8 and were replaced by U+FFFD")
    return doc


def _read_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputNotFound(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputNotFound(f"{path}: is a directory, not a file") from None
    except PermissionError:
        raise InputNotFound(f"{path}: permission denied") from None
    except OSError as exc:
        raise InputNotFound(f"{path}: cannot be read ({exc.strerror})") from None


def _dispatch(name: str, data: bytes, *, max_pages: int | None, ocr: str = "auto") -> SourceDoc:
    kind = detect_format(data)
    # Binary formats are parsed by C back-ends (pdfium, lxml, LibreOffice) that an alarm cannot
    # interrupt and that abort on a failed allocation: each runs in a memory-capped child.
    from ..sandbox import run_isolated

    if kind == "pdf":
        import encodings.utf_16_le  # noqa: F401 - pdfium's text is UTF-16LE: decoded in every child

        import pypdfium2  # noqa: F401 - before the fork, so that each sandbox child does not re-import it

        from .pdf import read_pdf  # imported lazily: pypdfium2 costs ~40 ms to import

        return run_isolated(name, read_pdf, name, data, max_pages=max_pages, ocr=ocr)
    if kind == "zip":
        import docx  # noqa: F401 - python-docx before the fork (~0.1-0.2 s), not in every sandbox child

        from .docx import read_docx

        return run_isolated(name, read_docx, name, data)
    if kind == "ole":
        return run_isolated(name, _read_ole, name, data)
    for magic, what in _OTHER_MAGICS:
        if data.startswith(magic):
            raise UnsupportedFormat(f"{name}: {what}, not a document khparse can read")
    return _read_text(name, data, max_pages=max_pages)


def _read_ole(name: str, data: bytes) -> SourceDoc:
    """Legacy Word 97-2003 (.doc): converted by LibreOffice (or antiword), then read as DOCX.

    Other OLE2 files (.xls, .ppt, .msg) have no WordDocument stream and are refused up front.
    """
    if "EncryptedPackage".encode("utf-16-le") in data[:1 << 20]:  # how Word stores a password-protected .docx
        raise EncryptedPdf(f"{name}: password-protected Word document (remove the password in Word first)")
    if "WordDocument".encode("utf-16-le") not in data[:1 << 20] and b"WordDocument" not in data[:1 << 20]:
        raise UnsupportedFormat(f"{name}: OLE2 file that is not a Word document (.xls/.ppt/.msg?)")
    from .doc import read_doc

    return read_doc(name, data)


def _read_text(name: str, data: bytes, *, max_pages: int | None = None) -> SourceDoc:
    limit = None if max_pages is None else max_pages * TEXT_CHARS_PER_PAGE
    if limit is not None and len(data) > 4 * limit:  # more than 4 bytes a character in no encoding
        raise _text_limit(name, f"{len(data)} bytes", max_pages)
    text, encoding = decode_bytes(data)
    if limit is not None and len(text) > limit:
        raise _text_limit(name, f"{len(text)} characters", max_pages)
    check_not_empty(text)
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped[:15].lower().startswith(("<!doctype html", "<html")):
        raise UnsupportedFormat(f"{name}: HTML page, not a document khparse can read "
                                "(give it the plan itself, PDF/DOCX, or its text)")
    if stripped.startswith(("{", "[")):
        doc = _read_json(name, stripped)
        if doc is not None:
            doc.encoding = encoding
            return doc
    if looks_like_markdown(text):
        lines, tables = parse_markdown(text.replace("\r\n", "\n").replace("\r", "\n"))
        if not any(ln.text.strip() for ln in lines) and not tables:
            raise EmptyInput(f"{name}: markdown has no text")
        return _warn_replaced(SourceDoc(path=name, sha256="", format="markdown", lines=lines,
                                        tables=tables, layout="wrapped", encoding=encoding), text)
    return _warn_replaced(SourceDoc(path=name, sha256="", format="text", lines=split_lines(text),
                                    layout="wrapped", encoding=encoding), text)


def _text_limit(name: str, size: str, max_pages: int | None) -> LimitExceeded:
    """Text has no pages: it is held to ``--max-pages`` pages of ``TEXT_CHARS_PER_PAGE`` characters,
    which bounds the parse's memory (~10 bytes of RSS per character) and time like a PDF's."""
    return LimitExceeded(f"{name}: text of {size} is more than --max-pages {max_pages} pages of "
                         f"{TEXT_CHARS_PER_PAGE} characters")


def _read_json(name: str, text: str) -> SourceDoc | None:
    """A thuvienphapluat crawl export: ``{"meta": {"content": "..."}}``; other JSON is refused.

    Returns ``None`` when the text only starts like JSON but is prose (e.g. "[Dự thảo]").
    """
    try:
        obj: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        if text.startswith(('{"', "[{", '[ {', "{\n", "{\r")) or text.rstrip().endswith(("}", "]")):
            raise CorruptInput(f"{name}: corrupt or truncated JSON ({exc.msg} at line {exc.lineno})") from None
        return None
    meta = obj.get("meta") if isinstance(obj, dict) else None
    content = meta.get("content") if isinstance(meta, dict) else None
    if not isinstance(content, str):
        raise UnsupportedFormat(f"{name}: JSON without meta.content (not a supported crawl export)")
    if not content.strip():
        raise EmptyInput(f"{name}: JSON meta.content is empty")
    return _warn_replaced(SourceDoc(path=name, sha256="", format="json", lines=split_lines(content),
                                    layout="wrapped"), content)
