"""The index mirrors the corpus folder, atomically, and survives being killed."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from indexer.build import build_index
from indexer.query import Query
from indexer.schema import write_pointer
from indexer.search import SearchIndex

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "direktionen" / "2018-11-05.txt"


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", target)
    return target


def counts(report) -> tuple:
    return (report.new, report.changed, report.unchanged, report.removed, report.failed, report.items)


def files_of(index: Path) -> dict[str, float]:
    return {str(p.relative_to(index)): p.stat().st_mtime_ns for p in index.rglob("*") if p.is_file()}


def synthetic_meeting(day: date) -> str:
    """The 2018-11-05 minutes moved to another date: a realistic file the index has not seen."""
    return SEED.read_text(encoding="utf-8").replace("05-11-2018", day.strftime("%d-%m-%Y"))


def test_first_run_indexes_every_file(corpus, tmp_path) -> None:
    report = build_index(corpus, tmp_path / "index")
    assert (counts(report), report.rebuilt) == ((5, 0, 0, 0, [], 44), True)


def test_rerun_on_unchanged_corpus_changes_nothing(corpus, tmp_path) -> None:
    index = tmp_path / "index"
    build_index(corpus, index)
    before = files_of(index)
    report = build_index(corpus, index)
    assert (counts(report), report.rebuilt) == ((0, 0, 5, 0, [], 44), False)
    assert files_of(index) == before


def test_edited_file_replaces_exactly_its_items(corpus, tmp_path) -> None:
    index = tmp_path / "index"
    build_index(corpus, index)
    path = corpus / "direktionen" / "2016-11-30.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("Udskudt.", "Ikke godkendt."), encoding="utf-8")
    report = build_index(corpus, index)
    assert counts(report) == (0, 1, 4, 0, [], 44)
    search = SearchIndex(index)
    assert [h.id for h in search.search(Query(decisions=["afvist"])).hits] == ["direktionen-2016-11-30-6"]
    assert search.search(Query(text="KMD")).total == 3
    search.close()


def test_removed_file_removes_its_items(corpus, tmp_path) -> None:
    index = tmp_path / "index"
    build_index(corpus, index)
    (corpus / "direktionen" / "2015-12-07.txt").unlink()
    report = build_index(corpus, index)
    assert counts(report) == (0, 0, 4, 1, [], 36)
    search = SearchIndex(index)
    assert search.search(Query(text="14/32918")).total == 0
    search.close()


def test_bad_and_duplicate_files_are_named_and_the_rest_indexed(corpus, tmp_path) -> None:
    (corpus / "direktionen" / "notes.txt").write_text("Husk kaffe\n", encoding="utf-8")
    shutil.copy(SEED, corpus / "direktionen" / "kopi-af-2018-11-05.txt")
    report = build_index(corpus, tmp_path / "index")
    assert report.failed == [
        ("direktionen/kopi-af-2018-11-05.txt",
         "repeats meeting 2018-11-05 already indexed from direktionen/2018-11-05.txt"),
        ("direktionen/notes.txt", "not minutes: no 'REFERAT <udvalg> d. DD-MM-YYYY' header"),
    ]
    assert report.items == 44


def test_changed_file_that_no_longer_parses_keeps_its_items(corpus, tmp_path) -> None:
    index = tmp_path / "index"
    build_index(corpus, index)
    (corpus / "direktionen" / "2014-08-26.txt").write_bytes(b"\x00\x01")
    report = build_index(corpus, index)
    assert (report.failed, report.items) == (
        [("direktionen/2014-08-26.txt", "binary file (contains NUL bytes), not a text document")], 44)


def test_changed_analysis_version_rebuilds(corpus, tmp_path) -> None:
    index = tmp_path / "index"
    build_index(corpus, index)
    write_pointer(index, next(index.glob("gen-*")).name)
    pointer = (index / "CURRENT").read_text()
    (index / "CURRENT").write_text(pointer.replace('"analysis_version": ', '"analysis_version": -'))
    report = build_index(corpus, index)
    assert (report.rebuilt, report.items, len(list(index.glob("gen-*")))) == (True, 44, 1)


@pytest.mark.parametrize("rebuild", [False, True], ids=["update", "rebuild"])
def test_index_killed_mid_run_leaves_the_previous_index_usable(corpus, tmp_path, rebuild) -> None:
    index = tmp_path / "index"
    build_index(corpus, index)
    for offset in range(120):
        day = date(2001, 1, 1) + timedelta(days=offset)
        (corpus / "direktionen" / f"{day.isoformat()}.txt").write_text(synthetic_meeting(day), encoding="utf-8")
    command = [sys.executable, "-m", "indexer", "index", "--corpus", str(corpus), "--index", str(index)]
    process = subprocess.Popen(command + (["--rebuild"] if rebuild else []), cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.5)
    assert process.poll() is None, "the indexer finished before it could be killed; the test needs more files"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()

    search = SearchIndex(index)
    assert search.search(Query()).total == 44
    assert {h.id for h in search.search(Query(text="KMD")).hits} == {
        "direktionen-2014-08-26-3", "direktionen-2015-12-07-5", "direktionen-2017-12-04-6"}

    report = build_index(corpus, index)  # the killed run's lock and leftovers do not get in the way
    assert (report.new, report.failed, report.items) == (120, [], 44 + 120 * 9)
    assert search.search(Query()).total == 44 + 120 * 9  # an open searcher sees the new index
    assert len(list(index.glob("gen-*"))) == 1
    search.close()
