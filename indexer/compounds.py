"""Closed compounds split into the known words they are made of (sygefravær -> syge, fravær):
`Decompounder`, by the list of Danish words and how common each is (`WordList`, data/danish-words.txt).
The analysis (`indexer.analysis`) runs it on every word it indexes.

The few pieces of Danish that the analysis and the splitting both read are here too (the longest
word looked at, the stop words, the Snowball stem), so that `indexer.analysis` imports this module
and never the other way round.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import snowballstemmer

# -- shared with the analysis -----------------------------------------------------------------------

# snowballstemmer hands out PyStemmer's C implementation of the same algorithm when it is installed.
_STEMMER = snowballstemmer.stemmer("danish")

# The longest word analysis looks at: a longer run of letters (a base64 image, a URL, a page of
# text run together) is indexed cut to this length, and is never split into compound parts, so
# every step after the tokenizer does bounded work per word (and every engine takes the term:
# PostgreSQL refuses lexemes over 2,047 bytes). Danish compounds in minutes stay far below it
# (medarbejderudviklingssamtaler: 29 letters).
MAX_WORD_LENGTH = 64

# The Snowball project's Danish stop words. They are indexed (so a phrase such as "status på
# revisionsberetning" matches exactly) and dropped from the loose words of a query instead
# (indexer.querytext). "ikke" is no stop word here: "ikke godkendt" must not match "godkendt".
DANISH_STOPWORDS = frozenset("""
    ad af alle alt anden at blev blive bliver da de dem den denne der deres det dette dig din disse dog du
    efter eller en end er et for fra ham han hans har havde have hende hendes her hos hun hvad hvis hvor i
    ind jeg jer jo kunne man mange med meget men mig min mine mit mod ned noget nogle nu når og også om op
    os over på selv sig sin sine sit skal skulle som sådan thi til ud under var vi vil ville vor være været
""".split())

# Words whose Snowball stem is another word's, with every inflection, and the stem they get instead
# (as Lucene's StemmerOverrideFilter): Snowball takes forlig (a settlement) to "for", politiker (a
# politician) to politik (a policy) and borger (a citizen) to borg (a castle), and stems budget
# "budg" but budgettet "budget". Found by the judged queries of tests/quality; each is tested.
STEM_OVERRIDES = {
    form: base
    for base, endings in {
        "forlig": ("", "et", "ets", "s", "ene", "enes"),
        "politiker": ("", "e", "en", "ens", "es", "ne", "nes", "s"),
        "borger": ("", "e", "en", "ens", "es", "ne", "nes", "s"),
        "budget": ("", "s", "tet", "tets", "ter", "terne", "ternes", "ters"),
    }.items()
    for form in (base + ending for ending in endings)
}


def snowball(word: str) -> str:
    """The Danish Snowball stem, or the word's entry in STEM_OVERRIDES."""
    return STEM_OVERRIDES.get(word) or _STEMMER.stemWord(word)


# -- compounds --------------------------------------------------------------------------------------

WORD_LIST = Path(__file__).with_name("data") / "danish-words.txt"


class WordList:
    """Danish words and how common each is (Zipf: log10 of occurrences per billion words), from
    data/danish-words.txt; read on first use."""

    def __init__(self, path: Path = WORD_LIST) -> None:
        self.path = path
        self._frequency: dict[str, float] | None = None
        self._stem_frequency: dict[str, float] | None = None

    @property
    def frequency(self) -> dict[str, float]:
        if self._frequency is None:
            frequency = {}
            for line in self.path.read_text(encoding="utf-8").splitlines():
                if line and not line.startswith("#"):
                    word, zipf = line.split()
                    frequency[word] = float(zipf)
            self._frequency = frequency
        return self._frequency

    @property
    def stem_frequency(self) -> dict[str, float]:
        """Stem -> the frequency of its most common word. Only splitting needs it, so a server that
        only analyses queries never stems the 29,000 words (a quarter of a second)."""
        if self._stem_frequency is None:
            stems: dict[str, float] = {}
            for word, zipf in self.frequency.items():
                stemmed = snowball(word)
                stems[stemmed] = max(zipf, stems.get(stemmed, 0.0))
            self._stem_frequency = stems
        return self._stem_frequency

    def exact(self, word: str) -> float:
        """How common the word is as written; 0 for a word the list lacks."""
        return self.frequency.get(word, 0.0)

    def same_stem(self, word: str) -> float:
        """How common the most common word with the same Snowball stem is; 0 for none. Broad (the
        stemmer gives sydelser the stem of syd): it tells that a word is known in its own right."""
        return self.frequency.get(word) or self.stem_frequency.get(snowball(word), 0.0)

    # Endings of inflected nouns, verbs and adjectives, longest first, each with what the word before
    # it must end in: beretning-en, analyse-r, plan-erne, møde-rne, centre-ne, sikre-s, politik-k-en (a
    # doubled consonant).
    ENDINGS = (("ernes", ""), ("erne", ""), ("enes", ""), ("ene", ""), ("ens", ""), ("ets", ""), ("ers", ""),
               ("rne", "e"), ("ne", ""), ("en", ""), ("et", ""), ("er", ""), ("es", ""), ("n", "e"), ("r", "e"),
               ("ede", ""), ("de", "e"), ("te", ""), ("s", ""), ("t", ""), ("e", ""))

    def inflected(self, word: str) -> float:
        """How common the word is, as written or as an inflection of a word the list holds
        (analyser: analyse; politikken: politik); 0 for neither."""
        found = self._derived(word)
        if found:
            return found
        base = self.base(word)
        return self._derived(base) if base else 0.0

    def base(self, word: str) -> str | None:
        """The word of the list (or a derived one, see _derived) that `word` is an inflection of,
        by its ending; None for none."""
        for ending, before in self.ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= 3:
                base = word[:-len(ending)]
                if not base.endswith(before):
                    continue
                if self._derived(base):
                    return base
                if base[-1] == base[-2] and self._derived(base[:-1]):
                    return base[:-1]
        return None

    # Derivations whose base the list holds: realisering (realisere), godkendelse (godkende),
    # villighed (villig).
    DERIVATIONS = (("ing", "e"), ("else", "e"), ("hed", ""))

    def _derived(self, word: str) -> float:
        """How common the word is, as written or as a derivation of a word the list holds."""
        frequency = self.frequency
        found = frequency.get(word)
        if found:
            return found
        for suffix, replacement in self.DERIVATIONS:
            if word.endswith(suffix) and len(word) - len(suffix) >= 4:
                found = frequency.get(word[:-len(suffix)] + replacement)
                if found:
                    return found
        return 0.0


@dataclass(frozen=True, slots=True)
class _Split:
    leaves: tuple[str, ...]  # the smallest parts, as words (arbejde, gang, analyser)
    spans: tuple[tuple[int, int], ...]  # where each is written in the split word, linking letter left out

    def score(self, words: WordList) -> tuple[int, float]:
        """Fewest parts first, then the most common ones (Koehn and Knight's mean frequency)."""
        return -len(self.leaves), sum(words.inflected(leaf) for leaf in self.leaves) / len(self.leaves)

    def parts(self, word: str) -> tuple[str, ...]:
        """The leaves, and each run of two or more of them as written in `word` but not all of
        them: arbejdsgangsanalyser gives arbejdsgang (and gangsanalyser) beside its leaves, so that
        the part is found whichever way the compound is read."""
        runs = [word[self.spans[first][0]:self.spans[last][1]]
                for first in range(len(self.spans)) for last in range(first + 1, len(self.spans))
                if (first, last) != (0, len(self.spans) - 1)]
        return tuple(dict.fromkeys((*self.leaves, *runs)))


class Decompounder:
    """Splits a closed compound into the known words it is made of: sygefravær -> syge, fravær;
    revisionsberetningen -> revision, beretningen (a linking s or e may join two parts);
    arbejdsgangsanalyser -> arbejde, gang, arbejdsgang, analyser.

    Guards against false splits: a word the list knows in its own right (in any inflection) is not
    split (regnskab, forsikring, opsagt, system) unless it is plainly a compound (_transparent); the head must be a known word (in any inflection)
    of at least MIN_HEAD letters that is not a suffix as well; a modifier must be a known word as
    written, of at least MIN_MODIFIER letters (a three-letter one common: sag, løn, job), and not a
    prefix or particle (opsagt is not op + sagt, fremsende not frem + sende).
    """

    MIN_MODIFIER = 3
    SHORT_PARTS = frozenset({"år", "by"})  # årsregnskab, optionsår, byudvikling
    MIN_HEAD = 3
    # How common (Zipf) a short part must be: three letters (sag 5.1, løn 4.6; not ler, dec), four
    # (stab 3.6; not cher, from plancher); the list holds foreign words and names of all lengths.
    COMMON = {3: 4.0, 4: 3.5}
    MAX_DEPTH = 2  # parts of parts of parts
    MAX_LEAVES = 3  # splits into more parts than this were mostly wrong (funktion + ali + teter)
    # A modifier ending in one of these derivational suffixes and a linking s is one, known word or
    # not (Danish puts an s after them): genopretnings-plan, digitaliserings-strategi.
    DERIVED_MODIFIER = re.compile(r"\w{3,}(?:ning|ing|tion|else|hed|skab|dom|itet)s")
    # Prefixes and particles that change what the rest means, bound prefixes, and stop words: no
    # part of a compound. (Not gen-: a genudbud is an udbud again.)
    NOT_PARTS = frozenset("""
        af an be bag bort efter er for fore frem fra ge gennem hen ind inde imod mis med mod ned om op
        over på sam sammen til tilbage u ud und under var ved van ver
    """.split()) | DANISH_STOPWORDS
    # Stems of words that are also suffixes: annoncering is not annonce + ring, regnskab not regn +
    # skab, budgetlægning not budget + læg + ning, fremsendes not frem + endes, centervis not center + vis.
    NOT_HEADS = frozenset(snowball(word) for word in """
        ring ringer ning ninger skab skaber else elser ende endes ion ioner vis isk lig lige hed heder
        ing inger ler ter tion erne ene ernes bar
    """.split())

    def __init__(self, words: WordList) -> None:
        self.words = words
        self._cache: dict[str, tuple[str, ...]] = {}
        # The splits of the substrings of the word being split, by (role, substring, depth, derived):
        # the same tail is tried as a head from many cuts. Emptied for each word.
        self._splits: dict[tuple[str, str, int, bool], _Split | None] = {}

    def parts(self, word: str) -> tuple[str, ...]:
        """The parts of a compound (lower case, linking letters left out), or () when `word` is no
        compound of known words or is too long to be one (MAX_WORD_LENGTH: a word the length cap
        cut is not split)."""
        found = self._cache.get(word)
        if found is None:
            split = None
            if self.MIN_MODIFIER + self.MIN_HEAD <= len(word) < MAX_WORD_LENGTH and word.isalpha():
                self._splits.clear()
                split = self._split(word, 0)
                if split and (self.words.same_stem(word) or self.words.inflected(word)) and not self._transparent(word, split):
                    split = None
            found = self._cache[word] = split.parts(word) if split else ()
        return found

    def _transparent(self, word: str, split: _Split) -> bool:
        """Whether a word the list knows in its own right is a compound all the same: two parts
        joined by the linking s that Danish puts after -ning, -tion, -hed, ... (afdelingsleder,
        sundhedsstyrelsen, retningslinjer). Other known words stay whole: arbejdsplads, but also
        godkender (not god + kender) and spørgsmålet (not spørge + målet)."""
        if len(split.leaves) != 2:
            return False
        (_start, modifier_end), (head_start, _end) = split.spans
        return (word[modifier_end:head_start] == "s" and len(split.leaves[1]) >= 4
                and self.DERIVED_MODIFIER.fullmatch(word[:head_start]) is not None)

    def _split(self, word: str, depth: int) -> _Split | None:
        return self._memo("split", word, depth, False)

    def _best_split(self, word: str, depth: int) -> _Split | None:
        best, best_score = None, None
        for cut in range(self.MIN_MODIFIER, len(word) - self.MIN_HEAD + 1):
            head = self._head(word[cut:], depth)
            if head is None:
                continue
            written = word[:cut]
            for form in self._modifier_forms(written):
                modifier = self._modifier(form, depth, derived=form == written[:-1] and written[-1] == "s")
                if modifier is None:
                    continue
                # The modifier's spans are in `form`, which shares all but its last letter with `written`.
                within = min(len(form), len(written)) if form == written else len(written) - 1
                spans = tuple((start, min(end, within)) for start, end in modifier.spans)
                split = _Split(modifier.leaves + head.leaves,
                               spans + tuple((cut + start, cut + end) for start, end in head.spans))
                if len(split.leaves) > self.MAX_LEAVES:
                    continue
                score = split.score(self.words)
                if best_score is None or score > best_score:
                    best, best_score = split, score
        return best

    def _head(self, head: str, depth: int) -> _Split | None:
        return self._memo("head", head, depth, False)

    def _best_head(self, head: str, depth: int) -> _Split | None:
        if head in self.SHORT_PARTS:
            return _Split((head,), ((0, len(head)),))
        if len(head) < self.MIN_HEAD or snowball(head) in self.NOT_HEADS or head in self.NOT_PARTS:
            return None
        frequency = self.words.inflected(head)
        if self._common_enough(head, frequency):
            return _Split((head,), ((0, len(head)),))
        if depth < self.MAX_DEPTH and len(head) >= self.MIN_MODIFIER + self.MIN_HEAD:
            return self._split(head, depth + 1)
        return None

    def _modifier(self, modifier: str, depth: int, derived: bool = False) -> _Split | None:
        return self._memo("modifier", modifier, depth, derived)

    def _memo(self, role: str, text: str, depth: int, derived: bool) -> _Split | None:
        key = (role, text, depth, derived)
        if key not in self._splits:
            if role == "split":
                self._splits[key] = self._best_split(text, depth)
            elif role == "head":
                self._splits[key] = self._best_head(text, depth)
            else:
                self._splits[key] = self._best_modifier(text, depth, derived)
        return self._splits[key]

    def _best_modifier(self, modifier: str, depth: int, derived: bool) -> _Split | None:
        if modifier in self.SHORT_PARTS:
            return _Split((modifier,), ((0, len(modifier)),))
        if len(modifier) < self.MIN_MODIFIER or modifier in self.NOT_PARTS:
            return None
        frequency = self.words.exact(modifier)
        if self._common_enough(modifier, frequency):
            return _Split((modifier,), ((0, len(modifier)),))
        split = None
        if depth < self.MAX_DEPTH and len(modifier) >= self.MIN_MODIFIER + self.MIN_HEAD:
            split = self._split(modifier, depth + 1)
        if split is None and derived and self.DERIVED_MODIFIER.fullmatch(modifier + "s"):
            split = _Split((modifier,), ((0, len(modifier)),))
        return split

    def _common_enough(self, part: str, frequency: float) -> bool:
        return frequency > 0.0 and frequency >= self.COMMON.get(len(part), 0.0)

    def _modifier_forms(self, written: str) -> tuple[str, ...]:
        """What a modifier may be as a word: as written (stress, gade), without a linking s or e
        (revisions: revision; børne: børn), or with -e for -s (arbejds: arbejde). A word ending in
        -e takes no linking s unless it ends in -else (krisestaben is krise + staben, ansættelses
        is ansættelse + s). Where a form and its genitive are both words (sags, sag; indsats,
        indsat), the split's score chooses."""
        if written[-1] == "s" and len(written) > 2:
            base = written[:-1]
            if not base.endswith("e"):
                return (written, base, base + "e") if len(base) >= self.MIN_MODIFIER else (written, base)
            if base.endswith("else"):
                return written, base
            return () if self.words.exact(base) else (written,)
        if written[-1] == "e" and len(written) > self.MIN_MODIFIER:
            return written, written[:-1]
        return (written,)


WORDS = WordList()
DECOMPOUNDER = Decompounder(WORDS)
