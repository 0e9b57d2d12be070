"""How a harvest writes the corpus folder: every file whole or not at all, one harvest of a
municipality at a time, and what a killed harvest left behind cleared by the next one."""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..load import ATTACHMENT_FOLDER_SUFFIX, HARVESTED_SUFFIX
from ..locks import exclusive_lock
from .http import HarvestError

LOCK_NAME = ".harvest.lock"
TEMPORARY_SUFFIX = ".harvest-part"  # neither *.txt nor *.pdf, so `minutes index` never reads one
MEETING_SUFFIX = HARVESTED_SUFFIX  # what `minutes index` reads as a harvested meeting
ATTACHMENTS_SUFFIX = ATTACHMENT_FOLDER_SUFFIX


def meeting_file(committee_folder: Path, day: str) -> Path:
    return committee_folder / f"{day}{MEETING_SUFFIX}"


def attachment_file(committee_folder: Path, day: str, attachment_id: str) -> Path:
    return committee_folder / f"{day}{ATTACHMENTS_SUFFIX}" / f"{attachment_id}.pdf"


def write_atomically(path: Path, data: bytes) -> None:
    """`path` holds `data`, or whatever it held before: the bytes go to a temporary file in the same
    folder, reach the disk (fsync), and only then take the name (os.replace)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}{TEMPORARY_SUFFIX}")
    try:
        with open(temporary, "xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:  # an interrupt too: no temporary file is left behind
        temporary.unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def write_json_atomically(path: Path, record: dict[str, Any]) -> None:
    write_atomically(path, (json.dumps(record, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))


def read_json(path: Path) -> dict[str, Any] | None:
    """A stored meeting file, or None when there is none or it cannot be read as one."""
    try:
        record = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


@contextmanager
def harvest_lock(folder: Path) -> Iterator[None]:
    """One harvest of a municipality's folder at a time (`indexer.locks`)."""
    folder.mkdir(parents=True, exist_ok=True)
    with exclusive_lock(folder / LOCK_NAME,
                        lambda: HarvestError(f"{folder}: another harvest of this municipality is running")):
        remove_temporaries(folder)  # safe under the lock: no other harvest writes here
        yield


def remove_temporaries(folder: Path) -> None:
    """The temporary files of a harvest that was killed (SIGKILL, power loss) before it cleaned up."""
    for leftover in folder.rglob(f".*{TEMPORARY_SUFFIX}"):
        leftover.unlink(missing_ok=True)


def _sync_folder(folder: Path) -> None:
    """The rename itself reaches the disk: fsync of the folder (where the system allows it)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
