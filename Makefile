# Two commands set everything up on a fresh machine:
#   make demo   build .venv and open the console on the shipped demo data
#   make test   build .venv and run the whole test suite
# Everything the tool needs is installed here, pinned by constraints.txt.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The test extra (pytest, hypothesis, keyrings.alt's file backends for the secrets tests) only
# where tests run: a user install never gets a test-only keyring backend that keyring would pick.
TEST_STAMP := $(VENV)/.test-installed
PIP    := $(BIN)/python -m pip
# The pinned set: two stations that install from this file get the same build.
CONSTRAINTS := constraints.txt

.PHONY: all venv install install-postgres install-offline-postgres install-offline-keyring demo test contracts fuzz test-fast eval bench bench-quick wheelhouse install-offline lock demo-data snapshots clean test-tools

all: venv

$(STAMP): pyproject.toml $(CONSTRAINTS)
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "triage needs Python >= 3.11 ($(PYTHON))"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check -c $(CONSTRAINTS) -e .
	@touch $@

$(TEST_STAMP): $(STAMP)
	$(PIP) install --quiet --disable-pip-version-check -c $(CONSTRAINTS) -e '.[test]'
	@touch $@

venv: $(TEST_STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/triage demo

# What the tests need beyond Python: tmux (end-to-end tests in a real terminal) and the
# sqlite3 shell (the audit test edits a row with it, as a tamperer would).
TEST_TOOLS := tmux sqlite3
# WeasyPrint (the report's page-count test) draws text with the system's Pango library.
TEST_LIBS := libpango-1.0.so.0:libpango-1.0-0 libpangoft2-1.0.so.0:libpangoft2-1.0-0
# The store tests run on PostgreSQL too: tests/pg_cluster.py starts a throw-away cluster with the
# server's initdb and pg_ctl (Debian keeps them in /usr/lib/postgresql/N/bin, off PATH).
test-tools:
	@missing=""; for t in $(TEST_TOOLS); do command -v $$t >/dev/null 2>&1 || missing="$$missing $$t"; done; \
	for l in $(TEST_LIBS); do ldconfig -p 2>/dev/null | grep -q "$${l%%:*}" || missing="$$missing $${l#*:}"; done; \
	{ command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; } || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then echo "installing$$missing for the tests"; \
	  (apt-get update -qq && apt-get install -y -qq $$missing >/dev/null) || \
	  { echo "missing:$$missing and apt-get could not install it; install it by hand"; exit 1; }; fi

# ruff and mypy first (seconds; mypy reads the package as it installs, scripts/typecheck.py says
# why): a mistake they find is cheaper to read than a failing test. The layer contracts
# (import-linter on the built wheel) and the SQL boundary run inside pytest.
LINTED := triage screens plugins tests bench scripts
test: $(TEST_STAMP) test-tools
	$(BIN)/ruff check $(LINTED)
	$(BIN)/python scripts/typecheck.py
	$(BIN)/python -m pytest -q

# The import-linter contracts (pyproject.toml, [tool.importlinter]) on the built wheel, alone;
# `make test` runs them too. A few seconds: one wheel build, one import graph per contract.
contracts: $(TEST_STAMP)
	$(BIN)/python -m pytest -q tests/test_import_contracts.py

test-fast: $(TEST_STAMP)
	$(BIN)/python -m pytest -q -m "not slow and not e2e"

# Cross-corpus evaluation of the detector: for each development corpus, train on the others and
# score that one. Needs the development data (DEVDATA, default ../shared/devdata; not shipped).
DEVDATA ?= ../shared/devdata
eval: $(STAMP)
	$(BIN)/python scripts/cross_corpus_eval.py --devdata $(DEVDATA)
# Property-based fuzzing of every importer (tests/fuzz_importers.py): FUZZ_MINUTES=10 by default.
FUZZ_MINUTES ?= 10
fuzz: $(TEST_STAMP)
	$(BIN)/python -m tests.fuzz_importers --minutes $(FUZZ_MINUTES)

bench: $(STAMP)
	$(BIN)/python -m bench

bench-quick: $(STAMP)
	$(BIN)/python -m bench --quick

# Air-gapped stations: `make wheelhouse` on a connected machine, carry the repo (with
# wheelhouse/) over, then `make install-offline` there. No network is used by the latter.
wheelhouse: $(STAMP)
	rm -rf wheelhouse && mkdir -p wheelhouse
	$(PIP) download --quiet -d wheelhouse -c $(CONSTRAINTS) -r requirements-all.txt
	$(PIP) download --quiet -d wheelhouse -c $(CONSTRAINTS) setuptools wheel
	@echo "wheelhouse/: $$(ls wheelhouse | wc -l) files"

install-offline:
	@test -d wheelhouse || { echo "no wheelhouse/ here: run 'make wheelhouse' on a connected machine first"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	PIP_CONFIG_FILE=/dev/null $(PIP) install --quiet --no-index --find-links wheelhouse -c $(CONSTRAINTS) -e .
	@touch $(STAMP)

# The encrypted keyring file backend for a station with no desktop keyring (see the README).
install-offline-postgres:
	PIP_CONFIG_FILE=/dev/null $(PIP) install --quiet --no-index --find-links wheelhouse -c $(CONSTRAINTS) \
	  -e '.[postgres]'

# PostgreSQL support (psycopg) on a connected station.
install-postgres: $(STAMP)
	$(PIP) install --quiet --disable-pip-version-check -c $(CONSTRAINTS) -e '.[postgres]'

install-offline-keyring:
	PIP_CONFIG_FILE=/dev/null $(PIP) install --quiet --no-index --find-links wheelhouse -c $(CONSTRAINTS) \
	  -e '.[encrypted-keyring]'


# Re-pin after changing dependencies in pyproject.toml.
lock:
	rm -rf .lockenv && $(PYTHON) -m venv .lockenv
	.lockenv/bin/pip install --quiet --disable-pip-version-check '.[test,encrypted-keyring]'
	.lockenv/bin/pip freeze --exclude triage-console | grep -v '^-e' > $(CONSTRAINTS)
	sed -e 's/[<>=!~;].*//' $(CONSTRAINTS) > requirements-all.txt
	rm -rf .lockenv

demo-data:
	$(PYTHON) data/demo/generate.py

snapshots: $(TEST_STAMP)
	$(BIN)/python -m pytest -q tests --snapshot-update -k snapshot

clean:
	rm -rf $(VENV) wheelhouse build *.egg-info .pytest_cache
