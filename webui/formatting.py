"""Presentation helpers registered as Jinja filters: Danish dates, headings, and the layout of an
item's text (paragraphs, lists, TAB tables). Nothing here searches; it only shapes what the
indexer returned for display.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date

from indexer.centres import centre_name
from indexer.model import DANISH_MONTHS as MONTHS, DECISION_TYPES, WEEKDAYS
from indexer.model import danish_date as model_danish_date
NUMBER_CELL = re.compile(r"^[\d.,%\s+−–-]*\d[\d.,%\s]*$")
MARK_TAG = re.compile(r"</?mark>")
SUBHEAD_CHARS = 60
END_PUNCTUATION = (".", ",", ":", ";", "!", "?", "…", ")", "]", '"', "'", "”", "»")


def _as_date(value: str | date) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def danish_date(value: str | date, weekday: bool = False) -> str:
    """'2018-11-05' -> '5. november 2018' (with weekday: 'mandag 5. november 2018')."""
    day = _as_date(value)
    if day is None:
        return str(value)
    text = model_danish_date(day)
    return f"{WEEKDAYS[day.weekday()]} {text}" if weekday else text


def decision_label(slug: str) -> str:
    return DECISION_TYPES.get(slug, slug)


def heading(text: str | None, committee: str = "Direktionen", fallback: str = "Tekst") -> str:
    """Headings printed in capitals ('BESLUTNING DIREKTIONEN DEN 07-12-2015') in sentence case."""
    text = (text or "").strip()
    if not text:
        return fallback
    if text.isupper():
        text = text[0] + text[1:].lower()
        if committee:
            text = re.sub(rf"\b{re.escape(committee.lower())}\b", committee, text)
    return text


def plain_text(snippet_html: str) -> str:
    """An indexer snippet (escaped text with <mark>) as plain text."""
    return html.unescape(MARK_TAG.sub("", snippet_html))


# -- item text -----------------------------------------------------------------------------------

@dataclass(slots=True)
class Block:
    """One block of an item's text: kind is 'p' (lines), 'ul' (items) or 'table' (rows of cells)."""

    kind: str
    lines: list[str] = field(default_factory=list)
    # A short capitalised line without end punctuation, followed by longer text: shown as a sub-heading.
    subhead: bool = False
    rows: list[list[str]] = field(default_factory=list)
    numeric: list[list[bool]] = field(default_factory=list)


def blocks(text: str | None, is_html: bool = True) -> list[Block]:
    """Split section text into blocks: paragraphs at blank lines; a paragraph whose lines hold TABs
    is a table (rows at newlines, cells at TABs); runs of lines starting with '- ' are a list.

    With `is_html` the text is the indexer's escaped HTML with <mark>: every piece is a substring of
    it, and a <mark> that would straddle two pieces is closed and reopened so each piece stays
    well-formed. Without it the pieces are plain text for the template to escape.
    """
    result: list[Block] = []
    for paragraph in re.split(r"\n\s*\n", text or ""):
        if not paragraph.strip():
            continue
        lines = [line for line in paragraph.split("\n") if line.strip()]
        if any("\t" in line for line in lines):
            rows = [line.split("\t") for line in lines]
            width = max(len(row) for row in rows)
            rows = [row + [""] * (width - len(row)) for row in rows]
            result.append(Block("table", rows=rows))
            continue
        current: Block | None = None  # each paragraph starts a new block
        for line in lines:
            kind = "ul" if line.startswith("- ") else "p"
            if current is None or current.kind != kind:
                current = Block(kind)
                result.append(current)
            current.lines.append((line[2:] if kind == "ul" else line).strip())
    text_of = plain_text if is_html else str
    for block, following in zip(result, result[1:]):
        if block.kind == "p" and len(block.lines) == 1:
            line = text_of(block.lines[0]).strip()
            block.subhead = (
                len(line) <= SUBHEAD_CHARS and line[:1].isalpha() and line[:1].isupper()
                and not line.endswith(END_PUNCTUATION)
                and (following.kind != "p" or len(" ".join(map(text_of, following.lines))) >= 2 * len(line)))
    if is_html:
        _balance_marks(result)
    for block in result:
        if block.kind == "table":
            block.numeric = [[bool(NUMBER_CELL.match(plain_text(cell) if is_html else cell)) for cell in row]
                             for row in block.rows]
    return result


def _balance_marks(result: list[Block]) -> None:
    inside = False

    def fix(piece: str) -> str:
        nonlocal inside
        fixed = ("<mark>" + piece) if inside else piece
        opened, closed = piece.rfind("<mark>"), piece.rfind("</mark>")
        if opened != -1 or closed != -1:
            inside = opened > closed
        return fixed + "</mark>" if inside else fixed

    for block in result:
        if block.kind == "table":
            block.rows = [[fix(cell) for cell in row] for row in block.rows]
        else:
            block.lines = [fix(line) for line in block.lines]


def period_label(period: str) -> str:
    """A trend bar's period in words: 2017, or marts 2017."""
    return period if len(period) == 4 else f"{MONTHS[int(period[5:]) - 1]} {period[:4]}"


def short_period_label(period: str) -> str:
    """Under a bar: the year, or the month's first three letters."""
    return period if len(period) == 4 else MONTHS[int(period[5:]) - 1][:3]


FILTERS = {
    "da_date": danish_date,
    "period_label": period_label,
    "short_period_label": short_period_label,
    "decision_label": decision_label,
    "heading": heading,
    "plain_text": plain_text,
    "blocks": blocks,
    "centre_name": centre_name,
}
