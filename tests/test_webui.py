"""The web UI and JSON API on the real corpus index. Every expected value below was read from the
minutes text in corpus/hoeje-taastrup/direktionen/ (see the comments), not copied from the app's output."""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from indexer.query import query_from_params
from indexer.results import results_to_dict
from webui import SECURITY_HEADERS, create_app
from webui.formatting import blocks, danish_date, heading

ROOT = Path(__file__).resolve().parent.parent
WEBUI = ROOT / "webui"
ATOM = "{http://www.w3.org/2005/Atom}"

# "revisionsberetning" in any inflection: 2014-08-26 item 3 ("Status på revisionsberetninger"),
# 2016-11-30 item 1 ("Status på revisionsberetninger" under Baggrund), 2018-11-05 item 3 (title).
AUDIT_ITEMS = {"/moeder/hoeje-taastrup-direktionen-2014-08-26/punkt/3", "/moeder/hoeje-taastrup-direktionen-2016-11-30/punkt/1", "/moeder/hoeje-taastrup-direktionen-2018-11-05/punkt/3"}


@pytest.fixture(scope="module")
def app(index_dir):
    return create_app(index_dir, {"TESTING": True})


@pytest.fixture()
def client(app):
    return app.test_client()


# -- helpers ---------------------------------------------------------------------------------------

class Elements(HTMLParser):
    """Every start tag as (tag, attrs), plus the text inside each <a> (for link lookups)."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.anchors: list[tuple[dict[str, str | None], str]] = []
        self._open: list[tuple[dict, list[str]]] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "a":
            self._open.append((attributes, []))

    def handle_data(self, data):
        for _attrs, parts in self._open:
            parts.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._open:
            attributes, parts = self._open.pop()
            self.anchors.append((attributes, " ".join("".join(parts).split())))

    def with_class(self, tag: str, cls: str) -> list[dict]:
        return [a for t, a in self.tags if t == tag and cls in (a.get("class") or "").split()]

    def link(self, text: str) -> str:
        """href of the one link whose text starts with `text`."""
        found = {a["href"] for a, label in self.anchors if label.startswith(text)}
        assert len(found) == 1, (text, found)
        return found.pop()


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


def hit_links(body: str) -> list[str]:
    return re.findall(r'class="hit__title"><a href="([^"]+)"', body)


def paths(links: list[str]) -> list[str]:
    return [re.split(r"[?#]", link)[0] for link in links]


def count_text(body: str) -> str:
    return re.search(r'class="results__count"[^>]*>([^<]*)<', body).group(1)


def facet_link(body: str, facet: str, value: str) -> str:
    section = re.search(rf'<section class="facet" aria-labelledby="facet-{facet}">(.*?)</section>', body, re.S).group(1)
    for href, label in re.findall(r'<a class="facet__value[^"]*" href="([^"]+)">(.*?)</a>', section, re.S):
        if re.search(rf'class="facet__label">{re.escape(value)}[<\s]', label):
            return href.replace("&amp;", "&")
    raise AssertionError(f"no {facet} value {value}")


# -- search page -----------------------------------------------------------------------------------

def test_search_finds_the_three_audit_report_items_with_links_to_the_matching_section(client) -> None:
    body = page(client, "/?q=revisionsberetning")
    assert count_text(body) == "3 punkter"  # no timing: "4 ms" says nothing to a citizen
    links = hit_links(body)
    assert set(paths(links)) == AUDIT_ITEMS and len(links) == 3
    # The best section of each: the word stands under Sagsfremstilling in 2014 and under Baggrund in
    # 2016 and 2018; the link carries the query so the item page can mark it.
    assert set(links) == {"/moeder/hoeje-taastrup-direktionen-2014-08-26/punkt/3?q=revisionsberetning#sagsfremstilling",
                          "/moeder/hoeje-taastrup-direktionen-2016-11-30/punkt/1?q=revisionsberetning#baggrund",
                          "/moeder/hoeje-taastrup-direktionen-2018-11-05/punkt/3?q=revisionsberetning#baggrund"}
    assert "<mark>revisionsberetning</mark>" in body
    assert "<mark>Revisionsberetning</mark>" in body  # 2014: "Boligindskudslån, Revisionsberetning nr. 8"


def test_a_hit_shows_date_item_number_case_link_badges_and_section(client) -> None:
    body = page(client, "/?q=revisionsberetning&year=2018")
    [hit] = re.findall(r'<li class="hit">(.*?)</li>\s*</ol>', body, re.S)
    assert '<time datetime="2018-11-05">5. november 2018</time>' in hit
    assert "Punkt 3" in hit
    assert '<a href="/sager/18/18580">18/18580</a>' in hit
    assert '<li class="badge badge--godkendt">Godkendt</li>' in hit
    assert "Fra afsnittet" in hit and ">Baggrund</a>" in hit
    assert '<abbr title="Borger- og Arbejdsmarkedscenteret">BAC</abbr>' in hit
    assert "Status for revisionsberetning 2017 på BAC&#39;s område" in hit  # the apostrophe escaped


def test_query_in_hit_links_is_url_encoded(client) -> None:
    links = hit_links(page(client, "/?q=status+p%C3%A5+revisionsberetning&year=2018"))
    assert links == ["/moeder/hoeje-taastrup-direktionen-2018-11-05/punkt/3?q=status%20p%C3%A5%20revisionsberetning#baggrund"]


def test_kmd_items_taken_note_of(client) -> None:
    # KMD is named in 2014-08-26 item 3 ("konvertering fra KMD boliglånssystem"), 2015-12-07 item 5
    # and 2017-12-04 item 6; the 2014 and 2017 decisions are "tog sagen til efterretning" / taken note.
    body = page(client, "/?q=KMD&decision=taget-til-efterretning")
    assert paths(hit_links(body)) == ["/moeder/hoeje-taastrup-direktionen-2017-12-04/punkt/6", "/moeder/hoeje-taastrup-direktionen-2014-08-26/punkt/3"]
    body = page(client, "/?q=KMD&decision=taget-til-efterretning&year=2017")
    assert paths(hit_links(body)) == ["/moeder/hoeje-taastrup-direktionen-2017-12-04/punkt/6"]
    assert count_text(body) == "1 punkt"


def test_empty_query_browses_all_44_items_newest_first_with_pages(client) -> None:
    body = page(client, "/")
    assert count_text(body) == "44 punkter · side 1 af 5"
    assert paths(hit_links(body))[:2] == ["/moeder/hoeje-taastrup-direktionen-2018-11-05/punkt/1", "/moeder/hoeje-taastrup-direktionen-2018-11-05/punkt/2"]
    elements = Elements(body)
    pager = [a["href"] for a, _ in elements.anchors if (a.get("href") or "").startswith("/?page=")]
    assert pager == ["/?page=2", "/?page=3", "/?page=4", "/?page=5", "/?page=2"]  # numbers, then Næste
    assert elements.link("Næste") == "/?page=2"
    # Page 2: 2018 has 9 items, so it starts at 2017-12-04 item 2; Forrige goes back to the bare URL.
    body = page(client, "/?page=2")
    assert paths(hit_links(body))[0] == "/moeder/hoeje-taastrup-direktionen-2017-12-04/punkt/2"
    assert Elements(body).link("‹ Forrige") == "/"
    assert '<ol class="hits" start="11">' in body


def test_page_past_the_end_says_so(client) -> None:
    body = page(client, "/?page=9")
    assert hit_links(body) == [] and "Siden findes ikke" in body


def test_facet_values_link_to_the_search_with_the_value_added_or_removed(client) -> None:
    body = page(client, "/?q=revisionsberetning&page=2")
    add = facet_link(body, "year", "2018")
    assert add == "/?q=revisionsberetning&year=2018#facet-year"  # added, page reset; back at the filter
    selected = page(client, add)
    assert paths(hit_links(selected)) == ["/moeder/hoeje-taastrup-direktionen-2018-11-05/punkt/3"]
    assert 'class="facet__value is-selected"' in selected
    assert facet_link(selected, "year", "2018") == "/?q=revisionsberetning#facet-year"  # removed again
    assert facet_link(selected, "year", "2014") == "/?q=revisionsberetning&year=2018&year=2014#facet-year"
    both = page(client, "/?q=revisionsberetning&year=2018&year=2014")
    assert set(paths(hit_links(both))) == {"/moeder/hoeje-taastrup-direktionen-2018-11-05/punkt/3", "/moeder/hoeje-taastrup-direktionen-2014-08-26/punkt/3"}
    # Centre values show the name and the code; decision values their Danish label.
    assert facet_link(body, "centre", "Borger- og Arbejdsmarkedscenteret") == "/?q=revisionsberetning&centre=BAC#facet-centre"
    assert facet_link(body, "decision", "Taget til efterretning") == \
        "/?q=revisionsberetning&decision=taget-til-efterretning#facet-decision"


def test_facet_links_reset_the_page_and_keep_everything_else(client) -> None:
    body = page(client, "/?q=budget&sort=newest&from=2016-01-01&page=2")
    link = facet_link(body, "year", "2017")
    assert link == "/?q=budget&from=2016-01-01&sort=newest&year=2017#facet-year"


def test_active_filters_are_chips_that_remove_themselves(client) -> None:
    body = page(client, "/?q=budget&decision=godkendt&from=2016-01-01&to=2017-12-31")
    chips = {label: a["href"] for a, label in Elements(body).anchors if "chip" in (a.get("class") or "").split()}
    assert chips == {
        "Beslutning: Godkendt × – fjern filter": "/?q=budget&from=2016-01-01&to=2017-12-31",
        "Fra: 1. januar 2016 × – fjern filter": "/?q=budget&decision=godkendt&to=2017-12-31",
        "Til: 31. december 2017 × – fjern filter": "/?q=budget&decision=godkendt&from=2016-01-01",
    }
    assert Elements(body).link("Fjern alle filtre") == "/?q=budget"


def test_a_new_search_keeps_the_selected_facets_as_ticked_boxes_it_names(client) -> None:
    """A new search kept the filters in hidden inputs, without saying so."""
    body = page(client, "/?q=budget&year=2017&year=2016&decision=godkendt&sort=oldest")
    elements = Elements(body)
    kept = [(a["name"], a["value"], "checked" in a) for t, a in elements.tags if t == "input" and a.get("type") == "checkbox"]
    assert kept == [("year", "2017", True), ("year", "2016", True), ("decision", "godkendt", True)]
    assert [a for t, a in elements.tags if t == "input" and a.get("type") == "hidden"] == []
    assert "<legend>En ny søgning beholder filtrene</legend>" in body
    labels = re.findall(r'<label for="keep-\d+">([^<]*)</label>', body)
    assert labels == ["År: 2017", "År: 2016", "Beslutning: Godkendt"]
    assert [a["value"] for t, a in elements.tags if t == "option" and "selected" in a] == ["oldest", "10"]  # sort, size


def test_date_range_filters_meetings(client) -> None:
    body = page(client, "/?from=2015-01-01&to=2015-12-31")
    assert count_text(body).startswith("8 punkter")  # 2015-12-07 has 8 items
    assert set(re.findall(r"/moeder/[a-z-]+-(\d{4}-\d{2}-\d{2})/punkt", " ".join(hit_links(body)))) == {"2015-12-07"}


def test_no_hits_offers_the_suggestion_and_to_remove_filters(client) -> None:
    body = page(client, "/?q=revison&decision=afvist")
    assert hit_links(body) == []
    assert 'Mente du: <a href="/?decision=afvist&amp;q=revision">revision</a>?' in body
    assert "Der er valgt filtre" in body
    assert Elements(body).link("fjern alle filtre") == "/?q=revison"


def test_a_word_finds_the_compounds_holding_it_on_the_page_and_in_the_api(client) -> None:
    # fravær stands alone nowhere: sygefravær (2016-11-30 #3) and Fraværspolitikker (2015-12-07 #5).
    body = page(client, "/?q=frav%C3%A6r")
    assert set(paths(hit_links(body))) == {"/moeder/hoeje-taastrup-direktionen-2015-12-07/punkt/5", "/moeder/hoeje-taastrup-direktionen-2016-11-30/punkt/3"}
    assert "<mark>Fraværspolitikker</mark>" in body  # the compound is marked, not a piece of it
    assert "Mente du" not in body
    data = client.get("/api/search", query_string={"q": "fravær"}).get_json()
    assert sorted(hit["id"] for hit in data["hits"]) == ["hoeje-taastrup-direktionen-2015-12-07-5", "hoeje-taastrup-direktionen-2016-11-30-3"]
    assert data["suggestion"] is None
    item = page(client, "/moeder/hoeje-taastrup-direktionen-2016-11-30/punkt/3?q=frav%C3%A6r")
    assert item.count("<mark>Sygefravær</mark>") + item.count("<mark>sygefravær</mark>") == 9


def test_the_original_document_is_linked_from_the_item_meeting_api_and_served_from_the_index(client) -> None:
    import hashlib

    source = ROOT / "corpus" / "hoeje-taastrup" / "direktionen" / "2018-11-05.txt"
    name = hashlib.sha256(source.read_bytes()).hexdigest() + ".txt"
    data = client.get("/api/items/hoeje-taastrup-direktionen-2018-11-05-3").get_json()
    url = f"http://localhost/originaler/{name}"
    assert (data["original_url"], data["meeting"]["original_url"], data["page"]) == (url, url, None)
    assert data["meeting"]["original"] == {"file": name, "format": "txt", "pages": None}
    assert f'href="/originaler/{name}"' in page(client, "/moeder/hoeje-taastrup-direktionen-2018-11-05/punkt/3")
    assert f'href="/originaler/{name}"' in page(client, "/moeder/hoeje-taastrup-direktionen-2018-11-05")
    served = client.get(f"/originaler/{name}")
    try:
        assert (served.status_code, served.headers["Content-Type"], served.data) == (
            200, "text/plain; charset=utf-8", source.read_bytes())
    finally:
        served.close()  # a file response: closed by the server after sending, by the test here
    assert client.get("/originaler/" + "0" * 64 + ".pdf").status_code == 404
    assert client.get("/originaler/CURRENT").status_code == 404


def test_no_suggestion_for_a_word_held_only_inside_compounds(client) -> None:
    body = page(client, "/?q=beretning")  # revisionsberetning, delberetning: not "beregning"
    assert (set(paths(hit_links(body))), "Mente du" in body) == (AUDIT_ITEMS, False)


def test_the_front_page_and_a_search_without_hits_say_what_the_archive_holds(client) -> None:
    coverage = ('44 punkter fra 5 møder, <time datetime="2014-08-26">26. august 2014</time> – '
                '<time datetime="2018-11-05">5. november 2018</time>')
    assert (f'<p class="coverage">Arkivet rummer {coverage}.\n<a class="export-link" href="/api/export.jsonl" download>'
            'Hent hele arkivet som data</a>\n(JSON Lines, 44 punkter til og med <time datetime="2018-11-05">'
            '5. november 2018</time>)</p>') in page(client, "/")
    body = page(client, "/?q=byggetilladelse")
    assert f"<li>Arkivet rummer {coverage}: det, der blev besluttet før eller efter, kan ikke findes her.</li>" in body


def test_a_search_draws_its_items_per_year_as_bars_that_say_their_count_and_link_to_the_year(client) -> None:
    # revisionsberetning: 2014-08-26 #3, 2016-11-30 #1, 2018-11-05 #3
    body = page(client, "/?q=revisionsberetning")
    elements = Elements(body)
    bars = [(attrs["href"], attrs["aria-label"]) for attrs, _text in elements.anchors if "&year=" in attrs["href"]
            and attrs.get("aria-label")]
    assert bars == [("/?q=revisionsberetning&year=2014", "2014: 1 punkt"), ("/?q=revisionsberetning&year=2015", "2015: 0 punkter"),
                    ("/?q=revisionsberetning&year=2016", "2016: 1 punkt"), ("/?q=revisionsberetning&year=2017", "2017: 0 punkter"),
                    ("/?q=revisionsberetning&year=2018", "2018: 1 punkt")]
    assert elements.with_class("svg", "trend__chart")[0]["aria-labelledby"] == "trend-caption"
    assert ('<a href="/?q=revisionsberetning&amp;year=2015" aria-label="2015: 0 punkter">' in body
            and '<a href="/?q=revisionsberetning&amp;year=2016" aria-label="2016: 1 punkt">' in body)
    assert ("<li>2014: 1 punkt</li><li>2015: 0 punkter</li><li>2016: 1 punkt</li><li>2017: 0 punkter</li>"
            "<li>2018: 1 punkt</li>") in body
    assert '<figure class="trend">' not in page(client, "/?q=kmd&year=2017")  # one item: no chart


def test_notice_is_shown(client) -> None:
    body = page(client, "/?q=" + "x" * 5000)
    assert "Søgningen var for lang og er afkortet til 500 tegn." in body


def test_feed_and_csv_of_the_same_search_are_linked(client) -> None:
    elements = Elements(page(client, "/?q=kmd&year=2017&sort=newest"))
    assert elements.link("Følg denne søgning") == "/foelg?q=kmd&year=2017"  # a feed is newest first anyway
    assert elements.link("Hent som CSV") == "/api/search?q=kmd&year=2017&sort=newest&format=csv"
    [alternate] = [a for t, a in elements.tags if t == "link" and a.get("rel") == "alternate"]
    assert alternate["type"] == "application/atom+xml" and alternate["href"] == "/feed?q=kmd&year=2017"


# -- bad input ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("query", "message"), [
    ("page=-1", "Ugyldig værdi for side: skal være mellem 1 og 1000."),
    ("page=abc", "Ugyldig værdi for side: &#39;abc&#39; er ikke et tal."),
    ("year=abc", "Ugyldig værdi for år: &#39;abc&#39; er ikke et årstal."),
    ("from=2018-13-45", "Ugyldig værdi for fra-dato"),
    ("from=2019-01-01&to=2018-01-01", "fra-datoen ligger efter til-datoen"),
    ("sort=bedste", "Ugyldig værdi for sortering"),
    ("decision=vedtaget", "ukendt beslutningstype"),
    ("case=14%2F32918%3B", "Ugyldig værdi for sag"),
])
def test_bad_parameters_render_the_search_page_with_a_danish_error_and_400(client, query, message) -> None:
    body = page(client, f"/?q=budget&{query}", status=400)
    assert "Søgningen kunne ikke udføres" in body and message in body
    assert 'id="q"' in body and 'value="budget"' in body  # the form is still there to correct it


@pytest.mark.parametrize(("query", "param"), [
    ("page=-1", "page"), ("year=abc", "year"), ("from=x", "from"), ("sort=x", "sort"), ("decision=x", "decision"),
    ("format=xml", "format"),
    # Python would read these as numbers and dates; the documented forms are ASCII ÅÅÅÅ, ÅÅÅÅ-MM-DD, NNN.
    ("year=%C2%B2%E2%81%B0%C2%B9%E2%81%B8", "year"), ("case=%D9%A1%D9%A4/32918", "case"), ("from=20181105", "from"),
    ("to=2018-W45-1", "to"), ("page=1_0", "page"), ("page=%2B3", "page")])
def test_bad_parameters_are_400_json_in_the_api(client, query, param) -> None:
    response = client.get(f"/api/search?{query}")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["param"] == param and isinstance(error["message"], str) and error["message"]


NASTY = ["", " ", '"', '"unclosed', "(", ")))", "titel:", "sag:", "sag:\"", "*", "?", "a*", "**x", "AND", "OR OR",
         "NOT", "IKKE", "-", "--x", "\\", "%", "%00", "\x00", "🙂", "[a TO b]", "{x}", "x^2", "x~", "<", "&amp;",
         "14/", "/32918", "99/999999", "titel:(budget", "x" * 5000, "ord " * 300,
         "kmd (uta -drift)", "2017 (-)", "budget (+)", "1(-)", "((-))", "-(+)", "titel:(-)"]


@pytest.mark.parametrize("text", NASTY, ids=range(len(NASTY)))
def test_no_query_text_makes_a_server_error(client, text) -> None:
    for url in ("/", "/api/search", "/feed", "/moeder/hoeje-taastrup-direktionen-2015-12-07/punkt/5"):
        response = client.get(url, query_string={"q": text}, follow_redirects=True)
        assert response.status_code == 200, (url, text)


@pytest.mark.parametrize("query", ["page=0", "page=1001", "page=1e3", "year=20188", "year=", "centre=",
                                   "centre=%3Cb%3E", "committee=x", "from=", "to=31-12-2018", "sort=",
                                   "q=a&q=b", "unknown=1", "page=2&page=x"])
def test_odd_parameters_are_200_or_400_never_500(client, query) -> None:
    for url in ("/", "/api/search", "/feed"):  # (the page may first redirect to the clean address)
        assert client.get(f"{url}?{query}", follow_redirects=True).status_code in (200, 400), (url, query)


@pytest.mark.parametrize("query, clean", [
    ("q=kmd&from=&to=&sort=relevance", "/?q=kmd"),  # what the search form submits
    ("q=kmd&year=2017&page=1&unknown=x", "/?q=kmd&year=2017"),
    ("q=&sort=newest&year=2017&year=2017", "/?year=2017&sort=newest"),
])
def test_empty_default_repeated_and_unknown_parameters_redirect_to_the_clean_address(client, query, clean) -> None:
    response = client.get(f"/?{query}")
    assert (response.status_code, response.headers["Location"]) == (302, clean)


def test_a_page_holds_10_25_or_50_hits(client, searcher) -> None:
    # An empty query lists all 44 items, newest first.
    assert [len(hit_links(page(client, "/" + (f"?size={size}" if size != 10 else "")))) for size in (10, 25, 50)] == [10, 25, 44]
    assert count_text(page(client, "/?size=25")) == "44 punkter · side 1 af 2"
    assert "Ugyldig værdi for antal pr. side: skal være 10, 25 eller 50." in page(client, "/?size=30", status=400)
    data = client.get("/api/search?size=25&page=2").get_json()
    assert (len(data["hits"]), data["pages"]) == (19, 2)
    assert client.get("/api/search?size=7").get_json() == {"error": {"param": "size", "message": "skal være 10, 25 eller 50"}}


def test_a_rejected_value_stays_in_its_field_marked(client) -> None:
    body = page(client, "/?q=kmd&from=2019-01-01&to=2018-01-01", status=400)
    assert '<input type="date" id="from" name="from" value="2019-01-01" aria-invalid="true" aria-describedby="search-error">' in body
    assert '<p id="search-error">Ugyldig værdi for fra-dato: fra-datoen ligger efter til-datoen.</p>' in body
    assert Elements(body).link("Prøv igen uden den ugyldige værdi") == "/?q=kmd&to=2018-01-01"


def test_a_truncated_facet_can_show_all_its_values(client) -> None:
    # The corpus has 33 distinct case numbers (tests/golden/*.json); the facet shows the 10 most frequent.
    body = page(client, "/")
    assert '<p class="facet__note">Viser de 10 hyppigste. <a href="/?expand=case#facet-case">Vis alle' in body
    every = page(client, "/?expand=case")
    cases = re.search(r'aria-labelledby="facet-case">(.*?)</section>', every, re.S).group(1)
    assert len(re.findall(r'<a class="facet__value', cases)) == 33
    assert '<p class="facet__note"><a href="/#facet-case">Vis færre</a></p>' in cases
    data = client.get("/api/search?expand=case").get_json()
    assert (len(data["facets"]["case"]), data["facets_truncated"]["case"]) == (33, False)
    assert client.get("/api/search?expand=year").get_json() == {"error": {"param": "expand", "message": "skal være case eller against"}}


def test_a_clean_address_is_served_without_a_redirect(client) -> None:
    assert client.get("/?q=kmd&year=2017&sort=newest&page=2").status_code == 200


# -- escaping ------------------------------------------------------------------------------------------

def test_query_text_is_escaped_everywhere(client) -> None:
    attack = "<script>alert(1)</script>"
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    for url in ("/", "/moeder/hoeje-taastrup-direktionen-2015-12-07/punkt/5", "/feed"):
        body = client.get(url, query_string={"q": attack}).get_data(as_text=True)
        assert attack not in body, url
        assert escaped in body, url
    body = client.get("/", query_string={"q": '"><img src=x onerror=alert(1)>'}).get_data(as_text=True)
    assert "<img" not in body and "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in body
    assert attack not in client.get("/api/search", query_string={"q": attack}).get_data(as_text=True)
    assert "<script>" not in page(client, "/?year=%3Cscript%3E", status=400)


def test_corpus_text_is_escaped(client) -> None:
    source = (ROOT / "corpus" / "hoeje-taastrup" / "direktionen" / "2015-12-07.txt").read_text(encoding="utf-8")
    assert "<i>Incorp</i>" in source  # stray HTML in the minutes (the parser makes it plain text)
    body = page(client, "/moeder/hoeje-taastrup-direktionen-2015-12-07/punkt/5")
    assert "<i>" not in body and "<td>Incorp</td>" in body
    # Apostrophes and quotes of the text come out as entities, not markup.
    assert "IT-systemet &#39;Hjernen og hjertet&#39; alene" in body
    assert "&#x27;Hjernen og hjertet&#x27;" in body  # the indexer's own escaping in the section HTML


# -- item page -----------------------------------------------------------------------------------------

def test_item_page_shows_breadcrumb_title_case_decision_sections_and_neighbours(client) -> None:
    body = page(client, "/moeder/hoeje-taastrup-direktionen-2015-12-07/punkt/5")
    elements = Elements(body)
    assert elements.link("Forside") == "/"
    assert elements.link("Direktionen 7. december 2015") == "/moeder/hoeje-taastrup-direktionen-2015-12-07"
    assert '<h1 class="page-title">Udmøntning af IT-promillepulje, December</h1>' in body
    assert elements.link("14/32092") == "/sager/14/32092"
    assert '<li class="badge badge--godkendt">Godkendt</li>' in body
    # Sections in the minutes' order: Baggrund, INDSTILLING, BESLUTNING, Sagsfremstilling, ØKONOMI.
    assert re.findall(r'<section id="([^"]+)" class="item-section', body) == [
        "baggrund", "indstilling", "beslutning", "sagsfremstilling", "oekonomi"]
    assert '<h2 id="beslutning-heading">Beslutning Direktionen den 07-12-2015</h2>' in body
    assert '<h2 id="oekonomi-heading">Økonomi</h2>' in body
    assert elements.link("Forrige punkt") == "/moeder/hoeje-taastrup-direktionen-2015-12-07/punkt/4"
    assert elements.link("Næste punkt") == "/moeder/hoeje-taastrup-direktionen-2015-12-07/punkt/6"
    assert "Andre punkter i sag" not in body  # 14/32092 has this one item only


def test_item_page_renders_tab_tables_and_dash_lists(client) -> None:
    body = page(client, "/moeder/hoeje-taastrup-direktionen-2015-12-07/punkt/5")
    # "I 1000 kr.\t2015\t2016\t2017\t2018" and the short row "Incorp\t105", padded to five cells.
    assert re.search(r"<tr>\s*<td>I 1000 kr\.</td>\s*<td class=\"num\">2015</td>", body)
    assert re.search(r"<tr>\s*<td>Incorp</td>\s*<td class=\"num\">105</td>\s*<td></td>\s*<td></td>\s*<td></td>\s*</tr>",
                     body)
    assert '<td class="num">6.175.000</td>' in body
    body = page(client, "/moeder/hoeje-taastrup-direktionen-2015-12-07/punkt/2")
    assert re.search(r'<ul class="text-list">\s*<li>Selsmoseskolen</li>\s*<li>Status på rådhusplanen</li>', body)


def test_item_page_marks_the_query_words(client) -> None:
    body = page(client, "/moeder/hoeje-taastrup-direktionen-2015-12-07/punkt/5?q=KMD")
    # KMD: once in the Indstilling ("KMD's system"), three times in the Sagsfremstilling.
    assert body.count("<mark>KMD</mark>") == 4
    assert "(4 steder)" in body
    assert re.search(r'href="#indstilling">Indstilling</a> <span class="toc__matches">1 fund</span>', body)
    assert re.search(r'href="#sagsfremstilling">Sagsfremstilling</a> <span class="toc__matches">3 fund</span>', body)
    assert Elements(body).link("Tilbage til søgningen") == "/?q=KMD"
    title = page(client, "/moeder/hoeje-taastrup-direktionen-2018-11-05/punkt/3?q=revisionsberetning")
    assert "Status for <mark>revisionsberetning</mark> 2017 på BAC&#x27;s område" in title


def test_item_page_lists_the_other_items_of_its_case(client) -> None:
    body = page(client, "/moeder/hoeje-taastrup-direktionen-2015-12-07/punkt/2")
    related = re.search(r'<ul class="related">(.*?)</ul>', body, re.S).group(1)
    assert re.findall(r'href="([^"]+)"', related) == [
        "/moeder/hoeje-taastrup-direktionen-2015-12-07/punkt/1", "/moeder/hoeje-taastrup-direktionen-2015-12-07/punkt/3", "/moeder/hoeje-taastrup-direktionen-2015-12-07/punkt/8"]
    assert Elements(body).link("Se hele sagens forløb") == "/sager/14/32918"


def test_closed_item_says_its_content_is_not_public(client) -> None:
    body = page(client, "/moeder/hoeje-taastrup-direktionen-2015-12-07/punkt/8")
    assert "Lukket punkt – indholdet er ikke offentligt." in body
    assert '<li class="badge badge--lukket">Lukket punkt</li>' in body
    assert "item-section" not in body


def test_item_without_text(client) -> None:
    # 2017-12-04 item 2 "Økonomifølging 04-12-2017" has a case number and nothing else.
    body = page(client, "/moeder/hoeje-taastrup-direktionen-2017-12-04/punkt/2")
    assert "Punktet har ingen tekst i referatet." in body
    assert '<li class="badge badge--ingen-beslutning">Ingen beslutning</li>' in body


# -- meeting and case pages ------------------------------------------------------------------------

def test_meeting_page_lists_time_place_participants_and_items(client) -> None:
    body = page(client, "/moeder/hoeje-taastrup-direktionen-2016-11-30")
    assert "Møde i Direktionen, Høje-Taastrup Kommune, <time datetime=\"2016-11-30\">onsdag 30. november 2016</time>" in body
    assert "kl. 11:30" in body and "Mødelokale B105" in body
    assert "<li>Kathrine Seier Skastrup <span class=\"muted\">(sekretær)</span></li>" in body
    assert "<li>Lars Holte</li>" in body
    items = re.findall(r'<h3 class="agenda__title"><a href="(/moeder/hoeje-taastrup-direktionen-2016-11-30/punkt/\d+)">', body)
    assert items == [f"/moeder/hoeje-taastrup-direktionen-2016-11-30/punkt/{n}" for n in range(1, 11)]
    assert "Dagsorden (10 punkter)" in body


def test_meetings_page_lists_every_meeting_by_year_newest_first(client) -> None:
    body = page(client, "/moeder")
    assert re.findall(r'<h2 id="year-(\d{4})">', body) == ["2018", "2017", "2016", "2015", "2014"]
    assert re.findall(r'<a href="/moeder/[a-z-]+-(\d{4}-\d{2}-\d{2})">', body) == [
        "2018-11-05", "2017-12-04", "2016-11-30", "2015-12-07", "2014-08-26"]
    assert "kl. 10:00 · B204 · 10 punkter" in body
    assert "5 møder, nyeste først." in body


def test_api_meetings_lists_every_meeting(client) -> None:
    data = client.get("/api/meetings").get_json()
    assert data["coverage"] == {"meetings": 5, "items": 44, "first_meeting": "2014-08-26", "last_meeting": "2018-11-05",
                                "municipalities": ["Høje-Taastrup"], "committees": ["Direktionen"]}
    assert [(m["date"], m["item_count"]) for m in data["meetings"]] == [
        ("2018-11-05", 9), ("2017-12-04", 10), ("2016-11-30", 10), ("2015-12-07", 8), ("2014-08-26", 7)]


def test_case_page_is_a_timeline_of_the_case_items(client) -> None:
    body = page(client, "/sager/14/32918")
    links = re.findall(r'<h2 class="timeline__title"><a href="([^"]+)">([^<]+)</a>', body)
    assert links == [("/moeder/hoeje-taastrup-direktionen-2015-12-07/punkt/1", "Program for heldagsmøde i Direktionen 07-12-2015"),
                     ("/moeder/hoeje-taastrup-direktionen-2015-12-07/punkt/2", "Øvrige sager 07-12-2015"),
                     ("/moeder/hoeje-taastrup-direktionen-2015-12-07/punkt/3", "Økonomifølgning 07-12-2015"),
                     ("/moeder/hoeje-taastrup-direktionen-2015-12-07/punkt/8", "Lukket")]
    assert "4 punkter på 1 møde" in body
    assert "Tidsplan for budget 2015" in body  # item 3's decision text
    # 14/867 spans one meeting; 15/26452 too; 16/26813 (2017-12-04 items 1, 2, 10) likewise.
    body = page(client, "/sager/16/26813")
    assert [n for n in re.findall(r'timeline__title"><a href="/moeder/hoeje-taastrup-direktionen-2017-12-04/punkt/(\d+)"', body)] == ["1", "2", "10"]


# -- 404, 405, 500, 503 ----------------------------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "/nope", "/moeder/hoeje-taastrup-direktionen-2099-01-01", "/moeder/hoeje-taastrup-direktionen-2018-11-05/punkt/99", "/moeder/hoeje-taastrup-direktionen-2018-11-05/punkt/0",
    "/moeder/hoeje-taastrup-direktionen-2018-13-45", "/moeder/hoeje-taastrup-direktionen-2018-02-30", "/moeder/hoeje-taastrup-direktionen-2018-02-30/punkt/1", "/moeder/18-11-05",
    "/moeder/hoeje-taastrup-direktionen-2018-11-05/punkt/x", "/moeder/hoeje-taastrup-direktionen-2018-11-05/punkt/-1", "/sager/99/1", "/sager/abc/def",
    "/sager/14/32918x", "/sager/123/4", "/moeder/hoeje-taastrup-direktionen-2018-11-05/", "/hjaelp/x",
    "/moeder/hoeje-taastrup-direktionen-2018-11-05/punkt/99999999999999999999",
])
def test_unknown_pages_are_a_danish_404_with_a_search_box(client, url) -> None:
    body = page(client, url, status=404)
    assert "Siden findes ikke" in body and '<html lang="da">' in body
    assert 'role="search"' in body and 'name="q"' in body


@pytest.mark.parametrize("url", [
    "/api/items/hoeje-taastrup-direktionen-2018-11-05-99", "/api/items/garbage", "/api/items/hoeje-taastrup-direktionen-2018-13-45-1",
    "/api/items/udvalg-2018-11-05-3", "/api/meetings/hoeje-taastrup-direktionen-2099-01-01", "/api/meetings/hoeje-taastrup-direktionen-2018-13-45",
    "/api/items/hoeje-taastrup-direktionen-2018-11-05-9999",
    "/api/cases/99/1", "/api/cases/14/x", "/api/nope",
])
def test_unknown_api_resources_are_404_json(client, url) -> None:
    response = client.get(url)
    assert response.status_code == 404 and response.is_json
    assert set(response.get_json()["error"]) == {"param", "message"}


def test_wrong_method_is_405_with_allow(client) -> None:
    response = client.post("/")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    assert "Metoden er ikke tilladt" in response.get_data(as_text=True)
    assert client.post("/api/search").get_json()["error"]["message"] == "Metoden er ikke tilladt"


def test_server_errors_are_a_friendly_page_without_traceback(index_dir) -> None:
    app = create_app(index_dir, {})

    def broken():
        raise RuntimeError("secret detail")

    app.add_url_rule("/boom", "boom", broken)
    app.add_url_rule("/api/boom", "api_boom", broken)
    client = app.test_client()
    response = client.get("/boom")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Der opstod en fejl" in body and "secret detail" not in body and "Traceback" not in body
    assert response.headers["X-Frame-Options"] == "DENY"
    response = client.get("/api/boom")
    assert response.status_code == 500 and response.get_json()["error"]["message"] == "Der opstod en fejl"
    assert app.debug is False


def test_missing_index_is_503_and_recovers_once_built(tmp_path) -> None:
    from indexer.build import build_index

    client = create_app(tmp_path / "index", {"TESTING": True}).test_client()
    assert client.get("/healthz").status_code == 503
    assert client.get("/healthz").get_json() == {"status": "unavailable", "items": 0}
    assert "Søgningen er midlertidigt utilgængelig" in page(client, "/", status=503)
    assert client.get("/api/search").status_code == 503
    build_index(ROOT / "corpus", tmp_path / "index")
    assert client.get("/healthz").get_json() == {"status": "ok", "items": 44, "meetings": 5, "first_meeting": "2014-08-26", "last_meeting": "2018-11-05"}



def test_running_server_sees_updated_and_rebuilt_index_without_restart(tmp_path) -> None:
    import shutil

    from indexer.build import build_index

    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    build_index(corpus, tmp_path / "index")
    client = create_app(tmp_path / "index", {"TESTING": True}).test_client()
    assert client.get("/api/search?q=KMD").get_json()["total"] == 3
    (corpus / "hoeje-taastrup" / "direktionen" / "2017-12-04.txt").unlink()
    build_index(corpus, tmp_path / "index")  # an update commits into the same generation
    assert client.get("/api/search?q=KMD").get_json()["total"] == 2
    build_index(corpus, tmp_path / "index", rebuild=True)  # a rebuild swaps in a new generation
    assert client.get("/healthz").get_json() == {  # 2017-12-04 (10 items) is gone
        "status": "ok", "items": 34, "meetings": 4, "first_meeting": "2014-08-26", "last_meeting": "2018-11-05"}
    assert client.get("/moeder/hoeje-taastrup-direktionen-2017-12-04/punkt/6").status_code == 404

def test_a_warm_server_builds_the_masks_of_an_update_before_any_request(tmp_path, monkeypatch) -> None:
    import shutil
    import time

    import indexer.search
    from indexer.build import build_index
    from webui.searcher import get_searcher, keep_warm, stop_warming

    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    build_index(corpus, tmp_path / "index")
    app = create_app(tmp_path / "index", {"TESTING": True})
    warmer = keep_warm(app, interval=0.02)
    try:
        with app.app_context():
            search_index = get_searcher()
        (corpus / "hoeje-taastrup" / "direktionen" / "2017-12-04.txt").unlink()  # its 10 items go
        build_index(corpus, tmp_path / "index")
        deadline = time.monotonic() + 20
        while not any(len(state.live) == 34 for state in search_index._prepared.values()):
            assert time.monotonic() < deadline, "the warmer never prepared the update"
            time.sleep(0.02)
        built = []
        monkeypatch.setattr(indexer.search, "prepare", lambda *args: built.append(args))
        assert app.test_client().get("/api/search").get_json()["total"] == 34
        assert built == []  # the request found everything prepared
    finally:
        stop_warming(app)
        warmer.join(5)
    assert not warmer.is_alive()


def test_index_directory_comes_from_argument_config_environment_or_default(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("MINUTES_INDEX", raising=False)
    monkeypatch.chdir(tmp_path)  # a relative directory is where the server starts, made absolute
    assert create_app(None, {}).config["INDEX_DIR"] == str(tmp_path / "var" / "index")
    monkeypatch.setenv("MINUTES_INDEX", str(tmp_path / "env"))
    assert create_app(None, {}).config["INDEX_DIR"] == str(tmp_path / "env")
    assert create_app(None, {"INDEX_DIR": "conf"}).config["INDEX_DIR"] == str(tmp_path / "conf")
    assert create_app(tmp_path / "arg", {"INDEX_DIR": "conf"}).config["INDEX_DIR"] == str(tmp_path / "arg")


# -- headers, CSP-safe markup, accessibility basics --------------------------------------------------

@pytest.mark.parametrize("url", ["/", "/?page=-1", "/moeder/hoeje-taastrup-direktionen-2015-12-07/punkt/5", "/nope", "/api/search",
                                 "/api/nope", "/feed", "/healthz", "/static/style.css", "/hjaelp"])
def test_security_headers_on_every_response(client, url) -> None:
    response = client.get(url)
    assert response.headers["Content-Security-Policy"] == (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert set(SECURITY_HEADERS) <= set(response.headers.keys())
    response.close()  # the static file's handle


HTML_PAGES = ["/", "/?q=revisionsberetning&year=2018", "/?q=revison&decision=afvist", "/?page=-1",
              "/moeder/hoeje-taastrup-direktionen-2015-12-07/punkt/5?q=KMD", "/moeder/hoeje-taastrup-direktionen-2015-12-07/punkt/8", "/moeder/hoeje-taastrup-direktionen-2018-11-05",
              "/sager/14/32918", "/hjaelp", "/foelg?q=kmd&decision=godkendt", "/nope"]


@pytest.mark.parametrize("url", HTML_PAGES)
def test_pages_have_no_inline_script_style_or_handlers(client, url) -> None:
    response = client.get(url)
    body = response.get_data(as_text=True)
    elements = Elements(body)
    scripts = [a for t, a in elements.tags if t == "script"]
    assert scripts == [{"src": "/static/app.js", "defer": None}]
    assert not [t for t, a in elements.tags if t == "style" or "style" in a]
    assert not [(t, k) for t, a in elements.tags for k in a if k.startswith("on")]
    assert not re.search(r'href="(?:javascript|data):', body)


@pytest.mark.parametrize("url", HTML_PAGES)
def test_pages_have_landmarks_one_h1_and_labelled_inputs(client, url) -> None:
    body = client.get(url).get_data(as_text=True)
    elements = Elements(body)
    assert body.startswith("<!doctype html>\n<html lang=\"da\">")
    assert elements.link("Gå til indhold") == "#indhold"
    assert [a.get("id") for t, a in elements.tags if t == "main"] == ["indhold"]
    assert {t for t, _ in elements.tags} >= {"header", "nav", "main", "footer"}
    assert len(re.findall(r"<h1[ >]", body)) == 1
    labels = {a["for"] for t, a in elements.tags if t == "label"}
    fields = [a for t, a in elements.tags if t in ("input", "select", "textarea") and a.get("type") != "hidden"]
    assert all(field["id"] in labels for field in fields)
    ids = [a["id"] for _, a in elements.tags if a.get("id")]
    assert len(ids) == len(set(ids))
    assert "Direktionens referater · Høje-Taastrup Kommune" in body


def test_headings_do_not_skip_levels(client) -> None:
    for url in HTML_PAGES:
        levels = [int(n) for n in re.findall(r"<h([1-6])[ >]", client.get(url).get_data(as_text=True))]
        assert levels[0] == 1, url
        assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), (url, levels)


def test_help_page_explains_the_query_language(client) -> None:
    body = page(client, "/hjaelp")
    for text in ("ELLER", "IKKE", "NOT", "revision*", "titel:budget", "beslutning:udskudt", "bilag:handleplan",
                 "sag:14/32918", "oekonomiopfoelgning", "Bøjninger findes automatisk", "kombineres",
                 "&#34;status på revisionsberetning&#34;"):
        assert text in body, text
    assert Elements(body).link("kmd -drift") == "/?q=kmd+-drift"


# -- JSON API, CSV, feed, OpenAPI, health ---------------------------------------------------------------

def test_api_search_is_exactly_the_documented_results_json(client, searcher) -> None:
    for query in ("q=revisionsberetning", "q=budget&year=2016&page=2", "decision=godkendt&centre=HRC", ""):
        response = client.get(f"/api/search?{query}")
        assert response.status_code == 200 and response.mimetype == "application/json"
        expected = results_to_dict(searcher.search(query_from_params(parse_qs(query))))
        assert response.get_json() == expected
    data = client.get("/api/search?q=revisionsberetning").get_json()
    assert list(data) == ["total", "page", "pages", "hits", "facets", "facets_truncated", "notice", "suggestion",
                          "trend"]
    assert {h["url"] for h in data["hits"]} == AUDIT_ITEMS
    assert "Status på revisionsberetninger" in client.get("/api/search?q=revisionsberetning").get_data(as_text=True)


def test_api_search_csv_opens_in_danish_excel_with_every_hit(client) -> None:
    response = client.get("/api/search?q=revisionsberetning&format=csv&page=7")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    text = response.get_data(as_text=True)
    # A BOM and ';' (Danish Excel's list separator), Danish headers.
    assert text.startswith("\ufeffPunkt;Mødedato;Kommune;Udvalg;Punktnummer;Titel;Sagsnummer;Beslutning;Beslutningstekst;"
                           "Centre;Adresse\r\n")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert {row["Punkt"] for row in rows} == {"hoeje-taastrup-direktionen-2014-08-26-3", "hoeje-taastrup-direktionen-2016-11-30-1",
                                              "hoeje-taastrup-direktionen-2018-11-05-3"}
    [row] = [row for row in rows if row["Punkt"] == "hoeje-taastrup-direktionen-2014-08-26-3"]
    # 2014-08-26.txt line 171: the decision as written (tests/golden/NOTES.md quotes it), its label, the centres.
    assert row == {"Punkt": "hoeje-taastrup-direktionen-2014-08-26-3", "Mødedato": "2014-08-26",
                   "Kommune": "Høje-Taastrup", "Udvalg": "Direktionen", "Punktnummer": "3",
                   "Titel": "Status på revisionsberetninger", "Sagsnummer": "14/17334",
                   "Beslutning": "Taget til efterretning",
                   "Beslutningstekst": row["Beslutningstekst"], "Centre": "SOUC, BSC",
                   "Adresse": "http://localhost/moeder/hoeje-taastrup-direktionen-2014-08-26/punkt/3"}
    assert row["Beslutningstekst"].startswith("Direktionen tog sagen til efterretning og konstaterede med tilfredshed")
    everything = list(csv.DictReader(io.StringIO(client.get("/api/search?format=csv").get_data(as_text=True)[1:]),
                                     delimiter=";"))
    assert (len(everything), everything[0]["Punkt"]) == (44, "hoeje-taastrup-direktionen-2018-11-05-1")


def test_api_search_csv_with_commas_for_other_tools(client) -> None:
    text = client.get("/api/search?q=kmd&format=csv&sep=,").get_data(as_text=True)
    assert text.startswith("\ufeffPunkt,Mødedato,Kommune,Udvalg,Punktnummer,")
    assert len(list(csv.DictReader(io.StringIO(text[1:])))) == 3
    response = client.get("/api/search?q=kmd&format=csv&sep=|")
    assert (response.status_code, response.get_json()) == (400, {"error": {"param": "sep", "message": "skal være ; eller ,"}})


def test_api_item_meeting_and_case(client) -> None:
    item = client.get("/api/items/hoeje-taastrup-direktionen-2018-11-05-3").get_json()
    assert item["id"] == "hoeje-taastrup-direktionen-2018-11-05-3" and item["title"] == "Status for revisionsberetning 2017 på BAC's område"
    assert item["case_number"] == "18/18580" and item["decision"]["types"] == ["godkendt"]
    assert item["meeting"]["date"] == "2018-11-05" and item["meeting"]["location"] == "Mødelokale B105"
    marked = client.get("/api/items/hoeje-taastrup-direktionen-2018-11-05-3?q=revisionsberetning").get_json()
    assert "<mark>revisionsberetning</mark>" in marked["title_html"]

    meeting = client.get("/api/meetings/hoeje-taastrup-direktionen-2018-11-05").get_json()
    assert meeting["date"] == "2018-11-05" and meeting["meeting"]["start_time"] == "10:00"
    assert [i["number"] for i in meeting["items"]] == list(range(1, 10))
    assert meeting["meeting"]["participants"][-1] == {"name": "Kathrine Seier Skastrup", "role": "sekretær"}

    case = client.get("/api/cases/14/32918").get_json()
    assert case["case_number"] == "14/32918"
    assert [i["id"] for i in case["items"]] == [f"hoeje-taastrup-direktionen-2015-12-07-{n}" for n in (1, 2, 3, 8)]


def test_atom_feed_of_a_search_newest_first(client) -> None:
    response = client.get("/feed?q=revisionsberetning&sort=relevance&page=3")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.data)
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}title") == "Direktionens referater: revisionsberetning"
    assert root.findtext(f"{ATOM}updated") == "2018-11-05T00:00:00Z"
    entries = root.findall(f"{ATOM}entry")
    # Each entry links to the item with the search and the matching section, as the page's hits do.
    assert [e.find(f"{ATOM}link").get("href") for e in entries] == [
        "http://localhost/moeder/hoeje-taastrup-direktionen-2018-11-05/punkt/3?q=revisionsberetning#baggrund",
        "http://localhost/moeder/hoeje-taastrup-direktionen-2016-11-30/punkt/1?q=revisionsberetning#baggrund",
        "http://localhost/moeder/hoeje-taastrup-direktionen-2014-08-26/punkt/3?q=revisionsberetning#sagsfremstilling"]
    # Ids no host changes: the name-based UUID of each item's id (README, "Atom feed").
    assert [e.findtext(f"{ATOM}id") for e in entries] == [
        uuid.uuid5(uuid.NAMESPACE_URL, f"minutes-search:item:hoeje-taastrup-direktionen-{item}").urn
        for item in ("2018-11-05-3", "2016-11-30-1", "2014-08-26-3")]
    other_host = ET.fromstring(client.get("/feed?q=revisionsberetning", base_url="http://archive.example:8080").data)
    assert [e.findtext(f"{ATOM}id") for e in other_host.findall(f"{ATOM}entry")] == [
        e.findtext(f"{ATOM}id") for e in entries]
    assert other_host.findtext(f"{ATOM}id") == root.findtext(f"{ATOM}id") != None
    assert [e.findtext(f"{ATOM}updated") for e in entries] == [
        "2018-11-05T00:00:00Z", "2016-11-30T00:00:00Z", "2014-08-26T00:00:00Z"]
    first = entries[0]
    assert first.findtext(f"{ATOM}title") == "Status for revisionsberetning 2017 på BAC's område"
    summary = first.findtext(f"{ATOM}summary")
    assert "revisionsberetning" in summary and "<mark>" not in summary and "&#" not in summary
    assert first.find(f"{ATOM}category").get("term") == "godkendt"


def test_empty_feed_is_still_valid_atom(client) -> None:
    root = ET.fromstring(client.get("/feed?q=zzzzqqq").data)
    assert root.findall(f"{ATOM}entry") == [] and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ",
                                                                root.findtext(f"{ATOM}updated"))


def test_openapi_document_describes_every_endpoint(client, app) -> None:
    response = client.get("/api/openapi.json")
    document = json.loads(response.data)
    assert document["openapi"].startswith("3.")
    # The same routes as the app serves (path parameters compared by position, not name).
    served = {re.sub(r"<[^>]+>", "{}", rule.rule) for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")}
    assert served == {re.sub(r"\{\w+\}", "{}", path) for path in document["paths"]}
    assert set(document["paths"]) == {"/api/search", "/api/items/{id}", "/api/meetings", "/api/meetings/{id}",
                                      "/api/cases/{case_number}", "/api/export.jsonl", "/api/openapi.json", "/healthz", "/feed"}
    names = {p["name"] for p in document["paths"]["/api/search"]["get"]["parameters"]}
    assert names == {"q", "year", "centre", "case", "decision", "vote", "against", "committee", "municipality", "from",
                     "to", "sort", "size", "expand", "page", "format"}
    # Every $ref resolves.
    refs = set(re.findall(r'"\$ref": "#/components/schemas/(\w+)"', json.dumps(document)))
    assert refs <= set(document["components"]["schemas"])


def test_healthz(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok", "items": 44, "meetings": 5, "first_meeting": "2014-08-26", "last_meeting": "2018-11-05"}


# -- presentation helpers and architecture rules -------------------------------------------------------

def test_danish_dates_and_headings() -> None:
    assert danish_date("2018-11-05") == "5. november 2018"
    assert danish_date("2015-12-07", weekday=True) == "mandag 7. december 2015"
    assert danish_date("not a date") == "not a date"
    assert heading("BESLUTNING DIREKTIONEN DEN 07-12-2015") == "Beslutning Direktionen den 07-12-2015"
    assert heading("ØKONOMI") == "Økonomi" and heading("Sagsfremstilling") == "Sagsfremstilling"
    assert heading("") == "Tekst"


def test_blocks_split_paragraphs_lists_and_tables_and_keep_marks_balanced() -> None:
    text = "Intro <mark>ord</mark>\n\n- a\n- <mark>b\n- c</mark>\n\nx\t1\ny\t<mark>2\tz</mark>\n\nslut"
    result = blocks(text)
    assert [b.kind for b in result] == ["p", "ul", "table", "p"]
    assert result[1].lines == ["a", "<mark>b</mark>", "<mark>c</mark>"]
    assert result[2].rows == [["x", "1", ""], ["y", "<mark>2</mark>", "<mark>z</mark>"]]
    assert result[2].numeric == [[False, True, False], [False, True, False]]
    plain = blocks("<mark> is text here\n\nnext", is_html=False)
    assert plain[0].lines == ["<mark> is text here"]


def test_webui_never_imports_whoosh_and_marks_only_indexer_html_safe() -> None:
    for path in WEBUI.rglob("*.py"):
        assert "whoosh" not in path.read_text(encoding="utf-8"), path
    templates = "".join(p.read_text(encoding="utf-8") for p in (WEBUI / "templates").glob("*.html"))
    safe = re.findall(r"\{\{\s*([\w.]+)\|safe\s*\}\}", templates)
    assert len(safe) == len(re.findall(r"\|\s*safe", templates))
    assert sorted(set(safe)) == ["cell", "h.snippet", "item.title_html", "line"]  # cell/line: pieces of section html
    for path in (WEBUI / "templates").glob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "Markup(" not in text and "autoescape false" not in text, path


def test_csv_cells_never_start_a_spreadsheet_formula() -> None:
    from indexer.safetext import spreadsheet_safe

    assert [spreadsheet_safe(t) for t in ("=HYPERLINK(1)", "+1", "-x", "@a", "Budget 2019")] == [
        "'=HYPERLINK(1)", "'+1", "'-x", "'@a", "Budget 2019"]


def test_following_a_search_is_a_page_that_explains_the_feed(client) -> None:
    """The link showed the raw Atom XML in a browser."""
    response = client.get("/foelg?q=kmd&year=2017")
    body = response.get_data(as_text=True)
    elements = Elements(body)
    assert (response.status_code, response.mimetype) == (200, "text/html")
    assert [a["value"] for t, a in elements.tags if t == "input" and a.get("id") == "feed-address"] == [
        "http://localhost/feed?q=kmd&year=2017"]
    assert elements.link("Åbn feedet") == "http://localhost/feed?q=kmd&year=2017"
    assert elements.link("Tilbage til søgningen") == "/?q=kmd&year=2017"
    assert "med filtrene år 2017" in body and "<q>kmd</q>" in body
    assert client.get("/foelg?year=17").status_code == 400


def test_the_icon_browsers_ask_for_by_default_is_the_site_s() -> None:
    response = create_app("no-index", {"TESTING": True}).test_client().get("/favicon.ico")
    assert (response.status_code, response.headers["Location"]) == (301, "/static/favicon.svg")
