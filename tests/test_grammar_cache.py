"""The compiled-grammar cache (``khparse.grammar_cache``): same grammars, fewer compiles, never an error.

Grouped by what a user relies on: a second process compiles nothing and extracts the same bytes;
the file is the same whatever the hash seed; a corrupt, foreign or unwritable cache costs only
time; ``KHPARSE_NO_CACHE`` turns it off.
"""

from __future__ import annotations

import copyreg
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
import regex

from khparse import grammar_cache
from khparse_helpers import SAMPLES, run_khparse

SAMPLE = SAMPLES / "kh-30-bacgiang.txt"

# Imports every module with module-level grammars and prints how many patterns the engine parsed.
_COUNT_COMPILES = """
import regex._main as m
n = [0]
orig = m._compile
def counted(*a):
    n[0] += 1
    return orig(*a)
m._compile = counted
import khparse.pipeline, khparse.readers.pdf, khparse.readers.markdown, khparse.readers.ocr, khparse.validate
print(n[0])
"""


def _python(code: str, cache: Path, **env: str) -> str:
    full = {**os.environ, "KHPARSE_CACHE_DIR": str(cache), **env}
    full.pop("KHPARSE_NO_CACHE", None)
    full.update(env)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env=full, timeout=120).stdout.strip()


def _cache_file(cache: Path) -> Path:
    files = list(cache.glob("grammars-*.pickle"))
    assert len(files) == 1, files
    return files[0]


# ------------------------------------------------------------------ the second process compiles nothing

def test_second_process_parses_no_pattern(tmp_path: Path) -> None:
    first = int(_python(_COUNT_COMPILES, tmp_path))
    assert first > 200  # every grammar compiled once, then written at exit
    assert int(_python(_COUNT_COMPILES, tmp_path)) == 0


def test_cli_output_is_the_same_with_and_without_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KHPARSE_CACHE_DIR", str(tmp_path / "c"))
    cold = run_khparse("extract", SAMPLE)
    assert cold.returncode == 0, cold.stderr
    _cache_file(tmp_path / "c")
    warm = run_khparse("extract", SAMPLE)
    monkeypatch.setenv("KHPARSE_NO_CACHE", "1")
    off = run_khparse("extract", SAMPLE)
    assert cold.stdout == warm.stdout == off.stdout
    assert b'"tasks"' in warm.stdout


def test_loaded_patterns_are_the_compiled_ones(tmp_path: Path) -> None:
    """Each pattern from the file is what a fresh compile gives: the same groups, flags and size of
    engine code (the engine's own compile orders set members by hash, so the bytes can differ
    between processes), and the same matches on every line of the sample plan."""
    _python(_COUNT_COMPILES, tmp_path)
    with open(_cache_file(tmp_path), "rb") as fh:
        data = pickle.load(fh)
    assert len(data) > 200
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    for (pattern, flags, version), loaded in data.items():
        assert version == regex.DEFAULT_VERSION
        fresh = regex.compile(pattern, flags)
        (_, got), (_, want) = (copyreg.dispatch_table[regex.Pattern](p) for p in (loaded, fresh))
        assert got[:2] == want[:2] and len(got[2]) == len(want[2]) and got[3:] == want[3:], pattern[:80]
        if isinstance(pattern, str):
            for line in lines:
                assert ([m.span() for m in loaded.finditer(line)]
                        == [m.span() for m in fresh.finditer(line)]), (pattern[:80], line)


def test_same_patterns_whatever_the_hash_seed(tmp_path: Path) -> None:
    """A grammar built from a set's iteration order would differ per process and never be found
    again (``targets._alt`` once sorted ties by set order)."""
    keys = []
    for seed in ("1", "2"):
        _python(_COUNT_COMPILES, tmp_path / seed, PYTHONHASHSEED=seed)
        with open(_cache_file(tmp_path / seed), "rb") as fh:
            keys.append(set(pickle.load(fh)))
    assert keys[0] == keys[1]


# ------------------------------------------------------------------ a bad cache costs only time

def test_corrupt_cache_is_ignored_and_replaced(tmp_path: Path) -> None:
    _python(_COUNT_COMPILES, tmp_path)
    path = _cache_file(tmp_path)
    path.write_bytes(path.read_bytes()[:1000])  # truncated
    os.chmod(path, 0o600)
    assert int(_python(_COUNT_COMPILES, tmp_path)) > 200
    assert int(_python(_COUNT_COMPILES, tmp_path)) == 0  # rewritten whole


def test_cache_others_can_write_is_never_unpickled(tmp_path: Path) -> None:
    _python(_COUNT_COMPILES, tmp_path)
    path = _cache_file(tmp_path)
    os.chmod(path, 0o666)
    assert int(_python(_COUNT_COMPILES, tmp_path)) > 200


def test_unwritable_cache_dir_is_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("KHPARSE_CACHE_DIR", str(blocker / "cache"))
    r = run_khparse("extract", SAMPLE)
    assert r.returncode == 0 and r.stderr == b"", r.stderr


def test_no_cache_env_writes_nothing(tmp_path: Path) -> None:
    assert int(_python(_COUNT_COMPILES, tmp_path, KHPARSE_NO_CACHE="1")) > 200
    assert not list(tmp_path.glob("*"))


def test_cache_path_by_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("KHPARSE_NO_CACHE", raising=False)
    monkeypatch.delenv("KHPARSE_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path = grammar_cache.cache_path()
    assert path is not None and path.parent == tmp_path / "khparse"
    assert regex.__version__ in path.name  # another engine's code is never loaded
    monkeypatch.setenv("KHPARSE_CACHE_DIR", str(tmp_path / "x"))
    assert grammar_cache.cache_path() == tmp_path / "x" / path.name
    monkeypatch.setenv("KHPARSE_NO_CACHE", "1")
    assert grammar_cache.cache_path() is None


def test_no_home_directory_means_no_cache(tmp_path: Path) -> None:
    """A service account without HOME or a passwd entry: khparse runs, it only compiles."""
    env = {k: v for k, v in os.environ.items() if k not in ("HOME", "XDG_CACHE_HOME", "KHPARSE_CACHE_DIR")}
    code = ("import pathlib\n"
            "def no_home(*a, **k): raise RuntimeError('Could not determine home directory')\n"
            "pathlib.Path.home = classmethod(no_home)\n"
            "from khparse import grammar_cache\n"
            "assert grammar_cache.cache_path() is None\n"
            "import khparse.pipeline\n"
            "print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr
