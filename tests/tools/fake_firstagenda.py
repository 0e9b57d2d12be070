"""A fake FirstAgenda Publication host on loopback for the harvester's tests: the fixtures of
tests/fixtures/firstagenda-host served the way the real hosts answer (the anonymous-cookie 302, the
PDF viewer page, presigned redirects), with faults a test switches on, and every request recorded.

    with FakeFirstAgenda() as host:
        host.permanent_500.add(host.meeting_path(guid))
        harvest(host.base_url, ...)
        host.paths()  # what was asked
"""

from __future__ import annotations

import html
import json
import secrets
import threading
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "firstagenda-host"
COOKIE = ".AspNet.Cookies"
LISTING_PATH = "/api/agenda/udvalgsliste"
AUTH_PATH = "/Home/AnonymousAuthentication"
TRUNCATED_JSON = b'{"Dagsordenpunkter": [{"Navn": "Godkendelse af dagsor'


SCENARIO = json.loads((FIXTURES / "scenario.json").read_text(encoding="utf-8"))  # each meeting's role


def sittings(listing: dict) -> set[tuple[str, str]]:
    """(committee, date) of every meeting of a listing: what a harvest stores one file for."""
    return {(committee["Navn"], entry["Dato"][:10]) for group in listing["Udvalg"].values() for committee in group
            for entry in committee["Moeder"]}


class FakeTime:
    """A clock and a sleep for the client under test: sleeping only moves the clock, and is recorded."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def pdf_bytes(text: str) -> bytes:
    """The made-up PDF of an attachment: what a harvested copy must hold, byte for byte."""
    return f"%PDF-1.4\n% minutes-search test attachment\n% {text}\n%%EOF\n".encode("utf-8")


@dataclass(slots=True)
class Recorded:
    path: str  # with its query string
    headers: dict[str, str]


@dataclass
class FakeFirstAgenda:
    """The host and its switches. Faults are keyed by path without the query string."""

    listing_state: str = "first"  # "first" or "later": which udvalgsliste-<state>.json is served
    robots_txt: str | None = field(default_factory=lambda: (FIXTURES / "robots.txt").read_text(encoding="utf-8"))
    front_page_sets_cookie: bool = False  # False: every first API call meets the 302 cookie gate
    transient_503: set[str] = field(default_factory=set)  # 503 on the first request only
    permanent_500: set[str] = field(default_factory=set)
    not_found: set[str] = field(default_factory=set)
    slow: dict[str, float] = field(default_factory=dict)  # seconds to wait before answering
    malformed_json: set[str] = field(default_factory=set)
    omit_length: set[str] = field(default_factory=set)  # no Content-Length: the body ends with the connection
    login_page: set[str] = field(default_factory=set)  # attachment ids answered with an HTML login page

    def __post_init__(self) -> None:
        self.requests: list[Recorded] = []
        self.attachments: dict[str, dict] = json.loads((FIXTURES / "attachments.json").read_text(encoding="utf-8"))
        self._failed_once: set[str] = set()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None

    # -- what the tests read -------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        assert self._server is not None, "not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def host_name(self) -> str:
        return urlsplit(self.base_url).netloc

    def listing(self, state: str | None = None) -> dict:
        path = FIXTURES / f"udvalgsliste-{state or self.listing_state}.json"
        return json.loads(path.read_text(encoding="utf-8"))

    def listed(self, guid: str, state: str | None = None) -> dict:
        """A meeting's entry in the listing, as the fixture has it."""
        return next(entry for group in self.listing(state)["Udvalg"].values() for committee in group
                    for entry in committee["Moeder"] if entry["Id"] == guid)

    @staticmethod
    def agenda(guid: str) -> dict:
        return json.loads((FIXTURES / "dagsorden" / f"{guid}.json").read_text(encoding="utf-8"))

    @staticmethod
    def meeting_path(guid: str) -> str:
        return f"/api/agenda/dagsorden/{guid}"

    @staticmethod
    def attachment_path(attachment_id: str) -> str:
        return f"/vis/pdf/bilag/{attachment_id}/"

    def pdf(self, attachment_id: str) -> bytes:
        return pdf_bytes(self.attachments[attachment_id]["text"])

    def paths(self) -> list[str]:
        """The paths asked for, in order, without query strings."""
        with self._lock:
            return [urlsplit(request.path).path for request in self.requests]

    def clear(self) -> None:
        with self._lock:
            self.requests.clear()

    # -- running -------------------------------------------------------------------------------

    def __enter__(self) -> FakeFirstAgenda:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> None:
        fake = self

        class Handler(_Handler):
            host = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()

    def stop(self) -> None:
        self._stopping.set()  # cuts a slow answer short
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def _record(self, path: str, headers: dict[str, str]) -> None:
        with self._lock:
            self.requests.append(Recorded(path, headers))

    def _first_time(self, path: str) -> bool:
        with self._lock:
            first = path not in self._failed_once
            self._failed_once.add(path)
            return first


class _Handler(BaseHTTPRequestHandler):
    host: FakeFirstAgenda
    server_version = "Microsoft-IIS/10.0"  # what the real hosts say

    def log_message(self, format: str, *args: object) -> None:  # quiet: the tests read host.requests
        pass

    def do_GET(self) -> None:
        fake = self.host
        fake._record(self.path, dict(self.headers.items()))
        parts = urlsplit(self.path)
        path = parts.path
        try:
            if path in fake.slow and fake._stopping.wait(fake.slow[path]):
                return
            if path in fake.permanent_500 or (path in fake.transient_503 and fake._first_time(path)):
                status = 500 if path in fake.permanent_500 else 503
                return self.reply(status, b"<h1>Server Error</h1>", "text/html")
            if path in fake.not_found:
                return self.reply(404, b"Not Found", "text/plain")
            self.route(parts.path, parse_qs(parts.query))
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (a time-out test)
            pass

    def route(self, path: str, query: dict[str, list[str]]) -> None:
        fake = self.host
        lower = path.lower()
        if path == "/robots.txt":
            if fake.robots_txt is None:
                return self.reply(404, b"Not Found", "text/plain")
            return self.reply(200, fake.robots_txt.encode("utf-8"), "text/plain")
        if path == "/":
            cookie = self.new_cookie() if fake.front_page_sets_cookie else None
            return self.reply(200, (FIXTURES / "front.html").read_bytes(), "text/html; charset=utf-8", cookie=cookie)
        if path == AUTH_PATH:
            callback = query.get("callback", ["/"])[0]
            return self.redirect(callback, cookie=self.new_cookie())
        if lower.startswith("/s3/"):
            return self.presigned(path.rsplit("/", 1)[-1], query)
        if lower.startswith(("/api/", "/vis/")) and not self.has_cookie():
            original = f"{fake.base_url}{self.path}"
            return self.redirect(f"{AUTH_PATH}?callback={quote(original, safe='')}")
        if path == LISTING_PATH:
            return self.json(json.dumps(fake.listing()).encode("utf-8"), path)
        if path.startswith("/api/agenda/dagsorden/"):
            file = FIXTURES / "dagsorden" / f"{path.rsplit('/', 1)[-1]}.json"
            if not file.is_file():
                return self.reply(500, b'{"Message":"An error has occurred."}', "application/json")  # as Middelfart
            return self.json(file.read_bytes(), path)
        if lower.startswith("/vis/pdf/bilag/"):
            return self.attachment(lower.removeprefix("/vis/pdf/bilag/").strip("/"), path)
        return self.reply(404, b"Not Found", "text/plain")

    def attachment(self, attachment_id: str, path: str) -> None:
        fake = self.host
        known = fake.attachments.get(attachment_id)
        if attachment_id in fake.login_page:
            return self.reply(200, (FIXTURES / "login.html").read_bytes(), "text/html; charset=utf-8")
        if known is None:
            return self.reply(404, b"Not Found", "text/plain")
        presigned = (f"{fake.base_url}/s3/{attachment_id}?X-Amz-Expires=300&response-content-type=application%2Fpdf"
                     f"&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature={secrets.token_hex(8)}")
        if known["serve"] == "redirect":
            return self.redirect(presigned)
        page = (FIXTURES / "viewer.html").read_text(encoding="utf-8").replace("{src}", html.escape(presigned))
        return self.reply(200, page.encode("utf-8"), "text/html; charset=utf-8", omit_length=path in fake.omit_length)

    def presigned(self, attachment_id: str, query: dict[str, list[str]]) -> None:
        """The file store: only a correctly unescaped presigned address is answered (an `&amp;` left
        in it would turn `response-content-type` into `amp;response-content-type`)."""
        known = self.host.attachments.get(attachment_id)
        if known is None or "response-content-type" not in query or "X-Amz-Expires" not in query:
            return self.reply(403, b"<Error><Code>AccessDenied</Code></Error>", "application/xml")
        path = f"/s3/{attachment_id}"
        return self.reply(200, pdf_bytes(known["text"]), "application/pdf", omit_length=path in self.host.omit_length)

    def json(self, body: bytes, path: str) -> None:
        if path in self.host.malformed_json:
            body = TRUNCATED_JSON
        self.reply(200, body, "application/json; charset=utf-8", omit_length=path in self.host.omit_length)

    def has_cookie(self) -> bool:
        cookies = SimpleCookie(self.headers.get("Cookie", ""))
        return COOKIE in cookies

    @staticmethod
    def new_cookie() -> str:
        return f"{COOKIE}={secrets.token_urlsafe(24)}; path=/; HttpOnly"

    def redirect(self, location: str, *, cookie: str | None = None) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        if cookie:
            self.send_header("Set-Cookie", cookie)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def reply(self, status: int, body: bytes, content_type: str, *, cookie: str | None = None,
              omit_length: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Cache-Control", "no-cache")
        if cookie:
            self.send_header("Set-Cookie", cookie)
        if not omit_length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
