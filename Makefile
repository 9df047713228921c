# Everything a fresh clone needs, from `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Tests and local runs need a key; production sets its own SECRET_KEY.
DEV_ENV := DEBUG=$${DEBUG:-on} SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)}
TEST_ENV := SECRET_KEY=$${SECRET_KEY:-test-only-secret-key-not-for-production-use-1234567890}

.PHONY: install run serve test lint format bench browser-deps clean

$(BIN)/activate: requirements-dev.lock
	$(PYTHON) -c 'import sys; sys.exit("Python 3.12 or newer is needed" if sys.version_info < (3, 12) else 0)'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.lock
	touch $(BIN)/activate

install: $(BIN)/activate

run: install
	$(DEV_ENV) $(BIN)/python manage.py migrate --no-input
	$(DEV_ENV) $(BIN)/python manage.py createcachetable
	$(DEV_ENV) $(BIN)/python manage.py load_demo
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

serve: install
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py createcachetable
	$(BIN)/gunicorn trainer_site.wsgi --bind 127.0.0.1:$(PORT) --workers $${WEB_WORKERS:-2} --access-logfile -

test: install
	$(TEST_ENV) $(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	$(TEST_ENV) $(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
