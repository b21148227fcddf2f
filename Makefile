# Two commands: `make run` (set up and serve everything) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test fuzz install node-packages check-python lint format messages bench clean

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null || { \
	  echo "Python 3.11 or newer is needed as '$(PYTHON)' (found: $$(command -v $(PYTHON) >/dev/null && $(PYTHON) --version 2>&1 || echo none))."; \
	  echo "Install it (for example: apt-get install python3 python3-venv) or run: make PYTHON=/path/to/python3.11"; \
	  exit 1; }
	@$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || { \
	  echo "Python's venv module with ensurepip is missing (on Debian/Ubuntu: apt-get install python3-venv)."; exit 1; }

# The venv is (re)created unless it has pip: one whose creation failed half-way (no ensurepip)
# has a python but no pip.
$(STAMP): pyproject.toml requirements/constraints.txt | check-python
	@test -x $(PIP) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -c requirements/constraints.txt -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_regions
	$(PY) manage.py seed_demo
	$(PY) manage.py runportal --port $(PORT)

# axe-core (accessibility checks of the browser tests) comes from npm, pinned in package-lock.json.
# Without npm the browser tests skip locally with a message; CI (PILKADA_REQUIRE_SERVICES=1) fails.
node-packages:
	@if ! command -v npm >/dev/null 2>&1; then \
	  echo "npm not found: the browser tests will be skipped (install Node.js and npm to run them)."; \
	elif [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then \
	  npm ci --no-audit --no-fund || echo "npm ci failed: the browser tests will be skipped locally."; \
	fi

# The full garbage-query walk (marker `fuzz`) is left out of `make test`, which samples it with a
# seed that moves on each day (printed in the header; PILKADA_WALK_SEED=<n> repeats a run).
test: install node-packages
	$(PY) -m pytest $(PYTEST_ARGS)

# Every garbage value on every URL for every visitor (minutes); run it before a release.
fuzz: install
	$(PY) -m pytest -m fuzz $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Needs GNU gettext (apt-get install gettext). Indonesian is the source language, so the id
# catalogue repeats each msgid; the compiled .mo files are committed so a plain install needs no gettext.
messages: install
	$(PY) manage.py makemessages -l id -l en --no-obsolete --no-location \
	  --ignore=.venv --ignore=var --ignore=tests --ignore=staticfiles --ignore=node_modules
	msgattrib --clear-fuzzy --empty -o locale/id/LC_MESSAGES/django.po locale/id/LC_MESSAGES/django.po
	msgen -o locale/id/LC_MESSAGES/django.po locale/id/LC_MESSAGES/django.po
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules

# Benchmarks at national scale (docs/benchmarks.md); never part of `make test`. Needs a dedicated
# PostgreSQL database and Redis db, and wrk (apt-get install wrk), for example:
#   createdb -h 127.0.0.1 -U postgres pilkada_bench
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/pilkada_bench REDIS_URL=redis://127.0.0.1:6379/6 make bench
# The dataset is generated once per scale (minutes at 1.0) and reused; BENCH_ARGS go to bench_run.
BENCH_SCALE ?= 1.0
BENCH_ARGS ?=
bench: install
	@test -n "$(DATABASE_URL)" || { echo "Set DATABASE_URL to a dedicated PostgreSQL database."; exit 1; }
	@test -n "$(REDIS_URL)" || { echo "Set REDIS_URL to a dedicated Redis database."; exit 1; }
	@command -v wrk >/dev/null || { echo "wrk is needed for the throughput part: apt-get install wrk"; exit 1; }
	DEBUG=false $(PY) manage.py migrate --noinput -v0
	DEBUG=false $(PY) manage.py bench_data --scale $(BENCH_SCALE) --reuse
	DEBUG=false $(PY) manage.py bench_run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache node_modules tests/artifacts
