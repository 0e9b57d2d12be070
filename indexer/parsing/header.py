"""The meeting's header fields: committee, date, start time, place, participants, municipality, and the
meeting's own attendance lines. Each is read from the front matter (the text before the first item)
first, and from what the path says (`SourceHints`) where the text is silent."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from itertools import dropwhile

from ..layouts import MONTHS, MUNICIPALITIES, Layout
from ..model import Participant, slug
from .errors import ParseError
from .lines import earliest, heading_kind, heading_match, matches_any

UNKNOWN_COMMITTEE = "Ukendt udvalg"
ELECTION_PERIOD = re.compile(r"[ \t]+\(?\d{4}[ \t]*[-–][ \t]*\d{2,4}\)?$")
MUNICIPALITY_MENTION_RE = re.compile(r"\b(?P<name>[A-ZÆØÅ][\w-]+?)s?\s+(?:Kommunes?|Regionskommunes?)\b")
LABEL = re.compile(r"[A-ZÆØÅ][\wæøå ]{0,30}:")  # "Mødested: …": another field, not a name


@dataclass(frozen=True, slots=True)
class SourceHints:
    """What a file's path says about it (`corpus/<kommune>/<udvalg>/YYYY-MM-DD.txt`): used where the text
    is silent (a page without the municipality's name, a date printed without its year)."""

    municipality: str | None = None
    committee: str | None = None
    date: date | None = None


@dataclass(frozen=True, slots=True)
class MeetingHeader:
    """What the minutes say about the meeting itself, before its items."""

    committee: str
    date: date
    municipality: str | None
    start_time: str | None
    location: str | None
    participants: list[Participant]
    attendance: list[str]
    warnings: list[str]

    @property
    def meeting_id(self) -> str:
        return "-".join(part for part in (slug(self.municipality or ""), slug(self.committee), self.date.isoformat())
                        if part)


def read_header(layout: Layout, text: str, front: str, hints: SourceHints) -> MeetingHeader:
    """The header fields of the minutes whose text before the first item is `front`."""
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
    return MeetingHeader(
        committee=committee,
        date=meeting_date,
        municipality=municipality,
        start_time=f"{int(time['hh']):02d}:{time['mm']}" if time else None,
        location=location["location"].strip() if location else None,
        participants=parse_participants(participants["names"]) if participants else [],
        attendance=meeting_attendance(layout, front),
        warnings=warnings,
    )


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
    found = labelled_date(layout, front) or earliest(layout.date, front)
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


# A line that says it gives the meeting's date; a site's navigation may print other dates before it
# ("Dagsordener og referater fra efter den 10. februar 2016").
DATE_LABEL = re.compile(r"[ \t]*(?:Mødedato|Dato|Mødedag|Starttidspunkt(?:[ \t]+for[ \t]+møde)?|Mødetidspunkt)\b", re.IGNORECASE)


def labelled_date(layout: Layout, front: str) -> re.Match[str] | None:
    """The earliest date on a line labelled as the meeting's date."""
    found = [match for pattern in layout.date for match in pattern.finditer(front)
             if DATE_LABEL.match(front, front.rfind("\n", 0, match.start() + 1) + 1)]
    return min(found, key=lambda match: match.start(), default=None)


def _date(year: str, month: str, day: str) -> date:
    try:
        return date(int(year), int(month), int(day))
    except ValueError as error:
        raise ParseError(f"invalid meeting date {day}-{month}-{year}: {error}") from None


def mentioned_municipality(text: str) -> str | None:
    """The municipality the text names most often as 'X Kommune' (Aabenraa Kommunes årsberetning)."""
    known = {name.lower(): name for name in MUNICIPALITIES}
    counts: dict[str, int] = {}
    for match in MUNICIPALITY_MENTION_RE.finditer(text):
        name = known.get(match["name"].lower()) or known.get(match.group(0).split()[0].lower())
        if name:
            counts[name] = counts.get(name, 0) + 1
    return max(counts, key=lambda name: (counts[name], -text.find(name)), default=None)


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
