"""Pure parser: the text of one minutes document in, a `Meeting` out. No I/O here.

The same small rules run in order for every layout (`indexer.layouts`), whose patterns tell them what
to look for, in the manner of a block parser: glued headings -> the layout that fits -> item headings
(contents entries and numbered lines of text left out) -> header -> per item: cut mark, page furniture,
attachments, case number, attendance, sections, repeated title, paragraphs (page-break rejoin),
decision, centres, proposers.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, replace
from collections.abc import Iterator
from datetime import date
from difflib import SequenceMatcher
from itertools import dropwhile

from .centres import MUNICIPALITY as CENTRES_MUNICIPALITY, find_centres
from .layouts import GLUED_HEADINGS, LAYOUTS, MONTHS, MUNICIPALITIES, Layout
from .model import CASE_VALUE_RE, AgendaItem, Decision, Meeting, Participant, Section, SubDecision, slug


class ParseError(ValueError):
    """The text is not minutes in a known layout; the message says why."""


# A contents line: the title, then dot leaders and/or a TAB, then the page number.
CONTENTS_ENTRY_RE = re.compile(r"^\S.*?(?:\.{2,}\s*|\t\s*)\d+\s*$", re.MULTILINE)
INLINE_HTML_RE = re.compile(r"</?(?:i|b|u|em|strong|span|p|sup|sub|br|font|a)\b[^<>]*>", re.IGNORECASE)
SENTENCE_END = (".", "!", "?", ":", ";", ")", "\"", "”", "»")
# Words a sentence or heading does not end with; a paragraph ending in one was cut by a page break.
DANGLING_WORDS = frozenset(
    "og i til er at af på for med om en et den det de som der samt eller men fra ved hvor "
    "skal vil kan har blev bliver under over efter mod end så da når hvis".split())
MUNICIPALITY_MENTION_RE = re.compile(r"\b(?P<name>[A-ZÆØÅ][\w-]+?)s?\s+(?:Kommunes?|Regionskommunes?)\b")


@dataclass(frozen=True, slots=True)
class SourceHints:
    """What a file's path says about it (`corpus/<kommune>/<udvalg>/YYYY-MM-DD.txt`): used where the text
    is silent (a page without the municipality's name, a date printed without its year)."""

    municipality: str | None = None
    committee: str | None = None
    date: date | None = None


@dataclass(frozen=True, slots=True)
class ItemHead:
    line_start: int  # where the heading starts
    end: int  # where the heading ends
    number: int | None
    title: str
    stop: int = -1  # where the item's text ends: the next heading (or a repeat of it); -1: the end
    case_number: str | None = None  # printed on the line before the heading (SBSYS)


def parse_minutes(text: str, source: str = "", layout: Layout | None = None,
                  hints: SourceHints = SourceHints()) -> Meeting:
    """Parse one minutes document in the given layout, or the first that fits it. Raises ParseError
    naming the reason."""
    return read_minutes(text, source, layout, hints)[0]


def read_minutes(text: str, source: str = "", layout: Layout | None = None,
                 hints: SourceHints = SourceHints()) -> tuple[Meeting, list[ItemHead]]:
    """`parse_minutes`, and where each item's heading stands in the normalised text (a PDF's pages)."""
    text = normalise_text(text)
    if not text.strip():
        raise ParseError("empty document")
    if layout is None:
        layout, heads = detect_layout(text)
    else:
        heads = item_heads(layout, text)
        if not heads:
            raise ParseError(f"not minutes in layout '{layout.name}': no agenda items ({layout.item_hint})")
    front = text[:heads[0].line_start]
    committee = committee_of(layout, text, front, hints)
    warnings = []
    if committee is None:  # the items are worth having: indexed under a name that says so
        committee = UNKNOWN_COMMITTEE
        warnings.append("no committee name found in the text or the path: indexed as 'Ukendt udvalg' "
                        "(file it as corpus/<kommune>/<udvalg>/ to name it)")
    meeting_date = date_of(layout, front, text, hints)
    # The path is the archive keeper's word; a layout's municipality is a default for its own files.
    municipality = hints.municipality or layout.municipality or mentioned_municipality(text)
    time = earliest(layout.start_time, front)
    location = earliest(layout.location, front)
    participants = earliest(layout.participants, front)
    meeting_id = "-".join(part for part in (slug(municipality or ""), slug(committee), meeting_date.isoformat())
                          if part)
    items, cut_off = [], False
    for index, head in enumerate(heads):
        body = text[head.line_start if layout.heading_keeps_line else head.end:head.stop if head.stop >= 0 else None]
        number = head.number if head.number is not None else index + 1
        item, cut = parse_item(layout, meeting_id, number, head.title, body, head.case_number,
                               with_centres=municipality == CENTRES_MUNICIPALITY)
        items.append(item)
        if cut:
            cut_off = True
            break
    warnings += contents_warnings(layout, front, items)
    warnings += unread_decisions_warning(text, items)
    if cut_off:
        warnings.append(f"the text ends at a '[...]' mark after item {items[-1].number}: it is cut short")
    meeting = Meeting(
        id=meeting_id,
        committee=committee,
        date=meeting_date,
        start_time=f"{int(time['hh']):02d}:{time['mm']}" if time else None,
        location=location["location"].strip() if location else None,
        participants=parse_participants(participants["names"]) if participants else [],
        source=source,
        items=items,
        warnings=warnings,
        municipality=municipality,
        layout=layout.name,
        attendance=meeting_attendance(layout, front),
    )
    return meeting, heads[:len(items)]


LABEL = re.compile(r"[A-ZÆØÅ][\wæøå ]{0,30}:")  # "Mødested: …": another field, not a name


def meeting_attendance(layout: Layout, front: str) -> list[str]:
    """The meeting's absences, before the first item: attendance lines, and a 'Fraværende' heading with
    the names under it (after blank lines, up to the next blank line) as one entry."""
    lines = front.split("\n")
    found = []
    for position, line in enumerate(lines):
        if matches_any(layout.attendance, line):
            found.append(line.strip())
        elif matches_any(layout.attendance_heading, line):
            block: list[str] = []
            for text in dropwhile(lambda text: not text.strip(), lines[position + 1:]):
                if not text.strip() or heading_kind(layout, text) or matches_any(layout.attendance_heading, text) \
                        or LABEL.match(text.strip()):
                    break
                block.append(text.strip())
            if block:
                found.append("\n".join([line.strip(), *block]))
    return found


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


def matches_any(patterns: tuple[re.Pattern[str], ...], line: str) -> bool:
    return any(pattern.fullmatch(line.strip()) for pattern in patterns)


def earliest(patterns: tuple[re.Pattern[str], ...], text: str) -> re.Match[str] | None:
    """The match that starts first in the text, of any of the patterns (the top of minutes is the meeting's)."""
    found = [match for pattern in patterns if (match := pattern.search(text))]
    return min(found, key=lambda match: match.start(), default=None)


def item_heads(layout: Layout, text: str) -> list[ItemHead]:
    """Where each agenda item starts, in order, with where its text stops."""
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


UNKNOWN_COMMITTEE = "Ukendt udvalg"


# A line that reads like a decision heading: "Beslutning" and at most a committee, a date, a colon.
DECISION_HEADING_LIKE = re.compile(r"^[ \t]*beslutning\b[^\n]{0,120}$", re.IGNORECASE | re.MULTILINE)


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


def committee_of(layout: Layout, text: str, front: str, hints: SourceHints) -> str | None:
    """The committee: the front matter's (the first pattern that matches), else the decision heading's
    (Beslutning Byrådet den …), else the path's."""
    for pattern in layout.committee:
        found = pattern.search(front)
        if found and committee_name(found["committee"]):
            return committee_name(found["committee"])
    for match in decision_headings(layout, text):
        if match.groupdict().get("committee") and committee_name(match["committee"]):
            return committee_name(match["committee"])
    found = earliest(layout.committee_line, front)
    if found and committee_name(found["committee"]):
        return committee_name(found["committee"])
    return hints.committee


ELECTION_PERIOD = re.compile(r"[ \t]+\(?\d{4}[ \t]*[-–][ \t]*\d{2,4}\)?$")


def committee_name(printed: str) -> str | None:
    """The committee as printed, without the election period some sites add (Kommunalbestyrelsen 2022-25);
    None for a 'name' without a letter or digit ("---"), which would give no id."""
    name = ELECTION_PERIOD.sub("", printed.strip())
    return name if slug(name) else None


def decision_headings(layout: Layout, text: str) -> Iterator[re.Match[str]]:
    for line in text.split("\n"):
        kind, match = heading_match(layout, line)
        if kind == "beslutning":
            yield match


def date_of(layout: Layout, front: str, text: str, hints: SourceHints) -> date:
    """The meeting date: the front matter's earliest, else the decision heading's, else the path's,
    else the earliest in the whole text."""
    found = earliest(layout.date, front)
    if found is None:
        found = next((match for match in decision_headings(layout, text) if match.groupdict().get("y")), None)
    if found is None and hints.date is not None:
        return hints.date
    found = found or earliest(layout.date, text)
    if found is None:
        raise ParseError(f"no meeting date found (layout '{layout.name}')")
    groups = found.groupdict()
    month = groups.get("m") or str(MONTHS.get((groups.get("month") or "").lower(), 0))
    return _date(groups["y"], month, groups["d"])


def mentioned_municipality(text: str) -> str | None:
    """The municipality the text names most often as 'X Kommune' (Aabenraa Kommunes årsberetning)."""
    known = {name.lower(): name for name in MUNICIPALITIES}
    counts: dict[str, int] = {}
    for match in MUNICIPALITY_MENTION_RE.finditer(text):
        name = known.get(match["name"].lower()) or known.get(match.group(0).split()[0].lower())
        if name:
            counts[name] = counts.get(name, 0) + 1
    return max(counts, key=lambda name: (counts[name], -text.find(name)), default=None)


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


# A web page's table flattened to text: "Dato: |", "18-03-2019 07:45:00 |", "---|---|".
TABLE_BORDER = re.compile(r"(?m)^[ \t]*(?:-{3,}[ \t]*\|[ \t]*)+$|[ \t]*\|[ \t]*$")


def normalise_text(text: str) -> str:
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    text = TABLE_BORDER.sub("", text) if "|" in text else text
    return GLUED_HEADINGS.sub(lambda match: match["heading"] + "\n", text)


def _date(year: str, month: str, day: str) -> date:
    try:
        return date(int(year), int(month), int(day))
    except ValueError as error:
        raise ParseError(f"invalid meeting date {day}-{month}-{year}: {error}") from None


def parse_participants(names: str) -> list[Participant]:
    participants = []
    for raw in names.split(","):
        raw = raw.strip()
        if not raw:
            continue
        role = None
        match = re.match(r"^(?P<name>.*?)\s*\((?P<role>[^()]*)\)$", raw)
        if match:
            raw, role = match["name"], match["role"].strip()
        participants.append(Participant(name=raw, role=role))
    return participants


def parse_item(layout: Layout, meeting_id: str, number: int, title: str, body: str,
               case_number: str | None = None, with_centres: bool = False) -> tuple[AgendaItem, bool]:
    """One agenda item from the text under its heading; also whether the text is cut short inside it."""
    title = strip_inline_html(title)
    lines, cut = unrun_headings(layout, body.split("\n")), False
    if layout.cut_mark is not None:
        for position, line in enumerate(lines):
            if layout.cut_mark.fullmatch(line):
                lines, cut = lines[:position], True
                break
    attachments, attendance, kept = [], [], []
    in_decision, listing = False, False
    for position, line in enumerate(lines):
        if listing and LISTED.match(line.strip()):
            attendance[-1] += "\n" + line.strip()
            continue
        listing = False
        kind = heading_kind(layout, line)
        if kind:
            in_decision = kind == "beslutning"
        if in_decision and matches_any(layout.attendance, line):
            attendance.append(line.strip())
            kept.append("")
        elif in_decision and matches_any(layout.attendance_heading, line) \
                and position + 1 < len(lines) and LISTED.match(lines[position + 1].strip()):
            attendance.append(line.strip())
            listing = True
            kept.append("")
        elif matches_any(layout.noise, line):
            kept.append("")
        elif (attachment := first_fullmatch(layout.attachments, line)) is not None:
            attachments.append(attachment.group("name"))
        else:
            kept.append(line)
    printed_case, lines = take_case_number(layout, kept)
    case_number = case_number or printed_case
    closed = title.strip().lower() in ("lukket", "lukket punkt")
    sections, printed_title = split_sections(layout, lines, title)
    attachments += [line for s in sections if s.kind == "bilag" for line in s.text.split("\n") if line]
    decision_sections = [s for s in sections if s.kind == "beslutning"]
    if closed:
        decision = Decision("", [SubDecision(None, "", "lukket")])
    elif decision_sections:
        decision = parse_decision("\n\n".join(s.text for s in decision_sections if s.text),
                                  layout.decision_sub_headings)
    else:
        decision = Decision("", [SubDecision(None, "", "ingen-beslutning")])
    everything = "\n".join([title, *(s.text for s in sections)])
    item = AgendaItem(
        id=f"{meeting_id}-{number}",
        number=number,
        title=title,
        case_number=case_number,
        closed=closed,
        sections=sections,
        attachments=attachments,
        decision=decision,
        centres=find_centres(everything) if with_centres else [],
        proposers=find_proposers(sections) if with_centres else [],
        other_titles=[printed_title] if printed_title and printed_title.strip().lower() != title.strip().lower() else [],
        attendance=attendance,
    )
    return item, cut


LISTED = re.compile(r"^(?:[•\-–*·]|\d{1,2}\.)\s")  # a bulleted or numbered list entry


def unrun_headings(layout: Layout, lines: list[str]) -> list[str]:
    """A section heading that runs into its text ("Beslutning Tilbagesendes …") on a line of its own."""
    if not layout.inline_headings:
        return lines
    cut = []
    for line in lines:
        found = None if heading_kind(layout, line) else next(
            (match for pattern in layout.inline_headings if (match := pattern.match(line.strip()))), None)
        cut.extend([found["heading"], line.strip()[found.end():]] if found else [line])
    return cut


def first_fullmatch(patterns: tuple[re.Pattern[str], ...], line: str) -> re.Match[str] | None:
    stripped = line.strip()
    return next((match for pattern in patterns if (match := pattern.fullmatch(stripped))), None)


def take_case_number(layout: Layout, lines: list[str]) -> tuple[str | None, list[str]]:
    """The case number from the item's first lines (before any section), and the lines without it."""
    seen = 0
    for position, line in enumerate(lines):
        if not line.strip():
            continue
        if heading_kind(layout, line) or seen == layout.case_number_lines:
            break
        seen += 1
        found = next((match for pattern in layout.case_number if (match := pattern.match(line.strip()))), None)
        if found and CASE_VALUE_RE.match(found["case"]):  # one the case pages and filters can take
            if layout.case_number_lines == 1:  # the line right under the heading: what precedes it is blank
                return found["case"], lines[position + 1:]
            return found["case"], lines[:position] + lines[position + 1:]
    return None, lines


def heading_match(layout: Layout, line: str) -> tuple[str | None, re.Match[str] | None]:
    stripped = line.strip()
    if not stripped or len(stripped) > 200:
        return None, None
    for kind, pattern in layout.sections:
        match = pattern.fullmatch(stripped)
        if match:
            return kind, match
    return None, None


def heading_kind(layout: Layout, line: str) -> str | None:
    return heading_match(layout, line)[0]


def split_sections(layout: Layout, lines: list[str], title: str) -> tuple[list[Section], str | None]:
    """Cut the item body at section headings; take out the repeated title of the 2014-15 layout
    (returned beside the sections: it may be spelt otherwise than the agenda's title)."""
    blocks: list[tuple[str, str, list[str]]] = [("tekst", "", [])]
    for line in lines:
        kind = heading_kind(layout, line)
        if kind:
            blocks.append((kind, line.strip(), []))
        else:
            blocks[-1][2].append(line.rstrip())
    printed_title = drop_repeated_title(blocks, title) if title else None
    sections = []
    for kind, heading, block_lines in blocks:
        if kind == "bilag":
            text = "\n".join(strip_inline_html(line.strip()) for line in block_lines if line.strip())
        else:
            text = "\n\n".join(join_paragraphs(block_lines, layout.rejoin_page_breaks))
        if text or kind != "tekst":
            sections.append(Section(kind=kind, heading=heading, text=text))
    return [s for s in sections if s.text or s.kind in ("beslutning",)], printed_title


def drop_repeated_title(blocks: list[tuple[str, str, list[str]]], title: str) -> str | None:
    """In the 2014-15 layout the title is printed again right before the first content section
    (after the attachments, or alone). It looks like an attachment or a paragraph but is neither:
    it is taken out, and returned."""
    for index, (kind, _heading, block_lines) in enumerate(blocks[:-1]):
        if kind not in ("tekst", "bilag"):
            return None
        if blocks[index + 1][0] in ("tekst", "bilag"):
            continue
        non_empty = [i for i, line in enumerate(block_lines) if line.strip()]
        if non_empty and resembles(block_lines[non_empty[-1]], title):
            return strip_inline_html(block_lines.pop(non_empty[-1]).strip())
        return None
    return None


def resembles(line: str, title: str) -> bool:
    a, b = line.strip().lower(), title.strip().lower()
    return a == b or SequenceMatcher(None, a, b).ratio() >= 0.8


def strip_inline_html(text: str) -> str:
    return html.unescape(INLINE_HTML_RE.sub("", text)) if "<" in text or "&" in text else text


def join_paragraphs(lines: list[str], rejoin_page_breaks: bool = True) -> list[str]:
    """Paragraphs are separated by blank lines; one cut by a page break is joined again (in text
    extracted from print, where a paragraph ending mid-sentence was cut by the page's end)."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in [*lines, ""]:
        if line.strip():
            current.append(strip_inline_html(line.strip() if "\t" not in line else line.strip(" ")))
        elif current:
            paragraphs.append("\n".join(current))
            current = []
    joined: list[str] = []
    for paragraph in paragraphs:
        if rejoin_page_breaks and joined and cut_by_page_break(joined[-1], paragraph):
            joined[-1] = f"{joined[-1]} {paragraph}"
        else:
            joined.append(paragraph)
    return joined


def cut_by_page_break(before: str, after: str) -> bool:
    if "\t" in before or "\t" in after or before.endswith(SENTENCE_END):
        return False
    last_word = before.rsplit(None, 1)[-1].lower()
    first = after.lstrip()[:1]
    return first.islower() or last_word in DANGLING_WORDS


# Decision rules: the strongest verdict in a (sub-)decision wins, in this order. A committee that
# recommends a matter to the council ("Anbefales", "anbefales godkendt") has not decided it: anbefalet.
DECISION_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("afvist", re.compile(r"\bikke\s+(?:blevet\s+|blev\s+)?(?:godkend\w*|tiltr\w*|bevilge\w*|anbefal\w*|vedtag\w*)"
                          r"|\b(?:anbefales|godkendes|tiltrædes|vedtages)\s+ikke\b"
                          r"|\bafvis\w*|\bafvist\b|\bafslå\w*|\bafslag\b")),
    ("anbefalet", re.compile(r"\banbefale(?:s|t|de)\b|\bkan\s+anbefale\b"
                             r"|\bindstilles\s+(?:til\s+(?:godkendelse|vedtagelse)|godkendt|vedtaget)\b")),
    ("godkendt", re.compile(r"\bgodkend(?:t|te|tes|es|er)?\b|\btiltrådt\w*|(?<!der er )(?<!som er )\bbevilge(?:t|de)\b"
                            r"|\bvedtag(?:et|es)\b")),
    ("udskudt", re.compile(r"\budskudt\w*|\budskyd\w*|\budsat(?:te)?\b|\budsættes\b")),
    ("taget-til-efterretning", re.compile(r"\btil\s+efterretning\b")),
    ("droeftet", re.compile(r"\bdrøftede?\b|\bdrøftet\b|\bdrøftelse\b|\bblev\s+vendt\b")),
]
# A decision that only says there was nothing to decide.
NOTHING_DECIDED = frozenset({"", "ingen", "intet", "-", "–", "—"})
# "Ad 1. Taget til efterretning." starts the decision on the recommendation's first point.
SUB_DECISION_RE = re.compile(r"^(?P<heading>Ad\s+\d+[.)]?)\s+(?P<text>\S.*)", re.DOTALL)


# A quoted name is not a verdict: jf. punktet "Sager til efterretning".
QUOTED = re.compile(r"[\"“”„»«][^\"“”„»«\n]{1,80}[\"“”„»«]")


def classify_decision(text: str) -> str:
    lowered = QUOTED.sub(" ", text.lower())
    if lowered.strip().rstrip(".").strip() in NOTHING_DECIDED:
        return "ingen-beslutning"
    for kind, pattern in DECISION_RULES:
        if pattern.search(lowered):
            return kind
    return "andet"


def is_sub_heading(paragraph: str) -> bool:
    """A short line without end punctuation and without a verdict of its own, e.g. 'Direktionens puljer'."""
    if "\n" in paragraph or paragraph.endswith(SENTENCE_END) or paragraph.startswith(("-", "•", "·")):
        return False
    return len(paragraph.split()) <= 6 and classify_decision(paragraph) == "andet"


def parse_decision(text: str, sub_headings: bool = True) -> Decision:
    """The decision's parts: one per 'Ad N.' paragraph, and (with `sub_headings`, Direktionen's way)
    one per short unpunctuated line heading the paragraphs under it."""
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    if not paragraphs:
        return Decision("", [SubDecision(None, "", "ingen-beslutning")])
    groups: list[tuple[str | None, list[str]]] = [(None, [])]
    for index, paragraph in enumerate(paragraphs):
        followed = index + 1 < len(paragraphs) and not is_sub_heading(paragraphs[index + 1])
        point = SUB_DECISION_RE.match(paragraph)
        if point:
            groups.append((point["heading"], [point["text"]]))
        elif sub_headings and followed and is_sub_heading(paragraph):
            groups.append((paragraph, []))
        else:
            groups[-1][1].append(paragraph)
    parts = [
        SubDecision(heading, "\n\n".join(body), classify_decision("\n".join(body)))
        for heading, body in groups
        if body
    ]
    return Decision("\n\n".join(paragraphs), parts)


INDSTILLER_RE = re.compile(r"\bindstiller\b", re.IGNORECASE)


def find_proposers(sections: list[Section]) -> list[str]:
    """Centres named in the '... indstiller' sentence(s) of the item."""
    proposers: list[str] = []
    for section in sections:
        if section.kind in ("indstilling", "tekst", "baggrund", "sagsfremstilling"):
            for subject in proposer_subjects(section.text):
                proposers.extend(c for c in find_centres(subject) if c not in proposers)
    return proposers


def proposer_subjects(text: str) -> list[str]:
    """The text before each 'indstiller' back to the start of its sentence or line (or the previous
    'indstiller'). One pass: a lazy regex for the same span restarted at every character (quadratic)."""
    subjects, previous_end = [], 0
    for match in INDSTILLER_RE.finditer(text):
        start = max(previous_end, text.rfind(".", 0, match.start()) + 1, text.rfind("\n", 0, match.start()) + 1)
        subjects.append(text[start:match.start()])
        previous_end = match.end()
    return subjects
