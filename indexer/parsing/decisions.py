"""A decision's text in parts ('Ad N.', Direktionen's sub-headings), each classified by its strongest verdict."""

from __future__ import annotations

import re

from ..model import Decision, SubDecision
from .text import SENTENCE_END
from .votes import read_vote

# Decision rules: the strongest verdict in a (sub-)decision wins, in this order. A committee that
# recommends a matter to the council ("Anbefales", "anbefales godkendt") has not decided it: anbefalet.
DECISION_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("afvist", re.compile(r"\bikke\s+(?:blevet\s+|blev\s+)?(?:godkend\w*|tiltr\w*|bevilge\w*|anbefal\w*|vedtag\w*)"
                          r"|\b(?:anbefales|godkendes|tiltrædes|vedtages)\s+ikke\b"
                          r"|\bafvis\w*|\bafvist\b|\bafslå\w*|\bafslag\b")),
    ("anbefalet", re.compile(r"\banbefale(?:s|t|de|r)\b|\bkan\s+anbefale\b"
                             r"|\bindstilles\s+(?:til\s+(?:godkendelse|vedtagelse)|godkendt|vedtaget)\b")),
    ("godkendt", re.compile(r"\bgodkend(?:t|te|tes|es|er)?\b|\btiltrådt\w*|(?<!der er )(?<!som er )\bbevilge(?:t|de)\b"
                            r"|\bvedtag(?:et|es)\b|\bvedtog\b")),
    ("udskudt", re.compile(r"\budskudt\w*|\budskyd\w*|\budsat(?:te)?\b|\budsættes\b")),
    ("taget-til-efterretning", re.compile(r"\btil\s+efterretning\b")),
    ("droeftet", re.compile(r"\bdrøftede?\b|\bdrøftet\b|\bdrøftelse\b|\bblev\s+vendt\b")),
]
# A decision that only says there was nothing to decide.
NOTHING_DECIDED = frozenset({"", "ingen", "intet", "-", "–", "—"})
# "Ad 1. Taget til efterretning." starts the decision on the recommendation's first point.
SUB_DECISION_RE = re.compile(r"^(?P<heading>Ad\s+\d+[.)]?)\s+(?P<text>\S.*)", re.DOTALL)


# A quoted name is not a verdict: jf. punktet "Sager til efterretning".
QUOTED = re.compile(r"[\"“”„»«][^\"“”„»«\n]{1,80}[\"“”„»«]")


def no_decision() -> Decision:
    """The decision of an item that has none."""
    return Decision("", [SubDecision(None, "", "ingen-beslutning")])


# A member's or party's dissent beside the verdict ("Claus Redder Madsen (F) kan ikke anbefale
# indstillingen."): it does not turn the committee's verdict into a rejection.
DISSENT = re.compile(r"[^.\n]*\([A-ZÆØÅ]{1,3}\)[^.\n]*?\b(?:kan\s+ikke\s+(?:anbefale|godkende|tiltræde)|stemte\s+imod"
                     r"|tog\s+forbehold|tager\s+forbehold|var\s+imod)\b[^.\n]*\.?", re.IGNORECASE)


def classify_decision(text: str) -> str:
    without_dissent = DISSENT.sub(" ", text)
    if without_dissent.strip():
        text = without_dissent
    lowered = QUOTED.sub(" ", text.lower())
    if lowered.strip().rstrip(".").strip() in NOTHING_DECIDED:
        return "ingen-beslutning"
    for kind, pattern in DECISION_RULES:
        if pattern.search(lowered):
            return kind
    return "andet"


def is_sub_heading(paragraph: str) -> bool:
    """A short line without end punctuation and without a verdict of its own, e.g. 'Direktionens puljer'."""
    if "\n" in paragraph or paragraph.endswith(SENTENCE_END) or paragraph.startswith(("-", "•", "·")):
        return False
    return len(paragraph.split()) <= 6 and classify_decision(paragraph) == "andet"


def parse_decision(text: str, sub_headings: bool = True) -> Decision:
    """The decision's parts: one per 'Ad N.' paragraph, and (with `sub_headings`, Direktionen's way)
    one per short unpunctuated line heading the paragraphs under it."""
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    if not paragraphs:
        return no_decision()
    groups: list[tuple[str | None, list[str]]] = [(None, [])]
    for index, paragraph in enumerate(paragraphs):
        followed = index + 1 < len(paragraphs) and not is_sub_heading(paragraphs[index + 1])
        point = SUB_DECISION_RE.match(paragraph)
        if point:
            groups.append((point["heading"], [point["text"]]))
        elif sub_headings and followed and is_sub_heading(paragraph):
            groups.append((paragraph, []))
        else:
            groups[-1][1].append(paragraph)
    parts = [
        SubDecision(heading, "\n\n".join(body), classify_decision("\n".join(body)))
        for heading, body in groups
        if body
    ]
    text = "\n\n".join(paragraphs)
    return Decision(text, parts, read_vote(text))
