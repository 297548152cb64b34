# The two commands of the README: `make serve` and `make test`. Both set up what they need.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
export NO_MKDOCS_2_WARNING := 1
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: serve build test setup browser-deps lint bench screenshots

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

setup: $(VENV)/.installed

# Debian's chromium for browser tests, axe-core from npm for accessibility checks, and
# TypeScript's tsc for the JSDoc type check of the browser JS (tsconfig.json).
browser-deps:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium; }
	@test -f node_modules/axe-core/axe.min.js -a -f node_modules/.bin/tsc || npm install --prefix . --no-save --no-audit --no-fund axe-core@4 typescript@5 >/dev/null

serve: setup
	$(VENV)/bin/mkdocs serve -a 127.0.0.1:8000

build: setup
	$(VENV)/bin/mkdocs build --strict

lint: setup
	$(VENV)/bin/kb lint docs

test: setup browser-deps
	$(PY) -m pytest -n 2 $(PYTEST_ARGS)

bench: setup browser-deps
	$(PY) bench/run.py

screenshots: setup browser-deps
	$(PY) -m intake.wizard.screenshots screenshots
