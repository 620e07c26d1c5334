# mus-alliance: everything a user needs goes through these targets (see README.md).
SHELL := /bin/bash
VENV  ?= .venv
BIN   := $(VENV)/bin
PY    := $(BIN)/python
# The repo's .python-version makes pyenv's python3 resolve to 3.12; fall back to any python3.12 on PATH.
PYTHON ?= $(shell (pyenv which python3 2>/dev/null) || command -v python3.12 || command -v python3)
ASSETS := .cache/solara-assets
export SOLARA_ASSETS_PROXY_CACHE_DIR := $(abspath $(ASSETS))
export SOLARA_TELEMETRY_MIXPANEL_ENABLE := false
export SOLARA_THEME_SHOW_BANNER := false
export MPLBACKEND := Agg

.PHONY: demo test test-fast test-dashboard bench mutate dashboard workshop install assets chromium clean worlds

$(BIN)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "mus-alliance needs Python >= 3.12 (found %s); install it with pyenv" % sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

install: $(BIN)/.installed

# Offline copy of the front-end files Solara would fetch from a CDN (built from the npm registry).
$(ASSETS)/.complete: dashboard/assets.py | $(BIN)/.installed
	$(PY) -m dashboard.assets $(ASSETS)

assets: $(ASSETS)/.complete

# Debian's Chromium for the real-browser tests (Playwright drives it through executable_path).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi; }

demo: install
	$(BIN)/mus-alliance run configs/baseline.toml --out results/baseline
	rm -rf results/sweeps/demo   # a study folder resumes; a changed model would make it refuse the old one
	$(BIN)/mus-alliance sweep configs/sweeps/demo.toml --out results/sweeps/demo
	$(BIN)/mus-alliance compare business-as-usual light-touch facilitation-heavy pilot-heavy \
	    policy-first-top-down community-first-bottom-up --replicates 20 --budget 1300 --out results/compare/demo
	@echo; echo "Demo results:"; echo "  results/baseline/outcomes.png  (default scenario)"; \
	  ls results/sweeps/demo/figures/*.png | sed 's/^/  /'; echo "  results/compare/demo/report.html  (funders' comparison)"

# Rebuild the shipped plausible worlds (configs/worlds/default.parquet) on the current model: a fresh
# calibration of configs/calibration/default.toml, its worlds exported in place (configs/worlds/README.md).
worlds: install
	rm -rf results/calibration/default   # a calibration folder resumes, and refuses a changed model
	$(BIN)/mus-alliance calibrate configs/calibration/default.toml --out results/calibration/default \
	    --no-progress --export-worlds configs/worlds/default.parquet

# The whole suite: everything but the browser on both cores, then the real-browser tests alone, so that their
# response-time checks (Play/Pause answered within 0.5 s) measure the dashboard, not a busy machine.
test: install assets chromium
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q -m "not browser"
	$(BIN)/python -m pytest -q -m browser

# The quick tier for your own loop: model, CLI, registry and engine tests, no statistics over whole runs, no
# dashboard (its own loop is `make test-dashboard`).
test-fast: install assets
	$(BIN)/python -m pytest -m "not slow and not browser" --ignore=tests/dashboard -n 2 -q

# Every contender measured in interleaved rounds, median and range, ratios within a round (benchmarks/README.md);
# ~5 min on a busy machine. QUICK=1: the model and runner table only, fewer rounds (~1-2 min).
# BATCHED=module:function plugs in a batched runner beside one-at-a-time execution.
bench: install
	$(BIN)/python -m benchmarks $(if $(QUICK),--quick) $(if $(BATCHED),--batched $(BATCHED))

# Deliberate breaks of central behaviours, each run against the tests that should catch it; prints a table
# (tests/mutation/mutate.py; minutes; not part of `make test`). `make mutate K=equity` runs a subset.
mutate: install
	$(BIN)/python -m tests.mutation.mutate $(if $(K),-k "$(K)")

# Production mode: no development checks that contact solara.dev, no file watcher; Ctrl-C stops it at once.
dashboard: install assets
	$(BIN)/solara run dashboard/app.py --production --host 127.0.0.1 --port 8765 --no-open

# A role-play workshop: the same dashboard, trainees open /play. It serves this machine only unless the trainer
# asks for the room (`make workshop HOST=0.0.0.0`); the workshop's join code is then the access check.
HOST ?= 127.0.0.1
PORT ?= 8765
workshop: install assets
	MUS_WORKSHOP_HOST=$(HOST) MUS_WORKSHOP_PORT=$(PORT) \
	  $(BIN)/solara run dashboard/app.py --production --host $(HOST) --port $(PORT) --no-open

clean:
	rm -rf $(VENV) .cache build *.egg-info

# The dashboard's fast and real-browser tests only (also part of `make test`).
test-dashboard: install assets chromium
	$(BIN)/python -m pytest tests/dashboard tests/browser -n 2 --dist loadgroup -q
