# Common commands. `make run` and `make test` are the README's quick start.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app empathy
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run install install-test test test-postgres migrate demo translations bench-matching clean

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
	$(BIN)/python -m pytest

# The same suite on PostgreSQL (needs a server; .ci/run starts one).
test-postgres: install-test
	EMPATHY_TEST_DATABASE_URL=$${EMPATHY_TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/empathy_test} \
	  $(BIN)/python -m pytest

translations: install
	$(BIN)/python scripts/i18n.py update

clean:
	rm -rf build dist *.egg-info .pytest_cache
