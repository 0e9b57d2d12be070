"""`minutes harvest`: the FirstAgenda harvester against a fake host on loopback
(tests/tools/fake_firstagenda.py, fixtures in tests/fixtures/firstagenda-host), never the internet.
Every client runs on a fake clock, so delays and backoff are asserted, never waited for."""

from __future__ import annotations

import json
import os
from datetime import date, datetime
from importlib.metadata import version
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.harvest import cli as harvest_cli
from indexer.harvest import http as harvest_http
from indexer.harvest import store
from indexer.harvest.cli import harvest as harvest_command
from indexer.harvest.firstagenda import HarvestReport, harvest, pdf_attachment_ids
from indexer.harvest.http import HarvestError, PoliteClient
from indexer.harvest.sources import Source, SourceError, resolve_source
from indexer.model import slug
from tools.fake_firstagenda import (AUTH_PATH, COOKIE, LISTING_PATH, SCENARIO, FakeFirstAgenda, FakeTime,
                                    sittings)

MUNICIPALITY = SCENARIO["municipality"]
MEETINGS = SCENARIO["meetings"]
ATTACHMENTS = SCENARIO["attachments"]
HOSTS_FILE = Path(__file__).resolve().parent.parent / "indexer" / "data" / "firstagenda-hosts.txt"
CONTACT = "harvest-tests@example.org"
# "Today" for a run: the fixtures' latest meeting (m3) is 2026-05-25, m2's agenda 2026-04-13.
LONG_AFTER = date(2026, 9, 1)  # every stored agenda is older than 30 days: none is fetched again
BEFORE_M3 = date(2026, 5, 20)  # m3's meeting is ahead; m2's agenda is 37 days old


@pytest.fixture
def host():
    with FakeFirstAgenda() as fake:
        yield fake


def client(time: FakeTime | None = None, **options) -> PoliteClient:
    time = time or FakeTime()
    options.setdefault("contact", CONTACT)
    return PoliteClient(clock=time.clock, sleep=time.sleep, **options)


def run(host: FakeFirstAgenda, corpus: Path, *, today: date = LONG_AFTER, with_client: PoliteClient | None = None,
        since: date | None = None, committees: list[str] | None = None, **options) -> HarvestReport:
    return harvest(host.base_url, corpus, MUNICIPALITY, since=since, committees=committees,
                   client=with_client or client(), today=today, **options)


def meeting_file(corpus: Path, key: str) -> Path:
    meeting = MEETINGS[key]
    return corpus / slug(MUNICIPALITY) / slug(meeting["committee"]) / f"{meeting['date']}.firstagenda.json"


def attachment_file(corpus: Path, meeting_key: str, attachment_key: str) -> Path:
    folder = meeting_file(corpus, meeting_key).parent
    return folder / f"{MEETINGS[meeting_key]['date']}.bilag" / f"{ATTACHMENTS[attachment_key]}.pdf"


def stored(corpus: Path, key: str) -> dict:
    return json.loads(meeting_file(corpus, key).read_bytes())


def harvested_files(corpus: Path) -> list[Path]:
    return sorted(path for path in corpus.rglob("*") if path.is_file() and path.name != store.LOCK_NAME)


# -- what is stored -------------------------------------------------------------------------------

def test_a_meeting_is_stored_in_the_documented_format(host: FakeFirstAgenda, tmp_path: Path) -> None:
    report = run(host, tmp_path)
    record = stored(tmp_path, "m1")
    assert list(record) == ["format", "host", "municipality", "committee", "listing", "agenda", "attachments",
                            "fetched"]
    assert record["format"] == "firstagenda-meeting/1"
    assert record["host"] == host.base_url and not record["host"].endswith("/")
    assert (record["municipality"], record["committee"]) == (MUNICIPALITY, MEETINGS["m1"]["committee"])
    assert record["listing"] == host.listed(MEETINGS["m1"]["id"])
    assert record["agenda"] == host.agenda(MEETINGS["m1"]["id"])
    date_folder = f"{MEETINGS['m1']['date']}.bilag"
    assert record["attachments"] == {ATTACHMENTS[key]: f"{date_folder}/{ATTACHMENTS[key]}.pdf" for key in ("a1", "a2")}
    assert datetime.fromisoformat(record["fetched"]).tzinfo is not None
    assert (report.new, report.updated, report.unchanged, report.failed) == (len(sittings(host.listing())), 0, 0, 0)
    assert report.failures == []


def test_one_entry_per_committee_and_date_minutes_first_then_main_agenda_then_latest(
        host: FakeFirstAgenda, tmp_path: Path) -> None:
    run(host, tmp_path)
    assert stored(tmp_path, "m4")["listing"]["Id"] == MEETINGS["m4r"]["id"]  # minutes named Dagsorden, Afsluttet
    assert stored(tmp_path, "m3")["listing"]["Id"] == MEETINGS["m3"]["id"]  # not the later Tillægsdagsorden
    assert stored(tmp_path, "m8x")["listing"]["Id"] == MEETINGS["m8y"]["id"]  # the later of two releases
    asked = host.paths()
    for passed_over in ("m4", "m3t", "m8x"):
        assert host.meeting_path(MEETINGS[passed_over]["id"]) not in asked
    meeting_files = [path for path in harvested_files(tmp_path) if path.name.endswith(".firstagenda.json")]
    assert len(meeting_files) == len(sittings(host.listing()))


def test_attachments_direct_and_behind_the_viewer_page(host: FakeFirstAgenda, tmp_path: Path) -> None:
    assert host.attachments[ATTACHMENTS["a1"]]["serve"] == "redirect"
    assert host.attachments[ATTACHMENTS["a2"]]["serve"] == "viewer"
    report = run(host, tmp_path)
    for key in ("a1", "a2"):
        assert attachment_file(tmp_path, "m1", key).read_bytes() == host.pdf(ATTACHMENTS[key])
    asked = host.paths()
    assert asked.count(f"/s3/{ATTACHMENTS['a2']}") == 1  # the iframe's address, unescaped (&amp;), followed once
    # A zero GUID, a Bilag without a PDF version and a closed item's Bilag are never asked for.
    assert host.attachment_path(SCENARIO["attachment_without_pdf"]) not in asked
    assert host.attachment_path(ATTACHMENTS["a9"]) not in asked
    assert not any("00000000-0000-0000-0000-000000000000" in path for path in asked)
    assert ATTACHMENTS["a9"] not in stored(tmp_path, "m1")["attachments"]
    expected = {attachment for key in ("m1", "m2", "m3", "m4r", "m5", "m6", "m8y")
                for attachment in pdf_attachment_ids(host.agenda(MEETINGS[key]["id"]))}
    assert report.attachments == len(expected) == sum(1 for path in harvested_files(tmp_path)
                                                      if path.suffix == ".pdf")


def test_has_pdf_version_may_be_a_boolean_or_a_string() -> None:
    item = {"IsOpen": True, "Bilag": [
        {"HarPdfVersion": True, "Id": "11111111-2222-4333-8444-555555555555"},
        {"HarPdfVersion": "True", "Id": "21111111-2222-4333-8444-555555555555"},
        {"HarPdfVersion": "false", "Id": "31111111-2222-4333-8444-555555555555"},
        {"HarPdfVersion": "true", "Id": "../../etc/passwd"}]}
    assert pdf_attachment_ids({"Dagsordenpunkter": [item]}) == ["11111111-2222-4333-8444-555555555555",
                                                                 "21111111-2222-4333-8444-555555555555"]


# -- the session ---------------------------------------------------------------------------------

def test_the_anonymous_cookie_comes_from_the_302_and_is_sent_after(host: FakeFirstAgenda, tmp_path: Path) -> None:
    run(host, tmp_path, committees=["Økonomiudvalget"])
    paths = host.paths()
    first_api = paths.index(LISTING_PATH)
    assert paths[first_api:first_api + 3] == [LISTING_PATH, AUTH_PATH, LISTING_PATH]
    gated, authentication = host.requests[first_api], host.requests[first_api + 1]
    assert COOKIE not in gated.headers.get("Cookie", "")
    assert "callback=" in authentication.path and LISTING_PATH.replace("/", "%2F") in authentication.path
    later = [request for request in host.requests[first_api + 2:]
             if request.path.lower().startswith(("/api/", "/vis/"))]
    assert later and all(COOKIE in request.headers.get("Cookie", "") for request in later)


def test_a_front_page_that_sets_the_cookie_spares_the_302(host: FakeFirstAgenda, tmp_path: Path) -> None:
    host.front_page_sets_cookie = True
    run(host, tmp_path, committees=["Økonomiudvalget"])
    assert AUTH_PATH not in host.paths()


# -- incremental ---------------------------------------------------------------------------------

def test_a_second_run_fetches_only_robots_bootstrap_and_listing(host: FakeFirstAgenda, tmp_path: Path) -> None:
    run(host, tmp_path)
    before = {path: path.read_bytes() for path in harvested_files(tmp_path)}
    host.clear()
    report = run(host, tmp_path)
    assert host.paths() == ["/robots.txt", "/", LISTING_PATH, AUTH_PATH, LISTING_PATH]
    assert (report.new, report.updated, report.unchanged, report.attachments) == (
        0, 0, len(sittings(host.listing())), 0)
    assert {path: path.read_bytes() for path in harvested_files(tmp_path)} == before


def test_minutes_replace_an_agenda_a_new_release_is_fetched_a_new_guid_alone_is_not(
        host: FakeFirstAgenda, tmp_path: Path) -> None:
    run(host, tmp_path)
    assert stored(tmp_path, "m2")["listing"]["Id"] == MEETINGS["m2"]["id"]  # the agenda, at first
    host.listing_state = "later"
    host.clear()
    report = run(host, tmp_path)
    asked = host.paths()
    minutes = host.listed(MEETINGS["m2r"]["id"], "later")
    assert stored(tmp_path, "m2r")["listing"] == minutes  # matched by committee and date
    assert host.attachment_path(ATTACHMENTS["a3"]) not in asked  # already stored: never fetched again
    assert attachment_file(tmp_path, "m2r", "a3b").read_bytes() == host.pdf(ATTACHMENTS["a3b"])
    assert set(stored(tmp_path, "m2r")["attachments"]) == {ATTACHMENTS["a3"], ATTACHMENTS["a3b"]}
    # m1 was re-released (a newer ReleasedDate): fetched again, its attachments are not.
    re_released = host.listed(MEETINGS["m1"]["id"], "later")["ReleasedDate"]
    assert stored(tmp_path, "m1")["listing"]["ReleasedDate"] == re_released
    assert host.attachment_path(ATTACHMENTS["a1"]) not in asked
    # m6 republished under a new GUID with the same ReleasedDate: not fetched.
    assert host.meeting_path(MEETINGS["m6n"]["id"]) not in asked
    assert stored(tmp_path, "m6")["listing"]["Id"] == MEETINGS["m6"]["id"]
    assert (report.new, report.updated, report.unchanged) == (0, 2, len(sittings(host.listing())) - 2)


def test_a_recent_or_coming_agenda_is_fetched_again(host: FakeFirstAgenda, tmp_path: Path) -> None:
    run(host, tmp_path, today=BEFORE_M3)
    host.clear()
    report = run(host, tmp_path, today=BEFORE_M3)
    asked = host.paths()
    assert host.meeting_path(MEETINGS["m3"]["id"]) in asked  # the meeting is ahead
    assert host.meeting_path(MEETINGS["m2"]["id"]) not in asked  # an agenda 37 days old stands
    assert host.attachment_path(ATTACHMENTS["a7"]) not in asked
    assert report.updated == 1
    host.clear()
    run(host, tmp_path, today=date.fromisoformat(MEETINGS["m2"]["date"]))
    assert host.meeting_path(MEETINGS["m2"]["id"]) in host.paths()


def test_since_and_committee_filters(host: FakeFirstAgenda, tmp_path: Path) -> None:
    since = date.fromisoformat(MEETINGS["m1"]["date"])
    run(host, tmp_path / "since", since=since)
    kept = {(meeting["committee"], meeting["date"]) for meeting in MEETINGS.values() if meeting["date"] >= str(since)}
    assert {(stored_record["committee"], path.name[:10]) for path in harvested_files(tmp_path / "since")
            if path.name.endswith(".firstagenda.json")
            for stored_record in [json.loads(path.read_bytes())]} == kept
    committee = MEETINGS["m5"]["committee"]
    report = run(host, tmp_path / "one", committees=[committee.upper(), "Atlantisudvalget"])
    folders = {path.name for path in (tmp_path / "one" / slug(MUNICIPALITY)).iterdir() if path.is_dir()}
    assert folders == {slug(committee)}
    assert report.failures == [f"{host.host_name}: no committee named 'Atlantisudvalget'"]


# -- failures ------------------------------------------------------------------------------------

def test_a_transient_503_is_retried_after_a_backoff(host: FakeFirstAgenda, tmp_path: Path) -> None:
    path = host.meeting_path(MEETINGS["m1"]["id"])
    host.transient_503.add(path)
    time = FakeTime()
    report = run(host, tmp_path, with_client=client(time, delay=0))
    assert host.paths().count(path) == 2
    assert time.sleeps == [harvest_http.DEFAULT_RETRY_DELAYS[0]]
    assert meeting_file(tmp_path, "m1").exists() and report.failures == []


def test_a_meeting_that_keeps_failing_is_one_line_and_the_rest_is_harvested(
        host: FakeFirstAgenda, tmp_path: Path) -> None:
    path = host.meeting_path(MEETINGS["m5"]["id"])
    host.permanent_500.add(path)
    time = FakeTime()
    report = run(host, tmp_path, with_client=client(time, delay=0))
    attempts = len(harvest_http.DEFAULT_RETRY_DELAYS) + 1
    assert host.paths().count(path) == attempts
    assert time.sleeps == list(harvest_http.DEFAULT_RETRY_DELAYS)
    [failure] = report.failures
    assert failure.startswith(f"{host.host_name} {MEETINGS['m5']['committee']} {MEETINGS['m5']['date']}: HTTP 500")
    assert f"({attempts} attempts)" in failure and "\n" not in failure
    assert not meeting_file(tmp_path, "m5").exists()
    assert (report.failed, report.new) == (1, len(sittings(host.listing())) - 1)


def test_a_4xx_is_not_retried(host: FakeFirstAgenda, tmp_path: Path) -> None:
    path = host.meeting_path(MEETINGS["m5"]["id"])
    host.not_found.add(path)
    report = run(host, tmp_path)
    assert host.paths().count(path) == 1
    assert "HTTP 404" in report.failures[0]


def test_a_slow_answer_times_out(host: FakeFirstAgenda, tmp_path: Path) -> None:
    path = host.meeting_path(MEETINGS["m5"]["id"])
    host.slow[path] = 3.0
    report = run(host, tmp_path, committees=[MEETINGS["m5"]["committee"]],
                 with_client=client(timeout=0.2, retry_delays=(0,)))
    assert host.paths().count(path) == 2
    assert report.failed == 1 and "timed out" in report.failures[0]


def test_malformed_json_fails_the_meeting_and_nothing_of_it_is_stored(host: FakeFirstAgenda, tmp_path: Path) -> None:
    host.malformed_json.add(host.meeting_path(MEETINGS["m1"]["id"]))
    report = run(host, tmp_path)
    assert "malformed JSON" in report.failures[0]
    assert not meeting_file(tmp_path, "m1").parent.joinpath(f"{MEETINGS['m1']['date']}.bilag").exists()
    assert not meeting_file(tmp_path, "m1").exists()


def test_a_login_page_is_not_stored_as_a_pdf(host: FakeFirstAgenda, tmp_path: Path) -> None:
    host.login_page.add(ATTACHMENTS["a4"])
    report = run(host, tmp_path)
    assert stored(tmp_path, "m4r")["attachments"] == {ATTACHMENTS["a4"]: None}
    assert not attachment_file(tmp_path, "m4r", "a4").exists()
    assert report.failures == [f"{host.host_name} {MEETINGS['m4r']['committee']} {MEETINGS['m4r']['date']}: "
                               f"attachment {ATTACHMENTS['a4']}: not a PDF: a login page?"]
    assert report.attachments_failed == 1 and report.failed == 0


def test_a_failed_fetch_leaves_the_stored_file_as_it_was(host: FakeFirstAgenda, tmp_path: Path) -> None:
    run(host, tmp_path)
    agenda = meeting_file(tmp_path, "m2").read_bytes()
    host.listing_state = "later"
    host.permanent_500.add(host.meeting_path(MEETINGS["m2r"]["id"]))
    report = run(host, tmp_path)
    assert meeting_file(tmp_path, "m2").read_bytes() == agenda
    assert report.failed == 1
    host.permanent_500.clear()
    run(host, tmp_path)  # the minutes arrive on a later run
    assert stored(tmp_path, "m2")["listing"]["Id"] == MEETINGS["m2r"]["id"]


def test_an_unreadable_committee_list_is_an_error(host: FakeFirstAgenda, tmp_path: Path) -> None:
    host.permanent_500.add(LISTING_PATH)
    with pytest.raises(HarvestError, match="cannot read the committee list: HTTP 500"):
        run(host, tmp_path, with_client=client(retry_delays=()))


# -- politeness ----------------------------------------------------------------------------------

def test_user_agent_and_the_delay_between_two_requests(host: FakeFirstAgenda, tmp_path: Path) -> None:
    time = FakeTime()
    polite = client(time, delay=1.5)
    report = run(host, tmp_path, with_client=polite)
    agent = f"minutes-search/{version('minutes-search')} (+{CONTACT})"
    assert {request.headers["User-Agent"] for request in host.requests} == {agent}
    assert time.sleeps == [1.5] * (len(host.requests) - 1)  # every request but the first waited
    assert report.requests == len(host.requests)


def test_the_contact_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MINUTES_HARVEST_CONTACT", "https://example.org/harvest")
    assert PoliteClient().user_agent.endswith(" (+https://example.org/harvest)")
    monkeypatch.delenv("MINUTES_HARVEST_CONTACT")
    assert PoliteClient().user_agent.startswith(f"minutes-search/{version('minutes-search')} (+minutes-search")
    with pytest.raises(ValueError, match="one line"):
        PoliteClient(contact="me@example.org\r\nX-Evil: 1")


def test_the_delay_is_per_host(host: FakeFirstAgenda) -> None:
    time = FakeTime()
    polite = client(time, delay=2.0)
    other = host.base_url.replace("127.0.0.1", "localhost")
    for base in (host.base_url, other, host.base_url):  # robots.txt of each host, then /
        polite.get(f"{base}/", max_bytes=10_000)
    assert len(host.requests) == 5 and time.sleeps == [2.0, 2.0]  # the third / had waited long enough


def test_a_crawl_delay_in_robots_txt_slows_the_harvest(host: FakeFirstAgenda, tmp_path: Path) -> None:
    host.robots_txt = "User-agent: *\nCrawl-delay: 3\n"
    time = FakeTime()
    run(host, tmp_path, committees=[MEETINGS["m5"]["committee"]], with_client=client(time, delay=1.0))
    assert time.sleeps and set(time.sleeps) == {3.0}


def test_robots_txt_disallowing_a_path_refuses_it(host: FakeFirstAgenda, tmp_path: Path) -> None:
    host.robots_txt = "User-agent: minutes-search\nDisallow: /vis/\n\nUser-agent: *\nDisallow: /\n"
    report = run(host, tmp_path, committees=[MEETINGS["m5"]["committee"]])
    assert not any(path.startswith("/vis/") for path in host.paths())
    assert stored(tmp_path, "m5")["attachments"] == {ATTACHMENTS["a5"]: None}
    meeting, attachment = MEETINGS["m5"], ATTACHMENTS["a5"]
    address = f"{host.host_name}{host.attachment_path(attachment)}?redirectDirectlyToPdf=true"
    assert (f"{host.host_name} {meeting['committee']} {meeting['date']}: attachment {attachment}: "
            f"robots.txt of {host.host_name} disallows {address}") in report.failures


def test_a_missing_robots_txt_allows_everything(host: FakeFirstAgenda, tmp_path: Path) -> None:
    host.robots_txt = None
    report = run(host, tmp_path)
    assert report.failures == [] and report.new == len(sittings(host.listing()))


def test_an_unreachable_robots_txt_fetches_nothing(host: FakeFirstAgenda, tmp_path: Path) -> None:
    host.permanent_500.add("/robots.txt")
    with pytest.raises(HarvestError, match="robots.txt of .* cannot be read"):
        run(host, tmp_path, with_client=client(retry_delays=()))
    assert host.paths() == ["/robots.txt"]


def test_a_body_over_the_bound_is_refused_not_buffered(host: FakeFirstAgenda, tmp_path: Path) -> None:
    report = run(host, tmp_path, committees=[MEETINGS["m5"]["committee"]], max_file_bytes=20)
    assert stored(tmp_path, "m5")["attachments"] == {ATTACHMENTS["a5"]: None}
    assert "larger than" in report.failures[0]
    host.omit_length.add(LISTING_PATH)  # no Content-Length: refused while reading
    polite = client()
    with pytest.raises(HarvestError, match="larger than"):
        polite.get_json(f"{host.base_url}{LISTING_PATH}", max_bytes=100)
    assert polite.bytes_received <= 100 + 64 * 1024


def test_only_http_addresses_are_fetched() -> None:
    with pytest.raises(HarvestError, match="not an http"):
        client().get("file:///etc/passwd", max_bytes=100)


# -- resumable -----------------------------------------------------------------------------------

class InterruptedClient(PoliteClient):
    """A harvest killed at one request (Ctrl-C): raises KeyboardInterrupt instead of asking."""

    def __init__(self, stop_at: str, **options) -> None:
        time = FakeTime()
        super().__init__(contact=CONTACT, clock=time.clock, sleep=time.sleep, **options)
        self.stop_at = stop_at

    def get(self, url: str, **options):
        if self.stop_at in url:
            raise KeyboardInterrupt
        return super().get(url, **options)


def test_a_killed_harvest_leaves_no_partial_file_and_the_next_run_completes(
        host: FakeFirstAgenda, tmp_path: Path) -> None:
    with pytest.raises(KeyboardInterrupt):  # between m1's two attachments
        run(host, tmp_path, with_client=InterruptedClient(stop_at=ATTACHMENTS["a2"]))
    assert not list(tmp_path.rglob(f"*{store.TEMPORARY_SUFFIX}"))
    assert attachment_file(tmp_path, "m1", "a1").read_bytes() == host.pdf(ATTACHMENTS["a1"])
    assert not meeting_file(tmp_path, "m1").exists()  # the meeting file comes last
    complete = [path for path in harvested_files(tmp_path) if path.name.endswith(".firstagenda.json")]
    host.clear()
    report = run(host, tmp_path)
    assert host.attachment_path(ATTACHMENTS["a1"]) not in host.paths()
    assert stored(tmp_path, "m1")["attachments"][ATTACHMENTS["a2"]] is not None
    assert (report.new, report.unchanged) == (len(sittings(host.listing())) - len(complete), len(complete))
    assert report.failures == []


def test_an_interrupted_write_leaves_no_temporary_file(host: FakeFirstAgenda, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(descriptor: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(store.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run(host, tmp_path)
    monkeypatch.undo()
    assert [path for path in harvested_files(tmp_path)] == []
    # What a SIGKILL would leave (no cleanup ran) is cleared by the next harvest.
    leftover = meeting_file(tmp_path, "m1").with_name(f".2026-03-02.firstagenda.json.dead{store.TEMPORARY_SUFFIX}")
    leftover.parent.mkdir(parents=True, exist_ok=True)
    leftover.write_bytes(b'{"format": "firstagen')
    run(host, tmp_path)
    assert not leftover.exists() and meeting_file(tmp_path, "m1").exists()


def test_one_harvest_of_a_municipality_at_a_time(host: FakeFirstAgenda, tmp_path: Path) -> None:
    with store.harvest_lock(tmp_path / slug(MUNICIPALITY)):
        with pytest.raises(HarvestError, match="another harvest"):
            run(host, tmp_path)
    assert host.requests == []


# -- SOURCE --------------------------------------------------------------------------------------

def listed_hosts() -> dict[str, str]:
    rows = [line.split("\t") for line in HOSTS_FILE.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]
    return {name: address for name, address in rows}


def test_a_source_by_name_in_any_spelling() -> None:
    hosts = listed_hosts()
    assert resolve_source("Hvidovre") == Source("Hvidovre", hosts["Hvidovre"])
    for spelling in ("Høje-Taastrup", "hoeje taastrup", "HOEJE-TAASTRUP KOMMUNE"):
        assert resolve_source(spelling) == Source("Høje-Taastrup", hosts["Høje-Taastrup"])
    assert resolve_source("aeroe") == Source("Ærø", hosts["Ærø"])
    with pytest.raises(SourceError, match="--municipality"):
        resolve_source("Atlantis")


def test_a_source_by_address() -> None:
    hosts = listed_hosts()
    assert resolve_source(f"{hosts['Middelfart']}/vis?id=1") == Source("Middelfart", hosts["Middelfart"])
    assert resolve_source(hosts["Middelfart"].removeprefix("https://")) == Source("Middelfart", hosts["Middelfart"])
    assert resolve_source("http://127.0.0.1:8080/", "fjordby kommune") == Source("fjordby kommune",
                                                                                   "http://127.0.0.1:8080")
    unlisted = "https://dagsordener.example.dk"
    assert resolve_source(unlisted, "aeroe") == Source("Ærø", unlisted)  # the list's spelling of the name
    with pytest.raises(SourceError, match="give --municipality NAME"):
        resolve_source("https://dagsordener.example.dk")
    with pytest.raises(SourceError, match="not an http"):
        resolve_source("ftp://dagsordener.example.dk")


def test_the_host_list_names_municipalities_as_the_project_does() -> None:
    names = {line.strip() for line in (HOSTS_FILE.parent / "municipalities.txt").read_text(encoding="utf-8")
             .splitlines() if line.strip() and not line.startswith("#")}
    hosts = listed_hosts()
    assert set(hosts) <= names and all(address.startswith("https://") for address in hosts.values())


# -- the command ---------------------------------------------------------------------------------

def invoke(*args: str):
    return CliRunner().invoke(harvest_command, [str(arg) for arg in args])


@pytest.fixture
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(harvest_http, "DEFAULT_RETRY_DELAYS", (0.0,))


def test_the_command_prints_the_summary_and_exits_0(host: FakeFirstAgenda, tmp_path: Path) -> None:
    result = invoke(host.base_url, "--corpus", tmp_path, "--municipality", MUNICIPALITY, "--delay", "0",
                    "--contact", CONTACT, "--since", "2025-01-01")
    assert result.exit_code == 0, result.output
    [line] = result.stdout.splitlines()
    assert line.startswith(f"harvest: {len(sittings(host.listing()))} new, 0 updated, 0 unchanged, 0 failed meetings;")
    assert result.stderr == ""  # no progress bar when stderr is no terminal
    assert "(+harvest-tests@example.org)" in host.requests[0].headers["User-Agent"]


def test_the_command_names_each_failure_on_one_line_and_exits_1(host: FakeFirstAgenda, tmp_path: Path,
                                                                 no_backoff: None) -> None:
    host.permanent_500.add(host.meeting_path(MEETINGS["m5"]["id"]))
    result = invoke(host.base_url, "--corpus", tmp_path, "--municipality", MUNICIPALITY, "--delay", "0")
    assert result.exit_code == 1
    [failure] = result.stderr.splitlines()
    assert failure.startswith(f"minutes: {host.host_name} {MEETINGS['m5']['committee']} {MEETINGS['m5']['date']}: "
                              "HTTP 500")
    assert result.stdout.startswith("harvest: ")


def test_the_command_escapes_a_failure_to_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def failing(*args, **options) -> HarvestReport:
        return HarvestReport(failed=1, failures=["host Udvalg\nminutes: forged 2026-01-01: HTTP 500"])

    monkeypatch.setattr(harvest_cli, "harvest_host", failing)
    result = invoke("Hvidovre", "--corpus", tmp_path)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == ["minutes: host Udvalg\\nminutes: forged 2026-01-01: HTTP 500"]


def test_the_command_reports_a_host_it_cannot_read(host: FakeFirstAgenda, tmp_path: Path, no_backoff: None) -> None:
    host.permanent_500.add(LISTING_PATH)
    result = invoke(host.base_url, "--corpus", tmp_path, "--municipality", MUNICIPALITY, "--delay", "0")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith(f"minutes: {host.host_name}: cannot read the committee list: HTTP 500")
    assert "Traceback" not in result.output


@pytest.mark.parametrize("args, message", [
    (["Atlantis"], "minutes: no FirstAgenda address known for 'Atlantis'"),
    (["https://dagsordener.example.dk"], "minutes: https://dagsordener.example.dk is not in the built-in list"),
    (["Hvidovre", "--contact", "a\nb"], "minutes: contact 'a\\nb' must be printable ASCII"),
])
def test_bad_arguments_exit_2(args: list[str], message: str, tmp_path: Path) -> None:
    result = invoke(*args, "--corpus", tmp_path)
    assert result.exit_code == 2 and result.stderr.startswith(message)
    assert not (tmp_path / "hvidovre").exists()


def test_a_bad_date_exits_2(tmp_path: Path) -> None:
    result = invoke("Hvidovre", "--since", "1. maj", "--corpus", tmp_path)
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_an_interrupted_command_says_so_without_a_traceback(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def interrupted(*args, **options) -> HarvestReport:
        raise KeyboardInterrupt

    monkeypatch.setattr(harvest_cli, "harvest_host", interrupted)
    result = invoke("Hvidovre", "--corpus", tmp_path)
    assert result.exit_code == 130 and result.stderr.startswith("minutes: interrupted")


def test_the_summary_line() -> None:
    report = HarvestReport(new=12, updated=1, unchanged=140, attachments=37, requests=190, bytes=14_200_000,
                           seconds=186)
    assert report.summary() == ("harvest: 12 new, 1 updated, 140 unchanged, 0 failed meetings; 37 attachments; "
                                "190 requests; 14.2 MB; 3.1 min")


def test_nothing_of_the_harvest_is_a_file_minutes_index_would_read_as_minutes_text(
        host: FakeFirstAgenda, tmp_path: Path) -> None:
    run(host, tmp_path)
    assert not [path for path in harvested_files(tmp_path) if path.suffix == ".txt"]
    assert all(path.parent.name.endswith(".bilag") for path in harvested_files(tmp_path) if path.suffix == ".pdf")
    assert os.listdir(tmp_path) == [slug(MUNICIPALITY)]
