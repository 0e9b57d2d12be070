"""E-mail alerts end to end: the search page's form, the double opt-in, `minutes alerts send` and the
links in its messages, against a real SMTP server on loopback (tests/tools/mailbox.py) whose received
messages the tests read. The archive grows as a site's does: three meetings, then two more indexed.

Expected items come from the corpus and its hand-read golden files (tests/golden/NOTES.md): KMD is
named in 2017-12-04's item 6 "Driftssituationen med KMD" (taken note of, "taget til efterretning")
and in no item of 2018-11-05; those two meetings have 10 and 9 items.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from conftest import CORPUS
from indexer.alerts import digest
from indexer.alerts.mail import MailError, MailSettings
from indexer.alerts.store import open_store
from indexer.build import build_index
from indexer.query import Query
from indexer.search import SearchIndex
from tools.mailbox import Mailbox, free_port, html_of, text_of
from webui import create_app

ROOT = Path(__file__).resolve().parent.parent
MEETINGS = CORPUS / "hoeje-taastrup" / "direktionen"
SENDER = "Referater <referater@example.dk>"
BASE = "http://referater.test"
ADDRESS = "borger@example.dk"
FOOTER_KMD = ("--\nDu får denne e-mail, fordi du har bedt om besked om nye punkter fra søgningen »kmd«.\n"
              "Stop beskeder om denne søgning: {base}/beskeder/afmeld/{token}\n"
              "Se og stop alle dine beskeder: {base}/beskeder/{token}\n")


@dataclass
class Site:
    corpus: Path
    index: Path
    mailbox: Mailbox
    client: FlaskClient

    def add_meetings(self, *days: str) -> None:
        for day in days:
            shutil.copy(MEETINGS / f"{day}.txt", self.corpus / "hoeje-taastrup" / "direktionen")
        assert build_index(self.corpus, self.index).failed == []

    def send(self) -> subprocess.CompletedProcess:
        """`minutes alerts send` as cron runs it."""
        env = {**os.environ, "MINUTES_SMTP_URL": self.mailbox.url, "MINUTES_MAIL_FROM": SENDER, "MINUTES_BASE_URL": BASE}
        return subprocess.run([sys.executable, "-m", "indexer", "alerts", "send", "--index", str(self.index)],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)

    def form(self, path: str) -> dict[str, str]:
        """The subscribe form's hidden fields on the page at `path`."""
        page = self.client.get(path).get_data(as_text=True)
        return {name: html.unescape(value)
                for name, value in re.findall(r'<input type="hidden" name="(search|form_token)" value="([^"]*)"', page)}

    def subscribe(self, address: str = ADDRESS, path: str = "/?q=kmd", **headers: str):
        return self.client.post("/beskeder", data={**self.form(path), "address": address}, headers=headers)

    def confirm(self, message) -> str:
        """Follow the confirmation link as its reader does (the link, then the button); the token."""
        link = re.search(rf"{re.escape(BASE)}(/beskeder/bekraeft/([\w-]+))", text_of(message))
        assert self.client.get(link.group(1)).status_code == 200
        response = self.client.post(link.group(1))
        assert (response.status_code, response.headers["Location"]) == (303, f"/beskeder/{link.group(2)}?bekraeftet=1")
        return link.group(2)


def make_site(folder: Path, mailbox: Mailbox, settings: MailSettings | None = None) -> Site:
    corpus = folder / "corpus"
    (corpus / "hoeje-taastrup" / "direktionen").mkdir(parents=True)
    for day in ("2014-08-26", "2015-12-07", "2016-11-30"):
        shutil.copy(MEETINGS / f"{day}.txt", corpus / "hoeje-taastrup" / "direktionen")
    index = folder / "index"
    assert build_index(corpus, index).failed == []
    app = create_app(index, {"TESTING": True, "BASE_URL": BASE,
                             "MAIL_SETTINGS": settings or MailSettings(mailbox.url, SENDER)})
    return Site(corpus, index, mailbox, app.test_client())


@pytest.fixture
def site(tmp_path: Path):
    with Mailbox() as mailbox:
        yield make_site(tmp_path, mailbox)


def text(response) -> str:
    """A page's words, without its markup."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))).strip()


# -- the form ---------------------------------------------------------------------------------------

def test_the_search_page_offers_an_alert_for_the_search_it_shows(site: Site) -> None:
    fields = site.form("/?q=kmd&decision=taget-til-efterretning&sort=newest&size=25")
    assert fields["search"] == "q=kmd&decision=taget-til-efterretning"  # what chooses items, not how they are shown
    assert re.fullmatch(r"\d+\.[0-9a-f]{64}", fields["form_token"])
    assert "Få besked, når der kommer nye punkter" in text(site.client.get("/?q=kmd"))


def test_without_mail_settings_there_is_no_form_and_no_alert_address(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("MINUTES_SMTP_URL", raising=False)
    monkeypatch.delenv("MINUTES_MAIL_FROM", raising=False)
    index = tmp_path / "index"
    assert build_index(tmp_path, index).failed == []
    client = create_app(index, {"TESTING": True}).test_client()
    assert "alert-form" not in client.get("/?q=kmd").get_data(as_text=True)
    assert client.post("/beskeder", data={"address": ADDRESS, "search": "q=kmd"}).status_code == 404
    assert client.get("/beskeder/ny?q=kmd").status_code == 404
    for path in ("/beskeder/bekraeft/x", "/beskeder/x", "/beskeder/afmeld/x"):  # and no store is made for them
        assert client.get(path).status_code == 404
    assert not (index / "alerts.sqlite3").exists()


def test_the_follow_page_and_a_page_of_its_own_offer_the_same_form(site: Site) -> None:
    assert site.form("/foelg?q=kmd&year=2017")["search"] == "q=kmd&year=2017"
    assert site.form("/beskeder/ny?year=2017&q=kmd")["search"] == "q=kmd&year=2017"


# -- subscribing ------------------------------------------------------------------------------------

def test_subscribing_sends_one_confirmation_and_the_page_never_names_the_address(site: Site) -> None:
    response = site.subscribe("Borger@Example.DK")
    assert (response.status_code, response.headers["Location"]) == (303, "/beskeder/tjek-din-post?q=kmd")
    page = site.client.get(response.headers["Location"])
    assert page.status_code == 200
    assert "Tjek din e-mail" in text(page) and "xample" not in page.get_data(as_text=True)
    [message] = site.mailbox.wait_for(1)
    assert site.mailbox.envelopes == [("referater@example.dk", ["Borger@example.dk"])]  # the domain in lower case
    assert (message["From"], message["To"]) == (SENDER, "Borger@example.dk")
    assert message["Subject"] == "Bekræft: e-mail om nye punkter (»kmd«)"
    token = re.search(r"/beskeder/bekraeft/([\w-]+)", text_of(message)).group(1)
    assert text_of(message) == (
        "Hej\n\nNogen – forhåbentlig dig – har bedt om at få en e-mail, når der kommer nye punkter, som denne "
        "søgning finder:\n\n  »kmd«\n\nBekræft, at du vil have beskederne:\n"
        f"{BASE}/beskeder/bekraeft/{token}\n\nLinket virker i 7 dage. Har du ikke bedt om det, skal du ikke gøre "
        "noget: uden din bekræftelse sender vi ingen beskeder, og adressen slettes efter 7 dage.\n\n"
        f"Søgningen: {BASE}/?q=kmd&sort=newest\n")
    assert f'href="{BASE}/beskeder/bekraeft/{token}"' in html_of(message)


def test_nothing_is_sent_to_an_address_that_did_not_confirm(site: Site) -> None:
    site.subscribe()
    site.add_meetings("2017-12-04")
    run = site.send()
    assert (run.returncode, run.stderr) == (0, "")
    assert run.stdout == "0 beskeder sendt med 0 punkter (0 bekræftede abonnementer, 0 nye punkter i arkivet)\n"
    assert len(site.mailbox.wait_for(1)) == 1  # the confirmation only


def test_a_confirmed_alert_gets_one_digest_of_the_new_items_its_search_finds(site: Site) -> None:
    site.subscribe()
    token = site.confirm(site.mailbox.wait_for(1)[0])
    manage = site.client.get(f"/beskeder/{token}?bekraeftet=1")
    assert "Tak! Beskeden er bekræftet." in text(manage) and "»kmd«" in text(manage)
    site.add_meetings("2017-12-04", "2018-11-05")
    run = site.send()
    assert (run.returncode, run.stderr) == (0, "")
    assert run.stdout == "1 besked sendt med 1 punkt (1 bekræftede abonnementer, 19 nye punkter i arkivet)\n"
    digest_message = site.mailbox.wait_for(2)[1]
    assert (digest_message["To"], digest_message["Subject"]) == (ADDRESS, "1 nyt punkt: »kmd«")
    assert digest_message["List-Unsubscribe"] == f"<{BASE}/beskeder/afmeld/{token}>"
    assert digest_message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # As written on the wire, not as an encoded word, which no mail program reads as an address.
    assert f"\r\nList-Unsubscribe: <{BASE}/beskeder/afmeld/{token}>\r\n".encode() in site.mailbox.raw[1]
    assert text_of(digest_message) == (
        "1 nyt punkt, som din søgning finder: »kmd«\n\n"
        "Driftssituationen med KMD\n"
        "Direktionen (Høje-Taastrup Kommune), 4. december 2017, punkt 6 · Taget til efterretning\n"
        f"{BASE}/moeder/hoeje-taastrup-direktionen-2017-12-04/punkt/6\n\n"
        + FOOTER_KMD.format(base=BASE, token=token))
    assert f'<a href="{BASE}/moeder/hoeje-taastrup-direktionen-2017-12-04/punkt/6"' in html_of(digest_message)
    again = site.send()  # nothing new since
    assert again.stdout == "0 beskeder sendt med 0 punkter (1 bekræftede abonnementer, 0 nye punkter i arkivet)\n"
    assert len(site.mailbox.messages) == 2
    assert "seneste e-mail" in text(site.client.get(f"/beskeder/{token}"))


def test_a_digest_lists_the_newest_items_first_and_counts_the_rest(site: Site, monkeypatch) -> None:
    site.subscribe(path="/")  # every new item
    token = site.confirm(site.mailbox.wait_for(1)[0])
    site.add_meetings("2017-12-04", "2018-11-05")
    monkeypatch.setattr(digest, "DIGEST_ITEMS", 3)
    store = open_store(site.index)
    report = digest.send_digests(store, SearchIndex(site.index), MailSettings(site.mailbox.url, SENDER), BASE)
    assert (report.sent, report.listed, report.new_items, report.failures) == (1, 19, 19, [])
    message = site.mailbox.wait_for(2)[1]
    assert message["Subject"] == "19 nye punkter: alle punkter"
    links = re.findall(rf"^{re.escape(BASE)}/moeder/(\S+)$", text_of(message), re.MULTILINE)
    assert links == ["hoeje-taastrup-direktionen-2018-11-05/punkt/1", "hoeje-taastrup-direktionen-2018-11-05/punkt/2",
                     "hoeje-taastrup-direktionen-2018-11-05/punkt/3"]
    assert f"… og 16 punkter mere. Se søgningen, nyeste først:\n{BASE}/?sort=newest\n" in text_of(message)
    assert store.alert(token).sent is not None


def test_a_rebuilt_index_sends_nothing_twice_and_keeps_the_alerts(site: Site) -> None:
    site.subscribe()
    token = site.confirm(site.mailbox.wait_for(1)[0])
    site.add_meetings("2017-12-04")
    assert site.send().stdout.startswith("1 besked sendt")
    generation = (site.index / "CURRENT").read_text()
    assert build_index(site.corpus, site.index, rebuild=True).failed == []
    assert (site.index / "CURRENT").read_text() != generation  # a new generation
    run = site.send()
    assert run.stdout == "0 beskeder sendt med 0 punkter (1 bekræftede abonnementer, 0 nye punkter i arkivet)\n"
    assert open_store(site.index).alert(token).is_confirmed


# -- ending ---------------------------------------------------------------------------------------

def test_the_link_in_a_message_stops_its_alert_with_one_click_and_deletes_it(site: Site) -> None:
    site.subscribe()
    token = site.confirm(site.mailbox.wait_for(1)[0])
    site.add_meetings("2017-12-04")
    site.send()
    link = re.search(rf"Stop beskeder om denne søgning: {re.escape(BASE)}(\S+)", text_of(site.mailbox.messages[1])).group(1)
    page = site.client.get(link)
    assert page.status_code == 200
    assert "Du får ikke flere e-mails om nye punkter fra søgningen »kmd«." in text(page)
    assert open_store(site.index).alert(token) is None
    assert "allerede stoppet" in text(site.client.get(link))
    assert site.client.get(f"/beskeder/{token}").status_code == 404
    site.add_meetings("2018-11-05")
    assert site.send().stdout.startswith("0 beskeder sendt")


def test_a_mail_programs_one_click_unsubscribe_posts_to_the_same_link(site: Site) -> None:
    site.subscribe()
    token = site.confirm(site.mailbox.wait_for(1)[0])
    response = site.client.post(f"/beskeder/afmeld/{token}", data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert open_store(site.index).alert(token) is None


def test_the_page_of_an_address_lists_its_alerts_and_stops_one_or_all(site: Site) -> None:
    site.subscribe(path="/?q=kmd")
    site.subscribe(path="/?q=budget&year=2016")
    site.subscribe(address="nabo@example.dk", path="/?q=kmd")
    first, second, neighbour = (site.confirm(message) for message in site.mailbox.wait_for(3))
    page = site.client.get(f"/beskeder/{first}")
    assert page.status_code == 200
    assert "fra disse 2 søgninger" in text(page)
    assert re.findall(r'class="alert-list__search"><a href="([^"]+)">([^<]+)</a>', page.get_data(as_text=True)) == [
        ("/?q=kmd", "»kmd«"), ("/?q=budget&amp;year=2016", "»budget«, år: 2016")]
    assert "example" not in page.get_data(as_text=True)  # no address, not even its domain
    response = site.client.post(f"/beskeder/{first}", data={"stop": first})
    assert (response.status_code, response.headers["Location"]) == (303, f"/beskeder/{second}?stoppet=%C2%BBkmd%C2%AB")
    assert "Beskeden om søgningen »kmd« er stoppet." in text(site.client.get(response.headers["Location"]))
    assert site.client.post(f"/beskeder/{second}", data={"stop": neighbour}).status_code == 400  # not its own
    assert "Alle beskeder er stoppet" in text(site.client.post(f"/beskeder/{second}", data={"stop": "alle"}))
    store = open_store(site.index)
    assert (store.alert(first), store.alert(second), store.alert(neighbour).search) == (None, None, "q=kmd")


def test_an_unknown_token_finds_nothing(site: Site) -> None:
    for path in ("/beskeder/bekraeft/ukendt", "/beskeder/ukendt"):
        response = site.client.get(path)
        assert (response.status_code, "Linket virker ikke længere" in text(response)) == (404, True)
    assert site.client.post("/beskeder/bekraeft/ukendt").status_code == 404


# -- abuse ------------------------------------------------------------------------------------------

def test_asking_again_answers_the_same_and_mails_the_owner_not_the_asker(site: Site) -> None:
    first = site.subscribe()
    site.confirm(site.mailbox.wait_for(1)[0])
    store = open_store(site.index)
    token = store.confirmed()[0].token
    with store._db() as db:  # as if the first request were half an hour ago
        db.execute("UPDATE alerts SET asked = asked - 1800")
    again = site.subscribe()
    assert (again.status_code, again.headers["Location"]) == (first.status_code, first.headers["Location"])
    note = site.mailbox.wait_for(2)[1]
    assert note["Subject"] == "Du får allerede besked om nye punkter (»kmd«)"
    assert f"Se og stop dine beskeder: {BASE}/beskeder/{token}" in text_of(note)
    assert store.counts() == {"confirmed": 1, "pending": 0}


def test_a_form_from_another_site_or_without_a_valid_token_is_refused(site: Site) -> None:
    assert site.subscribe(**{"Sec-Fetch-Site": "cross-site"}).status_code == 403
    forged = site.client.post("/beskeder", data={"search": "q=kmd", "address": ADDRESS, "form_token": "1.abc"})
    assert forged.status_code == 400
    assert "Formularen var for gammel" in text(forged)
    assert site.mailbox.messages == []


def test_one_client_may_post_ten_forms_an_hour(site: Site) -> None:
    statuses = [site.subscribe(address=f"person{n}@example.dk").status_code for n in range(11)]
    assert statuses == [303] * 10 + [429]
    assert len(site.mailbox.wait_for(10)) == 10


def test_an_address_that_is_not_one_is_refused_with_the_form_kept(site: Site) -> None:
    for address in ("ikke en adresse", "borger@example", "a@example.dk\r\nBcc: b@example.dk", "æøå@example.dk"):
        response = site.subscribe(address=address)
        assert response.status_code == 400, address
        assert "Skriv en gyldig e-mailadresse, fx navn@eksempel.dk." in text(response)
        assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert site.mailbox.messages == []


def test_when_mail_cannot_be_sent_the_page_says_so_and_nothing_is_kept(tmp_path: Path) -> None:
    with Mailbox() as mailbox:
        site = make_site(tmp_path, mailbox, MailSettings(f"smtp://127.0.0.1:{free_port()}", SENDER))  # nobody listens
        response = site.subscribe()
    assert response.status_code == 503
    assert "Vi kunne ikke sende e-mailen lige nu." in text(response)
    assert open_store(site.index).counts() == {"confirmed": 0, "pending": 0}


def test_a_digest_the_server_refuses_is_reported_without_the_address_and_sent_next_run(site: Site) -> None:
    site.subscribe()
    token = site.confirm(site.mailbox.wait_for(1)[0])
    site.add_meetings("2017-12-04")
    site.mailbox.refuse.add(ADDRESS)
    run = site.send()
    assert run.returncode == 1
    # The server's answer quotes the address; the report does not.
    assert run.stderr == f"minutes: alert {token[:6]}…: SMTP: 554 5.7.1 <adressen>: message refused\n"
    assert ADDRESS not in run.stdout + run.stderr
    site.mailbox.refuse.clear()
    assert site.send().stdout.startswith("1 besked sendt med 1 punkt")


# -- the command's settings ---------------------------------------------------------------------------

def test_send_says_in_one_line_what_setting_is_missing(site: Site) -> None:
    command = [sys.executable, "-m", "indexer", "alerts", "send", "--index", str(site.index)]
    bare = {name: value for name, value in os.environ.items() if not name.startswith(("MINUTES_SMTP", "MINUTES_MAIL",
                                                                                       "MINUTES_BASE"))}
    no_base = subprocess.run(command, cwd=ROOT, env=bare, capture_output=True, text=True, timeout=60)
    assert (no_base.returncode, no_base.stderr) == (2, "minutes: --base-url (or $MINUTES_BASE_URL) must say where the "
                                                       "site is served, e.g. https://referater.example.dk\n")
    no_smtp = subprocess.run([*command, "--base-url", BASE], cwd=ROOT, env=bare, capture_output=True, text=True, timeout=60)
    assert (no_smtp.returncode, no_smtp.stderr) == (1, "minutes: $MINUTES_SMTP_URL and $MINUTES_MAIL_FROM are not set: "
                                                       "e-mail alerts are off\n")
    no_sender = subprocess.run([*command, "--base-url", BASE], cwd=ROOT, env={**bare, "MINUTES_SMTP_URL": "smtp://x"},
                               capture_output=True, text=True, timeout=60)
    assert no_sender.returncode == 1
    assert no_sender.stderr.startswith("minutes: $MINUTES_MAIL_FROM is not set")


# -- the search behind it, on every engine ---------------------------------------------------------------

def test_a_search_among_given_items_finds_only_those(searcher: SearchIndex) -> None:
    among = frozenset({("hoeje-taastrup-direktionen-2017-12-04", 6), ("hoeje-taastrup-direktionen-2018-11-05", 1),
                       ("no-such-meeting", 1)})
    for sort in ("relevance", "newest"):
        results = searcher.search(Query(text="kmd", sort=sort, among=among))
        assert [hit.url for hit in results.hits] == ["/moeder/hoeje-taastrup-direktionen-2017-12-04/punkt/6"]
    browsing = searcher.search(Query(sort="newest", among=among))
    assert [hit.url for hit in browsing.hits] == ["/moeder/hoeje-taastrup-direktionen-2018-11-05/punkt/1",
                                                  "/moeder/hoeje-taastrup-direktionen-2017-12-04/punkt/6"]
    assert searcher.search(Query(text="kmd")).total > 1  # without `among`, KMD is named elsewhere too


def test_serve_refuses_mail_settings_that_cannot_work_in_one_line(site: Site) -> None:
    env = {**os.environ, "MINUTES_SMTP_URL": "ftp://user:secret@mail.example.dk", "MINUTES_MAIL_FROM": SENDER}
    run = subprocess.run([sys.executable, "-m", "indexer", "serve", "--index", str(site.index), "--port", str(free_port())],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert (run.returncode, run.stderr) == (1, "minutes: $MINUTES_SMTP_URL: 'ftp://user@mail.example.dk' is not "
                                               "smtp://host[:port] or smtps://host[:port]\n")  # never the password


def test_mail_settings_read_the_server_its_port_and_login() -> None:
    settings = MailSettings.from_environment({"MINUTES_SMTP_URL": "smtps://ud%40valg:hemm%C3%A6lig@mail.example.dk",
                                              "MINUTES_MAIL_FROM": "Referater <referater@example.dk>"})
    assert settings.server() == ("smtps", "mail.example.dk", 465, "ud@valg", "hemmælig")
    assert MailSettings("smtp://mail.example.dk", SENDER).server() == ("smtp", "mail.example.dk", 587, None, None)
    assert MailSettings("smtp://mail.example.dk:2525", SENDER).server()[2] == 2525
    assert MailSettings.from_environment({}) is None
    with pytest.raises(MailError, match=r"^\$MINUTES_MAIL_FROM: 'Referater' is not an e-mail address$"):
        MailSettings.from_environment({"MINUTES_SMTP_URL": "smtp://mail.example.dk", "MINUTES_MAIL_FROM": "Referater"})


def test_a_digest_escapes_what_the_minutes_say_in_its_html() -> None:
    from indexer.alerts.messages import digest_message
    from indexer.alerts.store import Alert
    from indexer.results import Hit

    hit = Hit(id="m/1", title="Budget <script>alert(1)</script> & plan", meeting_date="2019-01-02", meeting_id="m",
              committee="Økonomiudvalget", municipality="Hvidovre", number=1, case_number=None,
              decision_types=["godkendt"], centres=[], url="/moeder/m/punkt/1", section=None, section_heading=None,
              snippet="")
    alert = Alert("t" * 43, ADDRESS, "q=budget", created=0.0, asked=0.0, confirmed=1.0)
    message = digest_message(MailSettings("smtp://mail.example.dk", SENDER), alert, BASE, [hit], 1)
    assert "Budget &lt;script&gt;alert(1)&lt;/script&gt; &amp; plan" in html_of(message)
    assert "<script>" not in html_of(message)
    assert "Budget <script>alert(1)</script> & plan\nØkonomiudvalget (Hvidovre Kommune), 2. januar 2019, punkt 1 · Godkendt\n" \
        in text_of(message)


def test_a_second_sender_while_one_runs_sends_nothing_and_says_why(site: Site) -> None:
    site.subscribe()
    site.confirm(site.mailbox.wait_for(1)[0])
    site.add_meetings("2017-12-04")
    with open_store(site.index).sending():  # a run in progress
        run = site.send()
    assert (run.returncode, run.stdout) == (1, "")
    assert run.stderr == "minutes: another 'minutes alerts send' is sending these alerts; try again when it is done\n"
    assert len(site.mailbox.messages) == 1
    assert site.send().stdout.startswith("1 besked sendt")


def test_the_help_page_tells_of_e_mail_alerts_only_where_they_are_on(site: Site, tmp_path: Path, monkeypatch) -> None:
    assert "få besked på e-mail" in text(site.client.get("/hjaelp"))
    monkeypatch.delenv("MINUTES_SMTP_URL", raising=False)
    monkeypatch.delenv("MINUTES_MAIL_FROM", raising=False)
    assert "få besked på e-mail" not in text(create_app(site.index, {"TESTING": True}).test_client().get("/hjaelp"))


def test_status_counts_the_alerts_and_names_no_one(site: Site) -> None:
    site.subscribe()
    site.subscribe(address="nabo@example.dk")
    site.confirm(site.mailbox.wait_for(2)[0])
    run = subprocess.run([sys.executable, "-m", "indexer", "alerts", "status", "--index", str(site.index)],
                         cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert (run.returncode, run.stdout, run.stderr) == (
        0, f"1 bekræftede, 1 venter på bekræftelse ({site.index / 'alerts.sqlite3'})\n", "")


@pytest.mark.parametrize("method, path, fields, status", [
    ("post", "/beskeder", {}, 400),  # no token
    ("post", "/beskeder", {"address": ADDRESS, "search": "year=abc"}, 400),  # a search the page would refuse
    ("post", "/beskeder", {"address": ADDRESS, "search": "q=" + "x" * 5000}, 400),  # too long to save
    ("post", "/beskeder", {"address": "a" * 300 + "@example.dk", "search": "q=kmd"}, 400),  # longer than SMTP allows
    ("post", "/beskeder", {"address": ADDRESS, "search": "q=kmd", "form_token": "99999999999999999999." + "a" * 64}, 400),
    ("get", "/beskeder", None, 405),
    ("get", "/beskeder/ny?from=2020-13-45", None, 400),
    ("get", "/beskeder/tjek-din-post?year=abc", None, 200),  # the page says what it can
    ("get", "/beskeder/" + "x" * 5000, None, 404),
    ("post", "/beskeder/ukendt", {"stop": "alle"}, 404),
    ("get", "/beskeder/bekraeft/%00", None, 404),
    ("post", "/beskeder/afmeld/%ff", None, 200),  # stopping what is not there says it is stopped
    ("delete", "/beskeder/afmeld/x", None, 405),
])
def test_hostile_requests_to_the_alert_pages_get_an_answer_never_a_500(site: Site, method, path, fields, status) -> None:
    if fields is not None and "form_token" not in fields and fields:
        fields = {**fields, "form_token": site.form("/?q=kmd")["form_token"]}
    call = getattr(site.client, method)
    response = call(path, data=fields) if fields is not None else call(path)
    assert response.status_code == status
    assert site.mailbox.messages == []
