"""End to end in a real browser: Debian's Chromium driven by Playwright against `minutes serve`.

Screenshots are saved under test-artifacts/screenshots/ for a person to look at.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
    pytest.skip(f"browser tests need Chromium at {CHROMIUM} (Debian package 'chromium'; "
                ".ci/run installs it)", allow_module_level=True)

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic", "--lang=da-DK"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(index_dir: Path | None, cwd: Path = ROOT, env: dict[str, str] | None = None) -> Iterator[str]:
    """`minutes serve` on a free port; index_dir None: its default, `var/index` under `cwd`; `env`
    adds to the environment."""
    port = free_port()
    index = ["--index", str(index_dir)] if index_dir is not None else []
    process = subprocess.Popen(
        [sys.executable, "-m", "indexer", "serve", *index, "--port", str(port)],
        cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, **(env or {})})
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=1) as response:
                if response.status == 200:
                    break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"minutes serve did not start: {process.stderr.read().decode()}") from None
            time.sleep(0.1)
    try:
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stderr.close()


@pytest.fixture(scope="module")
def server(index_dir: Path):
    with serving(index_dir) as base:
        yield base


@pytest.fixture(scope="module")
def pdf_server(tmp_path_factory: pytest.TempPathFactory):
    """An archive of one meeting published as PDF (2018-11-05, printed by tests/tools/minutes_pdf.py)
    and one as text (2014-08-26)."""
    from indexer.build import build_index
    from tools.minutes_pdf import minutes_pdf

    corpus = tmp_path_factory.mktemp("pdf-corpus")
    seeds = ROOT / "corpus" / "hoeje-taastrup" / "direktionen"
    (corpus / "2018-11-05.pdf").write_bytes(minutes_pdf((seeds / "2018-11-05.txt").read_text(encoding="utf-8"),
                                                        "Høje-Taastrup Kommune · Referat · Direktionen 2018-11-05"))
    (corpus / "2014-08-26.txt").write_bytes((seeds / "2014-08-26.txt").read_bytes())
    index = tmp_path_factory.mktemp("pdf-index")
    assert build_index(corpus, index).failed == []
    with serving(index) as base:
        yield base


@pytest.fixture(scope="module")
def quick_start_server(tmp_path_factory: pytest.TempPathFactory):
    """As the Quick start runs it: `minutes index` and `minutes serve` with their defaults (corpus/ and
    the relative var/index, the default engine) in a folder of their own, not the project's."""
    folder = tmp_path_factory.mktemp("quick-start")
    shutil.copytree(ROOT / "corpus", folder / "corpus")
    built = subprocess.run([sys.executable, "-m", "indexer", "index"], cwd=folder, capture_output=True, text=True)
    assert (built.returncode, (folder / "var" / "index" / "CURRENT").is_file()) == (0, True), built.stderr
    with serving(None, cwd=folder) as base:
        yield base


@pytest.fixture(scope="module")
def harvested_server(tmp_path_factory: pytest.TempPathFactory):
    """A fake FirstAgenda host (tests/tools/fake_firstagenda.py) harvested and indexed: minutes, an
    agenda not yet decided, a closed item."""
    from datetime import date

    from indexer.build import build_index
    from indexer.harvest.firstagenda import harvest
    from indexer.harvest.http import PoliteClient
    from tools.fake_firstagenda import FakeFirstAgenda, FakeTime

    corpus, index = tmp_path_factory.mktemp("harvest-corpus"), tmp_path_factory.mktemp("harvest-index")
    time = FakeTime()
    with FakeFirstAgenda() as host:
        harvest(host.base_url, corpus, "Fjordby", since=None, committees=None, today=date(2026, 9, 1),
                client=PoliteClient(clock=time.clock, sleep=time.sleep, contact="browser-tests@example.org"))
    assert build_index(corpus, index).failed == []
    with serving(index) as base:
        yield base


@pytest.fixture(scope="module")
def archive_server(archive_index: Path):
    """Several committees and two municipalities (tests/fixtures/archive/README.md)."""
    with serving(archive_index) as base:
        yield base


@pytest.fixture(scope="module")
def votes_server(tmp_path_factory: pytest.TempPathFactory):
    """The corpus and a Byråd meeting whose decisions print votes (tests/fixtures/votes/)."""
    from indexer.build import build_index

    corpus = tmp_path_factory.mktemp("votes-corpus")
    shutil.copytree(ROOT / "corpus", corpus, dirs_exist_ok=True)
    shutil.copy(ROOT / "tests" / "fixtures" / "votes" / "hoeje-taastrup-byraadet-2019-06-18.txt", corpus)
    index = tmp_path_factory.mktemp("votes-index")
    assert build_index(corpus, index).failed == []
    with serving(index) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="da-DK")
    page = context.new_page()
    yield page
    context.close()


def in_viewport(page: Page, selector: str) -> bool:
    return page.eval_on_selector(selector, """element => {
        const box = element.getBoundingClientRect();
        return box.top < window.innerHeight && box.bottom > 0;
    }""")


def test_search_facet_and_hit_lead_to_the_marked_section(server, page: Page) -> None:
    page.goto(f"{server}/")
    page.get_by_label("Søgeord").fill("revisionsberetning")
    page.get_by_label("Søgeord").press("Enter")
    expect(page.locator(".results__count")).to_contain_text("3 punkter")
    expect(page.locator(".hits > li")).to_have_count(3)
    page.screenshot(path=ARTIFACTS / "search-revisionsberetning.png", full_page=True)

    page.locator("#facet-year ~ ul a", has_text="2018").click()
    expect(page.locator(".results__count")).to_contain_text("1 punkt")
    assert "year=2018" in page.url
    expect(page.locator(".chip")).to_contain_text("2018")

    page.locator(".hits > li a", has_text="Status for revisionsberetning 2017").first.click()
    page.wait_for_load_state("load")
    assert page.url.startswith(f"{server}/moeder/hoeje-taastrup-direktionen-2018-11-05/punkt/3?q=revisionsberetning#")
    anchor = page.url.rsplit("#", 1)[1]
    section = f"section#{anchor}"
    expect(page.locator(f"{section} mark").first).to_be_visible()
    assert in_viewport(page, section)
    marked = {text.lower() for text in page.locator(f"{section} mark").all_inner_texts()}
    assert marked <= {"revisionsberetning", "revisionsberetningen"} and marked
    page.screenshot(path=ARTIFACTS / "item-2018-11-05-3.png")


def test_the_whole_archive_downloads_from_the_front_page_and_each_item_links_to_its_page(server, page: Page) -> None:
    import json

    page.goto(server)
    expect(page.locator(".coverage")).to_contain_text("(JSON Lines, 44 punkter til og med 5. november 2018)")
    with page.expect_download() as downloading:
        page.get_by_role("link", name="Hent hele arkivet som data").click()
    download = downloading.value
    records = [json.loads(line) for line in Path(download.path()).read_text(encoding="utf-8").splitlines()]
    # streamed by the server: the corpus's five meetings, 7 + 8 + 10 + 10 + 9 items, oldest first
    assert (download.suggested_filename, len(records), records[0]["id"], records[-1]["id"]) == (
        "referater-2018-11-05.jsonl", 44, "hoeje-taastrup-direktionen-2014-08-26-1",
        "hoeje-taastrup-direktionen-2018-11-05-9")
    page.goto(records[-1]["url"])
    expect(page.locator("h1")).to_contain_text(records[-1]["title"])


def test_a_bar_of_the_trend_narrows_the_search_to_its_year(server, page: Page) -> None:
    page.goto(f"{server}/?q=revisionsberetning")
    expect(page.locator(".trend__caption")).to_have_text("Punkter pr. år")
    page.get_by_role("link", name="2016: 1 punkt").click()
    expect(page).to_have_url(re.compile(r"[?&]year=2016$"))
    # 2016-11-30, Punkt 1 is the one audit report item of 2016
    expect(page.locator(".hits .hit__title")).to_have_text(["Økonomiopfølgning 30-11-2016"])


def test_browse_case_history_and_keyboard_use(server, page: Page) -> None:
    page.goto(f"{server}/sager/14/32918")
    expect(page.locator("main li a[href*='/moeder/hoeje-taastrup-direktionen-2015-12-07/punkt/']")).to_have_count(4)
    page.screenshot(path=ARTIFACTS / "case-14-32918.png", full_page=True)

    page.goto(f"{server}/")
    page.keyboard.press("Tab")  # the first stop is the skip link
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#indhold"
    page.screenshot(path=ARTIFACTS / "browse.png", full_page=False)


def test_a_two_committee_archive_is_searched_narrowed_and_browsed_by_committee(archive_server, page: Page) -> None:
    page.goto(f"{archive_server}/?q=kmd")
    expect(page.locator(".results__count")).to_contain_text("4 punkter")
    expect(page.locator("#facet-municipality ~ ul")).to_contain_text("Høje-Taastrup")
    page.locator("#facet-committee ~ ul a", has_text="Økonomiudvalget").click()
    expect(page.locator(".results__count")).to_contain_text("1 punkt")
    assert "committee=%C3%98konomiudvalget" in page.url
    expect(page.locator(".hits > li .hit__meta")).to_contain_text("Økonomiudvalget")
    page.locator(".hits > li a", has_text="Kontrakt med KMD om koncernsystemet").click()
    page.wait_for_load_state("load")
    assert page.url.startswith(f"{archive_server}/moeder/hoeje-taastrup-oekonomiudvalget-2018-11-05/punkt/3?q=kmd")
    expect(page.locator(".item__header .eyebrow")).to_contain_text("Økonomiudvalget · Høje-Taastrup Kommune")
    expect(page.locator("section.decision mark")).to_have_count(0)
    expect(page.locator("section#sagsfremstilling mark")).to_have_text(["KMD"])
    page.screenshot(path=ARTIFACTS / "archive-item-oekonomiudvalget.png", full_page=True)

    # The address of the time before committees had their own names a day on which two met.
    page.goto(f"{archive_server}/moeder/2018-11-05")
    expect(page.locator("h1")).to_contain_text("Møder")
    page.get_by_role("link", name="Møde i Økonomiudvalget, Høje-Taastrup Kommune").click()
    page.wait_for_load_state("load")
    assert page.url == f"{archive_server}/moeder/hoeje-taastrup-oekonomiudvalget-2018-11-05"
    expect(page.locator("h1")).to_contain_text("Møde i Økonomiudvalget, Høje-Taastrup Kommune")
    expect(page.locator(".agenda__item")).to_have_count(3)
    page.goto(f"{archive_server}/moeder/2014-08-26/punkt/3")
    assert page.url == f"{archive_server}/moeder/hoeje-taastrup-direktionen-2014-08-26/punkt/3"


def test_phone_layout(server, browser) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="da-DK", is_mobile=True)
    page = context.new_page()
    page.goto(f"{server}/?q=KMD")
    expect(page.locator(".hits > li")).to_have_count(3)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing sticks out sideways on a phone
    page.screenshot(path=ARTIFACTS / "phone-search-kmd.png", full_page=True)
    context.close()


def test_on_a_phone_the_results_start_on_the_first_screen_and_a_filter_leads_back_to_them(server, browser) -> None:
    """The period and sort form filled the first screen, and a chosen filter left the user among
    the filters at the bottom of the page."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="da-DK", is_mobile=True)
    page = context.new_page()
    page.goto(f"{server}/?q=budget")
    assert in_viewport(page, ".hits > li:first-child")
    expect(page.locator(".search-form__options")).not_to_have_attribute("open", "")
    page.screenshot(path=ARTIFACTS / "phone-search-budget.png")
    choice = page.locator("#facet-decision ~ ul a", has_text="Godkendt")
    count = int(re.search(r"\d+", choice.locator(".facet__count").inner_text()).group())
    choice.click()
    page.wait_for_load_state("load")
    assert page.url.endswith("#facet-decision")
    back = page.get_by_role("link", name=f"Vis {count} punkter")
    assert in_viewport(page, ".facets__show-results")
    page.screenshot(path=ARTIFACTS / "phone-filter-chosen.png")
    back.click()
    assert page.url.endswith("#results-heading")
    assert in_viewport(page, "#results-heading") and in_viewport(page, ".hits > li:first-child")
    expect(page.locator(".results__count")).to_have_text(f"{count} punkter")
    # A period or sort order that is set keeps the form open.
    page.goto(f"{server}/?q=budget&sort=newest")
    expect(page.locator(".search-form__options")).to_have_attribute("open", "")
    context.close()


def test_the_original_document_is_one_click_from_the_item_and_the_meeting_page(pdf_server, page: Page) -> None:
    # Item 3 of 2018-11-05 starts on page 2 of the PDF (tests/test_pdf.py checks every item's page).
    page.goto(f"{pdf_server}/moeder/hoeje-taastrup-direktionen-2018-11-05/punkt/3")
    link = page.get_by_role("link", name="Hent referatet (PDF, side 2)")
    expect(link).to_be_visible()
    assert link.get_attribute("href").endswith(".pdf#page=2")
    page.screenshot(path=ARTIFACTS / "item-pdf-original-link.png")
    with page.expect_response(lambda response: "/originaler/" in response.url) as opened:
        link.click()
    assert (opened.value.status, opened.value.headers["content-type"]) == (200, "application/pdf")

    page.goto(f"{pdf_server}/moeder/hoeje-taastrup-direktionen-2018-11-05")
    with page.expect_response(lambda response: "/originaler/" in response.url) as opened:
        page.get_by_role("link", name="Hent referatet (PDF, 16 sider)").click()
    assert (opened.value.status, opened.value.headers["content-type"]) == (200, "application/pdf")

    page.goto(f"{pdf_server}/moeder/hoeje-taastrup-direktionen-2014-08-26/punkt/3")  # published as text: the text file
    with page.expect_response(lambda response: "/originaler/" in response.url) as opened:
        page.get_by_role("link", name="Hent referatet (tekst)").click()
    assert (opened.value.status, opened.value.headers["content-type"]) == (200, "text/plain; charset=utf-8")


def test_the_original_document_opens_from_a_quick_start_setup(quick_start_server, page: Page) -> None:
    """It answered 500: a relative --index was read against the webui package."""
    page.goto(f"{quick_start_server}/moeder/hoeje-taastrup-direktionen-2014-08-26/punkt/3")
    with page.expect_response(lambda response: "/originaler/" in response.url) as opened:
        page.get_by_role("link", name="Hent referatet (tekst)").click()
    assert (opened.value.status, opened.value.headers["content-type"]) == (200, "text/plain; charset=utf-8")
    expect(page.locator("body")).to_contain_text("REFERAT Direktionen d. 26-08-2014")


PAGE_TYPES = {  # a page of each kind, with what makes it wide: long titles, tables, the syntax table
    "search": "/?q=budget", "browse": "/", "item": "/moeder/hoeje-taastrup-direktionen-2015-12-07/punkt/5?q=promillepuljen",
    "meeting": "/moeder/hoeje-taastrup-direktionen-2016-11-30", "meetings": "/moeder", "case": "/sager/14/32918", "help": "/hjaelp",
    "no-hits": "/?q=byggetilladelse", "error": "/moeder/1999-01-01",
    "filtered-search": "/?q=budget&decision=godkendt&year=2017", "follow": "/foelg?q=kmd&decision=godkendt",
}


@pytest.mark.parametrize("width", [320, 390])
def test_no_element_is_wider_than_a_phone_on_any_page(server, browser, width) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="da-DK", is_mobile=True)
    page = context.new_page()
    wider = {}
    for kind, path in PAGE_TYPES.items():
        page.goto(f"{server}{path}")
        # Every element's right edge, against the viewport (a scrolling table's cells count too:
        # nothing may need sideways scrolling).
        overflow = page.evaluate("""width => Array.from(document.querySelectorAll('body *'))
            .filter(element => element.getBoundingClientRect().right > width + 0.5)
            .map(element => element.tagName.toLowerCase() + '.' + element.className).slice(0, 3)""", width)
        # Nor may anything run out of its table cell into the next column (a long example on /hjaelp).
        overflow += page.evaluate("""() => Array.from(document.querySelectorAll('td *, th *'))
            .filter(element => element.getBoundingClientRect().right > element.closest('td, th').getBoundingClientRect().right + 0.5)
            .map(element => 'in a cell: ' + element.tagName.toLowerCase() + ' ' + element.textContent.slice(0, 30)).slice(0, 3)""")
        if overflow or page.evaluate("document.documentElement.scrollWidth") > width:
            wider[kind] = overflow
        if kind == "search":  # a date field shows all of "dd.mm.åååå" and its calendar button
            narrowest = page.evaluate("Math.min(...['#from', '#to'].map(s => document.querySelector(s).getBoundingClientRect().width))")
            if narrowest < 170:
                wider["date fields"] = [f"{narrowest:.0f} px"]
        if width == 390:
            page.screenshot(path=ARTIFACTS / f"phone-{kind}.png", full_page=True)
    context.close()
    assert wider == {}


def test_after_choosing_a_filter_the_keyboard_goes_on_from_that_filter(server, page: Page) -> None:
    page.goto(f"{server}/?q=budget")
    # On a wide screen the skip link to the filters is hidden until the keyboard reaches it.
    skip = page.locator("a.jump-to-facets")
    assert skip.bounding_box()["width"] <= 1
    skip.focus()
    assert skip.bounding_box()["width"] > 50
    page.keyboard.press("Enter")
    page.locator("#facet-year ~ ul a", has_text="2017").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/?q=budget&year=2017#facet-year")
    assert page.evaluate("document.activeElement.id") == "facet-year"
    page.keyboard.press("Tab")  # on to the year filter's first value, not to the top of the page
    assert page.evaluate("document.activeElement.closest('section.facet').getAttribute('aria-labelledby')") == "facet-year"


def test_the_sort_order_applies_as_soon_as_it_is_chosen(server, page: Page) -> None:
    page.goto(f"{server}/?q=budget")
    page.select_option("#sort", "oldest")
    page.wait_for_url("**/?q=budget&sort=oldest")  # the form's empty fields and defaults left out
    expect(page.locator(".hits > li").first).to_contain_text("26. august 2014")


def test_a_printed_item_shows_its_source_and_address_without_the_search(server, page: Page) -> None:
    page.goto(f"{server}/moeder/hoeje-taastrup-direktionen-2018-11-05/punkt/3?q=revisionsberetning")
    page.emulate_media(media="print")
    expect(page.locator(".print-source")).to_be_visible()
    expect(page.locator(".print-source")).to_contain_text(
        "Kilde: Referat af mødet i Direktionen 5. november 2018, punkt 3, Høje-Taastrup Kommune.")
    expect(page.locator(".print-source")).to_contain_text(f"Adresse: {server}/moeder/hoeje-taastrup-direktionen-2018-11-05/punkt/3")
    for banner in (".site-nav", ".back-to-search"):
        expect(page.locator(banner)).to_be_hidden()
    page.pdf(path=str(ARTIFACTS.parent / "item-2018-11-05-3-print.pdf"))


AXE = Path(os.environ.get("MINUTES_AXE", ROOT / ".venv" / "node" / "node_modules" / "axe-core" / "axe.min.js"))


# The pages only an archive of several committees has.
ARCHIVE_PAGE_TYPES = {
    "choose": "/moeder/2018-11-05", "committee-search": "/?q=kmd&committee=%C3%98konomiudvalget",
    "committee-item": "/moeder/hoeje-taastrup-oekonomiudvalget-2018-11-05/punkt/2",
    "municipality-meeting": "/moeder/hvidovre-oekonomiudvalget-2018-12-03",
}


@pytest.mark.parametrize("width", [1280, 390])
def test_every_page_type_has_no_accessibility_violations(server, browser, width) -> None:
    assert axe_violations(browser, server, PAGE_TYPES, width) == {}


VOTES_PAGE_TYPES = {"vote-item": "/moeder/hoeje-taastrup-byraadet-2019-06-18/punkt/3",
                    "vote-search": "/?q=godkendt&vote=ja"}


@pytest.mark.parametrize("width", [1280, 390])
def test_the_pages_with_votes_have_no_accessibility_violations(votes_server, browser, width) -> None:
    assert axe_violations(browser, votes_server, VOTES_PAGE_TYPES, width) == {}


def test_who_voted_against_narrows_the_search_and_the_item_shows_the_vote(votes_server, page: Page) -> None:
    page.goto(votes_server)
    page.locator('section[aria-labelledby="facet-against"]').get_by_role("link", name=re.compile(r"^F\b")).click()
    # F voted against only in Punkt 2: "Godkendt med 21 stemmer mod 4 (F og Ø)."
    expect(page.locator(".hits .hit__title")).to_have_text(["Budgetforslag 2020 - 1. behandling"])
    page.locator(".hits .hit__title a").click()
    expect(page.locator(".decision .vote")).to_contain_text("ImodF, Ø4 stemmer")


HARVESTED_PAGE_TYPES = {
    "agenda-item": "/moeder/fjordby-oekonomiudvalget-2026-04-13/punkt/1",
    "agenda-meeting": "/moeder/fjordby-oekonomiudvalget-2026-04-13",
    "harvested-item": "/moeder/fjordby-oekonomiudvalget-2026-03-02/punkt/1",
    "harvested-search": "/?q=havnefronten",
}


@pytest.mark.parametrize("width", [1280, 390])
def test_the_pages_of_a_harvested_archive_have_no_accessibility_violations(harvested_server, browser, width) -> None:
    assert axe_violations(browser, harvested_server, HARVESTED_PAGE_TYPES, width) == {}


def test_a_harvested_agenda_says_it_is_not_yet_decided(harvested_server, page: Page) -> None:
    page.goto(f"{harvested_server}/?q=havnefronten")
    expect(page.locator(".hits .badge--dagsorden")).to_have_text("Dagsorden – endnu ikke behandlet")
    page.get_by_role("link", name="Havnefronten, etape 2").click()
    expect(page.locator(".agenda-note")).to_contain_text("Dagsorden – endnu ikke behandlet.")
    expect(page.locator(".decision")).to_have_count(0)
    expect(page.locator("#indstilling")).to_contain_text("At projektet godkendes.")  # the agenda's own text
    expect(page.get_by_role("link", name="Se punktet hos Fjordby Kommune")).to_have_attribute(
        "href", re.compile(r"^http://127\.0\.0\.1:\d+/vis\?id=00000002-1c2d-4e5f-8a9b-0c1d2e3f4a5b&punktid="))
    page.screenshot(path=ARTIFACTS / "harvested-agenda-item.png", full_page=True)


@pytest.mark.parametrize("width", [1280, 390])
def test_the_pages_of_a_several_committee_archive_have_no_accessibility_violations(archive_server, browser,
                                                                                    width) -> None:
    assert axe_violations(browser, archive_server, ARCHIVE_PAGE_TYPES, width) == {}


def axe_violations(browser, server: str, page_types: dict[str, str], width: int) -> dict[str, list[str]]:
    # bypass_csp: the site's Content-Security-Policy rightly forbids the injected script.
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="da-DK", bypass_csp=True)
    page = context.new_page()
    found = {}
    for kind, path in page_types.items():
        page.goto(f"{server}{path}")
        violations = axe_on(page)
        if violations:
            found[kind] = violations
        if width == 1280:
            page.screenshot(path=ARTIFACTS / f"desktop-{kind}.png")  # the phone's are taken above
    context.close()
    return found


def axe_on(page: Page) -> list[str]:
    """axe-core's WCAG 2.1 AA and best-practice violations on the page as it is now (its context needs
    bypass_csp)."""
    if not AXE.exists():
        pytest.skip(f"axe-core not installed at {AXE} (make test installs it with npm; MINUTES_AXE names another)")
    page.add_script_tag(path=str(AXE))
    return page.evaluate("""async () => (await axe.run(document, {runOnly: {type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})).violations
        .map(v => v.id + ': ' + v.nodes.slice(0, 2).map(n => n.target.join(' ')).join(', '))""")


# -- e-mail alerts: the form, the messages a real SMTP server received, their links ----------------------

@pytest.fixture()
def alerts_site(tmp_path: Path):
    """Three of the corpus's meetings served with e-mail alerts on, to an SMTP server on loopback."""
    from indexer.build import build_index
    from tools.mailbox import Mailbox

    meetings = tmp_path / "corpus" / "hoeje-taastrup" / "direktionen"
    meetings.mkdir(parents=True)
    for day in ("2014-08-26", "2015-12-07", "2016-11-30"):
        shutil.copy(ROOT / "corpus" / "hoeje-taastrup" / "direktionen" / f"{day}.txt", meetings)
    index = tmp_path / "index"
    assert build_index(tmp_path / "corpus", index).failed == []
    with Mailbox() as mailbox:
        env = {"MINUTES_SMTP_URL": mailbox.url, "MINUTES_MAIL_FROM": "Referater <referater@example.dk>"}
        with serving(index, env=env) as base:
            yield base, tmp_path / "corpus", index, mailbox, env


def phone_overflow(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("width", [1280, 390])
def test_an_alert_is_subscribed_confirmed_mailed_followed_and_stopped_in_the_browser(alerts_site, browser, width) -> None:
    from indexer.build import build_index
    from tools.mailbox import text_of

    base, corpus, index, mailbox, env = alerts_site
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="da-DK", bypass_csp=True)
    page = context.new_page()
    checked: dict[str, list[str]] = {}

    def check(kind: str) -> None:
        checked[kind] = axe_on(page)
        assert phone_overflow(page) <= 0, kind
        page.screenshot(path=ARTIFACTS / f"{'desktop' if width == 1280 else 'phone'}-alert-{kind}.png", full_page=True)

    page.goto(f"{base}/?q=kmd")
    check("search-form")
    # An address the browser takes but the site does not: the form comes back, marked, with the address.
    page.get_by_label("Din e-mailadresse").fill("borger@example")
    page.get_by_role("button", name="Få besked").click()
    expect(page.locator("#alert-address")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".field-error")).to_have_text("Skriv en gyldig e-mailadresse, fx navn@eksempel.dk.")
    check("form-error")
    page.get_by_label("Din e-mailadresse").fill("borger@example.dk")
    page.get_by_role("button", name="Få besked").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tjek din e-mail")
    check("sent")

    confirm = re.search(r"(http://\S+/beskeder/bekraeft/[\w-]+)", text_of(mailbox.wait_for(1)[0])).group(1)
    assert confirm.startswith(base)  # the site's own address, as the browser reached it
    page.goto(confirm)
    check("confirm")
    page.get_by_role("button", name="Bekræft").click()
    expect(page.locator(".notice")).to_have_text("Tak! Beskeden er bekræftet. Du får en e-mail, når der kommer nye punkter.")
    expect(page.locator(".alert-list__search")).to_have_text(["»kmd«"])
    check("manage")

    shutil.copy(ROOT / "corpus" / "hoeje-taastrup" / "direktionen" / "2017-12-04.txt", corpus / "hoeje-taastrup" / "direktionen")
    assert build_index(corpus, index).failed == []
    sent = subprocess.run([sys.executable, "-m", "indexer", "alerts", "send", "--index", str(index)], cwd=ROOT,
                          env={**os.environ, **env, "MINUTES_BASE_URL": base}, capture_output=True, text=True, timeout=120)
    assert (sent.returncode, sent.stderr) == (0, "")
    digest = text_of(mailbox.wait_for(2)[1])
    page.goto(re.search(r"^(http://\S+/punkt/\d+)$", digest, re.MULTILINE).group(1))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Driftssituationen med KMD")

    page.goto(re.search(r"Stop beskeder om denne søgning: (\S+)", digest).group(1))
    expect(page.get_by_role("heading", level=1)).to_have_text("Beskeden er stoppet")
    expect(page.locator(".lead")).to_have_text("Du får ikke flere e-mails om nye punkter fra søgningen »kmd«.")
    check("stopped")
    context.close()
    assert checked == {kind: [] for kind in ("search-form", "form-error", "sent", "confirm", "manage", "stopped")}
