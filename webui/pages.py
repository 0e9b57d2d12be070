"""HTML pages. Views only translate HTTP to the indexer's search API and back."""

from __future__ import annotations

from datetime import date
from itertools import groupby

from flask import Blueprint, abort, redirect, render_template, request, send_file, url_for

from indexer import addresses
from indexer.query import CASE_VALUE_RE, PAGE_SIZES, QueryError, query_from_params

from . import is_iso_date, moved_for_good
from .searcher import archive_name, get_searcher
from .state import FACET_NAMES, PARAM_NAMES, SORT_LABELS, SearchState, facet_title, page_window

bp = Blueprint("pages", __name__)


@bp.app_context_processor
def page_helpers() -> dict:
    return {"page_window": page_window, "FACET_NAMES": FACET_NAMES, "facet_title": facet_title, "SORT_LABELS": SORT_LABELS,
            "PAGE_SIZES": PAGE_SIZES, "original_url": original_url, "archive_name": archive_name}


def original_url(meeting: dict, page: int | None = None) -> str | None:
    """The address of the meeting's original document (at the item's page, for a PDF), if the index keeps it."""
    original = meeting.get("original")
    if not original:
        return None
    url = url_for("pages.original", name=original["file"])
    return f"{url}#page={page}" if page and original["format"] == "pdf" else url


def query_error_message(error: QueryError) -> str:
    return f"Ugyldig værdi for {PARAM_NAMES.get(error.param, error.param)}: {error.reason}."


@bp.get(addresses.SEARCH)
def search():
    state = SearchState.from_args(request.args)
    if not state.is_canonical(request.args):
        return redirect(state.url(), 302)  # the same search at its clean address
    try:
        query = query_from_params(request.args.to_dict(flat=False))
    except QueryError as error:
        # The rejected value stays in its field, marked, so the user sees what to correct.
        return render_template("search.html", state=state, results=None, query=None, coverage=None,
                               kept_filters=state.kept_filters(), error=query_error_message(error), invalid=error.param,
                               retry_url=state.without_param(error.param).url()), 400
    searcher = get_searcher()
    results = searcher.search(query)
    labels = {facet: {value.value: value.label for value in values} for facet, values in results.facets.items()}
    return render_template("search.html", state=state, results=results, query=query, error=None,
                           chips=state.chips(labels), kept_filters=state.kept_filters(labels),
                           coverage=searcher.coverage())


@bp.get(addresses.FOLLOW)
def follow():
    """How to follow a search in a feed reader: the feed itself is XML, which a browser shows raw."""
    state = SearchState.from_args(request.args)
    try:
        query_from_params(request.args.to_dict(flat=False))
    except QueryError as error:
        abort(400, query_error_message(error))
    feed_url = request.host_url.rstrip("/") + state.feed_url()
    return render_template("follow.html", state=state, feed_url=feed_url, search_url=state.url(), chips=state.chips())


def moved(meeting_date: str, endpoint: str, **values):
    """An address of the time before committees had their own (/moeder/2018-11-05): to the meeting
    of that day, for good; a day on which several committees met lists them."""
    searcher = get_searcher()
    meeting_ids = [meeting_id for meeting_id in searcher.meetings_on(meeting_date)
                   if "number" not in values or searcher.item(meeting_id, values["number"]) is not None]
    if not meeting_ids:
        abort(404)
    if len(meeting_ids) == 1:
        return moved_for_good(url_for(endpoint, meeting_id=meeting_ids[0], **values))
    meetings = [searcher.meeting(meeting_id)[0]["meeting"] for meeting_id in meeting_ids]
    query = request.query_string.decode("utf-8", "replace")
    return render_template("choose.html", meeting_date=meeting_date, meetings=meetings, endpoint=endpoint,
                           values=values, query=f"?{query}" if query else ""), 300


@bp.get(addresses.ITEM)
def item(meeting_id: str, number: int):
    if is_iso_date(meeting_id):
        return moved(meeting_id, "pages.item", number=number)
    q = request.args.get("q", "").strip()
    searcher = get_searcher()
    record = searcher.item(meeting_id, number, text=q)
    if record is None:
        abort(404)
    previous, following = searcher.neighbours(meeting_id, number)
    same_case = []
    if record.get("case_number"):
        # Case numbers are each municipality's own: another municipality's 14/110 is another case.
        same_case = [other for other in searcher.case(record["case_number"]) if other["id"] != record["id"]
                     and other["meeting"].get("municipality") == record["meeting"].get("municipality")]
    return render_template("item.html", item=record, meeting=record["meeting"], q=q, previous=previous,
                           following=following, same_case=same_case, today=date.today().isoformat())


@bp.get(addresses.MEETINGS)
def meetings():
    overview = get_searcher().meetings()
    by_year = [(year, list(group)) for year, group in groupby(overview, key=lambda m: m["date"][:4])]
    return render_template("meetings.html", count=len(overview), by_year=by_year)


@bp.get(addresses.MEETING)
def meeting(meeting_id: str):
    if is_iso_date(meeting_id):
        return moved(meeting_id, "pages.meeting")
    items = get_searcher().meeting(meeting_id)
    if not items:
        abort(404)
    return render_template("meeting.html", meeting=items[0]["meeting"], items=items)


@bp.get(addresses.CASE)
def case(case_number: str):
    if not CASE_VALUE_RE.match(case_number):
        abort(404)
    items = get_searcher().case(case_number)
    if not items:
        abort(404)
    return render_template("case.html", case_number=case_number, items=items)


@bp.get(addresses.ORIGINAL)
def original(name: str):
    """The original minutes document, as the municipality published it (the index's copy)."""
    path = get_searcher().original(name)
    if path is None:
        abort(404)
    pdf = path.suffix == ".pdf"
    response = send_file(path, mimetype="application/pdf" if pdf else "text/plain", conditional=True)
    if not pdf:
        response.headers["Content-Type"] = "text/plain; charset=" + text_charset(path.read_bytes())
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"  # the name is the content's hash
    return response


def text_charset(data: bytes) -> str:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "windows-1252"  # the archive's other encoding (indexer.load.decode)
    return "utf-8"


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for it wherever a document names no icon (the Atom feed shown raw): the site's."""
    return redirect(url_for("static", filename="favicon.svg"), 301)


@bp.get(addresses.HELP)
def help_page():
    return render_template("help.html")
