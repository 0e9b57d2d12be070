"""PostgreSQL (psycopg 3) as an engine (`indexer.engine`): the only package that imports psycopg.

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

The package has a module a concern: `connection` (addresses, connections, pools, the settings file),
`schema` (migrations, declared columns), `rows` (documents as rows), `translate` (query trees as
SQL), `snapshot` (reading), `writer` (writing); the engine itself is here, and everything other code
imports from `indexer.engines.postgresql`.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path

import psycopg
from psycopg import sql

from ...schema import read_pointer
from .connection import (ADDRESS_VARIABLE, SETTINGS, DatabaseUnavailable, close_pools, configured_address, connect,
                         describe, discard_pool, pooled_connection, public_address, read_settings, reader_pool,
                         unreachable_reason, write_settings)
from .rows import (COLUMNS, FIELD_GAP, MAX_POSITION, RANK_TEXT_WORDS, RANK_WEIGHTS, TEXT_BY_BOOST, WEIGHTS, quoted,
                   row, split_keywords, term_vectors)
from .schema import MIGRATIONS, MULTI_VALUED, SINGLE_VALUED, add_declared_columns, migrate, migrations
from .snapshot import KEYWORD_COLUMNS, PostgresSnapshot, WriterView
from .translate import Translation
from .writer import PostgresWriter, commit_run

# The knobs live here only: the modules read them on this package at call time, so that setting one
# here (as the tests do, and tests/tools/stop_at.py with commit_run) takes effect.
WRITER_WAIT_SECONDS = 10
CONNECTION_WAIT_SECONDS = 5  # a search waits this long for the database before it answers 503
# A search that has no connection after this long asks the server directly: one that is down gives
# its 503 now, not after CONNECTION_WAIT_SECONDS (a page asks twice: that was 10 s).
FIRST_WAIT_SECONDS = 0.3


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
