"""The one process-wide `SearchIndex`, stored on the app and shared by every request thread.

`SearchIndex` is thread-safe and follows rebuilt index generations by itself, so one instance
serves for the life of the process. It cannot be opened while there is no index yet; then every
call tries again, so the site recovers on its own once `minutes index` has run.
"""

from __future__ import annotations

import threading

from flask import Flask, current_app

from indexer.search import IndexMissing, SearchIndex

EXTENSION = "minutes_searcher"

__all__ = ["IndexMissing", "get_searcher", "init_app"]


class _Holder:
    def __init__(self, index_dir: str) -> None:
        self.index_dir = index_dir
        self.searcher: SearchIndex | None = None
        self.lock = threading.Lock()

    def get(self) -> SearchIndex:
        searcher = self.searcher
        if searcher is None:
            with self.lock:
                if self.searcher is None:
                    self.searcher = SearchIndex(self.index_dir)  # raises IndexMissing
                searcher = self.searcher
        return searcher


def init_app(app: Flask, index_dir: str) -> None:
    app.extensions[EXTENSION] = _Holder(index_dir)


def get_searcher() -> SearchIndex:
    """The app's SearchIndex. Raises IndexMissing while there is no index to open."""
    return current_app.extensions[EXTENSION].get()
