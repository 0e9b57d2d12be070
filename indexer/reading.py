"""Reading a new or changed minutes file into index documents, in worker processes (`--jobs`).

Parsing, the item documents and our Danish analysis of their text are pure and CPU-bound: the build
hands each file's bytes to a pool of worker processes and takes the documents back in corpus order
(so every run gives each item the same key), with at most `window` files in flight (memory stays
bounded however large the archive). One file, or `jobs=1`, is read in the build's own process.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from .analysis import FULL_TEXT, VOCABULARY, AnalysedText
from .document import ANALYSED, SECTION_JOINT, TEXT_FIELDS, join_sections
from .layouts import Layout
from .load import DEFAULT_MAX_FILE_MB, load_meeting
from .model import AgendaItem, Meeting, item_to_dict
from .originals import has_original, original_name
from .parse import ParseError


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def section_anchors(item: AgendaItem) -> list[str]:
    """URL fragment per section: its kind, numbered when a kind repeats (bilag, bilag-2)."""
    seen: dict[str, int] = {}
    anchors = []
    for section in item.sections:
        seen[section.kind] = seen.get(section.kind, 0) + 1
        anchors.append(section.kind if seen[section.kind] == 1 else f"{section.kind}-{seen[section.kind]}")
    return anchors


def item_document(meeting: Meeting, item: AgendaItem, source: str, digest: str,
                  attachment_text: str = "") -> dict:
    """One document per agenda item (fields: `indexer.document`), with everything serving needs stored
    in `record` and the text fields' index tokens under `ANALYSED`. `attachment_text`: the text of its
    attachment files, searched as its attachments."""
    record = item_to_dict(item)
    full_text_parts, position = [], 0
    for section, anchor in zip(record["sections"], section_anchors(item)):
        section["anchor"] = anchor
        section["start"], section["end"] = position, position + len(section["text"])
        full_text_parts.append(section["text"])
        position += len(section["text"]) + len(SECTION_JOINT)
    record["meeting"] = {
        "id": meeting.id, "municipality": meeting.municipality, "committee": meeting.committee,
        "date": meeting.date.isoformat(), "layout": meeting.layout, "attendance": meeting.attendance,
        "start_time": meeting.start_time, "location": meeting.location,
        "participants": [{"name": p.name, "role": p.role} for p in meeting.participants],
        "source": source, "item_count": len(meeting.items),
        "status": meeting.status, "published_url": meeting.published_url,
        "recognised_pages": meeting.recognised_pages,
        # The copy of the source file the index keeps (Originals), for "Hent referatet"; a harvested
        # meeting links to where the municipality publishes it instead.
        "original": {"file": original_name(digest, source), "format": Path(source).suffix.lower().lstrip("."),
                     "pages": meeting.pages} if has_original(source) else None,
    }
    full_text = join_sections(full_text_parts)
    title = "\n".join([item.title, *item.other_titles])
    title_words, text_words = FULL_TEXT.tokenizer.regex.findall(title), FULL_TEXT.tokenizer.regex.findall(full_text)
    fields = {
        "id": item.id,
        "meeting_id": meeting.id,
        "source": source,
        "source_hash": digest,
        "municipality": meeting.municipality or "",
        "committee": meeting.committee,
        "date": meeting.date.isoformat(),
        "year": str(meeting.date.year),
        "number": item.number,
        "case": item.case_number or "",
        "closed": "1" if item.closed else "0",
        "decision_types": ",".join(item.decision.types),
        "centres": ",".join(item.centres),
        "proposers": ",".join(item.proposers),
        "vote": "ja" if item.decision.vote else "",
        "voted_against": ",".join(item.decision.vote.against) if item.decision.vote else "",
        "title": title,
        "decision": item.decision.text,
        "attachments": "\n".join([*item.attachments, *([attachment_text] if attachment_text else [])]),
        "text": full_text,
        # Each word once: suggestions need to know which words occur, not where.
        "vocabulary": " ".join(sorted(VOCABULARY.distinct_terms_of_words(title_words + text_words))),
        "record": json.dumps(record, ensure_ascii=False),
    }
    words = {"title": title_words, "text": text_words}  # each text cut into words once
    fields[ANALYSED] = {name: AnalysedText.of(fields[name], FULL_TEXT, words.get(name)) for name in TEXT_FIELDS}
    return fields


def attachment_texts(meeting: Meeting, path: Path, source: str, max_file_mb: float,
                     ocr: bool = True) -> dict[str, str]:
    """The text of each item's harvested attachment files (PDFs in the corpus folder, named by their
    corpus-relative path), by item id. An attachment that cannot be read costs its item nothing but a
    warning on the meeting."""
    from .sources.pdf import page_text, read_pdf

    corpus = path.parents[len(Path(source).parts) - 1]  # `source` is `path` relative to the corpus
    texts: dict[str, str] = {}
    for item in meeting.items:
        parts = []
        for attachment in item.attachment_files:
            if attachment.path is None:
                continue
            relative = Path(attachment.path)
            try:
                if relative.is_absolute() or ".." in relative.parts:
                    raise ParseError("its path leads out of the corpus folder")
                file = corpus / relative
                if file.stat().st_size > max_file_mb * 1_000_000:
                    raise ParseError(f"too large: over {max_file_mb:g} MB (--max-file-mb)")
                parts.append(page_text(read_pdf(file.read_bytes(), ocr)).text)
            except (OSError, ParseError) as error:
                reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
                meeting.warnings.append(f"item {item.number}: attachment '{attachment.title}' not read: {reason}")
        if parts:
            texts[item.id] = "\n\n".join(parts)
    return texts


@dataclass(slots=True)
class FileRead:
    """What reading one file gave: its documents, or why it failed (`failure`)."""

    source: str
    documents: list[dict] = field(default_factory=list)
    failure: str | None = None
    meeting_id: str = ""
    meeting_name: str = ""  # committee and date, for "repeats meeting ..."
    warnings: list[str] = field(default_factory=list)
    recognised_pages: int = 0  # scanned pages recognised (the progress bar's second count)


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How a build reads files: `layout` forces one layout (None: each file's own), `ocr` recognises
    scanned pages, files over `max_file_mb` are refused, `jobs` worker processes read them."""

    layout: Layout | None = None
    ocr: bool = True
    max_file_mb: float = DEFAULT_MAX_FILE_MB
    jobs: int = 1


@dataclass(frozen=True, slots=True)
class ReadRequest:
    source: str
    path: Path
    data: bytes
    digest: str
    options: ReadOptions


def read_file(request: ReadRequest) -> FileRead:
    """Parse one file and make its items' documents; a file that cannot be read is a failure naming why."""
    from .sources.pdf_worker import READER

    source, options = request.source, request.options
    recognised = 0
    on_page = READER.on_page

    def count_page() -> None:
        nonlocal recognised
        recognised += 1
        if on_page is not None:
            on_page()

    READER.on_page = count_page
    try:
        meeting = load_meeting(request.path, source=source, data=request.data, layout=options.layout,
                               ocr=options.ocr)
        texts = attachment_texts(meeting, request.path, source, options.max_file_mb, options.ocr)
        documents = [item_document(meeting, item, source, request.digest, texts.get(item.id, ""))
                     for item in meeting.items]
    except ParseError as error:
        return FileRead(source, failure=str(error))
    except (RecursionError, MemoryError, ValueError, TypeError, LookupError, AttributeError) as error:
        # A fault of ours that this file brings out: the file is named, the run goes on.
        return FileRead(source, failure=f"could not be read ({type(error).__name__}: {error}); please report it")
    finally:
        READER.on_page = on_page
    return FileRead(source, documents, None, meeting.id, f"{meeting.committee} {meeting.date.isoformat()}",
                    list(meeting.warnings), recognised)


def end_with(build: int) -> None:
    """A worker's first step: end when the build that started it is gone. A worker waits for its next
    file on a queue that a killed build never closes, and would wait for ever."""
    def watch() -> None:
        while True:
            time.sleep(0.5)
            try:
                os.kill(build, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:  # another user's process took the number: ours is gone
                os._exit(1)

    threading.Thread(target=watch, name="end-with-the-build", daemon=True).start()


class Readers:
    """Reads files in `jobs` worker processes (started at the second file: a one-file update needs
    none), or here when `jobs` is 1. `read` returns a handle whose `result()` is the file's FileRead."""

    def __init__(self, jobs: int) -> None:
        self.jobs = max(1, jobs)
        self.window = 2 * self.jobs  # files in flight: each worker busy, one more queued for each
        self._executor: ProcessPoolExecutor | None = None
        self._reads = 0

    def __enter__(self) -> Readers:
        return self

    def __exit__(self, *exc_info) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def read(self, request: ReadRequest) -> Callable[[], FileRead]:
        self._reads += 1
        if self.jobs == 1 or self._reads == 1:
            done = read_file(request)
            return lambda: done
        return PendingRead(self, request).result

    def submit(self, request: ReadRequest) -> Future:
        """`request` to a worker; a pool broken by a worker that died is replaced by a new one."""
        while True:
            if self._executor is None:
                # spawn: workers start as clean processes, never a fork of this one (its threads: the
                # engine's writer, database pools), and with no server process to outlive a build.
                self._executor = ProcessPoolExecutor(self.jobs, mp_context=multiprocessing.get_context("spawn"),
                                                     initializer=end_with, initargs=(os.getpid(),))
            try:
                return self._executor.submit(read_file, request)
            except BrokenProcessPool:
                self._executor.shutdown(wait=False, cancel_futures=True)
                self._executor = None


class PendingRead:
    """A file read in a worker. A worker that dies (killed, out of memory) costs its files one retry in
    new workers; a file that kills its worker again is named as failed, and the run goes on."""

    def __init__(self, readers: Readers, request: ReadRequest) -> None:
        self.readers = readers
        self.request = request
        self.future = readers.submit(request)

    def result(self) -> FileRead:
        for attempt in range(2):
            try:
                read = self.future.result()
            except BrokenProcessPool:
                if attempt == 0:
                    self.future = self.readers.submit(self.request)
                continue
            self._count_recognised(read.recognised_pages)
            return read
        return FileRead(self.request.source, failure="its reading process ended unexpectedly twice "
                                                     "(out of memory?); the file was not read")

    @staticmethod
    def _count_recognised(pages: int) -> None:
        from .sources.pdf_worker import READER

        if READER.on_page is not None:  # read in a worker: its pages count here, once it is done
            for _ in range(pages):
                READER.on_page()
