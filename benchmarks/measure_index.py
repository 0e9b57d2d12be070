"""Our /api/search on an index already built: bench.py's mix, in process (Flask test client) and over
HTTP (`minutes serve`), 20 repetitions each, p50/p95/p99 as bench.py computes them, and the server's
RSS. For an archive too large to run the whole benchmark in one sitting (the million-item figures in
the README: bench.py built the index, then this measured it).

Run: .venv/bin/python benchmarks/measure_index.py INDEX_DIR CORPUS_DIR > result.json
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import bench  # noqa: E402
from references import MixEntry, search_mix  # noqa: E402

REPEAT = 20
# Every repetition searched, as in bench.py: no answers kept per index state (indexer.search.AnswerCache).
os.environ["MINUTES_CACHED_SEARCHES"] = "0"


def timed(mix: list[MixEntry], search: Callable[[MixEntry], object]) -> dict:
    samples: list[float] = []
    per_query: dict[str, list[float]] = {}
    for _ in range(REPEAT):
        for entry in mix:
            started = time.perf_counter()
            search(entry)
            elapsed = time.perf_counter() - started
            samples.append(elapsed)
            per_query.setdefault(entry.name, []).append(elapsed)
    return {"latency_ms": bench.latency_summary(samples),
            "per_query_p50_ms": {name: round(statistics.median(values) * 1000, 2) for name, values in per_query.items()}}


def main(index: Path, corpus: Path) -> dict:
    from webui import create_app

    mix = search_mix(bench.pick_case_number(corpus))
    app = create_app(index)
    try:
        search = bench.flask_searcher(app)
        result = {"hits": {entry.name: bench.hits_of(search(entry)) for entry in mix},
                  "in_process": timed(mix, search)}
    finally:
        bench.close_app(app)
    server = bench.Server(index, Path(tempfile.gettempdir()) / "measure_index-serve.log")
    try:
        result["start_to_healthz_s"] = round(server.wait_healthy(600), 2)
        for entry in mix:
            server.search(entry)  # warm, as bench.py's untimed first round
        result["http"] = timed(mix, server.search)
        result["serve_memory_mb"] = server.memory_mb()
    finally:
        server.stop()
    return result


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]), Path(sys.argv[2])), indent=2))
