"""The search service: `SearchIndex.search(Query) -> Results`, the one search API the CLI and the web
UI call, engine-free. It reads the query text into our own tree (`querytext`), asks the engine of
the current index generation for matching ids and a ranked page (`engine`), and does the rest
itself: facet counts on compressed bitmaps, date order, snippets (`highlight`), suggestions
(`suggest`) and record lookups. No engine type crosses this module.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import replace
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path

from pyroaring import BitMap

from .engine import Engine, Snapshot
from .prepared import Prepared, builder_running, load_prepared, prepare, read_prepared, wait_for_prepared
from .engines import DEFAULT_ENGINE, get_engine
from .facets import FACETS, Facet
from .highlight import Highlighter, best_snippet, mark
from .query import EXPANDED_FACET_SIZE, FacetValue, Hit, Query, Results, item_url
from .querytext import MAX_QUERY_CHARS, MAX_TERMS, Every, Nothing, ParsedQuery, parse_query
from .schema import ORIGINAL_NAME, ORIGINALS, current_generation, read_pointer
from .suggest import Suggester

QUOTED_WORD = re.compile(r'"([^"\s]+)"')  # one word in quotes: the word alone, never a compound's part

logger = logging.getLogger(__name__)

OPEN_ATTEMPTS = 20  # re-reads of CURRENT while rebuilds swap generations under a reader


class IndexMissing(RuntimeError):
    """There is no index at the given directory (run `minutes index`)."""


class SearchIndex:
    """A read-only view of the index directory; safe to share between threads (one engine snapshot
    each). Every call sees the latest committed index, including a rebuilt generation."""

    def __init__(self, index_dir: str | Path) -> None:
        self.index_dir = Path(index_dir)
        if current_generation(self.index_dir) is None:
            raise IndexMissing(f"{self.index_dir}: no index here; run 'minutes index' first")
        self._local = threading.local()
        self._lock = threading.Lock()
        self._prepared: dict[object, Prepared] = {}

    # -- snapshots -------------------------------------------------------------------------------

    def _snapshot(self) -> Snapshot:
        """This thread's snapshot of the current generation. A rebuild swaps CURRENT and then deletes
        the generation it replaced, so a reader that read CURRENT just before the swap can find its
        generation gone, or half gone, while it opens it: it reads CURRENT again and opens the new
        one. Once open, a snapshot holds its files, and deleting them does not disturb it."""
        failure: Exception | None = None
        for _attempt in range(OPEN_ATTEMPTS):
            generation = current_generation(self.index_dir)
            if generation is None:
                failure = None
                continue  # CURRENT named a generation deleted since: read CURRENT again
            try:
                return self._open(generation)
            except Exception as error:  # noqa: BLE001 - engines raise several kinds for missing files
                failure = error
                self.close()
        if failure is None:
            raise IndexMissing(f"{self.index_dir}: no index here; run 'minutes index' first")
        raise IndexMissing(f"{self.index_dir}: the index cannot be opened: {failure}") from failure

    def _open(self, generation: Path) -> Snapshot:
        local = self._local
        if getattr(local, "generation", None) != generation:
            self.close()
            engine: Engine = get_engine((read_pointer(self.index_dir) or {}).get("engine", DEFAULT_ENGINE))
            local.snapshot = engine.open(generation)
            local.generation = generation
        elif not local.snapshot.up_to_date():
            local.snapshot = local.snapshot.refresh()
        return local.snapshot

    def close(self) -> None:
        snapshot = getattr(self._local, "snapshot", None)
        self._local.snapshot = None
        self._local.generation = None
        if snapshot is not None:
            try:
                snapshot.close()
            except Exception:  # noqa: BLE001 - closing a snapshot whose files are gone is still closed
                pass

    @contextmanager
    def _reading(self) -> Iterator[tuple[Snapshot, Prepared]]:
        """This thread's snapshot, inside one read of it (one transaction, for a database engine),
        and the prepared state of the index state that read sees."""
        snapshot = self._snapshot()
        try:
            with snapshot.reading():
                yield snapshot, self._prepared_for(snapshot)
        except OSError as error:  # the engine's storage or server failed under the read
            self.close()
            raise IndexMissing(f"{self.index_dir}: the index cannot be read: {error}") from error

    def _prepared_for(self, snapshot: Snapshot) -> Prepared:
        with self._lock:
            prepared = self._prepared.get(snapshot.version)
            if prepared is None:
                # Prepared by `minutes index` with the commit, as a rule; when a reader sees the commit
                # first, it waits for the builder instead of doing the same work beside it; a state
                # nobody saved is prepared by the first reader.
                generation = self._local.generation
                stored = snapshot.stored_prepared()  # a database engine stores it with the commit
                prepared = (read_prepared(stored, snapshot.version) if stored is not None
                            else load_prepared(generation, snapshot.version))
                if prepared is None and builder_running(self.index_dir):
                    prepared = wait_for_prepared(self.index_dir, generation, snapshot.version)
                prepared = prepared or prepare(snapshot)
                self._prepared = {snapshot.version: prepared}  # older states are never asked for again
        return prepared

    def keep_warm(self, stop: threading.Event, interval: float = 0.5) -> None:
        """Prepare every new commit or generation as soon as it appears, so that no request pays for
        it. Runs until `stop` is set, in a thread of its own (with its own snapshot; it shares the
        prepared states with the request threads)."""
        while True:
            try:
                with self._reading():
                    pass
            except IndexMissing:
                pass  # no index yet, or it cannot be opened now: the requests say so, try again later
            if stop.wait(interval):
                self.close()
                return

    # -- search ----------------------------------------------------------------------------------

    def search(self, query: Query) -> Results:
        started = time.perf_counter()
        with self._reading() as (snapshot, prepared):
            results = self._search(snapshot, prepared, query)
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
                          facets_truncated=truncated, notice=" ".join(notices) or None)
        if not final and QUOTED_WORD.search(query.text):
            self._unquoted(snapshot, prepared, query.text, allowed, results)
        if query.text.strip() and results.total <= 2 and not isinstance(tree, Nothing) and not results.suggestion:
            results.suggestion = self._suggest(snapshot, prepared, query.text, results.total)
        return results

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
            if facet.needs_two_values and len(prepared.values[facet.name]) < 2:
                continue  # one committee: the facet would say nothing
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
            decision_text=record["decision"]["text"],
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

    # -- records -----------------------------------------------------------------------------------

    def item(self, meeting_id: str, number: int, text: str = "") -> dict | None:
        """One item's stored record; with `text`, each section gains `html` marking what matched."""
        with self._reading() as (snapshot, prepared):
            doc = prepared.by_item.get((meeting_id, number))
            if doc is None:
                return None
            record = snapshot.record(doc)
            spans: list[tuple[int, int]] = []
            title_spans: list[tuple[int, int]] = []
            if text.strip():
                tree = parse_query(text).tree
                if not isinstance(tree, (Every, Nothing)) and doc in snapshot.match(tree):
                    highlighter = Highlighter(tree)
                    spans = highlighter.spans(full_text(record), "text")
                    title_spans = highlighter.spans(record["title"], "title")
            record["title_html"] = mark(record["title"], title_spans)
            for section in record["sections"]:
                inside = [(s - section["start"], e - section["start"]) for s, e in spans
                          if section["start"] <= s and e <= section["end"]]
                section["html"] = mark(section["text"], inside)
                section["matches"] = len(inside)
            return record

    def _records(self, snapshot: Snapshot, prepared: Prepared, ids: BitMap) -> list[dict]:
        """Records oldest first, by meeting date and item number."""
        return [snapshot.record(doc) for doc in sorted(ids & prepared.live, key=prepared.place.__getitem__)]

    def meeting(self, meeting_id: str) -> list[dict]:
        """The records of a meeting's items, in agenda order (empty if there is no such meeting)."""
        with self._reading() as (snapshot, prepared):
            return self._records(snapshot, prepared, prepared.meetings.get(meeting_id, BitMap()))

    def meetings_on(self, meeting_date: str) -> list[str]:
        """The ids of the meetings held on a day (several committees may meet on one day)."""
        with self._reading() as (_snapshot, prepared):
            return list(prepared.meetings_on.get(meeting_date, []))

    def meetings(self) -> list[dict]:
        """Every meeting, newest first: its stored meeting fields plus the number of indexed items."""
        with self._reading() as (snapshot, prepared):
            overview = []
            for day in reversed(prepared.meetings_on):
                for meeting_id in prepared.meetings_on[day]:
                    ids = prepared.meetings[meeting_id]
                    meeting = snapshot.record(ids.min())["meeting"]
                    overview.append({**meeting, "item_count": len(ids)})
            return overview

    def case(self, case_number: str) -> list[dict]:
        """Every item under a case, oldest first."""
        with self._reading() as (snapshot, prepared):
            return self._records(snapshot, prepared, prepared.values["case"].ids(case_number))

    def neighbours(self, meeting_id: str, number: int) -> tuple[dict | None, dict | None]:
        items = self.meeting(meeting_id)
        numbers = [record["number"] for record in items]
        if number not in numbers:
            return None, None
        position = numbers.index(number)
        return (items[position - 1] if position > 0 else None,
                items[position + 1] if position + 1 < len(items) else None)

    def original(self, name: str) -> Path | None:
        """The index's copy of a source file (`<sha256>.pdf`, as a record's meeting names it), if it has one."""
        if not ORIGINAL_NAME.fullmatch(name):
            return None
        path = (self.index_dir / ORIGINALS / name).absolute()  # a server's files are read by absolute path
        return path if path.is_file() else None

    def stats(self) -> dict:
        with self._reading() as (_snapshot, prepared):
            return {"items": len(prepared.live), "meetings": len(prepared.meetings),
                    "generation": self._local.generation.name, **self._coverage(prepared)}

    def coverage(self) -> dict:
        """What the archive holds: meetings, items, and the first and last meeting date (None when empty)."""
        with self._reading() as (_snapshot, prepared):
            return {"meetings": len(prepared.meetings), "items": len(prepared.live), **self._coverage(prepared)}

    @staticmethod
    def _coverage(prepared: Prepared) -> dict:
        days = [day for day, ids in prepared.dates.items() if ids & prepared.live]
        return {"first_meeting": min(days, default=None), "last_meeting": max(days, default=None),
                "municipalities": sorted(prepared.values["municipality"].value_names()),
                "committees": sorted(prepared.values["committee"].value_names())}


def full_text(record: dict) -> str:
    """The indexed full text of an item: its sections, as `indexer.build.item_document` joins them."""
    return "\n\n".join(section["text"] for section in record["sections"])
