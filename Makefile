# Redress: the two commands are `make run` and `make test`; everything else is optional.
SHELL := /bin/bash
# uv from PATH, or the one `pip install uv` put in this Python.
UV = $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
MANAGE = $(UV) run python manage.py

.PHONY: run test setup bootstrap lint format check-deploy messages clean load bench mutate

bootstrap:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	@scripts/ensure-system-packages $(if $(BROWSER),--browser,)
	$(UV) sync --frozen

setup: bootstrap
	$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules --ignore=mutants -v 0
	$(MANAGE) migrate --noinput

## make run: set everything up, load the demo data, run web + Celery worker + beat (Ctrl-C stops all)
run: setup
	$(MANAGE) seed_demo
	$(UV) run honcho -f Procfile.dev start

## make test: set everything up and run the whole test suite (PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set)
test: BROWSER = 1
test: bootstrap
	$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules --ignore=mutants -v 0
	$(UV) run pytest $(PYTEST_ARGS)

## make bench: build the benchmark dataset in PostgreSQL and measure Redress against baselines
## (SCALE=small for a quick run); writes bench/results/latest.json (see bench/README.md)
SCALE ?= full
bench: bootstrap
	@scripts/ensure-system-packages --bench
	$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules --ignore=mutants -v 0
	$(UV) run python -m bench.run --scale $(SCALE)

## make load: a bounded load run (locust, 45 s, loopback) on gunicorn + a worker, PostgreSQL and Redis
## (LOAD_DATABASE_URL, LOAD_REDIS_URL); figures in bench/results/latest.json. Not part of CI.
load: bootstrap
	$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules --ignore=mutants -v 0
	$(UV) run python -m bench.load

## make lint: ruff, and the order of the apps (import-linter, contracts in pyproject.toml)
lint:
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run lint-imports --no-cache

format:
	$(UV) run ruff check --fix .
	$(UV) run ruff format .

## make messages: extract new strings into each catalogue (APP/locale/zh_Hans/... and locale/zh_Hans/...)
messages:
	$(MANAGE) makemessages -l zh_Hans --ignore=.venv --ignore=node_modules --ignore=var --ignore=tests --ignore=mutants --no-obsolete

clean:
	rm -rf var .pytest_cache mutants

## make mutate: mutation testing of the rule modules (cosmic-ray, scripts/mutate.py), each against
## its own app's tests (MODULES="credit/method.py ..." for some, MUTATE_JOBS=2 for two workers);
## writes bench/results/mutation.json and mutation.md. Not part of CI.
MUTATE_JOBS ?= 1
mutate: bootstrap
	$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules --ignore=mutants -v 0
	$(UV) run python scripts/mutate.py --jobs $(MUTATE_JOBS) $(MODULES)
