"""Hostile input, as an attack run sent it: each break it found, as a test that failed before the fix
(README, Reliability). The server's slow and idle clients are in test_server.py, the database that is
down in test_postgresql.py, the analysis's work per word in test_analysis.py."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pypdfium2
import pytest
from click.testing import CliRunner

from indexer.analysis import MAX_WORD_LENGTH
from indexer.build import build_index
from indexer.cli import main
from indexer.load import decode_text, load_meeting
from indexer.parse import ParseError
from indexer.query import Query
from indexer.search import SearchIndex
from indexer.sources import pdf
from indexer.sources.pdf import read_pdf, read_pdf_here
from tools.minutes_pdf import minutes_pdf
from tools.pdf_bomb import bomb_pdf
from webui import create_app

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "hoeje-taastrup" / "direktionen" / "2018-11-05.txt"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", target)
    return target


def seed_on(day: str) -> str:
    """The 2018-11-05 minutes (9 items) moved to another day (dd-mm-yyyy)."""
    return SEED.read_text(encoding="utf-8").replace("05-11-2018", day)


def folder(corpus: Path) -> Path:
    return corpus / "hoeje-taastrup" / "direktionen"


# -- a long word -------------------------------------------------------------------------------------

def test_a_file_holding_a_100000_letter_word_is_indexed_and_its_cut_form_found(corpus, tmp_path, engine) -> None:
    """The attack run's word stalled indexing for minutes (the compound splitter, unbounded)."""
    run = "sundhedsberedskabsledelsen" * 3847  # 100,022 letters
    text = seed_on("06-11-2018").replace("Indstilling", f"Indstilling\n\nSe {run} vedlagt", 1)
    (folder(corpus) / "2018-11-06.txt").write_text(text, encoding="utf-8")
    report = build_index(corpus, tmp_path / "index", engine=engine)
    assert (report.new, report.failed, report.items) == (6, [], 53)
    index = SearchIndex(tmp_path / "index")
    try:
        hits = index.search(Query(text=run[:MAX_WORD_LENGTH])).hits
        assert [hit.meeting_date for hit in hits] == ["2018-11-06"]
    finally:
        index.close()


def test_a_pdf_page_of_one_100000_character_line_is_indexed(corpus, tmp_path) -> None:
    run = "a" * 100_000
    text = seed_on("07-11-2018").replace("Indstilling", f"Indstilling\n\n{run}", 1)
    (folder(corpus) / "2018-11-07.pdf").write_bytes(minutes_pdf(text, "Direktionen 07-11-2018"))  # one line, off the page
    report = build_index(corpus, tmp_path / "index")
    assert (report.new, report.failed, report.items) == (6, [], 53)


# -- file names --------------------------------------------------------------------------------------

def test_a_name_that_is_not_utf8_is_indexed_under_its_escaped_name_with_the_rest(corpus, tmp_path, engine) -> None:
    """It aborted the whole run on every engine, valid new files included."""
    odd = os.fsencode(folder(corpus)) + b"/2018-11-0\xff.txt"
    with open(odd, "w", encoding="utf-8") as file:
        file.write(seed_on("08-11-2018"))
    (folder(corpus) / "2018-11-09.txt").write_text(seed_on("09-11-2018"), encoding="utf-8")
    index_dir = tmp_path / "index"
    report = build_index(corpus, index_dir, engine=engine)
    assert (report.new, report.failed, report.items) == (7, [], 62)
    index = SearchIndex(index_dir)
    try:
        record = index.item("hoeje-taastrup-direktionen-2018-11-08", 1)
        assert record["meeting"]["source"] == "hoeje-taastrup/direktionen/2018-11-0\\xff.txt"
    finally:
        index.close()
    again = build_index(corpus, index_dir, engine=engine)  # the escaped name still names the same file
    assert (again.new, again.unchanged, again.failed) == (0, 7, [])
    os.remove(odd)
    assert build_index(corpus, index_dir, engine=engine).removed == 1


def test_a_failing_file_named_with_a_line_break_is_named_on_one_line(corpus, tmp_path) -> None:
    """Its error line was two lines, and the second could be forged."""
    (folder(corpus) / "note\nminutes: forged.txt").write_text("Husk kaffe\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["index", "--corpus", str(corpus), "--index", str(tmp_path / "index")])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"minutes: {folder(corpus)}/note\\nminutes: forged.txt: not minutes: no layout finds agenda items in it "
        "('minutes layouts' lists the layouts)"]


# -- PDF bounds --------------------------------------------------------------------------------------

def test_a_pdf_bomb_is_named_and_its_reading_stays_under_1_gb() -> None:
    """A 2 MB PDF whose page inflates to 2 GB: the attack run saw 2.17 GB of memory, and under a
    limit the whole run aborted without naming the file. Read in a fresh process, so that its
    children's peak memory is this PDF's alone."""
    program = (
        "import resource, sys; sys.path.insert(0, 'tests')\n"
        "from tools.pdf_bomb import bomb_pdf\n"
        "from indexer.parse import ParseError\n"
        "from indexer.sources.pdf import read_pdf\n"
        "data = bomb_pdf(2000)\n"
        "try:\n    read_pdf(data)\nexcept ParseError as error:\n    print(error)\n"
        "print(len(data) < 3_000_000, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss < 1_000_000,"
        " resource.getrusage(resource.RUSAGE_SELF).ru_maxrss < 1_000_000)\n")
    result = subprocess.run([sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert (result.returncode, result.stderr, result.stdout.splitlines()) == (0, "", [
        "PDF too costly to read: reading it took over 768 MB of memory (a compressed-stream bomb?)",
        "True True True"])


def test_a_pdf_bomb_in_the_corpus_is_named_and_the_rest_indexed(corpus, tmp_path) -> None:
    (folder(corpus) / "bombe.pdf").write_bytes(bomb_pdf(1200))
    (folder(corpus) / "2018-11-09.txt").write_text(seed_on("09-11-2018"), encoding="utf-8")
    report = build_index(corpus, tmp_path / "index")
    assert (report.new, report.failed, report.items) == (6, [(
        "hoeje-taastrup/direktionen/bombe.pdf",
        "PDF too costly to read: reading it took over 768 MB of memory (a compressed-stream bomb?)")], 53)


def test_the_pdf_reader_starts_again_after_a_bomb() -> None:
    with pytest.raises(ParseError):
        read_pdf(bomb_pdf(1200))
    assert [line.text for page in read_pdf(bomb_pdf(1)) for line in page.lines] == ["Referat Direktionen"]


def seed_pdf() -> bytes:
    return minutes_pdf(SEED.read_text(encoding="utf-8"), "Direktionen 05-11-2018")


def pdfium_counts(data: bytes) -> tuple[int, list[int]]:
    """Pages and each page's characters, as PDFium counts them (independently of our reader)."""
    document = pypdfium2.PdfDocument(data)
    try:
        return len(document), [page.get_textpage().count_chars() for page in document]
    finally:
        document.close()


def test_a_pdf_over_the_page_bound_is_named_with_it(monkeypatch) -> None:
    data = seed_pdf()
    pages, _chars = pdfium_counts(data)
    monkeypatch.setattr(pdf, "MAX_PAGES", pages - 1)
    with pytest.raises(ParseError) as error:
        read_pdf_here(data)
    assert str(error.value) == f"too many pages: {pages}, the limit is {pages - 1}"


def test_a_pdf_page_over_the_character_bound_is_named_with_it(monkeypatch) -> None:
    data = seed_pdf()
    _pages, chars = pdfium_counts(data)
    monkeypatch.setattr(pdf, "MAX_PAGE_CHARACTERS", chars[0] - 1)
    with pytest.raises(ParseError) as error:
        read_pdf_here(data)
    assert str(error.value) == f"too much text on page 1: {chars[0]:,} characters, the limit is {chars[0] - 1:,}"


def test_a_pdf_over_the_character_bound_of_a_file_is_named_with_the_page_that_broke_it(monkeypatch) -> None:
    data = seed_pdf()
    monkeypatch.setattr(pdf, "MAX_CHARACTERS", 10)
    with pytest.raises(ParseError) as error:
        read_pdf_here(data)
    assert str(error.value) == "too much text: over 10 characters by page 1"


# -- text files ----------------------------------------------------------------------------------------

def test_a_text_file_quoting_the_pdf_header_is_read_as_text(tmp_path) -> None:
    """It was refused as a cut-off PDF: '%PDF-' in its first kilobyte."""
    path = tmp_path / "2018-11-05.txt"
    path.write_text(SEED.read_text(encoding="utf-8").replace("Mødested", "Filen hed %PDF-1.4 i mailen\n\nMødested", 1),
                    encoding="utf-8")
    assert len(load_meeting(path).items) == 9


def test_a_file_of_utf8_and_windows_1252_lines_is_decoded_line_by_line_with_a_warning() -> None:
    data = "Mødested Rådhuset\n".encode("utf-8") + "Økonomi og Løn\n".encode("cp1252") + "Punkt 1: Å\n".encode("utf-8")
    assert decode_text(data) == ("Mødested Rådhuset\nØkonomi og Løn\nPunkt 1: Å\n",
                                 "mixes UTF-8 and Windows-1252 text: line 2 read as Windows-1252")


def test_a_windows_1252_file_alone_gives_no_warning() -> None:
    assert decode_text("Mødested Rådhuset\nØkonomi\n".encode("cp1252")) == ("Mødested Rådhuset\nØkonomi\n", None)


def test_a_mixed_file_is_indexed_with_the_warning_naming_it(corpus, tmp_path) -> None:
    lines = seed_on("09-11-2018").split("\n")  # lines 5 and 7: "Mødedato …", "Mødested Mødelokale B105"
    head, rest = "\n".join(lines[:7]) + "\n", "\n".join(lines[7:])
    (folder(corpus) / "2018-11-09.txt").write_bytes(head.encode("cp1252") + rest.encode("utf-8"))
    report = build_index(corpus, tmp_path / "index")
    assert (report.failed, report.warnings) == ([], [(
        "hoeje-taastrup/direktionen/2018-11-09.txt", "mixes UTF-8 and Windows-1252 text: lines 5, 7 read as Windows-1252")])
    index = SearchIndex(tmp_path / "index")
    try:
        assert index.item("hoeje-taastrup-direktionen-2018-11-09", 1)["meeting"]["location"] == "Mødelokale B105"
    finally:
        index.close()


# -- the Atom feed -------------------------------------------------------------------------------------

NOT_XML = ["\x01", "\x08", "\x0b", "\x1f", "\ufffe", "\uffff"]


@pytest.fixture(scope="module")
def control_index(tmp_path_factory) -> Path:
    """The corpus and one meeting whose first item's title holds a control character."""
    corpus = tmp_path_factory.mktemp("control-corpus")
    shutil.copytree(ROOT / "corpus", corpus, dirs_exist_ok=True)
    text = seed_on("10-11-2018").replace("Punkt 1: ", "Punkt 1: Kontrol\x01tegn ", 2)
    (folder(corpus) / "2018-11-10.txt").write_text(text, encoding="utf-8")
    index = tmp_path_factory.mktemp("control-index")
    assert build_index(corpus, index).failed == []
    return index


@pytest.mark.parametrize("char", NOT_XML, ids=lambda char: f"U+{ord(char):04X}")
@pytest.mark.parametrize("param", ["q", "year", "centre", "case", "decision", "committee", "municipality", "from", "to"])
def test_a_feed_with_any_parameter_holding_text_xml_forbids_is_well_formed(control_index, param, char) -> None:
    client = create_app(control_index, {"TESTING": True}).test_client()
    response = client.get("/feed", query_string={param: f"kmd{char}budget"})
    if response.status_code == 400:  # a value the parameter cannot take is refused as JSON
        assert json.loads(response.data)["error"]["param"] == param
        return
    assert response.status_code == 200
    ET.fromstring(response.data)  # raises on a feed that is no XML


def test_a_feed_of_corpus_text_holding_a_control_character_is_well_formed(control_index) -> None:
    client = create_app(control_index, {"TESTING": True}).test_client()
    root = ET.fromstring(client.get("/feed?q=kontrol").data)  # newest first: the meeting of 10-11-2018
    assert [entry.findtext(f"{ATOM}title") for entry in root.findall(f"{ATOM}entry")][:1] == [
        "Kontroltegn Øvrige sager 10-11-2018"]
