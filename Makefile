PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
INDEX ?= var/index
STAMP := $(VENV)/.installed

.PHONY: install test fuzz run index clean bench load replica-demo

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

test: $(STAMP)
	$(BIN)/pytest -q

fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz $(BIN)/pytest -q -m fuzz

index: $(STAMP)
	$(BIN)/minutes index --corpus corpus --index $(INDEX)

run: index
	$(BIN)/minutes serve --index $(INDEX) --host 127.0.0.1 --port $(PORT)

# Ours against tantivy and SQLite FTS5 at 1k/10k/100k generated items, results in benchmarks/results/
# (about 20 minutes on a 2-core machine, 12 of them the 100k build). BENCH_ARGS="--sizes 1000,10000"
# takes under 2 minutes, BENCH_ARGS=--quick seconds.
bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py $(BENCH_ARGS)

load: $(STAMP)
	$(BIN)/python benchmarks/load.py

# The PostgreSQL engine scaled out on loopback: a primary, a streaming replica (pg_basebackup), two
# `minutes serve` reading the replica; throughput of 1 and 2 servers and the lag until an update is
# searchable. Needs the Debian postgresql package. REPLICA_ARGS="--items 100000" for the README figures.
replica-demo: $(STAMP)
	$(BIN)/python benchmarks/replica.py $(REPLICA_ARGS)

clean:
	rm -rf $(VENV) var test-artifacts
