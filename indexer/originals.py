"""The copies of the indexed source files that the index keeps (`originals/<sha256>.<suffix>`), so
that serving offers the original document without reading the corpus (`indexer.schema`: ORIGINALS)."""

from __future__ import annotations

import os
from pathlib import Path

from .schema import ORIGINALS


def has_original(source: str) -> bool:
    """Whether the index keeps a copy of the source file to offer as the original document."""
    return Path(source).suffix.lower() in (".pdf", ".txt")


def original_name(digest: str, source: str) -> str:
    return f"{digest}{Path(source).suffix.lower()}"


class Originals:
    """The copies of the indexed source files that the index keeps (`originals/<sha256>.<suffix>`),
    so that serving offers the original document without reading the corpus. A copy is written
    (atomically) before the commit that indexes its items, never twice for the same content, and
    removed after the commit that removes the last items from it."""

    def __init__(self, index_dir: Path) -> None:
        self.folder = index_dir / ORIGINALS
        self.live: dict[str, str] = {}  # source -> its copy's name, once the index's sources are known
        self.written: list[Path] = []  # by this run: removed again if its commit fails

    def start_from(self, indexed: dict[str, tuple[str, str]]) -> None:
        """The sources the index holds before this run, with their content hashes."""
        self.live = {source: original_name(digest, source) for source, (digest, _meeting) in indexed.items()
                     if has_original(source)}

    def keep(self, source: str, digest: str, data: bytes) -> None:
        if not has_original(source):
            return
        name = original_name(digest, source)
        path = self.folder / name
        if not path.exists():
            self.folder.mkdir(exist_ok=True)
            temporary = self.folder / f".{name}.{os.getpid()}"
            try:
                temporary.write_bytes(data)
                os.replace(temporary, path)
            except BaseException:
                temporary.unlink(missing_ok=True)
                raise
            self.written.append(path)
        self.live[source] = name

    def discard_written(self) -> None:
        """Remove the copies this run wrote: its commit failed, and the index stays as it was."""
        for path in self.written:
            path.unlink(missing_ok=True)
        if self.folder.is_dir() and not any(self.folder.iterdir()):
            self.folder.rmdir()

    def forget(self, source: str) -> None:
        self.live.pop(source, None)

    def prune(self) -> None:
        """Remove the copies no indexed file has any more (and copies a failed run left half-written)."""
        if not self.folder.is_dir():
            return
        wanted = set(self.live.values())
        for path in self.folder.iterdir():
            if path.name not in wanted:
                path.unlink(missing_ok=True)
