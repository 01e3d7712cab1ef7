"""Intermediate structure shared by the entity extractors: paragraphs (``Block``) with a map back
to their source lines, and the section tree (``Node``). Built by ``paragraphs`` and
``sections``; read (never changed) by ``tasks``, ``targets``, ``references``, ``deadlines``."""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .models import Provenance
from .source import Line, Table

if TYPE_CHECKING:
    from .tables import TaskTable


@dataclass
class Block:
    """One logical paragraph: the wrapped lines joined by single spaces.

    ``starts[i]`` is the offset in ``text`` where ``lines[i]`` begins, so any span of the text
    maps back to the lines (and pages) it was printed on.
    """

    text: str
    lines: list[Line]
    starts: list[int]

    @classmethod
    def single(cls, text: str, line: Line) -> Block:
        return cls(text, [line], [0])

    def line_at(self, offset: int) -> Line:
        i = max(0, bisect.bisect_right(self.starts, offset) - 1)
        return self.lines[i]

    def provenance(self, start: int = 0, end: int | None = None) -> Provenance:
        return Provenance.model_validate(self.provenance_data(start, end))

    def provenance_data(self, start: int = 0, end: int | None = None) -> dict[str, Any]:
        """``provenance`` as the plain data of a ``Provenance``, for an item validated as a whole
        (its model built from a dict): pydantic then builds it with the item, for a third of the
        cost of a model of its own passed in."""
        first = self.line_at(start)
        last = self.line_at(max(start, (len(self.text) if end is None else end) - 1))
        return {"page": first.page, "line": first.line, "line_end": last.line if last.line != first.line else None,
                "origin": first.origin}

    def slice(self, start: int, end: int | None = None) -> Block:
        """The sub-paragraph text[start:end] with its line map (leading spaces dropped)."""
        end = len(self.text) if end is None else end
        while start < end and self.text[start] == " ":
            start += 1
        i = max(0, bisect.bisect_right(self.starts, start) - 1)
        lines, starts = [], []
        for j in range(i, len(self.lines)):
            s = self.starts[j]
            if s >= end:
                break
            lines.append(self.lines[j])
            starts.append(max(0, s - start))
        return Block(self.text[start:end], lines, starts)


@dataclass
class Node:
    """A numbered section: Roman part, ``N.``, ``N.N.``, lettered item or appendix."""

    id: str
    level: int
    number: str
    heading: str
    kind: str  # "roman", "arabic", "dotted", "letter", "appendix", "appendix_group"
    head: Block  # the paragraph that carries the number (whole, including run-in text)
    body: list[Block] = field(default_factory=list)  # paragraphs after the heading
    run_in: Block | None = None  # text of the heading paragraph after the heading sentence
    children: list[Node] = field(default_factory=list)
    parent: Node | None = None

    def walk(self) -> Iterator[Node]:
        yield self
        for c in self.children:
            yield from c.walk()

    def own_blocks(self) -> list[Block]:
        """Paragraphs that belong to this section itself (not to its children)."""
        return ([self.run_in] if self.run_in is not None else []) + self.body

    def ancestors(self) -> Iterator[Node]:
        n = self.parent
        while n is not None:
            yield n
            n = n.parent


@dataclass
class Skeleton:
    """The document cut into its regions: header lines, preamble, section tree, closing lines."""

    header: list[Line]
    title_lines: list[Line]
    preamble: list[Block]
    roots: list[Node]
    closing: list[Line]
    tables: list[Table]
    table_owner: dict[int, str] = field(default_factory=dict)  # table index → id of its section
    # position in ``tables`` → ``tables.classify`` of it, for the tables the skeleton already classified
    # (appendix tables): ``tasks`` reads their rows again, and tables are never changed after reading
    task_tables: dict[int, TaskTable | None] = field(default_factory=dict)
    layout_warnings: list[str] = field(default_factory=list)

    def nodes(self) -> Iterator[Node]:
        for r in self.roots:
            yield from r.walk()

    def node(self, sid: str) -> Node | None:
        return next((n for n in self.nodes() if n.id == sid), None)
