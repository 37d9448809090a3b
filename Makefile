# lossbook: two commands. `make test` runs every test; `make book` builds the site.
# Both create .venv and install requirements.txt first if needed.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: test book outputs serve clean help

help:
	@echo "make test     run unit tests, doctests and every notebook (nbval)"
	@echo "make book     build the website into _build/html (strict: warnings are errors)"
	@echo "make outputs  re-execute the notebooks in place (after changing a chapter)"
	@echo "make serve    preview _build/html at http://localhost:8000"
	@echo "make clean    remove _build/ (keeps .venv)"

$(STAMP): requirements.txt pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest

book: $(STAMP)
	$(BIN)/jupyter-book build . --warningiserror --nitpick --keep-going

outputs: $(STAMP)
	$(BIN)/python tools/execute.py

serve:
	$(PYTHON) -m http.server --directory _build/html 8000

clean:
	rm -rf _build
