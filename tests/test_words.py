"""words.split_words: the engine's ``[\\p{L}\\p{M}]+`` words from C string operations, or None.

Held against the engine on real documents (pages of the PDFs as pdfium reads them, the seeds,
the Markdown plans), on random windows of them, and on text spiced with the characters the cut
must not mistake (marks, unlisted symbols, other scripts, surrogates).
"""

from __future__ import annotations

import random
import unicodedata

import regex

from khparse.words import ASCII_GAPS, OTHER_GAPS, cut_gaps, split_words
from khparse_helpers import SHARED

_WORD = regex.compile(r"[\p{L}\p{M}]+")


def _pages() -> list[str]:
    import pypdfium2 as pdfium

    pages: list[str] = []
    for f in sorted([*SHARED.glob("pdf/*.pdf"), *SHARED.glob("corpus/*.pdf")]):
        doc = pdfium.PdfDocument(str(f))
        try:
            pages += [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
        finally:
            doc.close()
    for f in sorted([*SHARED.glob("seeds/*.txt"), *SHARED.glob("corpus/*.md")]):
        pages.append(f.read_text(encoding="utf-8"))
    return pages


def test_split_words_equals_the_engine_or_declines() -> None:
    pages = _pages()
    rng = random.Random(21)
    big = "\n".join(pages)
    windows = [big[i:i + rng.randrange(1, 3000)] for i in (rng.randrange(len(big)) for _ in range(500))]
    odd = ["\u0301", "\u0323", "Ж", "漢", "\u2003", "\u3000", "\x85", "\ufffd", "©", "→", "\ud800", "ǂ", "_", "İ"]
    spiced = ["".join(c + rng.choice(odd) if rng.random() < 0.01 else c for c in w) for w in windows[:200]]
    nfd = [unicodedata.normalize("NFD", w) for w in windows[:50]]
    cut = declined = 0
    for t in [*pages, *windows, *spiced, *nfd, "", " ", "ǂ", "a–b", "x\xa0y"]:
        got = split_words(t)
        if got is None:
            declined += 1
        else:
            assert got == _WORD.findall(t), t[:80]
            cut += 1
    assert cut > 400 and declined > 50  # the cut is taken on most real text, declined where it cannot tell
    assert sum(split_words(p) is not None for p in pages) > 0.8 * len(pages)


def test_the_gaps_are_no_part_of_a_word() -> None:
    for c in OTHER_GAPS:
        assert not _WORD.match(c) and not c.isascii(), repr(c)
    for b in range(128):
        c = chr(b)
        assert (ASCII_GAPS[b] == ord(" ")) == (not c.isalpha())
        assert bool(_WORD.match(c)) == c.isalpha()
    assert cut_gaps("\ud800") is None
