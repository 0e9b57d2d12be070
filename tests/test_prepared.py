"""`minutes index` prepares what searches need of each commit, so that no reader computes it."""

from __future__ import annotations

import shutil
from pathlib import Path

import indexer.search
from indexer.build import build_index
from indexer.query import Query
from indexer.search import SearchIndex

ROOT = Path(__file__).resolve().parent.parent


def test_a_reader_uses_the_state_the_build_prepared(tmp_path, monkeypatch) -> None:
    build_index(ROOT / "corpus", tmp_path / "index")
    prepared = list((tmp_path / "index").glob("gen-*/prepared-*.pickle"))
    assert len(prepared) == 1
    computed = []
    monkeypatch.setattr(indexer.search, "prepare", lambda snapshot: computed.append(snapshot))
    assert (SearchIndex(tmp_path / "index").search(Query()).total, computed) == (44, [])


def test_an_update_replaces_the_prepared_state(tmp_path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    build_index(corpus, tmp_path / "index")
    before = list((tmp_path / "index").glob("gen-*/prepared-*.pickle"))
    (corpus / "direktionen" / "2017-12-04.txt").unlink()  # its 10 items go
    build_index(corpus, tmp_path / "index")
    after = list((tmp_path / "index").glob("gen-*/prepared-*.pickle"))
    assert (len(after), after != before) == (1, True)
    assert SearchIndex(tmp_path / "index").search(Query()).total == 34


def test_a_damaged_prepared_state_is_prepared_anew(tmp_path, caplog) -> None:
    build_index(ROOT / "corpus", tmp_path / "index")
    [saved] = (tmp_path / "index").glob("gen-*/prepared-*.pickle")
    saved.write_bytes(b"not a pickle")
    assert SearchIndex(tmp_path / "index").search(Query(text="KMD")).total == 3
    assert [record.getMessage() for record in caplog.records] == [f"{saved}: unreadable, prepared anew"]


def test_a_reader_that_sees_a_commit_first_waits_for_the_builder_s_saved_state(tmp_path, monkeypatch) -> None:
    import fcntl
    import threading
    import time

    from indexer.engines import get_engine
    from indexer.prepared import save_prepared

    index = tmp_path / "index"
    build_index(ROOT / "corpus", index)
    [saved] = index.glob("gen-*/prepared-*.pickle")
    saved.unlink()  # as between the builder's commit and its save
    lock = open(index / ".build.lock", "a+")
    fcntl.flock(lock, fcntl.LOCK_EX)  # the builder is still running

    def builder_saves_then_stops() -> None:
        time.sleep(0.3)
        snapshot = get_engine("whoosh").open(saved.parent)
        save_prepared(saved.parent, snapshot)
        snapshot.close()
        lock.close()

    computed = []
    monkeypatch.setattr(indexer.search, "prepare", lambda snapshot: computed.append(snapshot))
    builder = threading.Thread(target=builder_saves_then_stops)
    started = time.monotonic()
    builder.start()
    total = SearchIndex(index).search(Query()).total
    waited = time.monotonic() - started
    builder.join()
    assert (total, computed, waited >= 0.3) == (44, [], True)
