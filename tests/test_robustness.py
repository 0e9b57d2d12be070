"""Property tests: whatever text arrives, the parser and the search API answer without a traceback.

The plain tests draw the same examples on every run (the `deterministic` profile in conftest.py);
the `fuzz`-marked ones draw many new random examples and run with `make fuzz`."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from indexer.parse import ParseError, parse_minutes
from indexer.query import Query
from indexer.search import SearchIndex

SEED = (Path(__file__).resolve().parent.parent / "corpus" / "hoeje-taastrup" / "direktionen" / "2014-08-26.txt").read_text(
    encoding="utf-8")
LINES = SEED.splitlines()

# Text built from the minutes' own lines, shuffled and cut, plus query-language characters.
minutes_like = st.lists(st.sampled_from(LINES) | st.text(max_size=40), max_size=60).map("\n".join)
# The same from the real pages of other municipalities' layouts (tests/fixtures/layouts).
OTHER_LINES = sorted({line for path in (Path(__file__).parent / "fixtures" / "layouts").rglob("*.txt")
                      for line in path.read_text(encoding="utf-8").splitlines()})
other_minutes_like = st.lists(st.sampled_from(OTHER_LINES) | st.text(max_size=40), max_size=60).map("\n".join)
query_text = st.text(alphabet=st.sampled_from(list('abcæøå KMD*?"()-+:/^~[]{}OR AND NOT IKKE ELLER titel sag 14/32918')),
                     max_size=80) | st.text(max_size=60)
FIXTURE_OK = [HealthCheck.function_scoped_fixture]


def check_parser(text: str) -> None:
    try:
        meeting = parse_minutes(text, "fuzz.txt")
    except ParseError as error:
        assert str(error)
    else:
        assert meeting.items and all(item.decision.types for item in meeting.items)


def check_search(searcher: SearchIndex, text: str) -> None:
    results = searcher.search(Query(text=text))
    assert len(results.hits) == min(results.total, 10)
    assert sum(value.count for value in results.facets["year"]) == results.total  # one year per item


def check_item_page(searcher: SearchIndex, text: str) -> None:
    record = searcher.item("hoeje-taastrup-direktionen-2018-11-05", 3, text=text)
    assert all("<script" not in section["html"] for section in record["sections"])


@given(minutes_like)
@settings(max_examples=300)
def test_parser_returns_a_meeting_or_a_parse_error(text: str) -> None:
    check_parser(text)


@given(other_minutes_like)
@settings(max_examples=300)
def test_parser_returns_a_meeting_or_a_parse_error_in_any_layout(text: str) -> None:
    check_parser(text)


@given(query_text)
@example("1(-)")  # found by a random run: NotImplementedError: Minus
@example("kmd (uta -drift)")
@settings(max_examples=300, suppress_health_check=FIXTURE_OK)
def test_any_query_text_gives_results(searcher, text: str) -> None:
    check_search(searcher, text)


@given(query_text)
@example("2017 (-)")
@settings(max_examples=100, suppress_health_check=FIXTURE_OK)
def test_any_query_text_on_an_item_page_gives_marked_sections(searcher, text: str) -> None:
    check_item_page(searcher, text)


@pytest.mark.fuzz
@given(minutes_like | other_minutes_like)
@settings(max_examples=5000)
def test_fuzz_parser(text: str) -> None:
    check_parser(text)


@pytest.mark.fuzz
@given(query_text)
@settings(max_examples=20000, suppress_health_check=FIXTURE_OK)
def test_fuzz_search(searcher, text: str) -> None:
    check_search(searcher, text)
    check_item_page(searcher, text)


def test_make_test_draws_the_same_examples_on_every_run() -> None:
    """Two runs of one property test see the same inputs: a red make test is never the draw's doing."""

    def drawn() -> list[str]:
        seen: list[str] = []

        @given(query_text)
        @settings(max_examples=50)
        def record(text: str) -> None:
            seen.append(text)

        record()
        return seen

    first = drawn()
    assert len(first) == 50 and first == drawn()
