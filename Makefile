# The two commands of the README: `make serve` and `make test`. Both set up what they need.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
export NO_MKDOCS_2_WARNING := 1
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: serve serve-static build test setup browser-deps test-deps lint bench screenshots
SITE_PORT ?= 8000
DESK_PORT ?= 8001

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

setup: $(VENV)/.installed

# Debian's chromium for browser tests, and axe-core from npm for accessibility checks.
browser-deps:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium; }
	@test -f node_modules/axe-core/axe.min.js || npm install --prefix . --no-save --no-audit --no-fund axe-core@4 >/dev/null

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
	$(VENV)/bin/mkdocs serve -a 127.0.0.1:$(SITE_PORT)

# The purely static site: no desk, no endpoint (email, download and copy only).
serve-static: setup
	$(VENV)/bin/mkdocs serve -a 127.0.0.1:$(SITE_PORT)

build: setup
	$(VENV)/bin/mkdocs build --strict

lint: setup
	$(VENV)/bin/kb lint docs

test: setup browser-deps test-deps
	$(PY) -m pytest -n 2 $(PYTEST_ARGS)

bench: setup browser-deps
	$(PY) bench/run.py

screenshots: setup browser-deps
	$(PY) -m intake.wizard.screenshots screenshots
	$(PY) -m testkit.desk_screenshots screenshots
