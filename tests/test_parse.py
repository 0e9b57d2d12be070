"""Parser tests: golden values for every seed, fixtures it has never seen, and one test per rule."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from indexer.centres import find_centres
from indexer.load import decode, load_meeting
from indexer.parse import ParseError, parse_decision, parse_minutes

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus" / "hoeje-taastrup" / "direktionen"
GOLDEN = Path(__file__).parent / "golden"
FIXTURES = Path(__file__).parent / "fixtures"


def summarise(meeting, with_centres: bool = False) -> dict:
    """The fields the hand-written expectation files pin."""
    items = []
    for item in meeting.items:
        entry = {
            "number": item.number,
            "title": item.title,
            "case_number": item.case_number,
            "closed": item.closed,
            "attachment_count": len(item.attachments),
            "decision_types": item.decision.types,
        }
        if with_centres:
            entry["centres"] = sorted(item.centres)
            entry["proposers"] = sorted(item.proposers)
        items.append(entry)
    return {
        "date": meeting.date.isoformat(),
        "start_time": meeting.start_time,
        "location": meeting.location,
        "participants": [{"name": p.name, "role": p.role} for p in meeting.participants],
        "items": items,
    }


@pytest.mark.parametrize("golden", sorted(GOLDEN.glob("*.json")), ids=lambda p: p.stem)
def test_seed_parses_to_hand_read_golden_values(golden: Path) -> None:
    expected = json.loads(golden.read_text(encoding="utf-8"))
    meeting = load_meeting(CORPUS / f"{golden.stem}.txt")
    assert summarise(meeting) == expected


def test_every_seed_has_a_golden_file() -> None:
    assert sorted(p.stem for p in CORPUS.glob("*.txt")) == sorted(p.stem for p in GOLDEN.glob("*.json"))


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("*.txt")), ids=lambda p: p.stem)
def test_unseen_minutes_parse_to_hand_written_expectations(fixture: Path) -> None:
    expected = json.loads(fixture.with_suffix(".json").read_text(encoding="utf-8"))
    meeting = load_meeting(fixture)
    assert summarise(meeting, with_centres=True) == expected


def test_fixtures_exist() -> None:
    assert len(list(FIXTURES.glob("*.txt"))) >= 3


MINIMAL = """REFERAT Direktionen d. 02-03-2021

Mødedato Tirsdag d. 02. marts 2021 kl. 09:30

Mødested Rådhuset

Punkt 1: Første punkt

21/100

{body}
"""


def one_item(body: str):
    return parse_minutes(MINIMAL.format(body=body), "test.txt").items[0]


def test_repeated_title_before_baggrund_is_not_an_attachment() -> None:
    item = one_item("Bilag\n\nNotat om sagen\n\nFørste punktt\n\nBaggrund\n\nTekst.\n")
    assert item.attachments == ["Notat om sagen"]
    assert [(s.kind, s.text) for s in item.sections] == [
        ("bilag", "Notat om sagen"), ("baggrund", "Tekst.")]


def test_repeated_title_without_attachments_is_dropped() -> None:
    item = one_item("Første punkt\n\nBaggrund\n\nTekst.\n")
    assert [(s.kind, s.text) for s in item.sections] == [("baggrund", "Tekst.")]


def test_unrelated_last_attachment_is_kept() -> None:
    item = one_item("Bilag\n\nBudgetnotat 2021\n\nBaggrund\n\nTekst.\n")
    assert item.attachments == ["Budgetnotat 2021"]


def test_page_break_rejoins_split_paragraph() -> None:
    item = one_item("Baggrund\n\nchikane er ikke\n\nacceptabelt.\n\nNyt afsnit.\n")
    assert item.sections[0].text == "chikane er ikke acceptabelt.\n\nNyt afsnit."


def test_page_break_after_dangling_conjunction_rejoins_capitalised_word() -> None:
    item = one_item("Baggrund\n\nsagen til udvalg og\n\nByråd, så vil det.\n")
    assert item.sections[0].text == "sagen til udvalg og Byråd, så vil det."


def test_heading_like_paragraph_is_not_joined() -> None:
    item = one_item("Sagsfremstilling\n\nAftalestyring\n\nDirektionen har besluttet.\n")
    assert item.sections[0].text == "Aftalestyring\n\nDirektionen har besluttet."


def test_upper_case_headings_are_sections() -> None:
    item = one_item("Baggrund\n\nA.\n\nINDSTILLING\n\nB.\n\nBESLUTNING DIREKTIONEN DEN 02-03-2021\n\n"
                    "Godkendt.\n\nØKONOMI\n\nC.\n")
    assert [(s.kind, s.heading) for s in item.sections] == [
        ("baggrund", "Baggrund"), ("indstilling", "INDSTILLING"),
        ("beslutning", "BESLUTNING DIREKTIONEN DEN 02-03-2021"), ("oekonomi", "ØKONOMI")]
    assert item.decision.types == ["godkendt"]


def test_sub_decisions_each_get_a_type() -> None:
    decision = parse_decision("Revisionsbemærkninger\n\nTaget til efterretning\n\nPuljer\n\nUdskudt.\n\n"
                              "Budget\n\nIkke godkendt.")
    assert [(p.heading, p.type) for p in decision.parts] == [
        ("Revisionsbemærkninger", "taget-til-efterretning"), ("Puljer", "udskudt"), ("Budget", "afvist")]
    assert decision.types == ["taget-til-efterretning", "udskudt", "afvist"]


@pytest.mark.parametrize("text, expected", [
    ("Godkendt, idet den politiske fremlæggelse rykkes til januar.", "godkendt"),
    ("Direktionen godkendte indstillingen.", "godkendt"),
    ("Sagen blev ikke godkendt.", "afvist"),
    ("Indstillingen blev afvist.", "afvist"),
    ("Sagen blev udsat.", "udskudt"),
    ("Udskudt.", "udskudt"),
    ("Direktionen tog sagen til efterretning.", "taget-til-efterretning"),
    ("Direktionen drøftede sagen.", "droeftet"),
    ("Sagen blev drøftet.", "droeftet"),
    ("Programmet blev vendt i Direktionen.", "droeftet"),
    ("Det blev aftalt, at oversigten skal drøftes oftere.", "andet"),
])
def test_decision_type_rules_on_danish_word_forms(text: str, expected: str) -> None:
    assert parse_decision(text).types == [expected]


def test_decision_type_never_comes_from_indstilling() -> None:
    item = one_item("Indstilling\n\nDet indstilles, at direktionen godkender planen.\n")
    assert item.decision.types == ["ingen-beslutning"]


def test_closed_item_is_flagged_with_its_case_number() -> None:
    meeting = parse_minutes(MINIMAL.format(body="") + "Punkt 2: Lukket\n\n21/200\n", "t.txt")
    closed = meeting.items[1]
    assert (closed.id, closed.closed, closed.case_number, closed.decision.types) == (
        "hoeje-taastrup-direktionen-2021-03-02-2", True, "21/200", ["lukket"])


def test_inline_html_becomes_plain_text() -> None:
    item = one_item("Sagsfremstilling\n\nI 1000 kr.\t2015\n<i>Incorp</i>\t105\n")
    assert item.sections[0].text == "I 1000 kr.\t2015\nIncorp\t105"


@pytest.mark.parametrize("text, expected", [
    ("BAC's status og ØDCs notat", ["BAC", "ØDC"]),
    ("HR-Centret indstiller", ["HRC"]),
    ("Borger- og Arbejdsmarkedscenterets ledelse", ["BAC"]),
    ("Institutions- og Skolecenteret påtænker", ["ISC"]),
    ("SUOC og Driftsbyen", ["SOUC", "DBY"]),
    ("BAC-ledelsen og Ungecentrets opgaver", ["BAC", "Ungecentret"]),
    ("abacus og bsc-kode", []),
])
def test_centre_aliases_normalise_to_codes(text: str, expected: list[str]) -> None:
    assert find_centres(text) == expected


def test_header_fields() -> None:
    meeting = parse_minutes(MINIMAL.format(body="") + "\nMødedeltagere A B, C D (sekretær)\n", "x.txt")
    assert (meeting.id, meeting.committee, meeting.date, meeting.start_time, meeting.location) == (
        "hoeje-taastrup-direktionen-2021-03-02", "Direktionen", date(2021, 3, 2), "09:30", "Rådhuset")


@pytest.mark.parametrize("data, text", [
    ("Mødested Rådhus\r\n".encode("utf-8-sig"), "Mødested Rådhus\r\n"),
    ("Økonomi på rådhuset".encode("cp1252"), "Økonomi på rådhuset"),
    ("Økonomi".encode("utf-8"), "Økonomi"),
])
def test_decode_handles_bom_and_cp1252(data: bytes, text: str) -> None:
    assert decode(data) == text


def test_crlf_minutes_parse_like_lf() -> None:
    text = MINIMAL.format(body="Baggrund\n\nTekst.\n")
    assert parse_minutes(text.replace("\n", "\r\n"), "a").items == parse_minutes(text, "a").items


@pytest.mark.parametrize("text, reason", [
    ("", "empty document"),
    ("Hej med dig\n", "not minutes: no layout finds agenda items in it ('minutes layouts' lists the layouts)"),
    ("REFERAT Direktionen d. 01-02-2020\n\nIngen punkter\n", "not minutes: no agenda items ('Punkt N: ...')"),
    ("REFERAT Direktionen d. 01-02-2020\n\nPunkt 1: A\n\n20/1\n\nPunkt 1: B\n\n20/2\n",
     "agenda item number 1 appears more than once"),
    ("REFERAT Direktionen d. 31-02-2020\n\nPunkt 1: A\n\n20/1\n",
     "invalid meeting date 31-02-2020: day is out of range for month"),
])
def test_bad_input_raises_a_named_reason(text: str, reason: str) -> None:
    with pytest.raises(ParseError) as raised:
        parse_minutes(text, "bad.txt")
    assert str(raised.value) == reason


def test_binary_input_is_refused() -> None:
    with pytest.raises(ParseError) as raised:
        decode(b"\x89PNG\x00\x00")
    assert str(raised.value) == "binary file (contains NUL bytes), not a text document"
