"""The index document, declared once: one document per agenda item, and each field's kind.

Every engine derives its schema from `FIELDS` (as django-haystack's backends build theirs from the
index's fields), `indexer.reading.item_document` fills it, and the query language takes the text
fields' ranking weights from it. A facet's field comes from its declaration in `indexer.facets`, so
adding a facet is its `Facet(...)` and the field's value in `item_document`, nothing else.

Kinds:
    text     analysed by our Danish analysis (`indexer.analysis`), with positions for phrases; `weight`
             is its BM25F boost (a word in the title says most about an item)
    keyword  exact values; single-valued, or several comma-separated values when `multiple`
             (a committee's name may hold a comma, so single-valued fields are never split)
    words    space-separated words, each a term (the item's vocabulary, for suggestions)
    number   an integer (the item's number on the agenda)
    stored   returned whole, never searched (the item as JSON: everything serving shows)
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from .analysis import FULL_TEXT, AnalysedText
from .facets import FACETS

Kind = Literal["text", "keyword", "words", "number", "stored"]


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    kind: Kind
    multiple: bool = False  # keyword: several comma-separated values
    stored: bool = False  # keyword: the engine hands the value back (ids and sources)
    column: bool = False  # keyword: read whole for every item (`indexer.prepared`: dates, facets)
    weight: float = 0.0  # text: ranking boost


FIELDS: tuple[Field, ...] = (
    Field("id", "keyword", stored=True),  # unique: the item's id
    Field("meeting_id", "keyword", stored=True, column=True),
    Field("source", "keyword", stored=True),  # the corpus file, relative to the corpus folder
    Field("source_hash", "keyword", stored=True),  # SHA-256 of its content
    Field("date", "keyword", column=True),  # YYYY-MM-DD
    Field("number", "number"),
    Field("closed", "keyword"),  # "1" or "0"
    Field("proposers", "keyword", multiple=True),
    *(Field(facet.field, "keyword", multiple=facet.multiple, column=True) for facet in FACETS),
    Field("title", "text", weight=4.0),
    Field("decision", "text", weight=2.5),
    Field("attachments", "text", weight=1.5),
    Field("text", "text", weight=1.0),
    Field("vocabulary", "words"),
    Field("record", "stored"),
)
FIELDS_BY_NAME: dict[str, Field] = {field.name: field for field in FIELDS}

TEXT_FIELDS: dict[str, float] = {field.name: field.weight for field in FIELDS if field.kind == "text"}
KEYWORDS: tuple[Field, ...] = tuple(field for field in FIELDS if field.kind == "keyword")
SINGLE_VALUED: tuple[str, ...] = tuple(field.name for field in KEYWORDS if not field.multiple)
MULTI_VALUED: tuple[str, ...] = tuple(field.name for field in KEYWORDS if field.multiple)
COLUMNS: tuple[str, ...] = tuple(field.name for field in KEYWORDS if field.column)
STORED_KEYWORDS: tuple[str, ...] = tuple(field.name for field in KEYWORDS if field.stored)

# What the declaration says, as a number: it changes with any field, and the index directory's pointer
# records it (`indexer.schema`), so that `minutes index` rebuilds an index written with other fields;
# no engine's format needs bumping by hand for a new field.
DOCUMENT_FORMAT = int(hashlib.sha256(repr(FIELDS).encode()).hexdigest()[:8], 16)


# Not a field: the text fields' index tokens (`indexer.analysis.AnalysedText` by field name), made
# where the document is made (a worker process of the build), so that the engines' writers use them
# instead of analysing again. A document without them is analysed by the writer.
ANALYSED = "analysed"


def text_tokens(fields: dict, field: str) -> Iterable[tuple[str, int]]:
    """The index terms of a document's text field with their word positions."""
    analysed = fields.get(ANALYSED)
    if analysed is not None:
        return analysed[field]
    return AnalysedText.of(fields[field], FULL_TEXT)


def keyword_values(field: str, value: str) -> list[str]:
    """The terms of a keyword or words field's value in a document."""
    declared = FIELDS_BY_NAME[field]
    if declared.kind == "words":
        return value.split()
    if declared.multiple:
        return [part for part in (piece.strip() for piece in value.split(",")) if part]
    return [value] if value else []


def join_sections(texts: list[str]) -> str:
    """An item's full text (the `text` field): its sections' texts, a blank line apart. Section
    offsets in the stored record count on this joint."""
    return SECTION_JOINT.join(texts)


SECTION_JOINT = "\n\n"
