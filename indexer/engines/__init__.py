"""Search engines behind `indexer.engine`'s protocol, by name. Each is imported only when used."""

from __future__ import annotations

from importlib import import_module

from ..engine import Engine

DEFAULT_ENGINE = "whoosh"
ENGINES = {"whoosh": "indexer.engines.whoosh:WhooshEngine", "tantivy": "indexer.engines.tantivy:TantivyEngine"}


def get_engine(name: str = DEFAULT_ENGINE) -> Engine:
    if name not in ENGINES:
        raise ValueError(f"unknown engine '{name}'; known: {', '.join(ENGINES)}")
    module, _, attribute = ENGINES[name].partition(":")
    return getattr(import_module(module), attribute)()
