"""Choosing an engine, and what every engine must keep exact across many small commits."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import with_pointer
from indexer.build import build_index
from indexer.cli import main
from indexer.query import Query
from indexer.results import results_to_dict
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
    with_pointer(index, engine_format=1)
    report = build_index(ROOT / "corpus", index)
    assert (report.rebuilt, report.new, json.loads((index / "CURRENT").read_text(encoding="utf-8"))["engine_format"]) == (
        True, 5, 4)  # 4: the words fields cut by their own tokenizer


# -- every engine's schema is the document declaration's (indexer/document.py) -----------------------

def test_the_whoosh_schema_has_exactly_the_declared_fields_of_their_kinds() -> None:
    from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT

    from indexer.document import FIELDS
    from indexer.engines.whoosh import make_schema

    schema = make_schema()
    kinds = {TEXT: "text", NUMERIC: "number", STORED: "stored"}
    found = {name: kinds.get(type(schema[name])) or (
        "words" if name == "vocabulary" else "keyword-multiple" if isinstance(schema[name], KEYWORD)
        else "keyword" if isinstance(schema[name], ID) else "?") for name in schema.names()}
    assert found == {field.name: "keyword-multiple" if field.kind == "keyword" and field.multiple else field.kind
                     for field in FIELDS}
    assert {name for name in schema.names() if schema[name].stored} == {
        field.name for field in FIELDS if field.stored or field.kind == "stored"}


def test_the_tantivy_schema_has_every_declared_field_and_a_column_for_each_single_valued_column() -> None:
    import tantivy

    from indexer.document import FIELDS, SINGLE_VALUED
    from indexer.engines.tantivy import make_schema

    schema = make_schema()
    value = {"number": 1, "stored": b"x"}  # a term of the field's type; a text term for the rest
    for field in FIELDS:  # a field the schema lacks, or of another type, is refused
        tantivy.Query.term_query(schema, field.name, value.get(field.kind, "x"))
    for field in FIELDS:
        if field.column and field.name in SINGLE_VALUED:
            tantivy.Query.term_query(schema, f"{field.name}_hash", 1)
    with pytest.raises(ValueError, match="is not defined in the schema"):
        tantivy.Query.term_query(schema, "no_such_field", "x")
