# KAM: `make run` starts the product with demo data, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/kam
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
PYTEST_WORKERS ?= 2

.DEFAULT_GOAL := help
.PHONY: help install run test lint format messages translations worker beat bench-import bench-analysis bench-pages bench-search fuzz faults backup restore clean mutate

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml constraints.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test,dev]'
	touch $(STAMP)

install: $(STAMP) translations ## Create the virtualenv and install the pinned dependencies

# The .mo files Django reads, compiled from the catalogues in locale/ (not committed).
translations: $(STAMP)
	$(BIN)/python scripts/compile_messages.py

# The catalogue's exact makemessages commands (file locations without line numbers, so that
# merges stay small; the same folders left out for everyone).
MAKEMESSAGES := DEBUG=true $(BIN)/python manage.py makemessages -l zh_Hans --add-location=file --no-obsolete
messages: $(STAMP) ## Update the zh-hans catalogues (locale/) from the marked strings, then compile them
	$(MAKEMESSAGES) \
	  -i '.venv/*' -i 'tests/*' -i 'bench/*' -i 'scripts/*' -i 'staticfiles/*' -i 'node_modules/*' -i 'demo/*'
	$(MAKEMESSAGES) -d djangojs \
	  -i '.venv/*' -i 'staticfiles/*' -i 'node_modules/*' -i 'static/vendor/*' -i 'tests/*'
	$(BIN)/python scripts/compile_messages.py

run: $(STAMP) translations ## Run the product on embedded defaults (SQLite, in-process tasks, demo data)
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py migrate --noinput
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py seed_demo
	@echo "KAM is at http://127.0.0.1:8000/ (Ctrl-C to stop)"
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py runserver 127.0.0.1:8000

test: $(STAMP) translations ## Run the whole suite against PostgreSQL, Redis and Chromium
	./scripts/services-up.sh
	./scripts/ensure-chromium.sh
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
	KAM_TASKS_EAGER=true \
	$(BIN)/pytest -n $(PYTEST_WORKERS) --create-db -q -rfEs $(PYTEST_ARGS)

lint: $(STAMP) ## ruff (format, rules, complexity), mypy strict, import contracts, the OpenAPI schema
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	DEBUG=true $(BIN)/mypy
	DEBUG=true $(BIN)/lint-imports
	$(BIN)/python scripts/check_private_imports.py
	DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run
	DEBUG=true $(BIN)/python manage.py spectacular --validate --fail-on-warn --file /dev/null

format: $(STAMP) ## Format and fix what ruff can
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

mutate: $(STAMP) ## Mutation testing of the pure analysis maths (mutmut), then the score per module
	rm -rf mutants
	$(BIN)/mutmut run --max-children $(PYTEST_WORKERS)
	$(BIN)/python scripts/mutation_report.py

worker: $(STAMP) ## Start a Celery worker (needs REDIS_URL)
	$(BIN)/celery -A kam worker --loglevel=info

beat: $(STAMP) ## Start Celery beat with the database schedule (needs REDIS_URL)
	$(BIN)/celery -A kam beat --loglevel=info --scheduler django_celery_beat.schedulers:DatabaseScheduler

clean: ## Remove the virtualenv, the SQLite file and test artifacts
	rm -rf $(VENV) kam.sqlite3 artifacts staticfiles

fuzz: $(STAMP) ## Schemathesis on every API operation, once per role, against a live server (FUZZ_DATABASE_URL, FUZZ_ARGS)
	./scripts/services-up.sh
	$(BIN)/python scripts/fuzz.py $(FUZZ_ARGS)

bench-import: $(STAMP) ## Time import_data of 1,000,000 activities against COPY (PostgreSQL; BENCH_DATABASE_URL)
	DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/kam_bench} $(BIN)/python bench/import_activities.py

bench-analysis: $(STAMP) ## Time run_analysis against plain SQL at 2,500/5,000/10,000 accounts (PostgreSQL; BENCH_DATABASE_URL)
	DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/kam_bench_analysis} $(BIN)/python bench/analysis.py $(BENCH_ARGS)

bench-pages: $(STAMP) ## Dashboard and account 360 under wrk load against a trivial page (PostgreSQL; BENCH_DATABASE_URL)
	@command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk"; exit 1; }
	DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/kam_bench_pages} $(BIN)/python bench/pages.py $(BENCH_ARGS)

bench-search: $(STAMP) ## Global search under wrk load at 10,000 accounts and 50,000 contacts (PostgreSQL; BENCH_DATABASE_URL)
	@command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk"; exit 1; }
	DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/kam_bench_search} $(BIN)/python bench/search.py $(BENCH_ARGS)

faults: $(STAMP) ## Fault drills on services of their own (worker killed, Redis and PostgreSQL restarted): recovery figures
	$(BIN)/python bench/faults.py $(FAULTS_ARGS)

backup: ## pg_dump (custom format) of DATABASE_URL into BACKUP_FILE or backups/, and MEDIA_ROOT as a tar beside it
	BACKUP_FILE="$(BACKUP_FILE)" ./scripts/backup.sh

restore: ## Restore BACKUP_FILE into the new database RESTORE_DATABASE (an existing one is refused), and its media
	BACKUP_FILE="$(BACKUP_FILE)" RESTORE_DATABASE="$(RESTORE_DATABASE)" RESTORE_MEDIA_ROOT="$(RESTORE_MEDIA_ROOT)" ./scripts/restore.sh
