"""The search request: our own engine-neutral Query, and `query_from_params`, the one place request
parameters (from the web or the CLI) are validated. What a search answers is in `indexer.results`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from .facets import FACETS, QueryError
from .model import CASE_RE, CASE_VALUE_RE
from .querytext import MAX_QUERY_CHARS

__all__ = ["CASE_RE", "CASE_VALUE_RE", "MAX_QUERY_CHARS", "QueryError", "Query", "query_from_params"]

SORTS = ("relevance", "newest", "oldest")
MAX_PAGE = 1000
ISO_DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


@dataclass(slots=True)
class Query:
    text: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)  # facet name -> values, ORed within a facet
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "relevance"
    page: int = 1
    page_size: int = 10
    expanded: tuple[str, ...] = ()  # facets to list in full ("vis alle"), up to EXPANDED_FACET_SIZE values
    among: frozenset[tuple[str, int]] | None = None  # only these items, (meeting id, number): an alert's new ones

    def selected(self, facet: str) -> list[str]:
        return self.filters.get(facet, [])


def _date(param: str, value: str | None) -> date | None:
    if not value:
        return None
    try:
        # fromisoformat alone would also take 20181105 and 2018-W45-1, which the message does not promise.
        if not ISO_DATE_RE.match(value.strip()):
            raise ValueError(value)
        return date.fromisoformat(value.strip())
    except ValueError:
        raise QueryError(param, f"'{value}' er ikke en dato på formen ÅÅÅÅ-MM-DD") from None


def _int(param: str, value: str | None, default: int, low: int, high: int) -> int:
    if value in (None, ""):
        return default
    if not re.fullmatch(r"-?[0-9]+", value.strip()):  # int() would also take +3, 1_0 and other scripts' digits
        raise QueryError(param, f"'{value}' er ikke et tal")
    number = int(value)
    if not low <= number <= high:
        raise QueryError(param, f"skal være mellem {low} og {high}")
    return number


def _values(params: Mapping[str, Sequence[str]], name: str) -> list[str]:
    values: list[str] = []
    for raw in params.get(name, ()):  # repeated parameters, each possibly empty
        value = raw.strip()
        if value and value not in values:
            values.append(value)
    return values


PAGE_SIZES = (10, 25, 50)  # hits a page, as `size` chooses
EXPANDED_FACET_SIZE = 500  # values of an expanded facet (expand=case): every case of most searches


def query_from_params(params: Mapping[str, Sequence[str]], page_size: int | None = None) -> Query:
    """Build a Query from multi-valued parameters (q, year, centre, case, decision, committee,
    from, to, sort, page, size). `page_size`, when given, overrides `size` (an export's, a feed's).
    Raises QueryError naming the bad parameter."""
    text = " ".join(params.get("q", ()))
    filters = {}
    for facet in FACETS:
        values = _values(params, facet.name)
        facet.check(values)
        if values:
            filters[facet.name] = values
    sort = (params.get("sort") or ["relevance"])[0] or "relevance"
    if sort not in SORTS:
        raise QueryError("sort", f"skal være en af {', '.join(SORTS)}")
    date_from = _date("from", (params.get("from") or [None])[0])
    date_to = _date("to", (params.get("to") or [None])[0])
    if date_from and date_to and date_from > date_to:
        raise QueryError("from", "fra-datoen ligger efter til-datoen")
    size = _page_size((params.get("size") or [None])[0])  # checked even where page_size overrides it
    expandable = [facet.name for facet in FACETS if facet.size is not None]
    expanded = tuple(dict.fromkeys(_values(params, "expand")))
    for name in expanded:
        if name not in expandable:
            raise QueryError("expand", f"skal være {' eller '.join(expandable)}")
    return Query(
        text=text,
        filters=filters,
        date_from=date_from,
        date_to=date_to,
        sort=sort,
        page=_int("page", (params.get("page") or [None])[0], 1, 1, MAX_PAGE),
        page_size=page_size if page_size is not None else size,
        expanded=expanded,
    )


def _page_size(value: str | None) -> int:
    if value is None or not value.strip():
        return PAGE_SIZES[0]
    if value.strip() not in {str(size) for size in PAGE_SIZES}:
        raise QueryError("size", f"skal være {', '.join(str(size) for size in PAGE_SIZES[:-1])} eller {PAGE_SIZES[-1]}")
    return int(value)
