"""whoosh 2.7.4 as an engine (`indexer.engine`): the only module that imports whoosh.

The schema (with its analyzer, which only adapts our own analysis) is pickled into each index, so
the classes here must stay importable under these names. Searches pass `optimize=False`: whoosh
2.7.4's block-quality shortcut can loop forever (whoosh #446).
"""

from __future__ import annotations

import json
import re
import shutil
from array import array
from collections.abc import Iterable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

import whoosh.filedb.compound
from pyroaring import BitMap
from whoosh import collectors
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.analysis import Analyzer, Token
from whoosh.codec.whoosh3 import W3PerDocReader
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.filedb.structfile import BufferFile
from whoosh.index import LockError, clean_files

from .. import querytext as qt
from ..analysis import FULL_TEXT
from ..document import ANALYSED, FIELDS, Field
from ..engine import IndexBusy

ANALYZERS = {"full-text": FULL_TEXT}


class OurAnalysis(Analyzer):
    """Hands whoosh the tokens of one of our analyzers (`indexer.analysis`), by name."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, OurAnalysis) and other.name == self.name

    def __hash__(self) -> int:
        return hash(self.name)

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, boost=1.0, stopped=False, **kwargs)
        analyzer = ANALYZERS[self.name]
        if mode == "query":
            for ours in analyzer(value, "query"):
                token.text, token.pos, token.startchar, token.endchar = ours.text, ours.position, ours.start, ours.end
                yield token
            return
        # Indexing, the hot path: the terms made with the document (`AnalysedValue`), else each
        # word's forms from the analyzer's cache (`index_tokens`). Character offsets only when whoosh
        # asks (our fields keep positions, not offsets: snippets are ours).
        if isinstance(value, AnalysedValue) and not chars:
            for term, position in value.tokens:
                token.text = term
                token.pos = start_pos + position
                yield token
            return
        for term, position, start, end in analyzer.index_tokens(value):
            token.text = term
            if positions:
                token.pos = start_pos + position
            if chars:
                token.startchar, token.endchar = start_char + start, start_char + end
            yield token


class AnalysedValue(str):
    """A text field's value with its index tokens (`indexer.document.ANALYSED`) for `OurAnalysis`."""

    tokens: Iterable[tuple[str, int]]


def whoosh_fields(document: dict) -> dict:
    """A document as whoosh's writer takes it: the text fields carry their tokens when it has them."""
    analysed = document.get(ANALYSED)
    fields = {name: value for name, value in document.items() if name != ANALYSED}
    if analysed is not None:
        for name, tokens in analysed.items():
            fields[name] = AnalysedValue(fields[name])
            fields[name].tokens = tokens
    return fields


def make_schema() -> Schema:
    """The schema of the document declaration (`indexer.document`)."""
    def whoosh_field(field: Field):
        if field.kind == "text":
            return TEXT(analyzer=OurAnalysis("full-text"), stored=False)  # positions for phrases; highlighting re-analyses
        if field.kind == "number":
            return NUMERIC(stored=False, sortable=True)
        if field.kind == "words":
            return KEYWORD(stored=False, scorable=False, lowercase=False)  # already our words, once each
        if field.kind == "stored":
            return STORED()
        if field.multiple:
            return KEYWORD(stored=field.stored, commas=True, scorable=False, lowercase=False)
        # One term per value: a committee's name may hold a comma (Erhvervs-, Klima- og Arbejdskraftudvalget).
        return ID(stored=field.stored, unique=field.name == "id")

    return Schema(**{field.name: whoosh_field(field) for field in FIELDS})


# -- memory -----------------------------------------------------------------------------------------

class _ViewReader:
    """A read-only file over a memoryview that copies only what is read."""

    __slots__ = ("_view", "_position")

    def __init__(self, view: memoryview) -> None:
        self._view = view
        self._position = 0

    def read(self, size: int | None = -1) -> bytes:
        start = self._position
        end = len(self._view) if size is None or size < 0 else min(len(self._view), start + size)
        self._position = end
        return self._view[start:end].tobytes()

    def readline(self, size: int | None = -1) -> bytes:
        view, start = self._view, self._position
        end = len(view) if size is None or size < 0 else min(len(view), start + size)
        newline = bytes(view[start:end]).find(b"\n")
        return self.read((newline + 1) if newline >= 0 else end - start)

    def seek(self, offset: int, whence: int = 0) -> int:
        base = (0, self._position, len(self._view))[whence]
        self._position = max(0, base + offset)
        return self._position

    def tell(self) -> int:
        return self._position

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self._view = memoryview(b"")


class ViewBufferFile(BufferFile):
    """whoosh's BufferFile copies a whole sub-file of a segment (postings, stored fields) into a
    BytesIO every time a searcher opens it: each thread's searcher held its own copy of the index
    (most of the serving memory). This one reads the memory-mapped segment in place."""

    def __init__(self, buf, name=None, onclose=None):
        super().__init__(b"", name=name, onclose=onclose)
        self._buf = buf
        self.file = _ViewReader(memoryview(buf))


whoosh.filedb.compound.BufferFile = ViewBufferFile  # CompoundStorage.open_file looks the name up here


# -- speed ------------------------------------------------------------------------------------------

def _cached_length_reader(self, fieldname, column):
    """whoosh caches the field-length reader of a field, but not that a field has none (keyword fields
    such as the vocabulary): writing each of their postings asked the file system again, 40 % of
    all postings of a build. This caches the answer either way."""
    try:
        return self._readers[fieldname]
    except KeyError:
        reader = self.column_reader(fieldname, column) if self.has_column(fieldname) else None
        self._readers[fieldname] = reader
        return reader


W3PerDocReader._cached_reader = _cached_length_reader


# -- queries ----------------------------------------------------------------------------------------

def translate(node: qt.Node) -> wq.Query:
    """Our query tree -> a whoosh query."""
    if isinstance(node, qt.Every):
        return wq.Every()
    if isinstance(node, qt.Nothing):
        return wq.NullQuery
    if isinstance(node, (qt.Term, qt.Phrase, qt.Prefix)):
        fields = qt.TEXT_FIELDS if node.field is None else {node.field: 1.0}
        per_field = [_leaf(node, field, boost) for field, boost in fields.items()]
        return per_field[0] if len(per_field) == 1 else wq.Or(per_field)
    if isinstance(node, qt.Exact):
        return wq.Term(node.field, node.value)
    if isinstance(node, qt.And):
        return wq.And([translate(child) for child in node.children])
    if isinstance(node, qt.Or):
        return wq.Or([translate(child) for child in node.children])
    if isinstance(node, qt.AndNot):
        return wq.AndNot(translate(node.positive), translate(node.negative))
    if isinstance(node, qt.AndMaybe):
        return wq.AndMaybe(translate(node.required), translate(node.optional))
    if isinstance(node, qt.Not):
        return wq.Not(translate(node.child))
    raise TypeError(f"no whoosh translation for {type(node).__name__}")


def _leaf(node: qt.Term | qt.Phrase | qt.Prefix, field: str, boost: float) -> wq.Query:
    part_boost = boost * qt.PART_BOOST
    if isinstance(node, qt.Prefix):
        return wq.Or([wq.Prefix(field, node.prefix, boost=boost), wq.Prefix(field, node.part_prefix, boost=part_boost)])
    if isinstance(node, qt.Phrase):
        return wq.Phrase(field, list(node.terms), boost=boost)
    if len(node.terms) > 1:
        return wq.And([wq.Term(field, term) for term in node.terms], boost=boost)
    whole = wq.Term(field, node.terms[0], boost=boost)
    return whole if node.part_term is None else wq.Or([whole, wq.Term(field, node.part_term, boost=part_boost)])


class MatchCollector(collectors.FilterCollector):
    """Sees every match of the query once: records its id in `matched` (for the total and the facet
    counts) and passes only the documents in `allow` on to be scored and ranked. Its child must not
    replace its matcher (`replace=0`): whoosh's replacement skips documents that cannot reach the
    top, and they would be missing from `matched`."""

    def __init__(self, child, allow: BitMap | None) -> None:
        super().__init__(child, allow=None)
        self.allowed = allow
        self.matched = array("I")

    def collect_matches(self) -> None:
        child, allowed, offset, matched = self.child, self.allowed, self.offset, self.matched
        for sub_docnum in child.matches():
            docnum = offset + sub_docnum
            matched.append(docnum)
            if allowed is None or docnum in allowed:
                child.collect(sub_docnum)


# -- reading ----------------------------------------------------------------------------------------

class WhooshSnapshot:
    def __init__(self, generation: Path, searcher) -> None:
        self.generation = generation
        self.searcher = searcher
        self.version = f"{generation.name}.{searcher.reader().generation()}"

    def reading(self) -> AbstractContextManager[None]:
        return nullcontext()  # a snapshot is one committed state already

    def up_to_date(self) -> bool:
        return self.searcher.up_to_date()

    def refresh(self) -> WhooshSnapshot:
        return WhooshSnapshot(self.generation, self.searcher.refresh())

    def close(self) -> None:
        self.searcher.close()

    def live(self) -> BitMap:
        return BitMap(self.searcher.reader().all_doc_ids())

    def keyword_values(self, field: str) -> dict[str, BitMap]:
        reader = self.searcher.reader()
        return {term.decode("utf-8"): BitMap(reader.postings(field, term).all_ids())
                for term in reader.lexicon(field)}

    def numbers(self, ids: Iterable[int]) -> list[int]:
        column = self.searcher.reader().column_reader("number")
        return [column[doc] for doc in ids]

    def match(self, tree: qt.Node) -> BitMap:
        return BitMap(self.searcher.docs_for_query(translate(tree)))

    def rank(self, tree: qt.Node, allowed: BitMap | None, limit: int) -> tuple[BitMap, list[int]]:
        top = collectors.TopCollector(limit=limit, usequality=False, replace=0)
        collector = MatchCollector(top, allowed)
        self.searcher.search_with_collector(translate(tree), collector)
        return BitMap(collector.matched), [docnum for _score, docnum in collector.results().top_n]

    def record(self, doc: int) -> dict:
        return json.loads(self.searcher.stored_fields(doc)["record"])

    def vocabulary(self) -> dict[str, int]:
        reader = self.searcher.reader()
        return {term.decode("utf-8"): info.doc_frequency() for term, info in reader.iter_field("vocabulary")}

    def stored_prepared(self) -> None:
        return None  # saved beside the index (indexer.prepared)


# -- writing ----------------------------------------------------------------------------------------

class WhooshWriter:
    def __init__(self, ix) -> None:
        self.ix = ix

    def indexed_sources(self) -> dict[str, tuple[str, str]]:
        sources = {}
        with self.ix.searcher() as searcher:
            for fields in searcher.all_stored_fields():
                sources[fields["source"]] = (fields["source_hash"], fields["meeting_id"])
        return sources

    def commit(self, documents: Iterable[tuple[str, list[dict]]], deletions: list[str], optimize: bool,
               prepare_state=None) -> None:  # prepared after the commit, beside the index
        try:
            # Postings beyond limitmb are pickled to temporary runs and merged back (half the time of
            # a 10,000-item build at 256 MB); the estimate is whoosh's, below the real memory use.
            writer = self.ix.writer(timeout=5.0, limitmb=WRITER_LIMIT_MB)
        except LockError:
            raise IndexBusy("the index is locked by another writer") from None
        try:
            for source in deletions:
                writer.delete_by_term("source", source)
            for source, docs in documents:
                writer.delete_by_term("source", source)
                for doc in docs:
                    writer.add_document(**whoosh_fields(doc))
            writer.commit(optimize=optimize)
        except BaseException:
            try:
                writer.cancel()
            except Exception:  # noqa: BLE001 - what failed the commit (a full disk) can fail the cancel too
                if writer.writelock is not None:
                    writer.writelock.release()
            raise

    def count(self) -> int:
        with self.ix.searcher() as searcher:
            return searcher.doc_count()

    def close(self) -> None:
        self.ix.close()


WRITER_LIMIT_MB = 512

TEMPORARY_TOC = re.compile(r"^_MAIN_\d+\.toc\..+$")  # whoosh writes the TOC under this name, then renames


class WhooshEngine:
    name = "whoosh"
    format = 2  # 2: single-valued facets (committee, municipality) as one term each

    def create(self, generation: Path) -> WhooshWriter:
        return WhooshWriter(whoosh_index.create_in(str(generation), make_schema()))

    def writer(self, generation: Path) -> WhooshWriter:
        return WhooshWriter(whoosh_index.open_dir(str(generation)))

    def open(self, generation: Path) -> WhooshSnapshot:
        return WhooshSnapshot(generation, whoosh_index.open_dir(str(generation)).searcher())

    def remove_uncommitted_files(self, generation: Path) -> None:
        """Files that the last committed table of contents does not name: segment files and temporary
        files of a commit that was killed or failed. whoosh removes what its own commits replace,
        but not these."""
        if not generation.is_dir():
            return
        shutil.rmtree(generation / "MAIN.tmp", ignore_errors=True)  # the writer's temporary storage
        for path in generation.iterdir():
            if TEMPORARY_TOC.match(path.name):
                path.unlink(missing_ok=True)
        try:
            ix = whoosh_index.open_dir(str(generation))
        except Exception:  # noqa: BLE001 - no committed TOC at all: nothing here is worth keeping
            return
        try:
            toc = ix._read_toc()
            clean_files(ix.storage, ix.indexname, toc.generation, toc.segments)
        finally:
            ix.close()
