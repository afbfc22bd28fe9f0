# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
BROWSER_STAMP := $(VENV)/.browser-stamp
BENCH_STAMP := $(VENV)/.bench-stamp
# The browser tests (tests/test_report_browser.py, tests/test_a11y_engine.py) and the optional
# real-browser engine (--a11y-engine axe) drive Debian's Chromium with Playwright and run axe-core
# (bundled in axe-playwright-python): the `browser` extra in pyproject.toml. Playwright never
# downloads a browser here.
PYTEST_ARGS ?=

.PHONY: install browser-deps redis-deps bench-deps demo test docs bench bench-accuracy bench-report \
	bench-gds bench-incremental bench-distributed clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall when the package metadata changes (entry points live there).
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

$(BROWSER_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,browser]'
	touch $(BROWSER_STAMP)

# Chromium comes from Debian (apt) when we are root; otherwise the browser tests skip and say so.
browser-deps: $(BROWSER_STAMP)
	@if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Debian's chromium for the browser tests"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends chromium >/dev/null) \
		|| echo "warning: could not install chromium: the browser tests will skip"; \
	else \
		echo "note: chromium is not installed and this is not root: the browser tests will skip"; \
	fi

# redis-server for the --distributed tests (tests/test_distributed.py) comes from Debian (apt)
# when we are root; otherwise those tests skip and say so.
redis-deps:
	@if command -v redis-server >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Debian's redis-server for the distributed-crawl tests"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends redis-server >/dev/null) \
		|| echo "warning: could not install redis-server: the distributed tests will skip"; \
	else \
		echo "note: redis-server is not installed and this is not root: the distributed tests will skip"; \
	fi

demo: install
	$(BIN)/localoffer-audit demo --out demo-out

test: install browser-deps redis-deps
	$(BIN)/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

docs: install
	$(BIN)/python tools/gen_rule_docs.py

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	touch $(BENCH_STAMP)

# The speed benchmark: nginx (static demo site), wrk and /usr/bin/time come from Debian; the
# peers (LinkChecker, lychee) from PyPI through the `bench` extra. About 15 minutes.
bench-deps: $(BENCH_STAMP)
	@missing=""; \
	[ -x /usr/sbin/nginx ] || missing="$$missing nginx"; \
	command -v wrk >/dev/null 2>&1 || missing="$$missing wrk"; \
	[ -x /usr/bin/time ] || missing="$$missing time"; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "Installing Debian's$$missing for the benchmark"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
				--no-install-recommends $$missing >/dev/null; \
		else echo "error: make bench needs$$missing (apt-get install$$missing)"; exit 2; fi; \
	fi

bench: bench-deps
	$(BIN)/python bench/crawl_speed.py

bench-accuracy: install
	$(BIN)/python bench/accuracy.py

bench-report: install
	$(BIN)/python bench/report_scale.py

bench-gds: install
	$(BIN)/python bench/gds_audit.py

# Incremental re-audit of an unchanged demo site: wall time and bytes against the first run.
bench-incremental: install
	$(BIN)/python bench/incremental.py

# The crawl on scrapy-redis: one process against two workers (needs redis-server: redis-deps).
bench-distributed: install redis-deps
	$(BIN)/python bench/distributed.py

clean:
	rm -rf $(VENV) demo-out *.egg-info .pytest_cache tests/actual
