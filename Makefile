# Two commands do everything on a fresh machine:
#   make demo   set up (venv + install) and run the demo: sample web -> build -> explorer
#   make test   set up and run the test suite
VENV ?= .venv
PY := $(VENV)/bin/python

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q -e ".[test]"
	touch $@

.PHONY: demo test lint
demo: $(VENV)/.installed
	$(VENV)/bin/scr demo

test: $(VENV)/.installed
	$(PY) -m pytest -q

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
