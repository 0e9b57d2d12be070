"""Files read into documents in worker processes (indexer/reading.py): the same index as one process
gives, failures named the same way, and a worker that dies costs its files one retry."""

from __future__ import annotations

import pickle
import shutil
from dataclasses import asdict
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from indexer.analysis import FULL_TEXT, AnalysedText
from indexer.build import build_index
from indexer.query import Query
from indexer.reading import FileRead, PendingRead, ReadOptions, ReadRequest
from indexer.search import SearchIndex

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "hoeje-taastrup" / "direktionen" / "2018-11-05.txt"


def test_packed_tokens_are_exactly_the_analysis_and_survive_pickling() -> None:
    text = "Økonomiopfølgning: KMD's sygefravær i 14/32918 — revisionsberetningen 2017"
    packed = AnalysedText.of(text)
    assert list(packed) == [(term, position) for term, position, _start, _end in FULL_TEXT.index_tokens(text)]
    assert list(pickle.loads(pickle.dumps(packed))) == list(packed)
    assert list(AnalysedText.of("")) == [] and list(AnalysedText.of(" — ")) == []


def everything(index: Path) -> list[tuple]:
    search = SearchIndex(index)
    try:
        results = search.search(Query(text="", sort="oldest", page_size=100))
        return [asdict(hit) for hit in results.hits]
    finally:
        search.close()


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", target)
    folder = target / "hoeje-taastrup" / "direktionen"
    for day in range(1, 7):  # more files than the workers' window, so that reads overlap
        (folder / f"2030-01-0{day}.txt").write_text(
            SEED.read_text(encoding="utf-8").replace("05-11-2018", f"0{day}-01-2030"), encoding="utf-8")
    (folder / "2030-02-01.txt").write_bytes(b"\x00\x01")  # not minutes
    shutil.copy(SEED, folder / "kopi.txt")  # the 2018-11-05 meeting again
    return target


@pytest.mark.parametrize("engine", ["tantivy", "whoosh"])
def test_two_workers_build_the_index_one_process_builds(corpus, tmp_path, engine) -> None:
    one = build_index(corpus, tmp_path / "one", engine=engine, jobs=1)
    two = build_index(corpus, tmp_path / "two", engine=engine, jobs=2)
    expected_failures = [
        ("hoeje-taastrup/direktionen/2030-02-01.txt", "binary file (contains NUL bytes), not a text document"),
        ("hoeje-taastrup/direktionen/kopi.txt", "repeats meeting Direktionen 2018-11-05 already indexed from "
                                                "hoeje-taastrup/direktionen/2018-11-05.txt")]
    # 5 files of 44 items, 6 copies of the 9-item seed
    assert (one.new, one.failed, one.items) == (11, expected_failures, 44 + 6 * 9)
    assert (two.new, two.failed, two.items) == (one.new, one.failed, one.items)
    assert everything(tmp_path / "two") == everything(tmp_path / "one")
    assert len(everything(tmp_path / "one")) == 98


def seed_request() -> ReadRequest:
    data = SEED.read_bytes()
    return ReadRequest("hoeje-taastrup/direktionen/2018-11-05.txt", SEED, data, "0" * 64, ReadOptions())


class DyingWorkers:
    """Readers whose workers die for the first `deaths` submissions (as a pool whose worker was killed)."""

    def __init__(self, deaths: int) -> None:
        self.deaths = deaths
        self.submitted = 0

    def submit(self, request: ReadRequest) -> Future:
        from indexer.reading import read_file

        self.submitted += 1
        future: Future = Future()
        if self.submitted <= self.deaths:
            future.set_exception(BrokenProcessPool("a worker died"))
        else:
            future.set_result(read_file(request))
        return future


def test_a_file_whose_worker_died_is_read_again_by_a_new_one() -> None:
    readers = DyingWorkers(deaths=1)
    read = PendingRead(readers, seed_request()).result()
    assert (readers.submitted, read.failure, len(read.documents)) == (2, None, 9)


def test_a_file_whose_worker_dies_twice_is_named_as_failed() -> None:
    readers = DyingWorkers(deaths=2)
    read = PendingRead(readers, seed_request()).result()
    assert (readers.submitted, read) == (2, FileRead(
        "hoeje-taastrup/direktionen/2018-11-05.txt",
        failure="its reading process ended unexpectedly twice (out of memory?); the file was not read"))


def children(pid: int) -> dict[int, str]:
    """The processes whose parent is `pid`: their command lines."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found[int(stat.parent.name)] = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, ValueError, IndexError):
            continue
    return found


def test_the_workers_end_when_the_build_is_killed(tmp_path) -> None:
    import subprocess
    import sys
    import time

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    seed = SEED.read_text(encoding="utf-8")
    for number in range(300):  # enough files to keep two workers reading for seconds
        day = f"20{10 + number // 28:02d}-{1 + number % 12:02d}-{1 + number % 28:02d}"
        (corpus / f"{day}-{number}.txt").write_text(
            seed.replace("05-11-2018", f"{day[8:]}-{day[5:7]}-{day[:4]}").replace("Punkt 1:", f"Punkt 1: {number}"),
            encoding="utf-8")
    build = subprocess.Popen([sys.executable, "-m", "indexer", "index", "--corpus", str(corpus), "--index",
                              str(tmp_path / "index"), "--jobs", "2"], cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    workers: list[int] = []
    while len(workers) < 2 and build.poll() is None and time.monotonic() < deadline:
        workers = [pid for pid, command in children(build.pid).items() if "spawn_main" in command]
        time.sleep(0.05)
    assert (len(workers), build.poll()) == (2, None)  # the moment: two workers reading, the build running
    build.kill()
    build.wait()
    deadline = time.monotonic() + 15
    while any(Path(f"/proc/{pid}").exists() for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [pid for pid in workers if Path(f"/proc/{pid}").exists()] == []
