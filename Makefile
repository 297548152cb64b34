# The two commands of the README: `make serve` and `make test`. Both set up what they need.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
# Tests keep MkDocs' end-of-life notice quiet (it is printed in every build); `make serve` and
# `make build` show it, as the writer's own commands do (PLATFORM.md is our answer to it).
QUIET := NO_MKDOCS_2_WARNING=1
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: serve serve-static build test check setup browser-deps test-deps lint bench screenshots platform-check
SITE_PORT ?= 8000
DESK_PORT ?= 8001

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

# PostgreSQL for the desk's tests: each test session starts a throw-away cluster of its own.
test-deps:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q postgresql; }

# The site and the desk together: the wizard and "Was this helpful?" post to the local desk
# (SQLite file desk.sqlite3 here). Ctrl-C stops both.
serve: setup
	@trap 'kill $$desk 2>/dev/null; wait $$desk 2>/dev/null' EXIT INT TERM; \
	$(VENV)/bin/kb desk serve --db sqlite:///desk.sqlite3 --port $(DESK_PORT) \
	  --site-origin http://127.0.0.1:$(SITE_PORT) --site-origin http://localhost:$(SITE_PORT) & desk=$$!; \
	KB_DESK_URL_REQUESTS=http://127.0.0.1:$(DESK_PORT)/api/requests \
	KB_DESK_URL_FEEDBACK=http://127.0.0.1:$(DESK_PORT)/api/feedback \
	KB_DESK_URL_DEFLECTIONS=http://127.0.0.1:$(DESK_PORT)/api/deflections \
	$(VENV)/bin/mkdocs serve -a 127.0.0.1:$(SITE_PORT)

# The purely static site: no desk, no endpoint (email, download and copy only).
serve-static: setup
	$(VENV)/bin/mkdocs serve -a 127.0.0.1:$(SITE_PORT)

build: setup
	$(VENV)/bin/mkdocs build --strict

# Zero findings, or CI fails: ruff (lint and format), mypy (pyproject's files), tsc --checkJs over
# the browser JavaScript (tsconfig.json), and the shipped KB's own lint.
lint: setup browser-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	node_modules/.bin/tsc -p tsconfig.json
	$(QUIET) $(VENV)/bin/kb lint --strict docs

test: setup browser-deps test-deps
	$(QUIET) $(PY) -m pytest -n 2 $(PYTEST_ARGS)

# The inner loop: every test that needs no browser, no large build, no corpus and no long load or
# kill run (852 tests, 87 s on 2 cores; `make test` runs them all).
check: setup
	$(QUIET) $(PY) -m pytest -n 2 -q -m "not browser and not slow and not corpus" $(PYTEST_ARGS)

# The newest mkdocs 1.x and mkdocs-material 9.x from PyPI, in a venv of their own: does our theme
# layer still hold (PLATFORM.md)? Prints the versions it tried.
platform-check: browser-deps
	python3 -m venv .venv-platform
	.venv-platform/bin/python -m pip install -q --upgrade pip
	.venv-platform/bin/python -m pip install -q -e '.[test]'
	.venv-platform/bin/python -m pip install -q --upgrade 'mkdocs<2' 'mkdocs-material<10'
	@.venv-platform/bin/python -c "import importlib.metadata as m; print('platform-check: mkdocs', m.version('mkdocs'), '/ mkdocs-material', m.version('mkdocs-material'))"
	$(QUIET) .venv-platform/bin/mkdocs build --strict -q -d .venv-platform/site
	$(QUIET) .venv-platform/bin/python -m pytest -q -p no:cacheprovider tests/test_platform.py

bench: setup browser-deps
	$(QUIET) $(PY) bench/run.py

screenshots: setup browser-deps
	$(QUIET) $(PY) -m testkit.wizard_screenshots screenshots
	$(QUIET) $(PY) -m testkit.desk_screenshots screenshots
