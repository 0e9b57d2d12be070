"""The user's query string -> our own query tree, plus Danish notices for what was changed.

Engine-free: an engine only translates the tree (`indexer.engines`). The language (README, "Query
language"): words are ANDed; "a phrase"; `word*` a prefix; `field:word`, `field:"a phrase"` and
`field:(...)`; brackets; `OR`/`ELLER`, `AND`/`OG`, `NOT`/`IKKE`, `ANDNOT`, `ANDMAYBE`, `REQUIRE`
(upper case only, so ordinary words stay words); `+word` required and `-word` excluded at every
bracket level; a bare case number (14/32918) means the case. Explicit operators bind tighter than
the plain AND of neighbouring words, `AND` tighter than `OR`. Nothing a user types is an error:
what cannot be read is searched as its plain words, with a notice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .analysis import DANISH_STOPWORDS, PART_MARK, query_terms
from .document import TEXT_FIELDS as DOCUMENT_TEXT_FIELDS
from .model import CASE_NUMBER, CASE_RE

MAX_QUERY_CHARS = 500
MAX_TERMS = 40

# The full-text fields and their BM25F boosts (`indexer.document`). A word without a field is searched
# in all of them.
TEXT_FIELDS = DOCUMENT_TEXT_FIELDS
# A word found as a part of a compound (fravær in sygefravær) weighs this much of the word on its
# own, so that items holding the word itself rank first.
PART_BOOST = 0.1
CASE_FIELD = "case"  # a keyword field: its values are matched exactly, never analysed
FIELD_NAMES = {"title": "title", "titel": "title", "decision": "decision", "beslutning": "decision",
               "attachments": "attachments", "bilag": "attachments", "text": "text", "tekst": "text",
               "case": CASE_FIELD, "sag": CASE_FIELD, "sagsnr": CASE_FIELD}

TOO_LONG = f"Søgningen var for lang og er afkortet til {MAX_QUERY_CHARS} tegn."
TOO_MANY_WORDS = f"Kun de første {MAX_TERMS} ord er brugt."
WILDCARD = "Jokertegn (*) virker kun efter mindst to bogstaver, fx revision*."
NOT_READ = "Søgningen kunne ikke læses som avanceret søgning; der er i stedet søgt på ordene."
LONE_OPERATOR = "{} mangler et ord på den ene side og er ikke brugt."


# -- the tree -------------------------------------------------------------------------------------

class Node:
    """A node of the query tree. Leaves name a field, or None for every full-text field."""


@dataclass(frozen=True, slots=True)
class Every(Node):
    """Every item (an empty query browses)."""


@dataclass(frozen=True, slots=True)
class Nothing(Node):
    """No item (nothing searchable was left of the query)."""


@dataclass(frozen=True, slots=True)
class Term(Node):
    field: str | None
    terms: tuple[str, ...]  # analysed; a word that analyses to several terms needs all of them
    parts: bool = True  # also found as a part of compounds (not when quoted: "fravær" is the word alone)

    @property
    def part_term(self) -> str | None:
        """The index term of this word as a compound part (weighted by PART_BOOST), if it has one."""
        return PART_MARK + self.terms[0] if self.parts and len(self.terms) == 1 else None


@dataclass(frozen=True, slots=True)
class Phrase(Node):
    field: str | None
    terms: tuple[str, ...]  # analysed, adjacent and in this order


@dataclass(frozen=True, slots=True)
class Prefix(Node):
    field: str | None
    prefix: str  # lower case, matched against index terms as typed (never stemmed)

    @property
    def part_prefix(self) -> str:
        """The prefix of compound parts' index terms (weighted by PART_BOOST)."""
        return PART_MARK + self.prefix


@dataclass(frozen=True, slots=True)
class Exact(Node):
    field: str  # a keyword field (the case number)
    value: str


@dataclass(frozen=True, slots=True)
class And(Node):
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or(Node):
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class AndNot(Node):
    positive: Node
    negative: Node


@dataclass(frozen=True, slots=True)
class AndMaybe(Node):
    """Items matching `required`; those also matching `optional` rank higher."""
    required: Node
    optional: Node


@dataclass(frozen=True, slots=True)
class Not(Node):
    """Every item except those matching `child`."""
    child: Node


@dataclass(slots=True)
class ParsedQuery:
    tree: Node
    notices: list[str]


def leaves(node: Node, positive: bool = True):
    """The leaves that make an item match (excluded ones left out): what highlighting marks."""
    if isinstance(node, (And, Or)):
        for child in node.children:
            yield from leaves(child, positive)
    elif isinstance(node, AndNot):
        yield from leaves(node.positive, positive)
    elif isinstance(node, AndMaybe):
        yield from leaves(node.required, positive)
        yield from leaves(node.optional, positive)
    elif isinstance(node, (Term, Phrase, Prefix, Exact)):
        yield node


# -- lexing ---------------------------------------------------------------------------------------

BINARY = {"AND": "AND", "OG": "AND", "OR": "OR", "ELLER": "OR", "ANDNOT": "ANDNOT", "ANDMAYBE": "ANDMAYBE",
          "REQUIRE": "REQUIRE"}
NEGATION = {"NOT", "IKKE"}
# Operators bind in this order, tightest first; the plain AND of neighbours comes last.
PRECEDENCE = ("ANDNOT", "ANDMAYBE", "REQUIRE", "AND", "OR")

LEXEME = re.compile(r"""
    (?P<space>\s+)
  | (?P<open>\()
  | (?P<close>\))
  | (?P<field>[A-Za-zæøå]+):(?=[^\s)])
  | (?P<phrase>"[^"]*"?)
  | (?P<word>[^\s()"]+)
""", re.VERBOSE)
WORD = re.compile(r'[^\s()"]+')
MAX_DEPTH = 20  # brackets nested deeper than this are not read as brackets


@dataclass(slots=True)
class Lexeme:
    kind: str  # open, close, field, phrase, word, op, not, plus, minus
    text: str


def lex(text: str, notices: list[str] | None = None) -> list[Lexeme]:
    """The lexemes of a query. An operator at the start or end of the query or of a bracket (`kmd OR`,
    `(OG drift)`) has nothing to join: it is dropped with a notice, not searched as the word "or" (an
    operator that is the whole query is the word)."""
    lexemes: list[Lexeme] = []
    position = 0
    while position < len(text):
        start = position
        match = LEXEME.match(text, position)
        assert match is not None  # the word alternative takes any other character
        kind, value = match.lastgroup, match.group()
        if kind == "field" and value[:-1].lower() not in FIELD_NAMES:
            kind, value = "word", WORD.match(text, start).group()  # not our field: "kl:10" is a word
        position = start + len(value)
        before = text[start - 1] if start else ""
        after = text[position] if position < len(text) else ""
        if kind == "space":
            continue
        if kind == "word":
            starts_a_word = not before or before.isspace() or before == "("
            rest = text[position:].lstrip()
            alone = text.strip() == value  # the whole query: a word ("AND" may be searched for)
            if not alone and value in BINARY and (not text[:start].strip() or text[:start].rstrip().endswith("(")
                                    or not rest or rest.startswith(")")):
                _notice(notices if notices is not None else [], LONE_OPERATOR.format(f'"{value}"'))
                continue
            if not alone and value in NEGATION and starts_a_word and (not rest or rest.startswith(")")):
                _notice(notices if notices is not None else [], LONE_OPERATOR.format(f'"{value}"'))
                continue
            if value in BINARY and before.isspace() and after.isspace():
                lexemes.append(Lexeme("op", BINARY[value]))
                continue
            if value in NEGATION and starts_a_word and after.isspace():
                lexemes.append(Lexeme("not", value))
                continue
            if starts_a_word and value[0] in "+-":
                # +word / -word; the sign may also stand before a bracket or a phrase.
                lexemes.append(Lexeme("plus" if value[0] == "+" else "minus", value[0]))
                position = start + 1
                continue
        lexemes.append(Lexeme(kind, value))
    return lexemes


# -- parsing --------------------------------------------------------------------------------------

class QuerySyntaxError(ValueError):
    pass


class _Marker:
    """+, - and NOT, and binary operators, waiting in a group's list for their operands."""

    def __init__(self, kind: str) -> None:
        self.kind = kind


class Parser:
    def __init__(self, lexemes: list[Lexeme], notices: list[str]) -> None:
        self.lexemes = lexemes
        self.position = 0
        self.notices = notices
        # Stop words are dropped from the loose words, unless every loose word is one.
        loose = [lexeme.text for lexeme in lexemes if lexeme.kind == "word"]
        self.drop_stopwords = any(not is_stopword(word) for word in loose)

    def parse(self) -> Node | None:
        node = self.group(field=None)
        if self.position < len(self.lexemes):  # a ")" with no "(" before it
            raise QuerySyntaxError("unbalanced bracket")
        return node

    def group(self, field: str | None, depth: int = 0) -> Node | None:
        if depth > MAX_DEPTH:
            raise QuerySyntaxError("brackets nested too deep")
        items: list[Node | _Marker] = []
        while self.position < len(self.lexemes):
            lexeme = self.lexemes[self.position]
            if lexeme.kind == "close":
                break
            self.position += 1
            if lexeme.kind == "op":
                items.append(_Marker(lexeme.text))
            elif lexeme.kind in ("not", "plus", "minus"):
                items.append(_Marker(lexeme.kind))
            else:
                node = self.operand(lexeme, field, depth)
                if node is not None:
                    items.append(node)
        return combine(items)

    def operand(self, lexeme: Lexeme, field: str | None, depth: int) -> Node | None:
        if lexeme.kind == "open":
            node = self.group(field, depth + 1)
            if self.position < len(self.lexemes):
                self.position += 1  # the closing bracket; an unclosed one is closed at the end
            return node
        if lexeme.kind == "field":
            named = FIELD_NAMES[lexeme.text[:-1].lower()]
            if self.position >= len(self.lexemes):
                return None
            following = self.lexemes[self.position]
            if following.kind not in ("open", "phrase", "word"):
                return None
            self.position += 1
            return self.operand(following, named, depth)
        if lexeme.kind == "phrase":
            return phrase_node(lexeme.text.strip('"'), field)
        if lexeme.kind == "word":
            if field is None and self.drop_stopwords and is_stopword(lexeme.text):
                return None
            return word_node(lexeme.text, field, self.notices)
        return None


def is_stopword(word: str) -> bool:
    return not word.isupper() and word.lower() in DANISH_STOPWORDS


def combine(items: list) -> Node | None:
    """One bracket level: NOT, then the binary operators by precedence, then + and - among the rest."""
    items = _negations(items)
    for operator in PRECEDENCE:
        items = _binary(items, operator)
    return _plus_minus(items)


def _negations(items: list) -> list:
    out: list = []
    for item in items:
        if out and isinstance(out[-1], _Marker) and out[-1].kind == "not" and isinstance(item, Node):
            out[-1] = _Marker("minus-not")
            out.append(item)
        else:
            out.append(item)
    # A NOT with nothing to negate is dropped; "a NOT b" means "a -b" (and "NOT b" alone everything else).
    return [_Marker("minus") if isinstance(i, _Marker) and i.kind == "minus-not" else i
            for i in out if not (isinstance(i, _Marker) and i.kind == "not")]


def _binary(items: list, operator: str) -> list:
    out: list = []
    index = 0
    while index < len(items):
        item = items[index]
        if isinstance(item, _Marker) and item.kind == operator:
            left = out[-1] if out and isinstance(out[-1], Node) else None
            right = items[index + 1] if index + 1 < len(items) and isinstance(items[index + 1], Node) else None
            # A sign before the right operand belongs to it: "a OR -b" is read as "a OR (everything but b)".
            if right is None and index + 2 < len(items) and isinstance(items[index + 1], _Marker) \
                    and items[index + 1].kind in ("plus", "minus") and isinstance(items[index + 2], Node):
                sign, operand = items[index + 1].kind, items[index + 2]
                right = operand if sign == "plus" else Not(operand)
                index += 1
            if left is None or right is None:
                index += 1  # an operator missing an operand is dropped
                continue
            out[-1] = _join(operator, left, right)
            index += 2
            continue
        out.append(item)
        index += 1
    return out


def _join(operator: str, left: Node, right: Node) -> Node:
    if operator == "AND":
        return And((*(left.children if isinstance(left, And) else (left,)), right))
    if operator == "OR":
        return Or((*(left.children if isinstance(left, Or) else (left,)), right))
    if operator == "ANDNOT":
        return AndNot(left, right)
    if operator == "ANDMAYBE":
        return AndMaybe(left, right)
    return And((left, right))  # REQUIRE: both must match, scored by the left


def _plus_minus(items: list) -> Node | None:
    required: list[Node] = []
    banned: list[Node] = []
    optional: list[Node] = []
    target = optional
    for item in items:
        if isinstance(item, _Marker):
            if item.kind == "plus":
                target = required
            elif item.kind == "minus":
                target = banned
            continue  # a sign with no word after it is dropped with the next marker
        if isinstance(item, Not) and target is not banned:
            target = banned  # "kmd (-drift)": an excluded group excludes from its neighbours
            item = item.child
        target.append(item)
        target = optional
    kept_required = _all(required)
    kept_optional = _all(optional)
    if kept_required is not None and kept_optional is not None:
        kept: Node | None = AndMaybe(kept_required, kept_optional)
    else:
        kept = kept_required or kept_optional
    if banned:
        excluded = banned[0] if len(banned) == 1 else Or(tuple(banned))
        return AndNot(kept, excluded) if kept is not None else Not(excluded)
    return kept


def _all(nodes: list[Node]) -> Node | None:
    if not nodes:
        return None
    return nodes[0] if len(nodes) == 1 else And(tuple(nodes))


def word_node(word: str, field: str | None, notices: list[str]) -> Node | None:
    if field == CASE_FIELD:
        return Exact(CASE_FIELD, word.strip(".,;:!"))
    core = word.strip(".,;:!")
    if field is None and CASE_RE.match(core):
        return Exact(CASE_FIELD, core)  # a bare case number means the case, not a word in the text
    if "*" in word:
        stars = word.rstrip("*")
        prefix = stars.replace("*", "")
        if prefix != stars or sum(character.isalnum() for character in prefix) < 2 or not word.endswith("*"):
            _notice(notices, WILDCARD)  # leading and inner stars would scan every term; one letter is too broad
            word = stars.replace("*", " ")
        elif re.fullmatch(r"\w[\w'’-]*", prefix):
            return Prefix(field, prefix.lower())
        else:
            word = prefix
    terms = tuple(query_terms(word))
    return Term(field, terms) if terms else None


def phrase_node(text: str, field: str | None) -> Node | None:
    if field == CASE_FIELD:
        return Exact(CASE_FIELD, text.strip()) if text.strip() else None
    terms = tuple(query_terms(text))
    if not terms:
        return None
    # One quoted word is that word on its own, not a part of compounds.
    return Term(field, terms[:1], parts=False) if len(terms) == 1 else Phrase(field, terms)


def _notice(notices: list[str], notice: str) -> None:
    if notice not in notices:
        notices.append(notice)


# -- the entry point ------------------------------------------------------------------------------

def parse_query(text: str) -> ParsedQuery:
    """The query tree of what the user typed; bounded in size, never raising."""
    notices: list[str] = []
    text = text.strip()
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        notices.append(TOO_LONG)
    words = text.split()
    if len(words) > MAX_TERMS:
        text = " ".join(words[:MAX_TERMS])
        notices.append(TOO_MANY_WORDS)
    text = text.replace("?", " ").strip()  # a question mark is punctuation here, not a wildcard
    if text in ("", "*"):
        return ParsedQuery(Every(), notices)
    try:
        tree = Parser(lex(text, notices), notices).parse()
    except QuerySyntaxError:
        tree = None
    if tree is None:
        if not re.search(r"[^\s*]", text):
            return ParsedQuery(Every(), notices)
        plain = [word_node(word, None, []) for word in re.findall(rf"{CASE_NUMBER}|\w+", text)]
        kept = [node for node in plain if node is not None]
        tree = _all(kept) or Nothing()
        notices.append(NOT_READ)
    return ParsedQuery(tree, notices)
