"""Text before and inside the rules: the normalised document, inline HTML, paragraphs and page breaks."""

from __future__ import annotations

import html
import re

from ..layouts import GLUED_HEADINGS

INLINE_HTML_RE = re.compile(r"</?(?:i|b|u|em|strong|span|p|sup|sub|br|font|a)\b[^<>]*>", re.IGNORECASE)
SENTENCE_END = (".", "!", "?", ":", ";", ")", "\"", "”", "»")
# Words a sentence or heading does not end with; a paragraph ending in one was cut by a page break.
DANGLING_WORDS = frozenset(
    "og i til er at af på for med om en et den det de som der samt eller men fra ved hvor "
    "skal vil kan har blev bliver under over efter mod end så da når hvis".split())
# A web page's table flattened to text: "Dato: |", "18-03-2019 07:45:00 |", "---|---|".
TABLE_BORDER = re.compile(r"(?m)^[ \t]*(?:-{3,}[ \t]*\|[ \t]*)+$|[ \t]*\|[ \t]*$")


def normalise_text(text: str) -> str:
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    text = TABLE_BORDER.sub("", text) if "|" in text else text
    return GLUED_HEADINGS.sub(lambda match: match["heading"] + "\n", text)


def strip_inline_html(text: str) -> str:
    return html.unescape(INLINE_HTML_RE.sub("", text)) if "<" in text or "&" in text else text


def join_paragraphs(lines: list[str], rejoin_page_breaks: bool = True) -> list[str]:
    """Paragraphs are separated by blank lines; one cut by a page break is joined again (in text
    extracted from print, where a paragraph ending mid-sentence was cut by the page's end)."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in [*lines, ""]:
        if line.strip():
            current.append(strip_inline_html(line.strip() if "\t" not in line else line.strip(" ")))
        elif current:
            paragraphs.append("\n".join(current))
            current = []
    joined: list[str] = []
    for paragraph in paragraphs:
        if rejoin_page_breaks and joined and cut_by_page_break(joined[-1], paragraph):
            joined[-1] = f"{joined[-1]} {paragraph}"
        else:
            joined.append(paragraph)
    return joined


def cut_by_page_break(before: str, after: str) -> bool:
    if "\t" in before or "\t" in after or before.endswith(SENTENCE_END):
        return False
    last_word = before.rsplit(None, 1)[-1].lower()
    first = after.lstrip()[:1]
    return first.islower() or last_word in DANGLING_WORDS
