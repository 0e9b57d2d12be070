"""The edge where minutes files are read: bytes -> text -> Meeting. A text file is decoded; a PDF's
pages are read and turned into the same text (`indexer.sources.pdf`), and each item learns the page
it starts on."""

from __future__ import annotations

import re
from datetime import date
from itertools import accumulate
from pathlib import Path

from .model import Meeting
from .layouts import MUNICIPALITY_SLUGS, Layout
from .model import slug
from .parse import ParseError, SourceHints, normalise_text, parse_minutes, read_minutes
from .sources.pdf import PdfText, page_text, read_pdf, starts_as_pdf

# The kinds of minutes file `minutes index` reads from a corpus folder: text, PDF, and a meeting
# harvested from FirstAgenda (`minutes harvest`, `indexer.sources.firstagenda`).
HARVESTED_SUFFIX = ".firstagenda.json"
SUFFIXES = (".txt", ".pdf", HARVESTED_SUFFIX)
# A harvested meeting's attachments lie in a folder beside it (<date>.bilag/): read as its attachments,
# never as minutes of their own.
ATTACHMENT_FOLDER_SUFFIX = ".bilag"

# `minutes index` refuses larger files by name: the largest minutes text in the archive is 44 KB, and
# parsing costs about 3 s per MB, so one mistaken huge file would hold up every other file's commit.
DEFAULT_MAX_FILE_MB = 20.0


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), falling back to Windows-1252, the two encodings the archive uses."""
    return decode_text(data)[0]


def decode_text(data: bytes) -> tuple[str, str | None]:
    """The text of a minutes file, and a warning when it mixes encodings. UTF-8 (with or without
    BOM), or Windows-1252, the two encodings the archive uses; a file of both (one text pasted into
    another) is decoded line by line, and the warning names the lines read as Windows-1252."""
    if b"\x00" in data:
        raise ParseError("binary file (contains NUL bytes), not a text document")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    lines = data.removeprefix(b"\xef\xbb\xbf").splitlines(keepends=True)
    texts, windows, utf8 = [], [], False
    for number, line in enumerate(lines, 1):
        try:
            texts.append(line.decode("utf-8"))
            utf8 = utf8 or not line.isascii()
        except UnicodeDecodeError:
            try:
                texts.append(line.decode("cp1252"))
            except UnicodeDecodeError as error:
                offset = sum(map(len, lines[:number - 1])) + error.start
                raise ParseError(f"neither UTF-8 nor Windows-1252 text (byte {offset})") from None
            windows.append(number)
    warning = None
    if utf8:  # both: the lines that are no UTF-8 were read as Windows-1252
        shown = ", ".join(map(str, windows[:5])) + (f" and {len(windows) - 5} more" if len(windows) > 5 else "")
        warning = f"mixes UTF-8 and Windows-1252 text: line{'s' if len(windows) > 1 else ''} {shown} read as Windows-1252"
    return "".join(texts), warning


DATE_IN_NAME = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def path_hints(path: Path) -> SourceHints:
    """What the path says: a folder or a name prefix that is a municipality's slug
    (corpus/hoeje-taastrup/direktionen/…, hvidovre-oekonomiudvalget-2018-12-03.txt), and a date in the name."""
    path = Path(path)
    municipality = next((MUNICIPALITY_SLUGS[part] for part in path.parent.parts if part in MUNICIPALITY_SLUGS), None)
    if municipality is None:
        # The longest slug the name starts with (lyngby-taarbaek before a shorter one).
        prefixes = [s for s in MUNICIPALITY_SLUGS if path.stem == s or path.stem.startswith(s + "-")]
        municipality = MUNICIPALITY_SLUGS[max(prefixes, key=len)] if prefixes else None
    found = DATE_IN_NAME.search(path.stem)
    try:
        day = date(*map(int, found.groups())) if found else None
    except ValueError:
        day = None
    return SourceHints(municipality=municipality, committee=committee_from_path(path, municipality), date=day)


def committee_from_path(path: Path, municipality: str | None) -> str | None:
    """The committee a path names, for minutes whose text does not: the folder under a municipality's
    (corpus/stevns/oekonomiudvalget/2018-10-22.txt), or the name between the municipality and the date
    (stevns-oekonomiudvalget-2018-10-22.txt). Spelt back from the slug: oe → ø, aa → å, ae → æ."""
    if municipality is None:
        return None
    prefix = slug(municipality)
    if path.parent.parent.name == prefix:
        name = path.parent.name
    else:
        name = DATE_IN_NAME.sub("", path.stem).removeprefix(prefix).strip("-")
    if not name:
        return None
    words = name.replace("oe", "ø").replace("aa", "å").replace("ae", "æ").split("-")
    if words[-1].endswith("udvalget") and "og" in words and "for" not in words:
        return compound_committee(words)
    spelt = " ".join(words)
    return spelt[:1].upper() + spelt[1:]


def compound_committee(words: list[str]) -> str:
    """A committee named by its fields, spelt the way Danish committees write such names:
    børne-og-ungdomsudvalget → Børne- og Ungdomsudvalget, erhvervs-klima-og-arbejdskraftudvalget →
    Erhvervs-, Klima- og Arbejdskraftudvalget."""
    last_og = len(words) - 1 - words[::-1].index("og")
    fields = ", ".join(f"{word.capitalize()}-" for word in words[:last_og] if word != "og")
    return f"{fields} og {' '.join(word.capitalize() for word in words[last_og + 1:])}"


def load_meeting(path: Path, source: str | None = None, data: bytes | None = None,
                 layout: Layout | None = None, ocr: bool = True) -> Meeting:
    """Read (unless its bytes are given) and parse one file, a PDF by its name or its first bytes, in the
    given layout or the one that fits. Raises ParseError (bad content) or OSError (unreadable)."""
    if data is None:
        data = Path(path).read_bytes()
    source = source if source is not None else str(path)
    if source.lower().endswith(HARVESTED_SUFFIX):
        from .sources.firstagenda import read_meeting

        return read_meeting(data, source)
    hints = path_hints(Path(source))
    if Path(path).suffix.lower() == ".pdf" or starts_as_pdf(data):
        return load_pdf(data, source, layout, hints, ocr)
    text, warning = decode_text(data)
    meeting = parse_minutes(text, source=source, layout=layout, hints=hints)
    if warning:
        meeting.warnings.append(warning)
    return meeting


def load_pdf(data: bytes, source: str, layout: Layout | None, hints: SourceHints, ocr: bool = True) -> Meeting:
    pages = read_pdf(data, ocr)
    meeting = meeting_of_pages(page_text(pages), source, layout, hints)
    meeting.pages = len(pages)
    recognised = {page.number for page in pages if page.recognised}
    meeting.recognised_pages = len(recognised)
    if recognised:  # an item whose pages were read by recognition says so
        starts = [item.page or 1 for item in meeting.items]
        ends = [*(start for start in starts[1:]), len(pages)]
        for item, start, end in zip(meeting.items, starts, ends):
            item.recognised = any(number in recognised for number in range(start, end + 1))
    return meeting


def meeting_of_pages(text: PdfText, source: str, layout: Layout | None, hints: SourceHints) -> Meeting:
    """Parse a PDF's text; each item learns the page its heading was printed on."""
    text = normalised(text)
    meeting, heads = read_minutes(text.text, source=source, layout=layout, hints=hints)
    for item, head in zip(meeting.items, heads):  # the heads' offsets are in the normalised text
        item.page = text.page_at(head.line_start)
    return meeting


def normalised(text: PdfText) -> PdfText:
    """The text as the parser normalises it (glued headings cut apart, table borders dropped), with the
    page starts moved along. Page by page: every step works within a line, so the pages' normalised
    texts joined are the whole text's, unless a page starts inside a line; then the whole is
    normalised and the pages keep their starts."""
    ends = [*text.page_starts[1:], len(text.text)]
    pages = [normalise_text(text.text[start:end]) for start, end in zip(text.page_starts, ends)]
    whole = normalise_text(text.text)
    if "".join(pages) != whole:
        return PdfText(whole, text.page_starts)
    return PdfText(whole, tuple(accumulate((len(page) for page in pages[:-1]), initial=0)))
