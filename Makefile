# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: install demo test docs bench bench-accuracy clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall when the package metadata changes (entry points live there).
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/localoffer-audit demo --out demo-out

test: install
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

docs: install
	$(BIN)/python tools/gen_rule_docs.py

bench: install
	$(BIN)/python bench/crawl_speed.py

bench-accuracy: install
	$(BIN)/python bench/accuracy.py

clean:
	rm -rf $(VENV) demo-out *.egg-info .pytest_cache
