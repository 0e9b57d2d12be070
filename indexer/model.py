"""Domain objects: what a minutes document is made of, independent of any engine."""

from __future__ import annotations

import re

from dataclasses import dataclass, field
from datetime import date

# A case number as the minutes print it, e.g. 14/32918: two-digit year, slash, serial. The one
# definition: the parser, the tokenizer, the query language and request validation all build on it.
CASE_NUMBER = r"[0-9]{2}/[0-9]{1,6}"
CASE_RE = re.compile(rf"^{CASE_NUMBER}$")  # a whole string that is one case number
# Any municipality's case number as its minutes print it: 14/32918, 249050, 330-2018-3619,
# 85.02.02-G01-5-17 (a KLE journal number). What a case facet value or a case address may hold.
CASE_VALUE = r"[0-9A-Za-zÆØÅæøå][0-9A-Za-zÆØÅæøå./-]{0,59}"
CASE_VALUE_RE = re.compile(rf"^{CASE_VALUE}$")


# An item's id: its meeting's id (municipality, committee and date as slugs) and its number.
ITEM_ID_RE = re.compile(r"^(?P<meeting>[\w-]+-\d{4}-\d{2}-\d{2})-(?P<number>\d{1,4})$")


def item_id(meeting_id: str, number: int) -> str:
    return f"{meeting_id}-{number}"


DANISH_MONTHS = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september",
                 "oktober", "november", "december")
WEEKDAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")


def danish_date(day: date) -> str:
    """date(2018, 11, 5) -> '5. november 2018' (the pages', the messages' and the alerts' way)."""
    return f"{day.day}. {DANISH_MONTHS[day.month - 1]} {day.year}"


def slug(text: str) -> str:
    """A name as it stands in ids and addresses: Høje-Taastrup → hoeje-taastrup."""
    folded = text.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")


@dataclass(slots=True)
class Participant:
    name: str
    role: str | None = None


@dataclass(slots=True)
class Section:
    """One headed part of an agenda item, e.g. Baggrund or the decision."""

    kind: str  # slug: a [sections] kind of the layouts, or UNHEADED (indexer.layouts.SECTION_KINDS)
    heading: str  # the heading as printed in the minutes
    text: str  # paragraphs separated by a blank line


@dataclass(slots=True)
class SubDecision:
    """A decision, or one part of a decision split by sub-headings."""

    heading: str | None
    text: str
    type: str  # slug from DECISION_TYPES


@dataclass(slots=True)
class Vote:
    """A vote printed in a decision: the parties (letters or names as printed; members' names when no
    party is given) that voted for, against and abstained, the numbers where printed, and the text it
    was read from. `reserved`: parties that reserved their position ("tog forbehold"), not a vote."""

    in_favour: list[str] = field(default_factory=list)
    against: list[str] = field(default_factory=list)
    abstained: list[str] = field(default_factory=list)
    in_favour_count: int | None = None
    against_count: int | None = None
    abstained_count: int | None = None
    reserved: list[str] = field(default_factory=list)
    text: str = ""


@dataclass(slots=True)
class Decision:
    text: str = ""
    parts: list[SubDecision] = field(default_factory=list)
    vote: Vote | None = None  # when the decision prints one (`indexer.parsing.votes`)

    @property
    def types(self) -> list[str]:
        """Distinct decision types in order of first appearance."""
        return list(dict.fromkeys(part.type for part in self.parts))


@dataclass(slots=True)
class AttachmentFile:
    """An attachment (bilag) published as a file of its own, as a harvested meeting has them."""

    title: str
    url: str | None = None  # where the municipality publishes it
    path: str | None = None  # the harvested copy, relative to the corpus folder; its text is indexed


@dataclass(slots=True)
class AgendaItem:
    id: str
    number: int
    title: str
    case_number: str
    closed: bool
    sections: list[Section]
    attachments: list[str]
    decision: Decision
    centres: list[str]
    proposers: list[str]
    # The title as printed again inside the item where it differs from the agenda's (2015-12-07
    # item 3 is "Økonomifølgning" on the agenda, "Økonomiopfølgning" inside): searched as the title.
    other_titles: list[str] = field(default_factory=list)
    page: int | None = None  # the page of the source PDF the item starts on; None for a text file
    # Lines saying who was absent or took no part (Afbud: …, X deltog ikke …), kept out of the decision.
    attendance: list[str] = field(default_factory=list)
    # Where the municipality publishes the item (a harvested meeting's): its page, and its text as PDF.
    published_url: str | None = None
    published_pdf: str | None = None
    attachment_files: list[AttachmentFile] = field(default_factory=list)
    recognised: bool = False  # its text was read by text recognition from a scan: it may hold errors


@dataclass(slots=True)
class Meeting:
    id: str
    committee: str
    date: date
    start_time: str | None
    location: str | None
    participants: list[Participant]
    source: str
    items: list[AgendaItem]
    # What a reader should know although the file parsed, e.g. that it looks cut off.
    warnings: list[str] = field(default_factory=list)
    pages: int | None = None  # of the source PDF; None for a text file
    municipality: str | None = None  # as it writes its name; None when neither layout, path nor text says
    layout: str = ""  # the name of the layout it was read with (indexer/layouts)
    attendance: list[str] = field(default_factory=list)  # the meeting's own Fraværende:/Afbud: lines
    # MINUTES, or AGENDA: published before the meeting, nothing decided yet (replaced by its minutes).
    status: str = "referat"
    published_url: str | None = None  # the meeting's page where the municipality publishes it
    recognised_pages: int = 0  # of the source PDF, read by text recognition (scanned pages)


MINUTES, AGENDA = "referat", "dagsorden"  # Meeting.status


# Danish labels for decision type slugs; the order is the display order.
DECISION_TYPES: dict[str, str] = {
    "godkendt": "Godkendt",
    "anbefalet": "Anbefalet",
    "taget-til-efterretning": "Taget til efterretning",
    "droeftet": "Drøftet",
    "udskudt": "Udskudt",
    "afvist": "Afvist",
    "lukket": "Lukket punkt",
    "ingen-beslutning": "Ingen beslutning",
    "andet": "Anden beslutning",
}


def meeting_to_dict(meeting: Meeting) -> dict:
    """The documented JSON shape of a meeting (see README, "Parse JSON")."""
    return {
        "id": meeting.id,
        "municipality": meeting.municipality,
        "committee": meeting.committee,
        "date": meeting.date.isoformat(),
        "start_time": meeting.start_time,
        "location": meeting.location,
        "participants": [{"name": p.name, "role": p.role} for p in meeting.participants],
        "attendance": meeting.attendance,
        "layout": meeting.layout,
        "status": meeting.status,
        "published_url": meeting.published_url,
        "source": meeting.source,
        "pages": meeting.pages,
        "recognised_pages": meeting.recognised_pages,
        "items": [item_to_dict(item) for item in meeting.items],
    }


def vote_to_dict(vote: Vote | None) -> dict | None:
    if vote is None:
        return None
    return {"in_favour": vote.in_favour, "against": vote.against, "abstained": vote.abstained,
            "in_favour_count": vote.in_favour_count, "against_count": vote.against_count,
            "abstained_count": vote.abstained_count, "reserved": vote.reserved, "text": vote.text}


def item_to_dict(item: AgendaItem) -> dict:
    return {
        "id": item.id,
        "number": item.number,
        "title": item.title,
        "other_titles": item.other_titles,
        "page": item.page,
        "case_number": item.case_number,
        "closed": item.closed,
        "decision": {
            "text": item.decision.text,
            "types": item.decision.types,
            "parts": [
                {"heading": p.heading, "text": p.text, "type": p.type} for p in item.decision.parts
            ],
            "vote": vote_to_dict(item.decision.vote),
        },
        "centres": item.centres,
        "proposers": item.proposers,
        "attendance": item.attendance,
        "attachments": item.attachments,
        "attachment_files": [{"title": a.title, "url": a.url} for a in item.attachment_files],
        "published_url": item.published_url,
        "published_pdf": item.published_pdf,
        "recognised": item.recognised,
        "sections": [{"kind": s.kind, "heading": s.heading, "text": s.text} for s in item.sections],
    }
