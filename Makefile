# The two front-door commands: `make qa` and `make test`. Each sets itself up on first use:
# a virtual environment with the Python packages, the pinned Allure 3 from npm and, for the
# test that opens the rendered report, Debian's chromium.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
NODE_INSTALLED := node_modules/.installed
RESULTS := reports/allure-results
# Extra pytest options for the checklist, e.g. make qa QA_ARGS="--sync-engine harness.engine.broken:no_write_back"
QA_ARGS ?=
REPORT := reports/allure-report

.PHONY: qa test setup chromium clean

setup: $(INSTALLED) $(NODE_INSTALLED)

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

$(NODE_INSTALLED): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

chromium:
	@scripts/ensure-chromium >/dev/null

# The checklist on the embedded fakes, the Allure report, and the sign-off summary. The run's
# verdict is the gate's: it fails when a checklist scenario failed or did not run. History in
# reports/history.jsonl is kept across runs, so the report shows trends.
# `allure run` watches the results as the checklist writes them and renders the report at the
# end, with its Quality Gates tab showing the sign-off verdict (allurerc.mjs); its own exit code
# is the gate's, which the last line gives again with the reasons.
qa: $(INSTALLED) $(NODE_INSTALLED)
	@rm -rf $(RESULTS) $(REPORT)
	@mkdir -p $(RESULTS)
	-@npx --no-install allure run --results-dir $(RESULTS) -- sh -c '$(BIN)/pytest features/ -q --alluredir=$(RESULTS) $(QA_ARGS); $(BIN)/talkqa signoff --results $(RESULTS) --markdown reports/signoff.md --attach --quiet' > reports/allure-run.log 2>&1; grep -aE '[0-9]+ (passed|failed|error)|^ERROR|^Exit' reports/allure-run.log | tail -3
	@$(BIN)/talkqa signoff --results $(RESULTS) --gate --report $(REPORT)/index.html

# The gates first (seconds each): lint, format, strict types of the library and the steps.
test: $(INSTALLED) $(NODE_INSTALLED) chromium
	$(BIN)/ruff check harness steps tests features
	$(BIN)/ruff format --check harness steps tests features
	$(BIN)/mypy --strict harness steps
	$(BIN)/talkqa features check
	$(BIN)/talkqa fidelity fixtures/cassettes
	$(BIN)/pytest -n 2 --dist worksteal -q

clean:
	rm -rf reports .pytest_cache
