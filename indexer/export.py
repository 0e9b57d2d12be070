"""The bulk export: every item of the archive with its meeting, sections and decision, for researchers
and journalists (`minutes export`, `/api/export.jsonl`). Streamed: one item in memory at a time.

JSON Lines: one item a line, the item as `/api/items/{id}` gives it (the OpenAPI document's `Item`)
plus `url`, its page. CSV: one row an item, the columns of `CSV_COLUMNS`, lists joined by "; ", the
full text in `text`; cells that a spreadsheet would run as a formula are made text.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator

from .addresses import item_url
from .lookups import full_text
from .safetext import spreadsheet_safe

EXPORT_FORMATS = ("jsonl", "csv")
CSV_COLUMNS = ("id", "meeting_date", "municipality", "committee", "number", "title", "case_number", "closed",
               "decision_types", "decision", "centres", "proposers", "attachments", "url", "text")


def exported(record: dict, base_url: str) -> dict:
    """A stored record as exported: the item, and the address of its page."""
    return {**record, "url": base_url.rstrip("/") + item_url(record["meeting"]["id"], record["number"])}


def jsonl_lines(records: Iterable[dict], base_url: str) -> Iterator[str]:
    for record in records:
        yield json.dumps(exported(record, base_url), ensure_ascii=False) + "\n"


def csv_lines(records: Iterable[dict], base_url: str) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def row(values: Iterable) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(values)
        return buffer.getvalue()

    yield "\ufeff" + row(CSV_COLUMNS)  # a BOM, so spreadsheet programs read the Danish letters as UTF-8
    for record in records:
        item = exported(record, base_url)
        meeting = item["meeting"]
        yield row([
            item["id"], meeting["date"], meeting.get("municipality") or "", spreadsheet_safe(meeting["committee"]),
            item["number"], spreadsheet_safe(item["title"]), item["case_number"] or "",
            "true" if item["closed"] else "false", "; ".join(item["decision"]["types"]),
            spreadsheet_safe(item["decision"]["text"]), "; ".join(item["centres"]), "; ".join(item["proposers"]),
            spreadsheet_safe("; ".join(item["attachments"])), item["url"], spreadsheet_safe(full_text(record))])


def export_lines(records: Iterable[dict], output: str, base_url: str) -> Iterator[str]:
    """The export of `records` in `output` (one of EXPORT_FORMATS)."""
    if output not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format '{output}'; known: {', '.join(EXPORT_FORMATS)}")
    return jsonl_lines(records, base_url) if output == "jsonl" else csv_lines(records, base_url)
