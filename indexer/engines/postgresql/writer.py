"""Writing a PostgreSQL index: every run of `minutes index` is one transaction, one writer a schema."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Iterable
from pathlib import Path

import psycopg
from psycopg import sql

from .. import postgresql as package  # its WRITER_WAIT_SECONDS and commit_run, read at call time
from ...engine import IndexBusy
from .connection import DatabaseUnavailable, connect, describe, public_address, read_settings, write_settings
from .rows import COLUMNS, row
from .schema import migrate
from .snapshot import PostgresSnapshot, WriterView


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
                package.commit_run(connection)
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
        connection.execute(f"SET LOCAL lock_timeout = '{package.WRITER_WAIT_SECONDS}s'")
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
