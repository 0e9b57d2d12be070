"""The parser's one error."""

from __future__ import annotations


class ParseError(ValueError):
    """The text is not minutes in a known layout; the message says why."""
