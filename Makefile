# Two commands: `make run` (the dashboard on the demo data) and `make test` (every test, browser included).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: run test test-fast test-deep bench demo check chromium nginx systemd bundle install-offline clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# Listens on this machine only; ADDRESS=0.0.0.0 (or a server's address) opens it to the network, which needs
# sign-in configured (README: «Вход и права»): without it the dashboard shows data on 127.0.0.1 only.
ADDRESS ?= 127.0.0.1

run: $(VENV)/.installed
	$(PY) -m kuban serve --server.port $(PORT) --server.address $(ADDRESS)

# Debian's Chromium for the browser tests and the pictures of «Справка» (never `playwright install` on the closed
# network); elsewhere, without root, fall back to Playwright's own browser. Chromium draws chart text with the
# system's fonts: fonts-dejavu-core gives Cyrillic (installed too when no font with Cyrillic is there).
chromium:
	@if [ -n "$$KUBAN_CHROMIUM" ] || command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null; \
	else $(PY) -m playwright install chromium; fi
	@if command -v fc-list >/dev/null 2>&1 && [ -z "$$(fc-list :lang=ru family)" ]; then \
		if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends fonts-dejavu-core >/dev/null; \
		else echo "No font with Cyrillic letters: install one (e.g. fonts-dejavu-core) for the pictures of «Справка»." >&2; fi; \
	fi

# Debian's nginx for `python -m kuban serve --workers N` (several processes behind a proxy) and its tests.
nginx:
	@if [ -n "$$KUBAN_NGINX" ] || command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light >/dev/null; \
	else echo "nginx is needed for serve --workers and its tests: apt-get install nginx-light" >&2; exit 1; fi

# systemd-analyze, which checks deploy/kuban.service in the tests (Debian's systemd package; it is not started).
systemd:
	@if command -v systemd-analyze >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends systemd >/dev/null; \
	else echo "systemd-analyze is needed for the test of deploy/kuban.service: apt-get install systemd" >&2; exit 1; fi

# Functions, queries and pages (AppTest) on both cores, then the browser layer (one server, one Chromium).
test: $(VENV)/.dev-installed chromium nginx systemd
	$(PY) -m pytest -m "not browser" -n 2
	$(PY) -m pytest -m browser

# Without the browser layer (quick feedback while coding).
test-fast: $(VENV)/.dev-installed
	$(PY) -m pytest -m "not browser"

# Every query against its naive oracle (tests/oracle/) on many more random data sets and filters than
# `make test` tries (25 per group): run it before larger changes to the queries. KUBAN_ORACLE_SEED=N draws others.
test-deep: $(VENV)/.dev-installed
	KUBAN_ORACLE_EXAMPLES=$${KUBAN_ORACLE_EXAMPLES:-500} $(PY) -m pytest tests/model/test_differential.py -n 2

# Load, restart, peak memory and a filter change on every page, 10 million rows per fact table, against a plain
# pandas dashboard (kuban/tools/bench/). Quicker: make bench BENCH_ARGS="--rows 1000000 --keep /tmp/kuban-bench";
# many viewers at once: make bench BENCH_ARGS="--sessions 20 --seconds 60" (Streamlit's websocket protocol;
# add --client chromium for Chromium pages).
bench: $(VENV)/.dev-installed
	$(PY) -m kuban bench $(BENCH_ARGS)

# The offline bundle (kuban/tools/bundle.py): the project, wheels of every requirement for Linux x86-64 and each
# supported Python, the Debian packages to bring, install-offline.sh. Made where the package index is reachable;
# PYTHONS="3.11" for one version only.
PYTHONS ?=
bundle: $(VENV)/.installed
	$(PY) -m kuban bundle --out dist $(foreach v,$(PYTHONS),--python $(v))

# On the server, in the unpacked bundle: .venv from wheels/ with no network (pip --no-index); `make run` after it
# asks the index for nothing.
install-offline:
	PYTHON=$(PYTHON) sh install-offline.sh

demo: $(VENV)/.installed
	$(PY) -m kuban demo --out data

check: $(VENV)/.installed
	$(PY) -m kuban check

clean:
	rm -rf $(VENV) test-results .pytest_cache
