"""The page lookups behind the item, meeting and case pages, the meeting list and the health check:
stored records found by the prepared state's ids (`indexer.prepared`), read through `IndexState`,
and the index's copies of the source files. Engine-free, like the search (`indexer.search`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pyroaring import BitMap

from .document import join_sections
from .engine import Snapshot
from .highlight import Highlighter, mark
from .index_state import IndexState
from .prepared import Prepared
from .querytext import Every, Nothing, parse_query
from .schema import ORIGINAL_NAME, ORIGINALS


class PageLookups:
    """Records by meeting, item and case, and what the archive covers, from one `IndexState`."""

    def __init__(self, state: IndexState) -> None:
        self.state = state

    def item(self, meeting_id: str, number: int, text: str = "") -> dict | None:
        """One item's stored record; with `text`, each section gains `html` marking what matched."""
        with self.state.reading() as (snapshot, prepared):
            doc = prepared.by_item.get((meeting_id, number))
            if doc is None:
                return None
            record = snapshot.record(doc)
            spans: list[tuple[int, int]] = []
            title_spans: list[tuple[int, int]] = []
            if text.strip():
                tree = parse_query(text).tree
                if not isinstance(tree, (Every, Nothing)) and doc in snapshot.match(tree):
                    highlighter = Highlighter(tree)
                    spans = highlighter.spans(full_text(record), "text")
                    title_spans = highlighter.spans(record["title"], "title")
            record["title_html"] = mark(record["title"], title_spans)
            for section in record["sections"]:
                inside = [(s - section["start"], e - section["start"]) for s, e in spans
                          if section["start"] <= s and e <= section["end"]]
                section["html"] = mark(section["text"], inside)
                section["matches"] = len(inside)
            return record

    @staticmethod
    def _records(snapshot: Snapshot, prepared: Prepared, ids: BitMap) -> list[dict]:
        """Records oldest first, by meeting date and item number."""
        return [snapshot.record(doc) for doc in sorted(ids & prepared.live, key=prepared.place.__getitem__)]

    def meeting(self, meeting_id: str) -> list[dict]:
        """The records of a meeting's items, in agenda order (empty if there is no such meeting)."""
        with self.state.reading() as (snapshot, prepared):
            return self._records(snapshot, prepared, prepared.meetings.get(meeting_id, BitMap()))

    def meetings_on(self, meeting_date: str) -> list[str]:
        """The ids of the meetings held on a day (several committees may meet on one day)."""
        with self.state.reading() as (_snapshot, prepared):
            return list(prepared.meetings_on.get(meeting_date, []))

    def meetings(self) -> list[dict]:
        """Every meeting, newest first: its stored meeting fields plus the number of indexed items."""
        with self.state.reading() as (snapshot, prepared):
            overview = []
            for day in reversed(prepared.meetings_on):
                for meeting_id in prepared.meetings_on[day]:
                    ids = prepared.meetings[meeting_id]
                    meeting = snapshot.record(ids.min())["meeting"]
                    overview.append({**meeting, "item_count": len(ids)})
            return overview

    def case(self, case_number: str) -> list[dict]:
        """Every item under a case, oldest first."""
        with self.state.reading() as (snapshot, prepared):
            return self._records(snapshot, prepared, prepared.values["case"].ids(case_number))

    def records(self) -> Iterator[dict]:
        """Every item's stored record, oldest meeting first and in agenda order, all from one index
        state (a stream: the bulk export)."""
        with self.state.reading() as (snapshot, prepared):
            for doc in prepared.oldest:
                yield snapshot.record(doc)

    def neighbours(self, meeting_id: str, number: int) -> tuple[dict | None, dict | None]:
        """The items before and after an item on its meeting's agenda (None at either end)."""
        items = self.meeting(meeting_id)
        numbers = [record["number"] for record in items]
        if number not in numbers:
            return None, None
        position = numbers.index(number)
        return (items[position - 1] if position > 0 else None,
                items[position + 1] if position + 1 < len(items) else None)

    def original(self, name: str) -> Path | None:
        """The index's copy of a source file (`<sha256>.pdf`, as a record's meeting names it), if it has one."""
        if not ORIGINAL_NAME.fullmatch(name):
            return None
        path = (self.state.index_dir / ORIGINALS / name).absolute()  # a server's files are read by absolute path
        return path if path.is_file() else None

    def stats(self) -> dict:
        """What `coverage` says, plus the generation read (for the health check)."""
        with self.state.reading() as (_snapshot, prepared):
            return {"items": len(prepared.live), "meetings": len(prepared.meetings),
                    "generation": self.state.generation.name, **self._coverage(prepared)}

    def coverage(self) -> dict:
        """What the archive holds: meetings, items, and the first and last meeting date (None when empty)."""
        with self.state.reading() as (_snapshot, prepared):
            return {"meetings": len(prepared.meetings), "items": len(prepared.live), **self._coverage(prepared)}

    @staticmethod
    def _coverage(prepared: Prepared) -> dict:
        days = [day for day, ids in prepared.dates.items() if ids & prepared.live]
        return {"first_meeting": min(days, default=None), "last_meeting": max(days, default=None),
                "municipalities": sorted(prepared.values["municipality"].value_names()),
                "committees": sorted(prepared.values["committee"].value_names())}


def full_text(record: dict) -> str:
    """The indexed full text of an item: its sections, as `indexer.reading.item_document` joins them."""
    return join_sections([section["text"] for section in record["sections"]])
