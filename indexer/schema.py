"""The on-disk layout of an index directory, shared by `build` (writer) and `search` (reader).

Layout of an index directory:
    CURRENT          JSON pointer {"generation": "gen-...", "analysis_version": N, "engine": "tantivy",
                     "engine_format": N, "document_format": N}, replaced atomically; another analysis
                     version, engine, engine format or document declaration (`indexer.document`) than
                     the builder's makes `minutes index` rebuild
    gen-<stamp>/     an index of that engine; incremental runs commit into it (commits are atomic),
                     a full rebuild writes a new generation and then swaps CURRENT.
    originals/       <sha256>.pdf / <sha256>.txt: a copy of every indexed source file, by content
                     (`indexer.originals.Originals`), served as the original document
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from .analysis import ANALYSIS_VERSION
from .document import DOCUMENT_FORMAT
from .facets import FACETS

DEFAULT_INDEX = "var/index"  # where `minutes index`, `serve` and `search` keep and find the index
POINTER = "CURRENT"
BUILD_LOCK = ".build.lock"  # held by `minutes index` for its whole run (indexer/build.py)
ORIGINALS = "originals"
ORIGINAL_NAME = re.compile(r"[0-9a-f]{64}\.(?:pdf|txt)")  # what may be asked for from that folder

# Facet fields (comma-separated keywords, one term per value), declared in facets.py.
FACET_FIELDS = {facet.name: facet.field for facet in FACETS}


def read_pointer(index_dir: Path) -> dict | None:
    try:
        return json.loads((Path(index_dir) / POINTER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_pointer(index_dir: Path, generation: str, engine: str, engine_format: int) -> None:
    """Swap CURRENT atomically: readers see the old generation or the new one, never neither."""
    index_dir = Path(index_dir)
    temporary = index_dir / f".{POINTER}.{os.getpid()}"
    try:
        temporary.write_text(json.dumps({"generation": generation, "analysis_version": ANALYSIS_VERSION,
                                         "engine": engine, "engine_format": engine_format,
                                         "document_format": DOCUMENT_FORMAT}),
                             encoding="utf-8")
        with open(temporary, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, index_dir / POINTER)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


# The engine of an index whose pointer names none: those were written when whoosh was the only one.
UNNAMED_ENGINE = "whoosh"


def pointer_engine(pointer: dict) -> str:
    """The engine a pointer's index was built with."""
    return pointer.get("engine", UNNAMED_ENGINE)


def index_engine(index_dir: Path) -> str | None:
    """The engine the index in `index_dir` was built with, if there is one."""
    pointer = read_pointer(index_dir)
    return pointer_engine(pointer) if pointer else None


def current_generation(index_dir: Path) -> Path | None:
    pointer = read_pointer(index_dir)
    if not pointer or "generation" not in pointer:
        return None
    path = Path(index_dir) / pointer["generation"]
    return path if path.is_dir() else None
