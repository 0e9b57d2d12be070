"""Addresses and connections of the PostgreSQL engine: an address without its password, a connection
for a writer or a migration, one pool of readers a database, and the settings file (`postgresql.json`
in a generation directory: the database and the schema of the index).
"""

from __future__ import annotations

import atexit
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from .. import postgresql as package  # its FIRST_WAIT_SECONDS and CONNECTION_WAIT_SECONDS, read at call time

ADDRESS_VARIABLE = "MINUTES_DATABASE_URL"
SETTINGS = "postgresql.json"  # in the generation directory


class DatabaseUnavailable(OSError):
    """The database cannot be reached, or refused what was asked."""


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
        connection = pool.getconn(timeout=package.FIRST_WAIT_SECONDS)
    except PoolTimeout:
        connection = None
    if connection is None:
        remaining = max(0.1, package.CONNECTION_WAIT_SECONDS - package.FIRST_WAIT_SECONDS)
        reason = unreachable_reason(address, remaining=remaining)
        try:
            connection = pool.getconn(timeout=remaining) if reason is None else None
        except PoolTimeout:
            reason = f"no free connection within {package.CONNECTION_WAIT_SECONDS:g} s"
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


# -- the settings file ------------------------------------------------------------------------

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

