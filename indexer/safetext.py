"""Text from outside (file names, corpus text, request parameters) made safe for where it goes:
a file name as data any engine stores, a message on one line, text an XML parser accepts."""

from __future__ import annotations

import os
import re

# Characters that end or move a line on a terminal (C0 and C1 controls, DEL, the Unicode line and
# paragraph separators), and surrogates, which a name that is not UTF-8 decodes to.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
# What XML 1.0 does not allow anywhere, escaped or not: controls but TAB, LF and CR, surrogates,
# U+FFFE and U+FFFF.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def source_name(name: str) -> str:
    """A file's name as the index keeps it: the bytes that are not UTF-8 (decoded by the file system
    to surrogates) written as \\xNN, so that every engine can store it and it names the file."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def one_line(text: str) -> str:
    """`text` printable on one line: line breaks and other control characters as escapes
    (\\n, \\x01), so that a file name cannot start a line of its own."""
    return _UNPRINTABLE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if "\ud800" <= char <= "\udfff":  # a byte of a name that is not UTF-8 (surrogateescape)
        return f"\\x{ord(char) - 0xdc00:02x}" if ord(char) >= 0xdc80 else f"\\u{ord(char):04x}"
    return repr(char)[1:-1] if ord(char) < 0x100 else f"\\u{ord(char):04x}"


def xml_text(text: str) -> str:
    """`text` without the characters XML cannot hold (a feed with them is no XML at all)."""
    return _NOT_XML.sub("", text)


def spreadsheet_safe(text: str) -> str:
    """A cell starting with = + - @ would run as a formula in a spreadsheet: make it text."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
