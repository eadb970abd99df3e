# course_lib + lectures. Every target creates .venv on first use and is safe to run again.
#   make lab                 JupyterLab on lectures/ (prints the URL)
#   make test                the test suite (what CI runs), notebooks also under another seed family
#   make test-browser-more   exercise and lab notebooks driven in the browser, every static deck paged (CI's 2nd step)
#   COURSE_SEED_OFFSET=2 make test-notebooks    every notebook under nbval with seeds shifted by 2
#   make present NB=lectures/07_minimax_dynamics.ipynb    one notebook as a Voila dashboard, large fonts
#   make html                every notebook executed and exported to build/html/ (plays offline)
#   make slides              every lecture executed as a reveal.js deck in build/slides/ (offline, speaker notes)
#   make exercises           the student versions of lectures/exercises/ (solutions stubbed) in build/exercises/
#   make bench               the benchmarks of benchmarks/, each printing its ratios

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# The CPU build of torch is installed first, so that the project's torch range is already satisfied and
# pip pulls no CUDA build. On a laptop without a local wheel, add e.g.
#   TORCH_PIP_ARGS="--index-url https://download.pytorch.org/whl/cpu"
TORCH_SPEC     ?= torch==2.13.0
TORCH_PIP_ARGS ?=
PORT ?= 8888
NB   ?= lectures/00_welcome.ipynb
ROOT_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)
REVEAL := node_modules/reveal.js/dist/reveal.js
PYTEST_NB := --nbval-lax --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

.PHONY: lab test test-browser-more test-unit test-notebooks test-browser present html slides exercises bench browser-deps slides-deps clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -c "import torch" 2>/dev/null || $(PY) -m pip install --quiet $(TORCH_PIP_ARGS) "$(TORCH_SPEC)"
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

# Debian's chromium for the real-browser test (no browser download). Needs root and apt-get; elsewhere
# the browser test skips with a one-line reason (under CI=true it fails instead).
browser-deps:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core \
	    >/dev/null) || echo "could not install chromium: the browser test will say why"; \
	else echo "chromium not installed and no root: the browser test will be skipped"; fi

# JupyterLab with the course's settings (assets/jupyter: RISE's white theme, no web fonts, tall slides
# scroll).
lab: $(STAMP)
	JUPYTER_CONFIG_PATH="$(CURDIR)/assets/jupyter" $(VENV)/bin/jupyter lab --notebook-dir=lectures --ip=127.0.0.1 --port=$(PORT) $(ROOT_FLAG) $(LAB_ARGS)

# The notebooks run twice: as stored (seed offset 0) and with every seed shifted by 1. nbval compares
# only claims and verdicts (measured values are sanitized away), so the second run fails exactly when a
# claim depends on the seed, i.e. would not hold on a student's machine.
test: $(STAMP) browser-deps slides-deps
	$(PY) -m pytest tests lectures $(PYTEST_NB) -m "not browser_more" $(PYTEST_ARGS)
	COURSE_SEED_OFFSET=1 $(PY) -m pytest lectures $(PYTEST_NB) $(PYTEST_ARGS)

# The rest of the real-browser suite (the exercise and lab notebooks run in JupyterLab, every control
# moved): CI runs it after `make test` (.ci/run).
test-browser-more: $(STAMP) browser-deps slides-deps
	$(PY) -m pytest tests/browser -m browser_more $(PYTEST_ARGS)

test-unit: $(STAMP)
	$(PY) -m pytest tests -m "not browser" $(PYTEST_ARGS)

test-notebooks: $(STAMP)
	$(PY) -m pytest lectures $(PYTEST_NB) $(PYTEST_ARGS)

test-browser: $(STAMP) browser-deps slides-deps
	$(PY) -m pytest tests/browser $(PYTEST_ARGS)

# Voila with the course's page template and settings (assets/jupyter: no CDN request, the lab-only
# extensions left out); NB may also be a folder (a list of dashboards).
present: $(STAMP)
	COURSE_PRESENTATION=1 COURSE_DASHBOARD=1 JUPYTER_PATH="$(CURDIR)/assets/jupyter" JUPYTER_CONFIG_PATH="$(CURDIR)/assets/jupyter" \
	  $(VENV)/bin/voila "$(NB)" --port=$(PORT) --Voila.ip=127.0.0.1 $(VOILA_ARGS)

html: $(STAMP)
	$(PY) tools/export_html.py lectures build/html

# reveal.js for the static decks, from the npm package pinned in package.json/package-lock.json (no CDN);
# npm ci reinstalls it only when those files change.
$(REVEAL): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "make slides needs npm (Node.js) to install reveal.js"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $(REVEAL)

# reveal.js for the static-deck browser test; without npm that test says why it is skipped.
slides-deps:
	@command -v npm >/dev/null 2>&1 && $(MAKE) -s $(REVEAL) || \
	  echo "npm not installed: the static-deck browser test will be skipped"

# Each lecture as a reveal.js deck (build/slides/NN_topic.slides.html): executed, code hidden, speaker
# notes on S, animations and math offline (tools/export_slides.py).
slides: $(STAMP) $(REVEAL)
	$(PY) tools/export_slides.py lectures build/slides

# The notebooks an instructor hands out: every solution between nbgrader's markers replaced by a stub.
exercises: $(STAMP)
	$(PY) tools/exercises.py lectures/exercises build/exercises

# The references the benchmarks compare against: torchattacks declares torchvision (a multi-GB CUDA
# build, and it does not import beside the CPU torch) but its PGD does not use it, hence --no-deps.
bench: $(STAMP)
	$(PY) -m pip install --quiet --no-deps torchattacks==3.5.1
	$(PY) -m pip install --quiet pyautoattack
	@for b in benchmarks/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf build .pytest_cache
