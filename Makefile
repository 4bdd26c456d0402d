# Common commands. `make run` and `make test` are the README's quick start.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app empathy
HOST ?= 127.0.0.1
PORT ?= 5000
# pytest-xdist workers (auto: one per core; 0: none). xdist's default --dist load on purpose: the
# grouping modes (loadgroup, loadscope, loadfile) run tests that share a node id once, and
# schemathesis gives all its cases of one test function the same id.
PYTEST_WORKERS ?= auto
PYTEST := $(BIN)/python -m pytest -n $(PYTEST_WORKERS) --ignore=tests/e2e

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

# The web server and the queue worker together (Procfile); Ctrl-C stops both.
run: demo
	HOST=$(HOST) $(BIN)/honcho start --port $(PORT)

# Everything but the browser tests on every core, then the browser tests in one process: they share
# one seeded database, and a server per module whose tests run in order.
test: install-test
	$(PYTEST)
	$(BIN)/python -m pytest tests/e2e

# The same suite on PostgreSQL (needs a server; .ci/run starts one). Each worker creates and uses
# its own database, the URL's name plus _gw0, _gw1, ... (The browser tests use SQLite only.)
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
