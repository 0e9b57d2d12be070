"""What only the PostgreSQL engine has: a database address (never a password) recorded in the index
and overridable by MINUTES_DATABASE_URL, schema migrations, one writer a schema, and a database that
is down. (The search contract runs on it in the shared suites.)"""

from __future__ import annotations

import json
import re
import secrets
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import TEST_DATABASE, skip_unless_available

import indexer.search
from indexer.build import IndexBusy, build_index
from indexer.cli import main
from indexer.engines.postgresql import connect, migrate, public_address
from indexer.query import Query
from indexer.search import IndexMissing, SearchIndex
from webui import create_app

ROOT = Path(__file__).resolve().parent.parent
UNREACHABLE = "postgresql://postgres@127.0.0.1:1/minutes"  # nothing listens on port 1


def settings(index: Path) -> dict:
    pointer = json.loads((index / "CURRENT").read_text(encoding="utf-8"))
    return json.loads((index / pointer["generation"] / "postgresql.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(("address", "public"), [
    ("postgresql://minutes:s3cret@db.example.dk:5433/minutes", "postgresql://minutes@db.example.dk:5433/minutes"),
    ("postgresql://:s3cret@db.example.dk/minutes", "postgresql://db.example.dk/minutes"),
    ("postgresql://minutes@db.example.dk/minutes?sslmode=require", "postgresql://minutes@db.example.dk/minutes?sslmode=require"),
    ("postgresql://minutes@db.example.dk/minutes?password=s3cret&sslmode=require",
     "postgresql://minutes@db.example.dk/minutes?sslmode=require"),
    ("host=db.example.dk password=s3cret dbname=minutes", "host=db.example.dk dbname=minutes"),
])
def test_an_address_is_written_down_without_its_password(address, public) -> None:
    assert public_address(address) == public


@pytest.fixture()
def database() -> str:
    skip_unless_available("postgresql")
    return TEST_DATABASE


def with_password(address: str) -> str:
    """The test cluster trusts loopback, so any password is accepted (and must not be recorded)."""
    return re.sub(r"://([^@/]+)@", r"://\1:s3cret@", address, count=1)


def test_the_index_records_the_database_and_schema_but_no_password(database, tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("MINUTES_DATABASE_URL")
    index = tmp_path / "index"
    report = build_index(ROOT / "corpus", index, engine="postgresql", database=with_password(database))
    recorded = settings(index)
    assert (report.items, recorded["database"], "s3cret" in (index / "CURRENT").read_text() + json.dumps(recorded)) == (
        44, database, False)
    assert re.fullmatch(r"minutes_[0-9a-f]{12}", recorded["schema"])
    # serving and searching need no flag: the index names its database
    assert SearchIndex(index).search(Query(text="KMD")).total == 3
    # a rebuild stays in the same schema, in one transaction
    build_index(ROOT / "corpus", index, rebuild=True)
    assert settings(index) == recorded


def test_minutes_database_url_overrides_the_recorded_address(database, tmp_path, monkeypatch) -> None:
    index = tmp_path / "index"
    build_index(ROOT / "corpus", index, engine="postgresql")
    monkeypatch.setenv("MINUTES_DATABASE_URL", UNREACHABLE)  # as a server pointed at a replica that is down
    monkeypatch.setattr("indexer.engines.postgresql.CONNECTION_WAIT_SECONDS", 0.2)
    with pytest.raises(IndexMissing) as raised:
        SearchIndex(index).search(Query(text="KMD"))
    message = str(raised.value)
    assert re.fullmatch(rf"{re.escape(str(index))}: the index cannot be read: {re.escape(UNREACHABLE)}: "
                        r"connection to server at \"127.0.0.1\", port 1 failed: Connection refused", message)
    client = create_app(index).test_client()
    assert (client.get("/api/search?q=kmd").status_code, client.get("/healthz").status_code) == (503, 503)


def test_a_server_whose_database_is_down_answers_503_without_waiting_out_the_pool(database, tmp_path, monkeypatch) -> None:
    """The attack run's case: pages waited 10 s for their 503 (two reads of 5 s each). Now a read that
    has no connection after FIRST_WAIT_SECONDS asks the server itself, and a refusal is the answer:
    counted in the pool's waits, not timed."""
    from psycopg_pool import ConnectionPool

    from indexer.engines import postgresql

    index = tmp_path / "index"
    build_index(ROOT / "corpus", index, engine="postgresql")
    monkeypatch.setenv("MINUTES_DATABASE_URL", UNREACHABLE)
    monkeypatch.setattr(postgresql, "CONNECTION_WAIT_SECONDS", 3600)  # a read that waited it out would hang the test
    waits: list[float] = []
    getconn = ConnectionPool.getconn
    monkeypatch.setattr(ConnectionPool, "getconn", lambda pool, timeout=None: waits.append(timeout) or getconn(pool, timeout))
    client = create_app(index).test_client()
    page, health = client.get("/?q=kmd"), client.get("/healthz")
    assert (page.status_code, page.headers["Retry-After"]) == (503, "60")
    assert (health.status_code, health.headers["Retry-After"], health.get_json()) == (
        503, "60", {"status": "unavailable", "items": 0})
    assert waits and set(waits) == {postgresql.FIRST_WAIT_SECONDS}


def test_an_unreachable_database_is_one_line_and_nothing_is_written(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("MINUTES_DATABASE_URL", raising=False)
    index = tmp_path / "index"
    result = CliRunner().invoke(main, ["index", "--corpus", str(ROOT / "corpus"), "--index", str(index),
                                       "--engine", "postgresql", "--database", UNREACHABLE.replace("@", ":pw@")])
    assert result.exit_code == 1
    assert re.fullmatch(rf"minutes: {re.escape(str(index))}: cannot write the index: {re.escape(UNREACHABLE)}: "
                        r"cannot connect: [^\n]*Connection refused; the index is unchanged\n", result.output)
    assert sorted(path.name for path in index.iterdir()) == [".build.lock"]


def test_no_database_given_is_named(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("MINUTES_DATABASE_URL", raising=False)
    result = CliRunner().invoke(main, ["index", "--index", str(tmp_path / "index"), "--engine", "postgresql"])
    assert (result.exit_code, result.output) == (1, (
        f"minutes: {tmp_path / 'index'}: cannot write the index: no database given: --database postgresql://… "
        "or MINUTES_DATABASE_URL; the index is unchanged\n"))


def test_migrations_are_applied_once(database) -> None:
    connection = connect(database)
    schema = f"minutes_test_{secrets.token_hex(4)}"
    try:
        assert (migrate(connection, schema), migrate(connection, schema)) == (
            ["0001_items.sql", "0002_rank_terms.sql", "0003_words.sql", "0004_prepared.sql", "0005_municipality.sql"], [])
    finally:
        with connection.transaction():
            connection.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        connection.close()


def test_minutes_db_migrate(database, tmp_path) -> None:
    index = tmp_path / "index"
    build_index(ROOT / "corpus", index, engine="postgresql")
    result = CliRunner().invoke(main, ["db", "migrate", "--index", str(index)])
    assert (result.exit_code, result.output) == (0, f"{settings(index)['schema']}: up to date\n")
    build_index(ROOT / "corpus", tmp_path / "whoosh", engine="whoosh")
    result = CliRunner().invoke(main, ["db", "migrate", "--index", str(tmp_path / "whoosh")])
    assert (result.exit_code, result.output) == (1, (
        f"minutes: {tmp_path / 'whoosh'}: not an index of a database engine (postgresql); nothing to migrate\n"))


def test_an_index_of_the_first_format_is_migrated_and_rebuilt(database, tmp_path) -> None:
    index = tmp_path / "index"
    build_index(ROOT / "corpus", index, engine="postgresql")
    schema = settings(index)["schema"]
    connection = connect(database)  # as the first release left it: no rank_terms, engine format 1
    try:
        with connection.transaction():
            connection.execute(f"ALTER TABLE {schema}.items DROP COLUMN rank_terms")
            connection.execute(f"DELETE FROM {schema}.schema_migrations WHERE number = 2")
    finally:
        connection.close()
    pointer = json.loads((index / "CURRENT").read_text(encoding="utf-8"))
    (index / "CURRENT").write_text(json.dumps({**pointer, "engine_format": 1}), encoding="utf-8")

    result = CliRunner().invoke(main, ["db", "migrate", "--index", str(index)])
    assert (result.exit_code, result.output) == (0, f"{schema}: applied 0002_rank_terms.sql\n")
    report = build_index(ROOT / "corpus", index)
    assert (report.rebuilt, report.items, settings(index)["schema"]) == (True, 44, schema)
    # Ranked again (an unranked index lists by key: 2014-08-26-3, 2016-11-30-1, 2018-11-05-3): the two
    # items whose titles hold the word come before the one that has it only in its text.
    hits = [hit.id for hit in SearchIndex(index).search(Query(text="revisionsberetning")).hits]
    assert (set(hits[:2]), hits[2:]) == ({"hoeje-taastrup-direktionen-2014-08-26-3", "hoeje-taastrup-direktionen-2018-11-05-3"},
                                         ["hoeje-taastrup-direktionen-2016-11-30-1"])


def test_the_word_counts_follow_every_update(database, tmp_path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    index = tmp_path / "index"
    build_index(corpus, index, engine="postgresql")
    (corpus / "hoeje-taastrup" / "direktionen" / "2017-12-04.txt").unlink()  # removed
    changed = corpus / "hoeje-taastrup" / "direktionen" / "2016-11-30.txt"
    changed.write_text(changed.read_text(encoding="utf-8").replace("Budget", "Budgetgodkendelse"), encoding="utf-8")
    assert (build_index(corpus, index).changed, build_index(corpus, index).unchanged) == (1, 4)
    schema = settings(index)["schema"]
    connection = connect(database)
    try:
        counted = dict(connection.execute(f"SELECT word, items FROM {schema}.words").fetchall())
        recounted = dict(connection.execute(
            f"SELECT word, count(*) FROM {schema}.items, unnest(vocabulary) AS word GROUP BY word").fetchall())
    finally:
        connection.close()
    assert counted == recounted
    assert ("budgetgodkendelse" in counted, counted.get("budgetgodkendelse")) == (True, recounted["budgetgodkendelse"])


def test_a_reader_on_another_machine_loads_the_state_the_run_stored(database, tmp_path, monkeypatch) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    index = tmp_path / "index"
    build_index(corpus, index, engine="postgresql")
    copy = tmp_path / "web-server"  # a web server's copy of the index directory: no saved files
    shutil.copytree(index, copy)
    assert list(copy.glob("gen-*/prepared-*")) == []
    reader = SearchIndex(copy)
    computed = []
    monkeypatch.setattr(indexer.search, "prepare", lambda snapshot: computed.append(snapshot))
    assert reader.search(Query()).total == 44
    (corpus / "hoeje-taastrup" / "direktionen" / "2017-12-04.txt").unlink()  # an update: its 10 items go
    build_index(corpus, index)
    assert (reader.search(Query()).total, computed) == (34, [])


def test_one_writer_a_schema(database, tmp_path, monkeypatch) -> None:
    index = tmp_path / "index"
    build_index(ROOT / "corpus", index, engine="postgresql")
    schema = settings(index)["schema"]
    monkeypatch.setattr("indexer.engines.postgresql.WRITER_WAIT_SECONDS", 0.2)
    other_writer = connect(database)
    try:
        other_writer.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"minutes-write:{schema}",))
        with pytest.raises(IndexBusy) as raised:
            build_index(ROOT / "corpus", index, rebuild=True)
    finally:
        other_writer.close()
    assert str(raised.value) == f"{database}: another 'minutes index' is writing to schema {schema}"
    assert SearchIndex(index).search(Query()).total == 44


def test_the_table_has_a_column_for_every_declared_keyword_field_and_gains_a_new_one(database) -> None:
    from indexer.document import KEYWORDS

    connection = connect(database)
    schema = f"minutes_test_{secrets.token_hex(4)}"
    try:
        migrate(connection, schema)

        def columns() -> dict[str, str]:
            return dict(connection.execute(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = %s "
                "AND table_name = 'items'", (schema,)).fetchall())

        assert {name: columns()[name] for name in (field.name for field in KEYWORDS)} == {
            field.name: "ARRAY" if field.multiple else "text" for field in KEYWORDS}
        with connection.transaction():  # as a table from before a new facet's field was declared
            connection.execute(f"ALTER TABLE {schema}.items DROP COLUMN centres")
        assert (migrate(connection, schema), columns()["centres"]) == ([], "ARRAY")
    finally:
        with connection.transaction():
            connection.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        connection.close()
