# cvm-align: `make run` starts the app, `make test` runs every test.
# Both create .venv in the project root and install the pinned dependencies first.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# The embedded defaults (SQLite, eager Celery, local-memory cache) need DEBUG on;
# production sets DEBUG=false and the real values (see .env.example).
export DEBUG ?= true

.PHONY: install run test lint format migrations-check messages bench clean

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo ""
	@echo "cvm-align is starting on http://127.0.0.1:$(PORT)/"
	@echo "Sign in as lead@demo.test (CVM lead), ceo@demo.test, cfo@demo.test, cmo@demo.test (leaders),"
	@echo "viewer@demo.test (observer) or admin@demo.test (site staff); password: demo-pass-2026"
	@echo ""
	$(PY) -m uvicorn cvm_align.asgi:application --host 127.0.0.1 --port $(PORT) --ws-per-message-deflate false --reload --reload-dir alignment --reload-dir cvm_align --reload-dir flavors --reload-dir handshakes --reload-dir templates

# The suite runs in TEST_WORKERS processes (pytest-xdist), a test file to each;
# `make test TEST_WORKERS=0` runs it in this process.
TEST_WORKERS ?= 2

test: install
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-logo
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrations-check: install
	$(PY) manage.py makemigrations --check --dry-run

messages: install
	$(PY) manage.py makemessages -l it --ignore=.venv --ignore=staticfiles --ignore=node_modules
	$(PY) manage.py compilemessages --ignore=.venv

bench: install
	$(PY) -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
