"""The general reader: where agenda items start in minutes of any family, found from several signals at
once rather than one heading pattern (the layout `generel`).

An item heading is a numbered line, in any of the forms municipalities print (`1. Titel`, `1 Titel`,
`1Titel` glued, `• 34.` with the title on the next line, `Punkt 3 Titel`, `Pkt. 197 Titel`), that
(a) is followed, before the next such line, by what every item has: a section heading of the
vocabulary Danish minutes share (Sagsnr., Resumé, Sagsfremstilling, Indstilling, Beslutning, Bilag …)
or a case number; and (b) continues the numbers before it. A contents list has no sections under its
lines, a numbered list in a case's text does not continue the items' numbers, and neither is taken.
Where no numbered line qualifies, items start at their case-number lines (`Sagsnr.: 19/7724`,
`• Sagsid.: 18/25139`); where there is none, the page is one item, titled by the line over its first
section.
"""

from __future__ import annotations

import re

from ..layouts import Layout
from .lines import first_fullmatch, heading_kind, matches_any

# A numbered line: a bullet, a "Punkt"/"Pkt."/"Sag" label, the number, then a dot, bracket or colon,
# spaces, or nothing before a capital (a number glued to its title); the title may be on the next line.
NUMBERED = re.compile(r"^[ \t]*(?P<bullet>[•·▪◦*][ \t]*)?(?P<label>(?:Punkt|Pkt|Sag|Nr)\.?[ \t]*)?(?P<number>\d{1,4})"
                      r"(?P<separator>[ \t]*[.):][ \t]*|[ \t]+|(?=[A-ZÆØÅ])|(?=[ \t]*$))(?P<title>[^\n]*?)[ \t]*$",
                      re.MULTILINE)
NOT_A_TITLE = re.compile(r"^(?:\d+[.,:/-]\d|[a-zæøå]|kr\b|%)")  # 4.740.000, 1. at …, 3 del, 12 kr
CASE_START = re.compile(r"^[ \t]*(?:[•·▪◦*][ \t]*)?(?=Sag)(?P<line>[^\n]*)$", re.MULTILINE)
LOOK_AHEAD_LINES = 12  # an item's first section follows its heading within this many lines
MAX_TITLE = 250


def general_heads(layout: Layout, text: str) -> list[tuple[int, int, int | None, str, int, str | None]]:
    """(line start, heading end, number, title, text start, case number) of each item, in order."""
    lines = line_spans(text)
    numbered = numbered_heads(layout, text, lines)
    if numbered:
        return numbered
    return case_heads(layout, text, lines) or single_head(layout, text, lines)


def line_spans(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for line in text.split("\n"):
        spans.append((start, start + len(line)))
        start += len(line) + 1
    return spans


def has_body(layout: Layout, text: str, lines: list[tuple[int, int]], first: int, stop: int) -> bool:
    """Whether a section heading or a case number follows within the look-ahead, before `stop`."""
    seen = 0
    for start, end in lines[first:]:
        if start >= stop or seen >= LOOK_AHEAD_LINES:
            return False
        line = text[start:end]
        if not line.strip():
            continue
        seen += 1
        if heading_kind(layout, line) or first_fullmatch(layout.case_number, line.strip().lstrip("•·▪◦* \t")):
            return True
    return False


def numbered_heads(layout: Layout, text: str, lines: list[tuple[int, int]]) -> list:
    index_of = {start: position for position, (start, _end) in enumerate(lines)}
    candidates = []
    for match in NUMBERED.finditer(text):
        title = match["title"].strip()
        if NOT_A_TITLE.match(title) or len(title) > MAX_TITLE or title.endswith((",", ";")):
            continue
        if first_fullmatch(layout.case_number + layout.case_before_heading, match.group(0)) \
                or heading_kind(layout, match.group(0)) or matches_any(layout.noise, match.group(0)):
            continue
        position = index_of[match.start()]
        end = match.end()
        if not title:  # the number alone: the title is the next non-empty line
            following = next(((s, e) for s, e in lines[position + 1:position + 4] if text[s:e].strip()), None)
            if following is None or heading_kind(layout, text[following[0]:following[1]]):
                continue
            title, end = text[following[0]:following[1]].strip(), following[1]
            position = index_of[following[0]]
        form = (bool(match["bullet"]), (match["label"] or "").strip(), match["separator"].strip(), not match["title"].strip())
        candidates.append((match.start(), end, int(match["number"]), title, position, form))
    accepted: list[int] = []  # indexes of candidates with an item's sections under them, numbers going up
    for index, (start, _end, number, _title, position, _form) in enumerate(candidates):
        stop = candidates[index + 1][0] if index + 1 < len(candidates) else len(text)
        if not has_body(layout, text, lines, position + 1, stop):
            continue
        if accepted and number <= candidates[accepted[-1]][2]:
            continue  # a numbered line of text inside an item: the items' numbers go up
        accepted.append(index)
    if not accepted:
        return []
    # Repeated furniture: a line of the same form as the items' headings that continues their numbers
    # by one is an item too, sections or not (an item cut short, or with a bare decision).
    forms = {candidates[index][5] for index in accepted}
    chosen = set(accepted)
    for index in range(accepted[0] + 1, len(candidates)):
        previous = max(i for i in chosen if i < index) if any(i < index for i in chosen) else None
        if index in chosen or previous is None:
            continue
        following = min((i for i in chosen if i > index), default=None)
        number = candidates[index][2]
        if candidates[index][5] in forms and number == candidates[previous][2] + 1 \
                and (following is None or number < candidates[following][2]):
            chosen.add(index)
    return [(start, end, number, title, end, None)
            for start, end, number, title, _position, _form in (candidates[i] for i in sorted(chosen))]


CASE_LABEL = re.compile(r"^Sags?(?:nr|nummer|id)\.?[ \t]*:?(?:[ \t]*(?P<case>\d[\w./-]*\d|\d)\b)?", re.IGNORECASE)
OPEN_ITEM = re.compile(r"^(?:Åben|Åbent|Åbent punkt)$", re.IGNORECASE)


def case_heads(layout: Layout, text: str, lines: list[tuple[int, int]]) -> list:
    """Items without headings: each starts at its case-number line (`Sagsnr.: 19/7724 Sagsbehandler: …`,
    `• Sagsid.:`) or at an `Åben` line; a title line right under it (not a section) is its title."""
    heads = []
    for position, (start, end) in enumerate(lines):
        line = text[start:end].strip().lstrip("•·▪◦* \t")
        label = CASE_LABEL.match(line)
        if not label and not OPEN_ITEM.fullmatch(line):
            continue
        following = next(((s, e) for s, e in lines[position + 1:position + 4] if text[s:e].strip()), None)
        candidate = text[following[0]:following[1]].strip() if following else ""
        titled = bool(candidate) and looks_like_title(layout, candidate)
        case = label["case"] if label and label["case"] else None
        if titled:
            heads.append((start, following[1], None, candidate, following[1], case))
        else:
            heads.append((start, end, None, "", end if label else end, case))
    return heads


def looks_like_title(layout: Layout, line: str) -> bool:
    """A line that can be an item's title: not a section heading, case line or page furniture, short,
    not a sentence."""
    return (not heading_kind(layout, line) and not CASE_LABEL.match(line) and not matches_any(layout.noise, line)
            and len(line) <= MAX_TITLE and not line.endswith((".", ",", ":", ";")) and line[:1].isupper())


def single_head(layout: Layout, text: str, lines: list[tuple[int, int]]) -> list:
    """A page of one item: its title is the line right over its first section."""
    previous = None
    for start, end in lines:
        line = text[start:end]
        if not line.strip():
            continue
        if heading_kind(layout, line):
            if previous is None:
                return []
            title_start, title_end = previous
            return [(title_start, title_end, None, text[title_start:title_end].strip(), title_end, None)]
        previous = (start, end)
    return []
