# The two commands: `make run` serves the marketplace, `make test` runs the whole suite.
# Both set everything up first: virtualenv, pinned dependencies, translations, database.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
WORKERS ?= 2
# The public address printed in QR tags and e-mailed links; set it to the address phones use.
BASE_URL ?= http://$(HOST):$(PORT)
CHROMIUM ?= /usr/bin/chromium
FLASK  := $(BIN)/flask --app wsgi
# The suite runs in this many processes (pytest-xdist), each with a database of its own.
TEST_WORKERS ?= 2

.PHONY: run test coverage setup deps dev-deps translations migrate seed lint messages clean bench bench-load bench-capacity audit multihost

# The workers' counts for /metrics, added up from this folder (emptied at each start); the
# app writes its own access line per request.
METRICS_DIR := $(CURDIR)/instance/prometheus
# Production's gunicorn settings (deploy/), with the laptop's workers and threads.
GUNICORN_OPTS = --config deploy/gunicorn.conf.py --workers $(WORKERS) --threads 4

# One background worker (flask worker: mail, reminders, nightly clean-ups) beside gunicorn; Ctrl-C
# stops both (the worker finishes the job it is running first), as does gunicorn stopping.
run: deps translations migrate seed
	rm -rf $(METRICS_DIR) && mkdir -p $(METRICS_DIR)
	@trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	BASE_URL=$(BASE_URL) PROMETHEUS_MULTIPROC_DIR=$(METRICS_DIR) $(FLASK) worker & worker=$$!; \
	BASE_URL=$(BASE_URL) PROMETHEUS_MULTIPROC_DIR=$(METRICS_DIR) $(BIN)/gunicorn $(GUNICORN_OPTS) --bind $(HOST):$(PORT) wsgi:app

test: dev-deps translations
	@if [ ! -x "$(CHROMIUM)" ]; then \
		echo "Chromium not found at $(CHROMIUM): the browser tests will be skipped."; \
		echo "(Debian/Ubuntu: sudo apt-get install chromium)"; \
	fi
	$(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

# The same suite, measuring which lines of marketplace/ it runs (slower: every line is traced).
coverage: dev-deps translations
	$(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal --cov --cov-report=term:skip-covered $(PYTEST_ARGS)

setup: deps translations migrate

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

deps: $(VENV)/.deps
$(VENV)/.deps: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

dev-deps: $(VENV)/.dev-deps
$(VENV)/.dev-deps: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.deps $@

# messages: our own strings; wtforms: WTForms' validation messages, which it ships in other
# languages but not in Indonesian (see marketplace/forms.py).
translations: deps
	$(BIN)/pybabel compile --statistics -d marketplace/translations
	$(BIN)/pybabel compile --statistics -D wtforms -d marketplace/translations

migrate: deps
	$(FLASK) db upgrade

seed: migrate
	$(FLASK) seed-demo

# Style, types, the layers' import contract (pyproject.toml) and dead code.
lint: dev-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	PYTHONPATH=. $(BIN)/lint-imports
	$(BIN)/vulture marketplace vulture_whitelist.py --min-confidence 60

# Extract strings into the catalog template and merge them into every language.
messages: dev-deps
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 -o marketplace/translations/messages.pot .
	$(BIN)/pybabel update -i marketplace/translations/messages.pot -d marketplace/translations --no-fuzzy-matching

# Search and catalog latency at 1k/10k/100k products (see bench/RESULTS.md); BENCH_ARGS to vary,
# e.g. BENCH_ARGS="--db postgresql --sizes 1000,10000".
bench: dev-deps
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# Throughput of the public pages under load (wrk, Debian: apt-get install -y wrk) as a share of a
# bare Flask route served alike (see bench/RESULTS.md); LOAD_ARGS to vary,
# e.g. LOAD_ARGS="--db postgresql --sizes 10000 --seconds 5 --rounds 2".
bench-load: dev-deps translations
	$(BIN)/python -m bench.load $(LOAD_ARGS)

# What one request of each main page costs on PostgreSQL at 50,000 products (app CPU, database
# time and statements, cache cold and warm, against a bare Flask route): the figures of
# docs/capacity.md. Needs PostgreSQL and wrk; CAPACITY_ARGS to vary, e.g. CAPACITY_ARGS="--reuse".
bench-capacity: dev-deps translations
	$(BIN)/python -m bench.capacity $(CAPACITY_ARGS)

# Accessibility (axe-core) and HTML validity (Nu HTML Checker) of the buyer-facing pages in every
# language, on a throwaway demo database; writes docs/accessibility.md and fails on any finding.
# Needs Chromium, Node's npm and Java; AUDIT_ARGS="--base-url http://127.0.0.1:8000" for a server.
audit: dev-deps translations
	$(BIN)/python scripts/audit_pages.py $(AUDIT_ARGS)

# Several app hosts behind HAProxy on one machine (network namespaces), with their own
# PostgreSQL, Redis and S3 (SeaweedFS): what one host does every host sees, and what breaks
# under load; writes docs/multihost-run.md. Needs root: `sudo make multihost`.
multihost: dev-deps translations
	$(BIN)/python -m deploy.multihost.run $(MULTIHOST_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage
