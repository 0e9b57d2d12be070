"""The index document, declared once (indexer/document.py): what the builder fills and when an index
written with other fields is rebuilt. Each engine's schema is checked against it in test_engines.py
(whoosh, tantivy) and test_postgresql.py."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import with_pointer
from indexer.build import build_index, item_document
from indexer.analysis import FULL_TEXT
from indexer.document import ANALYSED, FIELDS, TEXT_FIELDS, join_sections
from indexer.load import load_meeting

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "hoeje-taastrup" / "direktionen" / "2018-11-05.txt"


def test_an_item_document_has_exactly_the_declared_fields() -> None:
    meeting = load_meeting(SEED)
    document = item_document(meeting, meeting.items[2], "hoeje-taastrup/direktionen/2018-11-05.txt", "0" * 64)
    assert sorted(document) == sorted([*(field.name for field in FIELDS), ANALYSED])
    assert document["text"] == join_sections([section.text for section in meeting.items[2].sections])
    # The text fields' tokens made with it, for the engines' writers: exactly the analysis of each.
    assert {name: list(tokens) for name, tokens in document[ANALYSED].items()} == {
        name: [(term, position) for term, position, _start, _end in FULL_TEXT.index_tokens(document[name])]
        for name in TEXT_FIELDS}


def test_an_index_written_with_other_fields_is_rebuilt(tmp_path) -> None:
    index = tmp_path / "index"
    build_index(ROOT / "corpus", index, engine="whoosh")
    pointer = with_pointer(index, document_format=1)
    report = build_index(ROOT / "corpus", index)
    assert (report.rebuilt, report.new) == (True, 5)
    assert json.loads((index / "CURRENT").read_text(encoding="utf-8"))["document_format"] == pointer["document_format"]
    assert build_index(ROOT / "corpus", index).rebuilt is False
