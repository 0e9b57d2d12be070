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
    text = unflatten(text)
    return GLUED_HEADINGS.sub(lambda match: match["heading"] + "\n", text)


# Text of a PDF flattened to one line a page (document-sharing sites' transcripts): such a line is
# split back into lines at the labels and headings minutes share. A line is flattened when it is long
# and holds several of them; prose does not.
FLAT_LINE = 400
LABELS = (r"Dok\.\s*nr\.?:|Sags?(?:id|nr|nummer)\.?:|Sagsansvarlig:|Sagsbehandler:|Initialer:|Sagen afgøres i:|"
          r"Åben sag|Lukket sag|Mødedato:|Mødetidspunkt:|Mødested:|Mødelokale:|Deltagere:|Medlemmer:|Dato:|Tidspunkt:|Sted:|"
          r"Starttidspunkt(?: for møde)?:|Sluttidspunkt(?: for møde)?:|Bemærkninger:|Afbud(?: fra/fraværende)?:|"
          r"Fraværende:|Ej til stede:|Indholdsfortegnelse")
SECTIONS = (r"Resum[eé]|Beslutningstema|Sagsfremstilling|Sagsbeskrivelse|Indstilling(?:er)?|Beslutningskompetence|"
            r"Administrationens vurdering|Økonomi og finansiering|Økonomiske konsekvenser|Lovgrundlag|Baggrund|"
            r"Høring|Bilag|Historik|Tidligere beslutninger|Handicappolitik")
# A decision heading, its date often lost in extraction: "Beslutning Økonomiudvalget den", "Beslutning
# den :", "BESLUTNING I ØKONOMIUDVALGET DEN", "Beslutning i Klima- og Miljøudvalget den 22-02-2018".
DECISION = (r"Beslutning(?:[ \t]+(?:i|fra))?(?:[ \t]+[A-ZÆØÅ][\w-]*(?:[ \t]+(?:og|for|[A-ZÆØÅ][\w-]*))*?)?[ \t]+den"
            r"(?:[ \t]+\d{1,2}[-.]\d{1,2}[-.]\d{2,4}|[ \t]+\d{1,2}\.[ \t]*[a-zæøå]+[ \t]+\d{4})?[ \t]*:?|Beslutning:?")
FLAT_MARK = re.compile(rf"(?<=\S)[ \t]+(?=(?:{LABELS})|(?:{SECTIONS}):?[ \t]+[A-ZÆØÅ0-9]|(?:{DECISION})[ \t])")
SECTION_RUN_IN = re.compile(rf"^(?P<heading>(?:{SECTIONS}):?|{DECISION})[ \t]+(?=\S)", re.IGNORECASE | re.MULTILINE)
PAGE_NUMBER = re.compile(r"^\d{1,3}[ \t]+(?:Side[ \t]+\d{1,3}[ \t]+)?")  # "3 1. Godkendelse …", "2 Side 1 …"
PAGE_FOOTER = re.compile(r"[ \t]+Side[ \t]+\d{1,3}[ \t]*$")  # "… Godkendt. Afbud: Ingen Side 2"
NUMBERED_ITEM = re.compile(r"(?<=[.!?])[ \t]+(?=\d{1,3}\.[ \t]+[A-ZÆØÅ][^\n]{0,200}?(?:Dok\.\s*nr|Sags?(?:id|nr)))")


def is_flattened(line: str) -> bool:
    """A page's lines run together: long, with several labels or headings inside."""
    if len(line) < FLAT_LINE // 4:
        return False
    marks = len(FLAT_MARK.findall(line))
    return marks >= 3 or (marks >= 2 and len(line) >= FLAT_LINE)


def unflatten(text: str) -> str:
    if not any(is_flattened(line) for line in text.split("\n")):
        return text
    lines = []
    for line in text.split("\n"):
        if not is_flattened(line):
            lines.append(line)
            continue
        line = PAGE_FOOTER.sub("", PAGE_NUMBER.sub("", line))
        line = NUMBERED_ITEM.sub("\n", FLAT_MARK.sub("\n", line))
        lines.append(SECTION_RUN_IN.sub(lambda match: match["heading"] + "\n", line))
        lines.append("")
    return "\n".join(lines)


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
