# The front door. `make` builds the site, `make serve` serves it, `make test` tests it.
# On a fresh machine these first create .venv and install what the project needs.
# One rule per figure (generated from the registry), so `make -j` renders in parallel and
# editing one figure module rebuilds only that figure.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := site
.DELETE_ON_ERROR:

ifeq ($(filter grouped-target,$(.FEATURES)),)
$(error GNU make 4.3 or newer is needed (this is $(MAKE_VERSION)): install it and run make again)
endif

PYTHON ?= python3
VENV := .venv
VENV_OK := $(VENV)/.installed
PY := $(VENV)/bin/python
DIAGRAM_GEN := $(PY) -m diagram_gen
FIGURE_DIR := docs/generated/figures
SITE_DATA := $(addprefix docs/generated/,numbers.json figures.json \
	snippets/colour-legend.md snippets/code-shapes.md snippets/output-sizes.md \
	snippets/dcgan-generator.md snippets/dcgan-discriminator.md)
PACKAGE_SOURCES = $(wildcard diagram_gen/*.py diagram_gen/figures/*.py)
RULES := build/figures.mk
SITE_STAMP := site/.built  # inside site/, so that deleting site/ rebuilds it
HOST ?= 127.0.0.1
PORT ?= 8000
export NO_MKDOCS_2_WARNING := 1

# What every figure goes through; the rest of a figure's sources come from its imports.
ENGINE_SOURCES := $(addprefix diagram_gen/,export.py registry.py cli.py)
DOCS_SOURCES = mkdocs.yml $(shell find docs docs_src hooks overrides -type f \
	-not -path 'docs/generated/*' -not -name '*.pyc' 2>/dev/null)

# Goals that must not create the virtual environment.
LIGHT_GOALS := help clean distclean
ifneq ($(filter-out $(LIGHT_GOALS),$(or $(MAKECMDGOALS),$(.DEFAULT_GOAL))),)
include $(RULES)
endif

.PHONY: help all figures site serve test lint format bench clean distclean constraints \
	check-dot

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | \
		awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'
	@echo "  Add -j to render figures in parallel, e.g. make -j4."

all: site ## the same as `make site`

$(VENV_OK): pyproject.toml constraints.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.10 or newer is missing: install python3 and run make again." >&2; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10))' || { echo "Python 3.10 or newer is needed (found $$($(PYTHON) --version 2>&1)): install it and run make again." >&2; exit 1; }
	@$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || { echo "Python's venv module is missing: install python3-venv and run make again." >&2; exit 1; }
	@echo "Creating $(VENV) and installing the pinned packages (once)..."
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]' \
		2>&1 | sed '/WARNING: Location .* is ignored/d'  # noise from this machine's pip.conf
	@touch $@

check-dot:
	@scripts/ensure-tool.sh dot graphviz Graphviz

# The folder is a prerequisite so that a new figure module gets its rule.
$(RULES): diagram_gen/registry.py diagram_gen/cli.py diagram_gen/figures | $(VENV_OK)
	@mkdir -p $(@D)
	$(DIAGRAM_GEN) make-rules --out $(FIGURE_DIR) > $@.$$$$.tmp && mv $@.$$$$.tmp $@

figures: $(FIGURE_FILES) $(SITE_DATA) ## render every figure and the numbers the pages quote

$(FIGURE_FILES): | check-dot

# The numbers, figure list and legend that the pages quote (diagram_gen/site_data.py).
$(SITE_DATA) &: $(addprefix diagram_gen/,site_data.py site_files.py examples.py dcgan.py training.py) \
		diagram_gen/layers.py diagram_gen/style.py benchmarks/data/cost-benchmark.json \
		$(RULES) | $(VENV_OK)
	$(DIAGRAM_GEN) site-data --out docs/generated

# The notebooks run the package at build time, so any package change rebuilds the site.
$(SITE_STAMP): $(FIGURE_FILES) $(SITE_DATA) $(DOCS_SOURCES) $(PACKAGE_SOURCES) | $(VENV_OK)
	$(VENV)/bin/mkdocs build --strict --quiet
	@mkdir -p $(@D) && touch $@

site: $(SITE_STAMP) ## build the website into site/ (the default goal)

serve: figures ## serve the site with live reload on http://127.0.0.1:8000
	$(VENV)/bin/mkdocs serve --strict --dev-addr $(HOST):$(PORT)

test: site lint ## run every test (layer math, figures, CLI, build) after building
	$(PY) -m pytest

lint: | $(VENV_OK) ## check code style with ruff
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: | $(VENV_OK) ## reformat the code with ruff
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: | $(VENV_OK) check-dot ## time the builds; measure three ways to convolve (commit the data)
	$(PY) benchmarks/bench.py
	$(PY) benchmarks/cost.py

constraints: ## re-pin the package versions in constraints.txt (needs the network)
	rm -rf build/constraints-venv
	$(PYTHON) -m venv build/constraints-venv
	build/constraints-venv/bin/pip install --quiet -e '.[dev]'
	{ sed -n '1,2p' constraints.txt; build/constraints-venv/bin/pip freeze --exclude-editable; } > constraints.txt.tmp
	mv constraints.txt.tmp constraints.txt

clean: ## remove generated figures, the site and build files (keeps .venv)
	rm -rf docs/generated site build .pytest_cache .hypothesis .ruff_cache

distclean: clean ## also remove the virtual environment
	rm -rf $(VENV) *.egg-info
