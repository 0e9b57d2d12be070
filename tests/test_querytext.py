"""The query language -> our own query tree (engine-free). Expected trees are read off the grammar in
indexer/querytext.py; the words used are their own Danish stems (kmd, uta, drift, bac, status)."""

from __future__ import annotations

import pytest

from indexer.querytext import (NOT_READ, WILDCARD, And, AndMaybe, AndNot, Every, Exact, Not, Nothing, Or, Phrase,
                               Prefix, Term, parse_query)

KMD, UTA, DRIFT, BAC = (Term(None, (word,)) for word in ("kmd", "uta", "drift", "bac"))


@pytest.mark.parametrize("text, tree", [
    ("", Every()),
    ("*", Every()),
    ("kmd drift", And((KMD, DRIFT))),
    ("KMD's", KMD),  # the possessive goes, as in the index
    ("kmd -drift", AndNot(KMD, DRIFT)),
    ("kmd NOT drift", AndNot(KMD, DRIFT)),
    ("kmd IKKE drift", AndNot(KMD, DRIFT)),
    ("-kmd", Not(KMD)),
    ("kmd (-drift)", AndNot(KMD, DRIFT)),
    ("uta (kmd -drift)", And((UTA, AndNot(KMD, DRIFT)))),
    ("+kmd uta", AndMaybe(KMD, UTA)),
    # Explicit operators bind tighter than neighbouring words, AND tighter than OR.
    ("kmd OR uta bac", And((Or((KMD, UTA)), BAC))),
    ("kmd ELLER uta", Or((KMD, UTA))),
    ("kmd AND uta OR bac", Or((And((KMD, UTA)), BAC))),
    ("kmd OG uta", And((KMD, UTA))),
    ("kmd ANDNOT uta", AndNot(KMD, UTA)),
    ("kmd OR -uta", Or((KMD, Not(UTA)))),
    ("titel:(kmd -drift)", AndNot(Term("title", ("kmd",)), Term("title", ("drift",)))),
    ("beslutning:kmd", Term("decision", ("kmd",))),
    ('"status på kmd"', Phrase(None, ("status", "på", "kmd"))),
    ("status på kmd", And((Term(None, ("status",)), KMD))),  # a loose stop word is dropped ...
    ("på", Term(None, ("på",))),  # ... unless there is nothing else
    ("hr-strategi", Term(None, ("hr-strategi",))),  # a compound is asked for whole
    ("revision*", Prefix(None, "revision")),
    ("14/32918", Exact("case", "14/32918")),
    ("sag:14/32918 OR 16/4232", Or((Exact("case", "14/32918"), Exact("case", "16/4232")))),
    ('"14/32918"', Term(None, ("14/32918",), parts=False)),  # quoted, it is text
    ('"fravær"', Term(None, ("fravær",), parts=False)),  # one quoted word: on its own, not in compounds
    ("fravær", Term(None, ("fravær",))),  # unquoted, it is found in sygefravær too
    ("kl:10", Term(None, ("kl", "10"))),  # not one of our fields: the colon is punctuation
    ("kmd (-)", KMD),
    ("kmd +", KMD),
    ("AND", Term(None, ("and",))),  # an operator with nothing around it is a word
])
def test_query_text_becomes_our_tree(text, tree) -> None:
    assert parse_query(text) == type(parse_query(text))(tree, [])


@pytest.mark.parametrize("text, tree, notices", [
    ("*beretning", Term(None, ("beretning",)), [WILDCARD]),
    ("a*", Term(None, ("a",)), [WILDCARD]),
    ("re*ion", Term(None, ("re", "ion")), [WILDCARD]),
    (")", Nothing(), [NOT_READ]),
    ("kmd )", KMD, [NOT_READ]),
    ("(" * 30 + "kmd", KMD, [NOT_READ]),  # nested too deep to be brackets: searched as its words
    ('"', Nothing(), [NOT_READ]),
])
def test_what_cannot_be_read_is_searched_as_words_and_says_so(text, tree, notices) -> None:
    parsed = parse_query(text)
    assert (parsed.tree, parsed.notices) == (tree, notices)


@pytest.mark.parametrize("text, tree, operator", [
    ("kmd OR", KMD, "OR"),
    ("kmd AND", KMD, "AND"),
    ("kmd OG", KMD, "OG"),
    ("OR kmd", KMD, "OR"),
    ("(drift ELLER) kmd", And((DRIFT, KMD)), "ELLER"),
    ("kmd NOT", KMD, "NOT"),
    ("uta (kmd IKKE)", And((UTA, KMD)), "IKKE"),
])
def test_an_operator_with_nothing_to_join_is_dropped_with_a_notice(text, tree, operator) -> None:
    parsed = parse_query(text)
    assert (parsed.tree, parsed.notices) == (tree, [f'"{operator}" mangler et ord på den ene side og er ikke brugt.'])
