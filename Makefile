# khparse developer entry points. Everything runs from the project's own venv (.venv/).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SAMPLE := samples/kh-30-bacgiang.txt

.PHONY: install run test lint schema bench bench-batch

## install: create .venv if missing and install khparse (editable) with its dev tools
install:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[dev]'

## run: install, then parse the bundled sample plan and print it as JSON
run: install
	$(BIN)/khparse extract $(SAMPLE)

## test: the test suite (pass extra pytest options with PYTEST_ARGS=...)
test:
	$(BIN)/pytest $(PYTEST_ARGS)

## lint: ruff and mypy must both be clean
lint:
	$(BIN)/ruff check src tests
	$(BIN)/mypy

## schema: regenerate the committed JSON Schema from the pydantic models
schema:
	$(BIN)/khparse schema -o schemas/plan.schema.json

## bench-batch: batch throughput (--jobs 1 vs 2, speedup) and peak RSS per worker (N vs 10xN files)
bench-batch:
	$(BIN)/python bench/bench_batch.py

## bench: speed/memory goals of issue 5 (PDF vs raw-text floor, 120 pages, MB/s, start-up, DOCX),
## then the batch benchmark; one table, also written to bench/results.json
bench:
	$(BIN)/python bench/bench.py
