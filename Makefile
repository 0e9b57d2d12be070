PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
INDEX ?= var/index
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: install test fuzz run index clean bench load replica-demo quality

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Serving needs the package alone (make run); the tests also need their tools (pytest, Playwright,
# Hypothesis, schemathesis, reportlab), installed by make test only.
$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $(STAMP)

# axe-core (the browser tests' accessibility check) comes from the npm registry, when npm is here.
$(TEST_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e '.[test]'
	if command -v npm >/dev/null; then npm install --silent --no-save --no-audit --no-fund --prefix $(VENV)/node axe-core@4.14 \
	  || echo "axe-core not installed: the accessibility test will say it skipped"; fi
	touch $(TEST_STAMP)

install: $(STAMP)

test: $(TEST_STAMP)
	$(BIN)/pytest -q

fuzz: $(TEST_STAMP)
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

# Search quality: recall, precision and nDCG@10 of the judged queries in tests/quality/ (read from the
# minutes by people), per query and overall, on whoosh and tantivy, and PostgreSQL when
# MINUTES_DATABASE_URL is set. QUALITY_ARGS=--verbose lists each query's misses and unjudged hits.
quality: $(TEST_STAMP)
	$(BIN)/python tests/quality/harness.py --engine whoosh $(QUALITY_ARGS)
	$(BIN)/python tests/quality/harness.py --engine tantivy $(QUALITY_ARGS)
	@if [ -n "$$MINUTES_DATABASE_URL" ]; then $(BIN)/python tests/quality/harness.py --engine postgresql $(QUALITY_ARGS); \
	else echo "postgresql: not measured (MINUTES_DATABASE_URL unset)"; fi

load: $(STAMP)
	$(BIN)/python benchmarks/load.py

# The PostgreSQL engine scaled out on loopback: a primary, a streaming replica (pg_basebackup), two
# `minutes serve` reading the replica; throughput of 1 and 2 servers and the lag until an update is
# searchable. Needs the Debian postgresql package. REPLICA_ARGS="--items 100000" for the README figures.
replica-demo: $(STAMP)
	$(BIN)/python benchmarks/replica.py $(REPLICA_ARGS)

clean:
	rm -rf $(VENV) var test-artifacts
