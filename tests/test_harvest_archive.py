"""`minutes harvest` + `minutes index` + the web UI: a fake FirstAgenda host's committees become a
searchable archive on every engine (tests/tools/fake_firstagenda.py, fixtures in
tests/fixtures/firstagenda-host: made-up Fjordby Kommune). Expected values are read from the fixtures:
the listing `udvalgsliste-first.json` (7 sittings) and each meeting's `dagsorden/<guid>.json`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from indexer.build import build_index
from indexer.harvest.firstagenda import harvest
from indexer.harvest.http import PoliteClient
from indexer.query import Query, query_from_params
from indexer.search import SearchIndex
from tools.fake_firstagenda import FakeFirstAgenda, FakeTime
from tools.minutes_pdf import minutes_pdf
from webui import create_app

LONG_AFTER = date(2026, 9, 1)  # every agenda of the fixtures is older than 30 days by then
SPILDEVAND = "fjordby/teknik-og-miljoeudvalget-2022-2025/2025-11-03"  # m6: one item, bilag a6


def harvest_into(host: FakeFirstAgenda, corpus: Path):
    time = FakeTime()
    client = PoliteClient(clock=time.clock, sleep=time.sleep, contact="archive-tests@example.org")
    return harvest(host.base_url, corpus, "Fjordby", since=None, committees=None, client=client, today=LONG_AFTER)


def facet(results, name: str) -> list[tuple[str, int]]:
    return [(value.value, value.count) for value in results.facets.get(name, [])]


@pytest.fixture()
def archive(tmp_path: Path, engine: str):
    """The fake host harvested (its first listing) and indexed; the spildevandsplan's attachment
    replaced by a real PDF, as the host would serve a real one (the fake serves placeholder bytes)."""
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    with FakeFirstAgenda() as host:
        harvested = harvest_into(host, corpus)
        assert (harvested.failures, harvested.summary().split(";")[0]) == (
            [], "harvest: 7 new, 0 updated, 0 unchanged, 0 failed meetings")
        (corpus / f"{SPILDEVAND}.bilag" / "000000a6-1c2d-4e5f-8a9b-0c1d2e3f4a5b.pdf").write_bytes(
            minutes_pdf("Spildevandsplan 2025-2030\n\nEt regnvandsbassin ved Fjordstien skal aflaste kloakken.",
                        "Fjordby Kommune · Bilag"))
        report = build_index(corpus, index, engine=engine)
        yield host, corpus, index, report


def test_a_harvested_host_is_a_searchable_archive_of_its_committees(archive) -> None:
    _host, _corpus, index, report = archive
    # Seven sittings (m1, m2, m3 with its Tillægsdagsorden, m4r over m4, m5, m6, m8): nine items.
    assert (report.new, report.failed, report.items) == (7, [], 9)
    searcher = SearchIndex(index)
    try:
        everything = searcher.search(Query())
        assert (everything.total, facet(everything, "committee")) == (
            9, [("Økonomiudvalget", 5), ("Kultur- og Fritidsudvalget", 2), ("Teknik- og Miljøudvalget", 2)])
        # m1 item 1: <h3>Beslutning</h3> "Godkendt."; item 2 "Til efterretning."; item 3 closed.
        m1 = searcher.meeting("fjordby-oekonomiudvalget-2026-03-02")
        assert [(item["title"], item["case_number"], item["decision"]["types"]) for item in m1] == [
            ("Budgetopfølgning pr. 31. marts 2026", "26/1041", ["godkendt"]),
            ("Meddelelser", "26/1042", ["taget-til-efterretning"]),
            ("Køb af ejendom", "26/1043", ["lukket"])]
        # m2 is an agenda (Afsluttet false): published before the meeting, nothing decided.
        [havn] = searcher.search(Query(text="havnefronten")).hits
        assert (havn.meeting_date, havn.status, havn.decision_types) == ("2026-04-13", "dagsorden", ["ingen-beslutning"])
        # The attachment's text is searched as the item's attachments (bilag:).
        assert [hit.meeting_id for hit in searcher.search(query_from_params({"q": ["bilag:fjordstien"]})).hits] == [
            "fjordby-teknik-og-miljoeudvalget-2025-11-03"]
    finally:
        searcher.close()


def test_a_harvested_agenda_is_shown_as_not_yet_decided_and_links_to_the_municipality(archive) -> None:
    host, _corpus, index, _report = archive
    client = create_app(index, {"TESTING": True}).test_client()
    page = client.get("/moeder/fjordby-oekonomiudvalget-2026-04-13/punkt/1").get_data(as_text=True)
    assert "Dagsorden – endnu ikke behandlet" in page and "badge--godkendt" not in page
    assert '<section id="indstilling"' in page and "At projektet godkendes." in page  # m2's <h3>Indstilling</h3>
    # The item's own page at the host: /vis?id=<meeting guid>&punktid=<item guid>, never a #fragment.
    assert (f'href="{host.base_url}/vis?id=00000002-1c2d-4e5f-8a9b-0c1d2e3f4a5b&amp;'
            'punktid=00000001-17e4-4a5b-9c6d-000000020060"') in page
    record = client.get("/api/items/fjordby-oekonomiudvalget-2026-04-13-1").get_json()
    assert (record["meeting"]["status"], record["meeting"]["original"], record["published_url"]) == (
        "dagsorden", None,
        f"{host.base_url}/vis?id=00000002-1c2d-4e5f-8a9b-0c1d2e3f4a5b&punktid=00000001-17e4-4a5b-9c6d-000000020060")


def test_minutes_that_replace_an_agenda_are_indexed_in_its_place(archive, engine: str) -> None:
    host, corpus, index, _report = archive
    host.listing_state = "later"  # m2's minutes appear (m2r, a new GUID), m1 is re-released
    again = harvest_into(host, corpus)
    assert again.failures == []
    report = build_index(corpus, index, engine=engine)
    assert (report.new, report.changed, report.removed, report.failed) == (0, 2, 0, [])
    searcher = SearchIndex(index)
    try:
        # m2r: "Godkendt med den ændring, at stien flyttes." under its own <h3>Beslutning</h3>.
        [item] = searcher.meeting("fjordby-oekonomiudvalget-2026-04-13")
        assert (item["meeting"]["status"], item["decision"]["text"], item["decision"]["types"]) == (
            "referat", "Godkendt med den ændring, at stien flyttes.", ["godkendt"])
        assert item["attachments"] == ["Kortbilag: Havnefronten etape 2", "Notat om trafiksikkerhed ved Havnefronten"]
    finally:
        searcher.close()


def test_minutes_harvest_then_minutes_index_from_the_command_line(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from indexer.cli import main

    corpus = tmp_path / "corpus"
    with FakeFirstAgenda() as host:
        harvested = CliRunner().invoke(main, ["harvest", host.base_url, "--municipality", "Fjordby", "--delay", "0",
                                              "--corpus", str(corpus), "--committee", "Kultur- og Fritidsudvalget",
                                              "--contact", "archive-tests@example.org"])
    assert (harvested.exit_code, harvested.stdout.split(";")[0]) == (
        0, "harvest: 2 new, 0 updated, 0 unchanged, 0 failed meetings")  # m5, and m4r over its agenda m4
    indexed = CliRunner().invoke(main, ["index", "--corpus", str(corpus), "--index", str(tmp_path / "index")])
    assert indexed.exit_code == 0 and indexed.stdout.startswith("index rebuilt: 2 new, 0 changed")
    found = CliRunner().invoke(main, ["search", "--index", str(tmp_path / "index"), "kulturpuljen"])
    assert found.stdout.splitlines()[2] == "Kultur- og Fritidsudvalget 2026-03-10 punkt 1: Kulturpuljen 2026  [26/0412] Godkendt"
