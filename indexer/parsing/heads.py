"""Where agenda items start: the layout that fits a text, and its item headings in order."""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..layouts import LAYOUTS, Layout
from .errors import ParseError
from .general import general_heads
from .lines import first_fullmatch, heading_kind, matches_any


@dataclass(frozen=True, slots=True)
class ItemHead:
    line_start: int  # where the heading starts
    end: int  # where the heading ends
    number: int | None
    title: str
    stop: int = -1  # where the item's text ends: the next heading (or a repeat of it); -1: the end
    case_number: str | None = None  # printed on the line before the heading (SBSYS)
    text_start: int = -1  # where the item's text starts, where the reader says (else: by the layout)


def layout_and_heads(text: str, layout: Layout | None) -> tuple[Layout, list[ItemHead]]:
    """The given layout's item headings, or the first layout that finds any; ParseError if none is found."""
    if layout is None:
        return detect_layout(text)
    heads = item_heads(layout, text)
    if not heads:
        raise ParseError(f"not minutes in layout '{layout.name}': no agenda items ({layout.item_hint})")
    return layout, heads


def detect_layout(text: str) -> tuple[Layout, list[ItemHead]]:
    """The first layout (by priority) whose signature the text has and that finds agenda items in it."""
    claimed = None
    for layout in LAYOUTS:
        if not all(pattern.search(text) for pattern in layout.signature):
            continue
        heads = item_heads(layout, text)
        if heads:
            return layout, heads
        if layout.signature and claimed is None:
            claimed = layout
    if claimed is not None:
        raise ParseError(f"not minutes: no agenda items ({claimed.item_hint})")
    raise ParseError("not minutes: no layout finds agenda items in it ('minutes layouts' lists the layouts)")


def item_text(layout: Layout, text: str, head: ItemHead) -> str:
    """The text of the item under `head`: from its heading's end (or its heading line, where that line is
    the item's first) to where the item stops."""
    start = head.text_start if head.text_start >= 0 else head.line_start if layout.heading_keeps_line else head.end
    return text[start:head.stop if head.stop >= 0 else None]


def item_heads(layout: Layout, text: str) -> list[ItemHead]:
    """Where each agenda item starts, in order, with where its text stops."""
    if layout.reader == "general":
        found, repeats = general_heads(layout, text)
        kept = [ItemHead(start, end, number, title, text_start=text_start) for start, end, number, title, text_start, _ in found]
        cases = {start: case for start, _end, _number, _title, _text_start, case in found}
        boundaries = sorted([*kept, *(ItemHead(start, start, None, "") for start in repeats)], key=lambda head: head.line_start)
        return [replace(head, case_number=head.case_number or cases[head.line_start])
                for head in with_stops(layout, text, kept, boundaries)]
    heads: dict[int, ItemHead] = {}
    for pattern in layout.item_heading:
        for match in pattern.finditer(text):
            if match.start() in heads:
                continue
            groups = match.groupdict()
            if layout.heading_after_blank and "sure" not in groups and not after_blank_line(layout, text, match.start()):
                continue
            if groups.get("number") and first_fullmatch(layout.case_number + layout.case_before_heading, match.group(0)):
                continue  # 85.02.02-G01-5-17 is a journal number, not item 85
            number = int(groups["number"]) if groups.get("number") else None
            heads[match.start()] = ItemHead(match.start(), match.end(), number, (groups.get("title") or "").strip())
    ordered = [heads[start] for start in sorted(heads)]
    if layout.single_item:
        return ordered[:1]
    if layout.item_numbers == "strict":
        numbers = [head.number for head in ordered if head.number is not None]
        repeated = sorted({n for n in numbers if numbers.count(n) > 1})
        if repeated:  # two items at one address would hide one of them
            raise ParseError(f"agenda item number {repeated[0]} appears more than once")
        kept, boundaries = ordered, ordered
    else:
        kept, repeats = drop_repeated_headings(layout, text, ordered)
        kept = continuing_sequence(kept)
        boundaries = sorted([*kept, *repeats], key=lambda head: head.line_start)
    return with_stops(layout, text, kept, boundaries)


def with_stops(layout: Layout, text: str, kept: list[ItemHead], boundaries: list[ItemHead]) -> list[ItemHead]:
    """The heads with where each item's text stops (the next boundary) and a case number over it."""
    before = {head.line_start: case_before(layout, text, head.line_start) for head in boundaries}
    # An item's text stops at the next heading, or at the journal number printed above it.
    starts = [before[head.line_start][1] if before[head.line_start] else head.line_start for head in boundaries]
    result = []
    for head in kept:
        following = next((start for start in starts if start > head.line_start), -1)
        found = before[head.line_start]
        result.append(replace(head, stop=following, case_number=found[0] if found else None))
    return result


def previous_line(text: str, start: int) -> str:
    """The line before the one starting at `start` ("" at the start of the text)."""
    return text[text.rfind("\n", 0, start - 1) + 1:start - 1] if start > 0 else ""


def after_blank_line(layout: Layout, text: str, start: int) -> bool:
    """Whether the line before is blank, page furniture, a contents heading or a journal number."""
    line = previous_line(text, start)
    return (not line.strip() or matches_any(layout.noise, line) or matches_any(layout.case_before_heading, line)
            or bool(layout.contents and layout.contents.fullmatch(line)))


def case_before(layout: Layout, text: str, start: int) -> tuple[str, int] | None:
    """A journal number on the last non-blank line before the heading (SBSYS prints it there), and
    where that line starts."""
    position = start
    while position > 0:
        line_start = text.rfind("\n", 0, position - 1) + 1
        line = text[line_start:position - 1]
        if line.strip():
            found = first_fullmatch(layout.case_before_heading, line)
            return (found["case"], line_start) if found else None
        position = line_start
    return None


def drop_repeated_headings(layout: Layout, text: str, heads: list[ItemHead]) -> tuple[list[ItemHead], list[ItemHead]]:
    """A heading whose number comes again later, with no section between, is not the item itself: an
    entry of a contents list before the items, or the heading printed twice. Returns the items' heads
    and the repeats (which still end the item before them)."""
    kept, repeats = [], []
    last = {head.number: index for index, head in enumerate(heads)}  # each number's last heading
    for index, head in enumerate(heads):
        if head.number is not None and last[head.number] > index:
            body = text[head.end:heads[index + 1].line_start].split("\n")
            if not any(heading_kind(layout, line) for line in body):
                repeats.append(head)
                continue
        kept.append(head)
    return kept, repeats


def continuing_sequence(heads: list[ItemHead]) -> list[ItemHead]:
    """Numbered headings must go up: '2. Bygherre skal …' inside item 5 is a numbered line of text."""
    kept: list[ItemHead] = []
    for head in heads:
        previous = next((h.number for h in reversed(kept) if h.number is not None), None)
        if head.number is not None and previous is not None and head.number <= previous:
            continue
        kept.append(head)
    return kept
