# Modellkoncept: everyday commands. `make help` lists them.
# GNU make; needs python3.11 (or a python3 that is 3.11+) with venv on the PATH.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

VENV := .venv
BIN := $(VENV)/bin
PYTHON := $(BIN)/python
MANAGE := $(PYTHON) manage.py
# Written when the virtualenv holds what pyproject.toml asks for; a newer pyproject.toml reinstalls.
STAMP := $(VENV)/.installed
# Scratch files make writes (the beat schedule); ignored by git.
SCRATCH := .make
# The installer: uv (Astral's, into the virtualenv with pip) puts the packages in place in a few
# seconds where pip took 26 in a fresh clone, more than half of them compiling every module of
# every package to bytecode on one core. Nothing is compiled at install: Python compiles a module
# when it is first imported and keeps the bytecode beside it, so only what runs is compiled, and
# once. Some machines set PYTHONDONTWRITEBYTECODE (this project's CI machine does); make's
# commands run without it, or every process (each test process, each Celery worker, each
# manage.py) would compile Django and the project again.
UV := uv>=0.13,<0.14
unexport PYTHONDONTWRITEBYTECODE

PYTEST_ARGS ?=
# `make test` runs the suite on this many processes (pytest-xdist; 0 runs it in one). Each has its
# own test database, media directory, live server and Celery queues (tests/conftest.py), and the
# browser tests its own Chromium. Each test goes to the next free process, two at a time
# (--dist load --maxschedchunk 2): in larger chunks the browser tests, which pytest-django runs
# one after the other with the tests that commit, all went to one process, one after the other.
PYTEST_WORKERS ?= 2
PYTEST_PARALLEL := -n $(PYTEST_WORKERS) --dist load --maxschedchunk 2
WORKER_CONCURRENCY ?= 2
TEMPLATE_DIRS := $(wildcard templates */templates)
# Exits non-zero when no broker is configured (settings then run tasks in-process, no worker needed).
BROKER_CHECK := import os, sys; os.environ.setdefault("DJANGO_SETTINGS_MODULE", "modellkoncept.settings"); \
	from django.conf import settings; sys.exit(not settings.CELERY_BROKER_URL)
NEED_BROKER = @$(PYTHON) -c '$(BROKER_CHECK)' || { echo "No broker configured: set \
	CELERY_BROKER_URL=redis://127.0.0.1:6379/0 (environment or .env)." >&2; exit 1; }

.PHONY: help install translations run test test-dates lint format messages worker beat bench loadtest bench-uploads clean

help: ## Show this list
	@echo "Usage: make TARGET [PYTEST_ARGS='...']"
	@echo
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) \
		| awk 'BEGIN {FS = ":.*?## "}; {printf "  %-12s %s\n", $$1, $$2}'

install: $(STAMP) translations ## Create .venv (python3.11), install the project with dev and server extras, compile translations

$(STAMP): pyproject.toml
	@py="$$(command -v python3.11 || true)"; \
	if [ -z "$$py" ] && command -v python3 >/dev/null \
		&& python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then py="$$(command -v python3)"; fi; \
	if [ -z "$$py" ]; then \
		echo "Python 3.11 or newer is needed: apt-get install python3.11 python3.11-venv" >&2; exit 1; \
	fi; \
	if ! $(PYTHON) -c '' 2>/dev/null; then \
		echo "Creating $(VENV) with $$py"; "$$py" -m venv --clear $(VENV); \
	fi
	@echo "Installing the project and its dependencies into $(VENV) ..."
	@if $(PYTHON) -m pip install --quiet "$(UV)"; then \
		$(BIN)/uv pip install --python $(PYTHON) --quiet -e ".[dev,server]"; \
	else \
		echo "uv could not be installed; installing with pip (slower)."; \
		$(PYTHON) -m pip install --quiet --upgrade pip; \
		$(PYTHON) -m pip install --quiet --no-compile -e ".[dev,server]"; \
	fi
	@touch $@

# Babel compiles the catalogues in pure Python, so no system gettext is needed here.
translations: $(STAMP)
	@if compgen -G "locale/*/LC_MESSAGES/django.po" >/dev/null; then \
		$(BIN)/pybabel compile -d locale -D django --statistics; \
	else \
		echo "No translation catalogues in locale/ yet; nothing to compile."; \
	fi

run: install ## Migrate, load the demo data and serve on http://127.0.0.1:8000
	$(MANAGE) migrate
	$(MANAGE) seed_demo
	$(MANAGE) runserver 127.0.0.1:8000

# One pytest run on the xdist workers, the browser tests (tests/e2e) among the others: the
# journeys write what they found to a file of the run, and the page checks, run last, read them
# all. Exit status 5 (every test deselected by PYTEST_ARGS) is no failure.
PYTEST_RUN = $(BIN)/pytest $(PYTEST_PARALLEL) $(1) $(PYTEST_ARGS) || [ $$? -eq 5 ]

test: install lint ## Lint, then run the tests (extra pytest options: PYTEST_ARGS='-k name -x')
	$(call PYTEST_RUN,)

# Three instants spread over the demo's active round (2025-09-01 – 2027-06-30): before it starts,
# mid-way, after it ends. Every test that depends on "today" follows the clock (tests/conftest.py).
TEST_DATES ?= 2025-06-16 2026-11-24 2027-09-15

test-dates: install lint ## Run the whole suite once at each of TEST_DATES (the clock: --clock DATE)
	@for date in $(TEST_DATES); do \
		echo "== The suite at $$date"; \
		$(call PYTEST_RUN,--clock "$$date") || exit 1; \
	done

lint: install ## ruff, djLint, the import contracts, missing migrations and Django's system checks
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
ifneq ($(TEMPLATE_DIRS),)
	$(BIN)/djlint $(TEMPLATE_DIRS) --lint
endif
	$(MANAGE) makemigrations --check --dry-run
	$(MANAGE) check

format: install ## Format the code and apply ruff's safe fixes
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: install ## Update locale/{sv,en} catalogues from the code, then compile (needs GNU gettext: apt-get install gettext)
	$(MANAGE) makemessages -l sv -l en --no-obsolete
	@$(MAKE) translations

# The worker's limits (max tasks and memory per child, time limits) come from the CELERY_* settings,
# which Celery reads itself, so the environment or .env sets them in one place.
worker: install ## Run a Celery worker (needs CELERY_BROKER_URL or REDIS_URL; otherwise tasks run in-process)
	$(NEED_BROKER)
	$(BIN)/celery -A modellkoncept worker -l info --concurrency $(WORKER_CONCURRENCY)

beat: install ## Run Celery beat, the scheduler for periodic tasks (needs a broker, as worker)
	$(NEED_BROKER)
	@mkdir -p $(SCRATCH)
	$(BIN)/celery -A modellkoncept beat -l info --schedule $(SCRATCH)/celerybeat-schedule

bench-uploads: install ## Build the worst workbooks an upload can be; print each one's seconds and peak memory
	$(PYTHON) -m bench.uploads

bench: install ## Run the national-scale benchmark (docs/benchmark.md); writes bench/results.json
	@if [ -f bench/__main__.py ]; then \
		$(PYTHON) -m bench; \
	else \
		echo "The benchmark is not written yet (bench/__main__.py); nothing to run."; \
	fi

# PostgreSQL and Redis as .ci/run starts them; the test uses a database of its own, mk_load.
loadtest: install ## Load-test gunicorn (4 workers, PostgreSQL, Redis) at 10, 60, 120 users; writes bench/load.json
	$(PYTHON) -m bench.load

clean: ## Remove the virtualenv, caches and generated files (keeps db.sqlite3 and media/)
	rm -rf $(VENV) $(SCRATCH) .pytest_cache .ruff_cache build staticfiles *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
	find locale -name '*.mo' -delete 2>/dev/null || true
