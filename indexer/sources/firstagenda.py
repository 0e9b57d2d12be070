"""A harvested FirstAgenda Publication meeting (`<date>.firstagenda.json`) -> a `Meeting`. Pure: no I/O.

The stored file holds the meeting's `udvalgsliste` entry ("listing"), its `dagsorden` response ("agenda")
and where the harvester put each attachment's PDF (shapes and traps: /work/shared/notes/firstagenda.md).
Items come out as the text parser's do: the base layout's section kinds, `parse_decision`, `rule_attendance`.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from html import escape
from typing import Any

from ..layouts import MONTHS, SECTION_KINDS, get_layout
from ..model import (AGENDA, MINUTES, AgendaItem, AttachmentFile, Decision, Meeting, Participant, Section,
                     SubDecision, item_id, slug)
from ..parse import ParseError, heading_kind, parse_decision
from ..parsing.decisions import no_decision
from ..parsing.draft import ItemDraft
from ..parsing.header import committee_name
from ..parsing.items import rule_attendance
from .html_sections import RawSection, clean, html_sections, paragraphs

FORMAT = "firstagenda-meeting/1"
LAYOUT_NAME = "firstagenda"
ZERO_GUID = "00000000-0000-0000-0000-000000000000"
# FirstAgenda items are headed as the general reader reads any minutes: its (the base) section patterns name kinds.
SECTION_LAYOUT = get_layout("generel")
# FirstAgenda's headings the base patterns do not read (Sagsbeskrivelse, Beslutningstema, Økonomi, Sagens
# forløb … they do), or read as "andet" (Supplerende sagsfremstilling): looked up first.
FIRSTAGENDA_KINDS = {
    "forvaltningen indstiller": "indstilling", "administrationen indstiller": "indstilling",
    "supplerende sagsfremstilling": "sagsfremstilling", "præsentation": "resume", "retsgrundlag": "lovgrundlag",
}
# "Beslutning", "Beslutning i Økonomiudvalget den 16-03-2026"; not "Beslutningstema", "Beslutningskompetence".
DECISION_HEADING = re.compile(r"beslutning\b", re.IGNORECASE)
HEADING_DATE = re.compile(r"\b(?P<d>\d{1,2})[-./](?P<m>\d{1,2})[-./](?P<y>\d{4})\b"
                          rf"|\b(?P<d2>\d{{1,2}})\.\s*(?P<month>{'|'.join(MONTHS)})\s+(?P<y2>\d{{4}})\b", re.IGNORECASE)
# "Lukket: " on closed items; "15. " where a municipality numbers its titles (not "1. behandling af …").
TITLE_PREFIX = re.compile(r"^(?:(?i:lukket)\s*:\s*|\d{1,3}\.\s+(?=[A-ZÆØÅ\"»(])(?!(?i:behandling)\b))+")
LEADING_PUNCTUATION = re.compile(r"^[\s.,;:·•_–—-]+")  # ".Lokalplan 236"
HOST = re.compile(r"^https?://[^/\s?#]+$")


def read_meeting(data: bytes, source: str) -> Meeting:
    """The meeting in one stored `*.firstagenda.json` file; `source` is its path relative to the corpus
    folder (POSIX). Raises ParseError with a one-line reason when the file is malformed."""
    stored = load_stored(data)
    host, municipality, committee = (required(stored, key, str) for key in ("host", "municipality", "committee"))
    # One committee across election periods (Teknik- og Miljøudvalget 2022-2025), as the text parser names it.
    committee = committee_name(committee) or committee
    if not HOST.match(host := host.rstrip("/")):
        raise ParseError(f"host is not a scheme and a host name: {host!r}")
    listing, agenda, files = (required(stored, key, dict) for key in ("listing", "agenda", "attachments"))
    moede = agenda["Moede"] if isinstance(agenda.get("Moede"), dict) else {}
    raw_items = agenda.get("Dagsordenpunkter")
    if not isinstance(raw_items, list) or not raw_items or not all(isinstance(raw, dict) for raw in raw_items):
        raise ParseError("agenda.Dagsordenpunkter is " + ("missing" if raw_items is None else "not a list of items"))
    guid = agenda.get("Id")  # the meeting's; Moede.Id is the zero GUID
    if not isinstance(guid, str) or not guid.strip() or guid == ZERO_GUID:
        raise ParseError("agenda.Id is missing: the meeting's GUID")
    starts = meeting_start(listing, moede)
    meeting_id = "-".join(part for part in (slug(municipality), slug(committee), starts.date().isoformat()) if part)
    entries = [(raw, *item_text(raw)) for raw in sorted_items(raw_items)]
    decided_here = any(s.text and is_decision_heading(s) and not s.in_history
                       and heading_date(s.heading) in (None, starts.date())
                       for _, sections, _ in entries for s in sections)
    context = Context(meeting_id, host, f"{host}/vis?id={guid.strip()}", source, files,
                      MINUTES if says_minutes(listing, moede) or decided_here else AGENDA, starts.date())
    items = [build_item(number, *entry, context) for number, entry in enumerate(entries, 1)]
    if context.status == MINUTES and any(not i.closed for i in items) and not any(i.decision.text for i in items):
        context.warnings.append("the meeting is minutes, but no item has a decision section")
    present, absent = participants(moede)
    return Meeting(
        id=meeting_id, committee=committee, date=starts.date(),
        # A meeting at midnight is a date without a time.
        start_time=None if (starts.hour, starts.minute) == (0, 0) else f"{starts:%H:%M}",
        location=clean(listing.get("Sted") or moede.get("Sted")) or None,
        participants=present, source=source, items=items, warnings=context.warnings,
        municipality=municipality, layout=LAYOUT_NAME, attendance=[f"Afbud: {', '.join(absent)}"] if absent else [],
        status=context.status, published_url=context.link,
    )


# -- the file and the meeting's keys -------------------------------------------------------------

def load_stored(data: bytes) -> dict:
    try:
        stored = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ParseError("not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise ParseError(f"not JSON: {error.msg} at line {error.lineno} column {error.colno}") from None
    if not isinstance(stored, dict):
        raise ParseError("not a FirstAgenda meeting file: the top level is not an object")
    if stored.get("format") != FORMAT:
        raise ParseError(f"format is {stored.get('format')!r}, not {FORMAT!r}")
    return stored


def required(stored: dict, key: str, kind: type[str] | type[dict]) -> Any:
    value = stored.get(key)
    if not isinstance(value, kind) or (kind is str and not value.strip()):
        wrong = "not a text" if kind is str else "not an object"
        raise ParseError(f"{key} is {'missing' if value is None else wrong}")
    return value.strip() if kind is str else value


def meeting_start(listing: dict, moede: dict) -> datetime:
    """The local start: the ISO strings carry the municipality's own offset ("…Utc" is not UTC)."""
    for where, parent, key in (("listing.Dato", listing, "Dato"),
                               ("listing.MeetingBeginUtc", listing, "MeetingBeginUtc"),
                               ("agenda.Moede.Dato", moede, "Dato")):
        if parent.get(key) is not None:
            try:
                return datetime.fromisoformat(parent[key])
            except (TypeError, ValueError):
                raise ParseError(f"{where} is not a date: {parent[key]!r}") from None
    raise ParseError("no meeting date: listing.Dato, listing.MeetingBeginUtc and agenda.Moede.Dato are missing")


def says_minutes(listing: dict, moede: dict) -> bool:
    # Middelfart's minutes keep Navn "Dagsorden" but are Afsluttet; Hvidovre's are named "Referat".
    name = listing.get("Navn") or moede.get("Navn")
    return flag(listing.get("Afsluttet")) is True or flag(moede.get("Afsluttet")) is True \
        or clean(name).lower().startswith(("referat", "lukket referat"))


def participants(moede: dict) -> tuple[list[Participant], list[str]]:
    """Those who came, and the names of those who sent apologies (Absent or ParticipationCancelled)."""
    present, absent = [], []
    for person in moede.get("Moededeltagere") or []:
        name = clean(person.get("Name")) if isinstance(person, dict) else ""
        if name and True in (flag(person.get("Absent")), flag(person.get("ParticipationCancelled"))):
            absent.append(name)
        elif name:
            present.append(Participant(name))
    return present, absent


def sorted_items(raw_items: list[dict]) -> list[dict]:
    """In `Sorting` order (Number/Punktnummer is the year's running case number); without one, last."""
    # type() is int: not a bool (true would sort as 1)
    return sorted(raw_items, key=lambda raw: raw.get("Sorting") if type(raw.get("Sorting")) is int else 1 << 30)


def flag(value: object) -> bool | None:
    """A FirstAgenda boolean, which some keys write as a string ("HarPdfVersion": "true"); None if neither."""
    return {"true": True, "false": False}.get(str(value).strip().lower()) if isinstance(value, (bool, str)) else None


# -- an item -------------------------------------------------------------------------------------

@dataclass(slots=True)
class Context:  # what every item of one meeting is read with
    meeting_id: str
    host: str
    link: str  # the meeting's page
    source: str
    files: dict  # Bilag.Id -> the stored PDF's path relative to the meeting file's folder, or None
    status: str
    date: date
    warnings: list[str] = field(default_factory=list)


def is_closed(raw: dict) -> bool:
    return flag(raw.get("IsOpen")) is False  # its text is not public: a stub Felt with the zero GUID


def item_text(raw: dict) -> tuple[list[RawSection], list[str]]:
    """An open item's sections as its Felter give them, and why a Felt could not be read."""
    sections, unreadable = [], []
    if is_closed(raw):
        return sections, unreadable
    for index, felt in enumerate(raw.get("Felter") or []):
        felt = felt if isinstance(felt, dict) else {"Html": felt}
        html, tekst = felt.get("Html") or "", felt.get("Tekst") or ""
        if not isinstance(html, str) or not isinstance(tekst, str):
            unreadable.append(f"Felter[{index}] is not text")
            continue
        try:  # Tekst (never seen filled) is taken as plain text: its lines become paragraphs
            sections.extend(html_sections(html + "".join(f"<p>{escape(line)}</p>" for line in tekst.splitlines())))
        except AssertionError as error:  # html.parser's answer to a malformed <![…]> declaration
            unreadable.append(f"Felter[{index}].Html: {error}")
    return sections, unreadable


def build_item(number: int, raw: dict, raw_sections: list[RawSection], unreadable: list[str],
               context: Context) -> AgendaItem:
    closed, title = is_closed(raw), TITLE_PREFIX.sub("", clean(raw.get("Navn") or raw.get("Caption"))).strip()
    if not title and not closed:
        context.warnings.append(f"item {number} has no title (Navn, Caption)")
    title = title or ("Lukket punkt" if closed else "Uden titel")
    context.warnings.extend(f"item {number} ({title}): its text could not be read: {why}" for why in unreadable)
    sections, decision, attendance = item_sections(raw_sections, closed, context)
    guid = raw.get("Id") if isinstance(raw.get("Id"), str) and raw.get("Id") != ZERO_GUID else None
    titles, files = [], []
    for bilag in (b for b in raw.get("Bilag") or [] if isinstance(b, dict)):
        name = LEADING_PUNCTUATION.sub("", clean(bilag.get("Navn"))) or "Bilag"
        titles.append(name)
        bilag_id = bilag.get("Id")
        # A closed item's documents are sealed: the harvester fetches none.
        if flag(bilag.get("HarPdfVersion")) and isinstance(bilag_id, str) and bilag_id != ZERO_GUID and not closed:
            path = stored_path(bilag_id, f"item {number} ({title}): attachment '{name}'", context)
            files.append(AttachmentFile(name, f"{context.host}/vis/pdf/bilag/{bilag_id}/?redirectDirectlyToPdf=true",
                                        path))
    return AgendaItem(
        id=item_id(context.meeting_id, number), number=number, title=title,
        case_number=clean(raw.get("SagsNummer") or raw.get("CaseNumber")), closed=closed,
        sections=sections, attachments=titles, decision=decision, centres=[], proposers=[], attendance=attendance,
        # Never a #fragment: the platform reads it as the meeting's id.
        published_url=f"{context.link}&punktid={guid}" if guid else None,
        published_pdf=item_pdf(raw), attachment_files=files,
    )


def stored_path(bilag_id: str, what: str, context: Context) -> str | None:
    """Where the harvester put the attachment's PDF, relative to the corpus folder; None if it did not."""
    relative = context.files.get(bilag_id)
    if relative is not None and not isinstance(relative, str):
        raise ParseError(f"attachments[{bilag_id!r}] is not a path")
    if not relative:
        context.warnings.append(f"{what} was not fetched")
        return None
    if posixpath.isabs(relative) or posixpath.normpath(relative).startswith(".."):
        context.warnings.append(f"{what}: its path {relative!r} leaves the meeting's folder; not read")
        return None
    return posixpath.normpath(posixpath.join(posixpath.dirname(context.source), relative))


def item_pdf(raw: dict) -> str | None:
    """The PDF of the item's text: a Felt's Link, unless its document is the zero GUID (sealed)."""
    links = (clean(felt.get("Link")) for felt in raw.get("Felter") or []
             if isinstance(felt, dict) and felt.get("DocumentId") not in (None, "", ZERO_GUID))
    return next((link for link in links if link), None)


def item_sections(raw_sections: list[RawSection], closed: bool,
                  context: Context) -> tuple[list[Section], Decision, list[str]]:
    """The sections with their kinds, the decision, and the attendance lines taken out of it."""
    if closed:  # as the text parser has a closed item
        return [], Decision("", [SubDecision(None, "", "lukket")]), []
    candidates = [s for s in raw_sections if is_decision_heading(s) and not s.in_history]
    chosen = choose_decision(candidates, context.date) if context.status == MINUTES else None
    sections, decision, attendance = [], no_decision(), []
    for raw in raw_sections:
        if raw is chosen:
            # Who was absent or took no part is kept out of the decision, by the text parser's own rule.
            draft = rule_attendance(SECTION_LAYOUT, ItemDraft(meeting_id="", number=0, title="", municipality=None,
                                                              lines=["Beslutning", *raw.text.split("\n")]))
            text = paragraphs("\n".join(draft.lines[1:]))
            attendance, decision = draft.attendance, parse_decision(text, SECTION_LAYOUT.decision_sub_headings)
            sections.append(Section("beslutning", raw.heading, text))
        elif raw.text:
            # A quoted earlier decision is not this meeting's (and an agenda shows no decision).
            kind = "andet" if is_decision_heading(raw) else section_kind(raw.heading)
            sections.append(Section(kind, raw.heading, raw.text))
    return sections, decision, attendance


def is_decision_heading(section: RawSection) -> bool:
    return bool(section.heading) and (bool(DECISION_HEADING.match(section.heading))
                                      or heading_kind(SECTION_LAYOUT, section.heading) == "beslutning")


def choose_decision(candidates: list[RawSection], meeting_date: date) -> RawSection | None:
    """The item's own decision: the last undated ("Beslutning"), else the last dated the meeting's day,
    else the last of all (an item quotes earlier committees' decisions before its own)."""
    undated = [s for s in candidates if heading_date(s.heading) is None]
    same_day = [s for s in candidates if heading_date(s.heading) == meeting_date]
    return (undated or same_day or candidates or [None])[-1]


def heading_date(heading: str) -> date | None:
    """The date a heading names ("… den 16-03-2026", "… den 16. marts 2026"), if any."""
    found = HEADING_DATE.search(heading)
    if found is None:
        return None
    month = int(found["m"]) if found["m"] else MONTHS[found["month"].lower()]
    try:
        return date(int(found["y"] or found["y2"]), month, int(found["d"] or found["d2"]))
    except ValueError:
        return date.min  # a date that is no date is no meeting's day


def section_kind(heading: str) -> str:
    """FirstAgenda's own headings, then the base layout's section patterns, then the heading as a kind."""
    if not heading:
        return "tekst"
    kind = FIRSTAGENDA_KINDS.get(clean(heading).rstrip(":").lower()) or heading_kind(SECTION_LAYOUT, heading)
    return kind or (slug(heading) if slug(heading) in SECTION_KINDS else "andet")
