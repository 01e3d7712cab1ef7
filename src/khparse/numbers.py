"""Vietnamese-style figures as a small value object (in the spirit of price-parser's ``Price``).

Vietnamese administrative texts write ``2,35`` for 2.35 and ``74.900`` for 74 900. The separator
rule is explicit rather than guessed per document:

* ``,`` is the decimal separator and ``.`` groups thousands (``2.989,5`` → 2989.5,
  ``1.000.000`` → 1000000, ``0,85`` → 0.85, ``04`` → 4: leading zeros are kept in ``text``
  only);
* a single ``.`` followed by a group that is *not* three digits cannot be a thousands
  separator, so it is read as an English decimal point (``1.5`` → 1.5, ``99.86`` → 99.86);
  ``10.000`` (three digits after the dot) stays ten thousand;
* two or more ``,``-groups of exactly three digits (``1,000,000``) or ``,``-groups followed by a
  ``.`` fraction (``1,234.5``) can only be English thousands, and are read that way.

``VNNumber.text`` is the figure exactly as printed; ``value`` is an exact ``Decimal``.
``nfc_with_offsets`` lets the extractors match on NFC text (some sources are partly NFD)
while reporting spans of the text as printed.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import regex

from .grammar_cache import rx

# One figure, as printed. Alternatives are tried in order; each is anchored so that a digit,
# dot or comma never continues it (``6.5.`` section labels and ``1.2.3`` are not figures).
NUMBER_PATTERN = r"""
(?<![\d.,])                         # not the tail of a longer figure
(?:
    \d{1,3}(?:\.\d{3})+(?:,\d+)?     # VN thousands, optional decimal:  74.900   2.989,5   1.000.000
  | \d{1,3}(?:,\d{3}){2,}(?:\.\d+)?  # English thousands (2+ groups):   1,000,000
  | \d{1,3}(?:,\d{3})+\.\d+          # English thousands + fraction:   1,234.5
  | \d+,\d+                          # VN decimal comma:               2,35   0,85   99,86
  | \d+\.(?:\d{1,2}|\d{4,})          # dot + not-3 digits = English decimal:  1.5   99.86
  | \d+                              # plain integer, leading zeros allowed: 04   2030
)
(?![\d]|[.,]\d)                      # and nothing numeric follows
"""
NUMBER = rx(NUMBER_PATTERN, regex.VERBOSE)
_FULL = rx(r"\s*(?P<sign>[-+−]?)\s*(?P<num>" + NUMBER_PATTERN + r")\s*", regex.VERBOSE)
# Its groups read by number: the engine looks a name up at ~1 µs a read, a number at 0.15 µs.
_SIGN, _NUM = _FULL.groupindex["sign"], _FULL.groupindex["num"]


@dataclass(frozen=True)
class VNNumber:
    """A figure: exact ``value`` and the ``text`` it was printed as (``'04'``, ``'2,35'``)."""

    value: Decimal
    text: str

    def __float__(self) -> float:
        return float(self.value)

    @property
    def is_integer(self) -> bool:
        return self.value == self.value.to_integral_value()


def _to_decimal(text: str) -> Decimal | None:
    """Apply the separator rule above to one matched figure."""
    if "," in text and "." in text:
        if text.index(".") < text.index(","):  # 2.989,5 : VN
            digits = text.replace(".", "").replace(",", ".")
        else:  # 1,234.5 : English
            digits = text.replace(",", "")
    elif text.count(",") >= 2:  # 1,000,000
        digits = text.replace(",", "")
    elif "," in text:  # 2,35
        digits = text.replace(",", ".")
    elif text.count(".") >= 2:  # 1.000.000
        digits = text.replace(".", "")
    elif "." in text:
        head, tail = text.split(".")
        digits = head + tail if len(tail) == 3 else text  # 74.900 vs 1.5
    else:
        digits = text
    try:
        return Decimal(digits)
    except InvalidOperation:  # pragma: no cover - the grammar only lets digits through
        return None


def parse_vn_number(text: str) -> VNNumber | None:
    """Parse ``text`` when it is one figure (surrounding blanks and a sign allowed), else None.

    >>> parse_vn_number("2.989,5")
    VNNumber(value=Decimal('2989.5'), text='2.989,5')
    """
    m = _FULL.fullmatch(text)
    if m is None:
        return None
    sign, num = m.group(_SIGN, _NUM)
    value = _to_decimal(num)
    if value is None:
        return None
    if sign in ("-", "−"):
        value = value.copy_negate()
    printed = (sign + num) if sign else num
    return VNNumber(value, printed)


def find_vn_numbers(text: str) -> Iterator[tuple[int, int, VNNumber]]:
    """Every figure in ``text`` with its span (no sign handling: '-' is a bullet or a range)."""
    for m in NUMBER.finditer(text):
        value = _to_decimal(m.group())
        if value is not None:
            yield m.start(), m.end(), VNNumber(value, m.group())


def format_vn_number(value: Decimal, *, group: bool = True, pad: int = 0) -> str:
    """Print ``value`` Vietnamese style (thousands dots, decimal comma); the inverse of parsing.

    ``pad`` left-pads the integer part with zeros (``04``), as plans do for small counts.
    """
    sign = "-" if value < 0 else ""
    t = format(value.copy_abs(), "f")
    head, _, tail = t.partition(".")
    head = head.zfill(pad) if pad else head
    if group and len(head) > 3:
        first = len(head) % 3 or 3
        head = head[:first] + "".join("." + head[i:i + 3] for i in range(first, len(head), 3))
    return sign + head + ("," + tail if tail else "")


def nfc_with_offsets(text: str) -> tuple[str, Sequence[int]]:
    """NFC-normalise ``text`` and map every offset of the result back into ``text``.

    ``back[i]`` is the offset in ``text`` where character ``i`` of the result came from and
    ``back[len(result)] == len(text)``, so a span ``(s, e)`` of the result is ``text[back[s]:back[e]]``.
    Text already in NFC (most of it) maps onto itself: a ``range``, not a list built per paragraph.
    """
    if unicodedata.is_normalized("NFC", text):
        return text, range(len(text) + 1)
    out: list[str] = []
    back: list[int] = []
    i = 0
    n = len(text)
    while i < n:
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        piece = unicodedata.normalize("NFC", text[i:j])
        out.append(piece)
        back.extend([i] * len(piece))
        i = j
    back.append(n)
    return "".join(out), back
