"""The facet declarations (indexer/facets.py) are the one place a facet is described: everything that
names facets takes them from there."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from indexer.cli import main
from indexer.facets import FACETS, FACETS_BY_NAME, QueryError
from indexer.query import Query
from indexer.engines.whoosh import make_schema
from indexer.schema import FACET_FIELDS
from webui.openapi import openapi_document
from webui.state import FACET_NAMES, PARAMS

NAMES = ["municipality", "committee", "year", "decision", "case", "vote", "against", "centre"]  # display order


def test_every_place_that_names_facets_takes_them_from_the_declarations() -> None:
    assert [facet.name for facet in FACETS] == NAMES
    assert list(FACET_FIELDS) == NAMES and all(field in make_schema().names() for field in FACET_FIELDS.values())
    assert [name for name in PARAMS if name in FACET_NAMES] == NAMES
    document = openapi_document()
    for path in ("/api/search", "/feed"):
        names = [p["name"] for p in document["paths"][path]["get"]["parameters"]]
        assert [name for name in names if name in FACETS_BY_NAME] == NAMES, path
    options = [param.name for param in main.commands["search"].params]
    assert [name for name in options if name in FACETS_BY_NAME] == NAMES


def test_search_json_has_every_facet_but_a_committee_of_one(searcher) -> None:
    assert list(searcher.search(Query()).facets) == ["year", "decision", "case", "centre"]


@pytest.mark.parametrize("facet, value, reason", [
    ("year", "18", "'18' er ikke et årstal"),
    ("year", "²⁰¹⁸", "'²⁰¹⁸' er ikke et årstal"),
    ("case", "14/32918 OR 1", "'14/32918 OR 1' er ikke et sagsnummer (fx 14/32918)"),
    ("decision", "vedtaget", "ukendt beslutningstype 'vedtaget'"),
])
def test_a_value_a_facet_cannot_hold_is_refused_naming_the_parameter(facet, value, reason) -> None:
    with pytest.raises(QueryError) as raised:
        FACETS_BY_NAME[facet].check([value])
    assert (raised.value.param, raised.value.reason) == (facet, reason)


def test_decision_values_with_equal_counts_keep_the_declared_order() -> None:
    decision = FACETS_BY_NAME["decision"]
    values = sorted([("udskudt", 2), ("godkendt", 2), ("afvist", 5)], key=lambda pair: decision.sort_key(*pair))
    assert values == [("afvist", 5), ("godkendt", 2), ("udskudt", 2)]


def test_years_are_newest_first_whatever_their_counts() -> None:
    year = FACETS_BY_NAME["year"]
    assert sorted([("2014", 7), ("2018", 1), ("2016", 9)], key=lambda pair: year.sort_key(*pair)) == [
        ("2018", 1), ("2016", 9), ("2014", 7)]


def test_cli_search_has_a_committee_filter(index_dir) -> None:
    def total(*args: str) -> str:
        result = CliRunner().invoke(main, ["search", "--index", str(index_dir), *args])
        return result.output.splitlines()[0].split(" punkter")[0]

    assert (total("--committee", "Direktionen"), total("--committee", "Byrådet")) == ("44", "0")


def test_a_facet_that_fails_is_reported_not_shown_empty(searcher, monkeypatch) -> None:
    import dataclasses

    import indexer.search

    def broken(value: str) -> str:
        raise RuntimeError("label lookup failed")

    facets = tuple(dataclasses.replace(f, value_label=broken) if f.name == "centre" else f for f in FACETS)
    monkeypatch.setattr(indexer.search, "FACETS", facets)
    results = searcher.search(Query(text="KMD"))
    assert (list(results.facets), results.total) == (["year", "decision", "case"], 3)
    assert results.notice == "Afgrænsningen efter center kunne ikke tælles og vises ikke."


def test_the_case_facet_shows_the_ten_most_frequent_and_a_selected_one_beyond_them(searcher) -> None:
    from collections import Counter
    from pathlib import Path

    from indexer.load import load_meeting

    corpus = Path(__file__).resolve().parent.parent / "corpus" / "hoeje-taastrup" / "direktionen"
    cases = Counter(item.case_number for path in sorted(corpus.glob("*.txt"))
                    for item in load_meeting(path).items if item.case_number)
    ranked = sorted(cases.items(), key=lambda pair: (-pair[1], pair[0]))
    assert len(ranked) > 11  # the facet must be cut for this test to say anything
    beyond = ranked[-1][0]
    results = searcher.search(Query(filters={"case": [beyond]}))
    shown = [(v.value, v.count, v.selected) for v in results.facets["case"]]
    # A facet is counted under the other facets' selections, not its own: the case facet still counts all 44.
    assert shown == [(value, count, False) for value, count in ranked[:10]] + [(beyond, cases[beyond], True)]
    assert results.facets_truncated["case"] is True
