"""A saved search: the search page's parameters that choose items (text, facets, dates), written as
one canonical query string, so that the same search saved twice is one alert; and what it is, in
Danish, for the messages and the page that lists one's alerts.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from urllib.parse import parse_qsl, urlencode

from ..facets import FACETS, FACETS_BY_NAME, facet_label
from ..model import danish_date
from ..query import Query, QueryError, query_from_params

SEARCH_PARAMS: tuple[str, ...] = ("q", *(facet.name for facet in FACETS), "from", "to")
MAX_SEARCH_CHARS = 2000


def canonical_search(pairs: Iterable[tuple[str, str]]) -> str:
    """The query string of the parameters that choose items, in a fixed order, without empty or
    repeated values. Raises QueryError for a value the search page would refuse."""
    kept = sorted({(name, value.strip()) for name, value in pairs if name in SEARCH_PARAMS and value.strip()},
                  key=lambda pair: (SEARCH_PARAMS.index(pair[0]), pair[1]))
    search = urlencode(kept)
    if len(search) > MAX_SEARCH_CHARS:
        raise QueryError("q", "søgningen er for lang til at gemme")
    search_query(search)
    return search


def search_params(search: str) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {}
    for name, value in parse_qsl(search, keep_blank_values=False):
        params.setdefault(name, []).append(value)
    return params


def search_query(search: str, page_size: int = 10) -> Query:
    """The saved search as a Query of the newest items first."""
    return query_from_params({**search_params(search), "sort": ["newest"]}, page_size=page_size)


def describe_search(search: str) -> str:
    """'»revisionsberetning«, beslutning: Godkendt, fra 1. januar 2018'; 'alle punkter' for none."""
    params = search_params(search)
    parts = [f"»{' '.join(params['q'])}«"] if params.get("q") else []
    for name, values in params.items():
        if name in FACETS_BY_NAME:
            labels = " eller ".join(facet_label(name, value) for value in values)
            parts.append(f"{FACETS_BY_NAME[name].label.lower()}: {labels}")
    if params.get("from"):
        parts.append(f"fra {danish_date(date.fromisoformat(params['from'][0]))}")
    if params.get("to"):
        parts.append(f"til {danish_date(date.fromisoformat(params['to'][0]))}")
    return ", ".join(parts) or "alle punkter"

