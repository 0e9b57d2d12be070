"""Property tests: whatever text arrives, the parser and the search API answer without a traceback.

The plain tests draw the same examples on every run (the `deterministic` profile in conftest.py);
the `fuzz`-marked ones draw many new random examples and run with `make fuzz`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from indexer.analysis import MAX_WORD_LENGTH, Decompounder, danish_analyzer
from indexer.parse import ParseError, parse_minutes
from indexer.safetext import one_line, source_name
from indexer.sources.pdf import read_pdf
from test_analysis import CountingWordList
from tools.pdf_bomb import bomb_pdf, deflated_spaces
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


# -- hostile input (tests/test_hostile.py has each case the attack run found) ------------------------

long_words = st.text(alphabet=st.sampled_from(list("abdefgiklmnorstuvæøå-")), min_size=MAX_WORD_LENGTH - 10, max_size=5000)
hostile_names = st.binary(min_size=1, max_size=40).filter(lambda name: b"/" not in name and b"\x00" not in name)
compressed_pages = st.tuples(st.integers(min_value=0, max_value=48), st.binary(max_size=200))


def check_long_word(word: str) -> None:
    words = CountingWordList()
    Decompounder(words).parts(word.lower())
    assert words.lookups <= 2 * MAX_WORD_LENGTH ** 2
    terms = danish_analyzer().terms(f"se {word} nu")
    assert terms[0] == "se" and terms[-1] == "nu" and max(len(term) for term in terms) <= 2 * MAX_WORD_LENGTH + 1  # folded (å: aa), PART_MARK


def check_name(name: bytes) -> None:
    decoded = os.fsdecode(name)
    assert source_name(decoded).encode("utf-8")  # every engine stores it
    assert "\n" not in one_line(decoded) and "\r" not in one_line(decoded)


def check_compressed_page(megabytes: int, tail: bytes) -> None:
    stream = deflated_spaces(megabytes, b"BT /F1 12 Tf 72 720 Td (" + tail.replace(b")", b"") + b") Tj ET\n")
    data = bomb_pdf(0).replace(deflated_spaces(0, b"BT /F1 12 Tf 72 720 Td (Referat Direktionen) Tj ET\n"), stream)
    data = data.replace(b"/Length ", b"/Length " + str(len(stream)).encode() + b" %", 1)  # pdfium rebuilds a bad xref
    try:
        read_pdf(data)
    except ParseError as error:
        assert str(error)


@given(long_words)
@settings(max_examples=40)
def test_a_long_word_is_analysed_with_bounded_work(word: str) -> None:
    check_long_word(word)


@given(hostile_names)
@settings(max_examples=200)
def test_any_file_name_is_stored_and_printed_on_one_line(name: bytes) -> None:
    check_name(name)


@given(compressed_pages)
@settings(max_examples=5)
def test_a_compressed_page_of_any_size_reads_or_is_refused_with_a_reason(page: tuple[int, bytes]) -> None:
    check_compressed_page(*page)


@pytest.mark.fuzz
@given(long_words)
@settings(max_examples=1000)
def test_fuzz_long_words(word: str) -> None:
    check_long_word(word)


@pytest.mark.fuzz
@given(hostile_names)
@settings(max_examples=20000)
def test_fuzz_file_names(name: bytes) -> None:
    check_name(name)


@pytest.mark.fuzz
@given(compressed_pages)
@settings(max_examples=200)
def test_fuzz_compressed_pages(page: tuple[int, bytes]) -> None:
    check_compressed_page(*page)
