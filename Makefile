# lossbook: two commands. `make test` runs every test; `make book` builds the site.
# Both create .venv and install requirements.txt first if needed.
# `make site-test` then proves the built site in headless Chromium (tests_site/).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: test book site-test mathjax student book-nosolutions outputs serve clean help

help:
	@echo "make test     run unit tests, doctests and every notebook (nbval)"
	@echo "make book     build the website into _build/html (strict: warnings are errors)"
	@echo "make site-test  build the website and test it in headless Chromium (tests_site/)"
	@echo "make student  write the student edition into student/ (solutions removed, stubs in place) and check it runs"
	@echo "make book-nosolutions  build the website without solutions into _build/nosolutions/_build/html"
	@echo "make outputs  re-execute the notebooks in place (after changing a chapter)"
	@echo "make serve    preview _build/html at http://localhost:8000"
	@echo "make clean    remove _build/ (keeps .venv)"

$(STAMP): requirements.txt pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest

book: $(STAMP) mathjax
	$(BIN)/jupyter-book build . --warningiserror --nitpick --keep-going

# MathJax is served with the site, not from a CDN (pinned; fetched once with npm).
mathjax: $(STAMP)
	$(BIN)/python tools/fetch_mathjax.py

# Browser tests of the built site: Debian's chromium at /usr/bin/chromium
# (CHROMIUM=... to use another), driven by Playwright; never downloads a browser.
site-test: book
	$(BIN)/python -m pytest tests_site

# The classroom kit: tools/student.py (its docstring and instructor.md explain it).
student: $(STAMP)
	$(BIN)/python tools/student.py

book-nosolutions: $(STAMP) mathjax
	$(BIN)/python tools/student.py --site

outputs: $(STAMP)
	$(BIN)/python tools/execute.py

serve:
	$(PYTHON) -m http.server --directory _build/html 8000

clean:
	rm -rf _build
