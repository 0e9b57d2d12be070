"""An agenda item while the item rules run over it, and the shape of a rule."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..layouts import Layout
from ..model import AgendaItem, Decision, Section
from .decisions import no_decision


@dataclass(frozen=True, slots=True)
class ItemDraft:
    """What the rules have made of one item so far. A rule does not change a draft: it returns a new one
    (`dataclasses.replace`), so each rule can be read, and tested, on its own."""

    meeting_id: str
    number: int
    title: str
    lines: list[str]  # the item's text as the rules so far have left it, until `sections` cuts it up
    municipality: str | None  # the meeting's: a municipality's own rules apply to its minutes only
    case_number: str | None = None
    cut: bool = False  # the text is cut short inside this item
    closed: bool = False
    attachments: list[str] = field(default_factory=list)
    attendance: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    printed_title: str | None = None  # the title as printed again over the item's sections
    other_titles: list[str] = field(default_factory=list)
    decision: Decision = field(default_factory=no_decision)
    centres: list[str] = field(default_factory=list)
    proposers: list[str] = field(default_factory=list)

    def item(self) -> AgendaItem:
        return AgendaItem(
            id=f"{self.meeting_id}-{self.number}",
            number=self.number,
            title=self.title,
            case_number=self.case_number,
            closed=self.closed,
            sections=self.sections,
            attachments=self.attachments,
            decision=self.decision,
            centres=self.centres,
            proposers=self.proposers,
            other_titles=self.other_titles,
            attendance=self.attendance,
        )


# A rule reads what the layout tells it (its patterns and flags) and returns the draft it made.
ItemRule = Callable[[Layout, ItemDraft], ItemDraft]
