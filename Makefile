PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
INDEX ?= var/index
STAMP := $(VENV)/.installed

.PHONY: install test run index clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

test: $(STAMP)
	$(BIN)/pytest -q

index: $(STAMP)
	$(BIN)/minutes index --corpus corpus --index $(INDEX)

run: index
	$(BIN)/minutes serve --index $(INDEX) --host 127.0.0.1 --port $(PORT)

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) var test-artifacts
