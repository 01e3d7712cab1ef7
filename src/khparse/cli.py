"""Command-line wiring only: parse options, call one module per command, map errors to exit codes.

Each command is one function whose body imports its module lazily, so ``khparse --version`` and
``--help`` do not pay for pydantic, PDF back-ends or rich. Add a command by adding a function
decorated with ``@app.command()``; errors need no handling there because ``main`` turns every
``KhparseError`` into one stderr line and its exit code.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from . import __version__
from .errors import KhparseError

# Safe defaults: large enough for any real plan (the biggest in the corpus is < 200 pages, < 10 MB),
# small enough that a hostile input cannot exhaust memory or hang a batch.
DEFAULT_MAX_BYTES = 200 * 1024 * 1024
DEFAULT_MAX_PAGES = 2000
DEFAULT_TIMEOUT = 300.0

app = typer.Typer(
    name="khparse",
    help="Turn Vietnamese government plans (Kế hoạch) into validated structured data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class OutputFormat(str, Enum):
    json = "json"
    yaml = "yaml"


class OcrMode(str, Enum):
    auto = "auto"
    always = "always"
    never = "never"


class ReportFormat(str, Enum):
    text = "text"
    json = "json"
    github = "github"


class Engine(str, Enum):
    local = "local"
    ray = "ray"


class TableWhat(str, Enum):
    targets = "targets"
    tasks = "tasks"
    agencies = "agencies"
    references = "references"


def _version_callback(value: bool) -> None:
    if value:
        print(f"khparse {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version_callback, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Turn Vietnamese government plans (Kế hoạch) into validated structured data."""


def _emit(text: str, out: Path | None) -> None:
    """Write to ``out`` atomically, or to stdout as UTF-8 whatever the locale says."""
    if out is None:
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.buffer.flush()
    else:
        from .writers import write_atomic

        write_atomic(out, text)


# Option types shared by commands (Annotated keeps ruff's B008 quiet and lets commands reuse them).
OutOption = Annotated[Path | None, typer.Option("-o", "--output", help="Write here (atomically) instead of stdout.")]


@app.command()
def extract(
    input: Annotated[
        str, typer.Argument(metavar="INPUT", help="Document to parse (.txt/.md/.json/.docx/.pdf), or - for stdin.")
    ],
    out: OutOption = None,
    fmt: Annotated[
        OutputFormat | None,
        typer.Option("--format", "-f", help="Output format; default: yaml when OUT ends in .yaml/.yml, else json."),
    ] = None,
    ocr: Annotated[
        OcrMode, typer.Option("--ocr", help="OCR pages without a text layer: auto, always or never.")
    ] = OcrMode.auto,
    max_pages: Annotated[int, typer.Option("--max-pages", min=1, help="Refuse documents with more pages.")] = DEFAULT_MAX_PAGES,
    max_bytes: Annotated[int, typer.Option("--max-bytes", min=1, help="Refuse inputs larger than this.")] = DEFAULT_MAX_BYTES,
    timeout: Annotated[
        float, typer.Option("--timeout", min=0, help="Give up after this many seconds (0 = no limit; POSIX only).")
    ] = DEFAULT_TIMEOUT,
) -> None:
    """Parse one plan and print it as JSON (or YAML)."""
    from .limits import read_limited, time_limit
    from .pipeline import extract as run_pipeline
    from .writers import dump, format_for

    with time_limit(timeout):
        data = read_limited(sys.stdin.buffer, max_bytes, "<stdin>") if input == "-" else None
        plan = run_pipeline(
            input, data=data, display_name="<stdin>" if data is not None else None,
            ocr=ocr.value, max_pages=max_pages, max_bytes=max_bytes,
        )
        text = dump(plan, format_for(fmt.value if fmt else None, out))
    _emit(text, out)


@app.command()
def schema(out: OutOption = None) -> None:
    """Print the JSON Schema of the output (generated from the pydantic models)."""
    from .schema import schema_text

    _emit(schema_text(), out)


@app.command()
def validate(
    paths: Annotated[
        list[Path], typer.Argument(metavar="FILE...", help="Output files or directories (searched recursively).")
    ],
    fmt: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="Report as text, json or github annotations.")
    ] = ReportFormat.text,
) -> None:
    """Check khparse outputs against the schema and for internal consistency; exit 1 on any problem."""
    from .validate import render, validate_paths

    reports = validate_paths(paths)
    render(reports, fmt.value)
    if not all(r.ok for r in reports):
        raise typer.Exit(1)


@app.command()
def batch(
    inputs: Annotated[
        list[str], typer.Argument(metavar="INPUT...", help="Files, directories (recursive) and globs.")
    ],
    out_dir: Annotated[Path, typer.Option("-o", "--output", help="Directory for the outputs and _report.*.")],
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.json,
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", min=1, help="Worker processes (default: all cores).")
    ] = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="Skip inputs whose output is from the same bytes and version.")
    ] = False,
    fail_fast: Annotated[bool, typer.Option("--fail-fast", help="Stop at the first failed input.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary.")] = False,
    engine: Annotated[Engine, typer.Option("--engine", help="local process pool, or a Ray cluster.")] = Engine.local,
    address: Annotated[
        str | None, typer.Option("--address", help="Ray cluster address (default: $RAY_ADDRESS).")
    ] = None,
    ocr: Annotated[OcrMode, typer.Option("--ocr", help="As for extract.")] = OcrMode.auto,
    max_pages: Annotated[int, typer.Option("--max-pages", min=1, help="As for extract.")] = DEFAULT_MAX_PAGES,
    max_bytes: Annotated[int, typer.Option("--max-bytes", min=1, help="As for extract.")] = DEFAULT_MAX_BYTES,
    timeout: Annotated[
        float, typer.Option("--timeout", min=0, help="Per file, as for extract (0 = no limit).")
    ] = DEFAULT_TIMEOUT,
) -> None:
    """Convert many plans in parallel: one output per input under OUT_DIR, plus _report.json/.csv."""
    from .batch import Options, main

    options = Options(fmt=fmt.value, resume=resume, ocr=ocr.value, max_pages=max_pages, max_bytes=max_bytes,
                      timeout=timeout)
    raise typer.Exit(main(inputs, out_dir, options, jobs=jobs, fail_fast=fail_fast, quiet=quiet,
                          engine=engine.value, address=address))


@app.command()
def table(
    paths: Annotated[list[Path], typer.Argument(metavar="OUT_DIR...", help="Output directories or files.")],
    out: Annotated[Path, typer.Option("-o", "--output", help="FILE.csv, FILE.xlsx or FILE.jsonl.")],
    what: Annotated[TableWhat, typer.Option("--what", help="Which items become rows.")] = TableWhat.targets,
) -> None:
    """One row per target (task, agency, reference) across many plans, for Excel or pandas."""
    from .table import main

    raise typer.Exit(main(paths, what.value, out))


def _fail(message: str, code: int) -> None:
    sys.stderr.write(" ".join(message.split()) + "\n")
    sys.stderr.flush()
    raise SystemExit(code)


def main() -> None:
    """Console entry point: the only place where exceptions become exit codes (see ``errors``).

    Set ``KHPARSE_TRACEBACK=1`` to let unexpected exceptions through with their traceback.
    """
    try:
        app(prog_name="khparse")
    except KhparseError as err:
        _fail(f"khparse: error: {err.one_line()}", err.code)
    except KeyboardInterrupt:
        _fail("khparse: interrupted", 130)
    except BrokenPipeError:
        # The reader went away (``khparse extract x | head``): not our failure, nothing to say.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise SystemExit(1) from None
    except Exception as err:
        if os.environ.get("KHPARSE_TRACEBACK"):
            raise
        _fail(f"khparse: internal error: {type(err).__name__}: {err} (please report it with the input)", 12)


if __name__ == "__main__":  # pragma: no cover
    main()
