"""Property tests: whatever text arrives, the parser and the search API answer without a traceback."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.parse import ParseError, parse_minutes
from indexer.query import Query

SEED = (Path(__file__).resolve().parent.parent / "corpus" / "direktionen" / "2014-08-26.txt").read_text(
    encoding="utf-8")
LINES = SEED.splitlines()

# Text built from the minutes' own lines, shuffled and cut, plus query-language characters.
minutes_like = st.lists(st.sampled_from(LINES) | st.text(max_size=40), max_size=60).map("\n".join)
query_text = st.text(alphabet=st.sampled_from(list('abcæøå KMD*?"()-:/OR AND NOT IKKE ELLER titel sag 14/32918')),
                     max_size=80) | st.text(max_size=60)


@given(minutes_like)
@settings(max_examples=300, deadline=None)
def test_parser_returns_a_meeting_or_a_parse_error(text: str) -> None:
    try:
        meeting = parse_minutes(text, "fuzz.txt")
    except ParseError as error:
        assert str(error)
    else:
        assert meeting.items and all(item.decision.types for item in meeting.items)


@given(query_text)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_query_text_gives_results(searcher, text: str) -> None:
    results = searcher.search(Query(text=text))
    assert len(results.hits) == min(results.total, 10)
    assert sum(value.count for value in results.facets["year"]) == results.total  # one year per item


@given(query_text)
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_query_text_on_an_item_page_gives_marked_sections(searcher, text: str) -> None:
    record = searcher.item("2018-11-05", 3, text=text)
    assert all("<script" not in section["html"] for section in record["sections"])
