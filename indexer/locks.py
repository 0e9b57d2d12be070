"""One writer at a time: an exclusive flock on a lock file, which the kernel releases when a process
dies, so the lock of a killed run never needs clearing by hand."""

from __future__ import annotations

import fcntl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def exclusive_lock(path: Path, busy: Callable[[], Exception]) -> Iterator[None]:
    """Hold the lock on `path` (created if need be) for the block; raise `busy()` when another
    process holds it."""
    handle = open(path, "a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise busy() from None
        yield
    finally:
        handle.close()
