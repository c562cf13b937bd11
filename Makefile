# The two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS ?= never
UV := $(shell command -v uv >/dev/null 2>&1 && echo uv || echo python3 -m uv)
PY := $(UV) run --frozen python
HOST ?= 127.0.0.1:8000

.PHONY: help uv install run demo serve test lint format check worker beat bench mutation

help:
	@echo "make run    — installe, migre, charge la démo et sert http://$(HOST)"
	@echo "make test   — lance toute la suite de tests"
	@echo "make lint   — ruff (lint + format) et makemigrations --check"
	@echo "make mutation — tests de mutation (mutmut) des modules qui décident accès, valeurs et argent"
	@echo "make worker / make beat — worker et planificateur Celery (avec REDIS_URL)"

uv:
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet uv

install: uv
	$(UV) sync --frozen

demo: install
	$(PY) manage.py demo

serve:
	DEBUG=$${DEBUG:-true} $(PY) manage.py runserver $(HOST)

run: demo serve

test: install
	$(UV) run --frozen pytest $(PYTEST_ARGS)

lint: install
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

format: install
	$(UV) run --frozen ruff format .
	$(UV) run --frozen ruff check --fix .

worker: install
	$(UV) run --frozen celery -A cotri worker --loglevel=INFO

beat: install
	$(UV) run --frozen celery -A cotri beat --loglevel=INFO

bench: install
	for script in bench/bench_*.py; do $(PY) $$script || exit 1; done

# Mutation testing of the modules that decide access, values and money ([tool.mutmut] in
# pyproject.toml; docs/mutation.md lists the survivors and why each is equivalent). Long: not in CI.
# On SQLite, every mutant's session starts from one migrated copy (tests/mutation_db.py);
# MUTANTS='contracts.perms*' limits the run to some modules.
MUTATION_DB := $(CURDIR)/.mutation-db.sqlite3
mutation: install
	rm -f $(MUTATION_DB)
	env -u DATABASE_URL -u REDIS_URL COTRI_MUTATION_DB=$(MUTATION_DB) \
		$(UV) run --frozen mutmut run --max-children $${MUTATION_JOBS:-2} $(MUTANTS)
	$(UV) run --frozen mutmut results
