"""The FirstAgenda reader: one harvested meeting file in, the project's `Meeting` out.

The meeting files are hand-written in the documented shapes (tests/fixtures/firstagenda/README.md);
every expected value below was read off them by hand. Rules the fixtures do not reach are tested on
small meetings built here (`stored`, `item`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from indexer.layouts import SECTION_KINDS
from indexer.model import AGENDA, MINUTES, Meeting, meeting_to_dict
from indexer.parse import ParseError
from indexer.sources.firstagenda import read_meeting

FIXTURES = Path(__file__).parent / "fixtures" / "firstagenda"
HVIDOVRE_MINUTES = "hvidovre/oekonomiudvalget/2026-06-22.firstagenda.json"
MIDDELFART_MINUTES = "middelfart/teknisk-udvalg/2026-09-28.firstagenda.json"
HVIDOVRE_AGENDA = "hvidovre/kultur-og-fritidsudvalget/2026-08-10.firstagenda.json"
ZERO = "00000000-0000-0000-0000-000000000000"


def read(source: str) -> Meeting:
    return read_meeting((FIXTURES / source).read_bytes(), source)


# -- fixture (a), whole ----------------------------------------------------------------------------

HOST = "https://dagsordener-referater.hvidovre.dk"
MEETING_PAGE = f"{HOST}/vis?id=7e3d9a41-2b6c-4f0e-a8d5-1c9b0e4f6a72"


def decided(text: str, kind: str) -> dict:
    return {"text": text, "types": [kind], "parts": [{"heading": None, "text": text, "type": kind}], "vote": None}


def section(kind: str, heading: str, text: str) -> dict:
    return {"kind": kind, "heading": heading, "text": text}


def item(number: int, title: str, case: str, guid: str, pdf: str | None, decision: dict, sections: list[dict],
         closed: bool = False, attendance: list[str] | None = None, attachments: list[str] | None = None,
         attachment_files: list[dict] | None = None) -> dict:
    return {
        "id": f"hvidovre-oekonomiudvalget-2026-06-22-{number}", "number": number, "title": title,
        "other_titles": [], "page": None, "case_number": case, "closed": closed, "decision": decision,
        "centres": [], "proposers": [], "attendance": attendance or [], "attachments": attachments or [],
        "attachment_files": attachment_files or [], "published_url": f"{MEETING_PAGE}&punktid={guid}",
        "published_pdf": pdf and f"{HOST}/Vis/Pdf/bilag/{pdf}", "recognised": False, "sections": sections,
    }


HVIDOVRE_MINUTES_DICT = {
    "id": "hvidovre-oekonomiudvalget-2026-06-22",
    "municipality": "Hvidovre",
    "committee": "Økonomiudvalget",
    "date": "2026-06-22",
    "start_time": "17:00",
    "location": "Rådhuset, mødelokale 1",
    "participants": [{"name": name, "role": None}
                     for name in ("Helle Kjær", "Anders Vestergaard", "Jonas Brandt", "Mette Dahl", "Ole Winther")],
    "attendance": ["Afbud: Birgit Holm, Kasper Lund"],
    "layout": "firstagenda",
    "status": "referat",
    "published_url": MEETING_PAGE,
    "source": HVIDOVRE_MINUTES,
    "pages": None,
    "recognised_pages": 0,  # JSON from the host: nothing read from a scan
    "items": [
        item(1, "Anlægsbevilling til nyt tag på Idrætshallen Nord", "26/3318", "a1f04c2e-5d3b-4e8a-9c71-0b2d6e8f4a13",
             "e5b48062-917f-4c2e-90b5-4f61a2c38e57", decided("Godkendt.", "godkendt"), [
                 section("resume", "Beslutningstema", "Økonomiudvalget skal tage stilling til, om der skal frigives "
                         "en anlægsbevilling til nyt tag på Idrætshallen Nord."),
                 section("indstilling", "Indstilling", "Direktionen indstiller til Økonomiudvalget\n\n"
                         "1. at frigive en anlægsbevilling på 3.200.000 kr. til nyt tag på Idrætshallen Nord\n"
                         "2. at udgiften finansieres af puljen til bygningsvedligehold"),
                 section("sagsfremstilling", "Sagsfremstilling", "Taget på Idrætshallen Nord er fra 1978 og har de "
                         "seneste tre vintre været utæt flere steder.\n\nEn tilstandsvurdering fra april 2026 "
                         "anbefaler at skifte hele tagfladen frem for at lappe den."),
                 section("oekonomi", "Økonomiske konsekvenser",
                         "Udgiften på 3,2 mio. kr. holdes inden for puljen til bygningsvedligehold i 2026."),
                 section("beslutning", "Beslutning", "Godkendt."),
             ]),
        item(2, "Ny aftale om vintertjeneste på kommunale veje", "25/19044", "b2e15d3f-6e4c-4f9b-8d82-1c3e7f905b24",
             "f6a59173-a280-4d3f-81c6-5072b3d49f68",
             decided("Godkendt med den ændring, at aftalen løber til 2029.", "godkendt"), [
                 section("sagsfremstilling", "Supplerende sagsfremstilling", "Siden mødet den 18. maj 2026 har "
                         "forvaltningen indhentet et tilbud mere på saltning af cykelstier."),
                 section("resume", "Beslutningstema",
                         "Økonomiudvalget skal godkende en ny aftale om vintertjeneste for perioden 2026-2030."),
                 section("indstilling", "Indstilling",
                         "Direktionen indstiller til Økonomiudvalget at godkende aftalen med Vejservice Syd ApS."),
                 section("andet", "Beslutning i Økonomiudvalget den 18-05-2026",
                         "Sagen blev udsat, så forvaltningen kan indhente flere tilbud."),
                 section("sagsfremstilling", "Sagsfremstilling", "Den nuværende aftale udløber den 30. september 2026."),
                 section("beslutning", "Beslutning", "Godkendt med den ændring, at aftalen løber til 2029."),
             ], attendance=["Jonas Brandt deltog ikke i sagens behandling på grund af inhabilitet."]),
        item(3, "Budgetopfølgning pr. 31. maj 2026", "26/1207", "c3d26e40-7f5d-4a0c-9e93-2d4f80a16c35",
             "07b6a284-b391-4e40-92d7-6183c4e5a079", decided("Taget til efterretning.", "taget-til-efterretning"), [
                 section("resume", "Beslutningstema",
                         "Økonomiudvalget orienteres om det forventede regnskab for 2026 efter fem måneder."),
                 section("sagsfremstilling", "Sagsfremstilling", "Det forventede regnskab fordeler sig således:\n\n"
                         "Område\tBudget (mio. kr.)\tForventet regnskab (mio. kr.)\n"
                         "Service\t2.145,3\t2.151,8\n"
                         "Anlæg\t212,0\t187,5\n\n"
                         "Merforbruget på service skyldes især flere anbringelser."),
                 section("lovgrundlag", "Retsgrundlag", "Lov om kommunernes styrelse § 40."),
                 section("beslutning", "Beslutning", "Taget til efterretning."),
             ], attachments=["Budgetopfølgning maj 2026 - oversigt", "Likviditetsprognose 2026-2029",
                             "Notat om anlægsprojekter"],
             attachment_files=[
                 {"title": "Budgetopfølgning maj 2026 - oversigt",
                  "url": f"{HOST}/vis/pdf/bilag/18c7b395-c4a2-4f51-a3e8-7294d5f6b18a/?redirectDirectlyToPdf=true"},
                 {"title": "Likviditetsprognose 2026-2029",
                  "url": f"{HOST}/vis/pdf/bilag/29d8c4a6-d5b3-4062-b4f9-83a5e6a7c29b/?redirectDirectlyToPdf=true"},
             ]),
        item(4, "Beslutning - Salg af erhvervsgrund på Stamholmen", "26/5120", "d4c37f51-806e-4b1d-8fa4-3e5091b27d46",
             None, decided("", "lukket"), [], closed=True),
    ],
}


def test_hvidovre_minutes_as_a_whole() -> None:
    assert meeting_to_dict(read(HVIDOVRE_MINUTES)) == HVIDOVRE_MINUTES_DICT


def test_what_the_meeting_dict_leaves_out_of_the_hvidovre_minutes() -> None:
    meeting = read(HVIDOVRE_MINUTES)
    assert meeting.date == date(2026, 6, 22)
    assert [(a.title, a.path) for a in meeting.items[2].attachment_files] == [
        ("Budgetopfølgning maj 2026 - oversigt",
         "hvidovre/oekonomiudvalget/2026-06-22.bilag/18c7b395-c4a2-4f51-a3e8-7294d5f6b18a.pdf"),
        ("Likviditetsprognose 2026-2029", None),  # null in the file's attachments map: not fetched
    ]
    assert meeting.warnings == [
        "item 3 (Budgetopfølgning pr. 31. maj 2026): attachment 'Likviditetsprognose 2026-2029' was not fetched"]


# -- the rules, on the fixtures --------------------------------------------------------------------

def headings_and_kinds(number: int) -> Callable[[Meeting], list[tuple[str, str]]]:
    return lambda meeting: [(s.heading, s.kind) for s in meeting.items[number - 1].sections]


FIXTURE_RULES = [
    pytest.param(HVIDOVRE_MINUTES, lambda m: [(i.number, i.title) for i in m.items], [
        (1, "Anlægsbevilling til nyt tag på Idrætshallen Nord"), (2, "Ny aftale om vintertjeneste på kommunale veje"),
        (3, "Budgetopfølgning pr. 31. maj 2026"), (4, "Beslutning - Salg af erhvervsgrund på Stamholmen"),
    ], id="numbered-by-Sorting-not-by-array-order-or-Number"),
    pytest.param(HVIDOVRE_MINUTES, headings_and_kinds(2), [
        ("Supplerende sagsfremstilling", "sagsfremstilling"), ("Beslutningstema", "resume"),
        ("Indstilling", "indstilling"), ("Beslutning i Økonomiudvalget den 18-05-2026", "andet"),
        ("Sagsfremstilling", "sagsfremstilling"), ("Beslutning", "beslutning"),
    ], id="own-decision-chosen-over-the-quoted-earlier-one"),
    pytest.param(HVIDOVRE_MINUTES, lambda m: (m.items[0].sections[0].kind, m.items[0].decision.text),
                 ("resume", "Godkendt."), id="Beslutningstema-is-no-decision"),
    pytest.param(HVIDOVRE_MINUTES, lambda m: m.items[1].attendance,
                 ["Jonas Brandt deltog ikke i sagens behandling på grund af inhabilitet."], id="deltog-ikke-to-attendance"),
    pytest.param(HVIDOVRE_MINUTES, lambda m: (m.items[3].closed, m.items[3].sections, m.items[3].decision.types,
                                              m.items[3].published_pdf, m.items[3].attachment_files),
                 (True, [], ["lukket"], None, []), id="closed-item"),
    pytest.param(HVIDOVRE_MINUTES, lambda m: [i.published_url for i in m.items if "#" in i.published_url], [],
                 id="no-fragment-in-links"),
    pytest.param(HVIDOVRE_MINUTES, lambda m: [a.title for a in m.items[2].attachment_files],
                 ["Budgetopfølgning maj 2026 - oversigt", "Likviditetsprognose 2026-2029"],
                 id="HarPdfVersion-string-true-and-bool-true-not-string-false"),
    pytest.param(MIDDELFART_MINUTES, lambda m: (m.status, m.items[0].decision.types),
                 (MINUTES, ["anbefalet"]), id="Afsluttet-makes-minutes-of-a-Dagsorden"),
    pytest.param(MIDDELFART_MINUTES, lambda m: (m.items[0].decision.text, m.items[0].attendance), (
        "Anbefales godkendt med en tilføjelse om ladestandere.",
        ["Peter Mørk deltog ikke i sagens behandling (afbud).", "Afbud: Peter Mørk"]), id="Afbud-out-of-the-decision"),
    pytest.param(MIDDELFART_MINUTES, lambda m: (m.items[1].decision.text, m.items[1].attendance),
                 ("Taget til efterretning.", ["Afbud: Peter Mørk"]), id="Afbud-after-br-br"),
    pytest.param(MIDDELFART_MINUTES, lambda m: (m.attendance, [p.name for p in m.participants]), (
        ["Afbud: Peter Mørk"], ["Ida Bech", "Lone Skov", "Rasmus Friis", "Tina Holt"]),
        id="ParticipationCancelled-to-the-meeting-attendance"),
    pytest.param(MIDDELFART_MINUTES, headings_and_kinds(1), [
        ("Beslutning", "beslutning"), ("Præsentation", "resume"), ("Forvaltningen indstiller", "indstilling"),
        ("Sagsbeskrivelse", "sagsfremstilling"), ("Økonomi", "oekonomi"), ("Klima & bæredygtighed", "andet"),
        ("Sagens forløb", "andet"),
    ], id="FirstAgenda-section-kinds-and-entities-unescaped"),
    pytest.param(MIDDELFART_MINUTES, lambda m: [s.text for s in m.items[0].sections][3:], [
        "Den gældende norm er fra 2009 og kræver 1,5 p-plads pr. bolig.\n\n"
        "- Boliger: 0,8 p-plads pr. bolig\n- Erhverv: 1 p-plads pr. 100 m²",
        "Forslaget har ingen økonomiske konsekvenser for kommunen.",
        "Færre p-pladser frigør areal til grønne byrum.",
        "14/09/2026 Klima- Natur og Genbrugsudvalget\nAnbefales",
    ], id="list-items-and-br-lines"),
    pytest.param(MIDDELFART_MINUTES, lambda m: [(a.title, a.path) for a in m.items[1].attachment_files], [(
        "Oversigtskort", "middelfart/teknisk-udvalg/2026-09-28.bilag/bc41f683-2ea0-4d59-87fb-803d9e5f4c2a.pdf")],
        id="leading-dot-stripped-and-path-joined-to-the-folder"),
    pytest.param(MIDDELFART_MINUTES, lambda m: (m.date, m.start_time, m.location, m.warnings),
                 (date(2026, 9, 28), "15:30", "ML 2 – Byrådssalen", []), id="middelfart-meeting"),
    pytest.param(HVIDOVRE_AGENDA, lambda m: (m.status, [i.decision.types for i in m.items]),
                 (AGENDA, [["ingen-beslutning"], ["ingen-beslutning"], ["lukket"]]), id="agenda-never-decided"),
    pytest.param(HVIDOVRE_AGENDA, headings_and_kinds(2), [
        ("Beslutningstema", "resume"), ("Indstilling", "indstilling"),
        ("Beslutning i Økonomiudvalget den 22-06-2026", "andet"), ("Sagsfremstilling", "sagsfremstilling"),
    ], id="agenda-quoted-decision-is-andet"),
    pytest.param(HVIDOVRE_AGENDA, lambda m: (m.items[1].attachments, [a.title for a in m.items[1].attachment_files]),
                 (["Ansøgningsoversigt", "Energiscreening af klubhuse"], ["Energiscreening af klubhuse"]),
                 id="zero-GUID-attachment-has-no-file"),
    pytest.param(HVIDOVRE_AGENDA, lambda m: (m.participants, m.attendance, m.items[0].sections, m.items[2].title),
                 ([], [], [], "Lejeaftale for cafeen i Hvidovre Idrætspark"), id="agenda-null-participants-empty-item"),
    pytest.param(HVIDOVRE_AGENDA, lambda m: m.warnings, [
        "item 2 (Pulje til energiforbedringer i foreningernes klubhuse): attachment 'Energiscreening af klubhuse' "
        "was not fetched"], id="agenda-warnings"),
]


@pytest.mark.parametrize(("source", "get", "expected"), FIXTURE_RULES)
def test_rule_on_fixture(source: str, get: Callable[[Meeting], object], expected: object) -> None:
    assert get(read(source)) == expected


@pytest.mark.parametrize("source", [HVIDOVRE_MINUTES, MIDDELFART_MINUTES, HVIDOVRE_AGENDA])
def test_only_known_section_kinds_and_one_decision_section_at_most(source: str) -> None:
    for agenda_item in read(source).items:
        kinds = [s.kind for s in agenda_item.sections]
        assert set(kinds) <= set(SECTION_KINDS)
        assert kinds.count("beslutning") <= 1


# -- the rules, on meetings built here -------------------------------------------------------------

MEETING_GUID = "11111111-2222-4333-8444-555555555555"


def felt(html: str, tekst: str | None = None) -> dict:
    return {"Navn": "", "Html": html, "Tekst": tekst, "Id": ZERO, "Link": "", "DocumentId": ZERO}


def agenda_item(html: str = "", sorting: int = 1, **keys: object) -> dict:
    return {"Felter": [felt(html)], "SagsNummer": "26/100", "Navn": "Punkt", "Bilag": [],
            "Id": f"99999999-0000-4000-8000-{sorting:012d}", "Number": str(100 + sorting), "Sorting": sorting,
            "IsOpen": True, "CaseNumber": "26/100", **keys}


def stored(*items: dict, listing: dict | None = None, attachments: dict | None = None) -> bytes:
    return json.dumps({
        "format": "firstagenda-meeting/1", "host": "https://dagsordener.svendborg.dk", "municipality": "Svendborg",
        "committee": "Byrådet",
        "listing": {"Dato": "2026-10-05T18:00:00+02:00", "Afsluttet": True, "Navn": "Referat", **(listing or {})},
        "agenda": {"Dagsordenpunkter": list(items), "Moede": {"Id": ZERO, "Moededeltagere": None},
                   "Id": MEETING_GUID},
        "attachments": attachments or {}, "fetched": "2026-10-06T05:40:00+00:00",
    }).encode()


def replaced(data: bytes, **keys: object) -> bytes:
    """The stored file with top-level keys replaced."""
    return json.dumps({**json.loads(data), **keys}).encode()


SOURCE = "svendborg/byraadet/2026-10-05.firstagenda.json"


def built(*items: dict, **keys: object) -> Meeting:
    return read_meeting(stored(*items, **keys), SOURCE)


@pytest.mark.parametrize(("name", "title"), [
    ("Lukket: Salg af grund ved havnen", "Salg af grund ved havnen"),
    ("15. Igangsættelse af lokalplan for Ryttergården", "Igangsættelse af lokalplan for Ryttergården"),
    ("Lukket: 8. Godkendelse af takster", "Godkendelse af takster"),
    ("1. behandling af budget 2027", "1. behandling af budget 2027"),  # an ordinal, not a number
    ("2. Behandling af budget 2027", "2. Behandling af budget 2027"),
    ("3.  kvartal: økonomirapport", "3. kvartal: økonomirapport"),  # lower case: no number of the municipality's
])
def test_title_prefixes(name: str, title: str) -> None:
    assert built(agenda_item(Navn=name)).items[0].title == title


def test_caption_and_case_number_fall_back_to_the_english_keys() -> None:
    found = built(agenda_item(Navn=None, Caption="Vejnavne i nyt boligområde", SagsNummer=None,
                              CaseNumber="EMN-2026-00445"), agenda_item(sorting=2, SagsNummer=None, CaseNumber=None))
    assert [(i.title, i.case_number) for i in found.items] == [("Vejnavne i nyt boligområde", "EMN-2026-00445"),
                                                               ("Punkt", "")]


def test_sorting_orders_items_and_numbers_them_by_position() -> None:
    found = built(agenda_item(sorting=11, Navn="Senere"), agenda_item(sorting=3, Navn="Først"))
    assert [(i.number, i.title, i.id) for i in found.items] == [
        (1, "Først", "svendborg-byraadet-2026-10-05-1"), (2, "Senere", "svendborg-byraadet-2026-10-05-2")]


BESLUTNING = "<h3>Beslutning</h3><span><p>{}</p></span>"
# An earlier committee's decision quoted inside "Sagens forløb", after the item's own.
WITH_HISTORY = (BESLUTNING.format("Godkendt.") + "<h3>Sagens forløb</h3><span class='sagsforloeb'>"
                "<h3>Beslutning</h3><p>Udsat i Teknisk Udvalg.</p></span>")

# (Html of one item of minutes of 2026-10-05) -> (heading of the decision section, decision text)
DECISION_CHOICE = [
    pytest.param(BESLUTNING.format("Godkendt.") + "<h3>Beslutning i Økonomiudvalget den 28-09-2026</h3><p>Udsat.</p>",
                 ("Beslutning", "Godkendt."), id="plain-before-a-dated-one"),
    pytest.param("<h3>Beslutning i Økonomiudvalget den 28-09-2026</h3><p>Anbefales.</p>"
                 "<h3>Beslutning i Byrådet den 05-10-2026</h3><p>Godkendt.</p>"
                 "<h3>Beslutning i Teknisk Udvalg den 14. september 2026</h3><p>Udsat.</p>",
                 ("Beslutning i Byrådet den 05-10-2026", "Godkendt."), id="dated-the-meeting-s-day"),
    pytest.param("<h3>Beslutning i Teknisk Udvalg den 14-09-2026</h3><p>Udsat.</p>"
                 "<h3>Beslutning i Økonomiudvalget den 28-09-2026</h3><p>Anbefales.</p>",
                 ("Beslutning i Økonomiudvalget den 28-09-2026", "Anbefales."), id="else-the-last"),
    pytest.param(WITH_HISTORY, ("Beslutning", "Godkendt."), id="not-inside-Sagens-forloeb"),
    pytest.param("<h3>Beslutningskompetence</h3><p>Byrådet.</p>" + BESLUTNING.format("Vedtaget."),
                 ("Beslutning", "Vedtaget."), id="Beslutningskompetence-is-no-decision"),
    pytest.param("<h3>Udvalgets beslutning:</h3><p>Godkendt.</p>", ("Udvalgets beslutning:", "Godkendt."),
                 id="a-layout-decision-heading"),
]


@pytest.mark.parametrize(("html", "expected"), DECISION_CHOICE)
def test_decision_choice(html: str, expected: tuple[str, str]) -> None:
    found = built(agenda_item(html)).items[0]
    assert [(s.heading, s.text) for s in found.sections if s.kind == "beslutning"] == [expected]
    assert found.decision.text == expected[1]


def test_the_decisions_in_sagens_forloeb_stay_history() -> None:
    assert [(s.heading, s.kind, s.text) for s in built(agenda_item(WITH_HISTORY)).items[0].sections] == [
        ("Beslutning", "beslutning", "Godkendt."), ("Beslutning", "andet", "Udsat i Teknisk Udvalg.")]


@pytest.mark.parametrize(("listing", "html", "status"), [
    ({"Afsluttet": False, "Navn": "Dagsorden"}, BESLUTNING.format("Godkendt."), MINUTES),  # the Html says so
    ({"Afsluttet": False, "Navn": "Dagsorden"}, "<h3>Beslutning i Byrådet den 05-10-2026</h3><p>Godkendt.</p>",
     MINUTES),
    ({"Afsluttet": False, "Navn": "Dagsorden"}, "<h3>Beslutning i Byrådet den 31-08-2026</h3><p>Godkendt.</p>",
     AGENDA),  # an earlier decision, quoted
    ({"Afsluttet": False, "Navn": "Dagsorden"}, "<h3>Beslutning</h3><span></span>", AGENDA),  # an empty heading
    ({"Afsluttet": False, "Navn": "Lukket referat"}, "", MINUTES),
    ({"Afsluttet": False, "Navn": "Tillægsdagsorden"}, "", AGENDA),
    ({"Afsluttet": "true", "Navn": "Dagsorden"}, "", MINUTES),  # a boolean written as a string
])
def test_status(listing: dict, html: str, status: str) -> None:
    assert built(agenda_item(html), listing=listing).status == status


def test_a_closed_item_written_with_string_booleans_has_no_text_and_no_files() -> None:
    bilag = [{"HarPdfVersion": "true", "Order": 0, "Navn": "Kontrakt", "Id": "abcdefab-0000-4000-8000-000000000002"}]
    found = built(agenda_item(BESLUTNING.format("Godkendt."), Navn="Lukket: Køb af ejendom", IsOpen="false",
                              Bilag=bilag), agenda_item(BESLUTNING.format("Godkendt."), sorting=2)).items[0]
    assert (found.closed, found.title, found.sections, found.decision.types, found.attachments,
            found.attachment_files) == (True, "Køb af ejendom", [], ["lukket"], ["Kontrakt"], [])


def test_text_before_the_first_heading_tables_scripts_and_tekst() -> None:
    html = ("<div><style>p {color: red}</style><p>Indledning &quot;A&quot;</p><script>var x = 1;</script>"
            "<table><tr><th>År</th><th>Beløb</th></tr><tr><td>2027</td><td><p>1,2</p><p>mio.</p></td></tr></table>"
            "Første linje<br>Anden linje<br><br>Nyt afsnit</div>"
            "<ol><li><p>at godkende</p></li><li><p>at bevilge</p></li><li></li></ol>"
            "<ul><li>Hal<ul><li>Tag</li></ul></li></ul>")
    sections = built(agenda_item(Felter=[felt(html, "Tekst et\nTekst to")])).items[0].sections
    assert [(s.kind, s.heading, s.text) for s in sections] == [
        ("tekst", "", 'Indledning "A"\n\nÅr\tBeløb\n2027\t1,2 mio.\n\nFørste linje\nAnden linje\n\nNyt afsnit'
                      "\n\n1. at godkende\n2. at bevilge\n\n- Hal\n- Tag\n\nTekst et\n\nTekst to")]


def test_date_is_the_local_date_of_the_string_and_midnight_is_no_time() -> None:
    late = built(agenda_item(), listing={"Dato": "2026-03-29T23:30:00-01:00"})
    assert (late.date, late.start_time, late.id) == (date(2026, 3, 29), "23:30", "svendborg-byraadet-2026-03-29")
    no_dato = built(agenda_item(), listing={"Dato": None, "MeetingBeginUtc": "2026-10-05T00:00:00+02:00"})
    assert (no_dato.date, no_dato.start_time) == (date(2026, 10, 5), None)


def test_warnings_name_the_item() -> None:
    bilag = [{"HarPdfVersion": "true", "Order": 0, "Navn": "Kort", "Id": "abcdefab-0000-4000-8000-000000000001"}]
    found = built(agenda_item("<p>a</p><![foo bar]><p>b</p>", Navn="Havneplan"),
                  agenda_item(sorting=2, Navn="Skolevej", Bilag=bilag),
                  attachments={"abcdefab-0000-4000-8000-000000000001": "../../andet/kort.pdf"})
    assert found.warnings == [
        "item 1 (Havneplan): its text could not be read: Felter[0].Html: unknown status keyword 'foo ' in marked section",
        "item 2 (Skolevej): attachment 'Kort': its path '../../andet/kort.pdf' leaves the meeting's folder; not read",
        "the meeting is minutes, but no item has a decision section",
    ]
    assert found.items[1].attachment_files[0].path is None


# -- malformed files -------------------------------------------------------------------------------

@pytest.mark.parametrize(("source", "reason"), [
    ("malformed/not-json.firstagenda.json", "not JSON: Expecting value at line 1 column 1"),
    ("malformed/wrong-format.firstagenda.json", "format is 'firstagenda-meeting/2', not 'firstagenda-meeting/1'"),
    ("malformed/no-items.firstagenda.json", "agenda.Dagsordenpunkter is missing"),
    ("malformed/bad-date.firstagenda.json", "listing.Dato is not a date: 'mandag den 28. september 2026'"),
])
def test_malformed_fixture(source: str, reason: str) -> None:
    with pytest.raises(ParseError) as raised:
        read(source)
    assert str(raised.value) == reason


@pytest.mark.parametrize(("data", "reason"), [
    (b"\xff\xfe{}", "not UTF-8 text"),
    (b"[]", "not a FirstAgenda meeting file: the top level is not an object"),
    (b"{}", "format is None, not 'firstagenda-meeting/1'"),
    (replaced(stored(agenda_item()), host=None), "host is missing"),
    (replaced(stored(agenda_item()), host="dagsordener.svendborg.dk"),
     "host is not a scheme and a host name: 'dagsordener.svendborg.dk'"),
    (replaced(stored(agenda_item()), committee="  "), "committee is not a text"),
    (replaced(stored(agenda_item()), listing=[]), "listing is not an object"),
    (stored(), "agenda.Dagsordenpunkter is not a list of items"),
    (stored(agenda_item(), listing={"Dato": None}), "no meeting date: listing.Dato, listing.MeetingBeginUtc and "
                                                     "agenda.Moede.Dato are missing"),
    (stored(agenda_item(), listing={"Dato": 20261005}), "listing.Dato is not a date: 20261005"),
    (stored(agenda_item()).replace(MEETING_GUID.encode(), ZERO.encode()), "agenda.Id is missing: the meeting's GUID"),
    (stored(agenda_item(Bilag=[{"HarPdfVersion": True, "Navn": "Kort", "Id": "abcdefab-0000-4000-8000-000000000001"}]),
            attachments={"abcdefab-0000-4000-8000-000000000001": 7}),
     "attachments['abcdefab-0000-4000-8000-000000000001'] is not a path"),
])
def test_malformed_bytes(data: bytes, reason: str) -> None:
    with pytest.raises(ParseError) as raised:
        read_meeting(data, SOURCE)
    assert str(raised.value) == reason
