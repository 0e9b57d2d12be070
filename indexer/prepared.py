"""What every search needs of one committed index state, computed once per state: facet bitmaps,
date order, item lookups. `minutes index` prepares it with each commit and saves it beside the
engine's files, so that a server never computes it on a user's request; a reader that finds no
saved state (or an unreadable one) prepares it itself. Engine-free: it asks the engine's snapshot.
"""

from __future__ import annotations

import fcntl
import logging
import os
import pickle
import time
from dataclasses import dataclass
from pathlib import Path

from pyroaring import FrozenBitMap

from .engine import Snapshot
from .facets import FACETS
from .suggest import Suggester

logger = logging.getLogger(__name__)

MANY_VALUES = 64  # a facet with more values than this is also kept per document, to count by matches
FORMAT = 1  # of the saved file; a file of another format is prepared anew
BUILD_LOCK = ".build.lock"  # held by `minutes index` for its whole run (indexer/build.py)
WAIT_FOR_BUILDER = 15.0  # seconds a reader waits for a running builder to save a state it committed


@dataclass(slots=True)
class Prepared:
    """What every request needs of one index state, computed once per state (`prepare`)."""

    live: FrozenBitMap
    values: dict[str, dict[str, FrozenBitMap]]  # facet -> value -> live ids
    values_of: dict[str, dict[int, tuple[str, ...]]]  # many-valued facets: id -> its values
    dates: dict[str, FrozenBitMap]  # meeting date -> live ids
    # Live ids by meeting date, then item number: browsing, date sorts and the meeting and case pages
    # read these instead of sorting on every request.
    oldest: list[int]
    newest: list[int]
    place: dict[int, int]  # id -> its place in `oldest`
    by_item: dict[tuple[str, int], int]  # (meeting date, item number) -> id
    suggester: Suggester | None = None  # made on first use: most queries never need it (not saved)


def prepare(snapshot: Snapshot) -> Prepared:
    # Frozen: every request shares these, and an in-place operation on one would corrupt them all.
    live = FrozenBitMap(snapshot.live())
    values: dict[str, dict[str, FrozenBitMap]] = {}
    values_of: dict[str, dict[int, tuple[str, ...]]] = {}
    for facet in FACETS:
        by_value = {value: FrozenBitMap(ids & live) for value, ids in snapshot.keyword_values(facet.field).items()}
        values[facet.name] = {value: ids for value, ids in by_value.items() if ids}
        if len(values[facet.name]) > MANY_VALUES:
            per_document: dict[int, list[str]] = {}
            for value, ids in values[facet.name].items():
                for doc in ids:
                    per_document.setdefault(doc, []).append(value)
            values_of[facet.name] = {doc: tuple(found) for doc, found in per_document.items()}
    dates = {day: FrozenBitMap(ids & live) for day, ids in snapshot.keyword_values("date").items()}
    by_day: dict[str, list[int]] = {}
    by_item: dict[tuple[str, int], int] = {}
    for day in sorted(dates):
        ids = list(dates[day])
        if not ids:
            continue
        numbered = sorted(zip(snapshot.numbers(ids), ids))
        by_day[day] = [doc for _number, doc in numbered]
        by_item.update(((day, number), doc) for number, doc in numbered)
    oldest = [doc for day in by_day for doc in by_day[day]]
    newest = [doc for day in reversed(by_day) for doc in by_day[day]]
    return Prepared(live, values, values_of, {day: dates[day] for day in by_day}, oldest, newest,
                    {doc: place for place, doc in enumerate(oldest)}, by_item)


def prepared_path(generation: Path, version: str) -> Path:
    return Path(generation) / f"prepared-{version}.pickle"


def save_prepared(generation: Path, snapshot: Snapshot) -> None:
    """Prepare `snapshot` and save it for readers, replacing what earlier commits saved. A failure
    only costs the first reader the time to prepare it."""
    path = prepared_path(generation, snapshot.version)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        prepared = prepare(snapshot)
        temporary.write_bytes(pickle.dumps((FORMAT, prepared), protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        logger.warning("%s: not saved (%s); the first search prepares it", path, error)
        return
    for older in Path(generation).glob("prepared-*.pickle"):
        if older != path:
            older.unlink(missing_ok=True)


def load_prepared(generation: Path, version: str) -> Prepared | None:
    try:
        saved_format, prepared = pickle.loads(prepared_path(generation, version).read_bytes())
    except FileNotFoundError:
        return None
    except Exception:  # noqa: BLE001 - a damaged or foreign file is prepared anew
        logger.warning("%s: unreadable, prepared anew", prepared_path(generation, version))
        return None
    return prepared if saved_format == FORMAT and isinstance(prepared, Prepared) else None


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
