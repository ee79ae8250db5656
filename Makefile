# The two front-door commands: `make qa` and `make test`. Each sets itself up on first use.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
DOCUMENT := fixtures/dataflows/salesforce-to-crmoffice.rst

.PHONY: qa test setup clean

setup: $(INSTALLED)

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

qa: $(INSTALLED)
	$(BIN)/pytest features/

test: $(INSTALLED)
	$(BIN)/pytest

clean:
	rm -rf reports .pytest_cache
