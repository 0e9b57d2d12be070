"""The edge where minutes files are read: bytes -> text -> Meeting. A text file is decoded; a PDF's
pages are read and turned into the same text (`indexer.sources.pdf`), and each item learns the page
it starts on."""

from __future__ import annotations

from pathlib import Path

from .model import Meeting
from .parse import ITEM_RE, ParseError, normalise_text, parse_minutes
from .sources.pdf import is_pdf, page_text, read_pdf

# The kinds of minutes file `minutes index` reads from a corpus folder.
SUFFIXES = (".txt", ".pdf")

# `minutes index` refuses larger files by name: the largest minutes text in the archive is 44 KB, and
# parsing costs about 3 s per MB, so one mistaken huge file would hold up every other file's commit.
DEFAULT_MAX_FILE_MB = 20.0


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), falling back to Windows-1252, the two encodings the archive uses."""
    if b"\x00" in data:
        raise ParseError("binary file (contains NUL bytes), not a text document")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise ParseError(f"neither UTF-8 nor Windows-1252 text (byte {error.start})") from None


def load_meeting(path: Path, source: str | None = None, data: bytes | None = None) -> Meeting:
    """Read (unless its bytes are given) and parse one file, a PDF by its name or its first bytes.
    Raises ParseError (bad content) or OSError (unreadable)."""
    if data is None:
        data = Path(path).read_bytes()
    source = source if source is not None else str(path)
    if Path(path).suffix.lower() == ".pdf" or is_pdf(data):
        return load_pdf(data, source)
    return parse_minutes(decode(data), source=source)


def load_pdf(data: bytes, source: str) -> Meeting:
    pages = read_pdf(data)
    text = page_text(pages)
    meeting = parse_minutes(text.text, source=source)
    # Each item's heading in the text tells the page it was printed on (the text is normalised
    # already: its offsets are the parser's).
    starts = {int(head["number"]): head.start() for head in ITEM_RE.finditer(normalise_text(text.text))}
    for item in meeting.items:
        item.page = text.page_at(starts[item.number])
    meeting.pages = len(pages)
    return meeting
