"""The index as readers see it: `IndexState.reading()` yields this thread's engine snapshot of the
index directory's current generation, and the prepared state (`indexer.prepared`: facet bitmaps,
date order) of the commit that snapshot sees. It follows rebuilt generations and new commits by
itself, and `keep_warm` prepares each one before a request asks. Searching (`indexer.search`) and
the page lookups (`indexer.lookups`) read through it; no engine type crosses it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .engine import Engine, Snapshot
from .engines import DEFAULT_ENGINE, get_engine
from .prepared import Prepared, builder_running, load_prepared, prepare, read_prepared, wait_for_prepared
from .schema import current_generation, index_engine

OPEN_ATTEMPTS = 20  # re-reads of CURRENT while rebuilds swap generations under a reader


class IndexMissing(RuntimeError):
    """There is no index at the given directory (run `minutes index`)."""


class IndexState:
    """The current state of one index directory; safe to share between threads (one engine snapshot
    each). Every read sees the latest committed index, including a rebuilt generation."""

    def __init__(self, index_dir: str | Path, prepare: Callable[[Snapshot], Prepared] = prepare) -> None:
        self.index_dir = Path(index_dir)
        if current_generation(self.index_dir) is None:
            raise IndexMissing(f"{self.index_dir}: no index here; run 'minutes index' first")
        self._prepare = prepare  # the last of the four sources of a prepared state (`_prepared_for`)
        self._local = threading.local()
        self._lock = threading.Lock()
        # The prepared states by snapshot version: replaced whole, never changed, so read without the lock.
        self.prepared: dict[object, Prepared] = {}

    # -- snapshots -------------------------------------------------------------------------------

    @property
    def generation(self) -> Path | None:
        """The generation this thread's snapshot reads (None before its first read)."""
        return getattr(self._local, "generation", None)

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
            engine: Engine = get_engine(index_engine(self.index_dir) or DEFAULT_ENGINE)
            local.snapshot = engine.open(generation)
            local.generation = generation
        elif not local.snapshot.up_to_date():
            local.snapshot = local.snapshot.refresh()
        return local.snapshot

    def close(self) -> None:
        """Close this thread's snapshot; its next read opens the current generation again."""
        snapshot = getattr(self._local, "snapshot", None)
        self._local.snapshot = None
        self._local.generation = None
        if snapshot is not None:
            try:
                snapshot.close()
            except Exception:  # noqa: BLE001 - closing a snapshot whose files are gone is still closed
                pass

    @contextmanager
    def reading(self) -> Iterator[tuple[Snapshot, Prepared]]:
        """This thread's snapshot, inside one read of it (one transaction, for a database engine),
        and the prepared state of the index state that read sees."""
        snapshot = self._snapshot()
        try:
            with snapshot.reading():
                yield snapshot, self._prepared_for(snapshot)
        except OSError as error:  # the engine's storage or server failed under the read
            self.close()
            raise IndexMissing(f"{self.index_dir}: the index cannot be read: {error}") from error

    # -- prepared states -------------------------------------------------------------------------

    def _prepared_for(self, snapshot: Snapshot) -> Prepared:
        with self._lock:
            prepared = self.prepared.get(snapshot.version)
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
                prepared = prepared or self._prepare(snapshot)
                self.prepared = {snapshot.version: prepared}  # older states are never asked for again
        return prepared

    def keep_warm(self, stop: threading.Event, interval: float = 0.5) -> None:
        """Prepare every new commit or generation as soon as it appears, so that no request pays for
        it. Runs until `stop` is set, in a thread of its own (with its own snapshot; it shares the
        prepared states with the request threads)."""
        while True:
            try:
                with self.reading():
                    pass
            except IndexMissing:
                pass  # no index yet, or it cannot be opened now: the requests say so, try again later
            if stop.wait(interval):
                self.close()
                return
