# Two commands on a fresh machine:
#   make site   install Sunshine and build the sample site into site/
#   make test   install what the tests need (apt, pip, npm) and run every test
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
APT_PACKAGES := chromium fonts-wqy-microhei poppler-utils rsync nginx

.PHONY: site test install test-deps lint golden clean

site: install
	$(PY) build.py

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	$(PY) -m pip install -q --no-deps -e .
	touch $@

test-deps: install $(VENV)/.test-installed node_modules/.installed
	@command -v chromium >/dev/null && fc-list | grep -qi "wenquanyi\|wqy" && command -v pdftoppm >/dev/null \
	  && command -v rsync >/dev/null && command -v nginx >/dev/null || { \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APT_PACKAGES); }
	@command -v java >/dev/null || { mkdir -p /usr/share/man/man1 && apt-get update -qq \
	  && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends default-jre-headless; }

$(VENV)/.test-installed: requirements-test.txt $(VENV)/.installed
	$(PY) -m pip install -q -r requirements-test.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

lint: test-deps
	$(VENV)/bin/ruff check sunshine tests bench build.py
	$(VENV)/bin/mypy sunshine

test: test-deps lint
	$(PY) -m pytest -p no:cacheprovider tests

golden: install
	$(PY) -m pytest tests/golden --update-golden

clean:
	rm -rf site site-internal .cache
