"""`minutes index` prepares what searches need of each commit, so that no reader computes it."""

from __future__ import annotations

import random
import shutil
from collections import Counter
from pathlib import Path

from benchmark_scripts import load_script
from pyroaring import BitMap, FrozenBitMap

import indexer.search
from indexer.build import build_index
from indexer.facets import FACETS_BY_NAME
from indexer.load import load_meeting
from indexer.prepared import MANY_VALUES, ValueBitmaps, ValueColumn, facet_values
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
    (corpus / "hoeje-taastrup" / "direktionen" / "2017-12-04.txt").unlink()  # its 10 items go
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
    from indexer.schema import index_engine

    index = tmp_path / "index"
    build_index(ROOT / "corpus", index)
    [saved] = index.glob("gen-*/prepared-*.pickle")
    saved.unlink()  # as between the builder's commit and its save
    lock = open(index / ".build.lock", "a+")
    fcntl.flock(lock, fcntl.LOCK_EX)  # the builder is still running

    def builder_saves_then_stops() -> None:
        time.sleep(0.3)
        snapshot = get_engine(index_engine(index)).open(saved.parent)
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


# -- facets of many values: one column instead of a bitmap per value ---------------------------------

def random_values(seed: int, ids: int, values: int) -> dict[int, str]:
    """Each id's value, if any: a skewed draw, so that counts tie and differ."""
    rng = random.Random(seed)
    names = [f"{rng.randrange(100):02d}/{number}" for number in range(values)]
    return {doc: names[min(int(rng.expovariate(0.02)), values - 1)] for doc in range(ids) if rng.random() < 0.9}


def as_bitmaps(value_of: dict[int, str]) -> dict[str, FrozenBitMap]:
    ids_of: dict[str, list[int]] = {}
    for doc, value in value_of.items():
        ids_of.setdefault(value, []).append(doc)
    return {value: FrozenBitMap(ids) for value, ids in ids_of.items()}


def test_a_column_counts_the_most_frequent_values_in_the_facet_s_order() -> None:
    case = FACETS_BY_NAME["case"]  # most frequent first, then by value; size 10
    value_of = random_values(seed=0, ids=5000, values=300)
    column = ValueColumn(as_bitmaps(value_of), case, 5000)
    rng = random.Random(1)
    for share in (0.0, 0.001, 0.01, 0.2, 1.0):
        scope = BitMap(doc for doc in range(5000) if rng.random() < share)
        counts = Counter(value_of[doc] for doc in scope if doc in value_of)
        expected = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))[:10]
        assert column.best(scope, case) == (expected, len(counts))


def test_a_column_and_bitmaps_answer_alike() -> None:
    case = FACETS_BY_NAME["case"]
    value_of = random_values(seed=2, ids=3000, values=200)
    column, bitmaps = ValueColumn(as_bitmaps(value_of), case, 3000), ValueBitmaps(as_bitmaps(value_of))
    rng = random.Random(3)
    scope = BitMap(doc for doc in range(3000) if rng.random() < 0.3)
    some = sorted(set(value_of.values()))[::37]
    assert column.best(scope, case) == bitmaps.best(scope, case)
    assert [column.ids(value) for value in some] == [bitmaps.ids(value) for value in some]
    assert (len(column), "99/99999" in column, column.ids("99/99999")) == (len(bitmaps), False, BitMap())


def test_only_a_facet_of_many_values_at_most_one_an_item_is_a_column() -> None:
    case = FACETS_BY_NAME["case"]
    many = as_bitmaps(random_values(seed=0, ids=2000, values=100))
    assert len(many) > MANY_VALUES
    few = dict(list(many.items())[:MANY_VALUES])
    two_on_one_item = {**many, "00/0": FrozenBitMap([next(iter(next(iter(many.values()))))])}
    assert [type(facet_values(case, ids_of, 2000)).__name__ for ids_of in (many, few, two_on_one_item)] == [
        "ValueColumn", "ValueBitmaps", "ValueBitmaps"]
    assert type(facet_values(FACETS_BY_NAME["year"], many, 2000)).__name__ == "ValueBitmaps"  # ordered by value


def test_the_case_facet_of_a_large_archive_counts_exactly_what_the_minutes_say(tmp_path, engine) -> None:
    generated = tmp_path / "generated"
    assert load_script("generate").generate(generated, 400, seed=5) == 400
    cases_by_year: dict[str, Counter] = {}
    for path in sorted(generated.glob("*.txt")):
        meeting = load_meeting(path)
        cases_by_year.setdefault(str(meeting.date.year), Counter()).update(
            item.case_number for item in meeting.items if item.case_number)
    year, cases = max(cases_by_year.items(), key=lambda pair: len(pair[1]))
    assert len(cases) > 10
    build_index(generated, tmp_path / "index", engine=engine)
    index = SearchIndex(tmp_path / "index")
    with index._reading() as (_snapshot, prepared):
        assert len(prepared.values["case"]) > MANY_VALUES  # counted by column

    ordered = sorted(cases.items(), key=lambda pair: (-pair[1], pair[0]))
    outside = ordered[-1]  # selected, it is shown after the ten most frequent
    results = index.search(Query(filters={"year": [year], "case": [outside[0]]}))
    assert (results.total, results.facets_truncated["case"]) == (outside[1], True)
    assert [(value.value, value.count, value.selected) for value in results.facets["case"]] == [
        *((value, count, False) for value, count in ordered[:10]), (outside[0], outside[1], True)]
