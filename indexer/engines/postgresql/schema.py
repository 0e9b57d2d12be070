"""The PostgreSQL engine's tables: the SQL migrations (`indexer/engines/migrations/*.sql`, applied by
`minutes index` and `minutes db migrate`) and a column for every keyword field the document
declaration adds.
"""

from __future__ import annotations

from pathlib import Path

import psycopg
from psycopg import sql

from ... import document
from .connection import DatabaseUnavailable, describe

MIGRATIONS = Path(__file__).parent.parent / "migrations"
# Keyword fields: a text column each, or a text[] for several values; a field the migrations do not
# create (a new facet's) is added by `add_declared_columns`.
SINGLE_VALUED = document.SINGLE_VALUED
MULTI_VALUED = document.MULTI_VALUED


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
