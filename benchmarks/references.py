"""Two reference search engines over the same archive as ours, for benchmarks/bench.py.

Both index what our engine indexes (indexer/reading.py `item_document`): per agenda item the title,
the decision text, the attachments and the full text (every section), ranked with the same field
boosts, and the facets year, centre, case number and decision type. Each answers a query the way
`/api/search` does: the total, the first page of ranked hits (PAGE_SIZE, as the API) with a snippet
each, and the counts of every facet value over all matches (each facet counted under the other
facets' selections but not its own, the case facet cut to its ten most frequent values).

Each reference has the same small interface:
    build(items) -> seconds     index a list of ReferenceItem (parsed beforehand, see load_items)
    search(entry) -> hit count  run one MixEntry
    close()

TantivyReference  (python package `tantivy`): text fields analysed by a registered analyzer,
                  Tokenizer.simple() | remove_long(40) | lowercase | Snowball stemmer("danish");
                  facets as raw-tokenized fast text fields, counted by terms aggregations;
                  snippets by tantivy.SnippetGenerator.
Fts5Reference     (stdlib sqlite3): FTS5 has no Danish stemmer and Python cannot register an FTS5
                  tokenizer, so the text is stemmed in Python before it is stored: every word
                  (\\w+) lowercased and replaced by indexer.analysis.stem(word), punctuation kept;
                  the FTS5 table then uses the unicode61 tokenizer with remove_diacritics 0 (æ, ø, å
                  stay). Query words are stemmed the same way. Ranking is bm25() with the field
                  boosts; facets live in normal tables (each value numbered, one row per item and
                  value: an item names several centres and decision types) and are counted by GROUP
                  BY over the matches, which a temporary table holds once per query; snippets come
                  from snippet(), so they show the stemmed words.

Neither reference folds æ/ø/å, indexes hyphenated compounds by their parts or offers spelling
suggestions, as ours does: per query they do somewhat less than ours.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import sys
import time
from collections.abc import Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer.analysis import stem  # noqa: E402
from indexer.load import load_meeting  # noqa: E402

PAGE_SIZE = 10  # hits per page, as /api/search returns them
BOOSTS = {"title": 4.0, "decision": 2.5, "attachments": 1.5, "text": 1.0}  # as our engine's BM25F
TEXT_FIELDS = tuple(BOOSTS)
# Facet name (as in /api/search) -> how many values are shown (None: all).
FACET_SIZES: dict[str, int | None] = {"year": None, "centre": None, "case": 10, "decision": None}
ALL_VALUES = 10_000  # a terms aggregation needs a size; only the case facet has more values, and shows ten
# Each index segment reports every value to tantivy's terms aggregation, so the counts are exact
# (by default a segment reports only its top values and the counts are approximate), as ours are.
EXACT_SEGMENT_SIZE = 10_000_000
SNIPPET_CHARS = 200


@dataclass(frozen=True, slots=True)
class ReferenceItem:
    """What the references index of one agenda item (the fields of our engine's document)."""

    id: str
    date: str  # YYYY-MM-DD
    title: str
    decision: str
    attachments: str
    text: str  # every section's text, separated by a blank line
    facets: dict[str, tuple[str, ...]]  # facet name -> values


@dataclass(frozen=True, slots=True)
class MixEntry:
    """One query of the benchmark mix: the /api/search parameters, and the same query spelled out
    for the references (which have no query language of ours)."""

    name: str
    params: tuple[tuple[str, str], ...]  # /api/search parameters, in order
    words: tuple[str, ...] = ()  # loose words, ANDed
    phrase: tuple[str, ...] = ()  # an exact phrase
    prefix: str = ""  # words starting with this
    case: str = ""  # every item under this case number
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)  # facet -> values (ORed)
    sort: str = "relevance"  # or "newest"

    @property
    def has_text(self) -> bool:
        return bool(self.words or self.phrase or self.prefix)


def search_mix(case_number: str) -> list[MixEntry]:
    """The fixed mix of the benchmark; `case_number` must exist in the archive searched."""
    return [
        MixEntry("one word", (("q", "revisionsberetning"),), words=("revisionsberetning",)),
        MixEntry("two words", (("q", "budget godkendt"),), words=("budget", "godkendt")),
        MixEntry("phrase", (("q", '"status på revisionsberetning"'),),
                 phrase=("status", "på", "revisionsberetning")),
        MixEntry("prefix", (("q", "revision*"),), prefix="revision"),
        MixEntry("case number", (("q", case_number),), case=case_number),
        MixEntry("facet filter", (("q", "kmd"), ("decision", "godkendt")), words=("kmd",),
                 filters={"decision": ("godkendt",)}),
        MixEntry("browse", (("q", ""),), sort="newest"),  # an empty query lists every item, newest first
        MixEntry("sort by date", (("q", "budget"), ("sort", "newest")), words=("budget",), sort="newest"),
    ]


def load_items(corpus_dir: Path) -> list[ReferenceItem]:
    """Parse every *.txt under `corpus_dir` (sorted) with indexer.load.load_meeting."""
    items = []
    for path in sorted(Path(corpus_dir).rglob("*.txt")):
        meeting = load_meeting(path)
        for item in meeting.items:
            items.append(ReferenceItem(
                id=item.id,
                date=meeting.date.isoformat(),
                title=item.title,
                decision=item.decision.text,
                attachments="\n".join(item.attachments),
                text="\n\n".join(section.text for section in item.sections),
                facets={"year": (str(meeting.date.year),), "centre": tuple(item.centres),
                        "case": (item.case_number,) if item.case_number else (),
                        "decision": tuple(item.decision.types)},
            ))
    return items


def top_values(counts: dict[str, int], size: int | None) -> list[tuple[str, int]]:
    ordered = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
    return ordered if size is None else ordered[:size]


# -- tantivy ----------------------------------------------------------------------------------

class TantivyReference:
    """tantivy (Rust, via the `tantivy` package) with a Danish Snowball analyzer."""

    name = "tantivy"
    label = "tantivy"
    ANALYZER = "danish_stem"
    FACET_FIELDS: ClassVar[dict[str, str]] = {"year": "year", "centre": "centres", "case": "case", "decision": "decision_types"}

    def __init__(self, directory: Path) -> None:
        import tantivy

        self.tantivy = tantivy
        self.directory = self.location = Path(directory)  # location: what the index takes on disk
        builder = tantivy.SchemaBuilder()
        builder.add_text_field("id", stored=True, tokenizer_name="raw")
        for name in TEXT_FIELDS:
            builder.add_text_field(name, stored=name in ("title", "text"), tokenizer_name=self.ANALYZER)
        for name in self.FACET_FIELDS.values():  # one term per value, countable from the fast field
            builder.add_text_field(name, fast=True, tokenizer_name="raw")
        builder.add_integer_field("date", stored=True, indexed=True, fast=True)  # YYYYMMDD, for sorting
        self.schema = builder.build()
        self.index = None
        self.searcher = None

    def analyzer(self):
        t = self.tantivy
        return (t.TextAnalyzerBuilder(t.Tokenizer.simple()).filter(t.Filter.remove_long(40))
                .filter(t.Filter.lowercase()).filter(t.Filter.stemmer("danish")).build())

    def build(self, items: Sequence[ReferenceItem]) -> float:
        """Index `items` into a fresh index; returns the seconds it took (commit and merges included)."""
        started = time.perf_counter()
        t = self.tantivy
        shutil.rmtree(self.directory, ignore_errors=True)
        self.directory.mkdir(parents=True)
        self.index = t.Index(self.schema, path=str(self.directory))
        self.index.register_tokenizer(self.ANALYZER, self.analyzer())
        writer = self.index.writer()  # tantivy's defaults: 128 MB heap, one indexing thread per core
        for item in items:
            fields = {"id": item.id, "title": item.title, "decision": item.decision,
                      "attachments": item.attachments, "text": item.text,
                      "date": int(item.date.replace("-", ""))}
            for facet, name in self.FACET_FIELDS.items():
                fields[name] = list(item.facets[facet])
            writer.add_document(t.Document(**fields))
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.searcher = self.index.searcher()
        return time.perf_counter() - started

    def text_query(self, entry: MixEntry):
        t = self.tantivy
        if entry.words or entry.phrase:
            text = " ".join(entry.words) if entry.words else '"' + " ".join(entry.phrase) + '"'
            return self.index.parse_query(text, default_field_names=list(TEXT_FIELDS), field_boosts=BOOSTS,
                                          conjunction_by_default=True)
        if entry.prefix:  # matched against the indexed stems, as typed (lowercased), like ours
            return t.Query.boolean_query([
                (t.Occur.Should, t.Query.boost_query(
                    t.Query.phrase_prefix_query(self.schema, name, [entry.prefix.lower()]), boost))
                for name, boost in BOOSTS.items()])
        if entry.case:
            return t.Query.term_query(self.schema, "case", entry.case)
        return t.Query.all_query()

    def filtered(self, base, filters: dict[str, tuple[str, ...]]):
        if not filters:
            return base
        t = self.tantivy
        clauses = [(t.Occur.Must, base)]
        for facet, values in filters.items():
            clauses.append((t.Occur.Must, t.Query.term_set_query(self.schema, self.FACET_FIELDS[facet], list(values))))
        return t.Query.boolean_query(clauses)

    def facet_counts(self, query, facets: Iterable[str]) -> dict[str, list[tuple[str, int]]]:
        request = {facet: {"terms": {"field": self.FACET_FIELDS[facet], "size": FACET_SIZES[facet] or ALL_VALUES,
                                     "segment_size": EXACT_SEGMENT_SIZE}}
                   for facet in facets}
        if not request:
            return {}
        answer = self.searcher.aggregate(query, request)
        return {facet: top_values({b["key"]: b["doc_count"] for b in answer[facet]["buckets"]}, FACET_SIZES[facet])
                for facet in request}  # the same order as the others: count, then value

    def search(self, entry: MixEntry) -> int:
        t = self.tantivy
        searcher = self.searcher
        base = self.text_query(entry)
        query = self.filtered(base, entry.filters)
        if entry.sort == "newest" or not (entry.has_text or entry.case):
            result = searcher.search(query, limit=PAGE_SIZE, order_by_field="date", order=t.Order.Desc)
        else:
            result = searcher.search(query, limit=PAGE_SIZE)
        facets = self.facet_counts(query, [f for f in FACET_SIZES if f not in entry.filters])
        for facet in entry.filters:  # a selected facet is counted without its own selection
            others = {f: v for f, v in entry.filters.items() if f != facet}
            facets.update(self.facet_counts(self.filtered(base, others), [facet]))
        snippets = t.SnippetGenerator.create(searcher, base, self.schema, "text") if entry.has_text else None
        hits = []
        for _score, address in result.hits:
            document = searcher.doc(address)
            text = document.get_first("text") or ""
            snippet = snippets.snippet_from_doc(document).to_html() if snippets else ""
            hits.append((document.get_first("id"), document.get_first("title"), snippet or text[:SNIPPET_CHARS]))
        self.last = {"total": result.count, "hits": hits, "facets": facets}
        return result.count

    def close(self) -> None:
        self.searcher = None
        self.index = None


# -- SQLite FTS5 ------------------------------------------------------------------------------

WORD_RE = re.compile(r"\w+")


def stemmed(text: str) -> str:
    """The text with every word lowercased and stemmed (indexer.analysis.stem), punctuation kept."""
    return WORD_RE.sub(lambda m: stem(m.group().lower()), text)


class Fts5Reference:
    """SQLite FTS5 over pre-stemmed text, facets in normal tables."""

    name = "fts5"
    label = "SQLite FTS5"

    def __init__(self, path: Path) -> None:
        self.path = self.location = Path(path)  # location: what the index takes on disk
        self.db: sqlite3.Connection | None = None

    def build(self, items: Sequence[ReferenceItem]) -> float:
        """Index `items` into a fresh database file; returns the seconds it took (stemming included)."""
        started = time.perf_counter()
        self.close()
        self.path.unlink(missing_ok=True)
        db = self.db = sqlite3.connect(self.path)
        db.executescript(f"""
            PRAGMA journal_mode = OFF;
            PRAGMA synchronous = OFF;
            CREATE TABLE items (rowid INTEGER PRIMARY KEY, id TEXT, date TEXT, title TEXT, text TEXT);
            -- Facet values get integer ids: grouping matches by an integer is the cheaper GROUP BY.
            CREATE TABLE facet_values (id INTEGER PRIMARY KEY, facet TEXT, value TEXT, UNIQUE (facet, value));
            CREATE TABLE item_facets (item INTEGER, value_id INTEGER, PRIMARY KEY (item, value_id)) WITHOUT ROWID;
            CREATE VIRTUAL TABLE fts USING fts5({', '.join(TEXT_FIELDS)},
                                                tokenize = "unicode61 remove_diacritics 0");
        """)
        with db:
            db.executemany("INSERT INTO items VALUES (?, ?, ?, ?, ?)",
                           ((n, i.id, i.date, i.title, i.text) for n, i in enumerate(items, 1)))
            value_ids: dict[tuple[str, str], int] = {}
            db.executemany("INSERT INTO item_facets VALUES (?, ?)",
                           ((n, value_ids.setdefault((facet, value), len(value_ids) + 1))
                            for n, i in enumerate(items, 1) for facet, values in i.facets.items()
                            for value in dict.fromkeys(values)))
            db.executemany("INSERT INTO facet_values VALUES (?, ?, ?)",
                           ((number, facet, value) for (facet, value), number in value_ids.items()))
            db.executemany(f"INSERT INTO fts (rowid, {', '.join(TEXT_FIELDS)}) VALUES (?, ?, ?, ?, ?)",
                           ((n, stemmed(i.title), stemmed(i.decision), stemmed(i.attachments), stemmed(i.text))
                            for n, i in enumerate(items, 1)))
            db.execute("INSERT INTO fts (fts) VALUES ('optimize')")  # one b-tree, as a merged index
            db.executescript("""
                CREATE INDEX items_date ON items (date);
                CREATE INDEX item_facets_by_value ON item_facets (value_id, item);
                ANALYZE;
            """)
        db.execute("CREATE TEMP TABLE matched (id INTEGER PRIMARY KEY)")
        return time.perf_counter() - started

    @staticmethod
    def match_expression(entry: MixEntry) -> str:
        if entry.words:
            return " AND ".join(f'"{stem(w.lower())}"' for w in entry.words)
        if entry.phrase:
            return '"' + " ".join(stem(w.lower()) for w in entry.phrase) + '"'
        if entry.prefix:
            return f'"{entry.prefix.lower()}" *'
        return ""

    @staticmethod
    def conditions(entry: MixEntry, filters: dict[str, tuple[str, ...]]) -> tuple[list[str], list]:
        """SQL selections of rowids for the case number and the facet filters, and their parameters."""
        wanted = dict(filters)
        if entry.case:
            wanted["case"] = (entry.case,)
        parts, params = [], []
        for facet, values in wanted.items():
            parts.append("SELECT item AS id FROM item_facets WHERE value_id IN (SELECT id FROM facet_values "
                         f"WHERE facet = ? AND value IN ({', '.join('?' * len(values))}))")
            params += [facet, *values]
        return parts, params

    @staticmethod
    def matches(entry: MixEntry, filters: dict[str, tuple[str, ...]]) -> tuple[str, list]:
        """SQL selecting the rowids of the items that match, and its parameters."""
        parts, params = Fts5Reference.conditions(entry, filters)
        expression = Fts5Reference.match_expression(entry)
        if expression:
            parts.insert(0, "SELECT rowid AS id FROM fts WHERE fts MATCH ?")
            params.insert(0, expression)
        return (" INTERSECT ".join(parts) or "SELECT rowid AS id FROM items"), params

    def facet_counts(self, matched_sql: str | None, params: list,
                     facets: list[str]) -> dict[str, list[tuple[str, int]]]:
        """Counts per value of `facets` over the ids `matched_sql` selects (None: every item)."""
        if not facets:
            return {}
        if matched_sql is None:  # straight off the (value_id, item) index, already in GROUP BY order
            grouped = "SELECT value_id, count(*) AS n FROM item_facets GROUP BY value_id"
        else:
            grouped = (f"SELECT f.value_id, count(*) AS n FROM ({matched_sql}) AS m "
                       f"CROSS JOIN item_facets AS f ON f.item = m.id GROUP BY f.value_id")
        sql = (f"SELECT v.facet, v.value, g.n FROM ({grouped}) AS g JOIN facet_values AS v ON v.id = g.value_id "
               f"WHERE v.facet IN ({', '.join('?' * len(facets))})")
        counts: dict[str, dict[str, int]] = {facet: {} for facet in facets}
        for facet, value, count in self.db.execute(sql, [*params, *facets]):
            counts[facet][value] = count
        return {facet: top_values(values, FACET_SIZES[facet]) for facet, values in counts.items()}

    def search(self, entry: MixEntry) -> int:
        db = self.db
        expression = self.match_expression(entry)
        restricted = bool(expression or entry.case or entry.filters)
        if restricted:  # the matches once, into a temporary table the count, page and facets read
            sql, params = self.matches(entry, entry.filters)
            db.execute("DELETE FROM temp.matched")
            db.execute(f"INSERT INTO temp.matched {sql}", params)
            total = db.execute("SELECT count(*) FROM temp.matched").fetchone()[0]
        else:
            total = db.execute("SELECT count(*) FROM items").fetchone()[0]
        if expression:
            # Rank first, then snippets for the page only (SQLite would compute them for every match).
            # The unary + keeps SQLite from handing `IN temp.matched` to FTS5 as rowid lookups, which
            # would run the full-text query once per match.
            newest = entry.sort == "newest"
            order = "items.date DESC" if newest else f"bm25(fts, {', '.join(map(str, BOOSTS.values()))})"
            ranked = (f"SELECT fts.rowid FROM fts{' JOIN items ON items.rowid = fts.rowid' if newest else ''} "
                      f"WHERE fts MATCH ?{' AND +fts.rowid IN temp.matched' if entry.case or entry.filters else ''} "
                      f"ORDER BY {order} LIMIT ?")
            page = db.execute(f"""
                SELECT items.id, items.title, snippet(fts, 3, '<mark>', '</mark>', '…', 24)
                FROM fts JOIN items ON items.rowid = fts.rowid
                WHERE fts MATCH ? AND fts.rowid IN ({ranked}) ORDER BY {order}""",
                [expression, expression, PAGE_SIZE]).fetchall()
        else:
            page = db.execute(f"""
                SELECT id, title, substr(text, 1, {SNIPPET_CHARS}) FROM items
                {'WHERE rowid IN temp.matched' if restricted else ''} ORDER BY date DESC LIMIT ?""",
                [PAGE_SIZE]).fetchall()
        facets = self.facet_counts("SELECT id FROM temp.matched" if restricted else None, [],
                                   [f for f in FACET_SIZES if f not in entry.filters])
        for facet in entry.filters:  # a selected facet is counted without its own selection
            others = {f: v for f, v in entry.filters.items() if f != facet}
            facets.update(self.facet_counts(*self.matches(entry, others), [facet]))
        self.last = {"total": total, "hits": page, "facets": facets}
        return total

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None


def unavailable_references() -> dict[str, str]:
    """Reference name -> why it cannot run here (missing package or SQLite without FTS5)."""
    reasons = {}
    try:
        import tantivy  # noqa: F401
    except ImportError as error:
        reasons["tantivy"] = f"the tantivy package is not installed ({error}); it is a dependency: make install"
    try:
        with closing(sqlite3.connect(":memory:")) as probe:
            probe.execute("CREATE VIRTUAL TABLE probe USING fts5(text)")
    except sqlite3.Error as error:
        reasons["fts5"] = f"this SQLite ({sqlite3.sqlite_version}) has no FTS5: {error}"
    return reasons


def make_reference(name: str, workdir: Path) -> TantivyReference | Fts5Reference:
    """A reference engine by name, keeping its index under `workdir`."""
    if name == "tantivy":
        return TantivyReference(Path(workdir) / "tantivy")
    if name == "fts5":
        return Fts5Reference(Path(workdir) / "fts5.sqlite")
    raise ValueError(f"unknown reference engine {name!r}")


REFERENCE_NAMES = ("tantivy", "fts5")
