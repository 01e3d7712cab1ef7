"""What the fuzzers call, shared by ``tests/test_fuzz.py`` (hypothesis, in CI) and
``tests/fuzz_atheris.py`` (atheris, ``make fuzz``).

The contract under test: whatever bytes or text khparse is handed, the only exception that may
leave ``readers.read`` or ``pipeline.build_plan`` is a ``KhparseError`` (which the CLI turns into
one line and a documented exit code), and whatever plan comes out passes ``khparse.validate``.
Anything else is a crash: a bug to fix at the boundary where the library error arises.
"""

from __future__ import annotations

import inspect
import json
from pathlib import Path

from khparse.errors import KhparseError

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
SEEDS = ROOT.parent / "shared" / "seeds"

# Small limits so that one fuzz input costs milliseconds, not seconds: the limits themselves are
# part of what is fuzzed (a mutated page count must be refused, not followed).
FUZZ_MAX_PAGES = 40


# Validation problems tolerated by the fuzzer (none: "đạt 150%" is now a warning, not a target).
KNOWN_GAPS: tuple[str, ...] = ()


class Crash(AssertionError):
    """An input broke the contract; carries the input so it can be replayed."""


def seed_lines() -> list[str]:
    """Printed lines of real plans: the sample (always there) and the shared seeds (if present)."""
    texts = [(SAMPLES / "kh-30-bacgiang.txt").read_text(encoding="utf-8")]
    if SEEDS.is_dir():
        texts += [p.read_text(encoding="utf-8", errors="replace") for p in sorted(SEEDS.glob("*.txt"))]
    lines = [ln.rstrip() for t in texts for ln in t.splitlines() if ln.strip()]
    return sorted(set(lines))


def seed_documents(kind: str) -> dict[str, bytes]:
    """Seed inputs for byte-level fuzzing: the real sample plus small hand-built documents that
    reach the odd corners (encryption, xref loops, deep nesting, shared page objects, entities)."""
    from hostile import make_hostile as mh

    if kind == "pdf":
        return {
            "sample.pdf": (SAMPLES / "kh-30-bacgiang.pdf").read_bytes(),
            "text.pdf": mh.text_pdf(lines=[ln.encode("ascii", "replace").decode() for ln in mh.PLAN_LINES]),
            "encrypted-empty.pdf": mh.encrypted_pdf("", "owner"),
            "xref-loop.pdf": mh.pdf_xref_loop(),
            "nested.pdf": mh.pdf_nested(40, "dict"),
            "pages.pdf": mh.pdf_many_pages(3),
            "cycle.pdf": mh.pdf_page_tree_cycle(),
            "bomb-image.pdf": mh.pdf_text_and_bomb_xobject(4),
        }
    if kind == "docx":
        return {
            "sample.docx": (SAMPLES / "kh-30-bacgiang.docx").read_bytes(),
            "small.docx": mh.small_docx(mh.PLAN_LINES),
            "deep.docx": mh.docx_deep_xml(40),
            "entities.docx": mh.docx_billion_laughs(),
        }
    if kind == "text":
        return {
            "plan.txt": mh.PLAN_TEXT.encode(),
            "plan-utf16.txt": mh.PLAN_TEXT.encode("utf-16"),
            "plan-cp1258.txt": mh.cp1258_bytes(mh.PLAN_TEXT),
            "plan-tcvn3.txt": mh.tcvn3_bytes(mh.PLAN_TEXT),
            "export.json": ('{"meta": {"content": ' + json.dumps(mh.PLAN_TEXT) + "}}").encode(),
            "plan.md": ("# KẾ HOẠCH\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n" + mh.PLAN_TEXT).encode(),
        }
    raise ValueError(f"unknown seed kind {kind!r}")


def check_plan(plan: object) -> None:
    """The plan must dump to JSON and pass the schema and consistency checks."""
    from khparse.models import Plan
    from khparse.validate import validate_data
    from khparse.writers import dump

    assert isinstance(plan, Plan)
    data = json.loads(dump(plan, "json"))
    problems = [p for p in validate_data(data, "<fuzz>") if not any(k in p.message for k in KNOWN_GAPS)]
    if problems:
        raise Crash("output fails validate: " + "; ".join(f"{p.path}: {p.message}" for p in problems[:5]))


def run_text(text: str) -> None:
    """The text pipeline: ``build_plan`` on a ``SourceDoc`` made of these printed lines."""
    from khparse.pipeline import build_plan
    from khparse.readers.text import split_lines
    from khparse.source import SourceDoc

    doc = SourceDoc(path="<fuzz>", sha256="0" * 64, format="text", lines=split_lines(text), layout="wrapped",
                    encoding="utf-8")
    try:
        plan = build_plan(doc)
    except KhparseError:
        return
    check_plan(plan)


def run_bytes(data: bytes, *, parse: bool = True) -> None:
    """The front door: ``readers.read(data=...)`` (format by content), then the pipeline.

    In-process (the sandbox off): coverage and exceptions stay visible to the fuzzer.
    """
    from khparse import sandbox
    from khparse.pipeline import build_plan
    from khparse.readers import read

    sandbox.ENABLED = False
    kwargs: dict[str, object] = {"max_pages": FUZZ_MAX_PAGES}
    if "ocr" in inspect.signature(read).parameters:
        kwargs["ocr"] = "never"  # OCR is Tesseract's parser, not ours; it costs seconds a page
    try:
        doc = read("<fuzz>", data, **kwargs)  # type: ignore[arg-type]
        if not parse:
            return
        plan = build_plan(doc)
    except KhparseError as err:
        # read() turns an unexpected library exception into CorruptInput "from" it, so that a user
        # never sees a traceback; for the fuzzer that is still a crash to fix where it arises.
        cause = err.__cause__
        if cause is not None and not isinstance(cause, KhparseError):
            raise Crash(f"unwrapped {type(cause).__name__} reached read(): {cause}") from cause
        return
    check_plan(plan)
