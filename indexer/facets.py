"""The facets, one declaration each. Everything else is derived from the declaration: the index field
(`schema.py`), request validation (`query.py`), counting, order and truncation (`search.py`), labels
and names in the web UI (`webui/state.py`), the CLI's `--name` options and the OpenAPI parameters.

Adding a facet is adding one `Facet` to `FACETS` (and giving the documents its field in `build.py`).
Engine-free: no engine is imported here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .centres import MUNICIPALITY as CENTRES_MUNICIPALITY, centre_name
from .model import CASE_VALUE, DECISION_TYPES


class QueryError(ValueError):
    """A request parameter is invalid; `param` names it."""

    def __init__(self, param: str, reason: str) -> None:
        super().__init__(f"{param}: {reason}")
        self.param = param
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Facet:
    name: str  # URL parameter, JSON key and CLI option (--name)
    field: str  # index field: one term per value
    label: str  # Danish name in the web UI, e.g. "År"
    description: str  # Danish, for the API description
    cli_help: str  # English, for `minutes search --help`
    pattern: str | None = None  # a value must match this regular expression (also the JSON Schema's) ...
    invalid: str = ""  # ... or be refused with this Danish reason ({value} is the value)
    size: int | None = None  # the most frequent values shown (selected ones always); None: all
    order: str = "count"  # "count": most frequent first, then by value; "newest": by value, descending
    known: tuple[str, ...] = ()  # values in their own order, which breaks ties of "count" before the value
    value_label: Callable[[str], str] = str  # the Danish label of a value
    shown_from: int = 0  # hidden while the archive holds fewer values (a committee facet of one says nothing)
    multiple: bool = False  # an item may have several values (comma-separated in the document)
    municipality: str | None = None  # one municipality's own facet (its centres): only its items have values

    def check(self, values: Sequence[str]) -> None:
        """Raise QueryError naming this facet's parameter if a value is not one it can hold."""
        for value in values:
            if self.pattern is not None and not re.fullmatch(self.pattern, value):
                raise QueryError(self.name, self.invalid.format(value=value))

    def sort_key(self, value: str, count: int) -> tuple:
        if self.order == "newest":
            return (-int(value) if value.isdigit() else 0,)
        rank = self.known.index(value) if value in self.known else len(self.known)
        return (-count, rank, value)


def _one_of(values: Sequence[str]) -> str:
    """An alternation of plain slugs, left unescaped so it reads the same in JSON Schema (ECMA-262)."""
    assert all(re.fullmatch(r"[a-z-]+", value) for value in values), values
    return "|".join(values)


# In display order: the municipality and the committee first (shown once the archive holds two), the
# decision early (what users narrow by most), one municipality's own centres last.
FACETS: tuple[Facet, ...] = (
    Facet("municipality", "municipality", "Kommune", "Kommune, fx Høje-Taastrup (gentag for flere).",
          "Only this municipality, e.g. Høje-Taastrup (repeatable).", shown_from=2),
    Facet("committee", "committee", "Udvalg", "Udvalg, fx Direktionen (gentag for flere).",
          "Only this committee, e.g. Direktionen (repeatable).", shown_from=2),
    Facet("year", "year", "År", "Mødeår ÅÅÅÅ (gentag for flere; de ORes).",
          "Only this year (repeat for several: they are ORed).",
          pattern=r"[0-9]{4}", invalid="'{value}' er ikke et årstal", order="newest"),
    Facet("decision", "decision_types", "Beslutning",
          f"Beslutningstype: {', '.join(DECISION_TYPES)} (gentag for flere).",
          f"Only this decision type: {', '.join(DECISION_TYPES)} (repeatable).",
          pattern=_one_of(list(DECISION_TYPES)), invalid="ukendt beslutningstype '{value}'",
          known=tuple(DECISION_TYPES), multiple=True,
          value_label=lambda value: DECISION_TYPES.get(value, value)),
    Facet("case", "case", "Sag", "Sagsnummer som referatet skriver det, fx 14/32918 (gentag for flere).",
          "Only this case number, as the minutes print it, e.g. 14/32918 (repeatable).",
          pattern=CASE_VALUE, invalid="'{value}' er ikke et sagsnummer (fx 14/32918)", size=10),
    Facet("vote", "vote", "Afstemning", "ja: kun punkter, hvis beslutning gengiver en afstemning.",
          "ja: only items whose decision prints a vote.", pattern="ja", invalid="'{value}' er ikke ja",
          value_label=lambda value: "Kun punkter med afstemning", shown_from=1),
    Facet("against", "voted_against", "Stemt imod",
          "Parti (bogstav eller navn, som referatet skriver det), der stemte imod, fx Ø (gentag for flere).",
          "Only items where this party voted against, as the minutes name it, e.g. Ø (repeatable).",
          size=10, multiple=True, shown_from=1),
    Facet("centre", "centres", "Center", "Høje-Taastrup Kommunes centerkode, fx BAC (gentag for flere).",
          "Only items naming this centre code of Høje-Taastrup Kommune, e.g. BAC (repeatable).",
          value_label=centre_name, multiple=True, municipality=CENTRES_MUNICIPALITY),
)
FACETS_BY_NAME: dict[str, Facet] = {facet.name: facet for facet in FACETS}


def facet_label(facet: str, value: str) -> str:
    """The Danish label of a facet value: decision types and centres have names, the rest are as is."""
    return FACETS_BY_NAME[facet].value_label(value) if facet in FACETS_BY_NAME else value
