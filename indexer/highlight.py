"""Snippets and marked text, engine-free: the matched words are found again by running our own
analysis over the stored text, so every engine highlights exactly what the analysis matches, at
the character offsets our tokenizer gives."""

from __future__ import annotations

import re
from html import escape

from .analysis import FULL_TEXT
from .querytext import Node, Phrase, Prefix, Term, leaves

SNIPPET_CHARS = 240


class Highlighter:
    """The terms and prefixes of a query that make an item match, per field."""

    def __init__(self, tree: Node) -> None:
        self.terms: dict[str | None, set[str]] = {}
        self.prefixes: dict[str | None, tuple[str, ...]] = {}
        for leaf in leaves(tree):
            if isinstance(leaf, (Term, Phrase)):
                self.terms.setdefault(leaf.field, set()).update(leaf.terms)
                if isinstance(leaf, Term) and leaf.part_term is not None:
                    # A part term's offsets are its compound's: `fravær` marks sygefravær.
                    self.terms[leaf.field].add(leaf.part_term)
            elif isinstance(leaf, Prefix):
                self.prefixes[leaf.field] = (*self.prefixes.get(leaf.field, ()), leaf.prefix, leaf.part_prefix)
        # Per field, each word seen -> the offsets in it of the forms that match: the hits of one
        # page share most of their words, so each is analysed and checked once a query.
        self._matching: dict[str, dict[str, tuple[tuple[int, int], ...]]] = {}

    def spans(self, text: str, field: str) -> list[tuple[int, int]]:
        """Character offsets in `text` (of `field`) of the words the query matches there."""
        terms = self.terms.get(None, set()) | self.terms.get(field, set())
        prefixes = self.prefixes.get(None, ()) + self.prefixes.get(field, ())
        if not terms and not prefixes:
            return []
        matching = self._matching.setdefault(field, {})
        index_forms = FULL_TEXT.index_forms
        found = []
        for match in FULL_TEXT.tokenizer.regex.finditer(text):
            word = match.group()
            parts = matching.get(word)
            if parts is None:
                parts = matching[word] = tuple((start, end) for term, start, end in index_forms(word)
                                               if term in terms or (prefixes and term.startswith(prefixes)))
            if parts:
                offset = match.start()
                found.extend((offset + start, offset + end) for start, end in parts)
        return merge_spans(found)


def merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(set(spans)):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def mark(text: str, spans: list[tuple[int, int]]) -> str:
    """Escape `text` and wrap each span in <mark>."""
    out, position = [], 0
    for start, end in spans:
        out.append(escape(text[position:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    out.append(escape(text[position:]))
    return "".join(out)


def best_snippet(sections: list[dict], spans: list[tuple[int, int]]) -> tuple[dict | None, str]:
    """The section with most matches, and a window of it around its densest run of matches."""
    if not sections:
        return None, ""
    best, best_spans = None, []
    for section in sections:
        inside = [(s - section["start"], e - section["start"]) for s, e in spans
                  if section["start"] <= s and e <= section["end"]]
        if len(inside) > len(best_spans):
            best, best_spans = section, inside
    if best is None:  # nothing matched in the text (a case or title match): show the decision
        best = next((s for s in sections if s["kind"] == "beslutning" and s["text"]), sections[0])
    text = best["text"]
    start = 0
    if best_spans:
        anchor = max(best_spans, key=lambda span: sum(1 for s, _ in best_spans if span[0] <= s < span[0] + SNIPPET_CHARS))
        start = max(0, anchor[0] - 60)
        if start:
            space = text.find(" ", start)
            start = space + 1 if 0 <= space < anchor[0] else start
    end = min(len(text), start + SNIPPET_CHARS)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    window = [(max(s, start) - start, min(e, end) - start) for s, e in best_spans if s < end and e > start]
    snippet = mark(text[start:end], window).replace("\n\n", " · ")  # keep paragraph breaks visible
    snippet = re.sub(r"\s+", " ", snippet).strip(" ·")
    return best, ("… " if start else "") + snippet + (" …" if end < len(text) else "")
