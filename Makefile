# Two commands for a fresh Debian machine with Python 3.11:
#   make demo   set everything up and open JupyterLab on examples/
#   make test   set everything up and run ruff and every test
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8888
STAMP := $(VENV)/.installed
ROOT := $(shell [ "$$(id -u)" = 0 ] && echo 1)
APT := $(if $(ROOT),,sudo )apt-get

.PHONY: demo test venv system-deps browser-deps server-deps lint bench clean

system-deps:
	@if ! $(PYTHON) -c 'import venv, ensurepip' 2>/dev/null; then \
	  echo "installing python3-venv with apt-get"; \
	  $(APT) update -qq && $(APT) install -y -qq python3-venv python3-pip; fi

# Debian's chromium for the browser tests (Playwright drives it; browser downloads are blocked)
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "installing chromium with apt-get"; \
	  $(APT) update -qq && DEBIAN_FRONTEND=noninteractive $(APT) install -y -qq chromium; fi

# Debian's Virtuoso for the endpoint tests (each test run starts its own from a copy of its ini)
server-deps:
	@if ! command -v virtuoso-t >/dev/null; then \
	  echo "installing virtuoso-opensource with apt-get"; \
	  $(APT) update -qq && DEBIAN_FRONTEND=noninteractive $(APT) install -y -qq virtuoso-opensource; fi

$(PY): | system-deps
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(STAMP): setup.cfg pyproject.toml | $(PY)
	$(PY) -m pip install -q -e '.[test,notebook]'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	@echo "Starting JupyterLab on examples/ at http://127.0.0.1:$(PORT)/lab (Ctrl-C to stop)"
	$(VENV)/bin/jupyter lab --notebook-dir=examples --ServerApp.ip=127.0.0.1 \
	  --ServerApp.port=$(PORT) $(if $(NO_BROWSER),--no-browser) $(if $(ROOT),--allow-root)

lint: $(STAMP)
	$(VENV)/bin/ruff check kg_connect tests benchmarks tools
	$(VENV)/bin/mypy kg_connect --ignore-missing-imports

test: lint browser-deps server-deps
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache benchmarks/data
