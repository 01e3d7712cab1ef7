"""Coverage-guided fuzzing of the front door with atheris (libFuzzer): ``make fuzz``.

    python tests/fuzz_atheris.py pdf  -atheris_runs=50000 -max_len=24000 CORPUS_DIR
    python tests/fuzz_atheris.py docx -atheris_runs=50000 -max_len=60000 CORPUS_DIR

The first argument picks the seeds (the sample PDF or DOCX plus small generated ones, copied into
CORPUS_DIR when it is empty); the rest are libFuzzer options. ``-max_len=24000`` for PDFs: the
full 150 KB sample runs the whole pipeline at ~4 inputs/s, a 24 KB cap at ~70/s (measured). Every input goes through
``readers.read(data=...)`` and the pipeline; an exception other than ``KhparseError`` (or an
output that fails ``khparse.validate``) stops the run and leaves ``crash-*`` with the input.
Not a pytest module (atheris is an optional tool, ``pip install atheris``); CI runs the same
targets under hypothesis in ``tests/test_fuzz.py``.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent))

with atheris.instrument_imports(include=["khparse"]):
    import khparse.pipeline
    import khparse.readers
    import khparse.readers.docx
    import khparse.readers.pdf  # noqa: F401

from fuzz_targets import run_bytes, seed_documents


def test_one(data: bytes) -> None:
    run_bytes(data)


def main() -> None:
    logging.disable(logging.CRITICAL)  # pypdf and pdfminer log every repair; the CLI's child hides them
    kind = sys.argv.pop(1)
    corpus = next((Path(a) for a in sys.argv[1:] if not a.startswith("-")), None)
    if corpus is not None:
        corpus.mkdir(parents=True, exist_ok=True)
        if not any(corpus.iterdir()):
            for name, blob in seed_documents(kind).items():
                (corpus / name).write_bytes(blob)
    atheris.Setup(sys.argv, test_one)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
