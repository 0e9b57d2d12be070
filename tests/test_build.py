"""The index mirrors the corpus folder, atomically, and survives being killed."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from indexer.build import build_index
from indexer.query import Query
from indexer.search import SearchIndex

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "hoeje-taastrup" / "direktionen" / "2018-11-05.txt"


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
    path = corpus / "hoeje-taastrup" / "direktionen" / "2016-11-30.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("Udskudt.", "Ikke godkendt."), encoding="utf-8")
    report = build_index(corpus, index)
    assert counts(report) == (0, 1, 4, 0, [], 44)
    search = SearchIndex(index)
    assert [h.id for h in search.search(Query(filters={"decision": ["afvist"]})).hits] == ["hoeje-taastrup-direktionen-2016-11-30-6"]
    assert search.search(Query(text="KMD")).total == 3
    search.close()


def test_removed_file_removes_its_items(corpus, tmp_path) -> None:
    index = tmp_path / "index"
    build_index(corpus, index)
    (corpus / "hoeje-taastrup" / "direktionen" / "2015-12-07.txt").unlink()
    report = build_index(corpus, index)
    assert counts(report) == (0, 0, 4, 1, [], 36)
    search = SearchIndex(index)
    assert search.search(Query(text="14/32918")).total == 0
    search.close()


def test_bad_and_duplicate_files_are_named_and_the_rest_indexed(corpus, tmp_path) -> None:
    (corpus / "hoeje-taastrup" / "direktionen" / "notes.txt").write_text("Husk kaffe\n", encoding="utf-8")
    shutil.copy(SEED, corpus / "hoeje-taastrup" / "direktionen" / "kopi-af-2018-11-05.txt")
    report = build_index(corpus, tmp_path / "index")
    assert report.failed == [
        ("hoeje-taastrup/direktionen/kopi-af-2018-11-05.txt",
         "repeats meeting Direktionen 2018-11-05 already indexed from hoeje-taastrup/direktionen/2018-11-05.txt"),
        ("hoeje-taastrup/direktionen/notes.txt", "not minutes: no layout finds agenda items in it ('minutes layouts' lists the layouts)"),
    ]
    assert report.items == 44


def test_changed_file_that_no_longer_parses_keeps_its_items(corpus, tmp_path) -> None:
    index = tmp_path / "index"
    build_index(corpus, index)
    (corpus / "hoeje-taastrup" / "direktionen" / "2014-08-26.txt").write_bytes(b"\x00\x01")
    report = build_index(corpus, index)
    assert (report.failed, report.items) == (
        [("hoeje-taastrup/direktionen/2014-08-26.txt", "binary file (contains NUL bytes), not a text document")], 44)


def test_changed_analysis_version_rebuilds(corpus, tmp_path) -> None:
    index = tmp_path / "index"
    build_index(corpus, index)
    pointer = (index / "CURRENT").read_text()
    (index / "CURRENT").write_text(pointer.replace('"analysis_version": ', '"analysis_version": -'))
    report = build_index(corpus, index)
    assert (report.rebuilt, report.items, len(list(index.glob("gen-*")))) == (True, 44, 1)


# Kills at named moments of the write, a full disk and readers during rebuilds: tests/test_crash.py.

def cut_after_item(path: Path, number: int) -> str:
    """The minutes text up to (not including) item `number`: a file cut off in the middle."""
    text = path.read_text(encoding="utf-8")
    return text[:text.index(f"Punkt {number}:")]


def test_a_new_index_is_tantivy_and_an_index_from_before_engines_were_named_stays_whoosh(corpus, tmp_path) -> None:
    import json

    new = tmp_path / "new"
    build_index(corpus, new)
    assert json.loads((new / "CURRENT").read_text())["engine"] == "tantivy"
    # A whoosh index whose pointer names no engine (written before there were several).
    old = tmp_path / "old"
    build_index(corpus, old, engine="whoosh")
    pointer = json.loads((old / "CURRENT").read_text())
    del pointer["engine"]
    (old / "CURRENT").write_text(json.dumps(pointer))
    (corpus / "hoeje-taastrup" / "direktionen" / "2099-01-05.txt").write_text(synthetic_meeting(date(2099, 1, 5)),
                                                                             encoding="utf-8")
    report = build_index(corpus, old)
    assert (report.rebuilt, report.new, report.items) == (False, 1, 44 + 9)  # the seed has Punkt 1-9
    search = SearchIndex(old)
    hits = search.search(Query(text="revisionsberetning", page_size=100)).hits
    search.close()
    # 2014-08-26 #3, 2016-11-30 #1, 2018-11-05 #3 and the copy's #3
    assert sorted(hit.id for hit in hits) == [f"hoeje-taastrup-direktionen-{day}" for day in
                                              ("2014-08-26-3", "2016-11-30-1", "2018-11-05-3", "2099-01-05-3")]


def test_a_file_cut_off_is_indexed_with_a_warning_naming_it(corpus, tmp_path) -> None:
    # 2017-12-04's contents list names 10 items; cut before "Punkt 5:", the file holds items 1-4.
    path = corpus / "hoeje-taastrup" / "direktionen" / "2017-12-04.txt"
    path.write_text(cut_after_item(path, 5), encoding="utf-8")
    report = build_index(corpus, tmp_path / "index")
    assert (report.failed, report.warnings, report.items) == ([], [(
        "hoeje-taastrup/direktionen/2017-12-04.txt",
        "the contents list names 10 items but the file holds 4 (the last is item 4); it may be cut off")], 44 - 6)
    assert report.summary().endswith("; 1 warnings")


def test_files_over_the_size_limit_are_refused_by_name_and_the_rest_indexed(corpus, tmp_path) -> None:
    big = corpus / "hoeje-taastrup" / "direktionen" / "2001-01-01.txt"
    big.write_text(synthetic_meeting(date(2001, 1, 1)) + "x" * 2_000_000, encoding="utf-8")
    report = build_index(corpus, tmp_path / "index", max_file_mb=1.5)
    assert (report.failed, report.new, report.items) == (
        [("hoeje-taastrup/direktionen/2001-01-01.txt", "too large: 2.04 MB, the limit is 1.5 MB (--max-file-mb)")], 5, 44)


def test_a_changed_file_over_the_limit_keeps_its_items(corpus, tmp_path) -> None:
    index = tmp_path / "index"
    build_index(corpus, index)
    path = corpus / "hoeje-taastrup" / "direktionen" / "2018-11-05.txt"
    path.write_text(path.read_text(encoding="utf-8") + "x" * 2_000_000, encoding="utf-8")
    report = build_index(corpus, index, max_file_mb=2)
    assert (report.failed, report.items) == ([("hoeje-taastrup/direktionen/2018-11-05.txt",
                                               "too large: 2.04 MB, the limit is 2 MB (--max-file-mb)")], 44)


def test_links_loops_and_special_files_are_named_and_followed_links_indexed(corpus, tmp_path) -> None:
    folder = corpus / "hoeje-taastrup" / "direktionen"
    (folder / "loop.txt").symlink_to("loop.txt")
    (folder / "gone.txt").symlink_to("nowhere.txt")
    (folder / "up").symlink_to("..")  # a folder link back to the corpus: followed once, then named
    os.mkfifo(folder / "pipe.txt")  # reading it would block the run forever
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "2001-01-01.txt").write_text(synthetic_meeting(date(2001, 1, 1)), encoding="utf-8")
    (corpus / "more").symlink_to(elsewhere)  # a linked folder of minutes is indexed
    report = build_index(corpus, tmp_path / "index")
    assert report.failed == [
        ("hoeje-taastrup/direktionen/gone.txt", "broken symbolic link to nowhere.txt"),
        ("hoeje-taastrup/direktionen/loop.txt", "symbolic link loop"),
        ("hoeje-taastrup/direktionen/pipe.txt", "not a regular file"),
        ("hoeje-taastrup/direktionen/up/", "symbolic link loop (leads back to a folder above it)"),
    ]
    assert (report.new, report.items) == (6, 44 + 9)


def test_an_unreadable_file_is_named(corpus, tmp_path, monkeypatch) -> None:
    # Permission bits do not stop root, so the refusal is simulated where the file is read.
    unreadable = corpus / "hoeje-taastrup" / "direktionen" / "2015-12-07.txt"
    read_bytes = Path.read_bytes

    def refuse(path: Path) -> bytes:
        if path == unreadable:
            raise PermissionError(13, "Permission denied", str(path))
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    report = build_index(corpus, tmp_path / "index")
    assert (report.failed, report.items) == ([("hoeje-taastrup/direktionen/2015-12-07.txt", "cannot read: Permission denied")], 36)
