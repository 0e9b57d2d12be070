"""The pipeline from the text of one minutes document to a `Meeting`, and the warnings about the whole
meeting: normalise the text -> the layout and its item headings -> the header -> each item's rules."""

from __future__ import annotations

import re

from ..layouts import Layout
from ..model import AgendaItem, Meeting
from .errors import ParseError
from .header import SourceHints, read_header
from .heads import ItemHead, item_text, layout_and_heads
from .items import parse_item
from .text import is_flattened, normalise_text

# A contents line: the title, then dot leaders and/or a TAB, then the page number.
CONTENTS_ENTRY_RE = re.compile(r"^\S.*?(?:\.{2,}\s*|\t\s*)\d+\s*$", re.MULTILINE)
# A line that reads like a decision heading: "Beslutning" and at most a committee, a date, a colon.
DECISION_HEADING_LIKE = re.compile(r"^[ \t]*beslutning\b[^\n]{0,120}$", re.IGNORECASE | re.MULTILINE)


def parse_minutes(text: str, source: str = "", layout: Layout | None = None,
                  hints: SourceHints = SourceHints()) -> Meeting:
    """Parse one minutes document in the given layout, or the first that fits it. Raises ParseError
    naming the reason."""
    return read_minutes(text, source, layout, hints)[0]


def read_minutes(text: str, source: str = "", layout: Layout | None = None,
                 hints: SourceHints = SourceHints()) -> tuple[Meeting, list[ItemHead]]:
    """`parse_minutes`, and where each item's heading stands in the normalised text (a PDF's pages)."""
    flattened = any(is_flattened(line) for line in text.split("\n"))
    text = normalise_text(text)
    if not text.strip():
        raise ParseError("empty document")
    layout, heads = layout_and_heads(text, layout)
    front = text[:heads[0].line_start]
    header = read_header(layout, text, front, hints)
    items, cut_off = parse_items(layout, text, heads, header.meeting_id, header.municipality)
    warnings = [*header.warnings, *contents_warnings(layout, front, items), *unread_decisions_warning(text, items),
                *uncertain_reading_warnings(layout, text, heads[:len(items)], items, flattened)]
    if cut_off:
        warnings.append(f"the text ends at a '[...]' mark after item {items[-1].number}: it is cut short")
    meeting = Meeting(
        id=header.meeting_id,
        committee=header.committee,
        date=header.date,
        start_time=header.start_time,
        location=header.location,
        participants=header.participants,
        source=source,
        items=items,
        warnings=warnings,
        municipality=header.municipality,
        layout=layout.name,
        attendance=header.attendance,
    )
    return meeting, heads[:len(items)]


def parse_items(layout: Layout, text: str, heads: list[ItemHead], meeting_id: str,
                municipality: str | None) -> tuple[list[AgendaItem], bool]:
    """The items under the heads, up to the one the text is cut short in; and whether it is."""
    items = []
    for index, head in enumerate(heads):
        number = head.number if head.number is not None else index + 1
        item, cut = parse_item(layout, meeting_id, number, head.title, item_text(layout, text, head),
                               head.case_number, municipality)
        items.append(item)
        if cut:
            return items, True
    return items, False


def contents_warnings(layout: Layout, front_matter: str, items: list[AgendaItem]) -> list[str]:
    """A contents list that names more items than the file holds means the file was cut off (or an
    item heading is misprinted): the items found are still indexed, and the reader is told."""
    heading = layout.contents.search(front_matter) if layout.contents else None
    if heading is None:
        return []
    listed = len(CONTENTS_ENTRY_RE.findall(front_matter, heading.end()))
    if listed <= len(items):
        return []
    return [f"the contents list names {listed} items but the file holds {len(items)} "
            f"(the last is item {items[-1].number}); it may be cut off"]


# A case number printed with its label, on its line or the next ("Sagsnr.:" / "450-2018-4075").
CASE_LABEL_LINE = re.compile(r"^[ \t]*(?:[•·▪◦*][ \t]*)?Sag(?:snr|snummer|sid|s\.?[ \t]*nr)?\.?[ \t]*:?\s*\d{2}",
                             re.IGNORECASE | re.MULTILINE)


def uncertain_reading_warnings(layout: Layout, text: str, heads: list[ItemHead], items: list[AgendaItem],
                               flattened: bool) -> list[str]:
    """What the general reader was unsure of, said rather than indexed silently: the page's lines were
    restored from a flattened text; items were found without numbered headings; case numbers are
    printed but not read; a decision holds a line that reads like another decision's heading."""
    warnings = []
    if flattened:
        warnings.append("the text runs a page to a line (a PDF's text as document-sharing sites print it): its lines "
                        "were restored from the labels minutes share, so titles and decisions may be misread")
    if layout.reader == "general" and heads and all(head.number is None for head in heads):
        how = "as one item titled by the line over its first section" if len(heads) == 1 and not heads[0].case_number \
            else "from their case numbers or 'Åben' lines"
        warnings.append(f"no numbered item headings: the items were read {how}; check their titles")
    labels = len(CASE_LABEL_LINE.findall(text[heads[0].line_start:])) if heads else 0
    read = sum(1 for item in items if item.case_number)
    if labels > read:
        warnings.append(f"the text prints {labels} case-number labels, but {read} of {len(items)} items have a case number")
    for item in items:
        stray = next((line.strip() for line in item.decision.text.split("\n") if DECISION_HEADING_LIKE.match(line)), None)
        if stray:
            warnings.append(f"the decision of item {item.number} holds a line that reads like a decision heading "
                            f"('{stray[:80]}'): another body's decision may be read as this meeting's")
    return warnings


def unread_decisions_warning(text: str, items: list[AgendaItem]) -> list[str]:
    """A warning when no item got a decision although lines of the text read like decision headings:
    the layout does not read them (a committee name it does not expect), and every decision would
    be lost silently."""
    if any(item.decision.text for item in items):
        return []
    headings = [match.group().strip() for match in DECISION_HEADING_LIKE.finditer(text)]
    if not headings:
        return []
    return [f"no item has a decision, but {len(headings)} line{'s' if len(headings) > 1 else ''} read like a "
            f"decision heading (the first: '{headings[0]}'): a heading this layout does not read?"]
