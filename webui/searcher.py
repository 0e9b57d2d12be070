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

__all__ = ["IndexMissing", "archive_name", "get_searcher", "init_app", "keep_warm", "stop_warming"]


class _Holder:
    def __init__(self, index_dir: str) -> None:
        self.index_dir = index_dir
        self.searcher: SearchIndex | None = None
        self.lock = threading.Lock()
        self.stop_warming = threading.Event()

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


def archive_name() -> tuple[str, str]:
    """The site's name after what the archive holds: (title, owner), e.g. ("Direktionens referater",
    "Høje-Taastrup Kommune") for one committee, ("Referater", "Høje-Taastrup Kommune") for several, and
    ("Referater", "danske kommuner") for several municipalities. Before there is an index: ("Referater", "")."""
    try:
        coverage = get_searcher().coverage()
    except IndexMissing:
        return "Referater", ""
    municipalities, committees = coverage["municipalities"], coverage["committees"]
    owner = f"{municipalities[0]} Kommune" if len(municipalities) == 1 else "danske kommuner" if municipalities else ""
    if len(committees) == 1 and " " not in committees[0]:
        return f"{committees[0]}s referater", owner  # Direktionens, Byrådets
    return "Referater", owner


def get_searcher() -> SearchIndex:
    """The app's SearchIndex. Raises IndexMissing while there is no index to open."""
    return current_app.extensions[EXTENSION].get()


def keep_warm(app: Flask, interval: float = 0.5) -> threading.Thread:
    """Start a daemon thread that prepares every new index commit before a request needs it (see
    `SearchIndex.keep_warm`); `minutes serve` starts it. Stop it with `stop_warming(app)`."""
    holder = app.extensions[EXTENSION]
    with app.app_context():
        search_index = get_searcher()  # the instance the requests use, so they share its cache
    thread = threading.Thread(target=search_index.keep_warm, args=(holder.stop_warming, interval),
                              name="minutes-warm", daemon=True)
    thread.start()
    return thread


def stop_warming(app: Flask) -> None:
    app.extensions[EXTENSION].stop_warming.set()
