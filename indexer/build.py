"""Writes the index: it mirrors a corpus folder of minutes files (the only module that writes).

Unchanged files (same content hash) are skipped, changed files' items replaced, items of files no
longer in the folder removed. Every change lands in one engine commit, which is atomic; a full
rebuild (asked for, or because the analysis changed) is written to a new generation directory
and published by swapping the CURRENT pointer. A crash at any point leaves the previous index whole.
"""

from __future__ import annotations

import errno
import hashlib
import shutil
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import chain
from dataclasses import dataclass, field
from pathlib import Path

from .analysis import ANALYSIS_VERSION
from .document import DOCUMENT_FORMAT
from .engine import Engine, IndexBusy
from .engines import DEFAULT_ENGINE, get_engine
from .corpus import scan_corpus
from .layouts import Layout
from .locks import exclusive_lock
from .load import DEFAULT_MAX_FILE_MB
from .originals import Originals
from .prepared import dump_prepared, prepare, save_prepared
from .reading import FileRead, ReadOptions, Readers, ReadRequest, default_jobs, item_document
from .schema import (BUILD_LOCK, POINTER, current_generation, index_engine, pointer_engine, read_pointer,
                     write_pointer)

__all__ = ["BuildReport", "IndexBusy", "IndexWriteError", "build_index", "item_document"]


class IndexWriteError(RuntimeError):
    """The index could not be written (disk full, permissions, ...). The message is one line naming
    the index and the cause; nothing of the failed run is left on disk and the index is as before."""


@dataclass(slots=True)
class BuildReport:
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # indexed, but worth a look
    items: int = 0
    seconds: float = 0.0
    rebuilt: bool = False

    def summary(self) -> str:
        kind = "rebuilt" if self.rebuilt else "updated"
        return (f"index {kind}: {self.new} new, {self.changed} changed, {self.unchanged} unchanged, "
                f"{self.removed} removed, {len(self.failed)} failed files; {self.items} items; "
                f"{self.seconds:.2f} s" + (f"; {len(self.warnings)} warnings" if self.warnings else ""))


def builder_lock(index_dir: Path):
    """One builder at a time (`indexer.locks`)."""
    return exclusive_lock(index_dir / BUILD_LOCK, lambda: IndexBusy(f"{index_dir}: another 'minutes index' is running"))


def build_index(corpus_dir: Path, index_dir: Path, rebuild: bool = False, progress: bool = False,
                max_file_mb: float = DEFAULT_MAX_FILE_MB, engine: str | None = None,
                database: str | None = None, layout: Layout | None = None, ocr: bool = True,
                jobs: int | None = None) -> BuildReport:
    """Bring the index at `index_dir` in line with the files under `corpus_dir`, in `engine`
    (`indexer.engines`; None: the engine the index has, or the default for a new index; an index of
    another engine is rebuilt). A server engine writes to `database` (None: MINUTES_DATABASE_URL, or
    the database the index names). `layout` forces one layout on every file (None: each file's own).
    `ocr`: read scanned PDF pages by text recognition (else a scan is refused). `jobs`: worker
    processes that parse and analyse new and changed files (None: one per core).

    Raises FileNotFoundError (no corpus), IndexBusy (another run holds the index) or IndexWriteError
    (the index cannot be written; the previous index is left as it was, and so is the disk)."""
    started = time.perf_counter()
    corpus_dir, index_dir = Path(corpus_dir), Path(index_dir)
    if not corpus_dir.is_dir():
        raise FileNotFoundError(f"{corpus_dir}: corpus folder not found")
    report = BuildReport()
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        with builder_lock(index_dir):
            remove_leftovers(index_dir)  # of a run that was killed or failed
            engine = engine or index_engine(index_dir) or DEFAULT_ENGINE
            options = ReadOptions(layout, ocr, max_file_mb, default_jobs() if jobs is None else jobs)
            _build(corpus_dir, index_dir, rebuild, progress, options, report, get_engine(engine, database))
    except OSError as error:
        raise IndexWriteError(f"{index_dir}: cannot write the index: {describe(error)}; "
                              "the index is unchanged") from error
    report.seconds = time.perf_counter() - started
    return report


def describe(error: OSError) -> str:
    if error.errno == errno.ENOSPC:
        return "no space left on device"
    text = (error.strerror or str(error)).rstrip(".")
    return text[:1].lower() + text[1:]  # "Permission denied" -> "permission denied"; names keep their case


def _build(corpus_dir: Path, index_dir: Path, rebuild: bool, progress: bool, options: ReadOptions,
           report: BuildReport, engine: Engine) -> None:
    generation = current_generation(index_dir)
    pointer = read_pointer(index_dir) or {}
    full = (rebuild or generation is None or pointer.get("analysis_version") != ANALYSIS_VERSION
            or pointer_engine(pointer) != engine.name
            or pointer.get("engine_format", 1) != engine.format
            or pointer.get("document_format") != DOCUMENT_FORMAT)
    report.rebuilt = full
    if full:
        generation = index_dir / f"gen-{time.time_ns()}"
    originals = Originals(index_dir)
    try:
        if full:
            generation.mkdir()
            writer = engine.create(generation)
            indexed: dict[str, tuple[str, str]] = {}
        else:
            writer = engine.writer(generation)
            indexed = writer.indexed_sources()
        originals.start_from(indexed)
        try:
            documents, deletions = plan_changes(corpus_dir, indexed, report, progress, options, originals)
            first = next(documents, None)  # files are parsed while the engine indexes: one in memory at a time
            if full or first is not None or deletions:
                writer.commit(chain([first] if first else [], documents), deletions, optimize=full,
                              prepare_state=lambda snapshot: dump_prepared(prepare(snapshot)))
            report.items = writer.count()
        finally:
            writer.close()
        save_prepared_state(engine, generation)
        if full:
            write_pointer(index_dir, generation.name, engine.name, engine.format)
        originals.prune()
    except BaseException:
        # Give the space back at once: a new generation goes whole, an update's partial segment
        # files go (the last committed table of contents never names them), and so do the copies
        # of source files this run made.
        originals.discard_written()
        if full:
            shutil.rmtree(generation, ignore_errors=True)
        else:
            engine.remove_uncommitted_files(generation)
        raise
    remove_stale_generations(index_dir)


def save_prepared_state(engine: Engine, generation: Path) -> None:
    """What searches need of the new state, prepared now so that no reader has to (`indexer.prepared`)."""
    snapshot = engine.open(generation)
    try:
        save_prepared(generation, snapshot)  # unless it is saved already
    finally:
        snapshot.close()


def plan_changes(corpus_dir: Path, indexed: dict[str, tuple[str, str]], report: BuildReport,
                 progress: bool, options: ReadOptions, originals: Originals
                 ) -> tuple[Iterator[tuple[str, list[dict]]], list[str]]:
    """The sources to delete, and the documents of new and changed files, made as they are read
    (the report is complete once they have all been read)."""
    scan = scan_corpus(corpus_dir)
    files = scan.files
    report.failed.extend(scan.problems)
    deletions = [source for source in indexed if source not in files]
    report.removed = len(deletions)
    for source in deletions:
        originals.forget(source)
    # Meetings that stay in the index: a file repeating one of them is refused.
    owners = {meeting_id: source for source, (_h, meeting_id) in indexed.items() if source in files}
    return _read_changes(files, indexed, owners, report, progress, options, originals), deletions


def _read_changes(files: dict[str, Path], indexed: dict[str, tuple[str, str]], owners: dict[str, str],
                  report: BuildReport, progress: bool, options: ReadOptions, originals: Originals
                  ) -> Iterator[tuple[str, list[dict]]]:
    """New and changed files' documents in corpus order; unchanged files only counted. Files are read
    ahead in worker processes while the engine indexes the ones before them."""
    waiting: deque[tuple[str, str, bytes, Callable[[], FileRead]]] = deque()
    max_file_mb = options.max_file_mb
    with recognition_progress(progress), Readers(options.jobs) as readers:
        for source, path in progress_bar(files.items(), progress):
            try:
                size = path.stat().st_size
                if size > max_file_mb * 1_000_000:
                    # Refused before reading: one huge file must not hold up every other file's commit.
                    report.failed.append((source, f"too large: {size / 1_000_000:.3g} MB, the limit is "
                                                  f"{max_file_mb:g} MB (--max-file-mb)"))
                    continue
                data = path.read_bytes()
            except OSError as error:
                report.failed.append((source, f"cannot read: {error.strerror or error}"))
                continue
            digest = hashlib.sha256(data).hexdigest()
            if source in indexed and indexed[source][0] == digest:
                report.unchanged += 1
                originals.keep(source, digest, data)  # a copy an older index never made
                continue
            request = ReadRequest(source, path, data, digest, options)
            waiting.append((source, digest, data, readers.read(request)))
            if len(waiting) > readers.window:
                yield from _take_read(*waiting.popleft(), indexed, owners, report, originals)
        while waiting:
            yield from _take_read(*waiting.popleft(), indexed, owners, report, originals)
    report.failed.sort()


def _take_read(source: str, digest: str, data: bytes, result: Callable[[], FileRead], indexed, owners,
               report: BuildReport, originals: Originals) -> Iterator[tuple[str, list[dict]]]:
    """A file's documents once read, in corpus order (the report and the copies of sources follow)."""
    read = result()
    if read.failure is not None:
        report.failed.append((source, read.failure))  # a changed file that fails keeps its old items
        return
    owner = owners.get(read.meeting_id)
    if owner is not None and owner != source:
        report.failed.append((source, f"repeats meeting {read.meeting_name} already indexed from {owner}"))
        return
    owners[read.meeting_id] = source
    originals.keep(source, digest, data)
    report.warnings.extend((source, warning) for warning in read.warnings)
    if source in indexed:
        report.changed += 1
    else:
        report.new += 1
    yield source, read.documents


@contextmanager
def recognition_progress(enabled: bool) -> Iterator[None]:
    """On a terminal, a second bar counting the scanned pages recognised (shown from the first)."""
    if not enabled:
        yield
        return
    from tqdm import tqdm

    from .sources.pdf_worker import READER

    bar = None

    def page() -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(desc="Genkender skannede sider", unit="side", leave=False, position=1)
        bar.update()

    READER.on_page = page
    try:
        yield
    finally:
        READER.on_page = None
        if bar is not None:
            bar.close()


def progress_bar(pairs, enabled: bool):
    if not enabled:
        return pairs
    from tqdm import tqdm  # only on a terminal

    return tqdm(list(pairs), desc="Indekserer", unit="fil", leave=False)


def remove_stale_generations(index_dir: Path) -> None:
    """Generations no longer current: replaced by a rebuild, or left by a crashed one. A reader that
    read CURRENT just before the swap finds its generation gone and reads CURRENT again."""
    current = current_generation(index_dir)
    for path in index_dir.glob("gen-*"):
        if path.is_dir() and path != current:
            shutil.rmtree(path, ignore_errors=True)


def remove_leftovers(index_dir: Path) -> None:
    """What a killed or failed run left: stray generations, a half-written pointer, uncommitted files."""
    for path in index_dir.glob(f".{POINTER}.*"):
        path.unlink(missing_ok=True)
    remove_stale_generations(index_dir)
    generation = current_generation(index_dir)
    if generation is not None:
        for path in generation.glob(".prepared-*"):  # a prepared state being saved when the run died
            path.unlink(missing_ok=True)
        engine: Engine = get_engine(index_engine(index_dir) or DEFAULT_ENGINE)
        engine.remove_uncommitted_files(generation)
