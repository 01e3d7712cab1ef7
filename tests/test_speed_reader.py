"""Speed shortcuts of the text reader (issue 5) give exactly what the plain forms they replace give:
the control-character count from byte scans (``_bad_count``), line splitting by ``str`` methods with
``Line`` objects built without the frozen ``__init__`` (``split_lines``, ``new_line(s)``), the
Markdown sniff trying each grammar only on lines that hold its characters, and the U+FFFD warning
gated by one scan of the source. Real texts of every text format, re-encoded, plus hand-made edge
cases the shortcuts' proofs are about (CR/CRLF mixes, form feeds, C1 controls next to Latin-1
letters, lone surrogates, NFD, BOMs, tables, blank lines).
"""

from __future__ import annotations

import copy
import dataclasses
import pickle
import random
import unicodedata
from functools import cache

import pytest

import khparse.readers as R
from khparse.readers import markdown as M
from khparse.readers import read
from khparse.readers import text as T
from khparse.readers.legacy import unicode_to_tcvn3, unicode_to_vni
from khparse.source import Line, new_line, new_lines
from khparse_helpers import SAMPLES, SHARED
from test_readers_text import encode_cp1258

# What the proofs are about: line breaks of every kind and the ones that are not breaks here
# (\x85, \u2028, \v), form feeds, C0/C1 controls, Latin-1 letters sharing the C2 lead byte (NBSP,
# "°"), U+FFFD, lone surrogates, BOM, combining marks, Markdown artefacts.
_ODD = ["\r\n", "\r", "\n", "\r\r\n", "\n\r", "\f", "\f\f", "\x85", "\u2028", "\v", "\x00", "\x01",
        "\x1b", "\x7f", "\x80", "\x9f", "\xa0", "\xb0", "\xc2", "\ufffd", "\ud800", "\ufeff", "\u0301",
        " ", "\t", "#", "# ", "## x", "|", "| --- |", "---", "**", "**x**", "*", "-", "  \n", "\x1c"]


@cache
def _texts() -> tuple[str, ...]:
    paths = sorted(p for p in (SHARED / "corpus").glob("*") if p.suffix in (".txt", ".md", ".json"))
    paths += sorted((SHARED / "seeds").glob("*.txt")) + sorted(SAMPLES.glob("*.txt"))
    if not paths:
        pytest.skip("../shared is absent")
    texts = [p.read_bytes().decode("utf-8", "replace") for p in paths]
    return tuple(texts + [unicodedata.normalize("NFD", t) for t in texts[:3]])


def _mutated(text: str, seed: int) -> str:
    """``text`` with odd pieces put in at random places (about one every 200 characters)."""
    rnd = random.Random(seed)
    out = list(text[:6000])
    for _ in range(len(out) // 200 + 5):
        out.insert(rnd.randrange(len(out) + 1), rnd.choice(_ODD))
    return "".join(out)


def _all_texts() -> list[str]:
    texts = list(_texts())
    texts += [_mutated(t, k) for k, t in enumerate(texts)]
    texts += ["", *_ODD, "a\r\nb\rc\n", "a\n", "a\r", "a\r\n", "\n\n", "x\f", "\fx", "x\f\n", "a \f \fb\n\f"]
    return texts


def test_bad_count_equals_the_regex_count() -> None:
    assert {chr(b) for b in T._BAD_ASCII_BYTES} == {chr(c) for c in range(0x80) if T._BAD_CONTROL.match(chr(c))}
    rnd = random.Random(5)
    alphabet = [chr(c) for c in range(0x200)] + ["\ufffd", "\ud800", "\udfff", "ạ", "\U0001f600", "\uffff"]
    randoms = ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 40))) for _ in range(3000)]
    for t in _all_texts() + randoms:
        plain = len(T._BAD_CONTROL.findall(t))
        assert T._bad_count(t) == plain, repr(t[:40])
        assert T.bad_share(t) == (plain / len(t) if t else 0.0)
        try:
            utf8 = t.encode("utf-8")
        except UnicodeEncodeError:
            continue
        assert T._bad_count(t, utf8) == plain, repr(t[:40])


def _fields(ln: Line) -> tuple[object, ...]:
    return tuple(getattr(ln, f.name) for f in dataclasses.fields(Line))


def test_new_line_is_the_dataclass_line() -> None:
    for args in [("", 1), ("Kế hoạch", 7, 3), ("x", 2, None, "ocr"), ("\ufffd", 10**6, 1, "table"),
                 ("y", 3, 2, "pdf", 0.1234, "header"), ("z", 4, 1, "pdf", None, "closing")]:
        plain, fast = Line(*args), new_line(*args)  # type: ignore[arg-type]
        assert type(fast) is Line and fast == plain and hash(fast) == hash(plain) and repr(fast) == repr(plain)
        assert list(vars(fast).items()) == list(vars(plain).items())
        for proto in range(pickle.HIGHEST_PROTOCOL + 1):
            assert pickle.dumps(fast, proto) == pickle.dumps(plain, proto)
            assert pickle.loads(pickle.dumps(fast, proto)) == plain
        assert copy.deepcopy(fast) == plain and dataclasses.replace(fast, x0=0.5) == dataclasses.replace(plain, x0=0.5)
        assert dataclasses.asdict(fast) == dataclasses.asdict(plain)
        with pytest.raises(dataclasses.FrozenInstanceError):
            fast.text = "y"  # type: ignore[misc]
    texts = ["a", "", "b "]
    assert new_lines(texts, 4, "pdf") == [Line(t, n, 4, "pdf") for n, t in enumerate(texts, 1)]
    assert pickle.dumps(new_lines(texts)) == pickle.dumps([Line(t, n) for n, t in enumerate(texts, 1)])


def test_split_lines_equals_the_plain_split() -> None:
    for t in _all_texts():
        fast, plain = T.split_lines(t), T.split_lines_plain(t)
        assert fast == plain, repr(t[:60])
        assert [_fields(ln) for ln in fast] == [_fields(ln) for ln in plain]
        assert pickle.dumps(fast) == pickle.dumps(plain)


def test_markdown_sniff_equals_the_plain_sniff() -> None:
    seen = set()
    for t in _all_texts():
        lines = t.splitlines()
        # windows of a few lines: the score crosses 3 at every kind of line, or never does
        windows = [t] + ["\n".join(lines[i:i + 4]) for i in range(0, min(len(lines), 600), 3)]
        windows.append("\n" * 398 + t)  # the 400-line limit cuts the artefacts off
        for w in windows:
            got = M.looks_like_markdown(w)
            assert got == M.looks_like_markdown_plain(w), repr(w[:80])
            seen.add(got)
    assert seen == {True, False}


def _inputs() -> list[bytes]:
    datas = [t.encode("utf-8", "surrogatepass") for t in _texts()]
    seed = _texts()[-4] if len(_texts()) > 4 else _texts()[0]
    vi = unicodedata.normalize("NFC", seed)
    datas += [vi.encode("utf-8-sig"), vi.encode("utf-16"), vi.encode("utf-16-le"), encode_cp1258(vi),
              unicode_to_tcvn3(vi).encode("cp1252", "replace"), unicode_to_vni(vi).encode("cp1252", "replace"),
              vi.replace("\n", "\r\n").encode(), vi.replace("\n", "\r").encode(), vi.replace("\n\n", "\n\f").encode(),
              vi.encode()[:-1] + b"\xff" + vi.encode()[:500], ("\ufffd" + vi).encode(),
              b'{"meta": {"content": "K\\u1ebf ho\\u1ea1ch\\n\\ufffd x\\r\\ny"}}',
              "# KẾ HOẠCH\n\n**I. MỤC ĐÍCH**\n\n| a | b |\n|---|---|\n| \ufffd | x |\n\n**1.**\n".encode(),
              "# KẾ HOẠCH\n\n**I. \ufffd**\n\n**1.**\n".encode(), b"a\x01b\nc\x7f\n" * 10]
    return datas


def _read_plain(data: bytes, monkeypatch: pytest.MonkeyPatch) -> object:
    def warn_plain(doc: R.SourceDoc, source: str) -> R.SourceDoc:
        if any("\ufffd" in ln.text for ln in doc.lines):
            doc.warnings.append("some bytes are not valid UTF-8 and were replaced by U+FFFD")
        return doc

    with monkeypatch.context() as m:
        m.setattr(R, "split_lines", T.split_lines_plain)
        m.setattr(R, "looks_like_markdown", M.looks_like_markdown_plain)
        m.setattr(R, "_warn_replaced", warn_plain)
        m.setattr(M, "new_line", lambda t, n: Line(t, line=n, page=None, origin="text"))
        m.setattr(T, "_bad_count", lambda t, utf8=None: len(T._BAD_CONTROL.findall(t)))
        return _outcome(data)


def _outcome(data: bytes) -> object:
    try:
        doc = read("x", data, ocr="never")
    except Exception as exc:  # the refusals must be the same too
        return type(exc).__name__, str(exc)
    return pickle.dumps(doc)


def test_read_equals_the_plain_read(monkeypatch: pytest.MonkeyPatch) -> None:
    outcomes = set()
    for data in _inputs():
        fast = _outcome(data)
        assert fast == _read_plain(data, monkeypatch), data[:60]
        outcomes.add(fast if isinstance(fast, tuple) else pickle.loads(fast).format)
    assert {"text", "json", "markdown"} <= outcomes
    assert any(isinstance(o, tuple) for o in outcomes)  # a refusal was compared too
