"""What a search answers: result types, and their one documented JSON shape (README, "Search JSON"),
which the API and the CLI print."""

from __future__ import annotations

from dataclasses import dataclass

from .query import Query


@dataclass(slots=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(slots=True)
class Hit:
    id: str
    title: str
    meeting_date: str
    meeting_id: str
    committee: str
    municipality: str | None
    number: int
    case_number: str | None
    decision_types: list[str]
    centres: list[str]
    url: str
    section: str | None  # anchor of the best-matching section
    section_heading: str | None
    snippet: str  # HTML: escaped text with <mark> around matched words
    decision_text: str = ""  # the decision as written (the CSV export's; not in the search JSON)
    status: str = "referat"  # the meeting's: referat, or dagsorden (published before it, nothing decided)


@dataclass(slots=True)
class TrendBar:
    period: str  # "2017", or "2017-03" in a month's trend
    count: int  # the search's items from that period
    first_day: str  # the period's first and last day (YYYY-MM-DD): the filter a bar leads to
    last_day: str


@dataclass(slots=True)
class Trend:
    """The search's items per year, or per month when they are all from one year (one bar a period
    from the first to the last with items, periods without any included)."""

    unit: str  # "year" or "month"
    bars: list[TrendBar]


@dataclass(slots=True)
class Results:
    query: Query
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    facets_truncated: dict[str, bool]
    notice: str | None = None
    suggestion: str | None = None
    seconds: float = 0.0
    trend: Trend | None = None  # None: the items are from one period, or there are none

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.page_size))


def results_to_dict(results: Results) -> dict:
    """The documented JSON shape of a search (README, "Search JSON"); CLI and API print this."""
    return {
        "total": results.total,
        "page": results.query.page,
        "pages": results.pages,
        "hits": [
            {"id": h.id, "title": h.title, "meeting_date": h.meeting_date, "meeting_id": h.meeting_id,
             "committee": h.committee, "municipality": h.municipality, "number": h.number,
             "case_number": h.case_number, "decision_types": h.decision_types, "centres": h.centres,
             "url": h.url, "section": h.section, "snippet": h.snippet, "status": h.status}
            for h in results.hits
        ],
        "facets": {
            name: [{"value": v.value, "label": v.label, "count": v.count, "selected": v.selected}
                   for v in values]
            for name, values in results.facets.items()
        },
        "facets_truncated": results.facets_truncated,
        "notice": results.notice,
        "suggestion": results.suggestion,
        "trend": None if results.trend is None else {
            "unit": results.trend.unit,
            "counts": [{"period": bar.period, "count": bar.count} for bar in results.trend.bars]},
    }
