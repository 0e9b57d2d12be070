"""Shared fixtures: the real corpus index, built once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.build import build_index
from indexer.search import SearchIndex

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("index")
    report = build_index(CORPUS, path)
    assert report.failed == []
    return path


@pytest.fixture(scope="session")
def searcher(index_dir: Path) -> SearchIndex:
    index = SearchIndex(index_dir)
    yield index
    index.close()
