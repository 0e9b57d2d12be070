"""Documents as rows of the PostgreSQL engine's `items` table: keyword fields as columns, and the
tokens of our own analysis as `tsvector` text, weighted by field.
"""

from __future__ import annotations

from ... import document
from ...document import text_tokens
from .schema import MULTI_VALUED, SINGLE_VALUED

# The text fields (`indexer.document`) and their tsvector weight letters, heaviest boost first (a
# tsvector has four), and their ts_rank weights ({D, C, B, A}): our boosts scaled into 0..1.
TEXT_BY_BOOST = sorted(document.TEXT_FIELDS, key=lambda field: -document.TEXT_FIELDS[field])
assert len(TEXT_BY_BOOST) <= 4, "a tsvector weighs four fields at most"
WEIGHTS = dict(zip(TEXT_BY_BOOST, "ABCD"))
RANK_WEIGHTS = "{" + ", ".join(f"{document.TEXT_FIELDS[field] / max(document.TEXT_FIELDS.values()):g}"
                               for field in reversed(TEXT_BY_BOOST)) + "}"
RANK_TEXT_WORDS = 60  # ranking reads the title, decision, attachments and this many words of the text
MAX_POSITION = 16383  # tsvector positions stop here (later ones are stored as 16383)
FIELD_GAP = 100  # positions between two fields, so that no phrase spans them
# The columns of `items` that row() fills, in its order.
COLUMNS = ("key", *SINGLE_VALUED, "number", *MULTI_VALUED, "terms", "rank_terms", "vocabulary", "record")


def quoted(lexeme: str) -> str:
    """A lexeme as tsvector and tsquery text read it: quoted, quotes doubled, backslashes escaped."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def term_vectors(fields: dict) -> tuple[str, str]:
    """The tsvector texts of a document's text fields: every token of our analysis at its position,
    each field's after the previous field's (with a gap), weighted by field; and the short one that
    ranking reads, without the text beyond its first RANK_TEXT_WORDS words."""
    positions: dict[str, list[str]] = {}
    ranked: dict[str, list[str]] = {}
    offset = 1
    for field, weight in WEIGHTS.items():
        last = offset
        for term, word in text_tokens(fields, field):
            position = min(offset + word, MAX_POSITION)
            place = f"{position}{weight}"
            positions.setdefault(term, []).append(place)
            if field != "text" or word < RANK_TEXT_WORDS:
                ranked.setdefault(term, []).append(place)
            last = max(last, position)
        offset = last + FIELD_GAP
    return tuple(" ".join(f"{quoted(term)}:{','.join(places)}" for term, places in vector.items())
                 for vector in (positions, ranked))


def split_keywords(value: str) -> list[str]:
    return [part for part in (piece.strip() for piece in value.split(",")) if part]


def row(fields: dict, key: int) -> tuple:
    return (key, *(fields.get(field, "") for field in SINGLE_VALUED), int(fields["number"]),
            *(split_keywords(fields.get(field, "")) for field in MULTI_VALUED),
            *term_vectors(fields), fields["vocabulary"].split(), fields["record"])
