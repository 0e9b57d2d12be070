"""Crash, disk-full and concurrency safety of the index, each proven at the moment it names.

Kills: `minutes index` runs under tests/tools/stop_at.py, which stops the process (SIGSTOP) right at
a named moment of the write; the test sees it stopped there, checks the directory shows that moment,
and kills it (SIGKILL). The index must then give exactly the old answers (or, once whoosh's commit
point has passed in an update, exactly the new ones), and the next run must give the new answers and
leave no file behind that the index does not use."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage

from conftest import skip_unless_available

from indexer.build import IndexWriteError, build_index
from indexer.engines import ENGINES, SERVER_ENGINES
from indexer.query import Query
from indexer.search import SearchIndex
from webui import create_app

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "hoeje-taastrup" / "direktionen" / "2018-11-05.txt"
STOP_AT = ROOT / "tests" / "tools" / "stop_at.py"

# revisionsberetning: 2014-08-26 #3, 2016-11-30 #1, 2018-11-05 #3 (its title). The new files are the
# 2018-11-05 minutes (9 items) moved to other dates, so each adds its item 3 to the answer.
AUDIT_ITEMS = {"hoeje-taastrup-direktionen-2014-08-26-3", "hoeje-taastrup-direktionen-2016-11-30-1", "hoeje-taastrup-direktionen-2018-11-05-3"}
NEW_DAYS = [date(2001, 1, 1), date(2001, 1, 2)]
OLD_ANSWERS = (44, AUDIT_ITEMS)
NEW_ANSWERS = (44 + 9 * len(NEW_DAYS), AUDIT_ITEMS | {f"hoeje-taastrup-direktionen-{day.isoformat()}-3" for day in NEW_DAYS})


def add_new_minutes(corpus: Path, days=NEW_DAYS) -> None:
    text = SEED.read_text(encoding="utf-8")
    for day in days:
        (corpus / "hoeje-taastrup" / "direktionen" / f"{day.isoformat()}.txt").write_text(
            text.replace("05-11-2018", day.strftime("%d-%m-%Y")), encoding="utf-8")


def answers(index: Path) -> tuple[int, set[str]]:
    search = SearchIndex(index)
    try:
        audit = search.search(Query(text="revisionsberetning", page_size=100))
        return search.search(Query()).total, {hit.id for hit in audit.hits}
    finally:
        search.close()


def unused_files(index: Path) -> list[str]:
    """Everything in the index directory that the current index does not use."""
    expected = {"CURRENT", ".build.lock"}
    pointer_target = (index / "CURRENT").read_text(encoding="utf-8")
    generation = index / re.search(r'"generation": "([^"]+)"', pointer_target)[1]
    ix = whoosh_index.open_dir(str(generation))
    toc = ix._read_toc()
    ix.close()
    used = {f"_MAIN_{toc.generation}.toc", "MAIN_WRITELOCK"} | {f"{s.segment_id()}.seg" for s in toc.segments}
    used.add(f"prepared-{generation.name}.{toc.generation}.pickle")  # indexer/prepared.py, of this state
    found = {p.relative_to(index).as_posix() for p in index.iterdir() if p not in (generation, index / "originals")}
    found |= {p.relative_to(index).as_posix() for p in generation.iterdir()}
    found |= {p.relative_to(index).as_posix() for p in (index / "originals").iterdir()}
    expected |= {f"{generation.name}/{name}" for name in used}
    # One copy of each indexed source file (indexer.originals.Originals): the corpus is the index's.
    expected |= {f"originals/{hashlib.sha256(path.read_bytes()).hexdigest()}.txt"
                 for path in (index.parent / "corpus").rglob("*.txt")}
    return sorted(found - expected)


@contextmanager
def stopped_at(moment: str, corpus: Path, index: Path, rebuild: bool) -> Iterator[None]:
    """`minutes index` stopped (SIGSTOP) at `moment` (tests/tools/stop_at.py) while the block runs,
    then killed (SIGKILL)."""
    command = [sys.executable, str(STOP_AT), moment, "index", "--corpus", str(corpus), "--index", str(index)]
    process = subprocess.Popen(command + (["--rebuild"] if rebuild else []), cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _, status = os.waitpid(process.pid, os.WUNTRACED)
        assert os.WIFSTOPPED(status), f"minutes index ended (status {status}) before reaching '{moment}'"
        yield
    finally:
        process.kill()
        process.wait()
    assert process.returncode == -signal.SIGKILL


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", target)
    return target


# -- kills -------------------------------------------------------------------------------------------

MOMENTS = {
    # moment: (file pattern that must be in the generation when stopped, answers right after the kill
    #          for an update; a rebuild always still answers from the old generation)
    "segment": (r"^MAIN_[0-9a-z]+\.", OLD_ANSWERS),
    "toc": (r"^_MAIN_\d+\.toc\.", OLD_ANSWERS),
    "toc-renamed": (r"^_MAIN_\d+\.toc$", NEW_ANSWERS),  # whoosh's commit point has passed
}


@pytest.mark.parametrize("rebuild", [False, True], ids=["update", "rebuild"])
@pytest.mark.parametrize("moment", list(MOMENTS))
def test_index_killed_at_a_moment_of_the_write(corpus, tmp_path, moment, rebuild) -> None:
    index = tmp_path / "index"
    build_index(corpus, index, engine="whoosh")  # the moments are whoosh's files
    old_generation = sorted(index.glob("gen-*"))
    add_new_minutes(corpus)
    with stopped_at(moment, corpus, index, rebuild):
        written = [g for g in index.glob("gen-*") if g not in old_generation] if rebuild else old_generation
        pattern, expected_after_kill = MOMENTS[moment]
        assert [p.name for p in written[0].iterdir() if re.match(pattern, p.name)], \
            f"stopped, but the directory does not show the moment '{moment}'"

    assert answers(index) == (OLD_ANSWERS if rebuild else expected_after_kill)
    report = build_index(corpus, index)  # the killed run's lock and leftovers do not get in the way
    assert (report.failed, report.items) == ([], NEW_ANSWERS[0])
    assert answers(index) == NEW_ANSWERS
    assert unused_files(index) == []


TANTIVY_MOMENTS = {"tantivy-added": OLD_ANSWERS, "tantivy-committed": NEW_ANSWERS}


@pytest.mark.parametrize("rebuild", [False, True], ids=["update", "rebuild"])
@pytest.mark.parametrize("moment", list(TANTIVY_MOMENTS))
def test_a_tantivy_index_killed_around_its_commit_answers_old_or_new(corpus, tmp_path, moment, rebuild) -> None:
    index = tmp_path / "index"
    build_index(corpus, index, engine="tantivy")
    add_new_minutes(corpus)
    with stopped_at(moment, corpus, index, rebuild):
        pass  # only the hook around tantivy's commit stops the process: stopped means the moment was reached
    assert answers(index) == (OLD_ANSWERS if rebuild else TANTIVY_MOMENTS[moment])
    report = build_index(corpus, index)  # the killed run's lock and leftovers do not get in the way
    assert (report.failed, report.items, json.loads((index / "CURRENT").read_text())["engine"]) == (
        [], NEW_ANSWERS[0], "tantivy")
    assert answers(index) == NEW_ANSWERS
    assert [path.name for path in index.glob("gen-*")] == [json.loads((index / "CURRENT").read_text())["generation"]]


POSTGRESQL_MOMENTS = {"postgresql-added": OLD_ANSWERS, "postgresql-committed": NEW_ANSWERS}


@pytest.mark.parametrize("rebuild", [False, True], ids=["update", "rebuild"])
@pytest.mark.parametrize("moment", list(POSTGRESQL_MOMENTS))
def test_a_postgresql_index_killed_around_its_commit_answers_old_or_new(corpus, tmp_path, moment, rebuild,
                                                                        monkeypatch) -> None:
    skip_unless_available("postgresql")
    # A reader that sees a commit waits for the builder to save its prepared state; this one never will.
    monkeypatch.setattr("indexer.prepared.WAIT_FOR_BUILDER", 0.2)
    index = tmp_path / "index"
    build_index(corpus, index, engine="postgresql")
    add_new_minutes(corpus)
    with stopped_at(moment, corpus, index, rebuild):
        # Every row of the run is written (a rebuild has deleted the old ones) in a transaction left
        # open: readers see the state before the run, or after it once committed, never part of it.
        assert answers(index) == POSTGRESQL_MOMENTS[moment]
    assert answers(index) == POSTGRESQL_MOMENTS[moment]
    report = build_index(corpus, index)  # the killed run's session and leftovers do not get in the way
    assert (report.failed, report.items, json.loads((index / "CURRENT").read_text())["engine"]) == (
        [], NEW_ANSWERS[0], "postgresql")
    assert answers(index) == NEW_ANSWERS


# -- a full disk -------------------------------------------------------------------------------------

def run_index(corpus: Path, index: Path, *extra: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "indexer", "index", "--corpus", str(corpus), "--index", str(index), *extra]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True)


def usage(index: Path) -> dict[str, int]:
    return {p.relative_to(index).as_posix(): p.stat().st_size for p in index.rglob("*")}


# Per engine, a tmpfs size that holds the index of the corpus (whoosh about 1.7 MB, tantivy 0.3 MB)
# but not a second copy of it, nor the index with 30 more meetings (3.1 MB, 1.5 MB).
SMALL_DISK = {"whoosh": "3m", "tantivy": "1m"}


@pytest.fixture(params=sorted(set(ENGINES) - set(SERVER_ENGINES)))  # a database server's disk is its own
def engine_and_small_disk(tmp_path: Path, request: pytest.FixtureRequest):
    """An engine and a tmpfs too small for what the test adds to its index."""
    engine = request.param
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={SMALL_DISK[engine]}", "tmpfs", str(mount_point)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.strip()}); "
                    "test_injected_disk_full_* cover the same path on whoosh")
    yield engine, mount_point
    subprocess.run(["umount", str(mount_point)], check=True)


@pytest.mark.parametrize("rebuild", [False, True], ids=["update", "rebuild"])
def test_full_disk_is_one_line_leaves_the_index_and_gives_the_space_back(corpus, tmp_path, engine_and_small_disk,
                                                                          rebuild) -> None:
    engine, small_disk = engine_and_small_disk
    built = tmp_path / "built"
    build_index(corpus, built, engine=engine)
    index = small_disk / "index"
    shutil.copytree(built, index)  # built elsewhere: building needs room for the segment and its parts
    add_new_minutes(corpus, [date(2001, 1, day) for day in range(1, 31)])
    before, free_before = usage(index), shutil.disk_usage(small_disk).free

    result = run_index(corpus, index, *(["--rebuild"] if rebuild else []))

    assert (result.returncode, result.stdout, result.stderr) == (
        1, "", f"minutes: {index}: cannot write the index: no space left on device; the index is unchanged\n")
    assert answers(index) == OLD_ANSWERS
    assert usage(index) == before
    assert shutil.disk_usage(small_disk).free == free_before


@pytest.mark.parametrize("rebuild", [False, True], ids=["update", "rebuild"])
@pytest.mark.parametrize("full_at", ["seg", "toc"])
def test_injected_disk_full_leaves_the_index_and_no_files(corpus, tmp_path, monkeypatch, rebuild, full_at) -> None:
    """The same as above without a tmpfs: ENOSPC when whoosh creates the compound segment (after the
    segment's parts are written) or the new table of contents."""
    index = tmp_path / "index"
    build_index(corpus, index, engine="whoosh")
    add_new_minutes(corpus)
    before = usage(index)
    create_file = FileStorage.create_file
    hits = []

    def create_file_on_a_full_disk(self, name, **kwargs):
        if name.endswith(".seg") if full_at == "seg" else re.match(r"^_MAIN_[1-9]\d*\.toc\.", name):
            hits.append(name)
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), name)
        return create_file(self, name, **kwargs)

    monkeypatch.setattr(FileStorage, "create_file", create_file_on_a_full_disk)
    with pytest.raises(IndexWriteError) as raised:
        build_index(corpus, index, rebuild=rebuild)
    monkeypatch.undo()

    assert len(hits) == 1
    assert str(raised.value) == f"{index}: cannot write the index: no space left on device; the index is unchanged"
    assert answers(index) == OLD_ANSWERS
    assert usage(index) == before
    assert build_index(corpus, index).items == NEW_ANSWERS[0]  # nothing left locked


# -- readers while rebuilds swap generations ---------------------------------------------------------

def test_reader_whose_generation_is_deleted_while_it_opens_reads_current_again(corpus, tmp_path,
                                                                                 monkeypatch) -> None:
    index = tmp_path / "index"
    build_index(corpus, index, engine="whoosh")
    first = next(index.glob("gen-*"))
    open_dir = whoosh_index.open_dir
    swapped = []

    def open_after_a_rebuild(dirname, *args, **kwargs):
        if not swapped and Path(dirname) == first:
            add_new_minutes(corpus)
            build_index(corpus, index, rebuild=True)  # swaps CURRENT, deletes `first`
            swapped.append(first.exists())
        return open_dir(dirname, *args, **kwargs)

    monkeypatch.setattr(whoosh_index, "open_dir", open_after_a_rebuild)
    search = SearchIndex(index)
    results = search.search(Query(text="revisionsberetning", page_size=100))
    search.close()
    assert swapped == [False]  # the reader had read CURRENT, then its generation went
    assert {hit.id for hit in results.hits} == NEW_ANSWERS[1]


def test_readers_in_threads_while_rebuilds_swap_generations_get_no_error(corpus, tmp_path) -> None:
    index = tmp_path / "index"
    build_index(corpus, index)
    app = create_app(index, {"TESTING": True})
    urls = ["/api/search?q=revisionsberetning", "/?q=kmd", "/moeder/hoeje-taastrup-direktionen-2018-11-05/punkt/3?q=kmd", "/api/meetings",
            "/sager/14/32918", "/healthz"]
    statuses: list[int] = []
    generations: set[str] = set()
    stop = threading.Event()

    def read() -> None:
        client = app.test_client()
        while not stop.is_set():
            for url in urls:
                statuses.append(client.get(url).status_code)
            generations.add((index / "CURRENT").read_text(encoding="utf-8"))

    readers = [threading.Thread(target=read) for _ in range(2)]
    for reader in readers:
        reader.start()
    try:
        for _ in range(5):
            subprocess.run([sys.executable, "-m", "indexer", "index", "--corpus", str(corpus), "--index",
                            str(index), "--rebuild"], cwd=ROOT, check=True, capture_output=True)
    finally:
        stop.set()
        for reader in readers:
            reader.join()
    assert len(generations) >= 4, "the readers did not run across the swaps"
    assert {status: statuses.count(status) for status in set(statuses)} == {200: len(statuses)}
