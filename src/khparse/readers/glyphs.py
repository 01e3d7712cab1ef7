"""Repair of PDF text layers whose fonts carry no usable Unicode map.

Word -> Ghostscript PDFs (../shared/corpus/laocai-kh-1105-dkt-vlncn-2026.pdf) set every word with
a non-WinAnsi letter in a Type0 font subset without ToUnicode: the codes are the original
font's glyph ids, so pdfium shows "KӃ KRҥFK" for "KẾ HOẠCH" ("K" = glyph 46 = U+002E + 29...).
The other words use simple TrueType subsets without /Encoding, which pdfium reads through the
Mac code page ("C‘NG" for "CÔNG").

The glyph ids are still meaningful, because the subsets keep the original numbering and the
glyph programs: every font of one family in the file is pooled, and a glyph is decoded from
1. a ToUnicode entry or a named glyph (post table) where the file has one;
2. a simple font's cmap: code -> glyph, with the code page (cp1252, Mac, ...) chosen by the
   accented glyphs whose composite parts agree with it ("á" = glyph "a" + one mark);
3. the standard Macintosh order of the first 98 glyphs (space = 3, "A" = 36, ...), which
   TrueType fonts keep, accepted only when every glyph known otherwise agrees with it;
4. composite glyphs: base letter + marks ("ệ" = "e" + circumflex + dot below);
5. for marks and letters still unknown (hook above, dot below, ơ, ư, đ): the assignment that
   makes most words valid Vietnamese syllables, ties broken by the outline's shape.

The repaired text is aligned with pdfium's characters one to one, so positions stay valid;
when it cannot be aligned, the caller falls back to OCR.
"""

from __future__ import annotations

import struct
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import regex

from ..grammar_cache import rx
from . import legacy
from .syllables import is_syllable, share_below, syllable_share

# A page is garbage when fewer than this share of its judged words are Vietnamese syllables
# (clean pages: 0.95-1.0; laocai-kh-1105 pages as pdfium reads them: 0.24-0.38).
GARBAGE_SHARE = 0.6
# A repair is accepted when it lifts the page to at least this share.
REPAIRED_SHARE = 0.85

MARKS = {
    "acute": "\u0301", "grave": "\u0300", "hook": "\u0309", "tilde": "\u0303", "dotbelow": "\u0323",
    "circumflex": "\u0302", "breve": "\u0306", "horn": "\u031b", "dieresis": "\u0308",
}
_VI_LETTERS = sorted({
    unicodedata.normalize("NFC", b + q + t)
    for b in "aeiouy" for q in ("", "\u0302", "\u0306", "\u031b") for t in ("", *list(MARKS.values())[:5])
    if (q == "" or (q == "\u0302" and b in "aeo") or (q == "\u0306" and b == "a") or (q == "\u031b" and b in "ou"))
} | {"đ"})
LETTER_CANDIDATES = [c for c in _VI_LETTERS if len(c) == 1] + [c.upper() for c in _VI_LETTERS if len(c) == 1] + ["ı"]

# Standard Macintosh glyph order, glyphs 3-97: space and printable ASCII (TrueType 'post' v1).
MAC_ASCII = {g: chr(g + 29) for g in range(3, 98)}


def is_garbage(text: str) -> bool:
    return share_below(text, GARBAGE_SHARE)


# ------------------------------------------------------------------ TrueType programs


@dataclass
class Glyph:
    components: list[int] = field(default_factory=list)  # composite: base first, then marks
    points: list[tuple[int, int]] = field(default_factory=list)  # simple: outline points
    bbox: tuple[int, int, int, int] = (0, 0, 0, 0)


class TrueType:
    """Just enough of an sfnt: glyph outlines/components, cmaps and post names."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.tables: dict[bytes, tuple[int, int]] = {}
        n = struct.unpack(">H", data[4:6])[0]
        for i in range(n):
            tag, _cs, off, ln = struct.unpack(">4sIII", data[12 + 16 * i: 28 + 16 * i])
            self.tables[tag] = (off, ln)
        self.num_glyphs = self._u16(b"maxp", 4) if b"maxp" in self.tables else 0
        self.upem = self._u16(b"head", 18) if b"head" in self.tables else 1000
        self._loca: list[int] | None = None
        self._glyphs: dict[int, Glyph | None] = {}

    def _u16(self, tag: bytes, off: int) -> int:
        base = self.tables[tag][0]
        return int(struct.unpack(">H", self.data[base + off: base + off + 2])[0])

    def _locations(self) -> list[int]:
        if self._loca is None:
            self._loca = []
            if b"loca" in self.tables and b"head" in self.tables:
                fmt = self._u16(b"head", 50)
                off, _ln = self.tables[b"loca"]
                n = self.num_glyphs + 1
                if fmt == 0:
                    self._loca = [2 * x for x in struct.unpack(f">{n}H", self.data[off: off + 2 * n])]
                else:
                    self._loca = list(struct.unpack(f">{n}I", self.data[off: off + 4 * n]))
        return self._loca

    def glyph(self, gid: int) -> Glyph | None:
        if gid in self._glyphs:
            return self._glyphs[gid]
        loca = self._locations()
        g: Glyph | None = None
        if b"glyf" in self.tables and 0 <= gid < len(loca) - 1 and loca[gid + 1] > loca[gid]:
            try:
                g = self._parse_glyph(self.tables[b"glyf"][0] + loca[gid])
            except struct.error:
                g = None
        self._glyphs[gid] = g
        return g

    def _parse_glyph(self, pos: int) -> Glyph:
        d = self.data
        nc, x0, y0, x1, y1 = struct.unpack(">hhhhh", d[pos: pos + 10])
        g = Glyph(bbox=(x0, y0, x1, y1))
        if nc < 0:
            p = pos + 10
            while True:
                cflags, gi = struct.unpack(">HH", d[p: p + 4])
                g.components.append(gi)
                p += 4 + (4 if cflags & 1 else 2)
                p += 2 if cflags & 8 else 4 if cflags & 0x40 else 8 if cflags & 0x80 else 0
                if not cflags & 0x20:
                    break
            return g
        ends = struct.unpack(f">{nc}H", d[pos + 10: pos + 10 + 2 * nc])
        npts = ends[-1] + 1 if nc else 0
        p = pos + 10 + 2 * nc
        ilen = struct.unpack(">H", d[p: p + 2])[0]
        p += 2 + ilen
        flags: list[int] = []
        while len(flags) < npts:
            f = d[p]
            p += 1
            flags.append(f)
            if f & 8:
                flags.extend([f] * d[p])
                p += 1
        xs: list[int] = []
        x = 0
        for f in flags[:npts]:
            if f & 2:
                x += d[p] if f & 16 else -d[p]
                p += 1
            elif not f & 16:
                x += struct.unpack(">h", d[p: p + 2])[0]
                p += 2
            xs.append(x)
        y = 0
        for i, f in enumerate(flags[:npts]):
            if f & 4:
                y += d[p] if f & 32 else -d[p]
                p += 1
            elif not f & 32:
                y += struct.unpack(">h", d[p: p + 2])[0]
                p += 2
            g.points.append((xs[i], y))
        return g

    def cmaps(self) -> dict[tuple[int, int], dict[int, int]]:
        """(platform, encoding) -> {code: glyph} for the formats fonts in PDFs use (0, 4, 6, 12)."""
        out: dict[tuple[int, int], dict[int, int]] = {}
        if b"cmap" not in self.tables:
            return out
        d, base = self.data, self.tables[b"cmap"][0]
        n = struct.unpack(">H", d[base + 2: base + 4])[0]
        for i in range(n):
            pid, eid, off = struct.unpack(">HHI", d[base + 4 + 8 * i: base + 12 + 8 * i])
            try:
                out[(pid, eid)] = self._cmap_subtable(base + off)
            except struct.error:
                continue
        return out

    def _cmap_subtable(self, p: int) -> dict[int, int]:
        d = self.data
        fmt = struct.unpack(">H", d[p: p + 2])[0]
        m: dict[int, int] = {}
        if fmt == 0:
            for c in range(256):
                m[c] = d[p + 6 + c]
        elif fmt == 6:
            first, count = struct.unpack(">HH", d[p + 6: p + 10])
            for i in range(count):
                m[first + i] = struct.unpack(">H", d[p + 10 + 2 * i: p + 12 + 2 * i])[0]
        elif fmt == 4:
            segx2 = struct.unpack(">H", d[p + 6: p + 8])[0]
            seg = segx2 // 2
            ends = struct.unpack(f">{seg}H", d[p + 14: p + 14 + segx2])
            starts = struct.unpack(f">{seg}H", d[p + 16 + segx2: p + 16 + 2 * segx2])
            deltas = struct.unpack(f">{seg}h", d[p + 16 + 2 * segx2: p + 16 + 3 * segx2])
            ro_pos = p + 16 + 3 * segx2
            ranges = struct.unpack(f">{seg}H", d[ro_pos: ro_pos + segx2])
            for i in range(seg):
                if starts[i] == 0xFFFF:
                    continue
                for c in range(starts[i], min(ends[i], starts[i] + 4096) + 1):
                    if ranges[i] == 0:
                        gid = (c + deltas[i]) & 0xFFFF
                    else:
                        q = ro_pos + 2 * i + ranges[i] + 2 * (c - starts[i])
                        gid = struct.unpack(">H", d[q: q + 2])[0]
                        if gid:
                            gid = (gid + deltas[i]) & 0xFFFF
                    if gid:
                        m[c] = gid
        elif fmt == 12:
            ngroups = struct.unpack(">I", d[p + 12: p + 16])[0]
            for i in range(min(ngroups, 4096)):
                s, e, g = struct.unpack(">III", d[p + 16 + 12 * i: p + 28 + 12 * i])
                for k, c in enumerate(range(s, min(e, s + 4096) + 1)):
                    m[c] = g + k
        return m

    def post_names(self) -> dict[int, str]:
        """Glyph names from a format 2 'post' table (empty for format 3, as in most subsets)."""
        if b"post" not in self.tables:
            return {}
        d, p = self.data, self.tables[b"post"][0]
        if d[p: p + 4] != b"\x00\x02\x00\x00":
            return {}
        n = struct.unpack(">H", d[p + 32: p + 34])[0]
        idx = struct.unpack(f">{n}H", d[p + 34: p + 34 + 2 * n])
        q = p + 34 + 2 * n
        strings: list[str] = []
        end = p + self.tables[b"post"][1]
        while q < end:
            ln = d[q]
            strings.append(d[q + 1: q + 1 + ln].decode("latin-1"))
            q += 1 + ln
        out: dict[int, str] = {}
        for gid, k in enumerate(idx):
            if k >= 258 and k - 258 < len(strings):
                out[gid] = strings[k - 258]
        return out


def name_to_unicode(name: str) -> str | None:
    """A glyph name to text: "uni1EA1", "u1EA1", "a", "ocircumflex", "dcroat" (via Unicode names)."""
    name = name.split(".", 1)[0]
    m = regex.fullmatch(r"uni([0-9A-F]{4})", name) or regex.fullmatch(r"u([0-9A-F]{4,6})", name)
    if m:
        return chr(int(m.group(1), 16))
    if len(name) == 1:
        return name
    special = {"dcroat": "đ", "Dcroat": "Đ", "dotlessi": "ı", "space": " "}
    if name in special:
        return special[name]
    m = regex.fullmatch(r"([A-Za-z])([a-z]+)", name)
    if m:
        base, rest = m.groups()
        words = {"acute": "ACUTE", "grave": "GRAVE", "circumflex": "CIRCUMFLEX", "tilde": "TILDE",
                 "dieresis": "DIAERESIS", "breve": "BREVE", "horn": "HORN", "hookabove": "HOOK ABOVE",
                 "dotbelow": "DOT BELOW"}
        if rest in words:
            case = "CAPITAL" if base.isupper() else "SMALL"
            try:
                return unicodedata.lookup(f"LATIN {case} LETTER {base.upper()} WITH {words[rest]}")
            except KeyError:
                return None
    return None


# ------------------------------------------------------------------ PDF fonts


@dataclass
class FontInfo:
    family: str  # base font name without the subset prefix
    two_byte: bool
    to_unicode: dict[int, str]
    code_to_gid: dict[int, int]  # simple fonts: through the embedded cmap
    cid_to_gid: dict[int, int] | None  # Type0 with a CIDToGIDMap stream; None = Identity
    program: TrueType | None
    legacy: tuple[str, bool] | None = None  # (encoding, capitals) for .Vn*/VNI fonts
    standard: bool = False  # a simple font with a standard /Encoding pdfium decodes right

    def gid(self, code: int) -> int | None:
        if self.two_byte:
            return self.cid_to_gid.get(code, code) if self.cid_to_gid is not None else code
        return self.code_to_gid.get(code)


def parse_to_unicode(data: bytes) -> dict[int, str]:
    """bfchar / bfrange entries of a ToUnicode CMap."""
    out: dict[int, str] = {}
    text = data.decode("latin-1")

    def u16(h: str) -> str:
        try:
            return bytes.fromhex(h).decode("utf-16-be")
        except (ValueError, UnicodeDecodeError):
            return ""

    for block in regex.findall(r"beginbfchar(.*?)endbfchar", text, flags=regex.S):
        for src, dst in regex.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            out[int(src, 16)] = u16(dst)
    for block in regex.findall(r"beginbfrange(.*?)endbfrange", text, flags=regex.S):
        for lo, hi, rest in regex.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(\[[^\]]*\]|<[0-9A-Fa-f]*>)",
                                          block):
            a, b = int(lo, 16), int(hi, 16)
            if b - a > 65535:
                continue
            if rest.startswith("["):
                for k, h in enumerate(regex.findall(r"<([0-9A-Fa-f]*)>", rest)):
                    out[a + k] = u16(h)
            else:
                start = rest.strip("<>")
                if not start:
                    continue
                v = int(start, 16)
                width = len(start) // 2
                for k in range(b - a + 1):
                    try:
                        out[a + k] = u16(f"{v + k:0{2 * width}X}")
                    except ValueError:
                        break
    return out


def _font_info(font: Any) -> FontInfo:
    base = str(font.get("/BaseFont", ""))
    family = base.lstrip("/").split("+", 1)[-1]
    subtype = font.get("/Subtype")
    tu: dict[int, str] = {}
    if "/ToUnicode" in font:
        try:
            tu = parse_to_unicode(font["/ToUnicode"].get_object().get_data())
        except Exception:  # a broken CMap stream is as good as none
            tu = {}
    program: TrueType | None = None
    cid_to_gid: dict[int, int] | None = None
    code_to_gid: dict[int, int] = {}
    two_byte = subtype == "/Type0"
    descriptor = None
    if two_byte:
        desc = font["/DescendantFonts"][0].get_object()
        descriptor = desc.get("/FontDescriptor")
        c2g = desc.get("/CIDToGIDMap")
        if c2g is not None and c2g != "/Identity":
            raw = c2g.get_object().get_data()
            cid_to_gid = {i: (raw[2 * i] << 8) | raw[2 * i + 1] for i in range(len(raw) // 2)}
    else:
        descriptor = font.get("/FontDescriptor")
    if descriptor is not None:
        descriptor = descriptor.get_object()
        ff = descriptor.get("/FontFile2")
        if ff is not None:
            try:
                program = TrueType(ff.get_object().get_data())
            except (struct.error, IndexError):
                program = None
    enc = font.get("/Encoding")
    standard = not two_byte and enc is not None and not tu
    if program is not None and not two_byte:
        cm = program.cmaps()
        for key in ((3, 0), (1, 0), (3, 1)):
            table = cm.get(key)
            if not table:
                continue
            for c, g in table.items():
                code = c - 0xF000 if key == (3, 0) and c >= 0xF000 else c
                if 0 <= code < 256:
                    code_to_gid.setdefault(code, g)
    return FontInfo(family, two_byte, tu, code_to_gid, cid_to_gid, program, legacy.encoding_for_font(family),
                    standard)


# ------------------------------------------------------------------ content streams


def _page_glyphs(page: Any) -> Iterator[tuple[FontInfo | None, int]]:
    """(font, code) for every glyph the page's content shows, in content-stream order."""
    yield from _stream_glyphs(page.get_contents(), page.get("/Resources"), {}, 0)


def _stream_glyphs(contents: Any, resources: Any, cache: dict[int, FontInfo], depth: int
                   ) -> Iterator[tuple[FontInfo | None, int]]:
    from pypdf.generic import ContentStream

    if contents is None or depth > 8:
        return
    resources = resources.get_object() if resources is not None else {}
    fonts = resources.get("/Font", {}) if hasattr(resources, "get") else {}
    fonts = fonts.get_object() if hasattr(fonts, "get_object") else fonts
    stream = contents if isinstance(contents, ContentStream) else ContentStream(contents, None)
    font: FontInfo | None = None
    for operands, op in stream.operations:
        if op == b"Tf" and operands:
            ref = fonts.get(operands[0]) if hasattr(fonts, "get") else None
            if ref is None:
                font = None
                continue
            key = ref.idnum if hasattr(ref, "idnum") else id(ref)
            if key not in cache:
                cache[key] = _font_info(ref.get_object())
            font = cache[key]
        elif op in (b"Tj", b"'", b'"', b"TJ"):
            strings = operands[0] if op == b"TJ" else operands[-1:]
            for s in strings:
                if isinstance(s, (bytes, str)) or hasattr(s, "original_bytes"):
                    raw = s.original_bytes if hasattr(s, "original_bytes") else (
                        s if isinstance(s, bytes) else s.encode("latin-1", "replace"))
                    if font is not None and font.two_byte:
                        for i in range(0, len(raw) - 1, 2):
                            yield font, (raw[i] << 8) | raw[i + 1]
                    else:
                        for b in raw:
                            yield font, b
        elif op == b"Do" and operands:
            xobjs = resources.get("/XObject", {}) if hasattr(resources, "get") else {}
            xobjs = xobjs.get_object() if hasattr(xobjs, "get_object") else xobjs
            xo = xobjs.get(operands[0]) if hasattr(xobjs, "get") else None
            if xo is not None:
                xo = xo.get_object()
                if xo.get("/Subtype") == "/Form":
                    yield from _stream_glyphs(ContentStream(xo, None), xo.get("/Resources", resources),
                                              cache, depth + 1)


# ------------------------------------------------------------------ decoding


class Decoder:
    """Glyph-id knowledge pooled per font family of one document, and the decoding it allows."""

    def __init__(self, fonts: list[FontInfo]) -> None:
        self.fonts = fonts
        self.known: dict[str, dict[int, str]] = defaultdict(dict)  # family -> gid -> text
        self.marks: dict[str, dict[int, str]] = defaultdict(dict)  # family -> gid -> combining mark
        self.programs: dict[str, TrueType] = {}
        self._all: dict[str, list[TrueType]] = defaultdict(list)
        for f in fonts:
            if f.program is not None:
                self.programs.setdefault(f.family, f.program)
                if all(p is not f.program for p in self._all[f.family]):
                    self._all[f.family].append(f.program)

    def glyph(self, family: str, gid: int) -> Glyph | None:
        """The glyph from whichever subset of the family still has its program."""
        for prog in self._all.get(family, []):
            g = prog.glyph(gid)
            if g is not None:
                return g
        return None

    def base_glyph(self, family: str, char: str, by_char: dict[str, int]) -> Glyph | None:
        """The outline of a known letter: from this family, else from the same glyph id of
        another family of the file (the styles of one typeface share their glyph order)."""
        gid = by_char.get(char)
        if gid is None:
            return None
        g = self.glyph(family, gid)
        if g is not None:
            return g
        for other in self._all:
            if other != family and self.known.get(other, {}).get(gid) == char:
                g = self.glyph(other, gid)
                if g is not None:
                    return g
        return None

    def upem(self, family: str) -> int:
        prog = self.programs.get(family)
        return prog.upem if prog else 1000

    # -- evidence -----------------------------------------------------------------------
    def learn(self) -> None:
        for f in self.fonts:
            if f.legacy:
                continue
            fam = self.known[f.family]
            for code, text in f.to_unicode.items():
                gid = f.gid(code)
                if gid is not None and text and text.isprintable():
                    fam.setdefault(gid, unicodedata.normalize("NFC", text))
            if f.program is not None:
                for gid, name in f.program.post_names().items():
                    u = name_to_unicode(name)
                    if u:
                        fam.setdefault(gid, u)
            if not f.two_byte:
                for code, gid in f.code_to_gid.items():
                    if 0x20 <= code < 0x7F:
                        fam.setdefault(gid, chr(code))
        for fam_name, fam in self.known.items():
            mac_hits = sum(1 for g, t in fam.items() if g in MAC_ASCII and MAC_ASCII[g] == t)
            mac_miss = sum(1 for g, t in fam.items() if g in MAC_ASCII and MAC_ASCII[g] != t and t.isascii())
            if mac_hits >= 5 and mac_miss == 0:
                for g, t in MAC_ASCII.items():
                    fam.setdefault(g, t)
            elif not fam and fam_name in self.programs:
                # nothing known about this family: take the Mac order on trust, the repaired
                # page's syllable share decides whether the repair is kept
                fam.update(MAC_ASCII)
        self._learn_code_pages()

    def _learn_code_pages(self) -> None:
        """High codes of simple fonts: the code page whose accented letters match the glyphs' parts."""
        for f in self.fonts:
            if f.two_byte or f.legacy or f.program is None:
                continue
            best: tuple[int, str] | None = None
            for cp in ("cp1252", "mac_roman", "cp1258"):
                hits = 0
                for code, gid in f.code_to_gid.items():
                    if code < 0x80:
                        continue
                    g = f.program.glyph(gid)
                    ch = bytes([code]).decode(cp, errors="replace")
                    nfd = unicodedata.normalize("NFD", ch)
                    if g and len(g.components) == 2 and len(nfd) == 2:
                        if self.known[f.family].get(g.components[0]) == nfd[0]:
                            hits += 1
                if hits and (best is None or hits > best[0]):
                    best = (hits, cp)
            if best is None:
                continue
            fam, marks = self.known[f.family], self.marks[f.family]
            for code, gid in f.code_to_gid.items():
                if code < 0x80:
                    continue
                ch = bytes([code]).decode(best[1], errors="replace")
                if ch == "\ufffd" or not ch.isprintable():
                    continue
                fam.setdefault(gid, ch)
                g = f.program.glyph(gid)
                nfd = unicodedata.normalize("NFD", ch)
                if g and len(g.components) == len(nfd) >= 2 and fam.get(g.components[0]) == nfd[0]:
                    for comp, mark in zip(g.components[1:], nfd[1:], strict=False):
                        marks.setdefault(comp, mark)

    # -- decoding -----------------------------------------------------------------------
    def decode_gid(self, family: str, gid: int, guess: dict[tuple[str, int], str] | None = None,
                   depth: int = 0) -> str | None:
        fam = self.known.get(family, {})
        if gid in fam:
            return fam[gid]
        if guess and (family, gid) in guess:
            return guess[(family, gid)]
        g = self.glyph(family, gid)
        if g and g.components and depth < 4:
            base = self.decode_gid(family, g.components[0], guess, depth + 1)
            if base is None:
                return None
            parts = [base]
            for comp in g.components[1:]:
                mark = self.marks.get(family, {}).get(comp)
                if mark is None and guess:
                    mark = guess.get((family, -comp - 1))
                if mark is None:
                    sub = self.decode_gid(family, comp, guess, depth + 1)
                    if sub is None:
                        return None
                    mark = "".join(c for c in unicodedata.normalize("NFD", sub) if unicodedata.combining(c))
                parts.append(mark)
            base_nfd = unicodedata.normalize("NFD", parts[0].replace("ı", "i"))
            return unicodedata.normalize("NFC", base_nfd + "".join(parts[1:]))
        return None

    def unknowns(self, family: str, gid: int, out: set[tuple[str, int]], depth: int = 0) -> None:
        """Glyphs (gid) and marks (-gid-1) that block decoding ``gid``."""
        if gid in self.known.get(family, {}):
            return
        g = self.glyph(family, gid)
        if g and g.components and depth < 4:
            self.unknowns(family, g.components[0], out, depth + 1)
            for comp in g.components[1:]:
                if comp not in self.marks.get(family, {}):
                    sub = self.glyph(family, comp)
                    if sub and sub.components:
                        self.unknowns(family, comp, out, depth + 1)
                    else:
                        out.add((family, -comp - 1))
            return
        out.add((family, gid))


def _shape_rank(g: Glyph | None, upem: int) -> list[str]:
    """Marks ordered by how well the outline's shape fits them (best first).

    Measured on the outline normalised to its box: where its left and right ends sit (low or
    high), where its lowest points are, and whether it is straight (few points) or curved.
    Acute rises to the right, grave falls; circumflex has both ends low, breve both high; the
    tilde's wave starts low at the left edge and ends high at the right; the hook arcs over
    the top and its only low point is its tail in the middle (a breve has no top middle). Dot below sits under the baseline.
    """
    order = ["acute", "grave", "hook", "tilde", "dotbelow", "circumflex", "breve", "horn"]
    if not g or not g.points:
        return order
    x0, y0, x1, y1 = g.bbox
    if y1 < 0.05 * upem:
        return ["dotbelow", *[m for m in order if m != "dotbelow"]]
    w, h = max(x1 - x0, 1), max(y1 - y0, 1)
    pts = [((x - x0) / w, (y - y0) / h) for x, y in g.points]

    def mean_y(sel: list[tuple[float, float]]) -> float:
        return sum(p[1] for p in sel) / len(sel)

    left = mean_y([p for p in pts if p[0] <= 0.03])
    right = mean_y([p for p in pts if p[0] >= 0.97])
    low_left = any(x < 0.15 and y < 0.1 for x, y in pts)
    high_right = any(x > 0.85 and y > 0.9 for x, y in pts)
    low_mid = any(0.25 < x < 0.7 and y < 0.1 for x, y in pts)
    top_mid = any(0.35 < x < 0.65 and y > 0.85 for x, y in pts)
    few = len(pts) <= 10
    breve = not few and left > 0.6 and right > 0.6 and low_mid and not top_mid
    scores = {
        "acute": few and left < 0.3 and right > 0.7,
        "grave": few and left > 0.7 and right < 0.3,
        "circumflex": few and left < 0.3 and right < 0.3,
        "breve": breve,
        "tilde": not few and low_left and high_right,
        "hook": not few and not low_left and low_mid and top_mid,
    }
    return sorted(order, key=lambda m: -int(scores.get(m, False)))


_BARE = {"đ": ("d", ""), "Đ": ("D", ""), "ı": ("i", "")}


def _letter_prior(dec: Decoder, family: str, gid: int) -> dict[str, float]:
    """Letter candidates for an unknown glyph, scored by its box against the base letter's box.

    Letters the family already has a glyph for are out. A box taller than the base by a mark's
    height fits a letter with a tone or hat; a little taller or wider to the right, a horn
    (ơ ư); reaching below the baseline, a dot below.
    """
    g = dec.glyph(family, gid)
    fam = dec.known.get(family, {})
    have = set(fam.values())
    by_char = {t: k for k, t in fam.items()}
    em = float(dec.upem(family))
    out: dict[str, float] = {}
    for cand in LETTER_CANDIDATES:
        if cand in have:
            continue
        nfd = unicodedata.normalize("NFD", cand)
        base, marks = _BARE.get(cand, (nfd[0], nfd[1:]))
        bg = dec.base_glyph(family, base, by_char)
        if not g or not bg:
            out[cand] = 0.0
            continue
        ax0, ay0, ax1, ay1 = g.bbox
        bx0, by0, bx1, by1 = bg.bbox
        up, down = (ay1 - by1) / em, (by0 - ay0) / em
        right, left = (ax1 - bx1) / em, (bx0 - ax0) / em
        above = any(m in marks for m in ("\u0301", "\u0300", "\u0309", "\u0303", "\u0302", "\u0306"))
        below = "\u0323" in marks
        horn = "\u031b" in marks
        ix = max(0, min(ax1, bx1) - max(ax0, bx0)) * max(0, min(ay1, by1) - max(ay0, by0))
        union = (ax1 - ax0) * (ay1 - ay0) + (bx1 - bx0) * (by1 - by0) - ix
        score = 0.5 * ix / union if union > 0 else 0.0
        if cand == "ı":  # dotless i, the base of ì í ỉ ĩ: an i without its dot
            out[cand] = score + (2.0 if up <= -0.05 and abs(left) < 0.02 and abs(right) < 0.02 else -2.0)
            continue
        score += 1.0 if (up >= 0.14) == above else -1.0
        score += 1.0 if (down >= 0.06) == below else -1.0
        if horn:
            score += 1.0 if (0.02 <= up < 0.14 or right >= 0.03) and not above else -1.0
        if cand in "đĐ":  # the bar may stay inside the stem's box (TNR Đ) or stick out (đ)
            score += 1.0 if -0.02 <= up < 0.14 and down < 0.06 else -1.0
        if not marks and cand not in "đĐ":
            score += 1.0 if max(abs(up), abs(down), abs(right), abs(left)) < 0.02 else -1.0
        out[cand] = score
    return out


def _case_ok(word: str) -> bool:
    """lower, UPPER or Title case: "ĐOÀN", "Đoàn", "đoàn", but not "đOÀN" or "Nđ"."""
    return word == word.lower() or word == word.upper() or (word[:1].isupper() and word[1:] == word[1:].lower())


_SPLIT = rx(r"[^\p{L}\p{M}]+")


def infer(dec: Decoder, words: list[list[tuple[str, int] | str]], passes: int = 3) -> dict[tuple[str, int], str]:
    """Assign the unknown glyphs and marks so that most words become valid syllables."""
    blockers: Counter[tuple[str, int]] = Counter()
    word_unknowns: list[set[tuple[str, int]]] = []
    for w in words:
        u: set[tuple[str, int]] = set()
        for item in w:
            if isinstance(item, tuple):
                dec.unknowns(item[0], item[1], u)
        word_unknowns.append(u)
        blockers.update(u)
    guess: dict[tuple[str, int], str] = {}
    by_unknown: dict[tuple[str, int], list[int]] = defaultdict(list)
    for i, u in enumerate(word_unknowns):
        for k in u:
            by_unknown[k].append(i)

    def word_text(i: int) -> str | None:
        parts = []
        for item in words[i]:
            if isinstance(item, str):
                parts.append(item)
            else:
                t = dec.decode_gid(item[0], item[1], guess)
                if t is None:
                    return None
                parts.append(t)
        return "".join(parts)

    order = [k for k, _ in blockers.most_common()]
    priors: dict[tuple[str, int], list[tuple[str, float]]] = {}
    for key in order:
        family, gid = key
        if gid < 0:
            ranked = _shape_rank(dec.glyph(family, -gid - 1), dec.upem(family))
            priors[key] = [(MARKS[m], float(len(ranked) - i)) for i, m in enumerate(ranked)]
        else:
            prior = _letter_prior(dec, family, gid)
            priors[key] = sorted(prior.items(), key=lambda kv: -kv[1]) or [("\ufffd", 0.0)]
        guess[key] = priors[key][0][0]  # start from the best shape; the words then decide
    for _ in range(passes):
        changed = False
        for key in order:
            cands = priors[key]
            current = guess[key]
            best: tuple[float, str] | None = None
            for cand, prior_score in cands:
                guess[key] = cand
                score = 0.001 * prior_score
                for i in by_unknown[key]:
                    t = word_text(i)
                    if t is None:
                        continue
                    score += is_syllable(t) + 0.5 * _case_ok(t)
                if best is None or score > best[0]:
                    best = (score, cand)
            assert best is not None
            if best[1] != current:
                changed = True
            guess[key] = best[1]
        if not changed:
            break
    return guess


# ------------------------------------------------------------------ page repair


@dataclass
class Repair:
    texts: dict[int, list[str]]  # page index -> replacement text per glyph, content order
    glyphs: dict[int, list[tuple[FontInfo | None, int]]]
    decoder: Decoder


def decode_document(reader: Any, pages: list[int]) -> Repair:
    """Decode the glyphs of ``pages`` (0-based) of a pypdf reader with pooled font knowledge."""
    glyphs: dict[int, list[tuple[FontInfo | None, int]]] = {}
    fonts: dict[int, FontInfo] = {}
    for i in pages:
        seq = list(_page_glyphs(reader.pages[i]))
        glyphs[i] = seq
        for f, _c in seq:
            if f is not None:
                fonts[id(f)] = f
    dec = Decoder(list(fonts.values()))
    dec.learn()

    def item(f: FontInfo | None, code: int) -> tuple[str, int] | str:
        if f is None:
            return chr(code)
        if f.legacy:
            return bytes([code & 0xFF]).decode("cp1252", errors="replace")
        if f.standard:
            return bytes([code & 0xFF]).decode("cp1252", errors="replace")
        if f.to_unicode and code in f.to_unicode and f.to_unicode[code]:
            return f.to_unicode[code]
        gid = f.gid(code)
        if gid is None:
            return chr(code) if code < 0x80 else "\ufffd"
        return (f.family, gid)

    items = {i: [item(f, c) for f, c in seq] for i, seq in glyphs.items()}
    words: list[list[tuple[str, int] | str]] = []
    for seq_items in items.values():
        cur: list[tuple[str, int] | str] = []
        for it in seq_items:
            txt = it if isinstance(it, str) else dec.known.get(it[0], {}).get(it[1])
            if txt is not None and _SPLIT.fullmatch(txt):
                if cur:
                    words.append(cur)
                cur = []
            else:
                cur.append(it)
        if cur:
            words.append(cur)
    guess = infer(dec, words)
    texts: dict[int, list[str]] = {}
    for i, seq_items in items.items():
        out: list[str] = []
        for (f, _c), it in zip(glyphs[i], seq_items, strict=True):
            if isinstance(it, str):
                out.append(it)
            else:
                t = dec.decode_gid(it[0], it[1], guess)
                out.append(t if t is not None else "\ufffd")
            if f is not None and f.legacy:
                out[-1] = legacy.decode(out[-1], f.legacy[0], upper=f.legacy[1])
        texts[i] = _legacy_pairs(glyphs[i], out)
    return Repair(texts, glyphs, dec)


def _legacy_pairs(glyphs: list[tuple[FontInfo | None, int]], out: list[str]) -> list[str]:
    """VNI writes one letter as two codes: decode runs of a VNI font together, keep 1:1 slots."""
    res = list(out)
    i = 0
    while i < len(glyphs):
        f = glyphs[i][0]
        if f is not None and f.legacy and f.legacy[0] == "vni" and i + 1 < len(glyphs) and glyphs[i + 1][0] is f:
            pair = bytes([glyphs[i][1] & 0xFF, glyphs[i + 1][1] & 0xFF]).decode("cp1252", errors="replace")
            dec = legacy.vni_to_unicode(pair)
            if len(dec) == 1:
                res[i], res[i + 1] = dec, ""
                i += 2
                continue
        i += 1
    return res


def repair_textpage(textpage: Any, glyphs: list[tuple[FontInfo | None, int]], replacement: list[str]
                    ) -> str | None:
    """pdfium's page text with each printed character replaced by its decoded glyph.

    pdfium drops some glyphs (spaces in fonts without a map, repeated spaces) and adds
    generated ones; the two sequences are aligned on what pdfium must have shown for a glyph
    (the code itself for a Type0 font without a map, the ASCII character for a simple font's
    code below 0x80). Returns None when they do not line up: the caller OCRs the page instead.
    """
    import pypdfium2.raw as pdfium_c

    n = textpage.count_chars()
    out: list[str] = []
    j = 0
    for i in range(n):
        u = chr(pdfium_c.FPDFText_GetUnicode(textpage, i))
        if pdfium_c.FPDFText_IsGenerated(textpage, i) == 1:
            out.append(u)
            continue
        while j < len(glyphs):
            shown = _shown(glyphs[j])
            rep = replacement[j]
            if (_space(rep) or rep == "") and not _space(u) and shown != u:
                j += 1  # a space (or the second code of a VNI pair) pdfium did not emit
                continue
            if shown is None or shown == u:
                break
            if ord(shown) < 0x20:
                j += 1
                continue
            if _space(u):
                break
            return None
        if j >= len(glyphs):
            if _space(u):
                out.append(u)
                continue
            return None
        if _space(u) and not (_space(replacement[j]) or replacement[j] == ""):
            out.append(u)  # a space pdfium reports that the stream does not draw
            continue
        out.append(replacement[j] if replacement[j] else u)
        j += 1
    return "".join(out)


def _space(ch: str) -> bool:
    """A printed space; not str.isspace, which also takes control codes (0x0B, 0x1E) that a
    font without a map reports for "(" and ";"."""
    return ch in (" ", "\t", "\r", "\n", "\xa0", "\u3000")


def _shown(glyph: tuple[FontInfo | None, int]) -> str | None:
    """What pdfium reports for a glyph, where that is certain; None when it is not."""
    f, code = glyph
    if f is None:
        return None
    if f.two_byte and not f.to_unicode:
        return chr(code) if code < 0x110000 else None
    if not f.two_byte and 0x21 <= code < 0x7F and not f.legacy:
        return chr(code)
    return None


def repair_pdf_pages(data: bytes, pdf: Any, pages: list[int]) -> dict[int, str]:
    """Repaired page texts (0-based index -> text) for the garbage ``pages`` that could be fixed.

    ``pdf`` is the open pypdfium2 document; a page is kept only when the repair aligns with
    pdfium's characters and lifts its syllable share to ``REPAIRED_SHARE``.
    """
    import io

    import pypdf

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        rep = decode_document(reader, pages)
    except Exception:  # a file pypdf cannot walk: the caller falls back to OCR
        return {}
    out: dict[int, str] = {}
    for i in pages:
        tp = pdf[i].get_textpage()
        try:
            text = repair_textpage(tp, rep.glyphs[i], rep.texts[i])
        finally:
            tp.close()
        if text is None:
            continue
        share = syllable_share(text)
        if share is not None and share >= REPAIRED_SHARE:
            out[i] = text
    return out
