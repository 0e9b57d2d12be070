"""Shared fixtures: the real corpus index, built once per test session; Hypothesis profiles."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

from indexer.build import build_index
from indexer.engines import ENGINES, SERVER_ENGINES
from indexer.search import SearchIndex

pytest_plugins = ["skip_summary"]  # every skip's reason, once

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"

# `make test` draws the same examples on every run (derandomized: the seed comes from each test's
# source), so a red run is the code's doing, never the draw's; no example database is replayed
# either. `make fuzz` (HYPOTHESIS_PROFILE=fuzz, tests marked `fuzz`) draws new random examples.
settings.register_profile("deterministic", derandomize=True, database=None, deadline=None, print_blob=True)
settings.register_profile("fuzz", derandomize=False, database=None, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "deterministic"))


# Text recognition keeps what it recognised (indexer/sources/ocr.py): in a folder of the run's own,
# not the user's cache, set before any PDF reader process starts (they inherit it).
os.environ["MINUTES_OCR_CACHE"] = tempfile.mkdtemp(prefix="minutes-test-ocr-")

# PostgreSQL: the database the tests may fill with schemas of their own (.ci/run starts a throw-away
# cluster and sets it); every index the tests build with the postgresql engine goes there.
TEST_DATABASE = os.environ.get("MINUTES_TEST_DATABASE_URL")
if TEST_DATABASE:
    os.environ["MINUTES_DATABASE_URL"] = TEST_DATABASE
NO_DATABASE = ("postgresql engine not tested: no test database (MINUTES_TEST_DATABASE_URL unset; "
               ".ci/run starts a PostgreSQL cluster and sets it)")


def skip_unless_available(engine: str) -> None:
    if engine in SERVER_ENGINES and not TEST_DATABASE:
        pytest.skip(NO_DATABASE)


# The search and web tests are the contract every engine meets: each runs once per engine.
@pytest.fixture(scope="session", params=sorted(ENGINES))
def engine(request: pytest.FixtureRequest) -> str:
    skip_unless_available(request.param)
    return request.param


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory: pytest.TempPathFactory, engine: str) -> Path:
    path = tmp_path_factory.mktemp(f"index-{engine}")
    report = build_index(CORPUS, path, engine=engine)
    assert report.failed == []
    return path


@pytest.fixture(scope="session")
def searcher(index_dir: Path) -> SearchIndex:
    index = SearchIndex(index_dir)
    yield index
    index.close()


ARCHIVE_FIXTURES = Path(__file__).parent / "fixtures"


def archive_corpus(folder: Path) -> Path:
    """The two-committee, two-municipality archive (tests/fixtures/archive/README.md) in `folder`."""
    import shutil

    shutil.copytree(CORPUS, folder, dirs_exist_ok=True)
    shutil.copytree(ARCHIVE_FIXTURES / "archive", folder, dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.md"))
    for name, target in (("hoeje-taastrup-byraadet-2017-08-29.txt", "hoeje-taastrup/byraadet/2017-08-29.txt"),
                         ("hvidovre-oekonomiudvalget-2018-12-03.txt", "hvidovre/oekonomiudvalget/2018-12-03.txt")):
        (folder / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ARCHIVE_FIXTURES / "layouts" / name, folder / target)
    return folder


def with_pointer(index: Path, **changes) -> dict:
    """Rewrite the index's CURRENT pointer with `changes` (as an older release would have written it);
    the pointer as it was."""
    import json

    pointer = json.loads((index / "CURRENT").read_text(encoding="utf-8"))
    (index / "CURRENT").write_text(json.dumps({**pointer, **changes}), encoding="utf-8")
    return pointer


@pytest.fixture(scope="session")
def archive_index(tmp_path_factory: pytest.TempPathFactory, engine: str) -> Path:
    path = tmp_path_factory.mktemp(f"archive-{engine}")
    report = build_index(archive_corpus(tmp_path_factory.mktemp("archive-corpus")), path, engine=engine)
    assert (report.failed, report.items) == ([], 52)
    return path

