"""Fast leftmost-first scanning of a big top-level alternation, one alternative at a time.

Why: the ``regex`` engine finds a lone alternative quickly (it skips ahead to the literal or
character set the alternative must start with), but a pattern ``A1 | A2 | … | An`` whose
alternatives start differently (lookbehinds, inline-flag words, digits) is tried at every
position of the text. Measured on the 42 KB seed: ``targets.MASK`` scans in 36 ms as one
pattern and in 5 ms as its 14 alternatives searched separately.

``Alternation(pattern).finditer(text)`` yields exactly the matches of ``pattern.finditer(text)``
(``spans`` their spans): the alternatives only find the next position where some alternative
matches; there the combined pattern itself matches, so the lowest-numbered alternative wins
and the groups are the combined pattern's, and scanning resumes at the end of the match. A
pattern with a global inline flag or ``\\G``, or a match that is empty, falls back to the
combined pattern, so results never differ.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterator
from itertools import accumulate
from typing import ClassVar, Protocol

import regex

from .grammar_cache import rx

__all__ = ["Alternation", "AnchoredPart", "WordGate", "group_name", "hit_texts", "joined_texts", "split_alternatives", "texts_with"]


def split_alternatives(pattern: str, verbose: bool) -> list[str]:
    """The top-level alternatives of ``pattern`` (``|`` outside groups, classes and escapes).

    In verbose mode a ``#`` outside a class starts a comment up to the end of the line; the
    comment is dropped so that a part never ends inside one.
    """
    parts: list[str] = []
    cur: list[str] = []
    depth = 0
    in_class = False
    i = 0
    n = len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            cur.append(pattern[i:i + 2])
            i += 2
            continue
        if in_class:
            if c == "]":
                in_class = False
            elif c == "[":  # a nested set ([[:alpha:]], V1 set operations) needs no tracking of its own
                pass
            cur.append(c)
        elif c == "[":
            in_class = True
            cur.append(c)
            if pattern[i + 1:i + 2] == "^":
                cur.append("^")
                i += 1
            if pattern[i + 1:i + 2] == "]":  # ']' first in a class is a literal
                cur.append("]")
                i += 1
        elif verbose and c == "#":
            j = pattern.find("\n", i)
            i = n if j < 0 else j
            continue
        elif c == "(":
            depth += 1
            cur.append(c)
        elif c == ")":
            depth -= 1
            cur.append(c)
        elif c == "|" and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(c)
        i += 1
    parts.append("".join(cur))
    return parts


_GLOBAL_FLAG = rx(r"\(\?[a-zA-Z]+\)")
_GROUP_NAME = rx(r"\(\?P<(\w+)>")


def group_name(part_source: str) -> str | None:
    """The first named group of an alternative's source: the name its matches are read by."""
    m = _GROUP_NAME.search(part_source)
    return m.group(1) if m else None


class _Finder(Protocol):
    pattern: str

    def search(self, text: str, pos: int, endpos: int) -> regex.Match[str] | None: ...


class Alternation:
    """Scanner for a compiled pattern that is a top-level alternation (see the module doc)."""

    def __init__(self, combined: regex.Pattern[str], split: bool = True) -> None:
        """``split=False``: no parts yet (``subset`` and ``with_finder`` set them)."""
        self.combined = combined
        self.parts: list[_Finder] = []
        self._all = True  # False for a subset: no parts means nothing to find
        if not split:
            return
        flags = combined.flags & ~(regex.U | regex.V0)
        src = combined.pattern
        texts = split_alternatives(src, bool(flags & regex.VERBOSE))
        # \G anchors at the search position, which differs between the two ways of scanning
        if len(texts) > 1 and not _GLOBAL_FLAG.search(src) and "\\G" not in src:
            self.parts = [rx(t, flags) for t in texts]

    def subset(self, keep: Callable[[str], bool]) -> Alternation:
        """A scanner over only the alternatives whose source ``keep`` accepts, for text where the
        caller knows the others cannot match (``deadlines``: all but one need a digit). Matches
        still come from the whole combined pattern, so groups and precedence are unchanged."""
        if not self.parts:
            return self  # scanned as one pattern anyway
        sub = Alternation(self.combined, split=False)
        sub.parts = [p for p in self.parts if keep(p.pattern)]
        sub._all = False
        return sub

    def with_finder(self, names: set[str], finder: Callable[[regex.Pattern[str]], _Finder]) -> Alternation:
        """A scanner whose alternatives ``names`` are found by ``finder`` (an ``AnchoredPart``) of
        their own alternation, one search for them all, instead of by one pattern each: only where
        the next match of any of them starts matters (see ``finditer``)."""
        picked = [p for p in self.parts if isinstance(p, regex.Pattern) and group_name(p.pattern) in names]
        if {group_name(p.pattern) for p in picked} != names:
            raise ValueError(f"no alternative is named {sorted(names - {group_name(p.pattern) for p in picked})}")
        merged = finder(picked[0] if len(picked) == 1 else
                        rx("|".join(p.pattern for p in picked), picked[0].flags & ~(regex.U | regex.V0)))
        out = Alternation(self.combined, split=False)
        out._all = self._all
        out.parts = [merged if p is picked[0] else p for p in self.parts if p is picked[0] or p not in picked]
        return out

    def spans(self, text: str, pos: int = 0, endpos: int | None = None) -> list[tuple[int, int]]:
        """The spans of ``combined.finditer``. Where only one finder has a match starting at the
        next position, that match's span is the combined pattern's there (see ``_scan``), and the
        combined pattern is not tried again: its attempt at every alternative cost more than
        the rest of the scan (``targets.MASK``: 156 of them per parse of the seed)."""
        return [m.span() for m in self._scan(text, pos, endpos, spans_only=True)]

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> Iterator[regex.Match[str]]:
        """The matches of ``combined.finditer(text, pos, endpos)``, groups and all: the parts
        only find where the next match starts; the combined pattern matches there, so the
        alternative that wins and its named groups are the combined pattern's own."""
        return self._scan(text, pos, endpos, spans_only=False)

    def _scan(self, text: str, pos: int, endpos: int | None, spans_only: bool) -> Iterator[regex.Match[str]]:
        """Each finder's next match is its leftmost from a cursor at or before the current one, so
        a finder whose next match starts after position ``at`` has no match at ``at``. When one
        finder alone starts at ``at``, every other alternative fails there, and the combined
        pattern, trying its alternatives in order, matches as that finder's own alternatives
        (kept in the combined order when merged: ``with_finder``) do: the same span. Its groups
        are numbered as in the part, so ``finditer`` still asks the combined pattern."""
        end = len(text) if endpos is None else min(endpos, len(text))
        if not self.parts:
            if self._all:
                yield from self.combined.finditer(text, pos, end)
            return
        nxt = [p.search(text, pos, end) for p in self.parts]
        cursor = pos
        while True:
            at = -1
            alone: regex.Match[str] | None = None
            for i, m in enumerate(nxt):
                if m is not None and m.start() < cursor:
                    m = nxt[i] = self.parts[i].search(text, cursor, end)
                if m is not None:
                    if at < 0 or m.start() < at:
                        at = m.start()
                        alone = m
                    elif m.start() == at:
                        alone = None
            if at < 0:
                return
            if spans_only and alone is not None and alone.end() > at:
                yield alone
                cursor = alone.end()
                continue
            best = self.combined.match(text, at, end)
            if best is None or best.end() == best.start():  # empty matches: the engine's own rule
                yield from self.combined.finditer(text, cursor, end)
                return
            yield best
            cursor = best.end()


class AnchoredPart:
    """Finds where an alternative's next match starts by its anchor, not by trying every position.

    Why: an alternative that opens with a case-insensitive list of words (``targets.MASK``'s
    labels: ``mức độ 2``, ``khoản 3``, ``Biểu 01``) is tried by the engine at every position of
    the text, while what it needs most, a digit after a space, is rare and found at once. Here
    each ``anchor`` match (in order) is a candidate; ``prefix``, a reverse (``(?r)``) pattern,
    matches backwards from it to where the alternative would start, and ``part`` confirms there.
    Without ``prefix`` the part starts at its anchor. (Where the anchor is one character the part
    opens with, a lookahead guard in the part itself is faster: ``targets._digit_led``.)

    Exact (the same starts as ``part.search``) when: every match of ``part`` has exactly one
    anchor point, reached from its start by ``prefix``; ``prefix`` reaches the leftmost such
    start (no word of the list is a suffix of a longer one); and text between a start and its
    anchor cannot hold another anchor. ``tests/test_scan.py`` holds it against ``part.search``.
    """

    def __init__(self, part: regex.Pattern[str], anchor: regex.Pattern[str],
                 prefix: regex.Pattern[str] | None = None) -> None:
        self.part = part
        self.pattern = part.pattern  # what ``Alternation.subset`` reads
        self._anchor = anchor
        self._prefix = prefix

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> regex.Match[str] | None:
        end = len(text) if endpos is None else min(endpos, len(text))
        for a in self._anchor.finditer(text, pos, end):
            start = a.start()  # without a prefix the part starts where its anchor does
            if self._prefix is not None:
                p = self._prefix.match(text, pos, start)
                if p is None:
                    continue
                start = p.start()
            if (m := self.part.match(text, start, end)) is not None:
                return m
        return None


class WordGate:
    """The alternatives of an ``Alternation`` that a text can match at all, by the words each one
    cannot match without.

    Why: most paragraphs lack the few words a deadline alternative spells (``năm``, ``ngày``,
    ``quý`` are in one paragraph in ten), and ``word in text.casefold()`` rules the alternative out
    at C speed before the engine scans the text for it. ``needs`` maps a group name to the words
    it needs, all of them, each given as ``"a|b"`` when any one of a few will do; ``DIGIT`` stands
    for an ASCII digit. The scanner for each set of present words is built once.
    """

    DIGIT: ClassVar[str] = "0-9"

    def __init__(self, alt: Alternation, needs: dict[str, tuple[str, ...]]) -> None:
        names = {group_name(p.pattern) for p in alt.parts}
        unknown = set(needs) - names
        if unknown:
            raise ValueError(f"no alternative is named {sorted(unknown)}")
        self._alt = alt
        self._needs = {k: tuple(frozenset(w.split("|")) for w in ws) for k, ws in needs.items()}
        self._words = sorted({w for ws in self._needs.values() for any_of in ws for w in any_of} - {self.DIGIT})
        # Without a digit only the alternatives that need none can match: only their words matter.
        digitless = [n for n in names if not any(self.DIGIT in any_of for any_of in self._needs.get(n or "", ()))]
        self._digitless_words = sorted({w for n in digitless for any_of in self._needs.get(n or "", ())
                                        for w in any_of})
        self._scanners: dict[frozenset[str], Alternation] = {}

    def for_text(self, text: str, folded: str | None = None, digit: bool | None = None) -> Alternation:
        """The scanner of the alternatives ``text`` has the words for (groups still the whole
        pattern's: see ``Alternation.subset``); ``folded`` is ``text.casefold()`` and ``digit``
        whether ``text`` holds an ASCII digit, if the caller has them."""
        if folded is None:
            folded = text.casefold()
        if digit is None:
            digit = ASCII_DIGIT.search(text) is not None
        if digit:
            present = {w for w in self._words if w in folded}
            present.add(self.DIGIT)
        else:
            present = {w for w in self._digitless_words if w in folded}
        key = frozenset(present)
        scanner = self._scanners.get(key)
        if scanner is None:
            def keep(src: str) -> bool:
                return all(any_of & key for any_of in self._needs.get(group_name(src) or "", ()))
            scanner = self._scanners[key] = self._alt.subset(keep)
        return scanner


ASCII_DIGIT = rx(r"[0-9]")  # what ``WordGate.DIGIT`` stands for


def joined_texts(texts: list[str]) -> tuple[str, list[int]]:
    """``texts`` joined by NULs, and where each text starts in it (one more: past the end)."""
    return "\x00".join(texts), list(accumulate(map((1).__add__, map(len, texts)), initial=0))


def hit_texts(pattern: regex.Pattern[str], joined: str, starts: list[int]) -> set[int]:
    """Indices of the texts of ``joined_texts`` that ``pattern`` has a match starting in: one
    search per hit, each resumed at the next text. A document's paragraphs in a few engine calls,
    where one call per paragraph cost more in set-up than in scanning (``targets``, ``deadlines``,
    ``paragraphs``)."""
    out: set[int] = set()
    pos = 0
    while (m := pattern.search(joined, pos)) is not None:
        k = bisect_right(starts, m.start()) - 1
        out.add(k)
        pos = starts[k + 1]
    return out


def texts_with(pattern: regex.Pattern[str], texts: list[str]) -> set[int] | None:
    """Indices of the ``texts`` that ``pattern`` finds a match in (``hit_texts``), for a pattern that
    matches no NUL and looks at nothing around it (a class, a literal); None if a text holds a NUL
    of its own."""
    joined, starts = joined_texts(texts)
    if joined.count("\x00") != len(texts) - 1:
        return None
    return hit_texts(pattern, joined, starts)
