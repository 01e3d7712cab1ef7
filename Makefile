# khparse developer entry points. Everything runs from the project's own venv (.venv/).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SAMPLE := samples/kh-30-bacgiang.txt

.PHONY: install compile run test lint schema bench bench-batch fuzz fuzz-hypothesis fuzz-atheris hostile

## install: create .venv if missing and install khparse (editable, its parse compiled by mypyc
##          when a C compiler is at hand: setup.py) with the extras EXTRAS (default: its dev tools)
EXTRAS ?= dev
install:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[$(EXTRAS)]'

## compile: rebuild the compiled modules in place after editing one (until then its source runs)
compile:
	$(BIN)/python setup.py --quiet build_ext --inplace

## run: install, then parse the bundled sample plan and print it as JSON
run: install
	$(BIN)/khparse extract $(SAMPLE)

## test: the test suite (pass extra pytest options with PYTEST_ARGS=...), on the compiled modules
##       when they are current; then the tests that need the source form, on it
test:
	$(BIN)/pytest $(PYTEST_ARGS)
	KHPARSE_PURE_PYTHON=1 $(BIN)/pytest -m pure_python $(PYTEST_ARGS)

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

## fuzz: long fuzzing campaign (FUZZ_EXAMPLES per hypothesis test, ATHERIS_RUNS per atheris target);
##       run it niced and in parallel: nice -n 19 make -j2 fuzz
FUZZ_EXAMPLES ?= 100000
ATHERIS_RUNS  ?= 50000
FUZZ_DIR      ?= /tmp/khparse-fuzz
fuzz: fuzz-hypothesis fuzz-atheris

fuzz-hypothesis:
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest tests/test_fuzz.py -p no:logging -p no:cacheprovider

## fuzz-atheris: coverage-guided PDF then DOCX fuzzing (pip install atheris); crashes land in FUZZ_DIR
fuzz-atheris:
	mkdir -p $(FUZZ_DIR)
	$(BIN)/python tests/fuzz_atheris.py pdf -atheris_runs=$(ATHERIS_RUNS) -max_len=24000 -rss_limit_mb=3000 \
	  -artifact_prefix=$(FUZZ_DIR)/ $(FUZZ_DIR)/corpus-pdf 2>$(FUZZ_DIR)/pdf.log
	$(BIN)/python tests/fuzz_atheris.py docx -atheris_runs=$(ATHERIS_RUNS) -max_len=60000 -rss_limit_mb=3000 \
	  -artifact_prefix=$(FUZZ_DIR)/ $(FUZZ_DIR)/corpus-docx 2>$(FUZZ_DIR)/docx.log
	tail -n 2 $(FUZZ_DIR)/pdf.log $(FUZZ_DIR)/docx.log

## hostile: write the hostile-input files into HOSTILE_DIR and list them with their exit codes
HOSTILE_DIR ?= /tmp/khparse-hostile
hostile:
	$(BIN)/python tests/hostile/make_hostile.py $(HOSTILE_DIR)
