"""Words (runs of letters and marks, ``[\\p{L}\\p{M}]+``) of a text cut by C string operations.

Why: the engine's ``findall`` of that class costs ~100 ns a character, and the PDF reader asks for
the words of every page (the broken-font check) while the metadata reads the body's word pairs.
Cutting at the characters that are never part of a word (every ASCII one but letters, as bytes in
one ``translate``; a few frequent others by ``str.replace``) and splitting gives the same words
whenever what is left between the cuts is all letters (``str.isalpha`` is "all ``\\p{L}``"); when
it is not (a mark, an unlisted symbol), the caller asks the engine.
"""

from __future__ import annotations

# Every ASCII character but the letters (none of them a letter or a mark), as a space.
ASCII_GAPS = bytes.maketrans(bytes(c for c in range(128) if not chr(c).isalpha()),
                             b" " * sum(not chr(c).isalpha() for c in range(128)))
# Other characters of no word that plans print often (tests/test_words.py checks each).
OTHER_GAPS = "“”‘’–—…•·°²³¹×÷≤≥±‰€§«»\xa0\u2028\u200b\ufeff\xad"


def cut_gaps(text: str) -> str | None:
    """``text`` with every character of ``ASCII_GAPS`` and ``OTHER_GAPS`` made a space, or None
    when it cannot be encoded (a lone surrogate: no letter, the engine decides)."""
    for c in OTHER_GAPS:
        if c in text:
            text = text.replace(c, " ")
    try:
        return text.encode().translate(ASCII_GAPS).decode()
    except UnicodeEncodeError:
        return None


def split_words(text: str) -> list[str] | None:
    """The engine's ``[\\p{L}\\p{M}]+`` matches of ``text``, in order, or None when the cut
    text holds anything but letters and spaces (then only the engine can tell the words)."""
    cut = cut_gaps(text)
    if cut is None:
        return None
    words = cut.split()
    return words if "".join(words).isalpha() or not words else None
