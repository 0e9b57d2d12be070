"""The FirstAgenda Publication crawler: a municipality's meetings, as the anonymous JSON interface
publishes them, into the corpus folder, one file per committee and date, with the attachments'
PDFs beside it. Incremental (only what the listing says changed is fetched again) and resumable
(attachments first, the meeting file last, every file written whole).

Stored layout, the contract with the reader:
    <corpus>/<municipality-slug>/<committee-slug>/<YYYY-MM-DD>.firstagenda.json
    <corpus>/<municipality-slug>/<committee-slug>/<YYYY-MM-DD>.bilag/<Bilag.Id>.pdf
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from ..model import slug
from .http import HarvestError, PoliteClient
from .sources import base_address
from .store import (ATTACHMENTS_SUFFIX, attachment_file, harvest_lock, meeting_file, read_json,
                    write_atomically, write_json_atomically)

FORMAT = "firstagenda-meeting/1"
DEFAULT_MAX_FILE_BYTES = 20 * 1024 * 1024
RECENT_AGENDA_DAYS = 30  # an agenda this recent (or for a meeting ahead) may still change
ZERO_GUID = "00000000-0000-0000-0000-000000000000"  # "no document" (notes, §3.7)
GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")  # fullmatch
MINUTES_NAMES = ("referat", "lukket referat")
SUPPLEMENTARY_NAME = "tillæg"  # "Tillægsdagsorden": IsSupplementaryAgenda is not reliable (notes, §2.4)
NOT_A_PDF = "not a PDF: a login page?"

Progress = Callable[[int, int], None]  # (meetings done, meetings to do)


@dataclass(slots=True)
class HarvestReport:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0  # meetings
    attachments: int = 0  # fetched in this run
    attachments_failed: int = 0
    requests: int = 0
    bytes: int = 0
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)  # one line each: "<host> <committee> <date>: <reason>"

    def summary(self) -> str:
        failed_attachments = f" ({self.attachments_failed} failed)" if self.attachments_failed else ""
        return (f"harvest: {self.new} new, {self.updated} updated, {self.unchanged} unchanged, {self.failed} failed "
                f"meetings; {self.attachments} attachments{failed_attachments}; {self.requests} requests; "
                f"{self.bytes / 1e6:.1f} MB; {self.seconds / 60:.1f} min")


@dataclass(slots=True)
class ListedMeeting:
    """One entry of the committee list's Moeder[]: an agenda or the minutes of one sitting."""

    committee: str  # the committee's Navn
    day: date  # the local date of Dato
    entry: dict[str, Any]  # as received

    @property
    def is_minutes(self) -> bool:
        return is_minutes(self.entry)

    @property
    def is_supplementary(self) -> bool:
        name = str(self.entry.get("Navn") or "").strip().lower()
        return _true(self.entry.get("IsSupplementaryAgenda")) or name.startswith(SUPPLEMENTARY_NAME)

    @property
    def released(self) -> datetime | None:
        return released(self.entry)


def is_minutes(entry: dict[str, Any]) -> bool:
    """Minutes rather than an agenda: Middelfart's minutes keep Navn "Dagsorden" but are Afsluttet;
    Hvidovre's are named "Referat" (notes, §2.4)."""
    name = str(entry.get("Navn") or "").strip().lower()
    return _true(entry.get("Afsluttet")) or name.startswith(MINUTES_NAMES)


def released(entry: dict[str, Any]) -> datetime | None:
    value = entry.get("ReleasedDate")
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)  # comparable with the others; not observed
    return moment


def choose(entries: list[ListedMeeting]) -> ListedMeeting:
    """The entry to keep of one committee's sitting: minutes over an agenda, a main agenda over a
    Tillægsdagsorden, then the latest release."""
    oldest = datetime.min.replace(tzinfo=timezone.utc)
    return max(entries, key=lambda m: (m.is_minutes, not m.is_supplementary, m.released or oldest))


def listed_meetings(listing: Any, *, since: date | None = None, committees: list[str] | None = None
                    ) -> tuple[dict[tuple[str, date], list[ListedMeeting]], list[str], set[str]]:
    """Every meeting of the committee list, by (committee slug, date); the entries that could not be
    placed, as reasons; the --committee names that matched."""
    groups = listing.get("Udvalg") if isinstance(listing, dict) else None
    if not isinstance(groups, dict):
        raise HarvestError("not a FirstAgenda committee list (no Udvalg)")
    wanted = {name.casefold(): name for name in committees or []} | {slug(name): name for name in committees or []}
    matched: set[str] = set()
    meetings: dict[tuple[str, date], list[ListedMeeting]] = {}
    problems: list[str] = []
    for group in groups.values():  # group names are free text per municipality: never looked up
        for committee in group if isinstance(group, list) else []:
            name = committee.get("Navn") if isinstance(committee, dict) else None
            if not isinstance(name, str) or not slug(name):
                continue
            if committees:
                match = wanted.get(name.strip().casefold()) or wanted.get(slug(name))
                if match is None:
                    continue
                matched.add(match)
            for entry in committee.get("Moeder") or []:
                if not isinstance(entry, dict):
                    continue
                day = meeting_date(entry)
                if day is None:
                    problems.append(f"{name} ?: no meeting date (Dato {entry.get('Dato')!r})")
                elif since is None or day >= since:
                    meetings.setdefault((slug(name), day), []).append(ListedMeeting(name.strip(), day, entry))
    return meetings, problems, matched


def meeting_date(entry: dict[str, Any]) -> date | None:
    """The local date of Dato (an ISO time with the local offset, notes §2.3)."""
    for key in ("Dato", "MeetingBeginUtc"):
        value = entry.get(key)
        if isinstance(value, str):
            try:
                return datetime.fromisoformat(value).date()
            except ValueError:
                continue
    return None


def change(stored_path: Path, chosen: ListedMeeting, today: date) -> str | None:
    """Why the chosen entry is fetched: "new", "updated", or None when the stored file stands."""
    if not stored_path.exists():
        return "new"
    stored = read_json(stored_path)
    listing = stored.get("listing") if stored else None
    if not isinstance(listing, dict):
        return "updated"  # not a meeting file we can read: replaced once the new one is complete
    stored_minutes = is_minutes(listing)
    if stored_minutes and not chosen.is_minutes:
        return None  # minutes never give way to an agenda
    if chosen.is_minutes and not stored_minutes:
        return "updated"  # matched by committee and date, never by GUID (GUIDs are replaced)
    newer, older = chosen.released, released(listing)
    if newer is not None and (older is None or newer > older):
        return "updated"
    if not stored_minutes and chosen.day >= today - timedelta(days=RECENT_AGENDA_DAYS):
        return "updated"  # an agenda changes until the meeting
    return None


def harvest(host: str, corpus: Path, municipality: str, *, since: date | None, committees: list[str] | None,
            client: PoliteClient, today: date | None = None, max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
            progress: Progress | None = None) -> HarvestReport:
    """Harvest one municipality's FirstAgenda host into `corpus`. A meeting that fails is a line of
    the report and the rest is harvested; HarvestError when the committee list cannot be read."""
    started, requests, received = time.monotonic(), client.requests, client.bytes_received
    if not slug(municipality):
        raise HarvestError(f"municipality {municipality!r} has no letters or digits to name its folder")
    crawl = _Crawl(base_address(host), Path(corpus), municipality, client, max_file_bytes)
    report = crawl.report
    try:
        with harvest_lock(crawl.folder):
            listing = crawl.read_listing()
            meetings, problems, matched = listed_meetings(listing, since=since, committees=committees)
            report.failed += len(problems)
            report.failures += [f"{crawl.host_name} {problem}" for problem in problems]
            report.failures += [f"{crawl.host_name}: no committee named {name!r}"
                                for name in committees or [] if name not in matched]
            order = sorted(meetings, key=lambda key: (key[1], key[0]), reverse=True)  # newest first
            today = today or date.today()
            for done, key in enumerate(order, start=1):
                crawl.meeting(choose(meetings[key]), today)
                if progress is not None:
                    progress(done, len(order))
    finally:
        report.requests = client.requests - requests
        report.bytes = client.bytes_received - received
        report.seconds = time.monotonic() - started
    return report


class _Crawl:
    def __init__(self, base: str, corpus: Path, municipality: str, client: PoliteClient, max_file_bytes: int
                 ) -> None:
        self.base = base
        self.host_name = urlsplit(base).netloc
        self.municipality = municipality
        self.folder = corpus / slug(municipality)
        self.client = client
        self.max_file_bytes = max_file_bytes
        self.report = HarvestReport()

    def read_listing(self) -> Any:
        try:
            self.client.get(f"{self.base}/", max_bytes=self.max_file_bytes)  # the anonymous session cookie
        except HarvestError:
            pass  # the API's own 302 to /Home/AnonymousAuthentication sets it as well
        try:
            listing = self.client.get_json(f"{self.base}/api/agenda/udvalgsliste")
        except HarvestError as error:
            raise HarvestError(f"{self.host_name}: cannot read the committee list: {error}") from None
        if not isinstance(listing, dict) or not isinstance(listing.get("Udvalg"), dict):
            raise HarvestError(f"{self.host_name}: not a FirstAgenda committee list (no Udvalg object)")
        return listing

    def meeting(self, chosen: ListedMeeting, today: date) -> None:
        committee_folder = self.folder / slug(chosen.committee)
        day = chosen.day.isoformat()
        path = meeting_file(committee_folder, day)
        why = change(path, chosen, today)
        if why is None:
            self.report.unchanged += 1
            return
        try:
            record = self.fetch(chosen, committee_folder)
            write_json_atomically(path, record)
        except HarvestError as error:
            self.fail(chosen, str(error))
        except OSError as error:
            self.fail(chosen, f"cannot write {error.filename or path}: {error.strerror or error}")
        else:
            setattr(self.report, why, getattr(self.report, why) + 1)

    def fail(self, chosen: ListedMeeting, reason: str) -> None:
        self.report.failed += 1
        self.report.failures.append(f"{self.host_name} {chosen.committee} {chosen.day.isoformat()}: {reason}")

    def fetch(self, chosen: ListedMeeting, committee_folder: Path) -> dict[str, Any]:
        """The meeting's record, its attachments stored first."""
        guid = chosen.entry.get("Id")
        if not isinstance(guid, str) or not GUID.fullmatch(guid):
            raise HarvestError(f"meeting Id {guid!r} is not a GUID")
        agenda = self.client.get_json(f"{self.base}/api/agenda/dagsorden/{guid}")
        if not isinstance(agenda, dict) or not isinstance(agenda.get("Dagsordenpunkter", []), list):
            raise HarvestError(f"not a FirstAgenda meeting (no Dagsordenpunkter list): {guid}")
        day = chosen.day.isoformat()
        attachments: dict[str, str | None] = {}
        for attachment_id in pdf_attachment_ids(agenda):
            target = attachment_file(committee_folder, day, attachment_id)
            relative = f"{day}{ATTACHMENTS_SUFFIX}/{target.name}"
            if not target.exists():  # one already stored is never fetched again
                try:
                    data = fetch_pdf(self.client, self.base, attachment_id, self.max_file_bytes)
                except HarvestError as error:
                    self.report.attachments_failed += 1
                    self.report.failures.append(
                        f"{self.host_name} {chosen.committee} {day}: attachment {attachment_id}: {error}")
                    attachments[attachment_id] = None
                    continue
                write_atomically(target, data)
                self.report.attachments += 1
            attachments[attachment_id] = relative
        return {
            "format": FORMAT,
            "host": self.base,
            "municipality": self.municipality,
            "committee": chosen.committee,
            "listing": chosen.entry,
            "agenda": agenda,
            "attachments": attachments,
            "fetched": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }


def pdf_attachment_ids(agenda: dict[str, Any]) -> list[str]:
    """The Bilag ids of the open items that have a PDF, in the order of the agenda, each once."""
    ids: dict[str, None] = {}
    for item in agenda.get("Dagsordenpunkter") or []:
        if not isinstance(item, dict) or item.get("IsOpen") in (False, "false"):
            continue  # a closed item's documents are sealed
        for attachment in item.get("Bilag") or []:
            if not isinstance(attachment, dict) or not _true(attachment.get("HarPdfVersion")):
                continue
            attachment_id = attachment.get("Id")
            if isinstance(attachment_id, str) and GUID.fullmatch(attachment_id) and attachment_id != ZERO_GUID:
                ids[attachment_id] = None
    return list(ids)


def fetch_pdf(client: PoliteClient, base: str, attachment_id: str, max_bytes: int) -> bytes:
    """An attachment's PDF. When the server answers its viewer page instead of the file, the page's
    iframe holds a presigned address valid for minutes: it is followed at once."""
    response = client.get(f"{base}/vis/pdf/bilag/{attachment_id}/?redirectDirectlyToPdf=true", max_bytes=max_bytes)
    if response.body.startswith(b"%PDF-"):
        return response.body
    frame = viewer_frame(response.body)
    if frame:
        response = client.get(urljoin(response.url, frame), max_bytes=max_bytes)
        if response.body.startswith(b"%PDF-"):
            return response.body
    raise HarvestError(NOT_A_PDF)


def viewer_frame(page: bytes) -> str | None:
    """The src of the PDF viewer page's <iframe id="pdfframe">, html-unescaped; None if none."""
    finder = _FrameFinder()
    try:
        finder.feed(page[:1024 * 1024].decode("utf-8", "replace"))
        finder.close()
    except Exception:  # a page that is no HTML at all
        return None
    return finder.pdf_frame or finder.first_frame


class _FrameFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pdf_frame: str | None = None
        self.first_frame: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        src = values.get("src")
        if tag == "iframe" and src:  # HTMLParser has unescaped &amp; in the value already
            self.first_frame = self.first_frame or src
            if values.get("id") == "pdfframe":
                self.pdf_frame = self.pdf_frame or src


def _true(value: Any) -> bool:
    """FirstAgenda writes some booleans as strings ("HarPdfVersion": "true")."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")
