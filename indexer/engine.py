"""The engine seam: what the search service and the index builder need from a search engine.

An engine stores documents (dicts made by `indexer.reading.item_document`, of the fields declared in
`indexer.document`), indexing the text fields
with our own Danish analysis (`indexer.analysis`), and answers questions about one committed state
of the index (a `Snapshot`) in document ids and bitmaps (pyroaring). Everything else (query text,
facets, ranking pages by date, highlighting, suggestions, record lookups) is engine-free and lives
once, in `indexer.search` and the modules it uses. Engines live in `indexer.engines`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Protocol

from pyroaring import BitMap

from .querytext import Node

# Documents are dicts with the fields `indexer.document.FIELDS` declares (all values str, `number` an
# int); every engine derives its schema from that declaration.


class IndexBusy(RuntimeError):
    """Another `minutes index` holds the index."""


class Snapshot(Protocol):
    """One committed state of an index, read-only, used by one thread at a time."""

    # Equal versions hold the same documents under the same ids; unique within an index directory
    # and usable in a file name.
    version: str

    def up_to_date(self) -> bool: ...
    def refresh(self) -> Snapshot: ...
    def close(self) -> None: ...
    def reading(self) -> AbstractContextManager[None]:
        """One read: every call below happens inside one, and sees one state (`version` is that
        state's by then). A no-op where a snapshot is one state anyway; a transaction for a database."""
        ...
    def live(self) -> BitMap: ...  # the ids of the documents in this state
    def keyword_values(self, field: str) -> dict[str, BitMap]: ...  # value -> ids (may include deleted)
    def numbers(self, ids: Iterable[int]) -> list[int]: ...  # the item numbers of these documents
    def match(self, tree: Node) -> BitMap: ...  # every id matching the tree (may include deleted)
    def rank(self, tree: Node, allowed: BitMap | None, limit: int) -> tuple[BitMap, list[int]]:
        """Every id matching, and the best `limit` of those in `allowed` (None: all), best first."""
        ...
    def record(self, doc: int) -> dict: ...
    def vocabulary(self) -> dict[str, int]: ...  # suggestion words -> the number of items with the word
    def stored_prepared(self) -> bytes | None:
        """The prepared state (`indexer.prepared`) the writer stored with this state, where the engine
        stores one (a database: in the commit's own transaction); None where it lives beside the index."""
        ...


class Writer(Protocol):
    def indexed_sources(self) -> dict[str, tuple[str, str]]: ...  # source -> (content hash, meeting id)
    def commit(self, documents: Iterable[tuple[str, list[dict]]], deletions: list[str], optimize: bool,
               prepare_state: Callable[[Snapshot], bytes] | None = None) -> None:
        """Replace the documents of each source and delete those of `deletions`, atomically. An engine
        that can read its new state before committing it stores `prepare_state` of it with the commit."""
        ...
    def count(self) -> int: ...
    def close(self) -> None: ...


class Engine(Protocol):
    name: str
    format: int  # of what it writes; a change makes `minutes index` rebuild indexes of older formats

    def create(self, generation: Path) -> Writer: ...  # a new, empty index in this directory
    def writer(self, generation: Path) -> Writer: ...
    def open(self, generation: Path) -> Snapshot: ...  # raises if the directory holds no readable index
    def remove_uncommitted_files(self, generation: Path) -> None: ...
