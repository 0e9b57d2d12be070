"""PDF minutes -> the text the parser reads.

Two steps. `read_pdf(data)` is the edge: pypdfium2 (PDFium, the PDF engine of Chromium) gives each
page's lines with their positions. `page_text(pages)` is pure and tested on its own: running headers
and footers (lines that repeat at the top or bottom of the pages, `Side N af M`, page numbers) are
dropped, lines wrapped at the page width are joined into their paragraph, a paragraph cut by a page
break is joined again, and table rows stay rows with their cells TAB-separated, as in the text files.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter
from dataclasses import dataclass

from ..parse import ParseError


@dataclass(frozen=True, slots=True)
class Line:
    text: str  # cells separated by a TAB where the gap between them is wide
    left: float  # points from the page's left edge
    right: float
    baseline: float  # points from the page's top edge
    size: float  # font size, points
    first_word: float = 0.0  # the width of its first word, points: would it have fitted on the line before?


@dataclass(frozen=True, slots=True)
class Page:
    number: int  # from 1
    width: float
    height: float
    lines: tuple[Line, ...]  # top to bottom
    recognised: bool = False  # read by text recognition from the page's image (a scan)


@dataclass(frozen=True, slots=True)
class PdfText:
    text: str
    page_starts: tuple[int, ...]  # where in `text` each page's text begins (page 1: 0)

    def page_at(self, offset: int) -> int:
        """The page (from 1) that the character at `offset` of `text` was printed on."""
        return max(1, bisect.bisect_right(self.page_starts, offset))


# -- the edge: bytes -> pages -------------------------------------------------------------------

TAB_GAP = 1.5  # a gap wider than this many average character widths between two runs is a TAB
# A list item's start. Not "–": an en dash is as often a dash in a sentence, wrapped to a new line.
LIST_MARKER = re.compile(r"^(?:[-•·*]|\d{1,2}[.)]|[a-zæøå][.)])\s")


def is_pdf(data: bytes) -> bool:
    """Whether the bytes are a PDF's: the header within the first kilobyte, as readers accept it."""
    return b"%PDF-" in data[:1024]


def starts_as_pdf(data: bytes) -> bool:
    """Whether a file not named .pdf is a PDF all the same: it starts with the header. (A text file
    may quote "%PDF-" in its first kilobyte and is text.)"""
    return data.lstrip(b"\xef\xbb\xbf \t\r\n\f\x00").startswith(b"%PDF-")


# What reading one PDF may cost. A PDF's streams are compressed, and PDFium inflates them itself: a
# 1 MB file can expand to gigabytes. So PDFs are read in a worker process (`pdf_worker`) whose
# address space is capped (the ceiling on expanded bytes) and which is given a time to answer in,
# and pages and characters are counted as they are read. A PDF over a bound is refused with the
# bound it broke, and the worker is started again for the next file.
MAX_PAGES = 5_000
MAX_PAGE_CHARACTERS = 200_000  # a dense A4 page of text holds about 5,000
MAX_CHARACTERS = 5_000_000
READER_MEMORY_MB = 768
READER_SECONDS = 120.0


def read_pdf(data: bytes, ocr: bool = True) -> list[Page]:
    """The pages of a PDF with their lines, read within the bounds above; a page without a text layer
    (a scan) is read by text recognition (`indexer.sources.ocr`) unless `ocr` is off. Raises
    ParseError naming why a PDF cannot be read: not a PDF, cut off, encrypted, damaged, without any
    text, or over a bound."""
    if not is_pdf(data):
        raise ParseError("not a PDF file (no %PDF header)")
    if b"%%EOF" not in data[-2048:]:
        raise ParseError("PDF cut off: it does not end with %%EOF")
    from .pdf_worker import READER

    return READER.read(data, ocr)


def read_pdf_here(data: bytes, ocr: bool = True, on_page=None) -> list[Page]:
    """`read_pdf` in this process, without the worker's memory and time ceiling (the worker's step);
    `on_page()` is called after each page read by recognition (the worker's sign of life)."""
    import pypdfium2  # only here: reading text files needs no PDF library

    try:
        return _read_pages(pypdfium2, data, ocr, on_page)
    except MemoryError:
        raise ParseError(f"PDF too costly to read: it expands beyond {READER_MEMORY_MB} MB of memory "
                         "(a compressed-stream bomb?)") from None


def _read_pages(pypdfium2, data: bytes, ocr: bool = True, on_page=None) -> list[Page]:
    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as error:
        if "password" in str(error).lower():
            raise ParseError("encrypted PDF: it needs a password to be read") from None
        raise ParseError(f"damaged PDF: {pdfium_reason(error)}") from None
    try:
        if len(document) > MAX_PAGES:
            raise ParseError(f"too many pages: {len(document):,}, the limit is {MAX_PAGES:,}")
        pages, characters = [], 0
        for index in range(len(document)):
            page = read_page(document, index)
            if not page.lines and ocr:
                from .ocr import recognise

                scanned = document[index]
                try:
                    page = Page(page.number, page.width, page.height, recognise(scanned, index + 1), recognised=True)
                finally:
                    scanned.close()
                if on_page is not None:
                    on_page()
            pages.append(page)
            characters += sum(len(line.text) for line in pages[-1].lines)
            if characters > MAX_CHARACTERS:
                raise ParseError(f"too much text: over {MAX_CHARACTERS:,} characters by page {index + 1}")
    except pypdfium2.PdfiumError as error:
        raise ParseError(f"damaged PDF: {pdfium_reason(error)}") from None
    finally:
        document.close()
    if not any(page.lines for page in pages):
        count = f"{len(pages)} page{'s' if len(pages) != 1 else ''}"
        if ocr:
            raise ParseError(f"no text on its {count}, not even by text recognition")
        raise ParseError(f"no text layer on its {count}: a scanned document? (text recognition is off: --no-ocr)")
    return pages


def pdfium_reason(error: Exception) -> str:
    text = str(error).strip().rstrip(".")
    return text[:1].lower() + text[1:] if text else "unreadable"


def read_page(document, index: int) -> Page:
    import pypdfium2.raw as pdfium_c

    page = document[index]
    try:
        width, height = page.get_size()
        textpage = page.get_textpage()
        try:
            count = textpage.count_chars()
            if count > MAX_PAGE_CHARACTERS:
                raise ParseError(f"too much text on page {index + 1}: {count:,} characters, "
                                 f"the limit is {MAX_PAGE_CHARACTERS:,}")
            text = textpage.get_text_range(0, count) if count else ""
            chars: list[tuple[float, float, float, str, int]] = []  # baseline (from the top), left, right, char, index
            x, y = pdfium_c.c_double(), pdfium_c.c_double()
            origin = pdfium_c.FPDFText_GetCharOrigin
            for position, char in enumerate(text[:count]):
                if char.isspace() or char == "\x00":  # no text holds NUL (and PostgreSQL refuses it)
                    continue
                left, _bottom, right, _top = textpage.get_charbox(position, loose=True)
                origin(textpage, position, x, y)
                # PDFium marks a hyphen that ends a line with U+FFFE ("børne-" in "børne- og kulturhus").
                chars.append((height - y.value, left, right, "-" if char == "\ufffe" else char, position))
            # One character's font size stands for its line's.
            lines = [make_line(row, row[0][0], pdfium_c.FPDFText_GetFontSize(textpage, row[0][4]))
                     for row in group_rows(chars)]
        finally:
            textpage.close()
    finally:
        page.close()
    return Page(index + 1, width, height, tuple(lines))


def group_rows(chars: list[tuple[float, float, float, str, int]]) -> list[list[tuple[float, float, float, str, int]]]:
    """Characters on one baseline make a row, top to bottom, read left to right."""
    rows: list[list[tuple[float, float, float, str, int]]] = []
    for char in sorted(chars, key=lambda c: (round(c[0]), c[1])):
        if rows and abs(rows[-1][0][0] - char[0]) <= 1.0:
            rows[-1].append(char)
        else:
            rows.append([char])
    for row in rows:
        row.sort(key=lambda c: c[1])
    return rows


def make_line(row: list[tuple[float, float, float, str, int]], baseline: float, size: float) -> Line:
    """A row's text: a space where the gap is a word space, a TAB where it is wider (table columns)."""
    average = sum(right - left for _m, left, right, _c, _i in row) / len(row)
    pieces = [row[0][3]]
    first_word = None
    for previous, char in zip(row, row[1:]):
        gap = char[1] - previous[2]
        if gap > TAB_GAP * average * 2:
            pieces.append("\t")
        elif gap > 0.2 * average:
            pieces.append(" ")
        else:
            pieces.append(char[3])
            continue
        first_word = previous[2] if first_word is None else first_word
        pieces.append(char[3])
    right = max(c[2] for c in row)
    return Line("".join(pieces), row[0][1], right, baseline, round(size, 1),
                (first_word if first_word is not None else right) - row[0][1])


# -- the pure step: pages -> text ---------------------------------------------------------------

PAGE_NUMBER = re.compile(r"^side\s*\d{1,4}(?:\s*(?:af|\/|of)\s*\d{1,4})?$|^\d{1,4}(?:\s*af\s*\d{1,4})?$|^[-–]\s*\d{1,4}\s*[-–]$", re.IGNORECASE)
FURNITURE_ZONE = 2  # lines at the top and at the bottom of a page that may be running header or footer
SENTENCE_END = (".", "!", "?", ":")
PARAGRAPH_GAP = 1.45  # a baseline distance over this many font sizes starts a new paragraph
SUSPENDED_COMPOUND = {"og", "eller", "samt", "til"}  # "børne- og kulturhus": the hyphen keeps its space


def furniture_key(text: str) -> str:
    """What a running header or footer line is, whatever its numbers and punctuation: a scan's
    recognition reads specks into it (Høje-Taastrup. Kommune :+ Referat - Direktionen)."""
    return re.sub(r"\d+", "#", " ".join(re.sub(r"[^\w\s]|_", " ", text.lower()).split()))


def body_lines(pages: list[Page]) -> list[list[Line]]:
    """Each page's lines without its running header and footer: lines in the top or bottom zone
    that repeat (numbers aside) on at least half the pages, and page numbers."""
    zones = [page.lines[:FURNITURE_ZONE] + page.lines[-FURNITURE_ZONE:] for page in pages]
    # Only lines with words repeat as furniture: case numbers (14/867) and amounts top many pages.
    seen = Counter(key for zone in zones for key in {furniture_key(line.text) for line in zone
                                                      if re.search(r"[^\W\d_]", line.text)})
    needed = max(2, math.ceil(len(pages) / 2))
    repeated = {key for key, count in seen.items() if count >= needed}
    bodies = []
    for page, zone in zip(pages, zones):
        furniture = {id(line) for line in zone
                     if furniture_key(line.text) in repeated or PAGE_NUMBER.match(line.text.strip())}
        bodies.append([line for line in page.lines if id(line) not in furniture])
    return bodies


def page_text(pages: list[Page]) -> PdfText:
    """The minutes text of the pages: paragraphs separated by blank lines, the lines within one
    (list items, table rows) by newlines, as the parser reads text files."""
    bodies = body_lines(pages)
    plain = [line for body in bodies for line in body if "\t" not in line.text]
    # Where the text column ends: where wrapped lines end, and no further left than a right margin
    # half as wide again as the left one (a document of short lines has no line reaching it).
    least = pages[0].width - 1.5 * min((line.left for line in plain), default=0.0) if pages else 0.0
    right_edge = max(text_right_edge(plain), least)
    parts: list[str] = []
    page_starts: list[int] = []
    length = 0
    previous: Line | None = None
    row_start: Line | None = None  # the first line of the row (list item, sentence) being joined
    for body in bodies:
        for index, line in enumerate(body):
            in_list = row_start is not None and row_kind(row_start) == "list"
            if previous is None:
                joint = ""
            elif index == 0:  # the first line of a page: its paragraph may go on from the page before
                if continues(previous, line, right_edge, in_list) and not new_sentence(previous, line):
                    joint = " "
                else:  # table rows and list items go on as rows; anything else starts a paragraph
                    joint = "\n" if row_kind(previous) and row_kind(previous) == row_kind(line) else "\n\n"
            elif line.baseline - previous.baseline > PARAGRAPH_GAP * max(line.size, previous.size):
                joint = "\n\n"
            else:
                joint = " " if continues(previous, line, right_edge, in_list) else "\n"
            if joint != " ":
                row_start = line
            if joint == " " and previous is not None and previous.text[-2:-1].isalpha() \
                    and previous.text.endswith("-") and line.text.split(" ", 1)[0] not in SUSPENDED_COMPOUND:
                joint = ""  # IT-|promillepuljen
            parts.append(joint)
            length += len(joint)
            if index == 0:
                page_starts.append(length)
            parts.append(line.text)
            length += len(line.text)
            previous = line
        if not body:
            page_starts.append(length)
    return PdfText("".join(parts), tuple(page_starts) or (0,))


def text_right_edge(lines: list[Line]) -> float:
    """Where wrapped lines end: the rightmost place that several lines reach (a line running past
    the margin, such as a long table row, is no measure)."""
    rights = sorted((line.right for line in lines), reverse=True)
    needed = min(3, len(rights))
    for index, right in enumerate(rights):
        if index + needed <= len(rights) and rights[index + needed - 1] >= right - 10.0:
            return right
    return rights[0] if rights else 0.0


def continues(line: Line, following: Line, right_edge: float, in_list: bool = False) -> bool:
    """Whether `following` goes on with `line`'s row: `line` was wrapped, reaching so close to the
    right edge that the next word would not have fitted, neither is a table row, and `following`
    starts no list item (in a list; elsewhere "9. september" after a wrap is a date)."""
    if "\t" in line.text or "\t" in following.text or (in_list and LIST_MARKER.match(following.text)):
        return False
    space = 0.35 * line.size  # a word space, generously
    return right_edge - line.right < following.first_word + space + 1.0


def row_kind(line: Line) -> str | None:
    return "table" if "\t" in line.text else "list" if LIST_MARKER.match(line.text) else None


def new_sentence(line: Line, following: Line) -> bool:
    return line.text.rstrip().endswith(SENTENCE_END) and following.text[:1].isupper()
