"""Writes the index: it mirrors a corpus folder of minutes files (the only module that writes).

Unchanged files (same content hash) are skipped, changed files' items replaced, items of files no
longer in the folder removed. Every change lands in one whoosh commit, which is atomic; a full
rebuild (asked for, or because the analysis changed) is written to a new generation directory
and published by swapping the CURRENT pointer. A crash at any point leaves the previous index whole.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import LockError

from .analysis import ANALYSIS_VERSION
from .load import load_meeting
from .model import AgendaItem, Meeting, item_to_dict
from .parse import ParseError
from .schema import current_generation, make_schema, read_pointer, write_pointer


class IndexBusy(RuntimeError):
    """Another `minutes index` holds the index."""


@dataclass(slots=True)
class BuildReport:
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    items: int = 0
    seconds: float = 0.0
    rebuilt: bool = False

    def summary(self) -> str:
        kind = "rebuilt" if self.rebuilt else "updated"
        return (f"index {kind}: {self.new} new, {self.changed} changed, {self.unchanged} unchanged, "
                f"{self.removed} removed, {len(self.failed)} failed files; {self.items} items; "
                f"{self.seconds:.2f} s")


def section_anchors(item: AgendaItem) -> list[str]:
    """URL fragment per section: its kind, numbered when a kind repeats (bilag, bilag-2)."""
    seen: dict[str, int] = {}
    anchors = []
    for section in item.sections:
        seen[section.kind] = seen.get(section.kind, 0) + 1
        anchors.append(section.kind if seen[section.kind] == 1 else f"{section.kind}-{seen[section.kind]}")
    return anchors


def item_document(meeting: Meeting, item: AgendaItem, source: str, digest: str) -> dict:
    """One whoosh document per agenda item, with everything serving needs stored in `record`."""
    record = item_to_dict(item)
    full_text_parts, position = [], 0
    for section, anchor in zip(record["sections"], section_anchors(item)):
        section["anchor"] = anchor
        section["start"], section["end"] = position, position + len(section["text"])
        full_text_parts.append(section["text"])
        position += len(section["text"]) + 2
    record["meeting"] = {
        "id": meeting.id, "committee": meeting.committee, "date": meeting.date.isoformat(),
        "start_time": meeting.start_time, "location": meeting.location,
        "participants": [{"name": p.name, "role": p.role} for p in meeting.participants],
        "source": source, "item_count": len(meeting.items),
    }
    full_text = "\n\n".join(full_text_parts)
    return {
        "id": item.id,
        "meeting_id": meeting.id,
        "source": source,
        "source_hash": digest,
        "committee": meeting.committee,
        "date": meeting.date.isoformat(),
        "year": str(meeting.date.year),
        "number": item.number,
        "case": item.case_number or "",
        "closed": "1" if item.closed else "0",
        "decision_types": ",".join(item.decision.types),
        "centres": ",".join(item.centres),
        "proposers": ",".join(item.proposers),
        "title": item.title,
        "decision": item.decision.text,
        "attachments": "\n".join(item.attachments),
        "text": full_text,
        "vocabulary": "\n".join([item.title, full_text]),
        "record": json.dumps(record, ensure_ascii=False),
    }


@contextmanager
def builder_lock(index_dir: Path) -> Iterator[None]:
    """One builder at a time. flock is released by the kernel when a process dies, so the lock of
    a killed run never needs cleaning up."""
    handle = open(index_dir / ".build.lock", "a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexBusy(f"{index_dir}: another 'minutes index' is running") from None
        yield
    finally:
        handle.close()


def corpus_files(corpus_dir: Path) -> dict[str, Path]:
    return {path.relative_to(corpus_dir).as_posix(): path
            for path in sorted(corpus_dir.rglob("*.txt")) if path.is_file()}


def build_index(corpus_dir: Path, index_dir: Path, rebuild: bool = False, progress: bool = False) -> BuildReport:
    """Bring the index at `index_dir` in line with the files under `corpus_dir`."""
    started = time.perf_counter()
    corpus_dir, index_dir = Path(corpus_dir), Path(index_dir)
    if not corpus_dir.is_dir():
        raise FileNotFoundError(f"{corpus_dir}: corpus folder not found")
    index_dir.mkdir(parents=True, exist_ok=True)
    report = BuildReport()
    with builder_lock(index_dir):
        generation = current_generation(index_dir)
        pointer = read_pointer(index_dir) or {}
        full = rebuild or generation is None or pointer.get("analysis_version") != ANALYSIS_VERSION
        if full:
            generation = index_dir / f"gen-{time.time_ns()}"
            generation.mkdir()
            ix = whoosh_index.create_in(str(generation), make_schema())
            indexed: dict[str, tuple[str, str]] = {}
        else:
            ix = whoosh_index.open_dir(str(generation))
            indexed = indexed_sources(ix)
        report.rebuilt = full
        try:
            documents, deletions = plan_changes(corpus_dir, indexed, report, progress)
            if full or documents or deletions:
                commit(ix, documents, deletions, optimize=full)
            with ix.searcher() as searcher:
                report.items = searcher.doc_count()
        finally:
            ix.close()
        if full:
            write_pointer(index_dir, generation.name)
        remove_stale_generations(index_dir)
    report.seconds = time.perf_counter() - started
    return report


def indexed_sources(ix) -> dict[str, tuple[str, str]]:
    """source file -> (content hash, meeting id) for what the index holds now."""
    sources = {}
    with ix.searcher() as searcher:
        for fields in searcher.all_stored_fields():
            sources[fields["source"]] = (fields["source_hash"], fields["meeting_id"])
    return sources


def plan_changes(corpus_dir: Path, indexed: dict[str, tuple[str, str]], report: BuildReport,
                 progress: bool) -> tuple[list[tuple[str, list[dict]]], list[str]]:
    files = corpus_files(corpus_dir)
    deletions = [source for source in indexed if source not in files]
    report.removed = len(deletions)
    # Meetings that stay in the index: a file repeating one of them is refused.
    owners = {meeting_id: source for source, (_h, meeting_id) in indexed.items() if source in files}
    documents: list[tuple[str, list[dict]]] = []
    for source, path in progress_bar(files.items(), progress):
        try:
            data = path.read_bytes()
        except OSError as error:
            report.failed.append((source, f"cannot read: {error.strerror or error}"))
            continue
        digest = hashlib.sha256(data).hexdigest()
        if source in indexed and indexed[source][0] == digest:
            report.unchanged += 1
            continue
        try:
            meeting = load_meeting(path, source=source)
        except ParseError as error:
            report.failed.append((source, str(error)))  # a changed file that fails keeps its old items
            continue
        owner = owners.get(meeting.id)
        if owner is not None and owner != source:
            report.failed.append((source, f"repeats meeting {meeting.date.isoformat()} already indexed from {owner}"))
            continue
        owners[meeting.id] = source
        if source in indexed:
            report.changed += 1
        else:
            report.new += 1
        documents.append((source, [item_document(meeting, item, source, digest) for item in meeting.items]))
    return documents, deletions


def progress_bar(pairs, enabled: bool):
    if not enabled:
        return pairs
    from tqdm import tqdm  # only on a terminal

    return tqdm(list(pairs), desc="Indekserer", unit="fil", leave=False)


def commit(ix, documents: list[tuple[str, list[dict]]], deletions: list[str], optimize: bool) -> None:
    try:
        writer = ix.writer(timeout=5.0, limitmb=256)
    except LockError:
        raise IndexBusy("the index is locked by another writer") from None
    try:
        for source in deletions:
            writer.delete_by_term("source", source)
        for source, docs in documents:
            writer.delete_by_term("source", source)
            for doc in docs:
                writer.add_document(**doc)
        writer.commit(optimize=optimize)
    except BaseException:
        writer.cancel()
        raise


def remove_stale_generations(index_dir: Path) -> None:
    """Generations no longer current: replaced by a rebuild, or left by a crashed one."""
    current = current_generation(index_dir)
    for path in index_dir.glob("gen-*"):
        if path.is_dir() and path != current:
            shutil.rmtree(path, ignore_errors=True)
