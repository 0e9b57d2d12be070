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


def general_heads(layout: Layout, text: str) -> tuple[list[tuple[int, int, int | None, str, int, str | None]], list[int]]:
    """(line start, heading end, number, title, text start, case number) of each item, in order; and
    where a heading is printed again (a repeat ends the item before it, as a heading would)."""
    lines = line_spans(text)
    numbered, repeats = numbered_heads(layout, text, lines)
    if numbered:
        return numbered, repeats
    return case_heads(layout, text, lines) or single_head(layout, text, lines), []


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
        bare = line.strip().lstrip("•·▪◦* \t")
        if heading_kind(layout, line) or first_fullmatch(layout.case_number, bare) or (
                (label := CASE_LABEL.match(bare)) and label["case"]) \
                or any(pattern.match(bare) for pattern in layout.inline_headings):
            return True
    return False


SAG_NR = re.compile(r"^[ \t]*Sag[ \t]+nr\.?[ \t]*:?[ \t]*(?P<number>\d{1,4})[ \t]*$", re.MULTILINE)  # under its title
REPEATED_NUMBER = re.compile(r"^(?P<number>\d{1,4})\.[ \t]*")  # " 1.  1. Titel": the number printed twice
FOLD_BUTTON = re.compile(r"[ \t]*Åbn/luk punkt$")  # a web page's button, glued to the title
TITLE_DASH = re.compile(r"^[-–][ \t]+")  # "Nr.60 - Titel"


def numbered_candidates(layout: Layout, text: str, lines: list[tuple[int, int]]) -> list[tuple]:
    """Every line that could head a numbered item: (start, heading end, number, title, line index of
    the heading's last line, form). The form (bullet, label, separator, title on the next line) is
    what an archive's headings share."""
    index_of = {start: position for position, (start, _end) in enumerate(lines)}
    candidates = []
    for match in NUMBERED.finditer(text):
        title = FOLD_BUTTON.sub("", TITLE_DASH.sub("", match["title"].strip()))
        repeated = REPEATED_NUMBER.match(title)
        if repeated and repeated["number"] == match["number"]:
            title = title[repeated.end():]
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
    for match in SAG_NR.finditer(text):
        position = index_of[match.start()]
        above = next(((s, e) for s, e in reversed(lines[max(0, position - 3):position]) if text[s:e].strip()), None)
        if above is not None and looks_like_title(layout, text[above[0]:above[1]].strip()):
            candidates.append((above[0], match.end(), int(match["number"]), text[above[0]:above[1]].strip(), position,
                               (False, "Sag nr.", "", False)))
    return sorted(candidates)


def increasing(candidates: list[tuple], indexes: list[int]) -> list[int]:
    """The longest run of the candidates whose numbers go up (an earlier one wins a tie): a numbered
    line of text inside an item, or a contents entry, does not continue the items' numbers."""
    best: list[list[int]] = []
    for index in indexes:
        longest = max((run for run in best if candidates[run[-1]][2] < candidates[index][2]), key=len, default=[])
        best.append([*longest, index])
    return max(best, key=len, default=[])


def numbered_heads(layout: Layout, text: str, lines: list[tuple[int, int]]) -> tuple[list, list[int]]:
    """The numbered items' heads, and where repeats of their headings stand (each ends the item before)."""
    candidates = numbered_candidates(layout, text, lines)
    with_body = [index for index, (start, _end, _number, _title, position, _form) in enumerate(candidates)
                 if has_body(layout, text, lines, position + 1,
                             candidates[index + 1][0] if index + 1 < len(candidates) else len(text))]
    accepted = increasing(candidates, with_body)
    if not accepted:
        return [], []
    # Repeated furniture: a line of the same form as the items' headings that continues their numbers
    # by one is an item too, sections or not (an item cut short, or with a bare decision).
    forms = {candidates[index][5] for index in accepted}
    chosen = set(accepted)
    for index in range(accepted[0] + 1, len(candidates)):
        earlier = [i for i in chosen if i < index]
        if index in chosen or not earlier:
            continue
        following = min((i for i in chosen if i > index), default=None)
        number = candidates[index][2]
        if candidates[index][5] in forms and number == candidates[max(earlier)][2] + 1 \
                and (following is None or number < candidates[following][2]):
            chosen.add(index)
    # A heading printed twice ("2. Titel", then "2.     Titel" over the sections): the first print ends
    # the item before it.
    ordered = sorted(chosen)
    repeats = [candidates[i][0] for before, after in zip(ordered, ordered[1:]) for i in range(before + 1, after)
               if candidates[i][2] == candidates[after][2]]
    heads = [(start, end, number, title, end, None) for start, end, number, title, _position, _form in
             (candidates[i] for i in sorted(chosen))]
    return heads, repeats


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
            heads.append((start, end, None, "", end, case))
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
