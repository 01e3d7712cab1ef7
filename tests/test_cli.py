"""The CLI end to end, through a real subprocess: exit codes, streams and files as a user sees them.

Tests that parse a sample need the readers and the pipeline; tests that only exercise the wiring
replace ``pipeline.extract`` inside the subprocess (``run_with_pipeline``) so they hold on their own.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from khparse import __version__
from khparse.errors import EXIT_CODES
from khparse_helpers import ROOT, SAMPLES, run_khparse

SAMPLE_TXT = SAMPLES / "kh-30-bacgiang.txt"
REQUIRED_KEYS = {"schema_version", "generator", "source", "confidence", "metadata", "references", "sections",
                 "tasks", "agencies", "targets", "deadlines", "warnings"}


def out_text(r: subprocess.CompletedProcess[bytes]) -> str:
    return r.stdout.decode("utf-8")


def err_text(r: subprocess.CompletedProcess[bytes]) -> str:
    return r.stderr.decode("utf-8")


def assert_one_error_line(r: subprocess.CompletedProcess[bytes], code: int) -> str:
    err = err_text(r)
    assert r.returncode == code, err
    assert err.startswith("khparse: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err and r.stdout == b""
    return err


def run_with_pipeline(body: str, *args: str | Path) -> subprocess.CompletedProcess[bytes]:
    """Run the real ``main`` with ``pipeline.extract`` replaced by ``def extract(path, **kw): <body>``."""
    code = (
        "import sys, time\n"
        "import khparse.pipeline as p\n"
        "from khparse import errors\n"
        f"def extract(path, **kw):\n    {body}\n"
        "p.extract = extract\n"
        "from khparse.cli import main\n"
        "sys.argv = ['khparse', *sys.argv[1:]]\n"
        "main()\n"
    )
    # stdin empty, not inherited: a test reading '-' must not depend on how pytest was started
    return subprocess.run([sys.executable, "-c", code, *map(str, args)], input=b"", capture_output=True, timeout=60)


# --- version and help ------------------------------------------------------------------------


def test_version() -> None:
    r = run_khparse("--version")
    assert r.returncode == 0
    assert out_text(r) == f"khparse {__version__}\n" == "khparse 0.1.0\n"


def test_version_does_not_import_the_parser() -> None:
    """``--version``/``--help`` stay fast because commands import their modules lazily."""
    code = (
        "import sys\nsys.argv = ['khparse', '--version']\nfrom khparse.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('pydantic', 'yaml', 'pypdfium2', 'pdfplumber', 'docx', 'khparse.pipeline', 'khparse.models')"
        " if m in sys.modules]\nprint('HEAVY', heavy)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert out_text(r).splitlines()[-1] == "HEAVY []", out_text(r) + err_text(r)


@pytest.mark.parametrize("command", [[], ["extract"], ["schema"], ["validate"]])
def test_help_of_every_command(command: list[str]) -> None:
    r = run_khparse(*command, "--help")
    assert r.returncode == 0, err_text(r)
    assert "Usage: khparse" in out_text(r)
    if command == ["extract"]:
        for option in ("--output", "--format", "--ocr", "--max-pages", "--max-bytes", "--timeout"):
            assert option in out_text(r)


# --- usage errors: exit 2, no traceback -------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [["extract"], ["extract", str(SAMPLE_TXT), "--format", "xml"], ["extract", str(SAMPLE_TXT), "--bogus"],
     ["extract", str(SAMPLE_TXT), "--max-pages", "0"], ["extract", str(SAMPLE_TXT), "--ocr", "maybe"],
     ["extract", str(SAMPLE_TXT), "--timeout", "-1"], ["frobnicate"], ["validate", "--format", "xml", "x.json"]],
    ids=["no-input", "bad-format", "unknown-option", "max-pages-0", "bad-ocr", "negative-timeout", "unknown-command",
         "validate-bad-format"],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    r = run_khparse(*args)
    assert r.returncode == 2, err_text(r)
    assert "Traceback" not in err_text(r) and r.stdout == b""


# --- input errors (exit codes from errors.EXIT_CODES; need the readers) ------------------------


def test_missing_file_exits_3(tmp_path: Path) -> None:
    err = assert_one_error_line(run_khparse("extract", tmp_path / "khong-co.txt"), 3)
    assert "khong-co.txt" in err


def test_empty_file_exits_5(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    assert_one_error_line(run_khparse("extract", tmp_path / "empty.txt"), 5)


def test_empty_stdin_exits_5() -> None:
    assert_one_error_line(run_khparse("extract", "-", stdin=b""), 5)


def test_binary_garbage_exits_4(tmp_path: Path) -> None:
    garbage = bytes((i * 7919 + 13) % 256 for i in range(4096))  # deterministic, every byte value
    (tmp_path / "garbage.bin").write_bytes(garbage)
    assert_one_error_line(run_khparse("extract", tmp_path / "garbage.bin"), 4)


def test_stdin_over_max_bytes_exits_9() -> None:
    err = assert_one_error_line(run_khparse("extract", "-", "--max-bytes", "10", stdin=b"x" * 11), 9)
    assert "--max-bytes" in err


# --- error mapping in main (pipeline replaced, so these hold without the readers) ---------------


def test_khparse_error_becomes_one_line_and_its_code() -> None:
    r = run_with_pipeline("raise errors.CorruptInput('bad.pdf: truncated\\n xref table')", "extract", "bad.pdf")
    assert assert_one_error_line(r, 7) == "khparse: error: bad.pdf: truncated xref table\n"


def test_unexpected_exception_is_internal_error_12_without_traceback() -> None:
    r = run_with_pipeline("raise RuntimeError('boom\\nsecond line')", "extract", "x.txt")
    assert r.returncode == 12
    assert err_text(r) == ("khparse: internal error: RuntimeError: boom second line "
                           "(please report it with the input)\n")
    assert r.stdout == b""


def test_timeout_exits_9() -> None:
    r = run_with_pipeline("time.sleep(30)", "extract", "x.txt", "--timeout", "0.3")
    assert "timed out after 0.3 s" in assert_one_error_line(r, 9)


def test_failed_extract_with_output_creates_no_file(tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    r = run_with_pipeline("raise errors.EncryptedPdf('x.pdf: password required')", "extract", "x.pdf", "-o", out)
    assert_one_error_line(r, 6)
    assert list(tmp_path.iterdir()) == []


def test_failed_extract_keeps_existing_output(tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    out.write_text("previous\n", encoding="utf-8")
    r = run_with_pipeline("raise errors.NoTextLayer('scan.pdf: no text')", "extract", "scan.pdf", "-o", out)
    assert_one_error_line(r, 8)
    assert out.read_text(encoding="utf-8") == "previous\n" and len(list(tmp_path.iterdir())) == 1


def test_options_reach_the_pipeline() -> None:
    body = "print(repr(path), sorted(kw.items())); raise SystemExit(0)"
    r = run_with_pipeline(body, "extract", "-", "--ocr", "never", "--max-pages", "7", "--max-bytes", "99")
    assert r.returncode == 0, err_text(r)
    assert out_text(r) == ("'-' [('data', b''), ('display_name', '<stdin>'), ('max_bytes', 99), "
                           "('max_pages', 7), ('ocr', 'never')]\n")


def test_safe_default_limits() -> None:
    body = "print(kw['max_pages'], kw['max_bytes'], kw['ocr'], kw['data'], kw['display_name']); raise SystemExit(0)"
    r = run_with_pipeline(body, "extract", "plan.txt")
    assert out_text(r) == f"2000 {200 * 1024 * 1024} auto None None\n"


# --- real runs on the bundled sample (need readers + pipeline) ---------------------------------


@pytest.fixture(scope="module")
def sample_json() -> bytes:
    r = run_khparse("extract", SAMPLE_TXT)
    assert r.returncode == 0, err_text(r)
    return r.stdout


def test_stdout_is_json_with_the_contract_keys(sample_json: bytes) -> None:
    data = json.loads(sample_json)
    assert set(data) == REQUIRED_KEYS
    assert data["schema_version"] == "1.0"
    assert data["generator"].endswith(__version__)
    assert Path(data["source"]["path"]).name == SAMPLE_TXT.name
    assert data["sections"], "the sample plan has sections"


def test_output_is_byte_identical_across_runs(sample_json: bytes) -> None:
    assert run_khparse("extract", SAMPLE_TXT).stdout == sample_json


@pytest.mark.parametrize("name", ["kh-30-bacgiang.docx", "kh-30-bacgiang.pdf"])
def test_other_sample_formats(name: str) -> None:
    r = run_khparse("extract", SAMPLES / name)
    assert r.returncode == 0, err_text(r)
    data = json.loads(r.stdout)
    assert set(data) == REQUIRED_KEYS and data["sections"]


def test_output_json_file(tmp_path: Path, sample_json: bytes) -> None:
    out = tmp_path / "out.json"
    r = run_khparse("extract", SAMPLE_TXT, "-o", out)
    assert r.returncode == 0, err_text(r)
    assert r.stdout == b""
    assert out.read_bytes() == sample_json
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]  # no temp file left


@pytest.mark.parametrize("suffix", [".yaml", ".yml"])
def test_output_yaml_file_by_suffix(tmp_path: Path, sample_json: bytes, suffix: str) -> None:
    out = tmp_path / f"out{suffix}"
    r = run_khparse("extract", SAMPLE_TXT, "-o", out)
    assert r.returncode == 0, err_text(r)
    assert yaml.safe_load(out.read_text(encoding="utf-8")) == json.loads(sample_json)


def test_format_yaml_to_stdout(sample_json: bytes) -> None:
    r = run_khparse("extract", SAMPLE_TXT, "--format", "yaml")
    assert r.returncode == 0, err_text(r)
    assert not out_text(r).lstrip().startswith("{")
    assert yaml.safe_load(out_text(r)) == json.loads(sample_json)


def test_explicit_format_beats_suffix(tmp_path: Path, sample_json: bytes) -> None:
    out = tmp_path / "out.yaml"
    assert run_khparse("extract", SAMPLE_TXT, "-o", out, "--format", "json").returncode == 0
    assert out.read_bytes() == sample_json


def test_stdin(sample_json: bytes) -> None:
    r = run_khparse("extract", "-", stdin=SAMPLE_TXT.read_bytes())
    assert r.returncode == 0, err_text(r)
    from_stdin, from_file = json.loads(r.stdout), json.loads(sample_json)
    assert from_stdin["source"]["path"] == "<stdin>"
    assert from_stdin["source"]["sha256"] == from_file["source"]["sha256"]
    for key in ("metadata", "sections", "tasks", "targets"):
        assert from_stdin[key] == from_file[key]


def test_unwritable_output_exits_13(tmp_path: Path) -> None:
    err = assert_one_error_line(run_khparse("extract", SAMPLE_TXT, "-o", tmp_path / "no-dir" / "out.json"), 13)
    assert "no-dir" in err
    assert list(tmp_path.iterdir()) == []


# --- README --------------------------------------------------------------------------------


def test_readme_exit_code_table_matches_errors() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Exit codes\n", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| *(\d+) *\| *(.+?) *\|$", section, flags=re.M)
    assert {int(code): meaning for code, meaning in rows} == EXIT_CODES
