"""The search-quality harness: the judged queries of judgments.toml against a real index of corpus/.

Per query and overall it reports recall (the share of the judged items found), precision (the share
of the hits that are judged items; 0 for a query that finds nothing) and nDCG@10 (the order of the
first ten hits against the ideal order of the grades: the word itself, 2, before compound parts, 1).
Overall figures are means over the queries. `make quality` runs it on every engine it can
(PostgreSQL when MINUTES_DATABASE_URL is set); tests/test_quality.py keeps the figures from falling.

    python tests/quality/harness.py [--engine whoosh] [--verbose]
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
JUDGMENTS = Path(__file__).with_name("judgments.toml")  # the set the analysis was tuned on
HELD_OUT = Path(__file__).with_name("heldout.toml")  # judged after tuning, never tuned on
CUTOFF = 10  # nDCG@10: the first page of hits
COMMITTEE = "hoeje-taastrup-direktionen-"  # judgments name items by meeting date and number; hits by committee too


@dataclass(frozen=True, slots=True)
class Judged:
    text: str
    kind: str
    grades: dict[str, int]  # item id (2014-08-26-3) -> 2 (the word itself) or 1 (only in compounds)


@dataclass(frozen=True, slots=True)
class Outcome:
    judged: Judged
    found: tuple[str, ...]  # item ids, in the order of the hits

    @property
    def recall(self) -> float:
        return len(set(self.found) & self.judged.grades.keys()) / len(self.judged.grades)

    @property
    def precision(self) -> float:
        return len(set(self.found) & self.judged.grades.keys()) / len(self.found) if self.found else 0.0

    @property
    def ndcg(self) -> float:
        ideal = sorted(self.judged.grades.values(), reverse=True)[:CUTOFF]
        best = discounted_gain(ideal)
        return discounted_gain(self.judged.grades.get(item, 0) for item in self.found[:CUTOFF]) / best

    @property
    def missed(self) -> list[str]:
        return sorted(self.judged.grades.keys() - set(self.found))

    @property
    def wrong(self) -> list[str]:
        return [item for item in self.found if item not in self.judged.grades]


def discounted_gain(grades: Iterable[int]) -> float:
    return sum((2 ** grade - 1) / math.log2(rank + 2) for rank, grade in enumerate(grades))


def load_judgments(path: Path = JUDGMENTS) -> list[Judged]:
    with open(path, "rb") as handle:
        queries = tomllib.load(handle)["query"]
    return [Judged(query["q"], query["kind"], {judged["item"]: judged["grade"] for judged in query["relevant"]})
            for query in queries]


def run(searcher, judged: list[Judged]) -> list[Outcome]:
    """Every judged query through the search service (`indexer.search.SearchIndex`), every hit."""
    from indexer.search import Query

    outcomes = []
    for query in judged:
        results = searcher.search(Query(text=query.text, page_size=100))
        assert results.total <= 100, f"{query.text}: more hits than one page holds"
        outcomes.append(Outcome(query, tuple(hit.id.removeprefix(COMMITTEE) for hit in results.hits)))
    return outcomes


@dataclass(frozen=True, slots=True)
class Summary:
    queries: int
    recall: float
    precision: float
    ndcg: float


def summarise(outcomes: list[Outcome]) -> Summary:
    count = len(outcomes)
    return Summary(count, sum(o.recall for o in outcomes) / count, sum(o.precision for o in outcomes) / count,
                   sum(o.ndcg for o in outcomes) / count)


def report(outcomes: list[Outcome], verbose: bool) -> str:
    lines = [f"{'query':<36} {'kind':<18} {'judged':>6} {'found':>5} {'recall':>6} {'prec.':>6} {'nDCG10':>6}"]
    for outcome in outcomes:
        judged = outcome.judged
        lines.append(f"{judged.text:<36} {judged.kind:<18} {len(judged.grades):>6} {len(outcome.found):>5} "
                     f"{outcome.recall:>6.2f} {outcome.precision:>6.2f} {outcome.ndcg:>6.2f}")
        if verbose and (outcome.missed or outcome.wrong):
            lines.append(f"{'':<4}missed: {', '.join(outcome.missed) or '-'}; not judged: {', '.join(outcome.wrong) or '-'}")
    lines.append("")
    kinds = dict.fromkeys(outcome.judged.kind for outcome in outcomes)
    for kind in (*kinds, None):
        chosen = [outcome for outcome in outcomes if kind is None or outcome.judged.kind == kind]
        summary = summarise(chosen)
        lines.append(f"{kind or 'all':<36} {'':<18} {summary.queries:>6} {'':>5} {summary.recall:>6.3f} "
                     f"{summary.precision:>6.3f} {summary.ndcg:>6.3f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(ROOT))
    from indexer.build import build_index
    from indexer.engines import ENGINES, get_engine
    from indexer.schema import current_generation
    from indexer.search import SearchIndex

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=sorted(ENGINES), default="whoosh")
    parser.add_argument("--judgments", type=Path, action="append",
                        help=f"a judged set (repeatable; default: {JUDGMENTS.name} and {HELD_OUT.name})")
    parser.add_argument("--verbose", action="store_true", help="list the missed and the unjudged hits per query")
    arguments = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as directory:
        index = Path(directory)
        try:
            build = build_index(ROOT / "corpus", index, engine=arguments.engine)
            if build.failed:
                print(f"corpus: {build.failed}", file=sys.stderr)
                return 1
            searcher = SearchIndex(index)
            try:
                for path in arguments.judgments or (JUDGMENTS, HELD_OUT):
                    outcomes = run(searcher, load_judgments(path))
                    print(f"engine {arguments.engine}: {len(outcomes)} judged queries of {path.name}\n")
                    print(report(outcomes, arguments.verbose) + "\n")
            finally:
                searcher.close()
        finally:
            engine = get_engine(arguments.engine)
            generation = current_generation(index)
            if generation is not None and hasattr(engine, "drop"):
                engine.drop(generation)  # a database engine's schema goes with the temporary index
    return 0


if __name__ == "__main__":
    sys.exit(main())
