"""'Mente du ...?': the nearest known word to a word the vocabulary lacks. Engine-free: it needs only
the vocabulary (word -> how often it occurs), which every engine can list."""

from __future__ import annotations

from collections import defaultdict

from .analysis import fold, stem

MAX_DISTANCE = 2


class Suggester:
    def __init__(self, vocabulary: dict[str, int]) -> None:
        self.vocabulary = vocabulary  # words and compound parts, as written (indexer.analysis.VOCABULARY)
        # Their stems, folded too: a word the archive holds in another inflection (beretning, for
        # beretningerne) or spelling (oekonomi) is known, and never "corrected" into another word.
        self.stems = {form for word in vocabulary for form in (stem(word), stem(fold(word)))}
        # Candidates share the first letter (as people rarely mistype it) and differ in length by at
        # most MAX_DISTANCE: a handful of buckets, not the whole vocabulary, is compared per word.
        self.buckets: dict[tuple[str, int], list[str]] = defaultdict(list)
        for word in vocabulary:
            if word.isalpha():
                self.buckets[(word[0], len(word))].append(word)

    def known(self, word: str) -> bool:
        return word in self.vocabulary or stem(word) in self.stems

    def nearest(self, word: str) -> str | None:
        """The closest known word (fewest edits, then most frequent, then alphabetical)."""
        best: tuple[int, int, str] | None = None
        for length in range(len(word) - MAX_DISTANCE, len(word) + MAX_DISTANCE + 1):
            for candidate in self.buckets.get((word[0], length), ()):
                distance = edit_distance(word, candidate, MAX_DISTANCE)
                if distance <= MAX_DISTANCE:
                    key = (distance, -self.vocabulary[candidate], candidate)
                    if best is None or key < best:
                        best = key
        return best[2] if best else None


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, or limit + 1 as soon as it must exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]
