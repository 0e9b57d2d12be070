"""The edge where minutes files are read: bytes -> text -> Meeting."""

from __future__ import annotations

from pathlib import Path

from .model import Meeting
from .parse import ParseError, parse_minutes


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


def load_meeting(path: Path, source: str | None = None) -> Meeting:
    """Read and parse one file. Raises ParseError (bad content) or OSError (unreadable)."""
    data = Path(path).read_bytes()
    return parse_minutes(decode(data), source=source if source is not None else str(path))
