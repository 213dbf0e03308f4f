# The two commands: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# uv installs from the committed, hashed lock files (requirements*.lock); it lives in its own
# small venv so that syncing the project's environment never removes it.
UV_VERSION ?= 0.13.9
UV     := .uv/bin/uv
UVPIP  := UV_PYTHON_DOWNLOADS=never $(UV) pip
LOCK_ARGS := --universal --generate-hashes --python-version 3.11 -q

$(UV):
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	$(PYTHON) -m venv .uv
	.uv/bin/python -m pip install --disable-pip-version-check -q "uv==$(UV_VERSION)"

$(BIN)/python: | $(UV)
	UV_PYTHON_DOWNLOADS=never $(UV) venv -q --python $(PYTHON) $(VENV)

$(VENV)/.installed: requirements.lock pyproject.toml | $(BIN)/python
	$(UVPIP) install -q --python $(BIN)/python -r requirements.lock
	$(UVPIP) install -q --python $(BIN)/python --no-deps -e .
	@touch $@

$(VENV)/.installed-dev: requirements-dev.lock $(VENV)/.installed
	$(UVPIP) install -q --python $(BIN)/python -r requirements-dev.lock
	@touch $@

## Re-resolve the lock files after changing dependencies in pyproject.toml.
lock: | $(UV)
	$(UVPIP) compile pyproject.toml $(LOCK_ARGS) -o requirements.lock
	$(UVPIP) compile pyproject.toml --extra dev $(LOCK_ARGS) -o requirements-dev.lock

## Install the lowest versions pyproject.toml allows into .venv-lowest and run a smoke subset of
## the tests there: proves the floors are true.
test-lowest: | $(UV)
	UV_PYTHON_DOWNLOADS=never $(UV) venv -q --clear --python $(PYTHON) .venv-lowest
	$(UVPIP) install -q --python .venv-lowest/bin/python --resolution lowest-direct -e '.[dev]'
	.venv-lowest/bin/pytest -p no:cacheprovider $(LOWEST_TESTS)

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

## Retrain the question router from app/agents/routing/data/corpus.jsonl (deterministic).
train-router: install
	$(BIN)/python -m app.agents.routing.train

## Router quality: CV and held-out accuracy, confident precision, confusion matrix; fails below the bar.
eval: install
	$(BIN)/python -m app.agents.routing.evaluate

.PHONY: train-router eval

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
	rm -rf $(VENV) .uv .venv-lowest .pytest_cache .ruff_cache .mypy_cache
