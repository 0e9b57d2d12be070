"""Danish text analysis for the index, as whoosh filters composed with `|`.

The schema (analyzers included) is pickled into the index, so every class here must stay
importable at module level. Bump ANALYSIS_VERSION whenever what these produce changes:
`minutes index` then rebuilds the index by itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

import snowballstemmer
from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, StopFilter, Token
from whoosh.lang.stopwords import stoplists

from .model import CASE_NUMBER

# snowballstemmer hands out PyStemmer's C implementation of the same algorithm when it is installed.
_STEMMER = snowballstemmer.stemmer("danish")

ANALYSIS_VERSION = 3  # 3: case-number tokens need the two-digit year the minutes print (was 1-2 digits)

# Case numbers (14/32918) stay one token; words keep Danish letters and inner hyphens/apostrophes.
TOKEN_PATTERN = rf"{CASE_NUMBER}|\w+(?:[-'’]\w+)*"

# Stop words are indexed (so a phrase such as "status på revisionsberetning" matches exactly) and
# dropped from the loose words of a query instead (indexer.search). "ikke" is no stop word here:
# "ikke godkendt" must not match "godkendt".
DANISH_STOPWORDS = frozenset(stoplists["da"]) - {"ikke"}

FOLDING = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "ä": "ae", "ö": "oe", "ü": "ue", "é": "e", "è": "e",
                        "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})


@lru_cache(maxsize=None)
def stem(word: str) -> str:
    """Danish Snowball stem; cached because minutes repeat their vocabulary heavily."""
    return _STEMMER.stemWord(word)


def fold(text: str) -> str:
    """Spell Danish letters the way people type them without a Danish keyboard."""
    return text.translate(FOLDING)


class PossessiveFilter(Filter):
    """KMD's -> kmd, BAC’s -> bac."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            text = t.text
            if len(text) > 2 and text[-2] in "'’" and text[-1] == "s":
                t.text = text[:-2]
                if t.chars:
                    t.endchar -= 2
            yield t


class CompoundFilter(Filter):
    """Index a hyphenated compound whole and as its parts, at the same position, so that
    `promillepuljen` finds IT-promillepuljen. Queries keep the whole compound only, so that
    `hr-strategi` asks for the compound, not for "hr" and "strategi" anywhere."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            # Read the token before yielding it: filters downstream rewrite the shared object.
            whole, start = t.text, t.startchar if t.chars else 0
            yield t
            if "-" not in whole or t.mode == "query":
                continue
            offset = 0
            for part in whole.split("-"):
                if part and part not in DANISH_STOPWORDS:
                    t.text = part
                    if t.chars:
                        t.startchar, t.endchar = start + offset, start + offset + len(part)
                    yield t
                offset += len(part) + 1


class DanishStemFilter(Filter):
    """Snowball stem; when indexing, also the folded forms (æ->ae, ø->oe, å->aa) at the same
    position, so that `raadhuset` and `oekonomiopfoelgning` find rådhuset and Økonomiopfølgning."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            word = t.text
            if t.mode == "query" and not t.removestops:
                # whoosh analyses the text of a prefix/wildcard query with removestops=False:
                # a prefix is matched as typed ("revisionsberet*"), never stemmed.
                yield t
                continue
            stemmed = stem(word)
            t.text = stemmed
            yield t
            if t.mode == "query":
                continue
            folded_stem = fold(stemmed)
            if folded_stem != stemmed:
                t.text = folded_stem
                yield t
            stem_of_folded = stem(fold(word))
            if stem_of_folded not in (stemmed, folded_stem):
                t.text = stem_of_folded
                yield t


def danish_analyzer():
    """Full-text analysis: tokens, lowercase, possessives, compounds, stems, folding."""
    return RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | PossessiveFilter() | CompoundFilter() | DanishStemFilter()


def vocabulary_analyzer():
    """Unstemmed words, the vocabulary "Mente du ...?" suggestions are drawn from."""
    return RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | PossessiveFilter() | StopFilter(
        stoplist=DANISH_STOPWORDS, minsize=3)
