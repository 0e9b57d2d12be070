"""Search latency of the one search API on a scaled copy of the corpus (each seed moved to many dates):
SearchIndex.search(Query) per query (parsing, facet counts, ranked page, snippets, suggestion), medians.
A quick look while working on the service; `make bench` (benchmarks/bench.py) is the full benchmark.
Run: python benchmarks/run.py --copies 40. `scaled_corpus` and `QUERIES` are shared with load.py.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer.build import build_index  # noqa: E402
from indexer.query import Query  # noqa: E402
from indexer.search import SearchIndex  # noqa: E402

QUERIES = ["", "revisionsberetning", "KMD", "14/32918", '"status på revisionsberetning"', "revision*",
           "oekonomiopfoelgning", "kmd -drift", "revisonsberetning", "budget 2018 godkendt"]


def scaled_corpus(target: Path, copies: int) -> None:
    seeds = sorted((ROOT / "corpus" / "hoeje-taastrup" / "direktionen").glob("*.txt"))
    day = date(1990, 1, 1)
    for copy in range(copies):
        for seed in seeds:
            text = seed.read_text(encoding="utf-8")
            original = seed.stem  # YYYY-MM-DD
            stamp = f"{original[8:10]}-{original[5:7]}-{original[:4]}"
            (target / f"{day.isoformat()}.txt").write_text(text.replace(stamp, day.strftime("%d-%m-%Y")),
                                                           encoding="utf-8")
            day += timedelta(days=3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=20, help="copies of the five seeds (9 items each, about)")
    parser.add_argument("--repeat", type=int, default=30, help="timed runs per query and side")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus, index = Path(tmp) / "corpus", Path(tmp) / "index"
        corpus.mkdir()
        scaled_corpus(corpus, args.copies)
        report = build_index(corpus, index)
        print(report.summary())
        search = SearchIndex(index)
        print(f"{'query':34} {'api ms':>8} {'hits':>6}")
        for text in QUERIES:
            search.search(Query(text=text))  # warm caches (prepared state, stems)
            api = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                results = search.search(Query(text=text))
                api.append(time.perf_counter() - started)
            print(f"{text or '(browse)':34} {statistics.median(api) * 1000:8.2f} {results.total:6}")
        search.close()

if __name__ == "__main__":
    main()
