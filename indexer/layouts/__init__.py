"""Minutes layouts as data: one TOML file per layout family in this folder, over `base.toml`.

A layout says how one family of minutes prints its header (committee, date, time, place), where an
agenda item starts, how the case number, the sections and the decision are headed, and which lines are
page furniture or attendance. The parser (`indexer.parse`) runs the same rules with any layout, so
adding a municipality's layout is adding a file here. Pure: the files are read once, at import.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from ..model import DANISH_MONTHS, slug

MONTHS = {name: number for number, name in enumerate(DANISH_MONTHS, 1)}


@dataclass(frozen=True, slots=True)
class Layout:
    name: str  # the file's stem; `--layout NAME`
    description: str
    item_hint: str  # what an item heading looks like, for the error when none is found
    priority: int  # detection tries layouts from the lowest up
    municipality: str | None  # fixed for a municipality's own layout; else from the path or the text
    signature: tuple[re.Pattern[str], ...]  # all must be found for detection to try the layout
    committee: tuple[re.Pattern[str], ...]  # searched in the front matter; the first pattern found wins
    committee_line: tuple[re.Pattern[str], ...]  # a name by its ending, after the decision heading's
    date: tuple[re.Pattern[str], ...]
    start_time: tuple[re.Pattern[str], ...]
    location: tuple[re.Pattern[str], ...]
    participants: tuple[re.Pattern[str], ...]
    item_heading: tuple[re.Pattern[str], ...]  # a whole line; groups `number` and `title` where printed
    heading_after_blank: bool  # a heading follows a blank line (tells numbered items from numbered lists)
    heading_keeps_line: bool  # the heading line is the item's first line, not a title
    single_item: bool  # the page holds one item: the first heading found starts it
    item_numbers: str  # "strict": a repeated number refuses the file; "increasing": a number that does
    # not continue the sequence is a numbered line of text
    contents: re.Pattern[str] | None  # the heading of a contents list before the items
    case_number: tuple[re.Pattern[str], ...]  # a whole line, group `case`
    case_number_lines: int  # looked for in this many first non-empty lines of an item
    case_before_heading: tuple[re.Pattern[str], ...]  # a whole line right before an item's heading
    sections: tuple[tuple[str, re.Pattern[str]], ...]  # (kind, whole stripped line, case-insensitive)
    noise: tuple[re.Pattern[str], ...]
    attendance: tuple[re.Pattern[str], ...]  # a whole line in a decision
    attendance_heading: tuple[re.Pattern[str], ...]  # a whole line with a bulleted list of names under it
    attachments: tuple[re.Pattern[str], ...]
    inline_headings: tuple[re.Pattern[str], ...]  # a heading running into its text: group `heading`
    cut_mark: re.Pattern[str] | None  # where a stored page was cut short
    rejoin_page_breaks: bool  # a paragraph ending mid-sentence continues in the next (text from print)
    decision_sub_headings: bool  # a short unpunctuated line in a decision heads a part of it
    reader: str = "patterns"  # "general": items found by `indexer.parsing.general`, not by [items] heading


class LayoutError(ValueError):
    """A layout file is malformed; the message names the file and key."""


def _patterns(values: Any, where: str, flags: int = re.MULTILINE) -> tuple[re.Pattern[str], ...]:
    if isinstance(values, str):
        values = [values]
    try:
        return tuple(re.compile(value, flags) for value in values)
    except (re.error, TypeError) as error:
        raise LayoutError(f"{where}: not a list of regular expressions: {error}") from None


# Every key a layout file may set, by table ([sections] takes any kind).
KEYS: dict[str | None, set[str]] = {
    None: {"description", "item_hint", "priority", "municipality", "signature", "item_numbers",
           "heading_after_blank", "heading_keeps_line", "single_item", "case_number_lines",
           "rejoin_page_breaks", "decision_sub_headings", "glued_headings", "reader", "header", "items", "sections",
           "lines"},
    "header": {"committee", "committee_line", "date", "start_time", "location", "participants"},
    "items": {"heading", "contents", "case_number"},
    "items.case_number": {"patterns", "before_heading"},
    "lines": {"noise", "attendance", "attendance_heading", "attachments", "inline_headings", "cut_mark"},
}


def check_keys(data: dict, where: str) -> None:
    """A misspelt key would be ignored silently, and the layout read otherwise than its author meant."""
    for table, known in KEYS.items():
        values = data
        for step in (table or "").split(".") if table else ():
            values = values.get(step, {})
        unknown = sorted(set(values) - known)
        if unknown:
            raise LayoutError(f"{where}: unknown key {'.'.join(filter(None, (table, unknown[0])))}")
    if data.get("reader", "patterns") not in ("patterns", "general"):
        raise LayoutError(f"{where}: reader must be 'patterns' or 'general'")
    if data.get("item_numbers", "increasing") not in ("increasing", "strict"):
        raise LayoutError(f"{where}: item_numbers must be 'increasing' or 'strict'")
    for key in ("heading_after_blank", "heading_keeps_line", "single_item", "rejoin_page_breaks",
                "decision_sub_headings"):
        if not isinstance(data.get(key, False), bool):
            raise LayoutError(f"{where}: {key} must be true or false")
    for key in ("priority", "case_number_lines"):
        if key in data and (not isinstance(data[key], int) or isinstance(data[key], bool)):
            raise LayoutError(f"{where}: {key} must be a whole number")


def _merge(base: dict, override: dict) -> dict:
    merged = dict(base)
    for key, value in override.items():
        merged[key] = _merge(base[key], value) if isinstance(value, dict) and isinstance(base.get(key), dict) \
            and key != "sections" else value
    return merged


def layout_from_toml(name: str, data: dict, base: dict) -> Layout:
    where = f"indexer/layouts/{name}.toml"
    check_keys(data, where)
    spec = _merge(base, data)
    header, items, lines = spec.get("header", {}), spec.get("items", {}), spec.get("lines", {})
    line_flags = re.IGNORECASE
    contents = items.get("contents")
    cut_mark = lines.get("cut_mark")
    return Layout(
        name=name,
        description=spec.get("description", ""),
        item_hint=spec.get("item_hint", f"no item headings of layout '{name}'"),
        priority=int(spec.get("priority", 50)),
        municipality=spec.get("municipality"),
        signature=_patterns(spec.get("signature", []), f"{where}: signature"),
        committee=_patterns(header.get("committee", []), f"{where}: header.committee"),
        committee_line=_patterns(header.get("committee_line", []), f"{where}: header.committee_line"),
        date=_patterns(header.get("date", []), f"{where}: header.date"),
        start_time=_patterns(header.get("start_time", []), f"{where}: header.start_time"),
        location=_patterns(header.get("location", []), f"{where}: header.location"),
        participants=_patterns(header.get("participants", []), f"{where}: header.participants"),
        item_heading=_patterns(items.get("heading", []), f"{where}: items.heading"),
        heading_after_blank=bool(spec.get("heading_after_blank", False)),
        heading_keeps_line=bool(spec.get("heading_keeps_line", False)),
        single_item=bool(spec.get("single_item", False)),
        item_numbers=spec.get("item_numbers", "increasing"),
        contents=_patterns(contents, f"{where}: items.contents")[0] if contents else None,
        case_number=_patterns(items.get("case_number", {}).get("patterns", []), f"{where}: items.case_number",
                              line_flags),
        case_number_lines=int(spec.get("case_number_lines", 4)),
        case_before_heading=_patterns(items.get("case_number", {}).get("before_heading", []),
                                      f"{where}: items.case_number.before_heading", line_flags),
        sections=tuple((kind, pattern) for kind, values in spec.get("sections", {}).items()
                       for pattern in _patterns(values, f"{where}: sections.{kind}", line_flags)),
        noise=_patterns(lines.get("noise", []), f"{where}: lines.noise", line_flags),
        attendance=_patterns(lines.get("attendance", []), f"{where}: lines.attendance", line_flags),
        attendance_heading=_patterns(lines.get("attendance_heading", []), f"{where}: lines.attendance_heading",
                                     line_flags),
        inline_headings=_patterns(lines.get("inline_headings", []), f"{where}: lines.inline_headings", line_flags),
        attachments=_patterns(lines.get("attachments", []), f"{where}: lines.attachments", line_flags),
        cut_mark=_patterns(cut_mark, f"{where}: lines.cut_mark", 0)[0] if cut_mark else None,
        rejoin_page_breaks=bool(spec.get("rejoin_page_breaks", False)),
        decision_sub_headings=bool(spec.get("decision_sub_headings", False)),
        reader=spec.get("reader", "patterns"),
    )


BASE: dict = tomllib.loads(resources.files(__package__).joinpath("base.toml").read_text(encoding="utf-8"))


def load_layouts(base: dict = BASE) -> tuple[Layout, ...]:
    """Every layout in this folder, in detection order (priority, then name)."""
    folder = resources.files(__package__)
    check_keys(base, "indexer/layouts/base.toml")
    layouts = []
    for entry in folder.iterdir():
        if entry.name.endswith(".toml") and entry.name != "base.toml":
            name = entry.name.removesuffix(".toml")
            try:
                data = tomllib.loads(entry.read_text(encoding="utf-8"))
            except tomllib.TOMLDecodeError as error:
                raise LayoutError(f"indexer/layouts/{entry.name}: {error}") from None
            layouts.append(layout_from_toml(name, data, base))
    return tuple(sorted(layouts, key=lambda layout: (layout.priority, layout.name)))


LAYOUTS: tuple[Layout, ...] = load_layouts()
GLUED_HEADINGS: re.Pattern[str] = re.compile(BASE["glued_headings"])  # every text's, before a layout is picked
LAYOUTS_BY_NAME: dict[str, Layout] = {layout.name: layout for layout in LAYOUTS}
# Every kind of section an item may have: the text before its first heading, and each kind a layout's
# [sections] names (the published API's enum, webui/openapi.py, is this).
UNHEADED_SECTION = "tekst"
SECTION_KINDS: tuple[str, ...] = (UNHEADED_SECTION, *dict.fromkeys(kind for layout in LAYOUTS for kind, _ in layout.sections))


def get_layout(name: str) -> Layout:
    try:
        return LAYOUTS_BY_NAME[name]
    except KeyError:
        raise LayoutError(f"no layout named '{name}' (known: {', '.join(LAYOUTS_BY_NAME)})") from None


def _load_municipalities() -> tuple[str, ...]:
    text = resources.files("indexer").joinpath("data/municipalities.txt").read_text(encoding="utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


MUNICIPALITIES: tuple[str, ...] = _load_municipalities()
MUNICIPALITY_SLUGS: dict[str, str] = {slug(name): name for name in MUNICIPALITIES}  # hoeje-taastrup → Høje-Taastrup
