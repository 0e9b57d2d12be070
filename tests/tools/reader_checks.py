"""How many of a page's hand-written expectations the reader meets (tests/fixtures/layouts/EXPECTATIONS.md):
the measure of pages of municipalities the reader has never seen.

A page's checks: its date, its committee and its item numbers (the list, in order); then, for every
expected item, its title, case number, decision text and decision types, compared with the item the
reader found under that number (else none: all four fail). A page expected to be refused has one
check, that it is refused; a page that should be read but is refused fails all its checks. A page
with a failed check is *misread silently* when the reader gave no warning beyond a cut-off mark.

    python tests/tools/reader_checks.py tests/fixtures/layouts/heldout2 [...]   # per page, then in total
"""

from __future__ import annotations

import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from indexer.load import load_meeting  # noqa: E402
from indexer.parse import ParseError  # noqa: E402


@dataclass
class PageChecks:
    page: str
    passed: int = 0
    total: int = 0
    failed: list[str] = field(default_factory=list)  # which checks, e.g. "item 3 title"
    refused: str | None = None  # the reason the reader gave, if it refused the page
    warned: bool = False  # the reader warned of something beyond a cut-off mark

    def check(self, name: str, ok: bool) -> None:
        self.total += 1
        if ok:
            self.passed += 1
        else:
            self.failed.append(name)

    @property
    def silent(self) -> bool:
        return bool(self.failed) and self.refused is None and not self.warned


def expectations(fixture: Path) -> dict:
    expected = tomllib.loads(fixture.with_name(fixture.stem + ".expected.toml").read_text(encoding="utf-8"))
    for item in expected["items"]:
        item["decision"] = item["decision"].lstrip("\n")  # a literal string's first line break is layout
    return expected


def page_checks(fixture: Path) -> PageChecks:
    expected = expectations(fixture)
    result = PageChecks(fixture.stem)
    try:
        meeting = load_meeting(fixture)
    except ParseError as error:
        meeting = None
        result.refused = str(error)
    if expected.get("refused"):
        result.check("refused", meeting is None)
        return result
    if meeting is None:
        for name in page_check_names(expected):
            result.check(name, False)
        return result
    result.warned = any("'[...]'" not in warning for warning in meeting.warnings)
    result.check("date", meeting.date.isoformat() == expected["date"])
    result.check("committee", meeting.committee == expected["committee"])
    result.check("item numbers", [item.number for item in meeting.items] == [item["number"] for item in expected["items"]])
    found = {}
    for item in meeting.items:
        found.setdefault(item.number, item)
    for wanted in expected["items"]:
        item = found.get(wanted["number"])
        number = wanted["number"]
        result.check(f"item {number} title", item is not None and item.title == wanted["title"])
        result.check(f"item {number} case number", item is not None and (item.case_number or "") == wanted["case_number"])
        result.check(f"item {number} decision", item is not None and item.decision.text == wanted["decision"])
        result.check(f"item {number} decision types", item is not None and item.decision.types == wanted["decision_types"])
    return result


def page_check_names(expected: dict) -> list[str]:
    return ["date", "committee", "item numbers"] + [f"item {item['number']} {what}" for item in expected["items"]
                                                    for what in ("title", "case number", "decision", "decision types")]


def measure(folders: list[Path]) -> list[PageChecks]:
    return [page_checks(fixture) for folder in folders for fixture in sorted(folder.glob("*.txt"))
            if fixture.with_name(fixture.stem + ".expected.toml").exists()]


def main(arguments: list[str]) -> None:
    pages = measure([Path(argument) for argument in arguments])
    for page in pages:
        state = "refused" if page.refused else "silent" if page.silent else "warned" if page.failed else "ok"
        print(f"{page.passed:3d}/{page.total:<3d} {state:8s} {page.page}"
              + (f"  ({page.refused})" if page.refused else "")
              + (f"  failed: {', '.join(page.failed[:6])}{' …' if len(page.failed) > 6 else ''}" if page.failed else ""))
    passed, total = sum(page.passed for page in pages), sum(page.total for page in pages)
    silent = sum(page.silent for page in pages)
    print(f"{passed} of {total} checks ({100 * passed / max(total, 1):.0f} %) on {len(pages)} pages; "
          f"{sum(not page.failed for page in pages)} pages read exactly; {silent} misread silently")


if __name__ == "__main__":
    main(sys.argv[1:])
