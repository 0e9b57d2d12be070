"""Pure parser: the text of one minutes document in, a `Meeting` out. No I/O here.

The document is processed by small rules run in order, in the manner of a block parser:
header -> split into items -> per item: case number, sections, repeated title, paragraphs
(page-break rejoin), attachments, decision, centres, proposers.
"""

from __future__ import annotations

import html
import re
from datetime import date
from difflib import SequenceMatcher

from .centres import find_centres
from .model import CASE_RE, AgendaItem, Decision, Meeting, Participant, Section, SubDecision


class ParseError(ValueError):
    """The text is not minutes in the expected format; the message says why."""


MONTHS = {
    "januar": 1, "februar": 2, "marts": 3, "april": 4, "maj": 5, "juni": 6,
    "juli": 7, "august": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
}

HEADER_RE = re.compile(r"^REFERAT\s+(?P<committee>.+?)\s+d\.\s*(?P<d>\d{1,2})-(?P<m>\d{1,2})-(?P<y>\d{4})\s*$",
                       re.MULTILINE)
MEETING_DATE_RE = re.compile(
    r"^Mødedato\s+(?:\w+\s+)?d\.\s*(?P<d>\d{1,2})\.\s*(?P<month>\w+)\s+(?P<y>\d{4})"
    r"(?:\s+kl\.\s*(?P<hh>\d{1,2})[:.](?P<mm>\d{2}))?", re.MULTILINE)
LOCATION_RE = re.compile(r"^Mødested\s+(?P<location>.+?)\s*$", re.MULTILINE)
PARTICIPANTS_RE = re.compile(r"^Mødedeltagere\s+(?P<names>.+?)\s*$", re.MULTILINE)
ITEM_RE = re.compile(r"^Punkt\s+(?P<number>\d+)\s*:\s*(?P<title>.*?)\s*$", re.MULTILINE)
CONTENTS_HEADING_RE = re.compile(r"^Indholdsfortegnelse\s*$", re.MULTILINE | re.IGNORECASE)
# A contents line: the title, then dot leaders and/or a TAB, then the page number.
CONTENTS_ENTRY_RE = re.compile(r"^\S.*?(?:\.{2,}\s*|\t\s*)\d+\s*$", re.MULTILINE)

# Section headings, matched against a whole line, case-insensitively (2014-15 print them in
# UPPER case). The decision heading carries the committee and the date.
SECTION_HEADINGS: list[tuple[str, re.Pattern[str]]] = [
    ("bilag", re.compile(r"bilag", re.IGNORECASE)),
    ("baggrund", re.compile(r"baggrund", re.IGNORECASE)),
    ("indstilling", re.compile(r"indstilling", re.IGNORECASE)),
    ("beslutning", re.compile(r"beslutning\s+\S+(?:\s+\S+)?\s+den\s+\d{1,2}-\d{1,2}-\d{4}", re.IGNORECASE)),
    ("sagsfremstilling", re.compile(r"sagsfremstilling", re.IGNORECASE)),
    ("oekonomi", re.compile(r"økonomi", re.IGNORECASE)),
]

INLINE_HTML_RE = re.compile(r"</?(?:i|b|u|em|strong|span|p|sup|sub|br|font|a)\b[^<>]*>", re.IGNORECASE)
SENTENCE_END = (".", "!", "?", ":", ";", ")", "\"", "”", "»")
# Words a sentence or heading does not end with; a paragraph ending in one was cut by a page break.
DANGLING_WORDS = frozenset(
    "og i til er at af på for med om en et den det de som der samt eller men fra ved hvor "
    "skal vil kan har blev bliver under over efter mod end så da når hvis".split())


def parse_minutes(text: str, source: str = "") -> Meeting:
    """Parse one minutes document. Raises ParseError naming the reason."""
    text = normalise_text(text)
    if not text.strip():
        raise ParseError("empty document")
    header = HEADER_RE.search(text)
    if not header:
        raise ParseError("not minutes: no 'REFERAT <udvalg> d. DD-MM-YYYY' header")
    committee = header["committee"].strip()
    meeting_date = _date(header["y"], header["m"], header["d"])
    start_time = None
    when = MEETING_DATE_RE.search(text)
    if when:
        if when["hh"]:
            start_time = f"{int(when['hh']):02d}:{when['mm']}"
    location = LOCATION_RE.search(text)
    participants = PARTICIPANTS_RE.search(text)
    heads = list(ITEM_RE.finditer(text))
    if not heads:
        raise ParseError("not minutes: no agenda items ('Punkt N: ...')")
    numbers = [int(head["number"]) for head in heads]
    repeated = sorted({n for n in numbers if numbers.count(n) > 1})
    if repeated:  # two items at one address would hide one of them
        raise ParseError(f"agenda item number {repeated[0]} appears more than once")
    meeting_id = f"{slug(committee)}-{meeting_date.isoformat()}"
    items = []
    for index, head in enumerate(heads):
        end = heads[index + 1].start() if index + 1 < len(heads) else len(text)
        body = text[head.end():end]
        items.append(parse_item(meeting_id, int(head["number"]), head["title"], body))
    return Meeting(
        id=meeting_id,
        committee=committee,
        date=meeting_date,
        start_time=start_time,
        location=location["location"] if location else None,
        participants=parse_participants(participants["names"]) if participants else [],
        source=source,
        items=items,
        warnings=contents_warnings(text[:heads[0].start()], items),
    )


def contents_warnings(front_matter: str, items: list[AgendaItem]) -> list[str]:
    """A contents list that names more items than the file holds means the file was cut off (or an
    item heading is misprinted): the items found are still indexed, and the reader is told."""
    heading = CONTENTS_HEADING_RE.search(front_matter)
    if heading is None:
        return []
    listed = len(CONTENTS_ENTRY_RE.findall(front_matter, heading.end()))
    if listed <= len(items):
        return []
    return [f"the contents list names {listed} items but the file holds {len(items)} "
            f"(the last is item {items[-1].number}); it may be cut off"]


def normalise_text(text: str) -> str:
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def slug(text: str) -> str:
    folded = text.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")


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


def parse_item(meeting_id: str, number: int, title: str, body: str) -> AgendaItem:
    title = strip_inline_html(title)
    lines = body.split("\n")
    case_number = None
    for position, line in enumerate(lines):
        if line.strip():
            if CASE_RE.match(line.strip()):
                case_number = line.strip()
                lines = lines[position + 1:]
            break
    closed = title.strip().lower() == "lukket"
    sections, printed_title = split_sections(lines, title)
    attachments = [line for s in sections if s.kind == "bilag" for line in s.text.split("\n") if line]
    decision_sections = [s for s in sections if s.kind == "beslutning"]
    if closed:
        decision = Decision("", [SubDecision(None, "", "lukket")])
    elif decision_sections:
        decision = parse_decision("\n\n".join(s.text for s in decision_sections))
    else:
        decision = Decision("", [SubDecision(None, "", "ingen-beslutning")])
    everything = "\n".join([title, *(s.text for s in sections)])
    return AgendaItem(
        id=f"{meeting_id}-{number}",
        number=number,
        title=title,
        case_number=case_number,
        closed=closed,
        sections=sections,
        attachments=attachments,
        decision=decision,
        centres=find_centres(everything),
        proposers=find_proposers(sections),
        other_titles=[printed_title] if printed_title and printed_title.strip().lower() != title.strip().lower() else [],
    )


def heading_kind(line: str) -> str | None:
    stripped = line.strip()
    for kind, pattern in SECTION_HEADINGS:
        if pattern.fullmatch(stripped):
            return kind
    return None


def split_sections(lines: list[str], title: str) -> tuple[list[Section], str | None]:
    """Cut the item body at section headings; take out the repeated title of the 2014-15 layout
    (returned beside the sections: it may be spelt otherwise than the agenda's title)."""
    blocks: list[tuple[str, str, list[str]]] = [("tekst", "", [])]
    for line in lines:
        kind = heading_kind(line)
        if kind:
            blocks.append((kind, line.strip(), []))
        else:
            blocks[-1][2].append(line.rstrip())
    printed_title = drop_repeated_title(blocks, title)
    sections = []
    for kind, heading, block_lines in blocks:
        if kind == "bilag":
            text = "\n".join(strip_inline_html(line.strip()) for line in block_lines if line.strip())
        else:
            text = "\n\n".join(join_paragraphs(block_lines))
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


def join_paragraphs(lines: list[str]) -> list[str]:
    """Paragraphs are separated by blank lines; one cut by a page break is joined again."""
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
        if joined and cut_by_page_break(joined[-1], paragraph):
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


# Decision rules: the strongest verdict in a (sub-)decision wins, in this order.
DECISION_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("afvist", re.compile(r"\bikke\s+(?:blevet\s+|blev\s+)?(?:godkend\w*|tiltr\w*|bevilge\w*)|\bafvis\w*|\bafvist\b|\bafslå\w*|\bafslag\b")),
    ("godkendt", re.compile(r"\bgodkend(?:t|te|tes|es|er)?\b|\btiltrådt\w*|\bbevilge(?:t|de)\b|\bvedtag(?:et|es)\b")),
    ("udskudt", re.compile(r"\budskudt\w*|\budskyd\w*|\budsat(?:te)?\b|\budsættes\b")),
    ("taget-til-efterretning", re.compile(r"\btil\s+efterretning\b")),
    ("droeftet", re.compile(r"\bdrøftede?\b|\bdrøftet\b|\bblev\s+vendt\b")),
]


def classify_decision(text: str) -> str:
    lowered = text.lower()
    for kind, pattern in DECISION_RULES:
        if pattern.search(lowered):
            return kind
    return "andet"


def is_sub_heading(paragraph: str) -> bool:
    """A short line without end punctuation and without a verdict of its own, e.g. 'Direktionens puljer'."""
    if "\n" in paragraph or paragraph.endswith(SENTENCE_END) or paragraph.startswith(("-", "•", "·")):
        return False
    return len(paragraph.split()) <= 6 and classify_decision(paragraph) == "andet"


def parse_decision(text: str) -> Decision:
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    if not paragraphs:
        return Decision("", [SubDecision(None, "", "ingen-beslutning")])
    groups: list[tuple[str | None, list[str]]] = [(None, [])]
    for index, paragraph in enumerate(paragraphs):
        followed = index + 1 < len(paragraphs) and not is_sub_heading(paragraphs[index + 1])
        if followed and is_sub_heading(paragraph):
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
