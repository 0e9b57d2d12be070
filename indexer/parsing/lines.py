"""One line, or one text, against a layout's patterns; and which section a heading line starts."""

from __future__ import annotations

import re
from functools import lru_cache

from ..layouts import Layout


def matches_any(patterns: tuple[re.Pattern[str], ...], line: str) -> bool:
    return any(pattern.fullmatch(line.strip()) for pattern in patterns)


def first_fullmatch(patterns: tuple[re.Pattern[str], ...], line: str) -> re.Match[str] | None:
    stripped = line.strip()
    return next((match for pattern in patterns if (match := pattern.fullmatch(stripped))), None)


def earliest(patterns: tuple[re.Pattern[str], ...], text: str) -> re.Match[str] | None:
    """The match that starts first in the text, of any of the patterns (the top of minutes is the meeting's)."""
    found = [match for pattern in patterns if (match := pattern.search(text))]
    return min(found, key=lambda match: match.start(), default=None)


BULLETS = "•·▪◦"
BACKREFERENCE = re.compile(r"\\[1-9]|\(\?P=")


@lru_cache(maxsize=64)
def any_heading(layout: Layout) -> re.Pattern[str] | None:
    """One pattern matching what any of the layout's section headings matches (their groups unnamed,
    as names repeat): most lines are text, and one test rules them out (a build tests millions)."""
    if not layout.sections:
        return None
    flags = {pattern.flags for _kind, pattern in layout.sections}
    if len(flags) > 1 or any(BACKREFERENCE.search(pattern.pattern) for _kind, pattern in layout.sections):
        return None  # not one pattern's flags, or group numbers that joining would change
    unnamed = (re.sub(r"\(\?P<\w+>", "(?:", pattern.pattern) for _kind, pattern in layout.sections)
    try:
        return re.compile(r"(?:" + "|".join(f"(?:{pattern})" for pattern in unnamed) + r")\.?", flags.pop())
    except re.error:
        return None


def heading_match(layout: Layout, line: str) -> tuple[str | None, re.Match[str] | None]:
    """The section a heading line starts, and the match; a heading may end in a full stop, as
    recognition from a scan often reads a speck after it ("Sagsfremstilling.")."""
    stripped = line.strip().lstrip(BULLETS).lstrip()  # web pages list an item's sections as bullets
    if not stripped or len(stripped) > 200:
        return None, None
    screen = any_heading(layout)
    if screen is not None and not screen.fullmatch(stripped):
        return None, None
    return section_heading(layout, stripped)


def section_heading(layout: Layout, stripped: str) -> tuple[str | None, re.Match[str] | None]:
    """`heading_match` of a stripped line, pattern by pattern."""
    for candidate in dict.fromkeys((stripped, stripped.removesuffix("."))):
        for kind, pattern in layout.sections:
            match = pattern.fullmatch(candidate)
            if match:
                return kind, match
    return None, None


def heading_kind(layout: Layout, line: str) -> str | None:
    return heading_match(layout, line)[0]
