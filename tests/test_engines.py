"""Choosing an engine, and what every engine must keep exact across many small commits."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from indexer.build import build_index
from indexer.cli import main
from indexer.query import Query, results_to_dict
from indexer.search import SearchIndex

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "corpus" / "hoeje-taastrup" / "direktionen").glob("*.txt"))


def engine_of(index: Path) -> str:
    return json.loads((index / "CURRENT").read_text(encoding="utf-8"))["engine"]


def test_the_engine_is_chosen_once_and_recorded_in_the_index(tmp_path) -> None:
    index = tmp_path / "index"
    runner = CliRunner()
    first = runner.invoke(main, ["index", "--corpus", str(ROOT / "corpus"), "--index", str(index), "--engine", "tantivy"])
    again = runner.invoke(main, ["index", "--corpus", str(ROOT / "corpus"), "--index", str(index)])
    assert (first.exit_code, engine_of(index), again.exit_code) == (0, "tantivy", 0)
    assert again.output.startswith("index updated: 0 new, 0 changed, 5 unchanged")  # kept, not rebuilt
    found = runner.invoke(main, ["search", "--index", str(index), "--json", "KMD"])
    assert sorted(hit["id"] for hit in json.loads(found.output)["hits"]) == [
        "hoeje-taastrup-direktionen-2014-08-26-3", "hoeje-taastrup-direktionen-2015-12-07-5", "hoeje-taastrup-direktionen-2017-12-04-6"]
    switched = runner.invoke(main, ["index", "--corpus", str(ROOT / "corpus"), "--index", str(index), "--engine", "whoosh"])
    assert (switched.output.startswith("index rebuilt: 5 new"), engine_of(index)) == (True, "whoosh")


def test_an_unknown_engine_is_refused_by_name(tmp_path) -> None:
    result = CliRunner().invoke(main, ["index", "--index", str(tmp_path / "index"), "--engine", "lucene"])
    assert result.exit_code == 2 and "'lucene' is not one of 'postgresql', 'tantivy', 'whoosh'" in result.output


def test_many_small_commits_answer_exactly_as_one_build(tmp_path, engine) -> None:
    # One file per commit, then a changed file and a removed one: the ids behind the facet bitmaps
    # must stay exact across segments, so every answer equals a build of the final folder at once.
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for seed in SEEDS:
        shutil.copy(seed, corpus / seed.name)
        build_index(corpus, tmp_path / "small", engine=engine)
    changed = corpus / "2016-11-30.txt"
    changed.write_text(changed.read_text(encoding="utf-8").replace("Budget", "Budgettet"), encoding="utf-8")
    build_index(corpus, tmp_path / "small", engine=engine)
    (corpus / "2017-12-04.txt").unlink()
    report = build_index(corpus, tmp_path / "small", engine=engine)
    assert (report.changed, report.removed, report.items) == (0, 1, 34)
    build_index(corpus, tmp_path / "whole", engine=engine, rebuild=True)
    small, whole = SearchIndex(tmp_path / "small"), SearchIndex(tmp_path / "whole")
    for text in ["", "KMD", "budget", "revisionsberetning", "14/32918", "-kmd", "budgettet"]:
        for sort in ("relevance", "newest"):
            query = Query(text=text, sort=sort, page_size=100)
            found, expected = results_to_dict(small.search(query)), results_to_dict(whole.search(query))
            if sort == "relevance":  # equal scores may tie-break by internal order: compare the sets
                for answer in (found, expected):
                    answer["hits"] = sorted(answer["hits"], key=lambda hit: hit["id"])
            assert found == expected, (text, sort)
    assert [item["id"] for item in small.case("14/32918")] == [item["id"] for item in whole.case("14/32918")]


def test_an_index_of_an_older_engine_format_is_rebuilt(tmp_path) -> None:
    index = tmp_path / "index"
    build_index(ROOT / "corpus", index, engine="tantivy")
    pointer = json.loads((index / "CURRENT").read_text(encoding="utf-8"))
    (index / "CURRENT").write_text(json.dumps({**pointer, "engine_format": 1}), encoding="utf-8")
    report = build_index(ROOT / "corpus", index)
    assert (report.rebuilt, report.new, json.loads((index / "CURRENT").read_text(encoding="utf-8"))["engine_format"]) == (
        True, 5, 3)
