"""The whoosh schema and the on-disk layout shared by `build` (writer) and `search` (reader).

Layout of an index directory:
    CURRENT          JSON pointer {"generation": "gen-...", "analysis_version": N}, replaced atomically
    gen-<stamp>/     a whoosh index; incremental runs commit into it (whoosh commits are atomic),
                     a full rebuild writes a new generation and then swaps CURRENT.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from .analysis import ANALYSIS_VERSION, danish_analyzer, vocabulary_analyzer
from .facets import FACETS

POINTER = "CURRENT"

# Query-time field boosts for BM25F: a word in the title says most about an item, then the decision.
BOOSTS = {"title": 4.0, "decision": 2.5, "attachments": 1.5, "text": 1.0}

# Facet fields (comma-separated keywords, one term per value), declared in facets.py.
FACET_FIELDS = {facet.name: facet.field for facet in FACETS}


def make_schema() -> Schema:
    def text() -> TEXT:
        return TEXT(analyzer=danish_analyzer(), stored=True, chars=True)

    def keywords() -> KEYWORD:
        return KEYWORD(stored=True, commas=True, scorable=False, lowercase=False)

    return Schema(
        id=ID(stored=True, unique=True),
        meeting_id=ID(stored=True),
        source=ID(stored=True),
        source_hash=ID(stored=True),
        committee=keywords(),
        date=ID(stored=True, sortable=True),
        year=keywords(),
        number=NUMERIC(stored=True, sortable=True),
        case=keywords(),
        closed=ID(stored=True),
        decision_types=keywords(),
        centres=keywords(),
        proposers=keywords(),
        title=text(),
        decision=text(),
        attachments=text(),
        text=text(),
        vocabulary=TEXT(analyzer=vocabulary_analyzer(), phrase=False),
        record=STORED(),  # the whole item and its meeting as JSON: serving never reads the corpus
    )


def read_pointer(index_dir: Path) -> dict | None:
    try:
        return json.loads((Path(index_dir) / POINTER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_pointer(index_dir: Path, generation: str) -> None:
    """Swap CURRENT atomically: readers see the old generation or the new one, never neither."""
    index_dir = Path(index_dir)
    temporary = index_dir / f".{POINTER}.{os.getpid()}"
    try:
        temporary.write_text(json.dumps({"generation": generation, "analysis_version": ANALYSIS_VERSION}),
                             encoding="utf-8")
        with open(temporary, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, index_dir / POINTER)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def current_generation(index_dir: Path) -> Path | None:
    pointer = read_pointer(index_dir)
    if not pointer or "generation" not in pointer:
        return None
    path = Path(index_dir) / pointer["generation"]
    return path if path.is_dir() else None
