"""An agenda item from the text under its heading: the item rules, run in order (`ITEM_RULES`)."""

from __future__ import annotations

import re
from dataclasses import replace
from difflib import SequenceMatcher

from ..layouts import Layout
from ..model import CASE_VALUE_RE, AgendaItem, Decision, Section, SubDecision
from .decisions import parse_decision
from .draft import ItemDraft, ItemRule
from .lines import first_fullmatch, heading_kind, matches_any
from .municipal import MUNICIPAL_RULES
from .text import join_paragraphs, strip_inline_html

LISTED = re.compile(r"^(?:[•\-–*·]|\d{1,2}\.)\s")  # a bulleted or numbered list entry
# A decision heading that names who decided or when ("Beslutning i Økonomiudvalget den …", "Kultur-
# og Demokratiudvalget, 03.09.2018"), not a bare "Beslutning".
DECISION_OF_A_BODY = re.compile(r"\S\s+\S|\d")
# A sentence, then the next section's heading on the same line ("… Godkendt. Sagsfremstilling").
TRAILING_HEADING = re.compile(r"^(?P<text>.*[.!?])[ \t]+(?P<heading>[A-ZÆØÅ][\w-]*)[ \t]*$")
SUBSTITUTE = re.compile(r"\b(?:i stedet|suppleant|stedfortræder|indkaldt)", re.IGNORECASE)  # who came instead
SENTENCE_BREAK = re.compile(r"(?<=[.!?])[ \t]+(?=[A-ZÆØÅ])")
BARE_CASE_LABEL = re.compile(r"Sag(?:snr|snummer|sid|s\.?\s*nr)?\.?\s*:?", re.IGNORECASE)
CASE_VALUE_LINE = re.compile(r"\d[\d./-]*\d(?:-[A-ZÆØÅ]\d{2}-\d+(?:-\d+)?)?")
# An absence heading with a qualifier and nothing after its colon: "Afbud under hele mødet:".
ATTENDANCE_BLOCK = re.compile(r"(?:Afbud|Fraværende|Fravær|Ikke til stede|Ej til stede)\b[^:\n]{0,40}:", re.IGNORECASE)


def rule_title(layout: Layout, draft: ItemDraft) -> ItemDraft:
    """Stray inline HTML in the title becomes plain text."""
    return replace(draft, title=strip_inline_html(draft.title))


def rule_closed(layout: Layout, draft: ItemDraft) -> ItemDraft:
    """An item titled 'Lukket (punkt)' is closed: its text is not public."""
    return replace(draft, closed=draft.title.strip().lower() in ("lukket", "lukket punkt"))


def rule_run_in_headings(layout: Layout, draft: ItemDraft) -> ItemDraft:
    """A section heading that runs into its text goes on a line of its own (`unrun_headings`)."""
    return replace(draft, lines=unrun_headings(layout, draft.lines))


def rule_cut_mark(layout: Layout, draft: ItemDraft) -> ItemDraft:
    """The text stops at the layout's cut mark ('[...]'): the item is cut short there."""
    if layout.cut_mark is not None:
        for position, line in enumerate(draft.lines):
            if layout.cut_mark.fullmatch(line):
                return replace(draft, lines=draft.lines[:position], cut=True)
    return draft


def rule_attendance(layout: Layout, draft: ItemDraft) -> ItemDraft:
    """Who was absent or took no part, printed in the decision, is kept apart from its text (a blank line
    stays): an attendance line, or an attendance heading and the bulleted names under it as one entry."""
    lines, attendance, kept = draft.lines, list(draft.attendance), []
    in_decision, listing, skipping = False, False, 0
    for position, line in enumerate(lines):
        if skipping:
            skipping -= 1
            kept.append("")
            continue
        if listing and LISTED.match(line.strip()):
            attendance[-1] += "\n" + line.strip()
            continue
        listing = False
        kind = heading_kind(layout, line)
        if kind:
            in_decision = kind == "beslutning"
        if in_decision and matches_any(layout.attendance, line):
            # "Githa Nelander var fraværende. Godkendt.": the absence apart, the verdict kept
            sentences = SENTENCE_BREAK.split(line.strip())
            absent = [sentence for sentence in sentences
                      if matches_any(layout.attendance, sentence) or SUBSTITUTE.search(sentence)]
            if len(sentences) > 1 and absent and len(absent) < len(sentences):
                attendance.extend(absent)
                kept.append(" ".join(sentence for sentence in sentences if sentence not in absent))
            else:
                attendance.append(line.strip())
                kept.append("")
        elif in_decision and matches_any(layout.attendance_heading, line) \
                and position + 1 < len(lines) and LISTED.match(lines[position + 1].strip()):
            attendance.append(line.strip())
            listing = True
            kept.append("")
        elif in_decision and ATTENDANCE_BLOCK.fullmatch(line.strip()) and (names := names_under(layout, lines, position)):
            # "Afbud under hele mødet:" or "Fraværende:" over lines of names and substitutes (one blank
            # line may come first), up to a blank line or a heading
            attendance.append("\n".join([line.strip(), *(lines[p].strip() for p in names)]))
            skipping = names[-1] - position
            kept.append("")
        else:
            kept.append(line)
    return replace(draft, lines=kept, attendance=attendance)


def names_under(layout: Layout, lines: list[str], position: int) -> list[int]:
    """The positions of the lines of names under an absence heading at `position` (a sentence is not
    one: under an empty "Fraværende:" the decision may follow)."""
    start = position + 1
    if start < len(lines) and not lines[start].strip():
        start += 1  # one blank line between the heading and its names
    names = []
    for index in range(start, len(lines)):
        text = lines[index].strip()
        if not text or text.endswith(".") or heading_kind(layout, text) or first_fullmatch(layout.case_number, text) \
                or LISTED.match(text) \
                or (layout.cut_mark is not None and layout.cut_mark.fullmatch(lines[index])):
            break
        names.append(index)
    return names


def rule_page_furniture(layout: Layout, draft: ItemDraft) -> ItemDraft:
    """Page furniture (and labels left empty) becomes a blank line, wherever it stands."""
    lines = draft.lines
    return replace(draft, lines=["" if matches_any(layout.noise, line) and not labels_a_case(lines, position) else line
                                 for position, line in enumerate(lines)])


def labels_a_case(lines: list[str], position: int) -> bool:
    """A bare case label with its value on the next line ("Sagsnr." / "450-2018-4075"): not an empty label."""
    if not BARE_CASE_LABEL.fullmatch(lines[position].strip()):
        return False
    following = next((line for line in lines[position + 1:] if line.strip()), "")
    return bool(CASE_VALUE_LINE.fullmatch(following.strip()))


def rule_attachment_lines(layout: Layout, draft: ItemDraft) -> ItemDraft:
    """A line that is an attachment's file name is taken out of the text and listed. After attendance
    and page furniture: a line they took is not an attachment (they leave it blank)."""
    attachments, kept = list(draft.attachments), []
    for line in draft.lines:
        if (attachment := first_fullmatch(layout.attachments, line)) is not None:
            attachments.append(attachment.group("name"))
        else:
            kept.append(line)
    return replace(draft, lines=kept, attachments=attachments)


def rule_case_number(layout: Layout, draft: ItemDraft) -> ItemDraft:
    """The case number printed in the item's first lines is taken out of the text; the one printed over
    the heading (SBSYS), if any, is the item's."""
    printed, lines = take_case_number(layout, draft.lines)
    return replace(draft, case_number=draft.case_number or printed, lines=lines)


def rule_sections(layout: Layout, draft: ItemDraft) -> ItemDraft:
    """The lines become sections (`split_sections`); the title printed again over them is kept aside."""
    sections, printed_title = split_sections(layout, draft.lines, draft.title)
    return replace(draft, sections=sections, printed_title=printed_title, lines=[])


def rule_other_titles(layout: Layout, draft: ItemDraft) -> ItemDraft:
    """The title printed over the sections is searched as the item's title where it is spelt otherwise."""
    printed = draft.printed_title
    if printed and printed.strip().lower() != draft.title.strip().lower():
        return replace(draft, other_titles=[printed])
    return draft


def rule_attachment_section(layout: Layout, draft: ItemDraft) -> ItemDraft:
    """Every line of a 'Bilag' section is an attachment, after those found on lines of their own."""
    listed = [line for s in draft.sections if s.kind == "bilag" for line in s.text.split("\n") if line]
    return replace(draft, attachments=[*draft.attachments, *listed])


def rule_decision(layout: Layout, draft: ItemDraft) -> ItemDraft:
    """A closed item's decision is 'lukket'; else the decision sections', in parts; else the draft's own
    'ingen-beslutning' stands."""
    if draft.closed:
        return replace(draft, decision=Decision("", [SubDecision(None, "", "lukket")]))
    decision_sections = [s for s in draft.sections if s.kind == "beslutning"]
    if decision_sections:
        said = [s for s in decision_sections if s.text]
        if len(said) > 1 and all(DECISION_OF_A_BODY.search(s.heading) for s in said):
            said = said[-1:]  # the decisions of each body that treated the case, in order: this meeting's is the last
        return replace(draft, decision=parse_decision("\n\n".join(s.text for s in said),
                                                      layout.decision_sub_headings))
    return draft


# The item rules, in the order they run. Each reads the layout's patterns and flags it needs.
ITEM_RULES: list[tuple[str, ItemRule]] = [
    ("title", rule_title),
    ("closed", rule_closed),
    ("run_in_headings", rule_run_in_headings),
    ("cut_mark", rule_cut_mark),
    ("attendance", rule_attendance),
    ("page_furniture", rule_page_furniture),
    ("attachment_lines", rule_attachment_lines),
    ("case_number", rule_case_number),
    ("sections", rule_sections),  # with the repeated title, and paragraphs joined across page breaks
    ("other_titles", rule_other_titles),
    ("attachment_section", rule_attachment_section),
    ("decision", rule_decision),
    *MUNICIPAL_RULES,
]


def parse_item(layout: Layout, meeting_id: str, number: int, title: str, body: str,
               case_number: str | None = None, municipality: str | None = None) -> tuple[AgendaItem, bool]:
    """One agenda item from the text under its heading; also whether the text is cut short inside it."""
    draft = ItemDraft(meeting_id=meeting_id, number=number, title=title, lines=body.split("\n"),
                      municipality=municipality, case_number=case_number)
    for _name, rule in ITEM_RULES:
        draft = rule(layout, draft)
    return draft.item(), draft.cut


def unrun_headings(layout: Layout, lines: list[str]) -> list[str]:
    """A section heading that runs into its text ("Beslutning Tilbagesendes …") on a line of its own."""
    if not layout.inline_headings:
        return lines
    cut = []
    for line in lines:
        while True:  # a line may run several together: "01.02.05-P16-8-16 Resume Kompetenceudvalg: …"
            found = None if heading_kind(layout, line) else next(
                (match for pattern in layout.inline_headings if (match := pattern.match(line.strip()))), None)
            if found is None:
                break
            cut.append(found["heading"])
            line = line.strip()[found.end():]
        trailing = TRAILING_HEADING.match(line) if layout.reader == "general" else None
        cut.extend([trailing["text"], trailing["heading"]] if trailing and heading_kind(layout, trailing["heading"]) else [line])
    return cut


def take_case_number(layout: Layout, lines: list[str]) -> tuple[str | None, list[str]]:
    """The case number from the item's first lines (before any section), and the lines without it."""
    seen = 0
    for position, line in enumerate(lines):
        if not line.strip():
            continue
        if heading_kind(layout, line) or seen == layout.case_number_lines:
            break
        seen += 1
        if BARE_CASE_LABEL.fullmatch(line.strip()):  # "Sagsnr." over its value ("450-2018-4075")
            following = next((p for p in range(position + 1, len(lines)) if lines[p].strip()), None)
            if following is not None and CASE_VALUE_LINE.fullmatch(lines[following].strip()):
                return lines[following].strip(), lines[:position] + lines[following + 1:]
        found = next((match for pattern in layout.case_number if (match := pattern.match(line.strip()))), None)
        if found and CASE_VALUE_RE.match(found["case"]):  # one the case pages and filters can take
            if layout.case_number_lines == 1:  # the line right under the heading: what precedes it is blank
                return found["case"], lines[position + 1:]
            return found["case"], lines[:position] + lines[position + 1:]
    return None, lines


def split_sections(layout: Layout, lines: list[str], title: str) -> tuple[list[Section], str | None]:
    """Cut the item body at section headings; take out the repeated title of the 2014-15 layout
    (returned beside the sections: it may be spelt otherwise than the agenda's title)."""
    blocks: list[tuple[str, str, list[str]]] = [("tekst", "", [])]
    for line in lines:
        kind = heading_kind(layout, line)
        if kind:
            blocks.append((kind, line.strip(), []))
        else:
            blocks[-1][2].append(line.rstrip())
    printed_title = drop_repeated_title(blocks, title) if title else None
    sections = []
    for kind, heading, block_lines in blocks:
        if kind == "bilag":
            text = "\n".join(strip_inline_html(line.strip()) for line in block_lines if line.strip())
        else:
            text = "\n\n".join(join_paragraphs(block_lines, layout.rejoin_page_breaks))
        if text or kind != "tekst":
            sections.append(Section(kind=kind, heading=heading, text=text))
    return [s for s in sections if s.text or s.kind in ("beslutning",)], printed_title


def drop_repeated_title(blocks: list[tuple[str, str, list[str]]], title: str) -> str | None:
    """In the 2014-15 layout the title is printed again right before the first content section
    (after the attachments, or alone). It looks like an attachment or a paragraph but is neither:
    it is taken out, and returned."""
    for index, (kind, _heading, block_lines) in enumerate(blocks[:-1]):
        if kind not in ("tekst", "bilag"):
            return None
        if blocks[index + 1][0] in ("tekst", "bilag"):
            continue
        non_empty = [i for i, line in enumerate(block_lines) if line.strip()]
        if non_empty and resembles(block_lines[non_empty[-1]], title):
            return strip_inline_html(block_lines.pop(non_empty[-1]).strip())
        return None
    return None


def resembles(line: str, title: str) -> bool:
    a, b = line.strip().lower(), title.strip().lower()
    return a == b or SequenceMatcher(None, a, b).ratio() >= 0.8
