"""The JSON API, the CSV export and the Atom feed: the same searches as the pages, as data."""

from __future__ import annotations

import csv
import io
import re
import uuid
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from urllib.parse import quote

from flask import Blueprint, Response, jsonify, request, stream_with_context, url_for

from indexer.export import export_lines
from indexer.layouts import MUNICIPALITY_SLUGS
from indexer.model import ITEM_ID_RE
from indexer.query import CASE_VALUE_RE, QueryError, query_from_params
from indexer.results import results_to_dict
from indexer.safetext import spreadsheet_safe, xml_text

from .formatting import decision_label, plain_text
from .openapi import openapi_document
from .pages import original_url
from . import is_iso_date, moved_for_good
from .searcher import IndexMissing, archive_name, get_searcher
from .state import SearchState

bp = Blueprint("api", __name__)

CSV_LIMIT = 10_000  # rows of one export: every hit of any search short of browsing a large archive
# Danish headers; ';' by default, as Danish Excel reads a CSV file (',' with sep=, for other tools).
CSV_COLUMNS = ("Punkt", "Mødedato", "Kommune", "Udvalg", "Punktnummer", "Titel", "Sagsnummer", "Beslutning",
               "Beslutningstekst", "Centre", "Adresse")
CSV_SEPARATORS = (";", ",")
FEED_SIZE = 20
ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def json_error(status: int, param: str | None, message: str):
    response = jsonify({"error": {"param": param, "message": message}})
    response.status_code = status
    return response


def parse_query(page_size: int | None = None, **overrides: list[str]):
    params = request.args.to_dict(flat=False)
    params.update(overrides)
    return query_from_params(params, page_size=page_size)


def absolute(path: str) -> str:
    return request.url_root.rstrip("/") + path


@bp.get("/api/search")
def search():
    output = request.args.get("format", "json").strip() or "json"
    if output not in ("json", "csv"):
        return json_error(400, "format", "skal være json eller csv")
    separator = request.args.get("sep", ";") or ";"
    if output == "csv" and separator not in CSV_SEPARATORS:
        return json_error(400, "sep", "skal være ; eller ,")
    try:
        # The CSV holds every hit up to CSV_LIMIT: one page of that size, whatever page was asked.
        query = parse_query(page_size=CSV_LIMIT, page=["1"]) if output == "csv" else parse_query()
    except QueryError as error:
        return json_error(400, error.param, error.reason)
    results = get_searcher().search(query)
    if output == "json":
        return jsonify(results_to_dict(results))
    buffer = io.StringIO()
    buffer.write("\ufeff")  # a BOM, so spreadsheet programs read the Danish letters as UTF-8
    writer = csv.writer(buffer, delimiter=separator, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for hit in results.hits:
        writer.writerow([hit.id, hit.meeting_date, hit.municipality or "", spreadsheet_safe(hit.committee), hit.number,
                         spreadsheet_safe(hit.title), hit.case_number or "",
                         ", ".join(decision_label(slug) for slug in hit.decision_types),
                         spreadsheet_safe(hit.decision_text), ", ".join(hit.centres), absolute(hit.url)])
    return Response(buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="referater.csv"'})


@bp.get("/api/items/<item_id>")
def item(item_id: str):
    match = ITEM_ID_RE.match(item_id)
    if match is None:
        return json_error(404, None, f"intet punkt med id '{item_id}'")
    searcher = get_searcher()
    record = searcher.item(match["meeting"], int(match["number"]), text=request.args.get("q", ""))
    if record is None:
        # An id of the time before municipalities had their own (direktionen-2018-11-05-3): the same id
        # after a municipality's slug.
        day = match["meeting"][-10:]
        moved = [meeting_id for meeting_id in searcher.meetings_on(day)
                 if meeting_id.removesuffix("-" + match["meeting"]) in MUNICIPALITY_SLUGS] if is_iso_date(day) else []
        if len(moved) == 1 and searcher.item(moved[0], int(match["number"])) is not None:
            return moved_for_good(url_for("api.item", item_id=f"{moved[0]}-{match['number']}"))
        return json_error(404, None, f"intet punkt med id '{item_id}'")
    return jsonify(with_original_urls(record))


def with_original_urls(record: dict) -> dict:
    """The addresses of the original document: the meeting's, and the item's (at its page)."""
    record["meeting"]["original_url"] = absolute_or_none(original_url(record["meeting"]))
    record["original_url"] = absolute_or_none(original_url(record["meeting"], record.get("page")))
    return record


def absolute_or_none(path: str | None) -> str | None:
    return absolute(path) if path else None


@bp.get("/api/export.jsonl")
def export():
    """Every item, streamed (`indexer.export`): a whole archive never sits in memory."""
    searcher = get_searcher()
    last = searcher.coverage()["last_meeting"] or "tom"  # no index: 503 before the stream starts
    lines = export_lines(searcher.records(), "jsonl", request.url_root)
    return Response(stream_with_context(lines), mimetype="application/x-ndjson",
                    headers={"Content-Disposition": f'attachment; filename="referater-{last}.jsonl"'})


@bp.get("/api/meetings")
def meetings():
    searcher = get_searcher()
    overview = searcher.meetings()
    for meeting in overview:
        meeting["original_url"] = absolute_or_none(original_url(meeting))
    return jsonify({"coverage": searcher.coverage(), "meetings": overview})


@bp.get("/api/meetings/<meeting_id>")
def meeting(meeting_id: str):
    searcher = get_searcher()
    if is_iso_date(meeting_id):  # an address of the time before committees had their own
        on_that_day = searcher.meetings_on(meeting_id)
        if len(on_that_day) == 1:
            return moved_for_good(url_for("api.meeting", meeting_id=on_that_day[0]))
        if on_that_day:
            response = jsonify({"error": {"param": None, "message": f"flere møder den {meeting_id}: vælg et"},
                                "meetings": [absolute(url_for("api.meeting", meeting_id=m)) for m in on_that_day]})
            response.status_code = 300
            return response
        return json_error(404, None, f"intet møde den {meeting_id}")
    items = searcher.meeting(meeting_id)
    if not items:
        return json_error(404, None, f"intet møde med id '{meeting_id}'")
    items = [with_original_urls(item) for item in items]
    return jsonify({"id": meeting_id, "date": items[0]["meeting"]["date"], "meeting": items[0]["meeting"],
                    "items": items})


@bp.get("/api/cases/<path:case_number>")
def case(case_number: str):
    items = get_searcher().case(case_number) if CASE_VALUE_RE.match(case_number) else []
    if not items:
        return json_error(404, None, f"ingen sag med nummer '{case_number}'")
    return jsonify({"case_number": case_number, "items": [with_original_urls(item) for item in items]})


@bp.get("/api/openapi.json")
def openapi():
    return jsonify(openapi_document())


@bp.get("/healthz")
def healthz():
    try:
        stats = get_searcher().stats()
    except IndexMissing:
        response = jsonify({"status": "unavailable", "items": 0})
        response.status_code = 503
        response.headers["Retry-After"] = "60"  # as every other 503
    else:
        response = jsonify({"status": "ok", "items": stats["items"], "meetings": stats["meetings"],
                            "first_meeting": stats["first_meeting"], "last_meeting": stats["last_meeting"]})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/feed")
def feed():
    try:
        query = parse_query(page_size=FEED_SIZE, sort=["newest"], page=["1"])
    except QueryError as error:
        return json_error(400, error.param, error.reason)
    results = get_searcher().search(query)
    return Response(atom_feed(results, query.text.strip()), mimetype="application/atom+xml")


def atom_feed(results, text: str) -> bytes:
    root = ET.Element("feed", {"xmlns": ATOM, XML_LANG: "da"})
    name, owner = archive_name()
    title = f"{name}: {text}" if text else f"{name}: nyeste punkter"
    ET.SubElement(root, "title").text = title
    ET.SubElement(root, "subtitle").text = f"Punkter fra {name.lower() if name == 'Referater' else name}" + (
        f", {owner}" if owner else "")
    # The feed's own address without host (sort, size and page change nothing in a feed).
    ET.SubElement(root, "id").text = atom_id("feed", SearchState.from_args(request.args).feed_url())
    ET.SubElement(root, "link", {"rel": "self", "type": "application/atom+xml", "href": request.url})
    search_url = absolute(url_for("pages.search"))
    if request.query_string:
        search_url += "?" + request.query_string.decode("utf-8", "replace")
    ET.SubElement(root, "link", {"rel": "alternate", "type": "text/html", "href": search_url})
    newest = max((hit.meeting_date for hit in results.hits), default=None)
    ET.SubElement(root, "updated").text = atom_date(newest)
    author = ET.SubElement(root, "author")
    ET.SubElement(author, "name").text = owner or name  # the municipality, or "danske kommuner"
    for hit in results.hits:
        # The link carries the search and the section, as a hit's link on the page does: a feed
        # reader's click lands on the marked words.
        link = absolute(hit.url) + (f"?q={quote(text)}" if text else "") + (f"#{hit.section}" if hit.section else "")
        entry = ET.SubElement(root, "entry")
        ET.SubElement(entry, "title").text = hit.title
        ET.SubElement(entry, "link", {"rel": "alternate", "type": "text/html", "href": link})
        ET.SubElement(entry, "id").text = atom_id("item", hit.id)  # the item, whichever search and host found it
        ET.SubElement(entry, "updated").text = atom_date(hit.meeting_date)
        for slug in hit.decision_types:
            ET.SubElement(entry, "category", {"term": slug, "label": decision_label(slug)})
        ET.SubElement(entry, "summary", {"type": "text"}).text = plain_text(hit.snippet)
    return ET.tostring(xml_safe(root), encoding="utf-8", xml_declaration=True)


def xml_safe(root: ET.Element) -> ET.Element:
    """Every text, attribute and id of the tree without characters XML cannot hold (control
    characters of a query or of the minutes, U+FFFE): ElementTree writes them, and a feed reader
    then refuses the whole feed."""
    for element in root.iter():
        element.text = xml_text(element.text) if element.text else element.text
        element.tail = xml_text(element.tail) if element.tail else element.tail
        for key, value in element.attrib.items():
            element.set(key, xml_text(value))
    return root


def atom_id(kind: str, key: str) -> str:
    """A permanent Atom id that no host name or port changes: a name-based UUID (RFC 4122, version 5)
    of "minutes-search:<kind>:<key>" (an item's id, a feed's query string)."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"minutes-search:{kind}:{key}").urn


def atom_date(day: str | None) -> str:
    if day is None:
        return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return f"{day}T00:00:00Z"


