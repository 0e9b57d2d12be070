"""Search engines behind `indexer.engine`'s protocol, by name. Each is imported only when used."""

from __future__ import annotations

from importlib import import_module

from ..engine import Engine

DEFAULT_ENGINE = "tantivy"  # for a new index; whoosh is the pure-Python one (`--engine whoosh`)
ENGINES = {"whoosh": "indexer.engines.whoosh:WhooshEngine", "tantivy": "indexer.engines.tantivy:TantivyEngine",
           "postgresql": "indexer.engines.postgresql:PostgresEngine"}
SERVER_ENGINES = ("postgresql",)  # engines that take a database address (--database)


def get_engine(name: str = DEFAULT_ENGINE, database: str | None = None) -> Engine:
    """The engine called `name`; a server engine writes to `database` (else MINUTES_DATABASE_URL)."""
    if name not in ENGINES:
        raise ValueError(f"unknown engine '{name}'; known: {', '.join(ENGINES)}")
    module, _, attribute = ENGINES[name].partition(":")
    engine_class = getattr(import_module(module), attribute)
    return engine_class(database) if name in SERVER_ENGINES else engine_class()
