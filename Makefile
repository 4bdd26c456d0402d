# Common commands. `make run` and `make test` are the README's quick start.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app empathy
HOST ?= 127.0.0.1
PORT ?= 5000
# pytest-xdist workers: one per core. The browser tests stay together in one worker (--dist loadgroup).
PYTEST_WORKERS ?= auto
PYTEST := $(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadgroup

.PHONY: run install install-test test test-postgres lint screenshots migrate demo translations clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'

migrate: install
	$(FLASK) db upgrade

demo: migrate
	$(FLASK) seed-demo
	$(FLASK) match refit

run: demo
	$(FLASK) run --host $(HOST) --port $(PORT)

test: install-test
	$(PYTEST)

# The same suite on PostgreSQL (needs a server; .ci/run starts one). Each worker creates and uses
# its own database, the URL's name plus _gw0, _gw1, ...
test-postgres: install-test
	EMPATHY_TEST_DATABASE_URL=$${EMPATHY_TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/empathy_test} \
	  $(PYTEST)

# Style and architecture: ruff (pyproject [tool.ruff]) and the import contracts ([tool.importlinter]).
lint: install-test
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# Refresh the README's screenshots in docs/screenshots/ (test runs write theirs to build/screenshots/).
screenshots: install-test
	EMPATHY_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest tests/e2e

translations: install
	$(BIN)/python scripts/i18n.py update

clean:
	rm -rf build dist *.egg-info .pytest_cache .import_linter_cache .ruff_cache
