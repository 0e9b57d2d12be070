"""The search page's state, which lives entirely in URL parameters.

`SearchState` reads the known parameters from the request and writes the links of the page: facet
values that add or remove themselves, filter chips, pages, the feed and CSV of the same search.
Every link drops empty values and resets the page unless it is a page link.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from urllib.parse import urlencode

from flask import url_for
from werkzeug.datastructures import MultiDict

from indexer.alerts.searches import SEARCH_PARAMS
from indexer.facets import FACETS as FACET_DECLARATIONS
from indexer.facets import facet_label
from indexer.query import MAX_PAGE

from .formatting import danish_date

FACETS = tuple(facet.name for facet in FACET_DECLARATIONS)
FACET_NAMES = {facet.name: facet.label for facet in FACET_DECLARATIONS}
FACET_MUNICIPALITY = {facet.name: facet.municipality for facet in FACET_DECLARATIONS if facet.municipality}
PARAMS = ("q", *FACETS, "from", "to", "sort", "size", "expand", "page")
PARAM_NAMES = {**{k: v.lower() for k, v in FACET_NAMES.items()}, "q": "søgeteksten", "from": "fra-dato",
               "to": "til-dato", "sort": "sortering", "page": "side", "size": "antal pr. side", "expand": "vis alle", "format": "format"}
SORT_LABELS = {"relevance": "Relevans", "newest": "Nyeste", "oldest": "Ældste"}
DEFAULTS = {("sort", "relevance"), ("page", "1"), ("size", "10")}  # left out of every address: they change nothing


def facet_title(name: str, municipalities: Iterable[str]) -> str:
    """A facet's heading: one municipality's own facet (its centres) says whose, once the archive
    holds several municipalities."""
    owner = FACET_MUNICIPALITY.get(name)
    return f"{FACET_NAMES[name]} ({owner})" if owner and len(list(municipalities)) > 1 else FACET_NAMES[name]


class SearchState:
    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        seen: set[tuple[str, str]] = set()
        self.pairs: list[tuple[str, str]] = []
        for name, value in pairs:
            value = value.strip()
            if name in PARAMS and value and (name, value) not in seen and (name, value) not in DEFAULTS:
                seen.add((name, value))
                self.pairs.append((name, value))

    @classmethod
    def from_args(cls, args: MultiDict) -> SearchState:
        return cls((name, value) for name in PARAMS for value in args.getlist(name))

    # -- reading -------------------------------------------------------------------------------------

    def values(self, name: str) -> list[str]:
        return [value for key, value in self.pairs if key == name]

    def first(self, name: str) -> str:
        values = self.values(name)
        return values[0] if values else ""

    @property
    def q(self) -> str:
        return " ".join(self.values("q"))

    @property
    def has_filters(self) -> bool:
        return any(name in FACETS or name in ("from", "to") for name, _ in self.pairs)

    def selected(self, facet: str, value: str) -> bool:
        return (facet, value) in self.pairs

    def kept_filters(self, labels: Mapping[str, Mapping[str, str]] | None = None) -> list[dict]:
        """Facet selections, carried by the search form as ticked boxes a new search keeps (or not):
        param, value, name and label."""
        labels = labels or {}
        return [{"param": name, "value": value, "name": FACET_NAMES[name],
                 "label": labels.get(name, {}).get(value) or facet_label(name, value)}
                for name, value in self.pairs if name in FACETS]

    def without_param(self, param: str) -> SearchState:
        return SearchState((name, value) for name, value in self.pairs if name != param)

    # -- writing links -------------------------------------------------------------------------------

    def _url(self, pairs: Iterable[tuple[str, str]], endpoint: str = "pages.search", **extra: str) -> str:
        pairs = [*pairs, *extra.items()]
        query = urlencode(pairs)
        return url_for(endpoint) + ("?" + query if query else "")

    def _unpaged(self) -> list[tuple[str, str]]:
        return [(name, value) for name, value in self.pairs if name != "page"]

    def url(self) -> str:
        return self._url(self.pairs)

    def is_canonical(self, args: MultiDict) -> bool:
        """Whether the request's parameters are this state's: no empty, default, repeated or unknown
        ones (a submitted form sends from=&to=&sort=relevance; a shared link should not)."""
        return sorted((name, value.strip()) for name, value in args.items(multi=True)) == sorted(self.pairs)

    def toggle(self, facet: str, value: str) -> str:
        """This search with `value` added to the facet, or removed if it is selected."""
        pairs = self._unpaged()
        if (facet, value) in pairs:
            pairs.remove((facet, value))
        else:
            pairs.append((facet, value))
        return self._url(pairs)

    def expanded(self, facet: str) -> bool:
        return ("expand", facet) in self.pairs

    def toggle_expanded(self, facet: str) -> str:
        """This search with the facet's values all shown ("vis alle"), or the most frequent again."""
        pairs = [pair for pair in self.pairs if pair != ("expand", facet)]
        return self._url(pairs if self.expanded(facet) else [*pairs, ("expand", facet)])

    def without(self, name: str, value: str | None = None) -> str:
        return self._url((k, v) for k, v in self._unpaged() if not (k == name and (value is None or v == value)))

    def with_text(self, text: str) -> str:
        return self._url([(k, v) for k, v in self._unpaged() if k != "q"] + [("q", text)])

    def page_url(self, page: int) -> str:
        pairs = self._unpaged()
        return self._url(pairs + ([("page", str(page))] if page > 1 else []))

    def period_url(self, period: str, first_day: str, last_day: str) -> str:
        """This search narrowed to a trend bar's period: its year, or a month's days within its year."""
        pairs = [(k, v) for k, v in self._unpaged() if k not in ("year", "from", "to")]
        pairs.append(("year", period[:4]))
        if len(period) > 4:
            pairs += [("from", first_day), ("to", last_day)]
        return self._url(pairs)

    def clear_filters(self) -> str:
        return self._url((k, v) for k, v in self._unpaged() if k in ("q", "sort"))

    def feed_url(self) -> str:
        """The Atom feed of this search (always newest first and its own length: without sort and size)."""
        return self._url([(k, v) for k, v in self._unpaged() if k not in ("sort", "size", "expand")], endpoint="api.feed")

    def follow_url(self) -> str:
        """The page that explains how to follow this search's feed."""
        return self._url([(k, v) for k, v in self._unpaged() if k not in ("sort", "size", "expand")], endpoint="pages.follow")

    def alert_search(self) -> str:
        """The search an e-mail alert saves: the parameters that choose items (`indexer.alerts.searches`)."""
        return urlencode([(k, v) for k, v in self.pairs if k in SEARCH_PARAMS])

    def csv_url(self) -> str:
        return self._url([(k, v) for k, v in self._unpaged() if k not in ("size", "expand")], endpoint="api.search", format="csv")

    def chips(self, labels: Mapping[str, Mapping[str, str]] | None = None) -> list[dict]:
        """Active filters as removable chips: name, label and the link that removes it."""
        labels = labels or {}
        chips = []
        for name, value in self.pairs:
            if name in FACETS:
                label = labels.get(name, {}).get(value) or facet_label(name, value)
                chips.append({"name": FACET_NAMES[name], "label": label, "url": self.without(name, value)})
            elif name in ("from", "to"):
                chips.append({"name": "Fra" if name == "from" else "Til", "label": danish_date(value),
                              "url": self.without(name, value)})
        return chips


def page_window(current: int, pages: int, radius: int = 2) -> list[int | None]:
    """Page numbers to show: first, last and a window around the current one; None is a gap."""
    pages = min(pages, MAX_PAGE)
    shown = sorted({1, pages, *range(max(1, current - radius), min(pages, current + radius) + 1)})
    window: list[int | None] = []
    previous = 0
    for number in shown:
        if number - previous == 2:
            window.append(number - 1)  # a gap of one page: show the page, not an ellipsis
        elif number - previous > 2:
            window.append(None)
        window.append(number)
        previous = number
    return window
