"""OCR for scanned pages: pypdfium2 renders, Tesseract (``-l vie``) reads, we clean up.

Why this shape (measured in ../shared/notes/pdf-backends.md):
- ``OMP_THREAD_LIMIT=1`` and one process per page across cores: Tesseract's own OpenMP threads
  spin and take 10 s/page on 2 cores, against 1.7 s/page single-threaded.
- The red channel as the grey image drops red seals and stamps, which otherwise hide the
  signature block (the signer's name comes back only with this drop-out).
- TSV output, so every word comes with a confidence and a position (``x0`` of the line).

The caller (``readers.pdf``) decides which pages need OCR; ``page_needs_ocr`` is the rule it uses.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import regex

from ..errors import CorruptInput, LimitExceeded, MissingTool
from ..grammar_cache import rx
from ..source import Line
from .syllables import is_syllable

MISSING_TESSERACT = (
    "scanned PDF needs OCR: install tesseract-ocr and tesseract-ocr-vie "
    "(apt-get install tesseract-ocr tesseract-ocr-vie)"
)
OCR_MODES = ("auto", "always", "never")
DPI = 300  # for scans below 200 dpi, and when the scan's resolution cannot be read
MIN_NATIVE_DPI, MAX_DPI = 200, 400
# Words Tesseract itself doubts this much are noise from seals, signatures and specks
# ("SE cong bọ ben" over the seal of kh-30-bacgiang-scanned.pdf, conf 0-11); real words on the
# corpus scans sit at 80-97.
MIN_WORD_CONF = 30.0
# ...but a heading number is never noise, however unsure Tesseract is of it ("III." of
# kh-30-bacgiang-scanned.pdf page 4 comes at confidence 20-30).
_NUMBERING_WORD = rx(r"[IVXl1|]{1,5}\.|[0-9lI]{1,3}(?:\.[0-9lI]{1,3})*[.)]")
# A horizontal gap wider than this (fraction of page width) separates two cells printed on the
# same baseline ("Nơi nhận:" ... "TM. ỦY BAN NHÂN DÂN"); justified body text stays under 0.02.
COLUMN_GAP = 0.06
PAGE_TIMEOUT = 180.0  # seconds for one page; a real page takes 2-4 s

# A page whose text layer has fewer letters than this, while an image covers most of it, is a
# scan carrying only an e-signature stamp line ("SAO Y; CÔNG AN TỈNH LÂM ĐỒNG; 03/02/2026 ...").
# A typed A4 page of a plan has 1,500-3,000 letters.
STAMP_ONLY_LETTERS = 300
IMAGE_COVER = 0.5


def page_needs_ocr(text: str, image_cover: float) -> bool:
    """True when a page's text layer is missing or only a stamp over a page-sized image.

    ``image_cover`` is the largest image's share of the page area (0..1). A page with neither
    text nor a large image is blank, and OCR would find nothing on it.
    """
    letters = sum(1 for ch in text if ch.isalpha())
    if image_cover >= IMAGE_COVER:
        return letters < STAMP_ONLY_LETTERS
    return letters < 20 and image_cover >= 0.1


def image_cover(page: Any) -> float:
    """Largest image object's share of the page area (pypdfium2 page), for ``page_needs_ocr``."""
    import pypdfium2.raw as pdfium_c

    width, height = page.get_size()
    area = max(width * height, 1.0)
    best = 0.0
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3):
        left, bottom, right, top = obj.get_bounds()
        w = max(0.0, min(right, width) - max(left, 0.0))
        h = max(0.0, min(top, height) - max(bottom, 0.0))
        best = max(best, w * h / area)
    return best


def tesseract_path() -> str | None:
    """The tesseract executable, or None; the Vietnamese model is checked separately."""
    return shutil.which("tesseract")


def has_vietnamese_model(exe: str) -> bool:
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30,
                             env=_env(), check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return "vie" in out.stdout.split()


_READY: dict[str, bool] = {}


def tesseract_ready() -> bool:
    """tesseract with the Vietnamese model is installed (checked once per process)."""
    if "ok" not in _READY:
        exe = tesseract_path()
        _READY["ok"] = exe is not None and has_vietnamese_model(exe)
    return _READY["ok"]


def require_tesseract() -> str:
    """Path to tesseract with the ``vie`` model, or ``MissingTool`` saying what to install."""
    exe = tesseract_path()
    if exe is None or not has_vietnamese_model(exe):
        raise MissingTool(MISSING_TESSERACT)
    return exe


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["OMP_THREAD_LIMIT"] = "1"
    return env


@dataclass
class OcrLine:
    text: str
    x0: float  # left edge as a fraction of the image width
    top: float  # top edge as a fraction of the image height (reading order)
    confidences: list[float] = field(default_factory=list)
    x1: float = 0.0  # right edge, fraction of the width
    bottom: float = 0.0  # bottom edge, fraction of the height


@dataclass
class OcrPage:
    page: int  # 1-based
    lines: list[OcrLine]
    confidences: list[float]  # every word's confidence (0-100)

    @property
    def confidence(self) -> float | None:
        return sum(self.confidences) / len(self.confidences) if self.confidences else None


def page_dpi(page: Any) -> int:
    """Render resolution: the scan's own (200-400 dpi) when its image says so, else ``DPI``.

    Rendering a 200 dpi scan at 300 dpi only interpolates, and Tesseract read the roman heading
    "II." of kh-30-bacgiang-scanned.pdf as "._1," that way, but right at 200 dpi.
    """
    import pypdfium2.raw as pdfium_c

    width, _ = page.get_size()
    best: tuple[float, int] = (0.0, 0)
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3):
        left, _b, right, _t = obj.get_bounds()
        try:
            px_w, _px_h = obj.get_px_size()
        except Exception:  # a broken image object: fall back to the default dpi
            continue
        span = right - left
        if span > best[0] and span > 0:
            best = (span, round(px_w / (span / 72.0)))
    if best[0] < 0.5 * width or best[1] < MIN_NATIVE_DPI:
        return DPI
    return min(best[1], MAX_DPI)


def render_page(page: Any, dpi: int = DPI) -> tuple[bytes, int, int]:
    """Render a pypdfium2 page as a binary PGM, using the red channel as the grey image."""
    scale = dpi / 72.0
    bitmap = page.render(scale=scale, rev_byteorder=True)  # RGB(A) order
    image = bitmap.to_pil()
    red = image.convert("RGB").getchannel("R")
    width, height = red.size
    header = f"P5\n{width} {height}\n255\n".encode("ascii")
    return header + red.tobytes(), width, height


def parse_tsv(tsv: str, width: int, height: int) -> tuple[list[OcrLine], list[float]]:
    """Group Tesseract's TSV words into lines (block, paragraph, line) in reading order.

    Noise words (``MIN_WORD_CONF``) are dropped; a line is cut where a gap wider than
    ``COLUMN_GAP`` separates two same-baseline cells, so each cell keeps its own ``x0``.
    """
    words: dict[tuple[int, int, int], list[tuple[int, int, int, int, float, str]]] = {}
    order: list[tuple[int, int, int]] = []
    confidences: list[float] = []
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5":
            continue
        word = cols[11].strip()
        if not word:
            continue
        try:
            key = (int(cols[2]), int(cols[3]), int(cols[4]))
            left, top, w = int(cols[6]), int(cols[7]), int(cols[8])
            conf = float(cols[10])
        except ValueError:
            continue
        if conf < MIN_WORD_CONF and not (conf >= MIN_WORD_CONF / 2 and is_syllable(word)) \
                and not _NUMBERING_WORD.fullmatch(word):
            continue
        if key not in words:
            words[key] = []
            order.append(key)
        words[key].append((left, top, left + w, top + int(cols[9]) if cols[9].isdigit() else top, conf, word))
        if conf >= 0:
            confidences.append(conf)
    lines: list[OcrLine] = []
    gap = COLUMN_GAP * max(width, 1)
    for key in order:
        parts: list[OcrLine] = []
        prev_right = None
        for left, top, right, bottom, conf, word in words[key]:
            if not parts or (prev_right is not None and left - prev_right > gap):
                parts.append(OcrLine("", left / max(width, 1), top / max(height, 1)))
            current = parts[-1]
            current.text = f"{current.text} {word}" if current.text else word
            current.confidences.append(conf)
            current.x1 = max(current.x1, right / max(width, 1))
            current.top = min(current.top, top / max(height, 1))
            current.bottom = max(current.bottom, bottom / max(height, 1))
            prev_right = right
        for i, part in enumerate(parts):
            if _keep(part, fragment=len(parts) > 1 and i > 0):
                lines.append(part)
    return lines, confidences


_LETTER = rx(r"\p{L}")
_ALNUM = rx(r"[\p{L}\p{N}]")


def _keep(line: OcrLine, *, fragment: bool) -> bool:
    """Drop pure punctuation lines, and doubtful scraps split off to the right of a line: these
    are what a seal or a pen signature leaves ("Ũ", "SN", "cờ —"), while a real right-hand cell
    ("TM. ỦY BAN NHÂN DÂN", "Mai Sơn") reads at 80-97."""
    if not _ALNUM.search(line.text):
        return False
    if not fragment:
        return True
    conf = sum(line.confidences) / len(line.confidences) if line.confidences else 0.0
    return conf >= 75.0 and len(_LETTER.findall(line.text)) >= 2


def _run_tesseract(exe: str, image: bytes, timeout: float) -> str:
    try:
        proc = subprocess.run([exe, "-", "-", "-l", "vie", "--psm", "3", "tsv"], input=image,
                              capture_output=True, timeout=timeout, env=_env(), check=False)
    except subprocess.TimeoutExpired as exc:
        raise LimitExceeded(f"OCR of one page took longer than {timeout:.0f} s") from exc
    except OSError as exc:
        raise MissingTool(MISSING_TESSERACT) from exc
    if proc.returncode != 0:
        msg = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise CorruptInput(f"tesseract failed on a page image: {msg[-1] if msg else proc.returncode}")
    return proc.stdout.decode("utf-8", "replace")


def ocr_pages(pdf: Any, pages: Sequence[int], *, dpi: int | None = None, workers: int | None = None,
              page_timeout: float = PAGE_TIMEOUT, exe: str | None = None,
              progress: Callable[[int], None] | None = None) -> list[OcrPage]:
    """OCR ``pages`` (0-based indices) of a pypdfium2 document, in parallel, in page order.

    Rendering stays on this thread (PDFium is not thread-safe); each page's Tesseract process
    runs on a worker thread while the next page renders.
    """
    exe = exe or require_tesseract()
    workers = workers or max(1, min(len(pages), os.cpu_count() or 1))
    results: dict[int, OcrPage] = {}

    def work(index: int, image: bytes, width: int, height: int) -> OcrPage:
        tsv = _run_tesseract(exe, image, page_timeout)
        lines, confs = parse_tsv(tsv, width, height)
        return OcrPage(index + 1, clean_ocr_lines(lines), confs)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = []
        for index in pages:
            page = pdf[index]
            try:
                image, width, height = render_page(page, dpi or page_dpi(page))
            finally:
                page.close()
            futures.append(pool.submit(work, index, image, width, height))
            # Keep at most ~2 rendered pages per worker in memory.
            while sum(1 for f in futures if not f.done()) > 2 * workers:
                futures[next(i for i, f in enumerate(futures) if not f.done())].result()
        for fut in futures:
            res = fut.result()
            results[res.page] = res
            if progress:
                progress(res.page)
    ordered = [results[i + 1] for i in pages]
    fix_roman_sequence(ordered)
    return ordered


_ROMAN_HEAD = rx(r"^(?P<num>[IVX]{1,5})\.(?=\s+\p{Lu}{2,})")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10}


def _roman_value(s: str) -> int:
    total = 0
    for i, ch in enumerate(s):
        v = _ROMAN_VALUES[ch]
        total += -v if i + 1 < len(s) and _ROMAN_VALUES[s[i + 1]] > v else v
    return total


def _to_roman(n: int) -> str:
    out = ""
    for v, sym in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= v:
            out += sym
            n -= v
    return out


def fix_roman_sequence(pages: list[OcrPage]) -> None:
    """A capitals heading numbered no higher than the previous one, read with low confidence,
    is the next number: Tesseract drops one stroke of "III." (kh-30-bacgiang-scanned.pdf page 3
    reads "II. NHIỆM VỤ VÀ GIẢI PHÁP" at confidence 19 after "II. MỤC TIÊU")."""
    last = 0
    for page in pages:
        for ln in page.lines:
            m = _ROMAN_HEAD.match(ln.text)
            if not m:
                continue
            value = _roman_value(m["num"])
            doubtful = bool(ln.confidences) and ln.confidences[0] < 60
            if doubtful and 0 < value <= last:
                value = last + 1
                ln.text = _to_roman(value) + ln.text[m.end("num"):]
            last = value


def to_lines(pages: Iterable[OcrPage], first_line: int = 1) -> list[Line]:
    """``Line`` objects with ``origin="ocr"``, numbered on from ``first_line``."""
    out: list[Line] = []
    n = first_line
    for page in pages:
        for ln in page.lines:
            out.append(Line(text=ln.text, line=n, page=page.page, origin="ocr", x0=round(ln.x0, 4)))
            n += 1
    return out


def mean_confidence(pages: Iterable[OcrPage]) -> float | None:
    confs = [c for p in pages for c in p.confidences]
    return round(sum(confs) / len(confs), 2) if confs else None


# --- cleaning typical OCR damage ------------------------------------------------------------

_COMBINING = rx(r"\p{M}")
# A combining mark with no letter to sit on (after a space, digit, punctuation or line start).
_STRAY_MARK = rx(r"(?:(?<=^)|(?<=[^\p{L}\p{M}]))\p{M}+")
# Visual look-alikes Tesseract emits for Vietnamese đ/Đ: Icelandic eth / D with stroke.
_LOOKALIKES = str.maketrans({"ð": "đ", "Ð": "Đ", "Ɖ": "Đ", "ɖ": "đ"})

# Roman numbering at line start with l/1/| for I: "Il." -> "II.", "Vl." -> "VI." (the section
# heads "II. NỘI DUNG" of ../shared/pdf/kh-30-bacgiang-scanned.pdf read as "Il. NỘI DUNG").
_ROMAN_MIXED = rx(
    r"^(?P<lead>\s*)(?P<num>(?=[IVXl1|]*[IVX])(?=[IVXl1|]*[l1|])[IVXl1|]{2,6})(?P<end>\.\s)"
)
# Arabic numbering at line start with l/I/| for 1 and O for 0: "l." -> "1.", "l.2." -> "1.2.",
# "2.l." -> "2.1.". A lone "I." is Roman one and stays.
_ARABIC_PART = r"[0-9lI|O]{1,3}"
_ARABIC_MIXED = rx(
    rf"^(?P<lead>\s*)(?P<num>{_ARABIC_PART}(?:\.{_ARABIC_PART})*)(?P<end>[.)]\s)"
)


def _fix_numbering(text: str) -> str:
    m = _ROMAN_MIXED.match(text)
    if m and any(c in m["num"] for c in "IVX"):
        fixed = m["num"].translate(str.maketrans("l1|", "III"))
        if regex.fullmatch(r"M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})", fixed):
            return m["lead"] + fixed + m["end"] + text[m.end():]
    m = _ARABIC_MIXED.match(text)
    if m:
        num = m["num"]
        has_digit = any(c.isdigit() for c in num)
        if (has_digit and any(c in num for c in "lI|O")) or regex.fullmatch(r"[l|]", num):
            fixed = num.translate(str.maketrans("lI|O", "1110"))
            return m["lead"] + fixed + m["end"] + text[m.end():]
    return text


def _fix_marks(text: str) -> str:
    """NFC, stray combining marks dropped, and at most one tone mark per letter kept."""
    text = unicodedata.normalize("NFC", text.translate(_LOOKALIKES))
    text = _STRAY_MARK.sub("", text)
    if _COMBINING.search(text):
        # Marks NFC could not absorb: keep the first of each kind on a letter, drop repeats.
        out: list[str] = []
        seen: set[str] = set()
        for ch in unicodedata.normalize("NFD", text):
            if unicodedata.combining(ch):
                if ch in seen:
                    continue
                seen.add(ch)
            else:
                seen = set()
            out.append(ch)
        text = unicodedata.normalize("NFC", "".join(out))
    return text


# A dash bullet read as a tilde or underscore ("~ TT Tỉnh ủy, TT HĐND tỉnh;").
_BULLET = rx(r"^(\s*)[~_¬](?=\s)")


# Party document numbers: the issuing organ "TW" read with I for T ("42-NQ/IW", "19-KH/IW").
_PARTY_IW = rx(r"(?:(?<=\d\s?-\s?[\p{Lu}Đ]{1,4}\s?/\s?)|(?<=^\s*[\p{Lu}Đ]{1,4}/))[Il1]W\b")  # also "42-⏎NQ/IW"


# A superscript ² after a figure read as "?", "°", "º" or "'": "32,7m? sàn/người" is 32,7m².
_SQUARE = rx(r"(?<=\d\s?[mk]?m)[?°º'’\"”](?=[\s/;,.)]|$)")


def clean_ocr_text(text: str) -> str:
    """One OCR line cleaned of damage that would trip the numbering and matching grammars."""
    text = _SQUARE.sub("²", _PARTY_IW.sub("TW", text))
    text = _BULLET.sub(r"\1-", _fix_marks(text))
    text = text.replace("\u00ad", "-").replace("\u2010", "-").replace("\u2011", "-")
    return _fix_numbering(text)


_HYPHEN_END = rx(r"(?P<frag>\p{Ll}[\p{L}\p{M}]*)-$")
_LOWER_START = rx(r"^(?P<frag>\p{Ll}[\p{L}\p{M}]*)(?P<rest>.*)$")


def clean_ocr_lines(lines: list[OcrLine]) -> list[OcrLine]:
    """Clean each line; re-join a word hyphenated across a line end ("chỉ đạ-" + "o") when the
    joined form is a Vietnamese syllable. "42-" + "NQ/TW" is left alone (digits, capital)."""
    out: list[OcrLine] = []
    for ln in lines:
        text = clean_ocr_text(ln.text).strip()
        if not text:
            continue
        if out:
            prev = out[-1]
            m1 = _HYPHEN_END.search(prev.text)
            m2 = _LOWER_START.match(text)
            if m1 and m2:
                joined = m1["frag"] + m2["frag"]
                if is_syllable(joined) and not is_syllable(m1["frag"]):
                    prev.text = prev.text[: m1.start()] + joined
                    text = m2["rest"].strip()
                    if not text:
                        continue
        out.append(OcrLine(text, ln.x0, ln.top, ln.confidences, ln.x1, ln.bottom))
    return out
