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

from collections.abc import Callable, Iterator

import regex

__all__ = ["Alternation", "split_alternatives"]


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


_GLOBAL_FLAG = regex.compile(r"\(\?[a-zA-Z]+\)")


class Alternation:
    """Scanner for a compiled pattern that is a top-level alternation (see the module doc)."""

    def __init__(self, combined: regex.Pattern[str]) -> None:
        self.combined = combined
        flags = combined.flags & ~(regex.U | regex.V0)
        src = combined.pattern
        texts = split_alternatives(src, bool(flags & regex.VERBOSE))
        self.parts: list[regex.Pattern[str]] = []
        self._all = True  # False for a subset: no parts means nothing to find
        # \G anchors at the search position, which differs between the two ways of scanning
        if len(texts) > 1 and not _GLOBAL_FLAG.search(src) and "\\G" not in src:
            self.parts = [regex.compile(t, flags) for t in texts]

    def subset(self, keep: Callable[[str], bool]) -> Alternation:
        """A scanner over only the alternatives whose source ``keep`` accepts, for text where the
        caller knows the others cannot match (``deadlines``: all but one need a digit). Matches
        still come from the whole combined pattern, so groups and precedence are unchanged."""
        if not self.parts:
            return self  # scanned as one pattern anyway
        sub = Alternation.__new__(Alternation)
        sub.combined = self.combined
        sub.parts = [p for p in self.parts if keep(p.pattern)]
        sub._all = False
        return sub

    def spans(self, text: str, pos: int = 0, endpos: int | None = None) -> list[tuple[int, int]]:
        return [m.span() for m in self.finditer(text, pos, endpos)]

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> Iterator[regex.Match[str]]:
        """The matches of ``combined.finditer(text, pos, endpos)``, groups and all: the parts
        only find where the next match starts; the combined pattern matches there, so the
        alternative that wins and its named groups are the combined pattern's own."""
        end = len(text) if endpos is None else min(endpos, len(text))
        if not self.parts:
            if self._all:
                yield from self.combined.finditer(text, pos, end)
            return
        nxt = [p.search(text, pos, end) for p in self.parts]
        cursor = pos
        while True:
            at = -1
            for i, m in enumerate(nxt):
                if m is not None and m.start() < cursor:
                    m = nxt[i] = self.parts[i].search(text, cursor, end)
                if m is not None and (at < 0 or m.start() < at):
                    at = m.start()
            if at < 0:
                return
            best = self.combined.match(text, at, end)
            if best is None or best.end() == best.start():  # empty matches: the engine's own rule
                yield from self.combined.finditer(text, cursor, end)
                return
            yield best
            cursor = best.end()
