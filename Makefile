# The two commands a newcomer needs: `make run` and `make test`. Both install what they need first.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin

.PHONY: install run test faults bench screenshots clean

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	@$(PYTHON) --version >/dev/null 2>&1 || { echo "Python 3.11 is needed: install python3.11 (Debian: apt-get install python3.11 python3.11-venv)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	@touch $@

# The pages' stylesheets and scripts, Swagger UI, and axe-core for the tests: exactly package-lock.json.
node_modules/.installed: package.json package-lock.json
	@command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || { echo "Node.js and npm are needed for the web app's assets: install them (Debian: apt-get install nodejs npm)"; exit 1; }
	npm ci --ignore-scripts --no-audit --no-fund
	@touch $@

run: install
	$(BIN)/overdracht dev

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	sh scripts/ensure-chromium.sh
	$(BIN)/pytest

# The fault suite at full size (tests/faults/; figures in docs/reliability.md): the service's pieces as
# separate processes, each killed in turn while clients work. `make test` runs it shortened.
faults: install
	$(BIN)/python -m tests.faults.run

# The benchmarks (bench/; figures in docs/performance.md): each starts its own stack with the demo data.
# Every scenario runs even when one before it misses a goal; the target fails if any did.
bench: install
	@status=0; \
	for scenario in pages api_processes imports formulier footprint queries; do \
		$(BIN)/python -m bench.$$scenario || status=1; \
	done; \
	exit $$status

# The README's pictures of each role's page, taken by the browser tests as they walk the flows.
screenshots: install
	sh scripts/ensure-chromium.sh
	OVERDRACHT_SCREENSHOTS=docs/screenshots $(BIN)/pytest -q tests/test_web_flow_browser.py tests/test_web_pm_browser.py tests/test_web_onboarding_browser.py

clean:
	rm -rf $(VENV) .data node_modules
