"""Property-based fuzzing of the text pipeline and the front door (hypothesis).

Contract (``fuzz_targets``): only ``KhparseError`` may escape, never wrapping an unexpected
library exception, and every plan that comes out passes ``khparse.validate``.

CI runs a bounded budget (``FUZZ_EXAMPLES``, default 200 examples per test); ``make fuzz`` runs
long campaigns (``FUZZ_EXAMPLES=100000``, plus atheris on PDF/DOCX bytes when installed).
"""

from __future__ import annotations

import os
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz_targets import run_bytes, run_text, seed_documents, seed_lines

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "200"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much])

LINES = seed_lines()
# Characters that matter to the grammars: numbering, dates, agencies, numbers, tone marks.
ALPHABET = ("IVXLCDMivxlcdm0123456789.,;:-–()/%+ \tabcdeghiklmnopqrstuvxyĐđÀÁẢÃẠàáảãạâấầẩẫậăắằẳẵặ"
            "êếềểễệôốồổỗộơớờởỡợưứừửữựKẾHOẠCHSốngàythángnăm\u0300\u0301\u0303\u0309\u0323\ufeff\u00a0")
NUMBERINGS = ["I.", "II.", "III.", "IV.", "1.", "2.", "1.1.", "1.2.", "a)", "b)", "-", "+", "*", "Điều 1.",
              "Chương I", "PHẦN I", "Mục 1.", "PL", "1.1.1.", "XL.", "0.", "99999999999999999999."]


@st.composite
def mutated_line(draw: st.DrawFn) -> str:
    line = draw(st.sampled_from(LINES))
    for _ in range(draw(st.integers(0, 3))):
        op = draw(st.sampled_from(["insert", "delete", "numbering", "upper", "digits", "keep"]))
        pos = draw(st.integers(0, len(line)))
        if op == "insert":
            line = line[:pos] + draw(st.text(ALPHABET, min_size=1, max_size=8)) + line[pos:]
        elif op == "delete":
            line = line[:pos] + line[pos + draw(st.integers(1, 12)):]
        elif op == "numbering":
            line = draw(st.sampled_from(NUMBERINGS)) + " " + line
        elif op == "upper":
            line = line.upper()
        elif op == "digits":
            line = line[:pos] + str(draw(st.integers(-10**6, 10**12))) + line[pos:]
    return line


texts = st.lists(st.one_of(mutated_line(), st.sampled_from(LINES), st.text(ALPHABET, max_size=60),
                           st.just(""), st.text(max_size=20)), max_size=80).map("\n".join)


@FUZZ
@given(texts)
def test_text_pipeline_only_raises_khparse_errors(text: str) -> None:
    run_text(text)


@FUZZ
@given(texts, st.sampled_from(["utf-8", "utf-16", "utf-16-le", "cp1258", "utf-8-sig"]),
       st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=4))
def test_text_front_door(text: str, encoding: str, flips: list[tuple[int, int]]) -> None:
    data = bytearray(text.encode(encoding, errors="replace"))
    for pos, byte in flips:
        if data:
            data[pos % len(data)] = byte
    run_bytes(bytes(data))


def mutate(data: bytes, rng: random.Random, rounds: int) -> bytes:
    """Byte-level mutations that keep most of the structure: flips, splices, digit runs, cuts."""
    out = bytearray(data)
    for _ in range(rounds):
        if not out:
            break
        pos = rng.randrange(len(out))
        op = rng.randrange(7)
        if op == 0:
            out[pos] = rng.randrange(256)
        elif op == 1:
            del out[pos:pos + rng.randint(1, 64)]
        elif op == 2:
            start = rng.randrange(len(out))
            out[pos:pos] = out[start:start + rng.randint(1, 256)]
        elif op == 3:
            out[pos:pos] = rng.choice([b"999999999", b"-1", b"0", b"4294967296", b"1e308", b"R", b"<<", b"[",
                                       b"/Length 99999999", b"/Count 0", b"/Filter /FlateDecode", b"obj", b"\x00"])
        elif op == 4:
            del out[rng.randrange(len(out)):]
        elif op == 5:
            out[pos:pos + 1] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
        else:
            m = rng.randrange(len(out))
            out[pos], out[m] = out[m], out[pos]
    return bytes(out)


def _docx_xml_mutated(data: bytes, rng: random.Random, rounds: int) -> bytes:
    """Mutate the XML inside a DOCX and re-zip it, so python-docx/lxml and our walker see it."""
    import io
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            blob = src.read(info)
            if info.filename == "word/document.xml" or (info.filename.endswith(".xml") and rng.random() < 0.2):
                blob = mutate(blob, rng, rounds)
            dst.writestr(info, blob)
    return buf.getvalue()


PDF_SEEDS = sorted(seed_documents("pdf").items())
DOCX_SEEDS = sorted(seed_documents("docx").items())
TEXT_SEEDS = sorted(seed_documents("text").items())


@FUZZ
@given(st.sampled_from(PDF_SEEDS), st.randoms(use_true_random=False), st.integers(1, 12))
def test_pdf_front_door(seed: tuple[str, bytes], rng: random.Random, rounds: int) -> None:
    run_bytes(mutate(seed[1], rng, rounds))


@FUZZ
@given(st.sampled_from(DOCX_SEEDS), st.randoms(use_true_random=False), st.integers(1, 12), st.booleans())
def test_docx_front_door(seed: tuple[str, bytes], rng: random.Random, rounds: int, inner: bool) -> None:
    run_bytes(_docx_xml_mutated(seed[1], rng, rounds) if inner else mutate(seed[1], rng, rounds))


@FUZZ
@given(st.sampled_from(TEXT_SEEDS), st.randoms(use_true_random=False), st.integers(1, 12))
def test_text_bytes_front_door(seed: tuple[str, bytes], rng: random.Random, rounds: int) -> None:
    run_bytes(mutate(seed[1], rng, rounds))
