"""PDF minutes: the pure step from page lines to text (one rule a test), the seeds printed as PDF by
two producers parsing to their hand-read golden values, and bad PDFs named with a reason."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pypdfium2
import pytest
from click.testing import CliRunner

from indexer.build import build_index
from indexer.cli import main
from indexer.load import load_meeting, meeting_of_pages
from indexer.parse import ParseError, SourceHints
from indexer.sources.pdf import Line, Page, PdfText, page_text, read_pdf
from tools.minutes_pdf import minutes_pdf
from test_parse import summarise

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "corpus" / "hoeje-taastrup" / "direktionen").glob("*.txt"))
GOLDEN = Path(__file__).parent / "golden"
LIBREOFFICE = Path(__file__).parent / "fixtures" / "pdf" / "libreoffice"


# -- the pure step, on lines laid out by hand ---------------------------------------------------
# A4 in points; body text 10 pt with 13 pt between baselines, a paragraph gap of 22 pt; the text
# column runs from 56 to 540; `word` is the width of a line's first word.

def line(text: str, baseline: float, right: float = 300.0, word: float = 40.0, left: float = 56.0) -> Line:
    return Line(text, left, right, baseline, 10.0, word)


def pages(*lines_per_page: list[Line]) -> list[Page]:
    return [Page(number, 595.0, 842.0, tuple(lines)) for number, lines in enumerate(lines_per_page, 1)]


def furnished(body: list[Line], number: int, count: int) -> list[Line]:
    """A page's body with a running header and a "Side N af M" footer."""
    return [line("Høje-Taastrup Kommune · Direktionen 05-11-2018", 40.0), *body,
            line(f"Side {number} af {count}", 800.0, right=320.0)]


def test_running_header_and_page_footer_are_dropped() -> None:
    text = page_text(pages(furnished([line("Punkt 1: Budget", 100.0)], 1, 2),
                           furnished([line("Punkt 2: Drift", 100.0)], 2, 2)))
    assert text.text == "Punkt 1: Budget\n\nPunkt 2: Drift"


def test_a_case_number_at_the_top_of_pages_is_no_running_header() -> None:
    body = [[line("14/867", 60.0), line(f"Punkt {n}: {title}", 90.0)] for n, title in enumerate(("Budget", "Drift", "Løn"), 1)]
    assert page_text(pages(*body)).text == (
        "14/867\n\nPunkt 1: Budget\n\n14/867\n\nPunkt 2: Drift\n\n14/867\n\nPunkt 3: Løn")


def test_wrapped_lines_are_joined_and_short_lines_kept() -> None:
    # Line 1 ends 10 pt from the edge, and "revisionen" (45 pt) would not have fitted: wrapped.
    # Line 2 ends far from the edge: the next line is a line of its own in the same paragraph.
    text = page_text(pages([line("Status på arbejdet med", 100.0, right=530.0),
                            line("revisionen i centret", 113.0, right=200.0, word=45.0),
                            line("- næste skridt", 126.0, right=150.0),
                            line("Et andet afsnit, langt nok til at nå margenen", 148.0, right=540.0)])).text
    assert text == "Status på arbejdet med revisionen i centret\n- næste skridt\n\nEt andet afsnit, langt nok til at nå margenen"


def test_a_line_that_could_have_held_the_next_word_was_not_wrapped() -> None:
    text = page_text(pages([line("Bilag", 100.0, right=480.0), line("Notat om puljer", 113.0, word=30.0),
                            line("fuld linje", 126.0, right=540.0)])).text
    assert text == "Bilag\nNotat om puljer\nfuld linje"


def test_a_paragraph_cut_by_a_page_break_is_joined_again() -> None:
    text = page_text(pages(furnished([line("Direktionen drøftede sagen og besluttede, at", 780.0, right=538.0)], 1, 2),
                           furnished([line("arbejdet fortsætter i 2019.", 60.0)], 2, 2)))
    assert (text.text, text.page_starts) == (
        "Direktionen drøftede sagen og besluttede, at arbejdet fortsætter i 2019.", (0, 45))


def test_a_full_line_ending_a_sentence_before_a_page_break_ends_its_paragraph() -> None:
    text = page_text(pages([line("Et langt afsnit der fylder hele linjen ud til margenen", 700.0, right=540.0),
                            line("og fortsætter her.", 713.0, right=150.0),
                            line("Sagen blev taget til efterretning af direktionen.", 780.0, right=538.0)],
                           [line("Baggrund", 60.0)]))
    assert text.text == ("Et langt afsnit der fylder hele linjen ud til margenen og fortsætter her.\n\n"
                         "Sagen blev taget til efterretning af direktionen.\n\nBaggrund")


def test_table_rows_stay_rows_across_a_page_break() -> None:
    text = page_text(pages([line("Foranalyse WAN udbud\t151.100", 780.0, right=540.0)],
                           [line("Hjertet og hjertet\t157.500", 60.0, right=540.0)]))
    assert text.text == "Foranalyse WAN udbud\t151.100\nHjertet og hjertet\t157.500"


def test_a_hyphen_at_the_end_of_a_wrapped_line_joins_the_compound_but_not_a_suspended_one() -> None:
    text = page_text(pages([line("udmøntning af IT-", 100.0, right=535.0),
                            line("promillepuljen til det kommende børne-", 113.0, right=538.0, word=75.0),
                            line("og kulturhus", 126.0, word=15.0)])).text
    assert text == "udmøntning af IT-promillepuljen til det kommende børne- og kulturhus"


def test_page_at_gives_the_page_of_an_offset() -> None:
    text = page_text(pages([line("Punkt 1: A", 100.0)], [line("Punkt 2: B", 100.0)], [line("Punkt 3: C", 100.0)]))
    assert [text.page_at(text.text.index(f"Punkt {n}")) for n in (1, 2, 3)] == [1, 2, 3]


# -- the seeds as PDF ---------------------------------------------------------------------------

def printed(seed: Path) -> bytes:
    return minutes_pdf(seed.read_text(encoding="utf-8-sig"), f"Høje-Taastrup Kommune · Referat · Direktionen {seed.stem}")


def pdf_producers() -> list[tuple[str, Path]]:
    return [("reportlab", seed) for seed in SEEDS] + [("libreoffice", seed) for seed in SEEDS]


def pdf_of(producer: str, seed: Path, tmp_path: Path) -> Path:
    if producer == "libreoffice":
        return LIBREOFFICE / f"{seed.stem}.pdf"
    path = tmp_path / f"{seed.stem}.pdf"
    path.write_bytes(printed(seed))
    return path


def raw_pages(path: Path) -> list[str]:
    """Each page's text as PDFium prints it, without our step: to check pages independently."""
    document = pypdfium2.PdfDocument(path.read_bytes())
    try:
        return [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()


@pytest.mark.parametrize("producer, seed", pdf_producers(), ids=lambda value: getattr(value, "stem", value))
def test_a_seed_printed_as_pdf_parses_to_its_golden_values(producer, seed, tmp_path) -> None:
    path = pdf_of(producer, seed, tmp_path)
    meeting = load_meeting(path)
    assert summarise(meeting) == json.loads((GOLDEN / f"{seed.stem}.json").read_text(encoding="utf-8"))
    # Every item starts on the page whose own text holds its heading.
    expected_pages = []
    for item in meeting.items:
        heading = re.compile(rf"^Punkt {item.number}\s*:", re.MULTILINE)
        expected_pages.append(next(n for n, text in enumerate(raw_pages(path), 1) if heading.search(text.replace("\r", ""))))
    assert [item.page for item in meeting.items] == expected_pages
    assert meeting.pages == len(raw_pages(path))


@pytest.mark.parametrize("producer, seed", pdf_producers(), ids=lambda value: getattr(value, "stem", value))
def test_no_page_furniture_in_items_and_every_paragraph_whole(producer, seed, tmp_path) -> None:
    path = pdf_of(producer, seed, tmp_path)
    text = load_meeting_text(path)
    assert (re.search(r"Side \d+ af \d+", text), "Høje-Taastrup Kommune · Referat" in text) == (None, False)
    # Every line of the text file that is no table row comes out whole, however the PDF wrapped it
    # or broke its page: paragraphs cut by a page break are joined again.
    lines = {" ".join(line.split()) for line in text.split("\n")}
    source = seed.read_text(encoding="utf-8-sig")
    missing = [line for line in (" ".join(raw.split()) for raw in source.split("\n") if "\t" not in raw)
               if line and line not in lines]
    assert missing == []


def load_meeting_text(path: Path) -> str:
    return page_text(read_pdf(path.read_bytes())).text


def test_libreoffice_fixtures_are_there_for_every_seed() -> None:
    assert sorted(p.stem for p in LIBREOFFICE.glob("*.pdf")) == [seed.stem for seed in SEEDS]


# -- bad PDFs -----------------------------------------------------------------------------------

def no_text_pdf() -> bytes:
    """A page of shapes and no text layer, as a scanner's image PDF has."""
    from reportlab.pdfgen import canvas
    import io

    output = io.BytesIO()
    pdf = canvas.Canvas(output)
    pdf.rect(50, 50, 400, 600, fill=1)
    pdf.showPage()
    pdf.save()
    return output.getvalue()


def encrypted_pdf() -> bytes:
    import io

    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    output = io.BytesIO()
    pdf = canvas.Canvas(output, encrypt=StandardEncryption("hemmelig", ownerPassword="ejer"))
    pdf.drawString(72, 720, "REFERAT Direktionen d. 05-11-2018")
    pdf.showPage()
    pdf.save()
    return output.getvalue()


BAD_PDFS = {
    # A page image that holds no text: text recognition (tests/test_ocr.py) finds none either.
    "scan.pdf": (no_text_pdf, "no text on its 1 page, not even by text recognition"),
    "encrypted.pdf": (encrypted_pdf, "encrypted PDF: it needs a password to be read"),
    "truncated.pdf": (lambda: printed(SEEDS[0])[:20_000], "PDF cut off: it does not end with %%EOF"),
    "not-a-pdf.pdf": (lambda: b"REFERAT Direktionen, but a text file named .pdf\n", "not a PDF file (no %PDF header)"),
}


@pytest.mark.parametrize("name", sorted(BAD_PDFS))
def test_a_bad_pdf_is_refused_with_its_reason(name) -> None:
    make, reason = BAD_PDFS[name]
    with pytest.raises(ParseError) as error:
        read_pdf(make())
    assert str(error.value) == reason


def test_a_damaged_pdf_is_named_damaged() -> None:
    with pytest.raises(ParseError, match=r"^damaged PDF: "):
        read_pdf(b"%PDF-1.7\nthis is no PDF body at all\n%%EOF\n")


def test_index_reads_text_and_pdf_names_bad_pdfs_and_keeps_the_rest(tmp_path) -> None:
    corpus = tmp_path / "corpus" / "hoeje-taastrup" / "direktionen"
    corpus.mkdir(parents=True)
    for seed in SEEDS[:2]:
        (corpus / seed.name).write_bytes(seed.read_bytes())
    for seed in SEEDS[2:]:
        (corpus / f"{seed.stem}.pdf").write_bytes(printed(seed))
    for name, (make, _reason) in BAD_PDFS.items():
        (corpus / name).write_bytes(make())
    result = CliRunner().invoke(main, ["index", "--corpus", str(corpus.parent), "--index", str(tmp_path / "index")])
    assert result.exit_code == 1
    assert result.stdout.startswith("index rebuilt: 5 new, 0 changed, 0 unchanged, 0 removed, 4 failed files; 44 items;")
    assert sorted(result.stderr.splitlines()) == sorted(
        f"minutes: {corpus.parent / 'direktionen' / name}: {reason}" for name, (_make, reason) in BAD_PDFS.items())
    found = CliRunner().invoke(main, ["search", "--index", str(tmp_path / "index"), "--json", "KMD"])
    assert sorted(hit["id"] for hit in json.loads(found.output)["hits"]) == [  # from a .txt, a .txt and a .pdf
        "hoeje-taastrup-direktionen-2014-08-26-3", "hoeje-taastrup-direktionen-2015-12-07-5", "hoeje-taastrup-direktionen-2017-12-04-6"]


def test_parse_reads_a_pdf(tmp_path) -> None:
    path = tmp_path / "2018-11-05.pdf"
    path.write_bytes(printed(SEEDS[-1]))
    result = CliRunner().invoke(main, ["parse", "--json", str(path)])
    [meeting] = json.loads(result.output)
    assert (result.exit_code, meeting["pages"], [item["page"] for item in meeting["items"]][:3]) == (0, 16, [1, 1, 2])


# -- the original document ----------------------------------------------------------------------

def originals(index: Path) -> dict[str, int]:
    return {path.name: path.stat().st_mtime_ns for path in (index / "originals").iterdir()}


def test_the_index_keeps_one_copy_of_each_source_file_and_drops_removed_ones(tmp_path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    pdf = printed(SEEDS[-1])
    (corpus / "2018-11-05.pdf").write_bytes(pdf)
    (corpus / "2014-08-26.txt").write_bytes(SEEDS[0].read_bytes())
    build_index(corpus, tmp_path / "index")
    first = originals(tmp_path / "index")
    import hashlib

    assert sorted(first) == sorted([hashlib.sha256(pdf).hexdigest() + ".pdf",
                                    hashlib.sha256(SEEDS[0].read_bytes()).hexdigest() + ".txt"])
    build_index(corpus, tmp_path / "index")
    assert originals(tmp_path / "index") == first  # unchanged: not copied again
    (corpus / "2014-08-26.txt").unlink()
    build_index(corpus, tmp_path / "index")
    assert sorted(originals(tmp_path / "index")) == [hashlib.sha256(pdf).hexdigest() + ".pdf"]


def test_a_pdf_item_keeps_its_page_when_normalising_shortens_or_lengthens_the_pages_before() -> None:
    page_1 = ("Referat - Økonomiudvalget den 3. december 2018\nDato: |\n---|---|\n\n1. Budget\n\nSagsfremstilling\n\n"
              + "Tekst |\n" * 40 + "\nBeslutningGodkendt.\n\n")
    page_2 = "2. Regnskab\n\nBeslutning\n\nTaget til efterretning.\n"
    text = PdfText(page_1 + page_2, (0, len(page_1)))
    meeting = meeting_of_pages(text, "x.pdf", None, SourceHints())
    assert [(item.number, item.page, item.decision.text) for item in meeting.items] == [
        (1, 1, "Godkendt."), (2, 2, "Taget til efterretning.")]
