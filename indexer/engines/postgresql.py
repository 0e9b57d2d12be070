"""PostgreSQL (psycopg 3) as an engine (`indexer.engine`): the only module that imports psycopg.

Each index lives in a schema of its own in the database (`minutes_<hex>`), made by the SQL
migrations in `migrations/` (applied by `minutes index` and `minutes db migrate`). An item is one
row: its keyword fields as columns, its record as JSON text, and one `tsvector` of the tokens our own
Danish analysis produces (stems, folded forms, compound parts, at their word's position; weight A
title, B decision, C attachments, D text) — never PostgreSQL's own parser or dictionaries, so that
it matches exactly what the other engines match.

A generation directory of the index holds `postgresql.json`: the database address (never a
password: that comes from the environment or ~/.pgpass) and the schema. `MINUTES_DATABASE_URL`
overrides the address, so that servers can read a replica of the database the builder writes.

Every run of `minutes index` is one transaction (an advisory lock keeps to one writer a schema),
so readers see the state before it or after it; a rebuild replaces every row in one transaction.
Every search reads in one REPEATABLE READ transaction, so that its page and its facets come from the
same state, whichever commit lands meanwhile.
"""

from __future__ import annotations

import atexit
import errno
import json
import os
import re
import secrets
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import psycopg
from psycopg import sql
from psycopg_pool import ConnectionPool, PoolTimeout
from pyroaring import BitMap

from .. import document
from .. import querytext as qt
from ..analysis import FULL_TEXT
from ..engine import IndexBusy
from ..schema import read_pointer

ADDRESS_VARIABLE = "MINUTES_DATABASE_URL"
SETTINGS = "postgresql.json"  # in the generation directory
MIGRATIONS = Path(__file__).with_name("migrations")
# The text fields (`indexer.document`) and their tsvector weight letters, heaviest boost first (a
# tsvector has four), and their ts_rank weights ({D, C, B, A}): our boosts scaled into 0..1.
TEXT_BY_BOOST = sorted(document.TEXT_FIELDS, key=lambda field: -document.TEXT_FIELDS[field])
assert len(TEXT_BY_BOOST) <= 4, "a tsvector weighs four fields at most"
WEIGHTS = dict(zip(TEXT_BY_BOOST, "ABCD"))
RANK_WEIGHTS = "{" + ", ".join(f"{document.TEXT_FIELDS[field] / max(document.TEXT_FIELDS.values()):g}"
                               for field in reversed(TEXT_BY_BOOST)) + "}"
WRITER_WAIT_SECONDS = 10
CONNECTION_WAIT_SECONDS = 5  # a search waits this long for the database before it answers 503
# A search that has no connection after this long asks the server directly: one that is down gives
# its 503 now, not after CONNECTION_WAIT_SECONDS (a page asks twice: that was 10 s).
FIRST_WAIT_SECONDS = 0.3
RANK_TEXT_WORDS = 60  # ranking reads the title, decision, attachments and this many words of the text
MAX_POSITION = 16383  # tsvector positions stop here (later ones are stored as 16383)
FIELD_GAP = 100  # positions between two fields, so that no phrase spans them
# Keyword fields: a text column each, or a text[] for several values; a field the migrations do not
# create (a new facet's) is added by `add_declared_columns`.
SINGLE_VALUED = document.SINGLE_VALUED
MULTI_VALUED = document.MULTI_VALUED
KEYWORD_COLUMNS = document.COLUMNS  # what prepare() reads whole: the meeting date, the facets' fields
COLUMNS = ("key", *SINGLE_VALUED, "number", *MULTI_VALUED, "terms", "rank_terms", "vocabulary", "record")


class DatabaseUnavailable(OSError):
    """The database cannot be reached, or refused what was asked."""


# -- addresses and connections --------------------------------------------------------------------

def public_address(address: str) -> str:
    """`address` without its password, fit to be written down."""
    if "://" in address:
        parts = urlsplit(address)
        if parts.password is not None:
            host = parts.hostname or ""
            netloc = f"{parts.username}@{host}" if parts.username else host
            if parts.port:
                netloc += f":{parts.port}"
            parts = parts._replace(netloc=netloc)
        query = [pair for pair in parse_qsl(parts.query, keep_blank_values=True) if pair[0] != "password"]
        return urlunsplit(parts._replace(query=urlencode(query)))
    return " ".join(pair for pair in address.split() if not pair.startswith("password="))


def configured_address(address: str | None = None) -> str | None:
    return address or os.environ.get(ADDRESS_VARIABLE) or None


def describe(error: psycopg.Error) -> str:
    text = (str(error).strip().splitlines() or [type(error).__name__])[0]
    return text.removeprefix("connection failed: ").rstrip(".")


def unreachable_reason(address: str, remaining: float = 2.0) -> str | None:
    """Why no connection to `address` is to be had (the pool only says that it waited in vain), or
    None when the server answers (the pool is busy, or still connecting)."""
    try:
        psycopg.connect(address, connect_timeout=max(1, round(remaining))).close()
    except psycopg.Error as error:
        return describe(error)
    return None


def connect(address: str) -> psycopg.Connection:
    try:
        return psycopg.connect(address, connect_timeout=10)
    except psycopg.Error as error:
        raise DatabaseUnavailable(f"{public_address(address)}: cannot connect: {describe(error)}") from None


_pools: dict[str, ConnectionPool] = {}
_pools_lock = threading.Lock()


def reader_pool(address: str) -> ConnectionPool:
    """One pool a database a process: every snapshot of every thread reads through it."""
    with _pools_lock:
        pool = _pools.get(address)
        if pool is None:
            pool = _pools[address] = ConnectionPool(address, min_size=1, max_size=16, open=True,
                                                    kwargs={"connect_timeout": 10}, configure=_reader_session,
                                                    name="minutes-readers")
        return pool


@contextmanager
def pooled_connection(address: str) -> Iterator[psycopg.Connection]:
    """A connection of the address's pool, given back afterwards. Raises DatabaseUnavailable, with
    the reason, when the server cannot be reached (at once) or no connection is free in time."""
    pool = reader_pool(address)  # anew each time: a pool that failed is discarded
    try:
        connection = pool.getconn(timeout=FIRST_WAIT_SECONDS)
    except PoolTimeout:
        connection = None
    if connection is None:
        remaining = max(0.1, CONNECTION_WAIT_SECONDS - FIRST_WAIT_SECONDS)
        reason = unreachable_reason(address, remaining=remaining)
        try:
            connection = pool.getconn(timeout=remaining) if reason is None else None
        except PoolTimeout:
            reason = f"no free connection within {CONNECTION_WAIT_SECONDS:g} s"
        if connection is None:
            discard_pool(address)  # no retrying in the background: the next request tries anew
            raise DatabaseUnavailable(f"{public_address(address)}: {reason}")
    try:
        yield connection
    finally:
        pool.putconn(connection)


def discard_pool(address: str) -> None:
    with _pools_lock:
        pool = _pools.pop(address, None)
    if pool is not None:
        pool.close(timeout=0)


def _reader_session(connection: psycopg.Connection) -> None:
    connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
    connection.read_only = True


@atexit.register
def close_pools() -> None:
    with _pools_lock:
        for pool in _pools.values():
            pool.close()
        _pools.clear()


# -- migrations ---------------------------------------------------------------------------------------

def migrations() -> list[tuple[int, str, str]]:
    """(number, name, SQL) of every migration, in order."""
    found = []
    for path in sorted(MIGRATIONS.glob("*.sql")):
        number = int(path.name.split("_", 1)[0])
        found.append((number, path.name, path.read_text(encoding="utf-8")))
    return found


def migrate(connection: psycopg.Connection, schema: str) -> list[str]:
    """Apply the migrations `schema` lacks, each in its own transaction; the names applied."""
    applied_now = []
    lock = f"minutes-migrate:{schema}"  # one migrating process at a time: IF NOT EXISTS is not enough
    with connection.transaction():
        connection.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (lock,))
        connection.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
        connection.execute(sql.SQL("CREATE TABLE IF NOT EXISTS {}.schema_migrations (number integer PRIMARY KEY, "
                                   "name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())")
                           .format(sql.Identifier(schema)))
    for number, name, text in migrations():
        with connection.transaction():
            connection.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (lock,))
            connection.execute(sql.SQL("SET LOCAL search_path TO {}").format(sql.Identifier(schema)))
            if connection.execute("SELECT 1 FROM schema_migrations WHERE number = %s", (number,)).fetchone():
                continue
            try:
                connection.execute(text)
            except psycopg.errors.ProgrammingError as error:  # the schema is not what the migration expects
                raise DatabaseUnavailable(f"schema {schema}: migration {name} failed: {describe(error)}") from None
            connection.execute("INSERT INTO schema_migrations (number, name) VALUES (%s, %s)", (number, name))
            applied_now.append(name)
    with connection.transaction():
        connection.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (lock,))
        add_declared_columns(connection, schema)
    return applied_now


def add_declared_columns(connection: psycopg.Connection, schema: str) -> list[str]:
    """A column for each keyword field of the document declaration the table lacks (a new facet's:
    empty until the rebuild that its new document format brings fills it); the names added."""
    existing = {name for (name,) in connection.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = %s AND table_name = 'items'",
        (schema,)).fetchall()}
    added = []
    for name in (*SINGLE_VALUED, *MULTI_VALUED):
        if name not in existing:
            declaration = "text[] NOT NULL DEFAULT '{{}}'" if name in MULTI_VALUED else "text NOT NULL DEFAULT ''"
            connection.execute(sql.SQL("ALTER TABLE {}.items ADD COLUMN {} " + declaration)
                               .format(sql.Identifier(schema), sql.Identifier(name)))
            added.append(name)
    return added


# -- documents ------------------------------------------------------------------------------------

def quoted(lexeme: str) -> str:
    """A lexeme as tsvector and tsquery text read it: quoted, quotes doubled, backslashes escaped."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def term_vectors(fields: dict) -> tuple[str, str]:
    """The tsvector texts of a document's text fields: every token of our analysis at its position,
    each field's after the previous field's (with a gap), weighted by field; and the short one that
    ranking reads, without the text beyond its first RANK_TEXT_WORDS words."""
    positions: dict[str, list[str]] = {}
    ranked: dict[str, list[str]] = {}
    offset = 1
    for field, weight in WEIGHTS.items():
        last = offset
        for term, word, _start, _end in FULL_TEXT.index_tokens(fields[field]):
            position = min(offset + word, MAX_POSITION)
            place = f"{position}{weight}"
            positions.setdefault(term, []).append(place)
            if field != "text" or word < RANK_TEXT_WORDS:
                ranked.setdefault(term, []).append(place)
            last = max(last, position)
        offset = last + FIELD_GAP
    return tuple(" ".join(f"{quoted(term)}:{','.join(places)}" for term, places in vector.items())
                 for vector in (positions, ranked))


def split_keywords(value: str) -> list[str]:
    return [part for part in (piece.strip() for piece in value.split(",")) if part]


def row(fields: dict, key: int) -> tuple:
    return (key, *(fields.get(field, "") for field in SINGLE_VALUED), int(fields["number"]),
            *(split_keywords(fields.get(field, "")) for field in MULTI_VALUED),
            *term_vectors(fields), fields["vocabulary"].split(), fields["record"])


# -- queries --------------------------------------------------------------------------------------

class Translation:
    """A query tree as an SQL condition on `items`, and the tsquery its positive leaves make (for
    ranking)."""

    def __init__(self, tree: qt.Node) -> None:
        self.ranked: list[str] = []
        self.ranked_parts: list[str] = []  # ranked apart, weighted by PART_BOOST
        self.condition = self._translate(tree, positive=True)

    @property
    def rank_query(self) -> str:
        return self._any(self.ranked)

    @property
    def part_rank_query(self) -> str:
        return self._any(self.ranked_parts)

    @staticmethod
    def _any(queries: list[str]) -> str:
        return " | ".join(f"({query})" for query in queries)

    def _translate(self, node: qt.Node, positive: bool) -> sql.Composable:
        if isinstance(node, qt.Every):
            return sql.SQL("TRUE")
        if isinstance(node, qt.Nothing):
            return sql.SQL("FALSE")
        if isinstance(node, (qt.Term, qt.Phrase, qt.Prefix)):
            query = self._tsquery(node)
            part_query = self._part_tsquery(node)
            if positive:
                self.ranked.append(query)
                if part_query:
                    self.ranked_parts.append(part_query)
            if part_query:
                query = f"({query}) | ({part_query})"
            return sql.SQL("terms @@ {}::tsquery").format(sql.Literal(query))
        if isinstance(node, qt.Exact):
            column = sql.Identifier(node.field)
            if node.field in MULTI_VALUED:
                return sql.SQL("{} = ANY({})").format(sql.Literal(node.value), column)
            return sql.SQL("{} = {}").format(column, sql.Literal(node.value))
        if isinstance(node, qt.And):
            return self._join("AND", [self._translate(child, positive) for child in node.children])
        if isinstance(node, qt.Or):
            return self._join("OR", [self._translate(child, positive) for child in node.children])
        if isinstance(node, qt.AndNot):
            return sql.SQL("({} AND NOT {})").format(self._translate(node.positive, positive),
                                                     self._translate(node.negative, not positive))
        if isinstance(node, qt.AndMaybe):
            required = self._translate(node.required, positive)
            self._translate(node.optional, positive)  # ranks, does not filter
            return required
        if isinstance(node, qt.Not):
            return sql.SQL("NOT {}").format(self._translate(node.child, not positive))
        raise TypeError(f"no PostgreSQL translation for {type(node).__name__}")

    @staticmethod
    def _join(operator: str, parts: list[sql.Composable]) -> sql.Composable:
        return sql.SQL("(") + sql.SQL(f" {operator} ").join(parts) + sql.SQL(")")

    @staticmethod
    def _tsquery(node: qt.Term | qt.Phrase | qt.Prefix) -> str:
        # A weight in a tsquery makes PostgreSQL read every candidate's vector to check it: only
        # leaves of one field carry one.
        weights = [WEIGHTS[node.field]] if node.field is not None else list(WEIGHTS.values())
        if isinstance(node, qt.Prefix):
            return f"{quoted(node.prefix)}:*" + (weights[0] if node.field is not None else "")
        if isinstance(node, qt.Phrase):
            # Fields are FIELD_GAP positions apart: an unrestricted phrase cannot span two of them.
            if node.field is None:
                return " <-> ".join(quoted(term) for term in node.terms)
            return " <-> ".join(f"{quoted(term)}:{weights[0]}" for term in node.terms)
        if node.field is None and len(node.terms) == 1:
            return quoted(node.terms[0])
        # A word of several terms needs them all in one field.
        return " | ".join("(" + " & ".join(f"{quoted(term)}:{weight}" for term in node.terms) + ")"
                          for weight in weights)

    @staticmethod
    def _part_tsquery(node: qt.Term | qt.Phrase | qt.Prefix) -> str | None:
        """The word as a compound part (PART_MARK terms), or None where it is not asked for so."""
        weight = WEIGHTS[node.field] if node.field is not None else ""
        if isinstance(node, qt.Prefix):
            return f"{quoted(node.part_prefix)}:*{weight}"
        if isinstance(node, qt.Term) and node.part_term is not None:
            return f"{quoted(node.part_term)}" + (f":{weight}" if weight else "")
        return None


# -- reading --------------------------------------------------------------------------------------

def read_settings(generation: Path) -> dict:
    return json.loads((generation / SETTINGS).read_text(encoding="utf-8"))


def write_settings(generation: Path, address: str, schema: str) -> None:
    """Record where the index is: the address without its password, and the schema."""
    settings = {"database": public_address(address), "schema": schema}
    path = generation / SETTINGS
    if not path.exists() or read_settings(generation) != settings:
        temporary = path.with_name(f".{SETTINGS}.{os.getpid()}")
        temporary.write_text(json.dumps(settings), encoding="utf-8")
        os.replace(temporary, path)


class PostgresSnapshot:
    def __init__(self, generation: Path) -> None:
        settings = read_settings(generation)
        self.schema: str = settings["schema"]
        self.address = configured_address() or settings["database"]
        self.version = f"{self.schema}.?"  # set by reading(): the state its transaction sees
        self._cursor: psycopg.Cursor | None = None
        self._columns: tuple[str, dict[str, list]] | None = None

    def up_to_date(self) -> bool:
        return True  # each reading() sees the latest committed state

    def refresh(self) -> PostgresSnapshot:
        return self

    def close(self) -> None:
        self._columns = None

    @contextmanager
    def reading(self) -> Iterator[None]:
        if self._cursor is not None:  # already inside one (a search that asks for a record, say)
            yield
            return
        try:
            with pooled_connection(self.address) as connection, connection.transaction():
                cursor = connection.cursor()
                cursor.execute(sql.SQL("SET LOCAL search_path TO {}").format(sql.Identifier(self.schema)))
                # The planner does not count the cost of reading each row's term vector out of line,
                # and scans the table for a prefix (540 ms instead of 18 at 100k items).
                cursor.execute("SET LOCAL enable_seqscan = off")
                cursor.execute("SELECT version FROM state")
                self.version = f"{self.schema}.{cursor.fetchone()[0]}"
                self._cursor = cursor
                try:
                    yield
                finally:
                    self._cursor = None
        except psycopg.OperationalError as error:
            raise DatabaseUnavailable(f"{public_address(self.address)}: {describe(error)}") from None
        except psycopg.errors.UndefinedTable:
            raise FileNotFoundError(f"{public_address(self.address)}: no index in schema {self.schema}") from None

    def _query(self, query: sql.Composable | str, parameters: tuple = ()) -> list[tuple]:
        if self._cursor is None:
            raise RuntimeError("a PostgreSQL snapshot is read inside snapshot.reading()")
        # Binary results: arrays of keys and of keyword values arrive without text parsing.
        self._cursor.execute(query, parameters, binary=True)
        return self._cursor.fetchall()

    def _keywords(self) -> dict[str, list]:
        """Every item's key, number and keyword columns, read in one pass over the table (a GROUP BY a
        column took a pass each: 1.2 s for the facets at 100k items, against 0.2 s), once a state."""
        if self._columns is None or self._columns[0] != self.version:
            names = ("key", "number", *KEYWORD_COLUMNS)
            rows = self._query(sql.SQL("SELECT {} FROM items").format(sql.SQL(", ").join(map(sql.Identifier, names))))
            columns = {name: [row[place] for row in rows] for place, name in enumerate(names)}
            columns["number_of"] = dict(zip(columns["key"], columns["number"]))
            self._columns = (self.version, columns)
        return self._columns[1]

    def live(self) -> BitMap:
        return BitMap(self._keywords()["key"])

    def keyword_values(self, field: str) -> dict[str, BitMap]:
        columns = self._keywords()
        by_value: dict[str, list[int]] = {}
        values = columns[field] if field in columns else self._column(field)
        for key, value in zip(columns["key"], values):
            for one in (value if field in MULTI_VALUED else (value,) if value else ()):
                by_value.setdefault(one, []).append(key)
        return {value: BitMap(keys) for value, keys in by_value.items()}

    def _column(self, field: str) -> list:
        """A keyword column the facets do not use, in the order of _keywords()'s keys."""
        rows = dict(self._query(sql.SQL("SELECT key, {} FROM items").format(sql.Identifier(field))))
        return [rows[key] for key in self._keywords()["key"]]

    def numbers(self, ids: Iterable[int]) -> list[int]:
        number_of = self._keywords()["number_of"]
        return [number_of[key] for key in ids]

    def match(self, tree: qt.Node) -> BitMap:
        condition = Translation(tree).condition
        return BitMap(self._query(sql.SQL("SELECT coalesce(array_agg(key), '{{}}') FROM items WHERE {}")
                                  .format(condition))[0][0])

    def rank(self, tree: qt.Node, allowed: BitMap | None, limit: int) -> tuple[BitMap, list[int]]:
        translation = Translation(tree)
        score = sql.SQL("0")  # nothing to rank by (a case number): as the items were indexed
        if translation.ranked:
            score = sql.SQL("ts_rank({}, rank_terms, {}::tsquery)").format(sql.Literal(RANK_WEIGHTS),
                                                                           sql.Literal(translation.rank_query))
        if translation.ranked_parts:
            score = sql.SQL("{} + {} * ts_rank({}, rank_terms, {}::tsquery)").format(
                score, sql.Literal(qt.PART_BOOST), sql.Literal(RANK_WEIGHTS), sql.Literal(translation.part_rank_query))
        # One pass over the matches (a phrase or a weighted term reads every candidate's whole vector)
        # gives them all and the best `depth` of them.
        query = sql.SQL("WITH matched AS MATERIALIZED (SELECT key, {} AS score FROM items WHERE {}) "
                        "SELECT (SELECT coalesce(array_agg(key), '{{}}') FROM matched), "
                        "(SELECT coalesce(array_agg(key ORDER BY score DESC, key), '{{}}') "
                        " FROM (SELECT key, score FROM matched ORDER BY score DESC, key LIMIT %s) AS best)"
                        ).format(score, translation.condition)
        depth = limit if allowed is None else limit * 4 + 10  # more when the filters allow a share
        while True:
            [(keys, best)] = self._query(query, (depth,))
            matched = BitMap(keys)
            wanted = min(limit, len(matched) if allowed is None else matched.intersection_cardinality(allowed))
            top = [key for key in best if allowed is None or key in allowed][:limit]
            if len(top) >= wanted or depth >= len(matched):
                return matched, top
            share = wanted / len(matched)
            depth = min(len(matched), max(depth * 4, int(limit / share * 1.5) + 10))

    def record(self, doc: int) -> dict:
        [(text,)] = self._query("SELECT record FROM items WHERE key = %s", (doc,))
        return json.loads(text)

    def vocabulary(self) -> dict[str, int]:
        return dict(self._query("SELECT word, items FROM words"))

    def stored_prepared(self) -> bytes | None:
        number = int(self.version.rpartition(".")[2])
        rows = self._query("SELECT data FROM prepared WHERE version = %s", (number,))
        return bytes(rows[0][0]) if rows else None


class WriterView(PostgresSnapshot):
    """The state a run has written and not yet committed, read on the run's own connection: what it
    prepares for readers, stored in the same transaction."""

    def __init__(self, connection: psycopg.Connection, schema: str) -> None:  # no pool: the run's connection
        self.schema = schema
        self.connection = connection
        self.version = f"{schema}.?"
        self._cursor = None
        self._columns = None

    @contextmanager
    def reading(self) -> Iterator[None]:
        if self._cursor is not None:
            yield
            return
        self._cursor = self.connection.cursor()
        try:
            self.version = f"{self.schema}.{self._query('SELECT version FROM state')[0][0]}"
            yield
        finally:
            self._cursor = None


# -- writing ----------------------------------------------------------------------------------------

def commit_run(connection: psycopg.Connection) -> None:
    """The commit point of a run (tests/tools/stop_at.py stops around it)."""
    connection.commit()


class PostgresWriter:
    def __init__(self, generation: Path, address: str, fresh: bool) -> None:
        self.generation = generation
        self.schema = read_settings(generation)["schema"]
        self.address = address
        self.fresh = fresh  # a rebuild: the run replaces every row
        self.connection = connect(address)
        try:
            migrate(self.connection, self.schema)
            self.connection.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(self.schema)))
            self.connection.commit()
        except BaseException:
            self.connection.close()
            raise

    def indexed_sources(self) -> dict[str, tuple[str, str]]:
        if self.fresh:
            return {}
        rows = self.connection.execute("SELECT DISTINCT source, source_hash, meeting_id FROM items").fetchall()
        self.connection.rollback()  # read only: end the transaction the query began
        return {source: (digest, meeting_id) for source, digest, meeting_id in rows}

    def commit(self, documents: Iterable[tuple[str, list[dict]]], deletions: list[str], optimize: bool,
               prepare_state: Callable[[PostgresSnapshot], bytes] | None = None) -> None:
        connection = self.connection  # not in autocommit: the run is one transaction, until commit_run
        try:
            try:
                self._write(documents, deletions)
                if prepare_state is not None:
                    view = WriterView(connection, self.schema)
                    with view.reading():
                        data = prepare_state(view)
                        version = int(view.version.rpartition(".")[2])
                    connection.execute("DELETE FROM prepared")
                    connection.execute("INSERT INTO prepared (version, data) VALUES (%s, %s)", (version, data))
                commit_run(connection)
                write_settings(self.generation, self.address, self.schema)  # where the index is now
                self._tidy()
            except BaseException:
                connection.rollback()
                raise
        except psycopg.errors.DiskFull as error:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)) from error
        except psycopg.OperationalError as error:
            raise DatabaseUnavailable(f"{public_address(self.address)}: {describe(error)}") from None

    def _tidy(self) -> None:
        """Statistics for the planner, and, after a rebuild, the visibility map and hint bits set at
        once (else the first searches set them, slowly). Outside the run's transaction."""
        self.connection.autocommit = True
        try:
            self.connection.execute("VACUUM (ANALYZE) items" if self.fresh else "ANALYZE items")
        finally:
            self.connection.autocommit = False

    def _write(self, documents: Iterable[tuple[str, list[dict]]], deletions: list[str]) -> None:
        connection = self.connection
        # One writer a schema. A killed writer's session ends a moment after its process: wait that long.
        connection.execute(f"SET LOCAL lock_timeout = '{WRITER_WAIT_SECONDS}s'")
        try:
            connection.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"minutes-write:{self.schema}",))
        except psycopg.errors.LockNotAvailable:
            raise IndexBusy(f"{public_address(self.address)}: another 'minutes index' is writing to schema "
                            f"{self.schema}") from None
        if self.fresh:
            connection.execute("DELETE FROM items")
            key = 1
        else:
            key = connection.execute("SELECT coalesce(max(key), 0) + 1 FROM items").fetchone()[0]
        if deletions:
            self._count_words(deletions, -1)
            connection.execute("DELETE FROM items WHERE source = ANY(%s)", (deletions,))
        columns = sql.SQL(", ").join(sql.Identifier(column) for column in COLUMNS)
        copy_rows = sql.SQL("COPY items ({}) FROM STDIN").format(columns)
        with connection.cursor() as cursor:
            for source, docs in documents:
                if not self.fresh:
                    self._count_words([source], -1)
                cursor.execute("DELETE FROM items WHERE source = %s", (source,))
                with cursor.copy(copy_rows) as copy:
                    for fields in docs:
                        copy.write_row(row(fields, key))
                        key += 1
                if not self.fresh:
                    self._count_words([source], +1)
            if self.fresh:  # every word counted once, in one pass
                cursor.execute("DELETE FROM words")
                cursor.execute("INSERT INTO words SELECT word, count(*) FROM items, unnest(vocabulary) AS word "
                               "GROUP BY word")
            cursor.execute("DELETE FROM words WHERE items <= 0")
            cursor.execute("UPDATE state SET version = version + 1")

    def _count_words(self, sources: list[str], sign: int) -> None:
        """Add (+1) or take away (-1) the words of the items of `sources` in the word counts."""
        self.connection.execute(
            "INSERT INTO words SELECT word, %s * count(*) FROM items, unnest(vocabulary) AS word "
            "WHERE source = ANY(%s) GROUP BY word "
            "ON CONFLICT (word) DO UPDATE SET items = words.items + excluded.items", (sign, sources))

    def count(self) -> int:
        count = self.connection.execute("SELECT count(*) FROM items").fetchone()[0]
        self.connection.rollback()
        return count

    def close(self) -> None:
        self.connection.close()


class PostgresEngine:
    name = "postgresql"
    format = 3  # 2: rank_terms (migration 0002) filled by a rebuild; 3: municipality (0005)

    def __init__(self, database: str | None = None) -> None:
        self.database = database

    def create(self, generation: Path) -> PostgresWriter:
        """A rebuild: in the schema the index already has in this database, or a new one."""
        current = self._current_settings(generation.parent)
        address = configured_address(self.database) or current.get("database")
        if address is None:
            raise DatabaseUnavailable(f"no database given: --database postgresql://… or {ADDRESS_VARIABLE}")
        same_database = current.get("database") == public_address(address)
        schema = current["schema"] if same_database else f"minutes_{secrets.token_hex(6)}"
        write_settings(generation, address, schema)
        return PostgresWriter(generation, address, fresh=True)

    def writer(self, generation: Path) -> PostgresWriter:
        address = configured_address(self.database) or read_settings(generation)["database"]
        return PostgresWriter(generation, address, fresh=False)

    def open(self, generation: Path) -> PostgresSnapshot:
        return PostgresSnapshot(generation)

    def migrate(self, generation: Path) -> tuple[str, list[str]]:
        """The index's schema, and the migrations it lacked and now has."""
        settings = read_settings(generation)
        connection = connect(configured_address(self.database) or settings["database"])
        try:
            return settings["schema"], migrate(connection, settings["schema"])
        except psycopg.OperationalError as error:
            raise DatabaseUnavailable(f"{public_address(connection.info.dsn)}: {describe(error)}") from None
        finally:
            connection.close()

    def size_bytes(self, generation: Path) -> int:
        """What the index takes in the database: its tables with their indexes and out-of-line values."""
        settings = read_settings(generation)
        with connect(configured_address(self.database) or settings["database"]) as connection:
            return connection.execute(
                "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind = 'r'",
                (settings["schema"],)).fetchone()[0]

    def drop(self, generation: Path) -> None:
        """Delete the index's schema and everything in it (the benchmarks' throw-away indexes)."""
        settings = read_settings(generation)
        with connect(configured_address(self.database) or settings["database"]) as connection:
            connection.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(settings["schema"])))

    def remove_uncommitted_files(self, generation: Path) -> None:
        """Nothing: a run that did not commit left nothing in the database (its transaction ended)."""

    @staticmethod
    def _current_settings(index_dir: Path) -> dict:
        """The database and schema of the index in `index_dir`, if it is a PostgreSQL index."""
        pointer = read_pointer(index_dir) or {}
        if pointer.get("engine") != PostgresEngine.name:
            return {}
        try:
            settings = read_settings(index_dir / pointer["generation"])
        except (OSError, ValueError, KeyError):
            return {}
        return settings if re.fullmatch(r"minutes_[0-9a-f]+", settings.get("schema", "")) else {}
