# The two commands: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: run test lint check-ts fmt install install-dev migrate seed-demo bench bench-stop clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(PIP) install -e '.[dev]'
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## Serve on HOST:PORT (default 127.0.0.1:8000) with the embedded PostgreSQL under DATA_DIR.
run: install
	$(BIN)/interview-api serve

## The whole suite against real PostgreSQL (embedded, or TEST_DATABASE_URL).
test: install-dev
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check app tests migrations bench
	$(BIN)/ruff format --check app tests bench
	$(BIN)/mypy

## Type-check angular_example.ts (strict, plus Angular strict templates) against the real packages.
check-ts:
	bash scripts/check-ts.sh

fmt: install-dev
	$(BIN)/ruff check --fix app tests migrations bench
	$(BIN)/ruff format app tests bench

migrate: install
	$(BIN)/interview-api migrate

## Demo data for an account (created when missing): make seed-demo EMAIL=… PASSWORD=…
EMAIL    ?= demo@example.com
PASSWORD ?= correct-horse-42
seed-demo: install
	$(BIN)/interview-api seed-demo --email "$(EMAIL)" --password "$(PASSWORD)"

## Benchmarks: builds its own data under bench/data, prints a table, writes bench/results/*.json.
bench: install-dev
	$(BIN)/python -m bench.run $(BENCH_ARGS)

## Stop the benchmark's embedded PostgreSQL (left running between runs to keep its data warm).
bench-stop: install-dev
	$(BIN)/python -c "from app import embedded; from bench.common import DATA; embedded.start(DATA, cleanup_mode='stop')"

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
