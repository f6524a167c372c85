# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DB ?= instance/backlight.db
HOST ?= 127.0.0.1
PORT ?= 8000
## test workers (pytest-xdist): most tests wait on a server, a browser or Xvfb,
## so two share two cores well; each worker starts its own servers
TEST_JOBS ?= 2

.PHONY: run test lint bench clean packages screenshots
PACKAGE_VERSION ?=

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

## make run: install, fill a demo database if empty, serve on http://127.0.0.1:8000
## (serve prints the URL it bound; a busy port is one line: make run PORT=8001)
run: $(STAMP)
	mkdir -p $(dir $(DB))
	$(BIN)/backlight-collector demo --db $(DB) --if-empty --url http://$(HOST):$(PORT)
	@cat $(dir $(DB))demo-credentials.txt 2>/dev/null || true
	$(BIN)/backlight-collector serve --db $(DB) --host $(HOST) --port $(PORT)

## make test: install (system packages too, when allowed), lint, run the whole suite
test: $(STAMP)
	bash scripts/system-deps.sh
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n $(TEST_JOBS) --dist loadscope --durations=15

## make screenshots: rerun the browser and tray tests, writing docs/screenshots/
screenshots: $(STAMP)
	bash scripts/system-deps.sh
	BACKLIGHT_UPDATE_SCREENSHOTS=1 $(BIN)/python -m pytest -m 'browser or x11' tests/collector/dashboard tests/collector/admin tests/agent/tray

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## make bench: the benchmarks in benchmarks/, each against its baseline
bench: $(STAMP)
	bash scripts/system-deps.sh
	$(BIN)/python benchmarks/ingest.py
	$(BIN)/python benchmarks/agent_footprint.py

## make packages [PACKAGE_VERSION=X.Y.Z]: every package that builds here, into dist/
packages: $(STAMP)
	$(BIN)/python -m installer --out dist $(if $(PACKAGE_VERSION),--version $(PACKAGE_VERSION))

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache
