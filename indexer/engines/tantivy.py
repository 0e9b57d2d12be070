"""tantivy (tantivy-py) as an engine (`indexer.engine`): the only module that imports tantivy.

It indexes the tokens of our own Danish analysis (pre-tokenized text: stems, folded forms and compound
parts at their word's position, with character offsets), never tantivy's own analyzers, so that it
matches exactly what whoosh matches. Each document carries a `key`, a number the builder gives it and
that never changes (tantivy's own document addresses change when segments merge): the facet bitmaps
and every id the service sees are keys.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import traceback
from collections.abc import Iterable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

import tantivy
from pyroaring import BitMap

from .. import querytext as qt
from .. import document
from ..document import keyword_values, text_tokens
from ..engine import IndexBusy

TEXT_FIELDS = tuple(document.TEXT_FIELDS)
KEYWORD_FIELDS = tuple(field.name for field in document.FIELDS if field.kind == "keyword")
# A words field (the vocabulary: some 250 words an item) goes to tantivy as one text its own tokenizer
# cuts at spaces, not a value at a time: a build's 2.5 million calls of add_text fewer at 10,000 items.
WORDS_FIELDS = tuple(field.name for field in document.FIELDS if field.kind == "words")
WORDS_TOKENIZER = "words"
STORED_KEYWORDS = document.STORED_KEYWORDS
# Keyword fields holding one value per document that the service reads whole (`column`) also store
# a 64-bit hash of it as a fast (column) field: one read of the column gives every document's value,
# instead of one search per value (thousands of case numbers) or an ordered search by the text
# (200 ms at 10,000 items).
SINGLE_VALUED = tuple(name for name in document.COLUMNS if name in document.SINGLE_VALUED)
WRITER_HEAP = 256_000_000  # shared by the indexing threads


def writer_threads() -> int:
    return min(8, len(os.sched_getaffinity(0)))


def make_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_unsigned_field("key", stored=True, indexed=True, fast=True)
    builder.add_integer_field("number", stored=False, indexed=False, fast=True)
    for field in TEXT_FIELDS:
        builder.add_text_field(field, stored=False, tokenizer_name="raw", index_option="position")
    for field in dict.fromkeys(KEYWORD_FIELDS):
        builder.add_text_field(field, stored=field in STORED_KEYWORDS, tokenizer_name="raw", index_option="basic")
    for field in WORDS_FIELDS:
        builder.add_text_field(field, stored=False, tokenizer_name=WORDS_TOKENIZER, index_option="basic")
    for field in SINGLE_VALUED:
        builder.add_unsigned_field(f"{field}_hash", stored=False, indexed=False, fast=True)
    builder.add_bytes_field("record", stored=True, indexed=False)
    return builder.build()


def with_tokenizers(index: tantivy.Index) -> tantivy.Index:
    """`index` knowing the words fields' tokenizer: spaces only, no length limit, no lowercasing (the
    words are ours already)."""
    index.register_tokenizer(WORDS_TOKENIZER, tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build())
    return index


def pre_tokenized(text: str, tokens: Iterable[tuple[str, int]]) -> tantivy.PreTokenizedString:
    token = tantivy.Token
    # No character offsets: the fields index positions only (snippets are ours).
    return tantivy.PreTokenizedString(text, [token(term, position, 0) for term, position in tokens])


def value_hash(value: str) -> int:
    return int.from_bytes(hashlib.blake2b(value.encode("utf-8"), digest_size=8).digest(), "little")


# -- queries ----------------------------------------------------------------------------------------

class Translator:
    def __init__(self, schema: tantivy.Schema, searcher: tantivy.Searcher) -> None:
        self.schema = schema
        self.searcher = searcher

    def __call__(self, node: qt.Node) -> tantivy.Query:
        if isinstance(node, qt.Every):
            return tantivy.Query.all_query()
        if isinstance(node, qt.Nothing):
            return tantivy.Query.empty_query()
        if isinstance(node, (qt.Term, qt.Phrase, qt.Prefix)):
            fields = qt.TEXT_FIELDS if node.field is None else {node.field: 1.0}
            per_field = [self._leaf(node, field, boost) for field, boost in fields.items()]
            return per_field[0] if len(per_field) == 1 else self._should(per_field)
        if isinstance(node, qt.Exact):
            return tantivy.Query.term_query(self.schema, node.field, node.value)
        if isinstance(node, qt.And):
            return tantivy.Query.boolean_query([(tantivy.Occur.Must, self(child)) for child in node.children])
        if isinstance(node, qt.Or):
            return self._should([self(child) for child in node.children])
        if isinstance(node, qt.AndNot):
            return tantivy.Query.boolean_query([(tantivy.Occur.Must, self(node.positive)),
                                                (tantivy.Occur.MustNot, self(node.negative))])
        if isinstance(node, qt.AndMaybe):
            return tantivy.Query.boolean_query([(tantivy.Occur.Must, self(node.required)),
                                                (tantivy.Occur.Should, self(node.optional))])
        if isinstance(node, qt.Not):
            return tantivy.Query.boolean_query([(tantivy.Occur.Must, tantivy.Query.all_query()),
                                                (tantivy.Occur.MustNot, self(node.child))])
        raise TypeError(f"no tantivy translation for {type(node).__name__}")

    @staticmethod
    def _should(queries: list[tantivy.Query]) -> tantivy.Query:
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, query) for query in queries])

    def _leaf(self, node: qt.Term | qt.Phrase | qt.Prefix, field: str, boost: float) -> tantivy.Query:
        if isinstance(node, qt.Prefix):
            return self._should([self._boosted(self._prefix(field, node.prefix), boost),
                                 self._boosted(self._prefix(field, node.part_prefix), boost * qt.PART_BOOST)])
        if isinstance(node, qt.Phrase):
            return self._boosted(tantivy.Query.phrase_query(self.schema, field, list(node.terms)), boost)
        if len(node.terms) > 1:
            return self._boosted(tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, self._term(field, term)) for term in node.terms]), boost)
        whole = self._boosted(self._term(field, node.terms[0]), boost)
        if node.part_term is None:
            return whole
        return self._should([whole, self._boosted(self._term(field, node.part_term), boost * qt.PART_BOOST)])

    def _term(self, field: str, term: str) -> tantivy.Query:
        return tantivy.Query.term_query(self.schema, field, term, index_option="freq")

    def _prefix(self, field: str, prefix: str) -> tantivy.Query:
        return tantivy.Query.regex_query(self.schema, field, re.escape(prefix) + ".*")

    @staticmethod
    def _boosted(query: tantivy.Query, boost: float) -> tantivy.Query:
        return query if boost == 1.0 else tantivy.Query.boost_query(query, boost)


# -- reading ----------------------------------------------------------------------------------------

def opstamp(generation: Path) -> int:
    return json.loads((generation / "meta.json").read_text(encoding="utf-8"))["opstamp"]


class TantivySnapshot:
    def __init__(self, generation: Path) -> None:
        self.generation = generation
        self.index = tantivy.Index.open(str(generation))
        self.schema = self.index.schema
        self.searcher = self.index.searcher()
        self.version = f"{generation.name}.{opstamp(generation)}"
        self.translate = Translator(self.schema, self.searcher)
        self._numbers: dict[int, int] | None = None

    def reading(self) -> AbstractContextManager[None]:
        return nullcontext()  # a snapshot is one committed state already

    def up_to_date(self) -> bool:
        try:
            return f"{self.generation.name}.{opstamp(self.generation)}" == self.version
        except (OSError, ValueError, KeyError):
            return True  # being replaced: the reader goes on with what it has

    def refresh(self) -> TantivySnapshot:
        return TantivySnapshot(self.generation)

    def close(self) -> None:
        self._numbers = None

    def _search(self, query: tantivy.Query, limit: int | None = None):
        """Hits best first: (score, address); all of them unless `limit`."""
        size = max(1, self.searcher.num_docs if limit is None else limit)
        return self.searcher.search(query, limit=size, count=False).hits

    def _keys(self, hits) -> list[int]:
        return self.searcher.fast_field_values("key", [address for _key, address in hits]) if hits else []

    def live(self) -> BitMap:
        return BitMap(self._keys(self._search(tantivy.Query.all_query())))

    def keyword_values(self, field: str) -> dict[str, BitMap]:
        if field in SINGLE_VALUED:
            hits = self._search(tantivy.Query.all_query())
            hashes = self.searcher.fast_field_values(f"{field}_hash", [address for _score, address in hits]) if hits else []
            value_of = {value_hash(term): term for term, _count in self.searcher.terms_with_prefix(field, "")}
            by_value: dict[str, list[int]] = {}
            for hashed, key in zip(hashes, self._keys(hits)):
                if hashed is not None and hashed in value_of:
                    by_value.setdefault(value_of[hashed], []).append(key)
            return {value: BitMap(keys) for value, keys in by_value.items()}
        terms = self.searcher.terms_with_prefix(field, "")
        return {term: BitMap(self._keys(self._search(tantivy.Query.term_query(self.schema, field, term), count)))
                for term, count in terms}

    def numbers(self, ids: Iterable[int]) -> list[int]:
        if self._numbers is None:  # every document's number in one read of the fast fields
            hits = self._search(tantivy.Query.all_query())
            addresses = [address for _score, address in hits]
            numbers = self.searcher.fast_field_values("number", addresses) if addresses else []
            self._numbers = dict(zip(self._keys(hits), numbers))
        return [self._numbers[key] for key in ids]

    def _address(self, key: int):
        hits = self._search(tantivy.Query.term_query(self.schema, "key", key), 1)
        return hits[0][1]

    def _matched(self, query: tantivy.Query) -> BitMap:
        # Ordered by the key, the hits carry it: no second read of the key column.
        hits = self.searcher.search(query, limit=max(1, self.searcher.num_docs), count=False, order_by_field="key").hits
        return BitMap([key for key, _address in hits])

    def match(self, tree: qt.Node) -> BitMap:
        return self._matched(self.translate(tree))

    def rank(self, tree: qt.Node, allowed: BitMap | None, limit: int) -> tuple[BitMap, list[int]]:
        query = self.translate(tree)
        matched = self._matched(query)
        wanted = min(limit, len(matched) if allowed is None else matched.intersection_cardinality(allowed))
        # Only the best hits become Python objects: as many as the page needs, more when the filters
        # allow a share of the matches, all of them when that was not enough.
        share = 1.0 if allowed is None else max(wanted, 1) / max(len(matched), 1)
        depth = min(len(matched), int(limit / share * 1.5) + 10)
        while True:
            hits = self._search(query, depth)
            # Best first, equal scores by key: the order of documents in segments, which indexing
            # threads interleave, never decides.
            ranked = sorted(zip(self._keys(hits), [score for score, _address in hits]), key=lambda pair: (-pair[1], pair[0]))
            top = [pair for pair in ranked if allowed is None or pair[0] in allowed][:limit]
            # Enough when the page is full and no hit left out of the window can tie with its last one.
            if depth >= len(matched) or (len(top) >= wanted and (not top or hits[-1][0] < top[-1][1])):
                return matched, [key for key, _score in top]
            depth = min(len(matched), depth * 4)

    def record(self, doc: int) -> dict:
        stored = self.searcher.doc(self._address(doc))
        return json.loads(bytes(stored["record"][0]).decode("utf-8"))

    def vocabulary(self) -> dict[str, int]:
        return dict(self.searcher.terms_with_prefix("vocabulary", ""))

    def stored_prepared(self) -> None:
        return None  # saved beside the index (indexer.prepared)


# -- writing ----------------------------------------------------------------------------------------

def os_error(error: BaseException) -> OSError | None:
    """tantivy reports a failed read or write as a ValueError naming the OS error: as an OSError."""
    found = re.search(r"\(os error (\d+)\)", str(error)) if isinstance(error, ValueError) else None
    return OSError(int(found[1]), os.strerror(int(found[1]))) if found else None


def commit_writer(writer: tantivy.IndexWriter) -> None:
    """tantivy's commit point: meta.json names the new segments (tests/tools/stop_at.py stops around it)."""
    writer.commit()
    writer.wait_merging_threads()


class TantivyWriter:
    def __init__(self, generation: Path, index: tantivy.Index) -> None:
        self.generation = generation
        self.index = index

    def indexed_sources(self) -> dict[str, tuple[str, str]]:
        self.index.reload()
        searcher = self.index.searcher()
        sources = {}
        hits = searcher.search(tantivy.Query.all_query(), limit=max(1, searcher.num_docs), count=False).hits
        for _score, address in hits:
            stored = searcher.doc(address)
            sources[stored["source"][0]] = (stored["source_hash"][0], stored["meeting_id"][0])
        return sources

    def _next_key(self) -> int:
        self.index.reload()
        searcher = self.index.searcher()
        if not searcher.num_docs:
            return 1
        hits = searcher.search(tantivy.Query.all_query(), limit=1, count=False, order_by_field="key").hits
        return int(hits[0][0]) + 1

    def commit(self, documents, deletions: list[str], optimize: bool,
               prepare_state=None) -> None:  # prepared after the commit, beside the index
        key = self._next_key()
        try:
            # One indexing thread a core, as tantivy's default: a single thread cannot keep up with the
            # workers that read and analyse the files (`indexer.reading`).
            writer = self.index.writer(heap_size=WRITER_HEAP, num_threads=writer_threads())
        except ValueError as error:  # tantivy holds a lock file while a writer is open
            raise IndexBusy(f"the index is locked by another writer ({error})") from None
        try:
            for source in deletions:
                writer.delete_documents_by_term("source", source)
            for source, docs in documents:
                writer.delete_documents_by_term("source", source)
                for fields in docs:
                    writer.add_document(self._document(fields, key))
                    key += 1
            commit_writer(writer)
        except BaseException as error:
            cause = error
            if isinstance(error, ValueError) and "writer was killed" in str(error):
                # The indexing thread died (a failed write, as a rule) and add_document cannot say why;
                # commit joins that thread first and fails with its error, writing nothing.
                try:
                    writer.commit()
                except ValueError as reason:
                    cause = reason
            try:
                writer.rollback()
            except Exception:  # noqa: BLE001 - what failed the commit can fail the rollback too
                pass
            # The last references to the writer go (the failed calls' frames hold it too), and with it
            # tantivy's writer lock, so that the segments this run wrote can be removed.
            traceback.clear_frames(error.__traceback__)
            del writer
            TantivyEngine.remove_uncommitted_files(self.generation)
            failed = os_error(cause)
            if failed is not None:
                raise failed from error
            raise

    @staticmethod
    def _document(fields: dict, key: int) -> tantivy.Document:
        document = tantivy.Document()
        document.add_unsigned("key", key)
        document.add_integer("number", int(fields["number"]))
        for field in TEXT_FIELDS:
            document.add_pre_tokenized_text(field, pre_tokenized(fields[field], text_tokens(fields, field)))
        for field in dict.fromkeys(KEYWORD_FIELDS):
            values = keyword_values(field, fields.get(field, ""))
            for value in values:
                document.add_text(field, value)
            if field in SINGLE_VALUED and values:
                document.add_unsigned(f"{field}_hash", value_hash(values[0]))
        for field in WORDS_FIELDS:
            document.add_text(field, fields.get(field, ""))
        document.add_bytes("record", fields["record"].encode("utf-8"))
        return document

    def count(self) -> int:
        self.index.reload()
        return self.index.searcher().num_docs

    def close(self) -> None:
        pass


class TantivyEngine:
    name = "tantivy"
    format = 4  # 2: hashes of single-valued keywords as fast fields; 3: meeting_id and municipality too;
    # 4: the words fields cut by their own tokenizer

    def create(self, generation: Path) -> TantivyWriter:
        return TantivyWriter(generation, with_tokenizers(tantivy.Index(make_schema(), path=str(generation))))

    def writer(self, generation: Path) -> TantivyWriter:
        return TantivyWriter(generation, with_tokenizers(tantivy.Index.open(str(generation))))

    def open(self, generation: Path) -> TantivySnapshot:
        return TantivySnapshot(generation)

    @staticmethod
    def remove_uncommitted_files(generation: Path) -> None:
        """Segment files no commit names (a killed run's) are garbage-collected by tantivy."""
        if not (generation / "meta.json").exists():
            return
        try:
            writer = tantivy.Index.open(str(generation)).writer(heap_size=15_000_000, num_threads=1)
        except ValueError:
            return  # another writer holds it: it collects them itself
        try:
            writer.garbage_collect_files()
        finally:
            writer.rollback()
