# Parcours — the two commands of the README:
#   make demo   sets up and serves the product on http://127.0.0.1:8000 (SQLite, demo data)
#   make test   sets up and runs the whole test suite (ruff, pytest on SQLite then PostgreSQL)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/parcours

.PHONY: demo test install install-dev system-deps lint format bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-dev: $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"

system-deps:
	bash scripts/system-deps.sh

demo: install
	bash scripts/demo.sh

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: system-deps install-dev lint
	@echo "== Tests sur SQLite =="
	$(BIN)/pytest
	@echo "== Tests sur PostgreSQL =="
	DATABASE_URL=$(PG_URL) $(BIN)/pytest

bench: install-dev
	$(BIN)/python bench/geographie.py
	$(BIN)/python bench/import_historique.py
	$(BIN)/python bench/dossier.py
	$(BIN)/python bench/rapport.py
	$(BIN)/python bench/accessibilite.py
	$(BIN)/python bench/messages.py
	$(BIN)/python bench/rendezvous.py
	$(BIN)/python bench/campagnes.py

clean:
	rm -rf $(VENV) var build *.egg-info
