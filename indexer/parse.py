"""The parser's public entry point: the text of one minutes document in, a `Meeting` out. No I/O.

The parser itself is `indexer.parsing`: small pure rules run in order with a layout's patterns
(`indexer.layouts`); its package docstring names the steps and where each one lives.
"""

from __future__ import annotations

from .parsing.decisions import classify_decision, parse_decision
from .parsing.errors import ParseError
from .parsing.header import SourceHints
from .parsing.heads import ItemHead, detect_layout
from .parsing.lines import heading_kind
from .parsing.minutes import parse_minutes, read_minutes
from .parsing.text import normalise_text

__all__ = [
    "ItemHead", "ParseError", "SourceHints", "classify_decision", "detect_layout", "heading_kind",
    "normalise_text", "parse_decision", "parse_minutes", "read_minutes",
]
