"""Reading a PostgreSQL index: a snapshot reads in one REPEATABLE READ transaction of a pooled
connection, and a writer's view reads what its run has written and not yet committed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg import sql
from pyroaring import BitMap

from ... import document
from ... import querytext as qt
from .connection import (DatabaseUnavailable, configured_address, describe, pooled_connection, public_address,
                         read_settings)
from .rows import RANK_WEIGHTS
from .schema import MULTI_VALUED
from .translate import Translation

KEYWORD_COLUMNS = document.COLUMNS  # what prepare() reads whole: the meeting date, the facets' fields


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
