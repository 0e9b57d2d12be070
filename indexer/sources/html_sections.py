"""HTML that publishing systems give an agenda item's text in, as headed sections of plain text
(FirstAgenda: one `<h3>` per section), the way the text parser reads minutes: paragraphs a blank line
apart, list items as lines, table rows with TAB-separated cells."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

SPACE = re.compile(r"\s+")


@dataclass(slots=True)
class RawSection:
    heading: str  # "" for the text before the first <h3>
    text: str
    in_history: bool = False  # an <h3> inside "Sagens forløb" (earlier committees' decisions)


def clean(text: object) -> str:
    """A one-line text with its whitespace collapsed; "" for anything that is not text."""
    return SPACE.sub(" ", text).strip() if isinstance(text, str) else ""


# Elements whose content is no text: Aspose.Words leaves <meta> and <title>Dagsordenspunkt</title> in bodies.
SKIPPED = frozenset({"title", "style", "script", "head"})
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"})
BLOCKS = frozenset({"p", "div", "h1", "h2", "h4", "h5", "h6", "blockquote", "section", "article", "header",
                    "footer", "pre", "dl", "dt", "dd", "hr", "address", "figure", "center", "li"})
EMPTY_LIST_ITEM = re.compile(r"-|\d+\.")


def html_sections(body: str) -> list[RawSection]:
    """One section per <h3>, and one (heading "") for the text before the first <h3>, if there is any."""
    parser = SectionParser()
    parser.feed(body)
    parser.close()
    sections = [RawSection(clean("".join(heading)), paragraphs("".join(stream)), history)
                for heading, history, stream in parser.sections]
    return [s for s in sections if s.heading or s.text]


def paragraphs(stream: str) -> str:
    """Text from lines: whitespace collapsed in each (TAB-separated) cell, a blank line between paragraphs;
    an empty table row or list item is no line at all."""
    lines = ["\t".join(clean(cell) for cell in line.split("\t")) for line in stream.split("\n")]
    kept = [line for line in lines if not line or (line.strip("\t") and not EMPTY_LIST_ITEM.fullmatch(line))]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip("\n")


class SectionParser(HTMLParser):
    """FirstAgenda's Html as a stream of text and line breaks per <h3> section: a block ends a paragraph
    (a blank line), a <br> a line (so <br><br> a paragraph); a list is a paragraph of lines ("- ", or "1. "
    in an <ol>), a table one of rows whose cells are TAB-separated."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: list[tuple[list[str], bool, list[str]]] = [([], False, [])]  # heading, in history, stream
        self.open: list[tuple[str, str]] = []  # (tag, class) of the open elements
        self.skipping = 0
        self.heading: list[str] | None = None  # the text of an open <h3>
        self.lists: list[list] = []  # [tag, items so far] of each open <ul>/<ol>
        self.tables = 0  # open <table>s
        self.cells = 0  # in the row so far
        self.in_cell = False
        self.line_empty = True  # nothing but spaces since the last line break

    def emit(self, text: str) -> None:
        (self.heading if self.heading is not None else self.sections[-1][2]).append(text)
        self.line_empty = text.rstrip(" ").endswith("\n") if text.strip(" ") else self.line_empty

    def brk(self, mark: str) -> None:
        self.emit(" " if self.in_cell else mark)  # inside a cell a break is a space

    def end_line(self) -> None:
        """Where a list item or a block in one ends: a line break, but no blank line."""
        if self.in_cell or not self.line_empty:
            self.brk("\n")

    def end_block(self) -> None:
        """A block ends a paragraph; inside a list (one paragraph), a line."""
        if self.lists:
            self.end_line()
        else:
            self.brk("\n\n")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            self.open.append((tag, dict(attrs).get("class") or ""))
        if tag in SKIPPED or self.skipping:
            self.skipping += tag in SKIPPED
        elif tag == "h3" and self.heading is None:
            self.heading = []
        elif tag == "br":
            self.brk("\n")
        elif tag == "table":
            self.tables += 1
            self.brk("\n\n")
        elif tag in ("tr", "td", "th") and self.tables > 1:
            self.emit(" ")  # a nested table's cells are text of the outer table's cell
        elif tag == "tr" and self.tables:
            self.in_cell, self.cells = False, 0
            self.emit("\n")
        elif tag in ("td", "th") and self.tables:
            self.emit("\t" if self.cells else "")
            self.in_cell, self.cells = True, self.cells + 1
        elif tag in ("ul", "ol"):
            self.end_block()
            self.lists.append([tag, 0])
        elif tag == "li" and self.lists and not self.in_cell:
            self.end_line()
            self.lists[-1][1] += 1
            self.emit("- " if self.lists[-1][0] == "ul" else f"{self.lists[-1][1]}. ")
        elif tag in BLOCKS and not self.lists:  # inside a list item a block ends a line (at its end)
            self.brk("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if all(open_tag != tag for open_tag, _ in self.open):
            return  # a stray end tag
        while self.open.pop()[0] != tag:
            pass
        if tag in SKIPPED or self.skipping:
            self.skipping -= tag in SKIPPED
        elif tag == "h3" and self.heading is not None:
            heading, self.heading = self.heading, None  # an <h3> inside "Sagens forløb" quotes its history
            self.sections.append((heading, any("sagsforloeb" in css.split() for _, css in self.open), []))
            self.line_empty = True
        elif tag == "table" and self.tables:
            self.tables -= 1
            self.in_cell = self.in_cell and self.tables > 0
            self.brk("\n\n")
        elif self.tables == 1 and tag in ("tr", "td", "th"):
            self.in_cell = False
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
            self.end_block()
        elif tag in BLOCKS:
            self.end_block()

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.emit(SPACE.sub(" ", data))  # a line end in the source is a space
