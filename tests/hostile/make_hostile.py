"""Generate malformed and hostile inputs for the front door: ``python tests/hostile/make_hostile.py DIR``.

Every file is built from code (and the bundled samples), deterministically: the same DIR contents
on every run, byte for byte. ``CASES`` maps each file name to the exit code ``khparse extract``
must give (see ``khparse.errors.EXIT_CODES``) and a one-line reason; ``tests/test_hostile.py``
checks each one through the CLI and the whole directory through ``khparse batch``.

Bombs are built cheaply: a deflate stream of zeros is one 1 MiB segment compressed once and
repeated (a full flush makes every segment identical and self-contained), so 5 GiB of zeros cost
~5 MiB on disk and no CPU; a 300 MB text is a sparse file; 100,000 pages reuse one page object.
"""

from __future__ import annotations

import hashlib
import io
import random
import struct
import sys
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"

MiB = 1 << 20
GiB = 1 << 30

# Lines of a plan, as printed (wording of Kế hoạch 30/KH-UBND, Bắc Giang, the bundled sample).
PLAN_LINES = [
    "ỦY BAN NHÂN DÂN TỈNH BẮC GIANG",
    "Số: 30/KH-UBND",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "Bắc Giang, ngày 30 tháng 4 năm 2024",
    "KẾ HOẠCH",
    "Thực hiện Nghị quyết số 42-NQ/TW ngày 24/11/2023 của Ban Chấp hành Trung ương Đảng",
    "I. MỤC ĐÍCH, YÊU CẦU",
    "1. Mục đích",
    "Quán triệt đầy đủ nội dung Nghị quyết số 42-NQ/TW đến cán bộ, đảng viên.",
    "II. NHIỆM VỤ VÀ GIẢI PHÁP",
    "1. Đổi mới công tác tuyên truyền về chính sách xã hội",
    "Sở Lao động - Thương binh và Xã hội chủ trì, phối hợp với các sở, ngành thực hiện.",
    "2. Phấn đấu đến năm 2030 tỷ lệ hộ nghèo giảm bình quân 0,5%/năm.",
    "III. TỔ CHỨC THỰC HIỆN",
    "Các sở, ban, ngành báo cáo kết quả thực hiện trước ngày 15/12 hằng năm.",
]
PLAN_TEXT = "\n".join(PLAN_LINES) + "\n"

# A document that is not a plan: a news item (no type line, no numbering, no assignments).
NEWS_TEXT = (
    "Sáng nay, trời Đà Lạt se lạnh, nhiều du khách đến tham quan hồ Xuân Hương.\n"
    "Các quán cà phê ven hồ đông khách từ sớm, người dân tập thể dục quanh bờ hồ.\n"
)


# Not UTF-8 (Latin-1 bytes) and not Vietnamese in any 8-bit code page: letters like ö ß ä.
GERMAN_TEXT = "Größere Übermäßigkeit: Ölfässer, Bäckerstraße, Müßiggänger, Fußgängerübergänge.\n" * 20


# --------------------------------------------------------------------------- deflate bombs


def _zero_segment() -> tuple[bytes, bytes]:
    """Raw deflate of 1 MiB of zeros ending in a full flush: (first segment, repeatable segment)."""
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = co.compress(bytes(MiB)) + co.flush(zlib.Z_FULL_FLUSH)
    second = co.compress(bytes(MiB)) + co.flush(zlib.Z_FULL_FLUSH)
    third = co.compress(bytes(MiB)) + co.flush(zlib.Z_FULL_FLUSH)
    assert second == third, "zlib no longer emits identical segments after a full flush"
    return first, second


def raw_deflate_zeros(mib: int) -> bytes:
    """A raw deflate stream (ZIP method 8) that inflates to ``mib`` MiB of zeros."""
    first, seg = _zero_segment()
    return first + seg * (mib - 1) + b"\x03\x00"  # an empty final fixed-Huffman block


def zlib_zeros(mib: int) -> bytes:
    """A zlib stream (PDF /FlateDecode) that inflates to ``mib`` MiB of zeros.

    Adler-32 of n zero bytes is A = 1, B = n mod 65521: no need to feed it the zeros.
    """
    n = mib * MiB
    return b"\x78\xda" + raw_deflate_zeros(mib) + struct.pack(">I", ((n % 65521) << 16) | 1)


def crc32_zeros(mib: int) -> int:
    crc = 0
    block = bytes(MiB)
    for _ in range(mib):
        crc = zlib.crc32(block, crc)
    return crc


def zip_with_raw_member(members: list[tuple[str, bytes]], bomb_name: str, bomb_mib: int) -> bytes:
    """A ZIP of small ``members`` (deflated) plus ``bomb_name``: ``bomb_mib`` MiB of zeros (ZIP64)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, blob in members:
            zf.writestr(_zinfo(name), blob)
    small = buf.getvalue()
    # Re-open the archive and append the bomb member written by hand (zipfile would deflate GiBs).
    body = raw_deflate_zeros(bomb_mib)
    size = bomb_mib * MiB
    crc = crc32_zeros(bomb_mib)
    zin = zipfile.ZipFile(io.BytesIO(small))
    cd_entries = []
    out = io.BytesIO()
    for info in zin.infolist():
        offset = out.tell()
        raw = small[info.header_offset:]
        name_len, extra_len = struct.unpack("<HH", raw[26:30])
        header_len = 30 + name_len + extra_len
        out.write(raw[:header_len + info.compress_size])
        cd_entries.append(_central(info.filename.encode(), info.CRC, info.compress_size, info.file_size,
                                   offset, zip64=False))
    offset = out.tell()
    bname = bomb_name.encode()
    extra = struct.pack("<HHQQ", 1, 16, size, len(body))
    out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, 0, 8, 0, 0x21, crc, 0xFFFFFFFF, 0xFFFFFFFF,
                          len(bname), len(extra)) + bname + extra)
    out.write(body)
    cd_entries.append(_central(bname, crc, len(body), size, offset, zip64=True))
    cd_start = out.tell()
    for entry in cd_entries:
        out.write(entry)
    cd_size = out.tell() - cd_start
    n = len(cd_entries)
    eocd64 = out.tell()
    out.write(struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, n, n, cd_size, cd_start))
    out.write(struct.pack("<IIQI", 0x07064B50, 0, eocd64, 1))
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, n, n, cd_size, cd_start, 0))
    return out.getvalue()


def _zinfo(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(2024, 4, 30, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _central(name: bytes, crc: int, csize: int, usize: int, offset: int, *, zip64: bool) -> bytes:
    if zip64:
        extra = struct.pack("<HHQQQ", 1, 24, usize, csize, offset)
        return struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45, 0, 8, 0, 0x21, crc, 0xFFFFFFFF,
                           0xFFFFFFFF, len(name), len(extra), 0, 0, 0, 0, 0xFFFFFFFF) + name + extra
    return struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, csize, usize,
                       len(name), 0, 0, 0, 0, 0, offset) + name


# --------------------------------------------------------------------------- PDF building


def pdf_bytes(objects: list[bytes], *, trailer: bytes = b"", root: int = 1, version: bytes = b"1.7",
              xref: bool = True) -> bytes:
    """A PDF of ``objects`` (bodies of objects 1..n, in order) with a correct xref table."""
    out = io.BytesIO()
    out.write(b"%PDF-" + version + b"\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for num, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % num + body + b"\nendobj\n")
    start = out.tell()
    if xref:
        out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
        for off in offsets:
            out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root %d 0 R " % (len(objects) + 1, root) + trailer + b">>\n")
    out.write(b"startxref\n%d\n%%%%EOF\n" % start)
    return out.getvalue()


def stream(body: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d " % len(body) + extra + b">>\nstream\n" + body + b"\nendstream"


def text_content(lines: list[str]) -> bytes:
    """A content stream printing ASCII ``lines`` in Helvetica (WinAnsi), one under the other."""
    ops = [b"BT /F1 11 Tf 14 TL 72 760 Td"]
    for ln in lines:
        esc = ln.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(b"(" + esc.encode("latin-1") + b") Tj T*")
    ops.append(b"ET")
    return b"\n".join(ops)


ASCII_LINES = [
    "This page is a test page with enough printed letters to count as a text layer.",
    "It is not a plan: there is no type line, no numbering and no assignment of tasks.",
]
FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"


def text_pdf(resources_extra: bytes = b"", page_extra: bytes = b"", lines: list[str] | None = None) -> bytes:
    """One page of ASCII text: the control document that every PDF bomb is a variation of."""
    content = text_content(lines or ASCII_LINES)
    return pdf_bytes([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> " + resources_extra + b">> " + page_extra + b">>",
        stream(content),
        FONT,
    ])


def pdf_many_pages(n: int) -> bytes:
    """``n`` pages that are all the same page object: a page-count bomb of ~7 bytes a page."""
    kids = b" ".join([b"3 0 R"] * n)
    return pdf_bytes([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % n,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        stream(text_content(ASCII_LINES)),
        FONT,
    ])


def pdf_count_lie(count: int) -> bytes:
    """One real page, but the page tree claims ``count``."""
    return text_pdf().replace(b"/Kids [3 0 R] /Count 1", b"/Kids [3 0 R] /Count %d" % count)


def pdf_zero_pages() -> bytes:
    return pdf_bytes([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"])


def pdf_nested_page_tree(depth: int) -> bytes:
    """A page tree ``depth`` levels deep, a single page at the bottom."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for level in range(depth):
        num = 2 + level
        objs.append(b"<< /Type /Pages /Kids [%d 0 R] /Count 1 %s>>" % (
            num + 1, b"/Parent %d 0 R " % (num - 1) if level else b""))
    page = 2 + depth
    objs.append(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
                b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (page - 1, page + 1, page + 2))
    objs.append(stream(text_content(ASCII_LINES)))
    objs.append(FONT)
    return pdf_bytes(objs)


def pdf_page_tree_cycle() -> bytes:
    """The page tree lists itself among its kids (a cycle), beside one real page."""
    return text_pdf().replace(b"/Kids [3 0 R] /Count 1", b"/Kids [2 0 R 3 0 R] /Count 2")


def pdf_nested(depth: int, kind: str) -> bytes:
    """A page whose resources hold an array (or dictionary) nested ``depth`` levels deep."""
    if kind == "array":
        deep = b"[" * depth + b"1" + b"]" * depth
    else:
        deep = b"<< /A " * depth + b"1" + b" >>" * depth
    return text_pdf(resources_extra=b"/Deep " + deep + b" ")


def pdf_enormous_array(n: int) -> bytes:
    """A page whose resources hold one array of ``n`` integers (an enormous object, ~2n bytes)."""
    return text_pdf(resources_extra=b"/Huge [" + b"0 " * n + b"] ")


def pdf_deflate_bomb(mib: int) -> bytes:
    """The page's only content stream is FlateDecode that inflates to ``mib`` MiB of zeros."""
    body = zlib_zeros(mib)
    return pdf_bytes([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>",
        stream(body, b"/Filter /FlateDecode "),
    ])


def pdf_text_and_bomb_xobject(mib: int) -> bytes:
    """A text page that also draws an image XObject whose data is a ``mib`` MiB deflate bomb."""
    body = zlib_zeros(mib)
    side = int((mib * MiB) ** 0.5)
    content = text_content(ASCII_LINES) + b"\nq 100 0 0 100 72 500 cm /Im1 Do Q"
    return pdf_bytes([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> /XObject << /Im1 6 0 R >> >> >>",
        stream(content),
        FONT,
        stream(body, b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
                     b"/BitsPerComponent 8 /Filter /FlateDecode " % (side, side)),
    ])


def pdf_xref_loop() -> bytes:
    """Two xref sections whose /Prev point at each other (a loop for a naive reader)."""
    base = text_pdf()
    start = int(base.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    head = base[:start]
    xref_a = base[start:].split(b"trailer")[0]
    out = io.BytesIO(head)
    out.seek(0, 2)
    off_a = out.tell()
    # section A points at B, B points back at A
    off_b_placeholder = b"%010d" % 0
    out.write(xref_a + b"trailer\n<< /Size 6 /Root 1 0 R /Prev " + off_b_placeholder + b" >>\n")
    off_b = out.tell()
    out.write(b"xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 6 /Root 1 0 R /Prev %010d >>\n" % off_a)
    out.write(b"startxref\n%d\n%%%%EOF\n" % off_b)
    data = out.getvalue()
    return data.replace(b"/Prev " + off_b_placeholder, b"/Prev %010d" % off_b, 1)


def pdf_huge_length() -> bytes:
    """A content stream whose /Length claims 10^15 bytes."""
    data = text_pdf()
    return data.replace(b"<< /Length %d >>" % len(text_content(ASCII_LINES)), b"<< /Length 999999999999999 >>", 1)


def pdf_garbage_after_header(rng: random.Random) -> bytes:
    return b"%PDF-1.7\n" + rng.randbytes(64 * 1024)


# --------------------------------------------------------------------------- PDF encryption (RC4-128, R3)

_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def _rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) & 0xFF
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) & 0xFF
        j = (j + s[i]) & 0xFF
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) & 0xFF])
    return bytes(out)


def encrypted_pdf(user_password: str, owner_password: str) -> bytes:
    """The one-page text PDF encrypted with the standard security handler (R3, RC4 128-bit)."""
    file_id = hashlib.md5(b"khparse hostile " + user_password.encode()).digest()
    perms = -4
    upad = (user_password.encode("latin-1") + _PAD)[:32]
    opad = (owner_password.encode("latin-1") + _PAD)[:32]
    okey = hashlib.md5(opad).digest()
    for _ in range(50):
        okey = hashlib.md5(okey).digest()
    o = _rc4(okey, upad)
    for i in range(1, 20):
        o = _rc4(bytes(b ^ i for b in okey), o)
    key = hashlib.md5(upad + o + struct.pack("<i", perms) + file_id).digest()
    for _ in range(50):
        key = hashlib.md5(key).digest()
    u = _rc4(key, hashlib.md5(_PAD + file_id).digest())
    for i in range(1, 20):
        u = _rc4(bytes(b ^ i for b in key), u)
    u += bytes(16)

    def obj_key(num: int) -> bytes:
        return hashlib.md5(key + struct.pack("<I", num)[:3] + b"\x00\x00").digest()

    content = _rc4(obj_key(4), text_content(ASCII_LINES))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        stream(content),
        FONT,
        b"<< /Filter /Standard /V 2 /R 3 /Length 128 /P %d /O <%s> /U <%s> >>" % (
            perms, o.hex().encode(), u.hex().encode()),
    ]
    return pdf_bytes(objects, trailer=b"/Encrypt 6 0 R /ID [<%s> <%s>] " % (file_id.hex().encode(),
                                                                            file_id.hex().encode()))


# --------------------------------------------------------------------------- DOCX building

_CT = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
       b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
       b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
       b'<Default Extension="xml" ContentType="application/xml"/>'
       b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
       b'wordprocessingml.document.main+xml"/></Types>')
_RELS = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
         b'officeDocument" Target="word/document.xml"/></Relationships>')
_W_NS = b"http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def document_xml(paragraphs: list[str]) -> bytes:
    body = b"".join(b"<w:p><w:r><w:t xml:space=\"preserve\">" + _xml_escape(p).encode() + b"</w:t></w:r></w:p>"
                    for p in paragraphs)
    return (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="' + _W_NS +
            b'"><w:body>' + body + b"</w:body></w:document>")


def _xml_escape(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def docx_bytes(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, blob in parts.items():
            zf.writestr(_zinfo(name), blob)
    return buf.getvalue()


def small_docx(paragraphs: list[str]) -> bytes:
    return docx_bytes({"[Content_Types].xml": _CT, "_rels/.rels": _RELS,
                       "word/document.xml": document_xml(paragraphs)})


def docx_bomb(mib: int) -> bytes:
    """A DOCX whose word/document.xml inflates to ``mib`` MiB (of zeros: not even XML)."""
    return zip_with_raw_member([("[Content_Types].xml", _CT), ("_rels/.rels", _RELS)], "word/document.xml", mib)


def docx_corrupt_crc() -> bytes:
    """The sample DOCX with one byte of word/document.xml's compressed data flipped."""
    data = bytearray((SAMPLES / "kh-30-bacgiang.docx").read_bytes())
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("word/document.xml")
    name_len, extra_len = struct.unpack("<HH", data[info.header_offset + 26:info.header_offset + 30])
    start = info.header_offset + 30 + name_len + extra_len
    data[start + info.compress_size // 2] ^= 0x55
    return bytes(data)


def docx_encrypted_member() -> bytes:
    """A DOCX whose members carry the ZIP "encrypted" flag (traditional PKWARE encryption)."""
    data = bytearray(small_docx(PLAN_LINES))
    for sig, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        pos = data.find(sig)
        while pos >= 0:
            data[pos + flag_at] |= 1
            pos = data.find(sig, pos + 4)
    return bytes(data)


def ole_encrypted_word(rng: random.Random) -> bytes:
    """What Word writes for a password-protected .docx: an OLE2 file with an EncryptedPackage."""
    return (bytes.fromhex("d0cf11e0a1b11ae1") + rng.randbytes(1024) + "EncryptedPackage".encode("utf-16-le")
            + rng.randbytes(4096))


def docx_billion_laughs() -> bytes:
    """document.xml with a DTD of nested entities (the "billion laughs" XML bomb)."""
    ents = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    xml = ('<?xml version="1.0"?>\n<!DOCTYPE w:document [' + "".join(ents) + ']>\n<w:document xmlns:w="'
           + _W_NS.decode() + '"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>')
    return docx_bytes({"[Content_Types].xml": _CT, "_rels/.rels": _RELS, "word/document.xml": xml.encode()})


def docx_deep_xml(depth: int) -> bytes:
    """document.xml nested ``depth`` elements deep inside one paragraph."""
    inner = b"<w:smartTag>" * depth + b"<w:r><w:t>deep</w:t></w:r>" + b"</w:smartTag>" * depth
    xml = (b'<?xml version="1.0" encoding="UTF-8"?>\n<w:document xmlns:w="' + _W_NS + b'"><w:body><w:p>' + inner
           + b"</w:p></w:body></w:document>")
    return docx_bytes({"[Content_Types].xml": _CT, "_rels/.rels": _RELS, "word/document.xml": xml})


# --------------------------------------------------------------------------- legacy text


def tcvn3_bytes(text: str) -> bytes:
    """``text`` in TCVN3 (ABC) bytes: the project's encoder gives cp1252 characters, one per byte."""
    from khparse.readers.legacy import unicode_to_tcvn3

    return unicode_to_tcvn3(text).encode("cp1252")


_TONES = "\u0300\u0301\u0303\u0309\u0323"


def cp1258_bytes(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows wrote it: the letter (â, ơ…) then a combining tone mark."""
    import unicodedata

    out = []
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in parts if c in _TONES)
        out.append(unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES)) + tones)
    return "".join(out).encode("cp1258")


def deep_numbering(depth: int) -> bytes:
    """Headings 1., 1.1., 1.1.1. … ``depth`` levels deep, each with a line of text."""
    lines = ["KẾ HOẠCH", "Thực hiện nhiệm vụ"]
    for level in range(1, depth + 1):
        lines.append(".".join(["1"] * level) + ". Nội dung")
    return ("\n".join(lines) + "\n").encode()


# --------------------------------------------------------------------------- the cases


@dataclass(frozen=True)
class Case:
    code: int  # exit code of ``khparse extract`` (default options)
    why: str
    make: Callable[[random.Random], bytes] | None  # None: a sparse file (see ``SPARSE``)
    seconds: float = 60.0  # wall-time budget for one extract (the test's subprocess timeout)
    warning: str | None = None  # a warning code the output must carry (exit 0 only)


SPARSE_SIZE = 300 * 1000 * 1000  # a 300 MB text of NULs that takes no disk space


def _sample(name: str) -> Callable[[random.Random], bytes]:
    return lambda rng: (SAMPLES / name).read_bytes()


def _truncated(name: str, share: float) -> Callable[[random.Random], bytes]:
    return lambda rng: (SAMPLES / name).read_bytes()[: int((SAMPLES / name).stat().st_size * share)]


CASES: dict[str, Case] = {
    # --- empty, binary, wrong extension
    "empty.txt": Case(5, "0 bytes", lambda rng: b""),
    "whitespace.txt": Case(5, "only blanks and newlines", lambda rng: b" \t\r\n" * 100),
    "random.bin": Case(4, "random bytes", lambda rng: rng.randbytes(256 * 1024)),
    "random-named.pdf": Case(4, "random bytes named .pdf", lambda rng: rng.randbytes(64 * 1024)),
    "image-named.pdf": Case(4, "a PNG image named .pdf",
                            lambda rng: b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + rng.randbytes(4096)),
    "jpeg-named.docx": Case(4, "a JPEG image named .docx", lambda rng: b"\xff\xd8\xff\xe0" + rng.randbytes(4096)),
    "archive.gz": Case(4, "a gzip archive", lambda rng: _gzip(PLAN_TEXT.encode())),
    "page.html": Case(4, "an HTML page", lambda rng: (
        "<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>Kế hoạch</title></head><body>"
        + "".join(f"<p>{ln}</p>\n" for ln in PLAN_LINES) + "</body></html>\n").encode()),
    "document.rtf": Case(4, "an RTF document", lambda rng: b"{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 Times;}}"
                                                         b"\\f0 K\\u7870? HO\\u7840?CH\\par}"),
    "sample-pdf-named.docx": Case(0, "a real PDF named .docx: detection is by content",
                                  _sample("kh-30-bacgiang.pdf")),
    "sample-docx-named.txt": Case(0, "a real DOCX named .txt", _sample("kh-30-bacgiang.docx")),
    # --- text encodings
    "nul-bytes.txt": Case(4, "a plan with NUL bytes sprinkled in",
                          lambda rng: PLAN_TEXT.encode().replace(b" ", b" \x00", 40)),
    "invalid-utf8.txt": Case(11, "Latin-1 German: not UTF-8, and no code page makes it Vietnamese",
                             lambda rng: GERMAN_TEXT.encode("latin-1")),
    "utf8-few-bad-bytes.txt": Case(0, "UTF-8 plan with two stray bytes (kept, U+FFFD, warned)",
                                   lambda rng: PLAN_TEXT.encode().replace(b"Quan", b"\xffQuan", 1)
                                   .replace("Sở".encode(), b"\xfe" + "Sở".encode(), 1)),
    "utf16le-no-bom.txt": Case(0, "UTF-16-LE without BOM", lambda rng: PLAN_TEXT.encode("utf-16-le")),
    "utf16be-bom.txt": Case(0, "UTF-16-BE with BOM", lambda rng: b"\xfe\xff" + PLAN_TEXT.encode("utf-16-be")),
    "cp1258.txt": Case(0, "Windows-1258 (decomposed tone marks)",
                       lambda rng: cp1258_bytes(PLAN_TEXT)),
    "tcvn3.txt": Case(0, "a plan in TCVN3 (ABC) bytes", lambda rng: tcvn3_bytes(PLAN_TEXT)),
    "huge-sparse.txt": Case(9, "300 MB (sparse): over the 200 MiB --max-bytes default", None, seconds=10),
    "deep-numbering.txt": Case(0, "numbered headings 1,500 levels deep (past Python's recursion limit)",
                               lambda rng: deep_numbering(1500), seconds=90),
    "long-line.txt": Case(0, "one 1.7 MB line with no newline (regex time)",
                          lambda rng: (" ".join(PLAN_LINES) + " ").encode() * 2000, seconds=90),
    "huge-text.txt": Case(9, "18 MB of plan text (14 million characters): over --max-pages 2000 pages of 5,000 characters",
                          lambda rng: PLAN_TEXT.encode() * 20000, seconds=30),
    "not-a-plan.txt": Case(0, "a news item: parsed, but flagged", lambda rng: NEWS_TEXT.encode(),
                           warning="not-a-plan"),
    # --- JSON
    "not-an-export.json": Case(4, "JSON that is not a crawl export", lambda rng: b'{"name": "x", "items": [1, 2]}'),
    "json-array.json": Case(4, "a JSON array", lambda rng: b"[1, 2, 3]\n"),
    "truncated.json": Case(7, "a crawl export cut in the middle",
                           lambda rng: ('{"meta": {"content": "' + PLAN_TEXT.replace("\n", "\\n")).encode()[:400]),
    "empty-content.json": Case(5, "a crawl export with empty content", lambda rng: b'{"meta": {"content": "  "}}'),
    "deep.json": Case(7, "JSON nested 100,000 levels deep", lambda rng: b"[" * 100000 + b"]" * 100000),
    # --- PDF: damage
    "truncated.pdf": Case(7, "the sample PDF cut at 60%", _truncated("kh-30-bacgiang.pdf", 0.6)),
    "truncated-head.pdf": Case(7, "the first 2 KB of the sample PDF", lambda rng: (SAMPLES / "kh-30-bacgiang.pdf")
                               .read_bytes()[:2048]),
    "garbage-after-header.pdf": Case(7, "a PDF header and then random bytes", pdf_garbage_after_header),
    "zero-pages.pdf": Case(7, "a valid PDF with no pages", lambda rng: pdf_zero_pages()),
    "xref-loop.pdf": Case(0, "xref sections whose /Prev point at each other", lambda rng: pdf_xref_loop()),
    "huge-length.pdf": Case(0, "a stream whose /Length claims 10^15 bytes", lambda rng: pdf_huge_length()),
    "encrypted-empty-password.pdf": Case(0, "RC4-128 with an empty user password: opens",
                                         lambda rng: encrypted_pdf("", "owner")),
    "encrypted-password.pdf": Case(6, "RC4-128 with a real user password", lambda rng: encrypted_pdf("secret", "owner")),
    # --- PDF: bombs
    "pages-100k.pdf": Case(9, "100,000 pages (one page object reused): over --max-pages 2000",
                           lambda rng: pdf_many_pages(100_000), seconds=30),
    "pages-count-lie.pdf": Case(9, "one page, /Count 1,000,000: over --max-pages", lambda rng: pdf_count_lie(1_000_000),
                                seconds=30),
    "page-tree-10k-deep.pdf": Case(7, "page tree nested 10,000 levels (pdfium stops at 1,024: no pages)",
                                   lambda rng: pdf_nested_page_tree(10_000), seconds=30),
    "page-tree-cycle.pdf": Case(7, "the page tree lists itself as a kid", lambda rng: pdf_page_tree_cycle()),
    "nested-array-10k.pdf": Case(0, "an array nested 10,000 deep in the page resources",
                                 lambda rng: pdf_nested(10_000, "array"), seconds=30),
    "nested-dict-10k.pdf": Case(0, "a dictionary nested 10,000 deep", lambda rng: pdf_nested(10_000, "dict"),
                                seconds=30),
    "enormous-array.pdf": Case(0, "one array of 5 million integers in the page resources",
                               lambda rng: pdf_enormous_array(5_000_000), seconds=60),
    "deflate-bomb-5g.pdf": Case(9, "the only stream inflates to 5 GiB", lambda rng: pdf_deflate_bomb(5 * 1024),
                                seconds=60),
    "image-bomb.pdf": Case(0, "a text page that draws a 2 GiB deflate-bomb image",
                           lambda rng: pdf_text_and_bomb_xobject(2 * 1024), seconds=60),
    # --- DOCX / ZIP
    "truncated.docx": Case(7, "the sample DOCX cut in half", _truncated("kh-30-bacgiang.docx", 0.5)),
    "corrupt-crc.docx": Case(7, "one byte of document.xml flipped", lambda rng: docx_corrupt_crc()),
    "no-document-xml.docx": Case(4, "a ZIP without word/document.xml",
                                 lambda rng: docx_bytes({"[Content_Types].xml": _CT, "readme.txt": b"hello"})),
    "document-not-xml.docx": Case(7, "word/document.xml is not XML",
                                  lambda rng: docx_bytes({"[Content_Types].xml": _CT, "_rels/.rels": _RELS,
                                                          "word/document.xml": rng.randbytes(2000)})),
    "billion-laughs.docx": Case(7, "document.xml with nested entities (XML bomb): entities not expanded",
                                lambda rng: docx_billion_laughs()),
    "deep-xml.docx": Case(7, "document.xml nested 100,000 elements deep", lambda rng: docx_deep_xml(100_000)),
    "docx-bomb.docx": Case(9, "word/document.xml inflates to 5 GiB", lambda rng: docx_bomb(5 * 1024), seconds=30),
    "zip-bomb.zip": Case(4, "a ZIP whose one member inflates to 5 GiB (not a DOCX)",
                         lambda rng: zip_with_raw_member([], "data.bin", 5 * 1024), seconds=30),
    "encrypted-member.docx": Case(6, "ZIP members flagged as encrypted", lambda rng: docx_encrypted_member()),
    "password-protected.docx": Case(6, "an OLE2 EncryptedPackage (Word's password-protected .docx)",
                                    ole_encrypted_word),
    "xlsx-named.docx": Case(4, "a spreadsheet named .docx",
                            lambda rng: docx_bytes({"[Content_Types].xml": _CT, "xl/workbook.xml": b"<workbook/>"})),
    "small-plan.docx": Case(0, "a minimal DOCX plan (control)", lambda rng: small_docx(PLAN_LINES)),
    "ole-garbage.doc": Case(4, "OLE2 magic then random bytes (not a Word document)",
                            lambda rng: bytes.fromhex("d0cf11e0a1b11ae1") + rng.randbytes(8192)),
}


def _gzip(data: bytes) -> bytes:
    import gzip

    return gzip.compress(data, mtime=0)


def generate(out: Path) -> dict[str, Path]:
    """Write every case into ``out``; return name → path. Deterministic (seeded per file)."""
    out.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for name, case in CASES.items():
        path = out / name
        if case.make is None:
            with open(path, "wb") as fh:
                fh.truncate(SPARSE_SIZE)
        else:
            rng = random.Random(name)
            path.write_bytes(case.make(rng))
        paths[name] = path
    return paths


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: make_hostile.py OUT_DIR", file=sys.stderr)
        return 2
    for name, path in generate(Path(argv[1])).items():
        print(f"{CASES[name].code:3d}  {path.stat().st_size:>12,d}  {name}  {CASES[name].why}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
