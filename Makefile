# Pressroom build plumbing. On a fresh Debian 12 / Ubuntu machine `make dist`
# or `make test` installs what is missing: system packages (as root, or prints
# the sudo command), the Python venv from the hashed lock, and the Node test tools.
# Stamp files make a second run quick.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV   := .venv
TOOLS  := tests/tools
PYTEST_ARGS ?=

# Ace by DAISY as setup-test installs it, for the tests and 'pressroom check'
# run from make (pipeline/checks.py reads ACE).
export ACE ?= $(CURDIR)/$(TOOLS)/ace.sh

# Resolved when the test recipe runs (after system deps may have installed it).
# Debian calls the browser chromium, Ubuntu chromium-browser.
CHROMIUM = $(or $(PUPPETEER_EXECUTABLE_PATH),$(shell command -v chromium || command -v chromium-browser))

.PHONY: help setup setup-test system-deps system-deps-test dist check lint format test clean distclean

help:
	@echo "make setup      system packages (build), .venv with pressroom installed"
	@echo "make setup-test setup + test system packages + Ace (tests/tools)"
	@echo "make dist       build every publication in source/ into dist/"
	@echo "make check      the fast loop, about 20 s: lint, types, unit tests (pytest -m fast)"
	@echo "make test       lint, types and the whole test suite with the validators (PYTEST_ARGS='-k foo')"
	@echo "make format     reformat pipeline/ and tests/ with ruff format"
	@echo "make clean      empty dist/"
	@echo "make distclean  clean + remove .venv and the Node test tools"

setup: system-deps $(VENV)/.stamp

setup-test: setup system-deps-test $(TOOLS)/node_modules/.stamp

system-deps:
	@PYTHON=$(PYTHON) tools/system-deps.sh build

system-deps-test:
	@PYTHON=$(PYTHON) tools/system-deps.sh test

# Dependencies come only from the hashed lock; pressroom itself goes in with
# --no-deps. It is built with build isolation because the setuptools that
# `venv` bundles is too old for pyproject.toml (it needs setuptools>=69).
$(VENV)/.stamp: requirements.lock pyproject.toml | system-deps
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --require-hashes -r requirements.lock
	$(VENV)/bin/pip install --quiet --no-deps -e .
	touch $@

# Ace by DAISY, pinned by the lock. --ignore-scripts and PUPPETEER_SKIP_DOWNLOAD:
# puppeteer must not download a browser; Ace uses the system Chromium.
$(TOOLS)/node_modules/.stamp: $(TOOLS)/package-lock.json $(TOOLS)/package.json | system-deps-test
	cd $(TOOLS) && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund
	touch $@

dist: setup
	$(VENV)/bin/pressroom build

# The fast loop: no edition is made. Unit tests carry pytest's `fast` marker
# (pyproject.toml). The format check comes last: a file only laid out badly
# should not hide a failing test.
check: $(VENV)/.stamp
	$(VENV)/bin/ruff check pipeline tests
	$(VENV)/bin/mypy
	$(VENV)/bin/python -m pytest -m fast -q $(PYTEST_ARGS)
	$(VENV)/bin/ruff format --check --output-format concise pipeline tests

lint: $(VENV)/.stamp
	$(VENV)/bin/ruff check pipeline tests
	$(VENV)/bin/ruff format --check --output-format concise pipeline tests
	$(VENV)/bin/mypy

format: $(VENV)/.stamp
	$(VENV)/bin/ruff format pipeline tests

test: setup-test lint
	PUPPETEER_EXECUTABLE_PATH="$(CHROMIUM)" $(VENV)/bin/python -m pytest $(PYTEST_ARGS)

clean:
	find dist -mindepth 1 -maxdepth 1 ! -name .gitkeep -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) $(TOOLS)/node_modules *.egg-info
