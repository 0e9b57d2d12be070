"""Danish text analysis, ours and engine-free: every engine indexes the tokens produced here, so
engines agree on what matches, and queries and highlighting use the same chain.

An analyzer is a tokenizer followed by filters, composed with `|`; each filter does one small job on
a stream of tokens. Bump ANALYSIS_VERSION whenever what these produce changes: `minutes index` then
rebuilds the index by itself.
"""

from __future__ import annotations

import re
from array import array
from itertools import chain, count, repeat
from operator import itemgetter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

# The compound splitting, and the pieces of Danish it shares with the analysis. Other modules import
# these from here as well (DANISH_STOPWORDS, WORDS, DECOMPOUNDER, WordList, Decompounder, ...).
from .compounds import DANISH_STOPWORDS, DECOMPOUNDER, MAX_WORD_LENGTH, WORDS, Decompounder, WordList, snowball
from .model import CASE_NUMBER

Mode = Literal["index", "query"]

# 3: case-number tokens need the two-digit year the minutes print (was 1-2 digits)
# 4: the analysis is our own chain (no longer whoosh's), and the index stores it under a new name
# 5: the vocabulary field holds each item's distinct words as keywords
# 6: closed compounds are split into their parts (Decompounder), indexed as part terms
# 7: a word is cut to MAX_WORD_LENGTH letters, and only shorter ones are split
ANALYSIS_VERSION = 7

# Index terms of compound parts start with this (never a character of a word): a query asks for
# them beside the whole word, with a lower weight, so that a word on its own ranks first, and
# phrases, which ask for whole words only, stay exact.
PART_MARK = "~"

# Case numbers (14/32918) stay one token; words keep Danish letters and inner hyphens/apostrophes.
TOKEN_PATTERN = rf"{CASE_NUMBER}|\w+(?:[-'’]\w+)*"

FOLDING = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "ä": "ae", "ö": "oe", "ü": "ue", "é": "e", "è": "e",
                         "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})


@lru_cache(maxsize=None)
def stem(word: str) -> str:
    """The stem of a word: Snowball's, or its word's where Snowball cuts an inflected form shorter
    than its word (eksterne: "ekst", but ekstern: "ekstern"), so that a word's forms share one stem.
    Cached: minutes repeat their vocabulary heavily."""
    stemmed = snowball(word)
    base = WORDS.base(word)
    if base is not None:
        base_stem = snowball(base)
        if len(base_stem) > len(stemmed) and word.startswith(base_stem):
            return base_stem
    return stemmed


def fold(text: str) -> str:
    """Spell Danish letters the way people type them without a Danish keyboard."""
    return text.translate(FOLDING)


@dataclass(slots=True)
class Token:
    text: str
    position: int  # word position; tokens added at the same position are alternatives of one word
    start: int  # character offsets into the analysed text
    end: int
    part: bool = False  # a part of a closed compound (sygefravær -> fravær), indexed with PART_MARK


class Filter:
    """One step of an analysis: tokens in, tokens out."""

    def __call__(self, tokens: Iterator[Token], mode: Mode) -> Iterator[Token]:
        raise NotImplementedError


class Analyzer:
    """A tokenizer and the filters after it, in order."""

    MAX_CACHED_WORDS = 500_000

    def __init__(self, tokenizer: RegexTokenizer, filters: tuple[Filter, ...] = ()) -> None:
        self.tokenizer = tokenizer
        self.filters = filters
        self._index_forms: dict[str, tuple[tuple[str, int, int], ...]] = {}
        self._terms_of: dict[str, tuple[str, tuple[str, ...]]] = {}

    def __or__(self, other: Filter) -> Analyzer:
        return Analyzer(self.tokenizer, self.filters + (other,))

    def __call__(self, text: str, mode: Mode = "index") -> Iterator[Token]:
        return self._filter(self.tokenizer.tokens(text), mode)

    def _filter(self, tokens: Iterator[Token], mode: Mode) -> Iterator[Token]:
        for step in self.filters:
            tokens = step(tokens, mode)
        return tokens

    def terms(self, text: str, mode: Mode = "index") -> list[str]:
        return [token.text for token in self(text, mode)]

    def index_tokens(self, text: str) -> Iterator[tuple[str, int, int, int]]:
        """Exactly `self(text, "index")`, as (text, position, start, end) tuples, faster: every filter
        works on one word at a time, so the filtered forms of each distinct word are computed once and
        reused (minutes repeat their vocabulary heavily), and a tuple costs less than a Token (this
        runs for every word of every item a build indexes)."""
        index_forms = self.index_forms
        for position, match in enumerate(self.tokenizer.regex.finditer(text)):
            start = match.start()
            for term, term_start, term_end in index_forms(match.group()):
                yield term, position, start + term_start, start + term_end

    def packed_words(self, text: str, words: list[str] | None = None) -> tuple[str, list[int]]:
        """The index terms of `text` joined by NUL, and how many each word has: the words' packed
        forms are cached too, so a text costs a lookup a word (`AnalysedText`, a build's hot path).
        `words`: the tokenizer's words of `text`, when the caller has them already."""
        forms = self._words_terms(self.tokenizer.regex.findall(text) if words is None else words)
        return "\0".join([joined for joined, terms in forms if terms]), [len(terms) for _joined, terms in forms]

    def distinct_terms(self, text: str) -> set[str]:
        """The index terms of `text`, each once."""
        return self.distinct_terms_of_words(self.tokenizer.regex.findall(text))

    def distinct_terms_of_words(self, words: list[str]) -> set[str]:
        """The index terms of the tokenizer's words, each once."""
        return set(chain.from_iterable(map(itemgetter(1), self._words_terms(set(words)))))

    def _words_terms(self, words: Iterable[str]) -> list[tuple[str, tuple[str, ...]]]:
        """`_word_terms` of each word: the cache read in one C loop, the words not in it analysed."""
        words = list(words)
        found = list(map(self._terms_of.get, words))
        if None in found:
            found = [terms if terms is not None else self._word_terms(word) for terms, word in zip(found, words)]
        return found

    def _word_terms(self, word: str) -> tuple[str, tuple[str, ...]]:
        """A word's index terms, and the same joined by NUL."""
        known = self._terms_of.get(word)
        if known is None:
            if len(self._terms_of) >= self.MAX_CACHED_WORDS:
                self._terms_of.clear()
            terms = tuple(term for term, _start, _end in self.index_forms(word))
            known = self._terms_of[word] = ("\0".join(terms), terms)
        return known

    def index_forms(self, word: str) -> tuple[tuple[str, int, int], ...]:
        """The index terms of one word as the tokenizer cuts it, with their offsets in the word."""
        forms = self._index_forms.get(word)
        if forms is None:
            if len(self._index_forms) >= self.MAX_CACHED_WORDS:
                self._index_forms.clear()
            forms = self._index_forms[word] = tuple(
                (token.text, token.start, token.end)
                for token in self._filter(iter((Token(word, 0, 0, len(word)),)), "index"))
        return forms


@dataclass(frozen=True, slots=True)
class AnalysedText:
    """The index terms of one text and their word positions (`Analyzer.index_tokens` without the
    character offsets, which no engine keeps: snippets are ours), packed to cross from a worker
    process to the index writer cheaply: the terms as one string and the positions as one array
    pickle in a fraction of the time a list of tuples takes. Iterating gives (term, position)."""

    terms: str  # joined by NUL, which no token holds
    positions: bytes  # array("i"): the word position of each term

    @classmethod
    def of(cls, text: str, analyzer: Analyzer | None = None, words: list[str] | None = None) -> AnalysedText:
        terms, counts = (analyzer or FULL_TEXT).packed_words(text, words)
        return cls(terms, array("i", chain.from_iterable(map(repeat, count(), counts))).tobytes())

    def __iter__(self) -> Iterator[tuple[str, int]]:
        if not self.terms:
            return iter(())
        positions = array("i")
        positions.frombytes(self.positions)
        return zip(self.terms.split("\0"), positions)


class RegexTokenizer:
    def __init__(self, pattern: str) -> None:
        self.regex = re.compile(pattern)

    def tokens(self, text: str) -> Iterator[Token]:
        for position, match in enumerate(self.regex.finditer(text)):
            yield Token(match.group(), position, match.start(), match.end())

    def __or__(self, other: Filter) -> Analyzer:
        return Analyzer(self, (other,))


class LengthCapFilter(Filter):
    """Cuts a word longer than MAX_WORD_LENGTH to that length, in queries as in the index, so that
    the same long word finds itself; its offsets then cover the part kept."""

    def __call__(self, tokens: Iterator[Token], mode: Mode) -> Iterator[Token]:
        for token in tokens:
            if len(token.text) > MAX_WORD_LENGTH:
                token.text = token.text[:MAX_WORD_LENGTH]
                token.end = token.start + MAX_WORD_LENGTH
            yield token


class LowercaseFilter(Filter):
    def __call__(self, tokens: Iterator[Token], mode: Mode) -> Iterator[Token]:
        for token in tokens:
            token.text = token.text.lower()
            yield token


class PossessiveFilter(Filter):
    """KMD's -> kmd, BAC’s -> bac."""

    def __call__(self, tokens: Iterator[Token], mode: Mode) -> Iterator[Token]:
        for token in tokens:
            text = token.text
            if len(text) > 2 and text[-2] in "'’" and text[-1] == "s":
                token.text = text[:-2]
                token.end -= 2
            yield token


class CompoundFilter(Filter):
    """Index a hyphenated compound whole and its sides as compound parts, at the same position, so
    that `promillepuljen` finds IT-promillepuljen (ranked as a part, below the word on its own).
    Queries keep the whole compound only, so that `hr-strategi` asks for the compound, not for "hr"
    and "strategi" anywhere."""

    def __call__(self, tokens: Iterator[Token], mode: Mode) -> Iterator[Token]:
        for token in tokens:
            whole, start = token.text, token.start  # read first: filters downstream rewrite the token
            yield token
            if "-" not in whole or mode == "query":
                continue
            offset = 0
            for part in whole.split("-"):
                if part and part not in DANISH_STOPWORDS:
                    yield Token(part, token.position, start + offset, start + offset + len(part), part=True)
                offset += len(part) + 1


class DanishStemFilter(Filter):
    """Snowball stem; when indexing, also the folded forms (æ->ae, ø->oe, å->aa) at the same
    position, so that `raadhuset` and `oekonomiopfoelgning` find rådhuset and Økonomiopfølgning."""

    def __call__(self, tokens: Iterator[Token], mode: Mode) -> Iterator[Token]:
        for token in tokens:
            word = token.text
            stemmed = stem(word)
            token.text = stemmed
            yield token
            if mode == "query":
                continue
            folded_stem = fold(stemmed)
            if folded_stem != stemmed:
                yield Token(folded_stem, token.position, token.start, token.end, token.part)
            stem_of_folded = stem(fold(word))
            if stem_of_folded not in (stemmed, folded_stem):
                yield Token(stem_of_folded, token.position, token.start, token.end, token.part)


class DecompoundFilter(Filter):
    """When indexing, also the parts of a closed compound (`Decompounder`), at its position and with
    its offsets, so that `fravær` finds sygefravær and highlighting marks the whole compound."""

    def __init__(self, decompounder: Decompounder) -> None:
        self.decompounder = decompounder

    def __call__(self, tokens: Iterator[Token], mode: Mode) -> Iterator[Token]:
        for token in tokens:
            whole, position, start, end = token.text, token.position, token.start, token.end
            yield token
            if mode == "index":
                for part in self.decompounder.parts(whole):
                    yield Token(part, position, start, end, part=True)


class MarkPartsFilter(Filter):
    """Compound parts become part terms (PART_MARK + term): they match apart from whole words."""

    def __call__(self, tokens: Iterator[Token], mode: Mode) -> Iterator[Token]:
        for token in tokens:
            if token.part:
                token.text = PART_MARK + token.text
            yield token


class StopFilter(Filter):
    """Drops stop words and words shorter than `minsize`."""

    def __init__(self, stoplist: Iterable[str], minsize: int) -> None:
        self.stoplist = frozenset(stoplist)
        self.minsize = minsize

    def __call__(self, tokens: Iterator[Token], mode: Mode) -> Iterator[Token]:
        for token in tokens:
            if len(token.text) >= self.minsize and token.text not in self.stoplist:
                yield token


def danish_analyzer() -> Analyzer:
    """Full-text analysis: tokens, lowercase, possessives, hyphenated and closed compounds, stems,
    folding, part terms."""
    return (RegexTokenizer(TOKEN_PATTERN) | LengthCapFilter() | LowercaseFilter() | PossessiveFilter()
            | CompoundFilter() | DecompoundFilter(DECOMPOUNDER) | DanishStemFilter() | MarkPartsFilter())


def vocabulary_analyzer() -> Analyzer:
    """Unstemmed words and compound parts, the words the archive holds: "Mente du ...?" is never
    offered for them, and suggestions are drawn from them."""
    return (RegexTokenizer(TOKEN_PATTERN) | LengthCapFilter() | LowercaseFilter() | PossessiveFilter()
            | CompoundFilter() | DecompoundFilter(DECOMPOUNDER) | StopFilter(DANISH_STOPWORDS, minsize=3))


FULL_TEXT = danish_analyzer()
VOCABULARY = vocabulary_analyzer()


def query_terms(word: str) -> list[str]:
    """The index terms a word of a query asks for (stemmed, not folded: folded forms are indexed)."""
    return FULL_TEXT.terms(word, "query")
