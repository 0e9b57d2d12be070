"""Scanned minutes: the five seeds printed as PDF, then scanned (tests/tools/scanned_pdf.py: 200 dpi
grey, tilted half a degree, blurred, JPEG-compressed, no text layer), read by text recognition and
parsed against their hand-read golden values (tests/golden/) with the tolerance the README states:
dates, item numbers and case numbers exact; decision types exact and titles at least 0.9 similar in
95 % of the checks."""

from __future__ import annotations

import difflib
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.cli import main
from indexer.load import load_meeting
from indexer.parse import ParseError
from indexer.sources import ocr
from indexer.sources.pdf import read_pdf_here
from test_parse import summarise
from tools.minutes_pdf import minutes_pdf
from tools.scanned_pdf import mixed_pdf, scanned_pdf

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "corpus" / "hoeje-taastrup" / "direktionen").glob("*.txt"))
GOLDEN = Path(__file__).parent / "golden"

if not ocr.available():
    pytest.skip("text recognition not installed (tesserocr, and Debian's tesseract-ocr-dan; .ci/run installs "
                "them)", allow_module_level=True)


def printed(seed: Path) -> bytes:
    return minutes_pdf(seed.read_text(encoding="utf-8-sig"), f"Høje-Taastrup Kommune · Referat · Direktionen {seed.stem}")


@pytest.fixture(scope="module")
def scans(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("scans")
    found = {}
    for seed in SEEDS:
        found[seed.stem] = folder / f"{seed.stem}.pdf"
        found[seed.stem].write_bytes(scanned_pdf(printed(seed)))
    return found


@pytest.fixture(scope="module")
def one_page_scan() -> bytes:
    """The first lines of a seed, scanned: a page to recognise again and again."""
    text = "\n".join(SEEDS[0].read_text(encoding="utf-8-sig").splitlines()[:24])
    return scanned_pdf(minutes_pdf(text, "Høje-Taastrup Kommune · Referat · Direktionen"))


@pytest.fixture(scope="module")
def scanned_meetings(scans) -> dict[str, dict]:
    return {stem: load_meeting(path) for stem, path in scans.items()}


def checks(meeting, golden: dict) -> list[tuple[str, bool]]:
    got = summarise(meeting)
    by_number = {item["number"]: item for item in got["items"]}
    found = [("date", got["date"] == golden["date"]), ("item count", len(got["items"]) == len(golden["items"]))]
    for expected in golden["items"]:
        item = by_number.get(expected["number"])
        found += [(f"{expected['number']} number", item is not None),
                  (f"{expected['number']} case", item is not None and item["case_number"] == expected["case_number"]),
                  (f"{expected['number']} decision", item is not None and item["decision_types"] == expected["decision_types"]),
                  (f"{expected['number']} title", item is not None and difflib.SequenceMatcher(
                      None, item["title"], expected["title"]).ratio() >= 0.9)]
    return found


def test_scanned_seeds_parse_to_their_golden_values_within_the_stated_tolerance(scanned_meetings) -> None:
    results = {stem: checks(meeting, json.loads((GOLDEN / f"{stem}.json").read_text(encoding="utf-8")))
               for stem, meeting in scanned_meetings.items()}
    failed = {stem: [name for name, ok in found if not ok] for stem, found in results.items()}
    exact = [name for names in failed.values() for name in names
             if name in ("date", "item count") or name.endswith((" number", " case"))]
    assert exact == []  # dates, item numbers and case numbers: every one
    total = sum(len(found) for found in results.values())
    assert sum(len(names) for names in failed.values()) <= 0.05 * total, failed


def test_a_scanned_item_says_it_was_read_by_machine(scanned_meetings) -> None:
    meeting = scanned_meetings["2018-11-05"]
    assert (meeting.recognised_pages, meeting.recognised_pages == meeting.pages) == (meeting.pages, True)
    assert all(item.recognised for item in meeting.items)
    text = load_meeting(Path(__file__).parent / "fixtures" / "pdf" / "libreoffice" / "2018-11-05.pdf")
    assert (text.recognised_pages, any(item.recognised for item in text.items)) == (0, False)


def test_a_pdf_of_text_pages_and_scanned_pages_reads_each_its_own_way(tmp_path) -> None:
    seed = ROOT / "corpus" / "hoeje-taastrup" / "direktionen" / "2016-11-30.txt"
    path = tmp_path / "2016-11-30.pdf"
    path.write_bytes(mixed_pdf(printed(seed), {1, 2}))  # the second and third pages scanned
    meeting = load_meeting(path)
    golden = json.loads((GOLDEN / "2016-11-30.json").read_text(encoding="utf-8"))
    assert meeting.recognised_pages == 2
    assert [name for name, ok in checks(meeting, golden) if not ok] == []
    # Items that start on a text page after the scanned ones are no recognised text.
    assert [item.recognised for item in meeting.items if (item.page or 0) > 3] == [
        False for item in meeting.items if (item.page or 0) > 3]


def test_a_page_that_takes_too_long_is_named_with_its_limit(one_page_scan, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv(ocr.CACHE_VARIABLE, str(tmp_path / "cache"))  # nothing recognised before
    monkeypatch.setattr(ocr, "PAGE_SECONDS", 0.001)
    with pytest.raises(ParseError) as error:
        read_pdf_here(one_page_scan)
    assert str(error.value) == "page 1: text recognition did not finish within 0.001 s"


def test_a_recognised_page_is_kept_and_never_recognised_twice(one_page_scan, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv(ocr.CACHE_VARIABLE, str(tmp_path / "cache"))
    first = read_pdf_here(one_page_scan)
    assert (len(first), len(list((tmp_path / "cache").rglob("*.tsv")))) == (1, 1)
    monkeypatch.setattr(ocr, "_api", lambda: pytest.fail("recognised again"))
    assert read_pdf_here(one_page_scan) == first


def test_no_ocr_refuses_a_scan_and_says_how_to_read_it(scans) -> None:
    result = CliRunner().invoke(main, ["parse", "--no-ocr", str(scans["2014-08-26"])])
    assert (result.exit_code, result.stderr) == (1, (
        f"minutes: {scans['2014-08-26']}: no text layer on its {len(read_pdf_here(printed(SEEDS[0])))} pages: "
        "a scanned document? (text recognition is off: --no-ocr)\n"))


def test_a_scanned_archive_is_searchable(scans, tmp_path) -> None:
    from indexer.build import build_index
    from indexer.query import Query
    from indexer.search import SearchIndex

    corpus = tmp_path / "corpus" / "hoeje-taastrup" / "direktionen"
    corpus.mkdir(parents=True)
    for stem, path in scans.items():
        shutil.copy(path, corpus / f"{stem}.pdf")
    report = build_index(tmp_path / "corpus", tmp_path / "index")
    assert (report.failed, report.items) == ([], 44)
    searcher = SearchIndex(tmp_path / "index")
    try:
        # The three items that name KMD (tests/test_search.py), found in the scans too.
        assert {hit.id for hit in searcher.search(Query(text="KMD")).hits} == {
            "hoeje-taastrup-direktionen-2014-08-26-3", "hoeje-taastrup-direktionen-2015-12-07-5",
            "hoeje-taastrup-direktionen-2017-12-04-6"}
    finally:
        searcher.close()


def test_each_recognised_page_is_a_step_of_the_progress_and_a_text_page_none(one_page_scan) -> None:
    from indexer.sources.pdf import read_pdf
    from indexer.sources.pdf_worker import READER

    steps: list[str] = []
    READER.on_page = lambda: steps.append("page")
    try:
        read_pdf(one_page_scan)
        read_pdf(printed(SEEDS[0]))
    finally:
        READER.on_page = None
    assert steps == ["page"]
