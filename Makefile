# Observatory: `make run` serves the platform on its embedded default; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
VENDOR := src/observatory/web/static/vendor
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run test lint fix bench docs assets clean init translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# `make run` installs the reports (PDF/DOCX downloads on area pages) and survey (.sav/.dta) extras, which are
# small; PySpark stays out of it.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[reports,survey]"
	touch $@

# The spark and reports extras too: the PySpark test (tests/indicators/test_spark.py) runs in `make test` and CI.
$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev,spark,reports,survey]"
	touch $(STAMP) $@

# Chart assets and the Natural Earth world map (world-atlas) come from the npm registry at build time and
# are served locally (no CDN).
$(VENDOR)/.stamp: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	mkdir -p $(VENDOR)
	cp node_modules/vega/build/vega.min.js node_modules/vega-lite/build/vega-lite.min.js \
	   node_modules/vega-embed/build/vega-embed.min.js $(VENDOR)/
	cp node_modules/world-atlas/countries-110m.json $(VENDOR)/
	touch $@

assets: $(VENDOR)/.stamp

# The interface's message catalogues (observatory.web.i18n): re-extract the marked strings of the web templates
# and modules into messages.pot and merge them into each language's messages.po (compiled in memory at run time).
LOCALE := src/observatory/web/locale
translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k gettext -k ngettext:1,2 --no-location --sort-output \
	   --project Observatory -o $(LOCALE)/messages.pot .
	for lang in fr es ru zh ar; do \
	   $(BIN)/pybabel update -i $(LOCALE)/messages.pot -d $(LOCALE) -l $$lang --init-missing \
	      --no-fuzzy-matching --ignore-obsolete --ignore-pot-creation-date || exit 1; \
	done

init: $(STAMP) assets
	$(BIN)/observatory init

run: init
	$(BIN)/observatory serve

lint: $(DEV_STAMP)
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/mypy

test: $(DEV_STAMP) assets lint
	$(BIN)/pytest -n auto

fix: $(DEV_STAMP)
	$(BIN)/ruff check --fix src tests benchmarks scripts
	$(BIN)/ruff format src tests benchmarks scripts

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/validation.py
	$(BIN)/python benchmarks/iccs_coder.py
	$(BIN)/python benchmarks/homicide_aggregates.py
	$(BIN)/python benchmarks/indicators.py
	$(BIN)/pip install --quiet -e ".[survey,bench]"
	$(BIN)/python benchmarks/surveys.py
	$(BIN)/python benchmarks/web_load.py

clean:
	rm -rf $(VENV) node_modules $(VENDOR) .pytest_cache .mypy_cache .ruff_cache
