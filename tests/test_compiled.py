"""The mypyc-compiled build (setup.py): used only while current, the same output as the source.

Grouped as: which form is chosen (stamp and environment), the compiled form against the source
form on real documents, and what CI must be running."""

from __future__ import annotations

import ast
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import khparse

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "src" / "khparse"
SHARED = ROOT.parent / "shared"


def _setup_list() -> tuple[str, ...]:
    """``COMPILED`` of setup.py, read without running it."""
    tree = ast.parse((ROOT / "setup.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "COMPILED" for t in node.targets):
            return tuple(sorted(ast.literal_eval(node.value)))
    raise AssertionError("setup.py has no COMPILED list")


def _python(code: str, pure: bool = False, path: Path | None = None) -> str:
    """``code``'s output in a fresh interpreter, on the source form if ``pure``, with ``path`` first."""
    env = {k: v for k, v in os.environ.items() if k != "KHPARSE_PURE_PYTHON"}
    if pure:
        env["KHPARSE_PURE_PYTHON"] = "1"
    if path is not None:
        env["PYTHONPATH"] = str(path)
    return subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, env=env,
                          cwd=path or ROOT).stdout


# ── which form is chosen ───────────────────────────────────────────────────────────────────
def _stamped(tmp_path: Path, modules: dict[str, str], stamp: dict[str, str] | None) -> Path:
    for rel, text in modules.items():
        (tmp_path / f"{rel}.py").parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / f"{rel}.py").write_text(text, encoding="utf-8")
    if stamp is not None:
        (tmp_path / "_compiled.json").write_text(json.dumps(stamp), encoding="utf-8")
    return tmp_path


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_a_stamp_that_matches_every_source_selects_the_compiled_modules(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    src = {"targets": "X = 1\n", "readers/text": "Y = 2\n"}
    monkeypatch.setattr(khparse, "_HERE", _stamped(tmp_path, src, {k: _digest(v) for k, v in src.items()}))
    monkeypatch.delenv("KHPARSE_PURE_PYTHON", raising=False)
    assert khparse._compiled_modules() == ("readers/text", "targets")


@pytest.mark.parametrize("case", ["edited", "no stamp", "bad stamp", "source gone", "pure asked"])
def test_any_doubt_about_the_compiled_form_selects_the_source(case: str, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    src = {"targets": "X = 1\n", "scan": "Y = 2\n"}
    stamp: dict[str, str] | None = {k: _digest(v) for k, v in src.items()}
    monkeypatch.delenv("KHPARSE_PURE_PYTHON", raising=False)
    if case == "edited":
        src["scan"] = "Y = 3\n"  # edited after the build
    elif case == "no stamp":
        stamp = None
    elif case == "source gone":
        stamp = {**(stamp or {}), "tasks": _digest("Z = 1\n")}
    elif case == "pure asked":
        monkeypatch.setenv("KHPARSE_PURE_PYTHON", "1")
    here = _stamped(tmp_path, src, stamp)
    if case == "bad stamp":
        (here / "_compiled.json").write_text("{not json", encoding="utf-8")
    monkeypatch.setattr(khparse, "_HERE", here)
    assert khparse._compiled_modules() == ()


def test_the_source_form_imports_every_module_from_its_py_file() -> None:
    mods = ["khparse." + m.replace("/", ".") for m in _setup_list()]
    out = _python(f"import importlib, khparse; print(khparse.COMPILED, [importlib.import_module(m).__file__ for m in {mods!r}])",
                  pure=True)
    compiled, files = out.split(" ", 1)[0], ast.literal_eval(out.split(" ", 1)[1].strip())
    assert compiled == "()"
    assert files and all(f.endswith(".py") for f in files), files


@pytest.mark.skipif(not khparse.COMPILED, reason="no current compiled build in this tree")
def test_a_source_edited_after_the_build_runs_as_source_not_as_its_stale_extension(tmp_path: Path) -> None:
    """End to end on a copy of the built tree: one compiled module edited, none is used."""
    tree = tmp_path / "src"
    shutil.copytree(PKG, tree / "khparse", ignore=shutil.ignore_patterns("__pycache__"))
    for lib in (ROOT / "src").glob("*.so"):
        shutil.copy(lib, tree / lib.name)
    check = "import khparse, khparse.targets as t; print(bool(khparse.COMPILED), t.__file__.endswith('.py'))"
    assert _python(check, path=tree).split() == ["True", "False"]
    with (tree / "khparse" / "targets.py").open("a", encoding="utf-8") as fh:
        fh.write("\n# edited\n")
    assert _python(check, path=tree).split() == ["False", "True"]


# ── the compiled form against the source form ─────────────────────────────────────────────
_DOCS = [ROOT / "samples" / "kh-30-bacgiang.txt", *sorted((SHARED / "seeds").glob("*.txt"))[:2],
         *sorted(p for p in (SHARED / "corpus").glob("*.docx"))[:1]]


@pytest.mark.skipif(not khparse.COMPILED, reason="no current compiled build in this tree")
@pytest.mark.parametrize("doc", [d for d in _DOCS if d.exists()], ids=lambda p: p.name)
def test_the_compiled_and_the_source_form_write_the_same_bytes(doc: Path) -> None:
    exe = Path(sys.executable).with_name("khparse")
    run = [str(exe), "extract", str(doc)]
    compiled = subprocess.run(run, check=True, capture_output=True, env={k: v for k, v in os.environ.items()
                                                                        if k != "KHPARSE_PURE_PYTHON"}).stdout
    source = subprocess.run(run, check=True, capture_output=True, env={**os.environ, "KHPARSE_PURE_PYTHON": "1"}).stdout
    assert compiled == source
    assert b'"targets"' in compiled


def test_no_compiled_module_calls_the_str_lower_method() -> None:
    """mypyc compiles ``s.lower()`` to its own mapping, which (Python < 3.13) lowers a final "Σ" to
    "σ", not "ς" as ``str.lower`` does: the compiled modules call ``normalize.lower`` instead."""
    calls = []
    for m in _setup_list():
        tree = ast.parse((PKG / f"{m}.py").read_text(encoding="utf-8"))
        calls += [f"{m}:{n.lineno}" for n in ast.walk(tree) if isinstance(n, ast.Call)
                  and isinstance(n.func, ast.Attribute) and n.func.attr == "lower" and not n.args]
    assert calls == []
    from khparse import header

    assert header._flat_words(["ΟΔΟΣ.Α Σ"]) == ("ǂΟΔΟΣǂΑǂΣǂ", "ǂοδοςǂαǂσǂ")  # as str.lower, compiled or not


# ── what CI runs ──────────────────────────────────────────────────────────────────────────
def test_the_build_compiles_every_module_setup_lists_and_ci_runs_it() -> None:
    if os.environ.get("KHPARSE_PURE_PYTHON"):
        pytest.skip("the source form was asked for")
    if not khparse.COMPILED and os.environ.get("CI") != "true":
        pytest.skip("no compiled build in this tree (no C compiler at install, or a module edited since)")
    assert khparse.COMPILED == _setup_list()
    assert all((PKG / f"{m}.py").exists() for m in khparse.COMPILED)
