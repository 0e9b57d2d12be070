"""An archive of several committees and municipalities, on every engine: facets, addresses that name
the committee, the old date addresses, and case histories across committees. Expected values are
read from the files of tests/fixtures/archive/README.md: Direktionen's 44 items (corpus/), Byrådet
2017-08-29 (2 items), Økonomiudvalget 2018-11-05 (3) and Hvidovre's Økonomiudvalget 2018-12-03 (3)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from indexer.build import build_index
from indexer.load import load_meeting
from indexer.parse import parse_minutes
from indexer.query import Query
from indexer.search import SearchIndex
from webui import create_app


@pytest.fixture(scope="module")
def archive(archive_index) -> SearchIndex:
    index = SearchIndex(archive_index)
    yield index
    index.close()


@pytest.fixture(scope="module")
def client(archive_index):
    return create_app(archive_index, test_config={"TESTING": True}).test_client()


def facet(results, name: str) -> list[tuple[str, int]]:
    return [(value.value, value.count) for value in results.facets.get(name, [])]


def test_committee_and_municipality_facets_appear_with_honest_counts(archive) -> None:
    results = archive.search(Query(page_size=100))
    assert (results.total, facet(results, "committee"), facet(results, "municipality")) == (
        52, [("Direktionen", 44), ("Økonomiudvalget", 6), ("Byrådet", 2)],
        [("Høje-Taastrup", 49), ("Hvidovre", 3)])


def test_both_facets_narrow_a_search_together(archive) -> None:
    results = archive.search(Query(filters={"committee": ["Økonomiudvalget"], "municipality": ["Hvidovre"]}))
    assert sorted(hit.id for hit in results.hits) == [f"hvidovre-oekonomiudvalget-2018-12-03-{n}" for n in (1, 2, 3)]


def test_kmd_across_committees_with_the_decision_type(archive) -> None:
    results = archive.search(Query(text="KMD", page_size=100))
    assert sorted((hit.committee, hit.meeting_date, hit.number) for hit in results.hits) == [
        ("Direktionen", "2014-08-26", 3), ("Direktionen", "2015-12-07", 5), ("Direktionen", "2017-12-04", 6),
        ("Økonomiudvalget", "2018-11-05", 3)]
    narrowed = archive.search(Query(text="KMD", filters={"decision": ["taget-til-efterretning"]}, page_size=100))
    assert [(hit.committee, hit.number) for hit in narrowed.hits if hit.committee != "Direktionen"] == [
        ("Økonomiudvalget", 3)]


def test_a_case_history_runs_across_committees(archive) -> None:
    assert [(item["meeting"]["committee"], item["number"]) for item in archive.case("18/642")] == [
        ("Direktionen", 7), ("Økonomiudvalget", 2)]


def test_two_meetings_on_one_day_each_have_their_items(archive) -> None:
    assert archive.meetings_on("2018-11-05") == ["hoeje-taastrup-direktionen-2018-11-05",
                                                 "hoeje-taastrup-oekonomiudvalget-2018-11-05"]
    assert [item["title"] for item in archive.meeting("hoeje-taastrup-oekonomiudvalget-2018-11-05")] == [
        "Godkendelse af dagsorden", "Endelig HR-strategi 2019-22", "Kontrakt med KMD om koncernsystemet"]
    assert archive.item("hoeje-taastrup-direktionen-2018-11-05", 2)["title"] == "Økonomiopfølgning 05-11-2018"
    assert archive.item("hoeje-taastrup-oekonomiudvalget-2018-11-05", 2)["decision"]["types"] == ["anbefalet"]


def test_the_meetings_list_names_each_meeting_by_committee_and_municipality(client) -> None:
    body = client.get("/moeder").get_data(as_text=True)
    names = re.findall(r'<h3 class="agenda__title"><a href="/moeder/([a-z0-9-]+)">([^<]+)</a>', body)
    assert names[:3] == [
        ("hvidovre-oekonomiudvalget-2018-12-03", "Møde i Økonomiudvalget, Hvidovre Kommune, 3. december 2018"),
        ("hoeje-taastrup-direktionen-2018-11-05", "Møde i Direktionen, Høje-Taastrup Kommune, 5. november 2018"),
        ("hoeje-taastrup-oekonomiudvalget-2018-11-05",
         "Møde i Økonomiudvalget, Høje-Taastrup Kommune, 5. november 2018")]
    assert len(names) == 8


def test_an_old_address_of_a_day_with_one_meeting_moves_for_good(client) -> None:
    response = client.get("/moeder/2014-08-26/punkt/3?q=revisionsberetning")
    assert (response.status_code, response.headers["Location"]) == (
        301, "/moeder/hoeje-taastrup-direktionen-2014-08-26/punkt/3?q=revisionsberetning")
    response = client.get("/moeder/2017-08-29")
    assert (response.status_code, response.headers["Location"]) == (301, "/moeder/hoeje-taastrup-byraadet-2017-08-29")


def test_an_old_address_of_a_day_with_two_meetings_lets_the_reader_choose(client) -> None:
    response = client.get("/moeder/2018-11-05/punkt/2")
    body = response.get_data(as_text=True)
    assert response.status_code == 300
    assert re.findall(r'<h2 class="agenda__title"><a href="([^"]+)">([^<]+)</a>', body) == [
        ("/moeder/hoeje-taastrup-direktionen-2018-11-05/punkt/2", "Møde i Direktionen, Høje-Taastrup Kommune"),
        ("/moeder/hoeje-taastrup-oekonomiudvalget-2018-11-05/punkt/2", "Møde i Økonomiudvalget, Høje-Taastrup Kommune")]


def test_an_old_address_of_a_day_without_meetings_is_not_found(client) -> None:
    assert [client.get(path).status_code for path in ("/moeder/2019-01-01", "/moeder/2018-02-30")] == [404, 404]


def test_the_api_moves_old_meeting_and_item_addresses(client) -> None:
    moved = client.get("/api/meetings/2017-08-29")
    assert (moved.status_code, moved.headers["Location"]) == (301, "/api/meetings/hoeje-taastrup-byraadet-2017-08-29")
    choose = client.get("/api/meetings/2018-11-05")
    assert (choose.status_code, choose.get_json()["meetings"]) == (300, [
        "http://localhost/api/meetings/hoeje-taastrup-direktionen-2018-11-05",
        "http://localhost/api/meetings/hoeje-taastrup-oekonomiudvalget-2018-11-05"])
    item = client.get("/api/items/direktionen-2014-08-26-3?q=kmd")
    assert (item.status_code, item.headers["Location"]) == (
        301, "/api/items/hoeje-taastrup-direktionen-2014-08-26-3?q=kmd")
    assert client.get("/api/items/direktionen-2014-08-26-99").status_code == 404


def test_the_api_meeting_carries_municipality_committee_and_attendance(client) -> None:
    data = client.get("/api/meetings/hoeje-taastrup-oekonomiudvalget-2018-11-05").get_json()
    meeting = data["meeting"]
    assert (data["id"], meeting["municipality"], meeting["committee"], meeting["layout"]) == (
        "hoeje-taastrup-oekonomiudvalget-2018-11-05", "Høje-Taastrup", "Økonomiudvalget", "generel")
    assert [(item["number"], item["attendance"], item["decision"]["text"]) for item in data["items"]] == [
        (1, [], "Godkendt."), (2, ["Afbud: Jens Jensen (A)"], "Anbefales."), (3, [], "Taget til efterretning.")]


def test_the_item_page_shows_committee_municipality_and_attendance(client) -> None:
    body = client.get("/moeder/hoeje-taastrup-oekonomiudvalget-2018-11-05/punkt/2").get_data(as_text=True)
    assert "Økonomiudvalget · Høje-Taastrup Kommune · " in body
    assert "Afbud: Jens Jensen (A)" in body
    assert '<li class="badge badge--anbefalet">Anbefalet</li>' in body


def test_the_site_names_what_the_archive_holds(client) -> None:
    body = client.get("/hjaelp").get_data(as_text=True)
    assert "<title>Hjælp til søgning · Referater · danske kommuner</title>" in body


def test_a_case_number_of_another_form_has_a_case_page(client, tmp_path) -> None:
    body = client.get("/sager/18/642").get_data(as_text=True)
    assert re.findall(r'<p class="timeline__meta">([^<]+)</p>', body) == ["Direktionen · punkt 7", "Økonomiudvalget · punkt 2"]
    assert client.get("/sager/330-2018-3619").status_code == 404  # a valid form, no such case here
    assert client.get("/sager/a%20b").status_code == 404


def test_a_case_page_counts_two_meetings_on_one_day_as_two(client) -> None:
    body = client.get("/sager/18/642").get_data(as_text=True)
    assert '<p class="lead">2 punkter på 2 møder.</p>' in body  # Direktionen and Økonomiudvalget, 5 November 2018


def test_the_same_case_number_of_two_municipalities_is_not_one_case(tmp_path) -> None:
    from indexer.build import build_index

    minutes = ("Referat - Økonomiudvalget den {day}. marts 2019\n\n1. Budget\n\nSagsnr: 19/100\n\n"
               "Beslutning\n\nGodkendt.\n")
    for municipality, day in (("greve", 4), ("solroed", 5)):
        folder = tmp_path / "corpus" / municipality / "oekonomiudvalget"
        folder.mkdir(parents=True)
        (folder / f"2019-03-0{day}.txt").write_text(minutes.format(day=day), encoding="utf-8")
    assert build_index(tmp_path / "corpus", tmp_path / "index").failed == []
    client = create_app(tmp_path / "index", test_config={"TESTING": True}).test_client()
    case = client.get("/sager/19/100").get_data(as_text=True)
    assert re.findall(r'<p class="timeline__meta">([^<]+)</p>', case) == [
        "Økonomiudvalget, Greve Kommune · punkt 1", "Økonomiudvalget, Solrød Kommune · punkt 1"]
    assert "Sagsnummeret findes i referater fra 2 kommuner." in case
    item = client.get("/moeder/greve-oekonomiudvalget-2019-03-04/punkt/1").get_data(as_text=True)
    # The other municipality's 19/100 is not this item's case.
    assert ("Andre punkter i sag" in item, "solroed-oekonomiudvalget" in item) == (False, False)


def test_no_facet_offers_an_empty_value(archive) -> None:
    # 38 of Direktionen's items have no case number, and every made-up or real page here a municipality.
    results = archive.search(Query(page_size=100))
    assert [(name, value.count) for name, values in results.facets.items() for value in values if not value.value] == []


def test_an_old_item_id_moves_only_to_the_same_id_after_a_municipality(client) -> None:
    assert [client.get(f"/api/items/{old}").status_code for old in (
        "direktionen-2014-08-26-3", "ektionen-2014-08-26-3", "taastrup-direktionen-2014-08-26-3")] == [301, 404, 404]


def test_the_choice_of_meetings_keeps_the_search_and_offers_only_meetings_with_the_item(client) -> None:
    body = client.get("/moeder/2018-11-05/punkt/2?q=hr").get_data(as_text=True)
    assert re.findall(r'<h2 class="agenda__title"><a href="([^"]+)">', body) == [
        "/moeder/hoeje-taastrup-direktionen-2018-11-05/punkt/2?q=hr",
        "/moeder/hoeje-taastrup-oekonomiudvalget-2018-11-05/punkt/2?q=hr"]
    only_direktionen = client.get("/moeder/2018-11-05/punkt/9")  # Økonomiudvalget has 3 items
    assert (only_direktionen.status_code, only_direktionen.headers["Location"]) == (
        301, "/moeder/hoeje-taastrup-direktionen-2018-11-05/punkt/9")
    assert client.get("/moeder/2018-11-05/punkt/99").status_code == 404


def test_a_case_number_with_danish_letters_is_a_valid_filter(client) -> None:
    assert [client.get(path).status_code for path in ("/?case=85.02.02-%C3%9800-5-17", "/sager/85.02.02-%C3%9800-5-17")] == [
        200, 404]


# -- Høje-Taastrup's committees in the Direktionen layout (tests/fixtures/committees/README.md) -----------

COMMITTEE_MINUTES = sorted((Path(__file__).parent / "fixtures" / "committees").glob("*.txt"))


@pytest.mark.parametrize("path", COMMITTEE_MINUTES, ids=lambda path: path.stem)
def test_a_committee_of_several_words_has_every_decision_read_with_its_type(path) -> None:
    meeting = load_meeting(path)
    found = {"committee": meeting.committee, "date": meeting.date.isoformat(), "items": [
        {"number": item.number, "title": item.title, "decision": item.decision.text, "decision_types": item.decision.types}
        for item in meeting.items]}
    assert (meeting.layout, meeting.warnings, found) == (
        "direktionen", [], json.loads(path.with_suffix(".json").read_text(encoding="utf-8")))


def test_committee_minutes_exist() -> None:
    assert len(COMMITTEE_MINUTES) == 3


def test_decision_headings_no_layout_reads_are_indexed_with_a_warning_naming_the_file(tmp_path) -> None:
    """Silent loss shows itself: a heading ending in a time of day instead of a date is read by no
    pattern, so no item has a decision."""
    source = COMMITTEE_MINUTES[0].read_text(encoding="utf-8")
    folder = tmp_path / "corpus" / "hoeje-taastrup" / "boerne-og-skoleudvalget"
    folder.mkdir(parents=True)
    (folder / "2019-05-06.txt").write_text(
        source.replace("DEN 06-05-2019", "KL. 17.00"), encoding="utf-8")
    report = build_index(tmp_path / "corpus", tmp_path / "index")
    assert (report.failed, report.items, report.warnings) == ([], 3, [(
        "hoeje-taastrup/boerne-og-skoleudvalget/2019-05-06.txt",
        "no item has a decision, but 3 lines read like a decision heading (the first: "
        "'BESLUTNING BØRNE- OG SKOLEUDVALGET KL. 17.00'): a heading this layout does not read?")])


def test_a_sentence_starting_with_beslutning_is_no_decision_heading() -> None:
    text = COMMITTEE_MINUTES[0].read_text(encoding="utf-8").replace(
        "Elevtallet i Taastrup Øst stiger", "Beslutning om høring træffes af Byrådet den 28-05-2019\n\nElevtallet stiger")
    item = parse_minutes(text, "bsu.txt").items[1]
    assert (item.decision.text, [section.kind for section in item.sections]) == (
        "Anbefales.", ["baggrund", "indstilling", "beslutning", "bilag"])


def test_the_facets_of_several_municipalities_come_first_and_centres_say_whose(client) -> None:
    body = client.get("/").get_data(as_text=True)
    assert re.findall(r'<h3 id="facet-(\w+)" class="facet__title" tabindex="-1">([^<]*)</h3>', body) == [
        ("municipality", "Kommune"), ("committee", "Udvalg"), ("year", "År"), ("decision", "Beslutning"),
        ("case", "Sag"), ("centre", "Center (Høje-Taastrup)")]


def test_an_item_without_a_case_number_says_nothing_of_one(client) -> None:
    # Hvidovre 2018-12-03 #1 "Godkendelse af dagsorden" prints no case number.
    body = client.get("/?q=dagsorden&municipality=Hvidovre").get_data(as_text=True)
    hit = body[body.index("Godkendelse af dagsorden"):]
    hit = hit[:hit.index("</li>")]
    assert ("Punkt 1" in hit, "Sag" in hit, "intet sagsnummer" in body) == (True, False, False)
    item = client.get("/moeder/hvidovre-oekonomiudvalget-2018-12-03/punkt/1").get_data(as_text=True)
    assert ("item__meta" in item, "intet sagsnummer" in item) == (False, False)
    assert '<dt>Sag</dt>\n        <dd><span class="muted">ikke angivet i referatet</span></dd>' in item
