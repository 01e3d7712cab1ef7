"""No catastrophic backtracking: every grammar stays linear on hostile 1 MB lines.

Not a speed test: the bound (10 s per grammar and shape, enforced by the ``regex`` engine's own
``timeout`` so that a quadratic pattern fails instead of hanging) is ~100× what a linear scan
of 1 MB takes, so it cannot flake on a loaded machine. A quadratic pattern takes hours here.

Long runs of spaces are fed only to the whole pipeline: paragraphs are rebuilt with single
spaces (``paragraphs.build_blocks``), so grammars after that step never see such runs, and the
line-level grammars see them through the real path.
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest
import regex

import khparse
from khparse.pipeline import build_plan
from khparse.readers import read

MB = 1_000_000
LIMIT_S = 10.0

# Shapes that made one grammar or another try every start position and rescan the rest.
SHAPES = {
    "agency labels": "- Cơ quan chủ trì: ",
    "list markers": "1. ",
    "digits": "1",
    "digits, dots, commas": "1.2,3.",
    "document numbers": "30/KH-",
    "dates": "ngày 30 tháng 4 năm 2024 ",
}


def _line(unit: str, size: int = MB) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def _grammars() -> list[tuple[str, regex.Pattern[str]]]:
    out: list[tuple[str, regex.Pattern[str]]] = []
    seen: set[int] = set()
    for info in pkgutil.walk_packages(khparse.__path__, "khparse."):
        if info.name == "khparse.__main__":
            continue
        try:
            mod = importlib.import_module(info.name)
        except ImportError:  # an optional back-end that is not installed
            continue
        for attr, value in sorted(vars(mod).items()):
            if isinstance(value, regex.Pattern) and id(value) not in seen:
                seen.add(id(value))
                out.append((f"{info.name}.{attr}", value))
    return out


GRAMMARS = _grammars()


def test_the_grammars_are_found() -> None:
    names = {n for n, _ in GRAMMARS}
    assert {"khparse.targets.MASK", "khparse.targets.FIGURE", "khparse.paragraphs.MARKER_RE",
            "khparse.deadlines.DEADLINE"} <= names
    assert len(GRAMMARS) > 50


@pytest.mark.slow
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_every_grammar_scans_a_hostile_1mb_line(shape: str) -> None:
    text = _line(SHAPES[shape])
    slow = []
    for name, rx in GRAMMARS:
        try:
            rx.findall(text, timeout=LIMIT_S)  # every start position, as finditer/search/sub do
        except TimeoutError:
            slow.append(name)
    assert slow == [], f"catastrophic backtracking on a 1 MB line of {shape!r}: {slow}"


@pytest.mark.parametrize("unit", [" ", "\t", " 1", "1"], ids=["spaces", "tabs", "space-digit", "digits"])
def test_the_pipeline_reads_a_hostile_line(unit: str) -> None:
    """A 200 KB line through every stage: a quadratic step (a rescanned run, a backward search per
    figure) takes minutes here, the linear pipeline about a second."""
    line = "x" + _line(unit, 200_000) + " y năm 2024."  # "năm": the inline splitter reads the line
    data = ("KẾ HOẠCH\nThực hiện chương trình\nI. MỤC ĐÍCH\n" + line + "\n").encode()
    doc = read("hostile.txt", data)
    plan = build_plan(doc)  # before the fixes: > 60 s at 100 KB of spaces or digits, 18 s of ' 1'
    assert plan.sections
