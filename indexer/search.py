"""Reads the index: the one search API that the CLI and the web UI call.

`SearchIndex.search(Query) -> Results`; whoosh types never leave this module. Facet counts use one
integer bitmask per facet value, cached per index generation: a query's matches become one mask,
and a count is `(matches & value).bit_count()` — exact and far cheaper than grouped collectors.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from itertools import islice
from dataclasses import dataclass
from html import escape
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import qparser
from whoosh import query as wq
from whoosh import collectors, sorting
from whoosh.qparser import syntax

from .analysis import DANISH_STOPWORDS
from .model import CASE_NUMBER
from .facets import FACETS
from .query import MAX_QUERY_CHARS, FacetValue, Hit, Query, Results, item_url
from .schema import BOOSTS, FACET_FIELDS, current_generation

logger = logging.getLogger(__name__)

MAX_TERMS = 40
OPEN_ATTEMPTS = 20  # re-reads of CURRENT while rebuilds swap generations under a reader
SNIPPET_CHARS = 240
CASE_NUMBER_RE = re.compile(rf'(?<![\w:/"])({CASE_NUMBER})(?![\w/])')
FIELD_ALIASES = {"title": ["titel"], "decision": ["beslutning"], "attachments": ["bilag"],
                 "case": ["sag", "sagsnr"], "text": ["tekst"]}


class IndexMissing(RuntimeError):
    """There is no index at the given directory (run `minutes index`)."""


@dataclass(slots=True)
class FacetMasks:
    """Per index generation: document bitmasks per facet value and per meeting date."""

    live: int
    values: dict[str, dict[str, int]]
    dates: dict[str, int]
    # Live documents by meeting date, then item number: browsing and date sorts read a page off these
    # instead of sorting every match on every request.
    newest: list[int]
    oldest: list[int]


def to_mask(doc_ids, size: int) -> int:
    bits = bytearray((size >> 3) + 1)
    for doc in doc_ids:
        bits[doc >> 3] |= 1 << (doc & 7)
    return int.from_bytes(bits, "little")


def mask_ids(mask: int):
    """The document numbers set in `mask`, ascending; linear in the mask's size."""
    data = mask.to_bytes((mask.bit_length() + 7) // 8, "little")
    for index, byte in enumerate(data):
        while byte:
            low = byte & -byte
            yield index * 8 + low.bit_length() - 1
            byte ^= low


class SearchIndex:
    """A read-only view of the index directory; safe to share between threads (one searcher each).
    Every call sees the latest committed index, including a rebuilt generation."""

    def __init__(self, index_dir: str | Path) -> None:
        self.index_dir = Path(index_dir)
        if current_generation(self.index_dir) is None:
            raise IndexMissing(f"{self.index_dir}: no index here; run 'minutes index' first")
        self._local = threading.local()
        self._lock = threading.Lock()
        self._masks: dict[tuple[str, int], FacetMasks] = {}

    # -- searchers -------------------------------------------------------------------------------

    def _searcher(self):
        """This thread's searcher on the current generation. A rebuild swaps CURRENT and then deletes
        the generation it replaced, so a reader that read CURRENT just before the swap can find its
        generation gone, or half gone, while it opens it: it reads CURRENT again and opens the new
        one. Once open, a searcher holds its files, and deleting them does not disturb it."""
        failure: Exception | None = None
        for _attempt in range(OPEN_ATTEMPTS):
            generation = current_generation(self.index_dir)
            if generation is None:
                failure = None
                continue  # CURRENT named a generation deleted since: read CURRENT again
            try:
                return self._open(generation)
            except Exception as error:  # noqa: BLE001 - whoosh raises several kinds for missing files
                failure = error
                self.close()
        if failure is None:
            raise IndexMissing(f"{self.index_dir}: no index here; run 'minutes index' first")
        raise IndexMissing(f"{self.index_dir}: the index cannot be opened: {failure}") from failure

    def _open(self, generation: Path):
        local = self._local
        if getattr(local, "generation", None) != generation:
            if getattr(local, "searcher", None) is not None:
                local.searcher.close()
                local.searcher = None
            local.searcher = whoosh_index.open_dir(str(generation)).searcher()
            local.generation = generation
        elif not local.searcher.up_to_date():
            local.searcher = local.searcher.refresh()
        return local.searcher

    def keep_warm(self, stop: threading.Event, interval: float = 0.5) -> None:
        """Build the facet masks and date order of every new commit or generation as soon as it
        appears, so that no request pays for them. Runs until `stop` is set, in a thread of its own
        (it has its own searcher, and shares the cache with the request threads)."""
        while True:
            try:
                self._facet_masks(self._searcher())
            except IndexMissing:
                pass  # no index yet, or it cannot be opened now: the requests say so, try again later
            if stop.wait(interval):
                self.close()
                return

    def close(self) -> None:
        searcher = getattr(self._local, "searcher", None)
        self._local.searcher = None
        self._local.generation = None
        if searcher is not None:
            try:
                searcher.close()
            except Exception:  # noqa: BLE001 - closing a searcher whose files are gone is still closed
                pass

    def _facet_masks(self, searcher) -> FacetMasks:
        reader = searcher.reader()
        key = (str(self._local.generation), reader.generation())
        with self._lock:
            cached = self._masks.get(key)
            if cached is None:
                size = reader.doc_count_all()
                values = {
                    facet: {term.decode("utf-8"): to_mask(reader.postings(fieldname, term).all_ids(), size)
                            for term in reader.lexicon(fieldname)}
                    for facet, fieldname in FACET_FIELDS.items()
                }
                dates = {term.decode("utf-8"): to_mask(reader.postings("date", term).all_ids(), size)
                         for term in reader.lexicon("date")}
                live = to_mask(reader.all_doc_ids(), size)
                numbers = reader.column_reader("number")
                by_day = {day: sorted(mask_ids(mask & live), key=lambda doc: numbers[doc])
                          for day, mask in dates.items()}
                newest = [doc for day in sorted(by_day, reverse=True) for doc in by_day[day]]
                oldest = [doc for day in sorted(by_day) for doc in by_day[day]]
                cached = FacetMasks(live, values, dates, newest, oldest)
                self._masks = {key: cached}  # older generations are never asked for again
        return cached

    # -- query compilation -------------------------------------------------------------------------

    def _parser(self, searcher, plain: bool = False) -> qparser.QueryParser:
        parser = qparser.MultifieldParser(list(BOOSTS), searcher.schema, fieldboosts=BOOSTS,
                                          group=qparser.AndGroup)
        if plain:
            parser.remove_plugin_class(qparser.WildcardPlugin)
            parser.remove_plugin_class(qparser.OperatorsPlugin)
            parser.remove_plugin_class(qparser.PhrasePlugin)
            parser.remove_plugin_class(qparser.FieldsPlugin)
            parser.remove_plugin_class(qparser.GroupPlugin)
            parser.remove_plugin_class(qparser.RangePlugin)
            parser.remove_plugin_class(qparser.BoostPlugin)
            return parser
        parser.remove_plugin_class(qparser.RangePlugin)
        parser.remove_plugin_class(qparser.BoostPlugin)
        parser.add_plugin(qparser.FieldAliasPlugin(FIELD_ALIASES))
        # -word excludes, but only at the start of a word: "HR-strategi" is one compound.
        parser.add_plugin(NestedPlusMinusPlugin(plusexpr=r"(?:^|(?<=[\s(]))\+", minusexpr=r"(?:^|(?<=[\s(]))-"))
        # Danish operator words alongside the English ones, upper case only so ordinary words stay words.
        parser.replace_plugin(qparser.OperatorsPlugin(
            And=r"(?<=\s)(?:AND|OG)(?=\s)", Or=r"(?<=\s)(?:OR|ELLER)(?=\s)",
            AndNot=r"(?<=\s)ANDNOT(?=\s)", AndMaybe=r"(?<=\s)ANDMAYBE(?=\s)",
            Not=r"(^|(?<=(\s|[()])))(?:NOT|IKKE)(?=\s)", Require=r"(^|(?<=\s))REQUIRE(?=\s)"))
        return parser

    def compile_text(self, text: str, searcher) -> tuple[wq.Query, list[str]]:
        """The user's query string -> a whoosh query, plus notices for what was changed."""
        notices: list[str] = []
        text = text.strip()
        if len(text) > MAX_QUERY_CHARS:
            text = text[:MAX_QUERY_CHARS]
            notices.append(f"Søgningen var for lang og er afkortet til {MAX_QUERY_CHARS} tegn.")
        words = text.split()
        if len(words) > MAX_TERMS:
            text = " ".join(words[:MAX_TERMS])
            notices.append(f"Kun de første {MAX_TERMS} ord er brugt.")
        if text in ("", "*"):
            return wq.Every(), notices
        text = text.replace("?", " ")  # a question mark is punctuation here, not a wildcard
        cleaned = re.sub(r"(?:(?<=\s)|^)\*+", "", text)  # leading wildcards would scan every term
        cleaned = re.sub(r"(?<![\w*])(\w)\*", r"\1", cleaned)  # a one-letter prefix is too broad
        if cleaned != text:
            notices.append("Jokertegn (*) virker kun efter mindst to bogstaver, fx revision*.")
        cleaned = drop_stopwords(cleaned)
        # A bare case number means the case, not a word in the text.
        cleaned = CASE_NUMBER_RE.sub(r'sag:"\1"', cleaned)
        cleaned = re.sub(r"(\w+)\*", lambda m: m.group(0).lower(), cleaned)
        if not cleaned.strip():
            return wq.Every(), notices
        try:
            parsed = self._parser(searcher).parse(cleaned)
        except Exception:  # noqa: BLE001 - any syntax whoosh cannot compile is searched as plain words
            parsed = wq.NullQuery
        if has_syntax_error(parsed):
            plain = " ".join(re.findall(rf"{CASE_NUMBER}|\w+", cleaned))
            parsed = self._parser(searcher, plain=True).parse(plain) if plain else wq.NullQuery
            notices.append("Søgningen kunne ikke læses som avanceret søgning; der er i stedet søgt på ordene.")
        return parsed, notices

    # -- search ----------------------------------------------------------------------------------

    def search(self, query: Query) -> Results:
        started = time.perf_counter()
        searcher = self._searcher()
        text_query, notices = self.compile_text(query.text, searcher)
        masks = self._facet_masks(searcher)
        dates = self._date_mask(masks, query)
        selected = {facet: values for facet, values in query.filters.items() if values}
        selections = {facet: self._any_of(masks, facet, values) for facet, values in selected.items()}
        allowed = masks.live & dates  # what the filters allow, whatever the text
        for mask in selections.values():
            allowed &= mask
        ranked = None
        if isinstance(text_query, wq.Every):
            matched = masks.live
        elif text_query is wq.NullQuery:
            matched = 0
        elif query.sort == "relevance":  # one pass gives both the matches and the ranked page
            matched, ranked = self._match_and_rank(searcher, text_query, allowed, masks, query.page * query.page_size)
        else:
            matched = to_mask(searcher.docs_for_query(text_query), searcher.reader().doc_count_all()) & masks.live
        matched &= dates
        final = matched & allowed
        facets, truncated, failed = self._facets(masks, matched, selections, query)
        if failed:  # reported, not hidden: an empty facet would claim there is nothing to filter by
            notices.append(f"Afgrænsningen efter {', '.join(failed)} kunne ikke tælles og vises ikke.")
        hits = self._hits(searcher, text_query, final, query, ranked) if final else []
        results = Results(query=query, total=final.bit_count(), hits=hits, facets=facets,
                          facets_truncated=truncated, notice=" ".join(notices) or None)
        if query.text.strip() and results.total <= 2 and text_query is not wq.NullQuery:
            results.suggestion = self._suggest(searcher, query.text, masks, results.total)
        results.seconds = time.perf_counter() - started
        return results

    @staticmethod
    def _any_of(masks: FacetMasks, facet: str, values: list[str]) -> int:
        mask = 0
        for value in values:
            mask |= masks.values[facet].get(value, 0)
        return mask

    @staticmethod
    def _date_mask(masks: FacetMasks, query: Query) -> int:
        if not query.date_from and not query.date_to:
            return masks.live
        low = query.date_from.isoformat() if query.date_from else ""
        high = query.date_to.isoformat() if query.date_to else "9999"
        mask = 0
        for day, day_mask in masks.dates.items():
            if low <= day <= high:
                mask |= day_mask
        return mask

    def _facets(self, masks: FacetMasks, matched: int, selections: dict[str, int], query: Query):
        facets: dict[str, list[FacetValue]] = {}
        truncated: dict[str, bool] = {}
        failed: list[str] = []
        for facet in FACETS:
            if facet.needs_two_values and len(masks.values[facet.name]) < 2:
                continue  # one committee: the facet would say nothing
            chosen = query.selected(facet.name)
            try:
                scope = matched
                for other, mask in selections.items():
                    if other != facet.name:
                        scope &= mask  # a facet is counted under the others' selections, not its own
                counted = [(value, (scope & value_mask).bit_count())
                           for value, value_mask in masks.values[facet.name].items()]
                values = [FacetValue(value, facet.value_label(value), count, value in chosen)
                          for value, count in counted if count or value in chosen]
                values.sort(key=lambda v: facet.sort_key(v.value, v.count))
                if facet.size is not None and len(values) > facet.size:
                    shown = values[:facet.size]
                    shown += [v for v in values[facet.size:] if v.selected]
                    values, truncated[facet.name] = shown, True
                else:
                    truncated[facet.name] = False
                facets[facet.name] = values
            except Exception:  # noqa: BLE001 - a facet that fails is reported, the page still works
                logger.exception("facet %s failed", facet.name)
                failed.append(facet.label.lower())
        return facets, truncated, failed

    def _match_and_rank(self, searcher, text_query, allowed: int, masks: FacetMasks, limit: int):
        """The query's matches as a mask, and the top `limit` of those the filters allow, ranked, from
        one evaluation of the query."""
        top = collectors.TopCollector(limit=limit, usequality=False, replace=0)
        collector = MatchMaskCollector(collectors.TermsCollector(top),
                                       allow=None if allowed == masks.live else set(mask_ids(allowed)),
                                       size=searcher.reader().doc_count_all())
        searcher.search_with_collector(text_query, collector)
        return int.from_bytes(collector.matched, "little") & masks.live, collector.results()

    def _hits(self, searcher, text_query, final: int, query: Query, ranked=None) -> list[Hit]:
        sort = query.sort
        browsing = isinstance(text_query, wq.Every)
        if browsing and sort == "relevance":
            sort = "newest"
        limit = query.page * query.page_size
        start = (query.page - 1) * query.page_size
        masks = self._facet_masks(searcher)
        allowed = None if final == masks.live else set(mask_ids(final))
        if sort in ("newest", "oldest"):
            order = masks.newest if sort == "newest" else masks.oldest
            page = list(islice(order if allowed is None else (doc for doc in order if doc in allowed), start, limit))
            terms: dict[int, list] = {}
            if page and not browsing:  # the matched words of this page's items, for their snippets
                found = searcher.search(text_query, limit=len(page), filter=set(page), terms=True, optimize=False)
                if found.has_matched_terms():
                    terms = {hit.docnum: hit.matched_terms() for hit in found}
            return [self._hit(searcher, doc, json.loads(searcher.stored_fields(doc)["record"]), terms.get(doc, []))
                    for doc in page]
        # optimize=False: whoosh 2.7.4's block-quality shortcut can loop forever (whoosh #446).
        results = ranked or searcher.search(text_query, limit=limit, filter=allowed, terms=True, optimize=False)
        hits = []
        for position in range(start, min(limit, len(results.top_n))):
            hit = results[position]
            terms = hit.matched_terms() if results.has_matched_terms() else []
            hits.append(self._hit(searcher, hit.docnum, json.loads(hit["record"]), terms))
        return hits

    def _hit(self, searcher, docnum: int, record: dict, terms) -> Hit:
        spans = term_spans(searcher, docnum, "text", terms)
        section, snippet = best_snippet(record["sections"], spans)
        return Hit(
            id=record["id"], title=record["title"], meeting_date=record["meeting"]["date"],
            number=record["number"], case_number=record["case_number"],
            decision_types=record["decision"]["types"], centres=record["centres"],
            url=item_url(record["meeting"]["date"], record["number"]),
            section=section["anchor"] if section else None,
            section_heading=section["heading"] if section else None,
            snippet=snippet,
        )

    def _suggest(self, searcher, text: str, masks: FacetMasks, total: int) -> str | None:
        """'Mente du ...?': replace words the vocabulary lacks by the nearest known word, and offer
        the result only if it finds more."""
        reader = searcher.reader()
        changed = False
        words = []
        for word in text[:MAX_QUERY_CHARS].split()[:MAX_TERMS]:
            lowered = word.lower()
            # Operators, field prefixes, wildcards and case numbers are left as typed.
            if (len(lowered) >= 4 and lowered.isalpha() and not word.isupper()
                    and reader.doc_frequency("vocabulary", lowered) == 0):
                corrections = searcher.suggest("vocabulary", lowered, limit=1, maxdist=2, prefix=1)
                if corrections:
                    words.append(corrections[0])
                    changed = True
                    continue
            words.append(word)
        if not changed:
            return None
        suggestion = " ".join(words)
        candidate, _ = self.compile_text(suggestion, searcher)
        found = to_mask(searcher.docs_for_query(candidate), reader.doc_count_all()) & masks.live
        return suggestion if found.bit_count() > total else None

    # -- records -----------------------------------------------------------------------------------

    def _records(self, searcher, query: wq.Query, sort_oldest: bool = True) -> list[dict]:
        sortedby = sorting.MultiFacet([sorting.FieldFacet("date", reverse=not sort_oldest),
                                       sorting.FieldFacet("number")])
        found = searcher.search(query, limit=None, sortedby=sortedby, optimize=False)
        return [json.loads(hit["record"]) for hit in found]

    def item(self, meeting_date: str, number: int, text: str = "") -> dict | None:
        """One item's stored record; with `text`, each section gains `html` marking what matched."""
        if not 0 < number < 2**31:  # the index stores item numbers as 32-bit integers
            return None
        searcher = self._searcher()
        item_query = wq.And([wq.Term("date", meeting_date), wq.NumericRange("number", number, number)])
        found = searcher.search(item_query, limit=1, optimize=False)
        if not found:
            return None
        docnum = found[0].docnum
        record = json.loads(found[0]["record"])
        spans: list[tuple[int, int]] = []
        title_spans: list[tuple[int, int]] = []
        if text.strip():
            text_query, _ = self.compile_text(text, searcher)
            if not isinstance(text_query, wq.Every) and text_query is not wq.NullQuery:
                matched = searcher.search(text_query, filter={docnum}, limit=1, terms=True, optimize=False)
                if matched and matched.has_matched_terms():
                    terms = matched[0].matched_terms()
                    spans = term_spans(searcher, docnum, "text", terms)
                    title_spans = term_spans(searcher, docnum, "title", terms)
        record["title_html"] = mark(record["title"], title_spans)
        for section in record["sections"]:
            inside = [(s - section["start"], e - section["start"]) for s, e in spans
                      if section["start"] <= s and e <= section["end"]]
            section["html"] = mark(section["text"], inside)
            section["matches"] = len(inside)
        return record

    def meeting(self, meeting_date: str) -> list[dict]:
        """The records of a meeting's items, in agenda order (empty if there is no such meeting)."""
        return self._records(self._searcher(), wq.Term("date", meeting_date))

    def meetings(self) -> list[dict]:
        """Every meeting, newest first: its stored meeting fields plus the number of indexed items."""
        searcher = self._searcher()
        masks = self._facet_masks(searcher)
        overview = []
        for day in sorted(masks.dates, reverse=True):
            mask = masks.dates[day] & masks.live
            if not mask:
                continue
            first = next(mask_ids(mask))
            meeting = json.loads(searcher.stored_fields(first)["record"])["meeting"]
            overview.append({**meeting, "item_count": mask.bit_count()})
        return overview

    def case(self, case_number: str) -> list[dict]:
        """Every item under a case, oldest first."""
        return self._records(self._searcher(), wq.Term("case", case_number))

    def neighbours(self, meeting_date: str, number: int) -> tuple[dict | None, dict | None]:
        items = self.meeting(meeting_date)
        numbers = [record["number"] for record in items]
        if number not in numbers:
            return None, None
        position = numbers.index(number)
        return (items[position - 1] if position > 0 else None,
                items[position + 1] if position + 1 < len(items) else None)

    def stats(self) -> dict:
        searcher = self._searcher()
        masks = self._facet_masks(searcher)
        return {"items": masks.live.bit_count(), "meetings": len(masks.dates),
                "generation": self._local.generation.name}


class MatchMaskCollector(collectors.FilterCollector):
    """Sees every match of the query once: sets its bit in `matched` (for the total and the facet
    counts) and passes only the documents the filters allow on to be scored and ranked. Its child
    must not replace its matcher (`replace=0`): whoosh's replacement skips documents that cannot
    reach the top, and their bits would be missing."""

    def __init__(self, child, allow: set[int] | None, size: int) -> None:
        super().__init__(child, allow=allow)
        self.matched = bytearray((size >> 3) + 1)

    def collect_matches(self) -> None:
        child, allow, offset, matched = self.child, self._allow, self.offset, self.matched
        for sub_docnum in child.matches():
            docnum = offset + sub_docnum
            matched[docnum >> 3] |= 1 << (docnum & 7)
            if allow is None or docnum in allow:
                child.collect(sub_docnum)


class NestedPlusMinusPlugin(qparser.PlusMinusPlugin):
    """`+word` and `-word` at every bracket level. whoosh sorts them into required and banned words in
    the top-level group only: inside `kmd (uta -drift)` the markers stayed behind and could not become
    a query (NotImplementedError: Minus), and a query of only banned words (`-kmd`) became nothing.
    Here each group is sorted in place, so it keeps its field name and boost; banned words alone mean
    "everything but these"; a + or - with no word after it is dropped."""

    def do_plusminus(self, parser, group):
        for node in group:
            if isinstance(node, syntax.GroupNode):
                nested = self.do_plusminus(parser, node)
                if nested is not node:
                    node.nodes = [nested]
        if not any(isinstance(node, (self.Plus, self.Minus)) for node in group):
            return group
        required, banned = syntax.AndGroup(), syntax.OrGroup()
        optional = syntax.AndGroup() if isinstance(group, syntax.AndGroup) else syntax.OrGroup()
        target = optional
        for node in group:
            if isinstance(node, self.Plus):
                target = required
            elif isinstance(node, self.Minus):
                target = banned
            else:
                target.append(node)
                target = optional
        kept = syntax.AndMaybeGroup([required, optional]) if required and optional else required or optional
        if banned:
            return syntax.AndNotGroup([kept, banned]) if kept else syntax.NotGroup([banned])
        return kept


def drop_stopwords(text: str) -> str:
    """Drop stop words from the loose words of a query, never from inside "a phrase" and never the
    upper-case operators OG/ELLER; a query of nothing but stop words is kept as it is."""
    pieces = re.split(r'("[^"]*")', text)
    kept = [piece if piece.startswith('"') else
            " ".join(w for w in piece.split(" ") if w.isupper() or w.lower() not in DANISH_STOPWORDS)
            for piece in pieces]
    result = re.sub(r"\s+", " ", "".join(kept)).strip()
    return result if re.search(r"\w", result) else text


def has_syntax_error(parsed) -> bool:
    """whoosh does not raise on bad syntax: it returns a null query or nodes carrying `error`."""
    return parsed is wq.NullQuery or any(getattr(q, "error", None) for q in iter_queries(parsed))


def iter_queries(node):
    yield node
    for child in node.children():
        yield from iter_queries(child)


def term_spans(searcher, docnum: int, fieldname: str, terms) -> list[tuple[int, int]]:
    """Character offsets of the matched terms in one field of one document (stored at index time,
    so nothing is re-analysed)."""
    spans = []
    reader = searcher.reader()
    for field, term in terms:
        if field != fieldname:
            continue
        try:
            matcher = reader.postings(fieldname, term)
        except Exception:  # noqa: BLE001 - a term absent from this segment simply has no spans
            continue
        matcher.skip_to(docnum)
        if matcher.is_active() and matcher.id() == docnum:
            spans.extend((span.startchar, span.endchar) for span in matcher.spans())
    return merge_spans(spans)


def merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(set(spans)):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def mark(text: str, spans: list[tuple[int, int]]) -> str:
    """Escape `text` and wrap each span in <mark>."""
    out, position = [], 0
    for start, end in spans:
        out.append(escape(text[position:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    out.append(escape(text[position:]))
    return "".join(out)


def best_snippet(sections: list[dict], spans: list[tuple[int, int]]) -> tuple[dict | None, str]:
    """The section with most matches, and a window of it around its densest run of matches."""
    if not sections:
        return None, ""
    best, best_spans = None, []
    for section in sections:
        inside = [(s - section["start"], e - section["start"]) for s, e in spans
                  if section["start"] <= s and e <= section["end"]]
        if len(inside) > len(best_spans):
            best, best_spans = section, inside
    if best is None:  # nothing matched in the text (a case or title match): show the decision
        best = next((s for s in sections if s["kind"] == "beslutning" and s["text"]), sections[0])
    text = best["text"]
    start = 0
    if best_spans:
        anchor = max(best_spans, key=lambda span: sum(1 for s, _ in best_spans if span[0] <= s < span[0] + SNIPPET_CHARS))
        start = max(0, anchor[0] - 60)
        if start:
            space = text.find(" ", start)
            start = space + 1 if 0 <= space < anchor[0] else start
    end = min(len(text), start + SNIPPET_CHARS)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    window = [(max(s, start) - start, min(e, end) - start) for s, e in best_spans if s < end and e > start]
    snippet = mark(text[start:end], window).replace("\n\n", " · ")  # keep paragraph breaks visible
    snippet = re.sub(r"\s+", " ", snippet).strip(" ·")
    return best, ("… " if start else "") + snippet + (" …" if end < len(text) else "")
