"""Readers: format sniffing, text decoding, line splitting and the refusals (real seeds)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from khparse.errors import DecodeFailure, EmptyInput, InputNotFound, UnsupportedFormat
from khparse.readers import read
from khparse.readers.text import decode_bytes

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEED = SHARED / "seeds" / "000_07b9a62f9f13f5aa.txt"
_TONES = "\u0300\u0301\u0303\u0309\u0323"


def encode_cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows writes it: base letter (maybe with ^ ˘ ') + tone mark."""
    out: list[bytes] = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            out.append(ch.encode("cp1258"))
            continue
        except UnicodeEncodeError:
            pass
        nfd = unicodedata.normalize("NFD", ch)
        tones = "".join(m for m in nfd[1:] if m in _TONES)
        rest = nfd[0] + "".join(m for m in nfd[1:] if m not in _TONES)
        out.append(unicodedata.normalize("NFC", rest).encode("cp1258") + tones.encode("cp1258"))
    return b"".join(out)


def seed_text() -> str:
    if not SEED.exists():
        pytest.skip("../shared is absent")
    return SEED.read_text(encoding="utf-8")


def nfc_lines(path: Path) -> list[str]:
    return [unicodedata.normalize("NFC", ln.text) for ln in read(path).lines]


@pytest.mark.parametrize(
    ("codec", "expected"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("utf-16", "utf-16"),  # with BOM
        ("utf-16-le", "utf-16-le"),  # BOM-less, found by the NUL pattern
        ("utf-16-be", "utf-16-be"),
        ("cp1258", "cp1258"),
    ],
)
def test_encodings_round_trip_the_seed(tmp_path: Path, codec: str, expected: str) -> None:
    text = seed_text()
    reference = tmp_path / "ref.txt"
    reference.write_bytes(text.encode("utf-8"))
    data = encode_cp1258(text) if codec == "cp1258" else text.encode(codec)
    target = tmp_path / f"seed.{codec}.txt"
    target.write_bytes(data)
    doc = read(target)
    assert doc.encoding == expected
    assert doc.format == "text" and doc.layout == "wrapped"
    assert nfc_lines(target) == nfc_lines(reference)


def test_cp1258_keeps_combining_tone_marks(tmp_path: Path) -> None:
    # "KẾ HOẠCH" in cp1258 is "KÊ" + U+0301 … : kept as decoded, composed later by the parser.
    target = tmp_path / "kh.txt"
    target.write_bytes(encode_cp1258("KẾ HOẠCH\nThực hiện Nghị quyết số 42-NQ/TW\n"))
    doc = read(target)
    assert doc.encoding == "cp1258"
    assert doc.lines[0].text == "KÊ\u0301 HOA\u0323CH"
    assert unicodedata.normalize("NFC", doc.lines[1].text) == "Thực hiện Nghị quyết số 42-NQ/TW"


def test_seed_lines_are_kept_as_printed() -> None:
    text = seed_text()
    doc = read(SEED)
    raw = text.split("\n")
    assert doc.lines[0] .text == raw[0].rstrip()  # " KẾ HOẠCH " keeps its leading space
    assert doc.lines[0].text.startswith(" ") and not doc.lines[0].text.endswith(" ")
    assert [ln.line for ln in doc.lines[:5]] == [1, 2, 3, 4, 5]
    assert doc.lines[1].text == ""  # the blank line after every printed line stays
    assert all(ln.page is None and ln.origin == "text" and ln.region == "body" for ln in doc.lines)
    assert len(doc.lines) == len(text.rstrip("\n").split("\n"))


def test_line_endings_and_form_feeds(tmp_path: Path) -> None:
    target = tmp_path / "pages.txt"
    target.write_bytes("KẾ HOẠCH\r\nI. MỤC ĐÍCH\rdòng 3\n\f2\nII. NỘI DUNG  \t\n".encode())
    lines = read(target).lines
    assert [(ln.text, ln.line, ln.page) for ln in lines] == [
        ("KẾ HOẠCH", 1, 1), ("I. MỤC ĐÍCH", 2, 1), ("dòng 3", 3, 1), ("2", 4, 2), ("II. NỘI DUNG", 5, 2)]


def test_companion_layout_text_counts_pages_by_form_feed() -> None:
    path = SHARED / "corpus" / "laocai-kh-1105-dkt-vlncn-2026.companion.txt"
    if not path.exists():
        pytest.skip("../shared is absent")
    doc = read(path)
    assert doc.format == "text"
    assert doc.lines[0].page == 1
    assert doc.lines[-1].page == 1 + path.read_bytes().count(b"\f")


def test_data_argument_and_display_name(tmp_path: Path) -> None:
    data = "KẾ HOẠCH\nThực hiện\n".encode()
    doc = read("-", data, display_name="<stdin>")
    assert doc.path == "<stdin>"
    assert len(doc.sha256) == 64
    assert [ln.text for ln in doc.lines] == ["KẾ HOẠCH", "Thực hiện"]


def test_format_is_detected_by_content_not_name(tmp_path: Path) -> None:
    target = tmp_path / "plan.pdf"
    target.write_bytes("KẾ HOẠCH\n".encode())
    assert read(target).format == "text"


@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n  ", "\ufeff \n".encode()])
def test_empty_input(tmp_path: Path, data: bytes) -> None:
    target = tmp_path / "empty.txt"
    target.write_bytes(data)
    with pytest.raises(EmptyInput):
        read(target)


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(256)) * 8,  # arbitrary binary with NULs
        b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(64),
        b"\x1f\x8b\x08\x00" + bytes(range(1, 200)),
        bytes([0x01, 0x02, 0x7f, 0x1b, 0x90, 0x8d]) * 100,  # control bytes, no NUL
    ],
)
def test_binary_garbage_is_refused(tmp_path: Path, data: bytes) -> None:
    target = tmp_path / "x.bin"
    target.write_bytes(data)
    with pytest.raises(UnsupportedFormat):
        read(target)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputNotFound):
        read(tmp_path / "nope.txt")
    with pytest.raises(InputNotFound):
        read(tmp_path)


def test_implausible_8bit_text_is_a_decode_failure() -> None:
    # Bytes that decode only as Western code pages and give no Vietnamese at all: "ÞÐÆ" soup.
    data = ("ÞÐÆ ßØÅ ÞÐÆ ÿñ " * 20).encode("cp1252")
    with pytest.raises(DecodeFailure):
        decode_bytes(data)
