"""The alert store of a PostgreSQL site (`indexer.alerts.store`): its tables in the schema
`minutes_alerts` of the index's database, beside the index schemas that rebuilds replace, so that
every web server of the site shares them.

Where: $MINUTES_ALERTS_DATABASE_URL, else $MINUTES_DATABASE_URL, else the database the index's
settings name. Servers that read a replica set the first to the primary: subscribing writes.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

from ...alerts.store import ALREADY_SENDING, AlertStore, Database, StoreUnavailable
from ...schema import current_generation, index_engine
from .connection import DatabaseUnavailable, configured_address, connect, describe, public_address, read_settings

SCHEMA = "minutes_alerts"
ADDRESS_VARIABLE = "MINUTES_ALERTS_DATABASE_URL"
PLACEHOLDER = re.compile(r"\?")


class _Placeholders:
    """A psycopg connection that takes the store's `?` placeholders (psycopg's are %s)."""

    def __init__(self, connection: psycopg.Connection) -> None:
        self.connection = connection

    def execute(self, sql: str, parameters: tuple = ()) -> psycopg.Cursor:
        return self.connection.execute(PLACEHOLDER.sub("%s", sql), parameters)

    def executemany(self, sql: str, rows: Iterable[tuple]) -> None:
        rows = list(rows)
        if rows:
            with self.connection.cursor() as cursor:
                cursor.executemany(PLACEHOLDER.sub("%s", sql), rows)


def alerts_address(index_dir: Path) -> str:
    address = os.environ.get(ADDRESS_VARIABLE) or configured_address()
    if address:
        return address
    generation = current_generation(index_dir)
    if generation is None or index_engine(index_dir) != "postgresql":
        raise StoreUnavailable(f"{index_dir}: no PostgreSQL index, and ${ADDRESS_VARIABLE} is not set")
    try:
        return read_settings(generation)["database"]
    except (OSError, ValueError, KeyError) as error:
        raise StoreUnavailable(f"{generation}: cannot read the database's address: {error}") from None


def store_connection(address: str) -> psycopg.Connection:
    """A connection for the store: the engine's `connect`, its failure the store's."""
    try:
        return connect(address)
    except DatabaseUnavailable as error:
        raise StoreUnavailable(str(error)) from None


def postgresql_store(index_dir: Path, schema: str = SCHEMA) -> AlertStore:
    """The store in `schema` (tests give each store a schema of its own)."""
    assert re.fullmatch(r"[a-z_][a-z0-9_]*", schema), schema
    address = alerts_address(index_dir)
    where = f"{public_address(address)} ({schema})"
    made: list[bool] = []  # the schema, made once a process

    @contextmanager
    def transaction() -> Iterator[Database]:
        connection = store_connection(address)
        try:
            with connection.transaction():
                if not made:
                    connection.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
                    made.append(True)
                connection.execute(f"SET LOCAL search_path TO {schema}")
                yield _Placeholders(connection)
        except psycopg.Error as error:
            raise StoreUnavailable(f"{where}: {describe(error)}") from None
        finally:
            connection.close()

    @contextmanager
    def sending() -> Iterator[None]:
        """A session-level advisory lock, held on a connection of its own for the whole run."""
        connection = store_connection(address)
        connection.autocommit = True
        try:
            if not connection.execute("SELECT pg_try_advisory_lock(hashtext(%s))", (f"{schema} send",)).fetchone()[0]:
                raise StoreUnavailable(ALREADY_SENDING)
            yield
        finally:
            connection.close()  # ends the session, and with it the lock

    return AlertStore(transaction, where, sending)
