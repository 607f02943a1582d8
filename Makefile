# The two commands: `make demo` and `make test`. Everything they need is installed from here.
# `make test` runs ruff, then mypy (strict on the product packages, configured in pyproject.toml), then the suite.
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' && echo $$p && break; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint services browser clean chaos

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is required"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/sheetbooks demo

services:
	bash scripts/services.sh

browser:
	bash scripts/browser.sh

test: $(STAMP) services browser
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest -q -p no:cacheprovider -n 2 --dist loadfile

# The chaos suite's long profile (about 10 minutes; `make test` runs its short one): figures on stdout.
chaos: $(STAMP) services
	SHEETBOOKS_CHAOS=long $(BIN)/pytest -q -p no:cacheprovider -s -m chaos tests/chaos

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache .mypy_cache
