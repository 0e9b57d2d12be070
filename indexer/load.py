"""The edge where minutes files are read: bytes -> text -> Meeting."""

from __future__ import annotations

from pathlib import Path

from .model import Meeting
from .parse import ParseError, parse_minutes

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
    """Read (unless its bytes are given) and parse one file. Raises ParseError (bad content) or
    OSError (unreadable)."""
    if data is None:
        data = Path(path).read_bytes()
    return parse_minutes(decode(data), source=source if source is not None else str(path))
