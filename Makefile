# The front door. `make` builds the site, `make serve` serves it, `make test` tests it.
# On a fresh machine these first create .venv and install what the project needs.
# Every output has a rule (build/figures.mk, read from the registry) and the dependencies
# its last render found in its code; stale outputs are rendered by one process, in parallel.

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
#: pytest's worker processes (pytest-xdist): one per core; a test file stays in one worker.
TEST_WORKERS ?= auto
DIAGRAM_GEN := $(PY) -m diagram_gen
GENERATED := docs/generated
FIGURE_DIR := $(GENERATED)/figures
RULES := build/figures.mk
QUEUE := build/render-queue
RENDERED := build/rendered.stamp
SITE_STAMP := build/site.stamp
SLIDES := build/slides
DECK_THEMES := light dark
DECKS := $(foreach t,$(DECK_THEMES),$(SLIDES)/convolution-$(t).pptx $(SLIDES)/convolution-$(t).pdf)
# The decks the site offers for download, copied where MkDocs finds them.
SITE_DECKS := $(patsubst $(SLIDES)/%,$(GENERATED)/slides/%,$(DECKS))
DOCS_LIST := build/docs-files.txt
# The explorer's drawings (diagram_gen/explorer.py) and the dependency file they write.
EXPLORER_DIR := $(GENERATED)/explorer
EXPLORER := $(EXPLORER_DIR)/index.json
EXPLORER_DEPS := $(EXPLORER_DIR)/.deps/explorer.d
HOST ?= 127.0.0.1
PORT ?= 8000
export NO_MKDOCS_2_WARNING := 1

# Goals that must not create the virtual environment.
LIGHT_GOALS := help clean distclean
ifneq ($(filter-out $(LIGHT_GOALS),$(or $(MAKECMDGOALS),$(.DEFAULT_GOAL))),)
# The list of page sources, rewritten only when a file appears or goes, so that deleting
# a page rebuilds the site.
DOCS_FILES := $(sort $(shell find docs docs_src hooks overrides -type f \
	-not -path 'docs/generated/*' -not -name '*.pyc' 2>/dev/null))
$(shell mkdir -p build && printf '%s\n' $(DOCS_FILES) > $(DOCS_LIST).new && \
	{ cmp -s $(DOCS_LIST).new $(DOCS_LIST) && rm $(DOCS_LIST).new || mv $(DOCS_LIST).new $(DOCS_LIST); })
include $(RULES)
# What each output really depends on, written by its last render (diagram_gen/deps.py).
# Read with eval, not include: make must not try to remake them before reading them.
$(foreach d,$(wildcard $(FIGURE_DIR)/.deps/*.d $(EXPLORER_DEPS)),$(eval $(file < $(d))))
endif

.PHONY: help all figures slides site serve test lint format bench clean distclean constraints FORCE

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | \
		awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'
	@echo "  Figures render in parallel on every core (or make -jN's N)."

all: site ## the same as `make site`

$(VENV_OK): pyproject.toml constraints.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 or newer is missing: install python3 (3.11 or newer) and run make again." >&2; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11 or newer is needed, but $(PYTHON) is $$($(PYTHON) --version 2>&1 | sed 's/^Python //'): install Python 3.11 or newer (or run make PYTHON=python3.11) and run make again." >&2; exit 1; }
	@$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || { echo "Python's venv module is missing: install python3-venv and run make again." >&2; exit 1; }
	@echo "Creating $(VENV) and installing the pinned packages (once)..."
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev,frameworks]' \
		2>&1 | sed '/WARNING: Location .* is ignored/d'  # noise from this machine's pip.conf
	@touch $@

# Which outputs exist and how each is made, read from the registry without importing it;
# and the gallery's list of figures in reading order (rewritten only when it changes).
$(RULES): diagram_gen/deps.py diagram_gen/registry.py diagram_gen/presets.py \
		$(wildcard diagram_gen/figures/*.py) \
		| $(VENV_OK)
	@mkdir -p $(@D)
	@$(PY) -m diagram_gen.deps rules $(FIGURE_DIR) $(GENERATED) $(QUEUE) \
		$(GENERATED)/figures.json > $@.$$$$.tmp && mv $@.$$$$.tmp $@

$(GENERATED)/figures.json:
	@$(PY) -m diagram_gen.deps figure-list > $@.$$$$.tmp && mv $@.$$$$.tmp $@

# Each stale output's rule (in $(RULES)) only queues its figure; this renders the queue in
# one process that imports matplotlib once and renders in parallel (make's -j, or every
# core).
$(RENDERED): $(FIGURE_OUTPUTS) $(SITE_DATA) | $(VENV_OK)
	@scripts/ensure-tool.sh dot graphviz Graphviz
	@$(DIAGRAM_GEN) build --queue $(QUEUE) --out $(FIGURE_DIR) --site-data $(GENERATED)
	@touch $@

# The explorer's hundreds of small SVGs are written by Python directly, without
# matplotlib, in a process of their own (beside the renderer under make -j); rebuilt when a
# package file the explorer imports changed (its dependency file) or that file is missing.
$(EXPLORER) $(EXPLORER_DEPS) &: | $(VENV_OK)
	@$(PY) -m diagram_gen.explorer $(EXPLORER_DIR) $(EXPLORER_DEPS)

figures: $(RENDERED) $(GENERATED)/figures.json $(EXPLORER) ## render every figure, animation and number the pages use

# The lecture deck of one theme (PowerPoint and PDF, one process each, so make -j2 builds
# both themes at once). It reads the whole package and the measured data the cost figure
# plots; each figure's slide is kept in build/slides/.cache and drawn again only when
# the files that figure's code imports changed, so a rebuild redraws what changed and
# puts the deck together again.
$(SLIDES)/convolution-%.pptx $(SLIDES)/convolution-%.pdf: \
		$(wildcard diagram_gen/*.py diagram_gen/figures/*.py benchmarks/data/*.json) \
		| $(VENV_OK)
	@scripts/ensure-tool.sh dot graphviz Graphviz
	@$(DIAGRAM_GEN) deck --theme $* --cache $(@D)/.cache --out $(@D) > /dev/null

slides: $(DECKS) ## build the lecture as slides: build/slides/convolution-{light,dark}.{pptx,pdf}

$(GENERATED)/slides/%: $(SLIDES)/%
	@mkdir -p $(@D)
	@cp $< $@.$$$$.tmp && mv $@.$$$$.tmp $@

# A missing site is rebuilt even when its sources are older than the stamp.
ifeq ($(wildcard site/index.html),)
$(SITE_STAMP): FORCE
endif

# Pages change when their sources, the figures' captions or the numbers change; a figure
# whose image alone changed is copied into site/ without rebuilding the pages
# (diagram_gen/site_build.py decides, from the content of what the pages read).
$(SITE_STAMP): $(RENDERED) $(GENERATED)/figures.json $(EXPLORER) $(SITE_DECKS) mkdocs.yml \
		$(DOCS_FILES) $(DOCS_LIST) \
		$(wildcard diagram_gen/*.py diagram_gen/figures/*.py) | $(VENV_OK)
	@$(PY) -m diagram_gen.site_build
	@touch $@

site: $(SITE_STAMP) ## build the website into site/ (the default goal)

serve: figures ## serve the site; editing a page, a figure module or a hook reloads it
	DIAGRAM_GEN_SERVE=1 $(VENV)/bin/mkdocs serve --strict --dev-addr $(HOST):$(PORT) \
		--watch diagram_gen --watch docs_src --watch hooks --watch overrides

test: site lint ## run every test (layer math, figures, CLI, build) after building
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile

lint: | $(VENV_OK) ## check code style with ruff
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: | $(VENV_OK) ## reformat the code with ruff
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: | $(VENV_OK) ## time the builds; measure three ways to convolve (commit the data)
	@scripts/ensure-tool.sh dot graphviz Graphviz
	$(PY) benchmarks/bench.py
	$(PY) benchmarks/cost.py

constraints: ## re-pin the package versions in constraints.txt (needs the network)
	rm -rf build/constraints-venv
	$(PYTHON) -m venv build/constraints-venv
	build/constraints-venv/bin/pip install --quiet -e '.[dev,frameworks]'
	{ sed -n '1,2p' constraints.txt; build/constraints-venv/bin/pip freeze --exclude-editable; } > constraints.txt.tmp
	mv constraints.txt.tmp constraints.txt

clean: ## remove generated figures, the site and build files (keeps .venv)
	rm -rf docs/generated site build .pytest_cache .hypothesis .ruff_cache

distclean: clean ## also remove the virtual environment
	rm -rf $(VENV) *.egg-info
