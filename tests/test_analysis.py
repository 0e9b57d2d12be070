"""The Danish analysis chain, token by token."""

from __future__ import annotations

from dataclasses import astuple

import pytest

from indexer.analysis import DECOMPOUNDER, MAX_WORD_LENGTH, WORDS, Decompounder, WordList, danish_analyzer, fold, stem


def index_terms(text: str) -> list[tuple[str, int]]:
    return [(t.text, t.position) for t in danish_analyzer()(text)]


def query_terms(text: str) -> list[str]:
    return [t.text for t in danish_analyzer()(text, mode="query")]


def test_case_numbers_stay_one_token() -> None:
    assert index_terms("sag 14/32918") == [("sag", 0), ("14/32918", 1)]


def test_only_the_printed_case_number_form_is_one_token() -> None:
    # A case number has a two-digit year (model.CASE_NUMBER); "5/12" is two numbers.
    assert index_terms("den 5/12 og 114/3") == [("den", 0), ("5", 1), ("12", 2), ("og", 3), ("114", 4), ("3", 5)]


def test_possessive_drops() -> None:
    assert query_terms("KMD's BAC’s") == ["kmd", "bac"]


def test_inflections_share_a_stem() -> None:
    assert {stem(w) for w in ("revisionsberetning", "revisionsberetningen", "revisionsberetningerne")} == {
        "revisionsberetning"}


def test_compound_is_indexed_whole_and_as_parts_at_one_position() -> None:
    # Hyphenated: whole, and each side as a part; the closed compound promillepuljen's parts too.
    assert index_terms("IT-promillepuljen") == [("it-promillepulj", 0), ("~it", 0), ("~promillepulj", 0),
                                                ("~promil", 0), ("~pulj", 0)]
    assert query_terms("IT-promillepuljen") == ["it-promillepulj"]


def test_closed_compound_parts_are_stemmed_folded_part_terms_at_its_position() -> None:
    assert index_terms("om sygefravær") == [
        ("om", 0),
        ("sygefravær", 1), ("sygefravaer", 1), ("sygefrava", 1),
        ("~syg", 1), ("~fravær", 1), ("~fravaer", 1), ("~frava", 1)]
    assert query_terms("sygefravær") == ["sygefravær"]  # a query asks for the word; querytext adds the part term


def test_danish_letters_are_kept_and_folded_forms_added() -> None:
    assert index_terms("Rådhuset") == [("rådhus", 0), ("raadhus", 0)]
    assert query_terms("raadhuset") == ["raadhus"]
    assert fold("Økonomiopfølgning på Ærø") == "Oekonomiopfoelgning paa Aeroe"


def test_stop_words_are_indexed_so_phrases_stay_exact() -> None:
    assert index_terms("status på sagen") == [("status", 0), ("på", 1), ("paa", 1), ("sag", 2)]


def test_character_offsets_point_at_the_original_text() -> None:
    text = "Se IT-promillepuljen"
    spans = {(t.text, text[t.start:t.end]) for t in danish_analyzer()(text)}
    assert spans == {("se", "Se"), ("it-promillepulj", "IT-promillepuljen"), ("~it", "IT"),
                     ("~promillepulj", "promillepuljen"), ("~promil", "promillepuljen"), ("~pulj", "promillepuljen")}


def test_a_closed_compound_s_parts_point_at_the_whole_compound() -> None:
    text = "om sygefraværet"
    spans = {(t.text, text[t.start:t.end]) for t in danish_analyzer()(text) if t.part}
    assert spans == {("~syg", "sygefraværet"), ("~fravær", "sygefraværet"), ("~fravaer", "sygefraværet"),
                     ("~frava", "sygefraværet")}


def test_the_cached_index_path_gives_exactly_the_chain_s_tokens() -> None:
    from pathlib import Path

    from indexer.analysis import vocabulary_analyzer

    corpus = Path(__file__).resolve().parent.parent / "corpus" / "hoeje-taastrup" / "direktionen"
    for analyzer in (danish_analyzer(), vocabulary_analyzer()):
        for path in sorted(corpus.glob("*.txt")):
            text = path.read_text(encoding="utf-8-sig", errors="replace")
            expected = [astuple(token)[:4] for token in analyzer(text)]  # without the `part` flag: its mark is in the text
            assert list(analyzer.index_tokens(text)) == expected, path.name
            assert list(analyzer.index_tokens(text)) == expected, path.name  # from the cache


# -- compounds -------------------------------------------------------------------------------------

@pytest.mark.parametrize("word, parts", [
    # the compounds, with the linking letters s and e left out of the parts
    ("sygefravær", ("syg", "fravær")),  # syg-e-fravær
    ("fraværspolitikker", ("fravær", "politikker")),  # fravær-s-politik
    ("revisionsberetningen", ("revision", "beretningen")),
    ("budgetaftale", ("budget", "aftale")),
    ("stresspolitik", ("stress", "politik")),  # the s belongs to stress: no linking letter
    ("sårbarhedsanalyse", ("sårbarhed", "analyse")),
    ("genudbud", ("gen", "udbud")),
    ("beredskabspolitikken", ("beredskab", "politikken")),
    # -s for -e: arbejds is arbejde; three parts also give the two-part runs as written
    ("arbejdsgangsanalyser", ("arbejde", "gang", "analyser", "arbejdsgang", "gangsanalyser")),
    ("børneområde", ("børn", "område")),  # børn-e-område
    ("årsregnskabet", ("år", "regnskabet")),  # a two-letter part, one of few
    ("krisestaben", ("krise", "staben")),  # a word in -e takes no linking s: not krises + taben
    ("genopretningsplan", ("genopretning", "plan")),  # -nings: a modifier the list lacks
    ("gevinstrealisering", ("gevinst", "realisering")),  # realisering, the noun of realisere
    ("afdelingsleder", ("afdeling", "leder")),  # known as a word, and plainly a compound
])
def test_compounds_split_into_their_parts(word, parts) -> None:
    assert DECOMPOUNDER.parts(word) == parts


@pytest.mark.parametrize("word", [
    "opsagt",  # not op + sagt (about sag)
    "forsikring",  # not for + sikring
    "regnskab",  # not regn + skab: -skab is a suffix
    "system",  # a word in its own right
    "annoncering", "centervis", "fremsendes",  # -ring, -vis, frem- are no parts
    "godkender", "spørgsmålet",  # known words, not god + kender, spørge + målet
    "plancher",  # not plan + cher (a rare foreign word)
    "budgetlægning",  # lægning is not in the word list: no split rather than budget + læg + ning
    "KMD", "14/32918", "it-promillepuljen",  # no letters-only word
])
def test_words_that_are_no_compounds_of_known_words_stay_whole(word) -> None:
    assert DECOMPOUNDER.parts(word) == ()


def test_the_word_list_is_read_from_the_package_data() -> None:
    assert (WORDS.exact("fravær") > 0, WORDS.exact("sygefravær"), WORDS.inflected("politikken") > 0) == (True, 0.0, True)


@pytest.mark.parametrize("forms, stemmed", [
    (("forlig", "forliget", "forligs"), "forlig"),  # Snowball: "for"
    (("politiker", "politikere", "politikerne"), "politiker"),  # Snowball: politik, a policy
    (("borger", "borgere", "borgerne"), "borger"),  # Snowball: borg, a castle
    (("budget", "budgettet", "budgetter"), "budget"),  # Snowball: budg, but budget for budgettet
    (("ekstern", "eksterne"), "ekstern"),  # Snowball: ekst for eksterne
])
def test_a_word_s_forms_share_one_stem_of_their_own(forms, stemmed) -> None:
    assert {stem(form) for form in forms} == {stemmed}


class CountingWordList(WordList):
    """The package's word list, counting the lookups a split makes: work, not time."""

    def __init__(self) -> None:
        super().__init__()
        self.lookups = 0

    def exact(self, word: str) -> float:
        self.lookups += 1
        return super().exact(word)

    def inflected(self, word: str) -> float:
        self.lookups += 1
        return super().inflected(word)

    def same_stem(self, word: str) -> float:
        self.lookups += 1
        return super().same_stem(word)


def test_a_word_longer_than_the_cap_is_indexed_cut_and_never_split() -> None:
    word = "sundhedsberedskabsledelsen" * 400  # 10,400 letters, from one real compound
    words = CountingWordList()
    assert Decompounder(words).parts(word) == ()
    assert words.lookups == 0
    run = "abcdefghij" * 1_000  # a run of letters Snowball leaves as it is
    assert [(t.text, t.start, t.end, t.part) for t in danish_analyzer()(f"se {run} nu")] == [
        ("se", 0, 2, False), (run[:MAX_WORD_LENGTH], 3, 3 + MAX_WORD_LENGTH, False), ("nu", 10_004, 10_006, False)]


def test_a_long_query_word_asks_for_the_cut_term_the_index_holds() -> None:
    assert query_terms("abcdefghij" * 50) == [("abcdefghij" * 7)[:MAX_WORD_LENGTH]]


@pytest.mark.parametrize("length", range(20, MAX_WORD_LENGTH))
def test_splitting_a_word_under_the_cap_costs_at_most_quadratic_lookups(length) -> None:
    """Repeated compounds are the worst case found (every tail is a head again); unbounded, a
    63-letter one cost tens of thousands of lookups (the cube of its length)."""
    words = CountingWordList()
    Decompounder(words).parts(("sundhedsberedskabsledelsen" * 3)[:length])
    assert words.lookups <= 2 * length * length
