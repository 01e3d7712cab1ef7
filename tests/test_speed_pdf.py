"""Speed shortcuts of the PDF read path (issue 5) give exactly what their plain forms give.

Each test holds a shortcut against the slow form it replaced, on the real PDFs of ../shared
(every page's text and every line's position), so an edit that breaks the proof fails here.
"""

from __future__ import annotations

import os
import signal
import struct
import time
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import regex

from khparse import sandbox
from khparse.errors import CorruptInput
from khparse.readers import pdf, text
from khparse_helpers import SHARED
from test_shortcuts import _vi_share_plain


@pytest.fixture(autouse=True)
def _sandbox_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sandbox tests here need real children: the fuzz targets turn it off for the session."""
    from khparse import sandbox

    monkeypatch.setattr(sandbox, "ENABLED", True)
    monkeypatch.delenv("KHPARSE_SANDBOX", raising=False)


def _pdfs() -> list[Path]:
    if not SHARED.is_dir():
        pytest.skip("../shared is absent")
    return sorted((SHARED / "pdf").glob("*.pdf")) + sorted((SHARED / "corpus").glob("*.pdf"))


def _page_texts() -> list[str]:
    import pypdfium2 as pdfium

    out = []
    for path in _pdfs():
        doc = pdfium.PdfDocument(str(path))
        try:
            for i in range(len(doc)):
                tp = doc[i].get_textpage()
                out.append(tp.get_text_range())
                tp.close()
        finally:
            doc.close()
    return out


# Stamp lines of real scans (lamdong-ttr-91) and look-alikes that must not count as stamps.
_STAMPS = ["SAO Y; CÔNG AN TỈNH LÂM ĐỒNG; 18/03/2026; 08:32:14; +07:00", "  Ký bởi: Sở Nội vụ",
           "Người ký: Nguyễn Văn A", "THỜI GIAN KÝ: 18.03.2026", "Signed by: X", "signature valid",
           "Cơ quan : UBND tỉnh", "Email: a@b.vn", "lúc 9:30 sáng", "-07:001", "x Ký bởi", "Ký\u00a0bởi",
           "giờ 8:5:00", "+07:00.", "tel +84 12:34", ""]


def test_stamp_test_in_two_halves_equals_the_stamp_grammar() -> None:
    lines = [ln for t in _page_texts() for ln in t.splitlines()] + _STAMPS
    assert any(pdf._STAMP.search(ln) for ln in lines)
    for ln in lines:
        assert pdf._is_stamp(ln) == (pdf._STAMP.search(ln) is not None), ln


# Characters whose lower case is not one character, or depends on context, or is in the alphabet
# though they are not (Kelvin sign): where judging each distinct character once could go wrong.
_ODD = ["ΟΔΟΣ ΣΑΣ", "İstanbul", "\u212a\u212b", "A\u0300\u0323", "ǅ ǈ ǋ", "ﬁ ß ŉ", "\ufffd\x01\x85"]


def test_page_scores_from_one_count_equal_the_plain_scores() -> None:
    pages = _page_texts()
    texts = pages + [unicodedata.normalize("NFD", p) for p in pages[:5]] + _ODD + ["", *(o + pages[0] for o in _ODD)]
    assert any(not unicodedata.is_normalized("NFC", t) for t in texts)
    for t in texts:
        plain_bad = len(regex.findall(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufffd]", t)) / len(t) if t else 0.0
        assert text.vietnamese_share(t) == _vi_share_plain(t), t[:40]
        assert text.vietnamese_share(t, Counter(t)) == _vi_share_plain(t), t[:40]
        assert text.bad_share(t) == plain_bad
        assert text.bad_share(t, Counter(t)) == plain_bad


def _needs_ocr_plain(page_texts: list[str]) -> list[int]:
    out = []
    for k, t in enumerate(page_texts, start=1):
        kept = "\n".join(ln for ln in t.splitlines() if not pdf._STAMP.search(ln))
        letters = sum(map(str.isalpha, kept))
        if (letters < pdf._MIN_LETTERS or text.bad_share(kept) > 0.01
                or _vi_share_plain(kept) < pdf._MIN_VI_SHARE):
            out.append(k)
    return out


def test_needs_ocr_equals_its_plain_form() -> None:
    pages = _page_texts()
    pages += ["\n".join(_STAMPS) + "\n" + p for p in pages[:3]] + _ODD
    assert _needs_ocr_plain(pages)  # the scans are in: some pages need OCR
    assert pdf.needs_ocr(pages) == _needs_ocr_plain(pages)


def _lines_plain(tp: Any, t: str) -> list[tuple[str, list[int], float, float, float, float]]:
    """The per-line reading before the shortcut: a list of indices, two charbox calls via _measure."""
    out = []
    for m in pdf._PIECE.finditer(t):
        content, end = m.group(1), m.group(2)
        start = m.start(1)
        chars = list(range(start, start + len(content)))
        if end == "\ufffe":
            content += "-"
            chars.append(m.start(2))
        if content.strip():
            s = content.rstrip()
            first = len(s) - len(s.lstrip())
            lb, rb = tp.get_charbox(chars[first]), tp.get_charbox(chars[len(s) - 1])
            out.append((s, chars[: len(s)], lb[0], rb[2], max(lb[3], rb[3]), min(lb[1], rb[1])))
        if m.end() >= len(t):
            break
    return out


def test_page_lines_and_positions_equal_the_plain_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    import pypdfium2 as pdfium

    # no merging, no page-number drop: the raw lines of _read_page itself
    monkeypatch.setattr(pdf, "_merge_same_baseline", lambda raws: raws)
    monkeypatch.setattr(pdf, "_drop_page_number", lambda lines, page, height: lines)
    hyphens = 0
    for path in _pdfs():
        doc = pdfium.PdfDocument(str(path))
        try:
            for i in range(len(doc)):
                pg = pdf._read_page(doc, i)
                try:
                    t = pg.textpage.get_text_range()
                    if len(t) != pg.textpage.count_chars():
                        continue
                    hyphens += t.count("\ufffe")
                    got = [(r.text, list(r.chars), r.x0, r.x1, r.top, r.bottom) for r in pg.lines]
                    assert got == _lines_plain(pg.textpage, t)
                finally:
                    page = pg.textpage.page
                    pg.textpage.close()
                    page.close()
        finally:
            doc.close()
    assert hyphens  # the line-end hyphen case is exercised


# --- sandbox: the reply is read by its length, the child is reaped later -------------------------


def _exists(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return False
    return True


def test_sandbox_returns_on_the_reply_and_reaps_the_child_later() -> None:
    sandbox.reap(wait=True)
    assert sandbox.run_isolated("x", lambda n: [os.getpid()] * n, 3)[0] != os.getpid()
    (pid,) = sandbox._pending
    assert sandbox.run_isolated("x", lambda: "second") == "second"  # the next call collects the first child
    assert pid not in sandbox._pending or _exists(pid)
    sandbox.reap(wait=True)
    assert not sandbox._pending
    assert not _exists(pid)


def test_sandbox_outcomes_are_unchanged() -> None:
    def fail() -> None:
        raise CorruptInput("x: broken")

    with pytest.raises(CorruptInput, match="x: broken"):
        sandbox.run_isolated("x", fail)
    with pytest.raises(sandbox.IsolatedFailure, match="ZeroDivisionError"):
        sandbox.run_isolated("x", lambda: 1 // 0)
    with pytest.raises(CorruptInput, match=r"crashed on this file \(exit status 3\)"):
        sandbox.run_isolated("x", os._exit, 3)
    with pytest.raises(CorruptInput, match=r"crashed on this file \(signal SIGKILL\)"):
        sandbox.run_isolated("x", lambda: os.kill(os.getpid(), signal.SIGKILL))  # the child kills itself
    sandbox.reap(wait=True)
    assert not sandbox._pending


class _Overstated(struct.Struct):
    """A length header that promises more than the child then writes (a reply cut short)."""

    def pack(self, *values: Any) -> bytes:
        return super().pack(values[0] + 100)


def test_sandbox_reply_cut_short_is_a_crash_not_a_garbled_result(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandbox, "_LENGTH", _Overstated("<Q"))
    with pytest.raises(CorruptInput, match=r"crashed on this file \(exit status 0\)"):
        sandbox.run_isolated("x", lambda: "result")
    assert not sandbox._pending  # it was waited for, to read its exit status


def test_sandbox_interrupted_wait_kills_the_child() -> None:
    class Interrupted(Exception):
        pass

    def on_alarm(signum: int, frame: Any) -> None:
        raise Interrupted

    pids: list[int] = []
    real_fork = os.fork

    def fork() -> int:
        pid = real_fork()
        pids.append(pid)
        return pid

    old = signal.signal(signal.SIGALRM, on_alarm)
    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(os, "fork", fork)
            signal.setitimer(signal.ITIMER_REAL, 0.3)
            with pytest.raises(Interrupted):
                sandbox.run_isolated("x", time.sleep, 30)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    assert pids and pids[0] not in sandbox._pending
    assert not _exists(pids[0])  # killed and waited for


def _is_syllable_plain(word: str) -> bool:
    """``syllables.is_syllable`` as it was: every onset of ONSETS tried in order."""
    import unicodedata

    from khparse.readers import syllables as sy

    if not word or len(word) > 8:
        return False
    nfd = unicodedata.normalize("NFD", word.lower())
    tones = [c for c in nfd if c in sy.TONES]
    if len(tones) > 1:
        return False
    base = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in sy.TONES))
    if any(unicodedata.combining(c) for c in base):
        return False
    tone = sy.TONES[tones[0]] if tones else "ngang"
    for onset in (*sy.ONSETS, ""):
        if not base.startswith(onset):
            continue
        rhyme = base[len(onset):]
        if onset == "gi" and rhyme == "":
            rhyme = "i"
        if sy._rhyme_ok(onset, rhyme, tone):
            return True
    return False


def test_syllables_tried_by_onset_length_equal_trying_every_onset() -> None:
    """Also the split of words of the alphabet's letters by two translations instead of NFD/NFC:
    every onset + rhyme + tone, with the tone last (NFD) and on a vowel (NFC), in any case."""
    import itertools
    import random
    import unicodedata

    import regex

    from khparse.readers import syllables as sy

    words = set()
    for p in sorted((SHARED / "seeds").glob("*.txt")) + sorted((SHARED / "corpus").glob("*.md")):
        words |= set(regex.findall(r"[\p{L}\p{M}]+", p.read_text(encoding="utf-8", errors="replace")))
    tones = ["", *sy.TONES]
    for onset, rhyme, tone in itertools.product([*sy.ONSETS, ""], sorted(sy.RHYMES), tones):
        words.add(onset + rhyme + tone)  # every onset with every rhyme and tone, valid or not
        on_vowel = unicodedata.normalize("NFC", onset + rhyme[:1] + tone + rhyme[1:])
        words |= {unicodedata.normalize("NFC", onset + rhyme + tone), on_vowel, on_vowel.upper(), on_vowel.title()}
    words |= {"gi", "gì", "quy", "ngh", "", "x" * 9, "GHI", "Nghiêng"}
    rng = random.Random(19)
    alphabet = [*sorted(sy._LETTERS), "A", "Đ", "Ơ", "\u0301", "\u0323", "ğ", "İ", "ß", "ǅ", "1"]
    words |= {"".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 10))) for _ in range(20000)}
    valid = 0
    for w in sorted(words):
        assert sy.is_syllable.__wrapped__(w) == _is_syllable_plain(w), w
        valid += _is_syllable_plain(w)
    assert valid > 5000 and len(words) > 30000


def test_charbox_reader_gives_pdfiums_boxes_for_every_character() -> None:
    import pypdfium2 as pdfium

    seen = 0
    for path in _pdfs():
        doc = pdfium.PdfDocument(str(path))
        try:
            for i in range(len(doc)):
                page = doc[i]
                tp = page.get_textpage()
                box = pdf._charbox_reader(tp)
                n = tp.count_chars()
                for k in range(n):
                    assert box(k) == tp.get_charbox(k), (path.name, i, k)
                seen += n
                for bad in (n, n + 5, -1):  # pdfium refuses: both raise
                    with pytest.raises(pdfium.PdfiumError):
                        tp.get_charbox(bad)
                    with pytest.raises(pdfium.PdfiumError):
                        box(bad)
                tp.close()
                page.close()
        finally:
            doc.close()
    assert seen > 10_000
