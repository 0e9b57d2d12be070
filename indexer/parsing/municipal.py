"""One municipality's own item rules: Høje-Taastrup's centres (the table is `indexer.centres`) and the
centres that propose an item ('… indstiller'). They apply to that municipality's minutes only."""

from __future__ import annotations

import re
from dataclasses import replace

from ..centres import MUNICIPALITY as CENTRES_MUNICIPALITY, find_centres
from ..layouts import Layout
from ..model import Section
from .draft import ItemDraft, ItemRule

INDSTILLER_RE = re.compile(r"\bindstiller\b", re.IGNORECASE)


def rule_centres(layout: Layout, draft: ItemDraft) -> ItemDraft:
    """The centres named anywhere in the item: its title and every section."""
    if draft.municipality != CENTRES_MUNICIPALITY:
        return draft
    everything = "\n".join([draft.title, *(s.text for s in draft.sections)])
    return replace(draft, centres=find_centres(everything))


def rule_proposers(layout: Layout, draft: ItemDraft) -> ItemDraft:
    """The centres that propose the item (`find_proposers`)."""
    if draft.municipality != CENTRES_MUNICIPALITY:
        return draft
    return replace(draft, proposers=find_proposers(draft.sections))


def find_proposers(sections: list[Section]) -> list[str]:
    """Centres named in the '... indstiller' sentence(s) of the item."""
    proposers: list[str] = []
    for section in sections:
        if section.kind in ("indstilling", "tekst", "baggrund", "sagsfremstilling"):
            for subject in proposer_subjects(section.text):
                proposers.extend(c for c in find_centres(subject) if c not in proposers)
    return proposers


def proposer_subjects(text: str) -> list[str]:
    """The text before each 'indstiller' back to the start of its sentence or line (or the previous
    'indstiller'). One pass: a lazy regex for the same span restarted at every character (quadratic)."""
    subjects, previous_end = [], 0
    for match in INDSTILLER_RE.finditer(text):
        start = max(previous_end, text.rfind(".", 0, match.start()) + 1, text.rfind("\n", 0, match.start()) + 1)
        subjects.append(text[start:match.start()])
        previous_end = match.end()
    return subjects


# In order, after the item's own rules (they read its sections).
MUNICIPAL_RULES: list[tuple[str, ItemRule]] = [
    ("centres", rule_centres),
    ("proposers", rule_proposers),
]
