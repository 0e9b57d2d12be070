"""The corpus folder: which of its files are minutes to index, under which names (a file's name is
data: any bytes, `indexer.safetext.source_name`), and what cannot be read, named rather than passed
over."""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from .load import ATTACHMENT_FOLDER_SUFFIX, SUFFIXES
from .safetext import source_name


@dataclass(slots=True)
class CorpusScan:
    files: dict[str, Path]  # source name (relative to the corpus, POSIX) -> path
    problems: list[tuple[str, str]]  # source name -> why it cannot be indexed


def is_minutes_file(name: str) -> bool:
    return name.lower().endswith(SUFFIXES)


def scan_corpus(corpus_dir: Path) -> CorpusScan:
    """Every minutes file (*.txt, *.pdf) under `corpus_dir`, following symbolic links; what cannot be
    read (a link loop, a broken link, a FIFO, an unreadable folder) is named rather than passed over."""
    files: dict[str, Path] = {}
    problems: list[tuple[str, str]] = []

    def name(path: Path) -> str:
        return source_name(path.relative_to(corpus_dir).as_posix())

    def walk(folder: Path, ancestors: frozenset[tuple[int, int]]) -> None:
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError as error:
            problems.append((name(folder) + "/", f"cannot read folder: {error.strerror or error}"))
            return
        for entry in entries:
            path = Path(entry.path)
            try:
                info = os.stat(path)  # follows symbolic links
            except OSError as error:
                if is_minutes_file(entry.name) or entry.is_symlink():
                    reason = ("symbolic link loop" if error.errno == errno.ELOOP else
                              f"broken symbolic link to {os.readlink(path)}" if entry.is_symlink() else
                              f"cannot read: {error.strerror or error}")
                    problems.append((name(path), reason))
                continue
            if stat.S_ISDIR(info.st_mode):
                if entry.name.endswith(ATTACHMENT_FOLDER_SUFFIX):
                    continue  # a harvested meeting's attachments: read with it (attachment_texts)
                if (info.st_dev, info.st_ino) in ancestors:
                    problems.append((name(path) + "/", "symbolic link loop (leads back to a folder above it)"))
                else:
                    walk(path, ancestors | {(info.st_dev, info.st_ino)})
            elif is_minutes_file(entry.name):
                if name(path) in files:  # a name that is not UTF-8, escaped, is another file's name
                    problems.append((name(path), "its name, written as the index writes it, is another file's"))
                elif stat.S_ISREG(info.st_mode):
                    files[name(path)] = path
                else:
                    problems.append((name(path), "not a regular file"))

    root = os.stat(corpus_dir)
    walk(corpus_dir, frozenset({(root.st_dev, root.st_ino)}))
    return CorpusScan(dict(sorted(files.items())), sorted(problems))
