# Two commands set everything up on a fresh Debian machine:
#   make run   install what is missing, create the SQLite database with the catalogue and the
#              demo accounts, serve on 127.0.0.1:5000
#   make test  the same install plus the test tools, then ruff and the whole test suite
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 5000
# Debian packages: HarfBuzz's subsetter makes WeasyPrint embed small font subsets fast.
RUN_DEBS := libharfbuzz-subset0
# pdftotext/pdftoppm read PDFs back, zbarimg decodes QR codes, Chromium runs browser tests.
TEST_DEBS := poppler-utils zbar-tools chromium

.PHONY: run test install install-test lint format translations clean

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.app: pyproject.toml | $(PY)
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.test: pyproject.toml $(VENV)/.app
	$(PY) -m pip install -q -e ".[test]"
	touch $@

install: $(VENV)/.app
	@.ci/ensure-debs $(RUN_DEBS)

install-test: install $(VENV)/.test
	@.ci/ensure-debs $(TEST_DEBS)

run: install
	@$(VENV)/bin/onestop init --demo >/dev/null
	@if [ -f instance/demo-logins.txt ]; then \
	  echo "Demo logins (user, role, password):"; cat instance/demo-logins.txt; fi
	@echo "Serving on http://$(HOST):$(PORT)/"
	$(VENV)/bin/onestop serve --host $(HOST) --port $(PORT)

lint: $(VENV)/.test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

test: install-test lint
	$(PY) -m pytest
	# The deadline engine must not depend on the machine's time zone.
	@if [ -d tests/calendar ]; then \
	  TZ=UTC $(PY) -m pytest -q tests/calendar && \
	  TZ=Asia/Ho_Chi_Minh $(PY) -m pytest -q tests/calendar; fi

format: $(VENV)/.test
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# After changing user-facing text: extract, merge into the English catalogue, compile.
translations: $(VENV)/.app
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k N_ -o /tmp/onestop-messages.pot .
	$(VENV)/bin/pybabel update -i /tmp/onestop-messages.pot -d onestop/translations
	$(VENV)/bin/pybabel compile -d onestop/translations

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
