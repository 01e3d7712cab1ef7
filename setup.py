"""Build step beyond pyproject.toml: the modules of the parse itself compiled to C by mypyc.

Why: after the regex engine, most of a parse is Python's own work (calls, attribute and dict
lookups) in these modules; compiled, the text seed parses ~12 % faster (issue 5, README
"Performance"). The extensions are optional: without a C compiler or mypyc, or with
``KHPARSE_PURE_PYTHON=1``, the install is the same package in pure Python.

Each compiled module's source hash is written to ``khparse/_compiled.json`` beside the
extensions; ``khparse/__init__.py`` uses the compiled modules only while every source still
has that hash, so an edited source never runs as its stale compiled form.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from setuptools import setup
from setuptools.command.build_ext import build_ext

# The parse of a document, reader to models (what ``make bench`` times). Not compiled: models
# (pydantic builds them at run time), source (its Line objects are made through ``__dict__``),
# the PDF/DOCX/OCR readers (their time is the PDF engine's), and the CLI, batch and I/O wiring.
COMPILED = [
    "agencies", "deadlines", "header", "normalize", "numbers", "paragraphs", "references", "scan",
    "sections", "structure", "tables", "targets", "tasks", "words", "readers/markdown", "readers/text",
]
ROOT = Path(__file__).resolve().parent
STAMP = "_compiled.json"


def _sources() -> list[str]:
    return [f"src/khparse/{m}.py" for m in COMPILED]


class _StampingBuildExt(build_ext):
    """``build_ext`` that records the source hash of every module whose extension was built."""

    def run(self) -> None:
        super().run()
        paths = {ext.name: Path(self.get_ext_fullpath(ext.name)) for ext in self.extensions}
        stamp = Path(self.get_ext_fullpath("khparse._stamp")).parent / STAMP
        if not paths or not all(p.exists() for p in paths.values()):
            # none built, or some failed (optional): the modules need each other, so none is kept
            for p in paths.values():
                p.unlink(missing_ok=True)
            stamp.unlink(missing_ok=True)
            return
        built = {}
        for name in paths:
            if name.startswith("khparse."):
                rel = name.removeprefix("khparse.").replace(".", "/")
                built[rel] = hashlib.sha256((ROOT / "src" / "khparse" / f"{rel}.py").read_bytes()).hexdigest()
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(json.dumps(built, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def _extensions() -> list:  # type: ignore[type-arg]
    if os.environ.get("KHPARSE_PURE_PYTHON"):
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:
        return []
    exts = mypycify(_sources(), opt_level="3", group_name="khparse")
    for ext in exts:
        ext.optional = True  # no compiler: a pure-Python install, not a failed one
    return exts


setup(ext_modules=_extensions(), cmdclass={"build_ext": _StampingBuildExt})
