"""What every search needs of one committed index state, computed once per state: facet bitmaps,
date order, item lookups. `minutes index` prepares it with each commit and saves it beside the
engine's files, so that a server never computes it on a user's request; a reader that finds no
saved state (or an unreadable one) prepares it itself. Engine-free: it asks the engine's snapshot.
"""

from __future__ import annotations

import fcntl
import heapq
import logging
import os
import pickle
import time
from array import array
from dataclasses import dataclass
from pathlib import Path

import numpy
from pyroaring import BitMap, FrozenBitMap

from .engine import Snapshot
from .facets import FACETS, Facet
from .schema import BUILD_LOCK
from .suggest import Suggester

logger = logging.getLogger(__name__)

MANY_VALUES = 64  # a facet with more values than this, at most one per item, is kept as a column
FORMAT = 3  # of the saved file; a file of another format is prepared anew (3: meetings by id)
WAIT_FOR_BUILDER = 15.0  # seconds a reader waits for a running builder to save a state it committed
EMPTY = FrozenBitMap()


class ValueBitmaps:
    """A facet of few values, or of several values an item: each value's ids as a bitmap, counted by
    intersecting it with the matches."""

    __slots__ = ("ids_of",)

    def __init__(self, ids_of: dict[str, FrozenBitMap]) -> None:
        self.ids_of = ids_of

    def __len__(self) -> int:
        return len(self.ids_of)

    def __contains__(self, value: str) -> bool:
        return value in self.ids_of

    def value_names(self) -> list[str]:
        return list(self.ids_of)

    def ids(self, value: str) -> FrozenBitMap:
        return self.ids_of.get(value, EMPTY)

    def best(self, scope: BitMap, facet: Facet) -> tuple[list[tuple[str, int]], int]:
        """The `facet.size` values with most ids in `scope`, in the facet's order (all if it has no
        size), each with its count; and how many values have any id in `scope`."""
        counted = [(value, count) for value, ids in self.ids_of.items() if (count := scope.intersection_cardinality(ids))]
        if facet.size is None or len(counted) <= facet.size:
            return sorted(counted, key=lambda pair: facet.sort_key(*pair)), len(counted)
        return heapq.nsmallest(facet.size, counted, key=lambda pair: facet.sort_key(*pair)), len(counted)


class ValueColumn:
    """A facet of many values and at most one an item (case numbers: tens of thousands): each id's
    value as its place in `names`, one array for all ids, counted in one pass over the matches
    (numpy's bincount). `names` are in the facet's order among equal counts, so the most frequent
    values are found by one partial sort of (count, place)."""

    __slots__ = ("names", "place", "of_id")

    def __init__(self, ids_of: dict[str, FrozenBitMap], facet: Facet, size: int) -> None:
        self.names = sorted(ids_of, key=lambda value: facet.sort_key(value, 0))
        self.place = {value: place for place, value in enumerate(self.names)}
        self.of_id = numpy.full(size, -1, dtype=numpy.int32)
        for place, value in enumerate(self.names):
            self.of_id[ids_of[value].to_array()] = place

    def __len__(self) -> int:
        return len(self.names)

    def __contains__(self, value: str) -> bool:
        return value in self.place

    def value_names(self) -> list[str]:
        return list(self.names)

    def ids(self, value: str) -> FrozenBitMap:
        place = self.place.get(value)
        return EMPTY if place is None else FrozenBitMap(numpy.flatnonzero(self.of_id == place).tolist())

    def best(self, scope: BitMap, facet: Facet) -> tuple[list[tuple[str, int]], int]:
        places = self.of_id[numpy.frombuffer(scope.to_array(), dtype=numpy.uint32)]
        counts = numpy.bincount(places[places >= 0], minlength=len(self.names))
        found = numpy.flatnonzero(counts)
        if facet.size is not None and len(found) > facet.size:
            # Most frequent first, then by place: one number orders both, and a partial sort finds the best.
            order = counts[found].astype(numpy.int64) * len(self.names) - found
            found = found[numpy.argpartition(-order, facet.size)[:facet.size]]
        best = sorted(((self.names[place], int(counts[place])) for place in found.tolist()),
                      key=lambda pair: facet.sort_key(*pair))
        return best, int(numpy.count_nonzero(counts))


FacetValues = ValueBitmaps | ValueColumn


@dataclass(slots=True)
class Prepared:
    """What every request needs of one index state, computed once per state (`prepare`)."""

    live: FrozenBitMap
    values: dict[str, FacetValues]  # facet name -> its values and their live ids
    dates: dict[str, FrozenBitMap]  # meeting date -> live ids
    # Live ids by meeting date, meeting and item number: browsing, date sorts and the meeting and case
    # pages read these instead of sorting on every request.
    oldest: array
    newest: array
    place: array  # id -> its place in `oldest`
    by_item: dict[tuple[str, int], int]  # (meeting id, item number) -> id
    meetings: dict[str, FrozenBitMap]  # meeting id -> live ids, oldest meeting first
    meetings_on: dict[str, list[str]]  # meeting date -> the ids of that day's meetings
    suggester: Suggester | None = None  # made on first use: most queries never need it (not saved)


def facet_values(facet: Facet, ids_of: dict[str, FrozenBitMap], size: int) -> FacetValues:
    """A column for a facet of many values, at most one an item, ordered by count; else bitmaps."""
    if len(ids_of) <= MANY_VALUES or facet.order != "count":
        return ValueBitmaps(ids_of)
    if sum(len(ids) for ids in ids_of.values()) != len(BitMap.union(BitMap(), *ids_of.values())):
        return ValueBitmaps(ids_of)  # an item with two values: counting by column would drop one
    return ValueColumn(ids_of, facet, size)


def prepare(snapshot: Snapshot) -> Prepared:
    # Frozen: every request shares these, and an in-place operation on one would corrupt them all.
    live = FrozenBitMap(snapshot.live())
    size = live.max() + 1 if live else 0
    values: dict[str, FacetValues] = {}
    for facet in FACETS:
        by_value = {value: FrozenBitMap(ids & live) for value, ids in snapshot.keyword_values(facet.field).items()}
        # An item without a case number or municipality has '' there: no value (whoosh indexes the term).
        values[facet.name] = facet_values(facet, {value: ids for value, ids in by_value.items() if ids and value}, size)
    dates = {day: FrozenBitMap(ids & live) for day, ids in snapshot.keyword_values("date").items()}
    dates = {day: ids for day, ids in sorted(dates.items()) if ids}
    meeting_ids = {meeting: FrozenBitMap(ids & live) for meeting, ids in snapshot.keyword_values("meeting_id").items()}
    meetings_on: dict[str, list[str]] = {}
    by_meeting: dict[str, list[int]] = {}
    by_item: dict[tuple[str, int], int] = {}
    day_of = {doc: day for day, ids in dates.items() for doc in ids}
    for meeting, ids in sorted(meeting_ids.items()):
        if ids:
            meetings_on.setdefault(day_of[ids.min()], []).append(meeting)
    meetings_on = dict(sorted(meetings_on.items()))
    for day in meetings_on:
        for meeting in meetings_on[day]:
            ids = list(meeting_ids[meeting])
            numbered = sorted(zip(snapshot.numbers(ids), ids))
            by_meeting[meeting] = [doc for _number, doc in numbered]
            by_item.update(((meeting, number), doc) for number, doc in numbered)
    oldest = array("q", (doc for meeting in by_meeting for doc in by_meeting[meeting]))
    newest = array("q", (doc for meeting in reversed(by_meeting) for doc in by_meeting[meeting]))
    place = array("q", [-1]) * size
    for position, doc in enumerate(oldest):
        place[doc] = position
    return Prepared(live, values, dates, oldest, newest, place, by_item,
                    {meeting: meeting_ids[meeting] for meeting in by_meeting}, meetings_on)


def prepared_path(generation: Path, version: str) -> Path:
    return Path(generation) / f"prepared-{version}.pickle"


def save_prepared(generation: Path, snapshot: Snapshot) -> None:
    """Prepare `snapshot` and save it for readers, replacing what earlier commits saved. A failure
    only costs the first reader the time to prepare it."""
    with snapshot.reading():
        path = prepared_path(generation, snapshot.version)
        if path.exists() or snapshot.stored_prepared() is not None:
            return  # saved already, or stored by the engine with the commit
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        try:
            prepared = prepare(snapshot)
            temporary.write_bytes(dump_prepared(prepared))
            os.replace(temporary, path)
        except OSError as error:
            temporary.unlink(missing_ok=True)
            logger.warning("%s: not saved (%s); the first search prepares it", path, error)
            return
    for older in Path(generation).glob("prepared-*.pickle"):
        if older != path:
            older.unlink(missing_ok=True)


def dump_prepared(prepared: Prepared) -> bytes:
    return pickle.dumps((FORMAT, prepared), protocol=pickle.HIGHEST_PROTOCOL)


def read_prepared(data: bytes, origin: str) -> Prepared | None:
    """A prepared state from `dump_prepared`'s bytes; None (and a warning naming `origin`) if they are
    damaged, or of another format (an older release's: prepared anew without a word)."""
    try:
        saved_format, prepared = pickle.loads(data)
    except Exception:  # noqa: BLE001 - a damaged or foreign state is prepared anew
        logger.warning("%s: unreadable, prepared anew", origin)
        return None
    return prepared if saved_format == FORMAT and isinstance(prepared, Prepared) else None


def load_prepared(generation: Path, version: str) -> Prepared | None:
    path = prepared_path(generation, version)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    return read_prepared(data, str(path))


def builder_running(index_dir: Path) -> bool:
    """Whether a `minutes index` holds the index directory (it saves each state it commits)."""
    try:
        descriptor = os.open(Path(index_dir) / BUILD_LOCK, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(descriptor, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(descriptor)  # closing releases a shared lock taken just now
    return False


def wait_for_prepared(index_dir: Path, generation: Path, version: str) -> Prepared | None:
    """The state the running builder is saving for `version`; None once it has stopped without."""
    deadline = time.monotonic() + WAIT_FOR_BUILDER
    while time.monotonic() < deadline:
        prepared = load_prepared(generation, version)
        if prepared is not None or not builder_running(index_dir):
            return prepared or load_prepared(generation, version)
        time.sleep(0.05)
    return None
