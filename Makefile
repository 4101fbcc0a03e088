# Two commands do everything on a fresh machine (Python 3.11, make, node):
#   make demo   set up, build the demo county on SQLite and serve it on http://127.0.0.1:8000 with a job worker
#   make test   set up and run the whole test suite (lint, migrations check, unit, API, browser)

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
VENDOR := puhui/static/vendor
HOST ?= 127.0.0.1
PORT ?= 8000
SCALE ?= 1
PYTEST_ARGS ?=
# The suite runs on both cores, one test file per worker (module fixtures stay whole); PYTEST_WORKERS= runs it serially.
PYTEST_WORKERS ?= -n 2 --dist loadfile

.PHONY: demo test setup lint bench chromium redis lock

setup: $(BIN)/.installed $(VENDOR)/.installed

# requirements.lock pins every package at the version the test suite last passed with; `make lock` renews it.
$(BIN)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e ".[dev,train]"
	touch $@

lock: setup
	$(BIN)/pip install --quiet -e ".[dev,train]"
	$(BIN)/pip freeze --exclude-editable | grep -v "^-e " > requirements.lock

$(VENDOR)/.installed: package.json
	npm install --no-audit --no-fund --silent
	mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/
	cp node_modules/bootstrap/dist/css/bootstrap.min.css $(VENDOR)/
	cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js $(VENDOR)/
	touch $@

# Debian's Chromium drives the browser tests; install it when missing (root on these machines).
chromium:
	@command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null)

# The server and a job worker side by side (jobs would wait as 排队中 without one); Ctrl-C stops both, and
# the worker is stopped whenever the server exits (the EXIT trap), e.g. when the port is taken.
demo: setup
	$(BIN)/puhui migrate --noinput -v 0
	$(BIN)/puhui demo --scale $(SCALE) --if-empty --url http://$(HOST):$(PORT)/
	@export PUHUI_DATA_LAST_YEAR=$${PUHUI_DATA_LAST_YEAR:-2021}; \
	$(BIN)/puhui worker -v 1 & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	trap 'exit 130' INT TERM; \
	echo "后台任务处理进程已启动（进程号 $$worker）；按 Ctrl-C 同时停止服务器和处理进程。"; \
	$(BIN)/puhui runserver $(HOST):$(PORT) --noreload

# The job-queue tests use Redis on 127.0.0.1:6379; start Debian's redis-server when none answers.
redis:
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || ( \
	  (command -v redis-server >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null)) && \
	  redis-server --bind 127.0.0.1 --port 6379 --daemonize yes >/dev/null && \
	  for i in 1 2 3 4 5 6 7 8 9 10; do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 0.5; done )

test: setup chromium redis
	$(BIN)/ruff check puhui tests bench
	$(BIN)/ruff format --check puhui tests bench
	$(BIN)/puhui makemigrations --check --dry-run -v 0
	$(BIN)/pytest $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check puhui tests bench
	$(BIN)/ruff format --check puhui tests bench

bench: setup
	$(BIN)/python bench/run_all.py
