"""Run `minutes ARGS...` but stop the process (SIGSTOP) at a named moment of the index write, so a
test can look at the index directory at exactly that moment and then kill the process.

    python tests/tools/stop_at.py MOMENT minutes-arguments...

MOMENT is one of
    segment      right after the first file of the new segment is created
    toc          right after the new table of contents is created under its temporary name
    toc-renamed  right after that table of contents is renamed into place (whoosh's commit point)
    tantivy-added      (tantivy) every document added, right before the commit
    tantivy-committed  (tantivy) right after the commit (tantivy's commit point)
    postgresql-added      (postgresql) every row written, right before the run's transaction commits
    postgresql-committed  (postgresql) right after it commits
"""

from __future__ import annotations

import importlib
import os
import re
import signal
import sys
from pathlib import Path

from whoosh.filedb.filestore import FileStorage

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

SEGMENT_FILE = re.compile(r"^MAIN_[0-9a-z]+\.")
# The TOC of a commit; `_MAIN_0.toc` is the empty index a rebuild creates before writing anything.
COMMIT_TOC = re.compile(r"^_MAIN_([1-9]\d*)\.toc")


def stop_here() -> None:
    os.kill(os.getpid(), signal.SIGSTOP)


def stop_around(module_name: str, function: str, moment: str, before: str, after: str) -> None:
    """Wrap an engine's commit-point function: stop right before it at `before`, right after at `after`."""
    module = importlib.import_module(module_name)
    commit = getattr(module, function)

    def commit_and_maybe_stop(*args) -> None:
        if moment == before:
            stop_here()
        commit(*args)
        if moment == after:
            stop_here()

    setattr(module, function, commit_and_maybe_stop)


def install(moment: str) -> None:
    if moment.startswith("tantivy-"):
        stop_around("indexer.engines.tantivy", "commit_writer", moment, "tantivy-added", "tantivy-committed")
        return
    if moment.startswith("postgresql-"):
        stop_around("indexer.engines.postgresql", "commit_run", moment, "postgresql-added", "postgresql-committed")
        return
    create_file, rename_file = FileStorage.create_file, FileStorage.rename_file

    def create_and_maybe_stop(self, name, **kwargs):
        handle = create_file(self, name, **kwargs)
        in_generation = Path(self.folder).name.startswith("gen-")
        if in_generation and ((moment == "segment" and SEGMENT_FILE.match(name))
                              or (moment == "toc" and COMMIT_TOC.match(name))):
            stop_here()
        return handle

    def rename_and_maybe_stop(self, old, new, safe=False):
        rename_file(self, old, new, safe)
        if moment == "toc-renamed" and COMMIT_TOC.match(new):
            stop_here()

    FileStorage.create_file = create_and_maybe_stop
    FileStorage.rename_file = rename_and_maybe_stop


if __name__ == "__main__":
    install(sys.argv[1])
    from indexer.cli import main

    main(sys.argv[2:], prog_name="minutes")
