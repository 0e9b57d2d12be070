"""The search service: `SearchIndex.search(Query) -> Results`, the one search API the CLI and the web
UI call, engine-free. It reads the query text into our own tree (`querytext`), asks the engine of
the current index generation for matching ids and a ranked page (`engine`, through `index_state`),
and does the rest itself: facet counts on compressed bitmaps, date order, snippets (`highlight`) and
suggestions (`suggest`). `SearchIndex` is also the one door to the page lookups (`lookups`) and to
the index state both read (`index_state`). No engine type crosses this module.
"""

from __future__ import annotations

import calendar
import logging
import os
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import AbstractContextManager
from copy import copy
from dataclasses import replace
from itertools import islice
from pathlib import Path

from pyroaring import BitMap

from .addresses import item_url
from .engine import Snapshot
from .facets import FACETS, Facet
from .highlight import Highlighter, best_snippet
from .index_state import IndexMissing, IndexState
from .lookups import PageLookups, full_text
from .prepared import Prepared, prepare
from .query import EXPANDED_FACET_SIZE, Query
from .results import FacetValue, Hit, Results, Trend, TrendBar
from .querytext import MAX_QUERY_CHARS, MAX_TERMS, Every, Nothing, ParsedQuery, parse_query
from .suggest import Suggester

__all__ = ["IndexMissing", "Query", "Results", "SearchIndex", "full_text"]

QUOTED_WORD = re.compile(r'"([^"\s]+)"')  # one word in quotes: the word alone, never a compound's part

logger = logging.getLogger(__name__)


# Answers kept per index state (`AnswerCache`); $MINUTES_CACHED_SEARCHES overrides, 0 turns it off
# (`make bench` does, to time the searches themselves).
CACHED_SEARCHES = 256


def cached_searches() -> int:
    value = os.environ.get("MINUTES_CACHED_SEARCHES", "")
    return int(value) if value.isdigit() else CACHED_SEARCHES


class AnswerCache:
    """The answers to the latest searches of one index state, so that the front page, a popular word
    and a page reloaded are searched once per commit. Exact: a state never changes, and the cache is
    emptied when the state does (a commit, a rebuild)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._state: object = None
        self._answers: OrderedDict[tuple, Results] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def key(query: Query) -> tuple:
        return (query.text, tuple(sorted((name, tuple(values)) for name, values in query.filters.items() if values)),
                query.date_from, query.date_to, query.sort, query.page, query.page_size, query.expanded, query.among)

    def get(self, state: object, query: Query) -> Results | None:
        with self._lock:
            if state is not self._state:
                return None
            answer = self._answers.get(self.key(query))
            if answer is not None:
                self._answers.move_to_end(self.key(query))
            return answer

    def put(self, state: object, query: Query, answer: Results) -> None:
        if not self.size:
            return
        with self._lock:
            if state is not self._state:
                self._state = state  # held while it is the current state anyway
                self._answers.clear()
            self._answers[self.key(query)] = answer
            if len(self._answers) > self.size:
                self._answers.popitem(last=False)


class SearchIndex:
    """A read-only view of the index directory; safe to share between threads (one engine snapshot
    each). Every call sees the latest committed index, including a rebuilt generation. It searches;
    reading the index is `IndexState`'s job, the item, meeting and case pages are `PageLookups`'."""

    def __init__(self, index_dir: str | Path) -> None:
        # `prepare` is looked up at each call, so that replacing `indexer.search.prepare` reaches the
        # state (tests do, to see that no reader prepares what the build saved).
        self._state = IndexState(index_dir, prepare=lambda snapshot: prepare(snapshot))
        self._pages = PageLookups(self._state)
        self.index_dir = self._state.index_dir
        self._answers = AnswerCache(cached_searches())

    # -- the index state (`indexer.index_state`) --------------------------------------------------

    def close(self) -> None:
        """Close this thread's snapshot."""
        self._state.close()

    def keep_warm(self, stop: threading.Event, interval: float = 0.5) -> None:
        """Prepare each new commit or generation before a request asks, until `stop` is set."""
        self._state.keep_warm(stop, interval)

    def _reading(self) -> AbstractContextManager[tuple[Snapshot, Prepared]]:
        return self._state.reading()

    @property
    def _prepared(self) -> dict[object, Prepared]:
        """The prepared states held now (tests watch the warmer fill it)."""
        return self._state.prepared

    # -- page lookups (`indexer.lookups`, where each is described) ---------------------------------

    def item(self, meeting_id: str, number: int, text: str = "") -> dict | None:
        return self._pages.item(meeting_id, number, text)

    def meeting(self, meeting_id: str) -> list[dict]:
        return self._pages.meeting(meeting_id)

    def meetings_on(self, meeting_date: str) -> list[str]:
        return self._pages.meetings_on(meeting_date)

    def meetings(self) -> list[dict]:
        return self._pages.meetings()

    def case(self, case_number: str) -> list[dict]:
        return self._pages.case(case_number)

    def records(self) -> Iterator[dict]:
        return self._pages.records()

    def item_keys(self) -> list[tuple[str, int]]:
        """Every item in the index, as (meeting id, number)."""
        with self._reading() as (_snapshot, prepared):
            return list(prepared.by_item)

    def neighbours(self, meeting_id: str, number: int) -> tuple[dict | None, dict | None]:
        return self._pages.neighbours(meeting_id, number)

    def original(self, name: str) -> Path | None:
        return self._pages.original(name)

    def stats(self) -> dict:
        return self._pages.stats()

    def coverage(self) -> dict:
        return self._pages.coverage()

    # -- search ----------------------------------------------------------------------------------

    def search(self, query: Query) -> Results:
        started = time.perf_counter()
        with self._reading() as (snapshot, prepared):
            answer = self._answers.get(prepared, query)
            if answer is None:
                answer = self._search(snapshot, prepared, query)
                self._answers.put(prepared, query, answer)
        results = copy(answer)  # the cached answer stays as it was made
        results.seconds = time.perf_counter() - started
        return results

    def _search(self, snapshot: Snapshot, prepared: Prepared, query: Query) -> Results:
        parsed = parse_query(query.text)
        tree, notices = parsed.tree, parsed.notices
        dates = self._date_filter(prepared, query)
        selections = {facet: self._any_of(prepared, facet, values) for facet, values in query.filters.items() if values}
        allowed = dates if dates is not None else prepared.live  # what the filters allow, whatever the text
        for selection in selections.values():
            allowed = allowed & selection
        if query.among is not None:
            allowed = allowed & BitMap(prepared.by_item[key] for key in query.among if key in prepared.by_item)
        ranked: list[int] | None = None
        if isinstance(tree, Every):
            matched = prepared.live
        elif isinstance(tree, Nothing):
            matched = BitMap()
        elif query.sort == "relevance":  # one pass gives both the matches and the ranked page
            limit = query.page * query.page_size
            matched, ranked = snapshot.rank(tree, None if allowed == prepared.live else allowed, limit)
            matched = matched & prepared.live
        else:
            matched = snapshot.match(tree) & prepared.live
        if dates is not None:
            matched = matched & dates
        final = matched & allowed
        facets, truncated, failed = self._facets(prepared, matched, selections, query)
        if failed:  # reported, not hidden: an empty facet would claim there is nothing to filter by
            notices.append(f"Afgrænsningen efter {', '.join(failed)} kunne ikke tælles og vises ikke.")
        hits = self._hits(snapshot, prepared, parsed, final, query, ranked) if final else []
        results = Results(query=query, total=len(final), hits=hits, facets=facets,
                          facets_truncated=truncated, notice=" ".join(notices) or None,
                          trend=self._trend(prepared, final))
        if not final and QUOTED_WORD.search(query.text):
            self._unquoted(snapshot, prepared, query.text, allowed, results)
        if query.text.strip() and results.total <= 2 and not isinstance(tree, Nothing) and not results.suggestion:
            results.suggestion = self._suggest(snapshot, prepared, query.text, results.total)
        return results

    @staticmethod
    def _trend(prepared: Prepared, final: BitMap) -> Trend | None:
        """The items of `final` per year, or per month when they are all from one year; None when
        they are all from one month (a chart of one bar says nothing)."""
        if not final:
            return None
        years = prepared.values["year"]
        counts = {year: final.intersection_cardinality(years.ids(year)) for year in years.value_names()}
        present = sorted(year for year, count in counts.items() if count)
        if len(present) > 1:
            return Trend("year", [TrendBar(str(year), counts.get(str(year), 0), f"{year}-01-01", f"{year}-12-31")
                                  for year in range(int(present[0]), int(present[-1]) + 1)])
        months: dict[str, int] = {}
        for day, ids in prepared.dates.items():
            if day.startswith(present[0]):
                months[day[:7]] = months.get(day[:7], 0) + final.intersection_cardinality(ids)
        found = sorted(month for month, count in months.items() if count)
        if len(found) < 2:
            return None
        year, first, last = present[0], int(found[0][5:]), int(found[-1][5:])
        return Trend("month", [TrendBar(f"{year}-{month:02d}", months.get(f"{year}-{month:02d}", 0),
                                        f"{year}-{month:02d}-01",
                                        f"{year}-{month:02d}-{calendar.monthrange(int(year), month)[1]:02d}")
                               for month in range(first, last + 1)])

    @staticmethod
    def _unquoted(snapshot: Snapshot, prepared: Prepared, text: str, allowed: BitMap, results: Results) -> None:
        """A quoted word is that word on its own: when it finds nothing but the word would as a part
        of compounds ("fravær": sygefravær), say so and offer the search without quotes."""
        unquoted = QUOTED_WORD.sub(r"\1", text)
        tree = parse_query(unquoted).tree
        if isinstance(tree, (Every, Nothing)):
            return
        found = len(snapshot.match(tree) & prepared.live & allowed)
        if found:
            words = ", ".join(f'"{word}"' for word in QUOTED_WORD.findall(text))
            hint = (f"{words} findes ikke som ord for sig, men indgår i sammensatte ord i {found} "
                    f"{'punkt' if found == 1 else 'punkter'}: søg uden anførselstegn for at finde dem.")
            results.notice = f"{results.notice} {hint}" if results.notice else hint
            results.suggestion = unquoted

    @staticmethod
    def _any_of(prepared: Prepared, facet: str, values: list[str]) -> BitMap:
        found = prepared.values[facet]
        return BitMap.union(BitMap(), *(found.ids(value) for value in values))

    @staticmethod
    def _date_filter(prepared: Prepared, query: Query) -> BitMap | None:
        if not query.date_from and not query.date_to:
            return None
        low = query.date_from.isoformat() if query.date_from else ""
        high = query.date_to.isoformat() if query.date_to else "9999"
        return BitMap.union(BitMap(), *(ids for day, ids in prepared.dates.items() if low <= day <= high))

    def _facets(self, prepared: Prepared, matched: BitMap, selections: dict[str, BitMap], query: Query):
        facets: dict[str, list[FacetValue]] = {}
        truncated: dict[str, bool] = {}
        failed: list[str] = []
        for facet in FACETS:
            if len(prepared.values[facet.name]) < facet.shown_from:
                continue  # one committee, no votes: the facet would say nothing
            try:
                scope = matched
                for other, selection in selections.items():
                    if other != facet.name:
                        scope = scope & selection  # a facet is counted under the others' selections, not its own
                shown = replace(facet, size=EXPANDED_FACET_SIZE) if facet.name in query.expanded else facet
                values, truncated[facet.name] = self._facet_values(prepared, shown, scope, query.selected(facet.name))
                facets[facet.name] = values
            except Exception:  # noqa: BLE001 - one facet's failure is reported, the page still works
                logger.exception("facet %s failed", facet.name)
                failed.append(facet.label.lower())
        return facets, truncated, failed

    @staticmethod
    def _facet_values(prepared: Prepared, facet: Facet, scope: BitMap, chosen: list[str]) -> tuple[list[FacetValue], bool]:
        values = prepared.values[facet.name]
        best, found = values.best(scope, facet)  # the `size` most frequent, and how many values occur
        counts = dict(best)
        for value in chosen:  # selected values are always shown, counted or not
            if value in values and value not in counts:
                counts[value] = scope.intersection_cardinality(values.ids(value))
        shown = sorted(counts.items(), key=lambda pair: facet.sort_key(*pair))
        unmatched = sum(1 for count in counts.values() if not count)  # selected values with no match
        truncated = facet.size is not None and found + unmatched > facet.size
        if truncated:
            # The `size` first of the values shown, matched or selected; then the selected ones beyond them.
            on_top = [pair for pair in shown if pair in best or not pair[1]][:facet.size]
            shown = on_top + [pair for pair in shown if pair not in on_top]
        return [FacetValue(value, facet.value_label(value), count, value in chosen) for value, count in shown], truncated

    def _hits(self, snapshot: Snapshot, prepared: Prepared, parsed: ParsedQuery, final: BitMap, query: Query,
              ranked: list[int] | None) -> list[Hit]:
        sort = query.sort
        browsing = isinstance(parsed.tree, Every)
        if browsing and sort == "relevance":
            sort = "newest"
        limit = query.page * query.page_size
        start = (query.page - 1) * query.page_size
        if sort in ("newest", "oldest"):
            order = prepared.newest if sort == "newest" else prepared.oldest
            everything = len(final) == len(prepared.live)
            page = list(islice(order if everything else (doc for doc in order if doc in final), start, limit))
        else:
            page = (ranked or [])[start:limit]
        highlighter = None if browsing else Highlighter(parsed.tree)
        return [self._hit(snapshot.record(doc), highlighter) for doc in page]

    @staticmethod
    def _hit(record: dict, highlighter: Highlighter | None) -> Hit:
        spans = highlighter.spans(full_text(record), "text") if highlighter else []
        section, snippet = best_snippet(record["sections"], spans)
        return Hit(
            id=record["id"], title=record["title"], meeting_date=record["meeting"]["date"],
            meeting_id=record["meeting"]["id"], committee=record["meeting"]["committee"],
            municipality=record["meeting"].get("municipality"),
            number=record["number"], case_number=record["case_number"],
            decision_types=record["decision"]["types"], centres=record["centres"],
            decision_text=record["decision"]["text"], status=record["meeting"].get("status", "referat"),
            url=item_url(record["meeting"]["id"], record["number"]),
            section=section["anchor"] if section else None,
            section_heading=section["heading"] if section else None,
            snippet=snippet,
        )

    def _suggest(self, snapshot: Snapshot, prepared: Prepared, text: str, total: int) -> str | None:
        """'Mente du ...?': replace words the vocabulary lacks by the nearest known word, and offer
        the result only if it finds more."""
        if prepared.suggester is None:
            prepared.suggester = Suggester(snapshot.vocabulary())
        suggester = prepared.suggester
        changed = False
        words = []
        for word in text[:MAX_QUERY_CHARS].split()[:MAX_TERMS]:
            lowered = word.lower()
            # Operators, field prefixes, wildcards and case numbers are left as typed.
            if len(lowered) >= 4 and lowered.isalpha() and not word.isupper() and not suggester.known(lowered):
                correction = suggester.nearest(lowered)
                if correction:
                    words.append(correction)
                    changed = True
                    continue
            words.append(word)
        if not changed:
            return None
        suggestion = " ".join(words)
        candidate = parse_query(suggestion).tree
        if isinstance(candidate, Nothing):
            return None
        found = prepared.live if isinstance(candidate, Every) else snapshot.match(candidate) & prepared.live
        return suggestion if len(found) > total else None
