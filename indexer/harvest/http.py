"""A small polite HTTP client on the standard library: one request at a time, a pause between two
requests to the same host, robots.txt obeyed, cookies kept across redirects, transient failures
retried with backoff, and every body read in chunks under a size bound."""

from __future__ import annotations

import http.client
import json
import os
import re
import time
import urllib.error
import urllib.request
import urllib.robotparser
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from http.cookiejar import CookieJar
from importlib.metadata import PackageNotFoundError, version
from typing import Any
from urllib.parse import urljoin, urlsplit

DEFAULT_DELAY = 1.0  # seconds between two requests to one host
DEFAULT_TIMEOUT = 30.0  # seconds per request (connect, and each read of the body)
DEFAULT_RETRY_DELAYS = (1.0, 2.0, 4.0)  # the waits before the 2nd, 3rd and 4th attempt
MAX_JSON_BYTES = 50 * 1024 * 1024  # the largest meeting seen is about 1 MB (notes, §3)
MAX_REDIRECTS = 10
BODY_TIMEOUTS = 10  # a whole body may take this many time-outs (20 MB in 300 s: about 70 KB/s)
CONTACT_VARIABLE = "MINUTES_HARVEST_CONTACT"
DEFAULT_CONTACT = "minutes-search harvester; operator gave no contact"
ROBOTS_AGENT = "minutes-search"  # the product token robots.txt groups are matched against
MAX_RETRY_AFTER = 60.0  # a Retry-After beyond this is not waited for: the attempt fails instead
_CHUNK = 64 * 1024
_PRINTABLE_ASCII = re.compile(r"[\x20-\x7e]+")


class HarvestError(Exception):
    """A request or a harvest step that failed; str() is a one-line reason."""


@dataclass(slots=True)
class Response:
    url: str  # where the body finally came from, after redirects
    status: int
    content_type: str
    body: bytes


def package_version() -> str:
    try:
        return version("minutes-search")
    except PackageNotFoundError:  # running from a tree that was never installed
        return "0"


def user_agent(contact: str | None = None) -> str:
    """`minutes-search/<version> (+<contact>)`: who asks, and how the host's operator reaches them."""
    contact = contact or os.environ.get(CONTACT_VARIABLE) or DEFAULT_CONTACT
    if not _PRINTABLE_ASCII.fullmatch(contact):
        raise ValueError(f"contact {contact!r} must be printable ASCII on one line (an e-mail address or URL)")
    return f"minutes-search/{package_version()} (+{contact})"


class _EveryStatus(urllib.request.HTTPErrorProcessor):
    """Hands every response back as it is: redirects and errors are the client's to handle, so that
    each hop is paced, checked against robots.txt and counted like any other request."""

    def http_response(self, request, response):
        return response

    https_response = http_response


class PoliteClient:
    """GET requests for a harvest. Not thread-safe: one harvest, one request at a time."""

    def __init__(self, *, delay: float = DEFAULT_DELAY, contact: str | None = None,
                 timeout: float = DEFAULT_TIMEOUT, retry_delays: Sequence[float] | None = None,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> None:
        self.delay = delay
        self.timeout = timeout
        self.retry_delays = tuple(DEFAULT_RETRY_DELAYS if retry_delays is None else retry_delays)
        self.user_agent = user_agent(contact)
        self.clock = clock
        self.sleep = sleep
        self.cookies = CookieJar()
        self.requests = 0  # every HTTP exchange, redirects, retries and robots.txt included
        self.bytes_received = 0
        self._opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _EveryStatus())
        self._last_request: dict[str, float] = {}  # host -> when its last request ended
        self._host_delay: dict[str, float] = {}  # host -> its delay, raised by Crawl-delay or a 429
        self._robots: dict[str, urllib.robotparser.RobotFileParser] = {}
        self._robots_failures: dict[str, str] = {}  # host -> why its robots.txt could not be read

    def get(self, url: str, *, max_bytes: int, headers: Mapping[str, str] | None = None) -> Response:
        """The 2xx response at the end of `url`'s redirects; HarvestError for anything else."""
        for _hop in range(MAX_REDIRECTS + 1):
            _check_scheme(url)
            self._check_robots(url)
            response = self._exchange(url, max_bytes=max_bytes, headers=headers)
            location = response.headers.get("Location") if 300 <= response.status < 400 else None
            if location is None:
                return self._final(url, response)
            url = urljoin(url, location)
        raise HarvestError(f"more than {MAX_REDIRECTS} redirects from {_short(url)}")

    def get_json(self, url: str, *, max_bytes: int = MAX_JSON_BYTES) -> Any:
        response = self.get(url, max_bytes=max_bytes, headers={"Accept": "application/json"})
        try:
            return json.loads(response.body)
        except ValueError as error:  # UnicodeDecodeError is one too
            raise HarvestError(f"malformed JSON from {_short(url)}: {error}") from None

    def _final(self, url: str, response: _RawResponse) -> Response:
        if 200 <= response.status < 300:
            return Response(url, response.status, response.headers.get("Content-Type", ""), response.body)
        if response.status == 429:  # asked to slow down: do so for the rest of the harvest
            host = _host(url)
            self._host_delay[host] = 2 * max(self._host_delay.get(host, self.delay), self.delay, 0.5)
        raise HarvestError(f"HTTP {response.status} {response.reason} from {_short(url)}")

    def _exchange(self, url: str, *, max_bytes: int, headers: Mapping[str, str] | None) -> _RawResponse:
        """One request, repeated on a 5xx, a broken connection or a time-out."""
        attempts = len(self.retry_delays) + 1
        for attempt in range(attempts):
            try:
                response = self._request(url, max_bytes=max_bytes, headers=headers)
            except _Transient as error:
                failure, retry_after = str(error), None
            else:
                if response.status < 500:
                    return response
                failure = f"HTTP {response.status} {response.reason}"
                retry_after = _seconds(response.headers.get("Retry-After"))
            if attempt + 1 == attempts:
                break
            self.sleep(max(self.retry_delays[attempt], min(retry_after or 0.0, MAX_RETRY_AFTER)))
        raise HarvestError(f"{failure} from {_short(url)} ({attempts} attempt{'s' if attempts > 1 else ''})")

    def _request(self, url: str, *, max_bytes: int, headers: Mapping[str, str] | None) -> _RawResponse:
        host = _host(url)
        self._wait_for(host)
        request = urllib.request.Request(url, headers={"User-Agent": self.user_agent, **(headers or {})})
        self.requests += 1
        try:
            with self._opener.open(request, timeout=self.timeout) as reply:
                body = self._read_body(reply, url, max_bytes)
                return _RawResponse(reply.status, reply.reason, reply.headers, body)
        except (urllib.error.URLError, OSError, http.client.HTTPException) as error:
            raise _Transient(_reason(error)) from None
        finally:
            self._last_request[host] = self.clock()

    def _read_body(self, reply: http.client.HTTPResponse, url: str, max_bytes: int) -> bytes:
        too_large = f"larger than {max_bytes / 1024 / 1024:g} MB: {_short(url)}"
        declared = reply.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > max_bytes:
            raise HarvestError(too_large)  # refused before a byte of it is read
        chunks: list[bytes] = []
        size = 0
        # The time-out bounds each read; this bounds the whole body, which a server could trickle.
        deadline = time.monotonic() + BODY_TIMEOUTS * self.timeout
        while chunk := reply.read(_CHUNK):
            if time.monotonic() > deadline:
                raise _Transient(f"timed out: the body took over {BODY_TIMEOUTS * self.timeout:g} s")
            size += len(chunk)
            self.bytes_received += len(chunk)
            if size > max_bytes:
                raise HarvestError(too_large)
            chunks.append(chunk)
        return b"".join(chunks)

    def _wait_for(self, host: str) -> None:
        last = self._last_request.get(host)
        if last is not None:
            remaining = last + self._host_delay.get(host, self.delay) - self.clock()
            if remaining > 0:
                self.sleep(remaining)

    def _check_robots(self, url: str) -> None:
        host = _host(url)
        if host in self._robots_failures:  # asked once: an unreadable robots.txt is not asked again
            raise HarvestError(self._robots_failures[host])
        if host not in self._robots:
            try:
                self._robots[host] = self._fetch_robots(url)
            except HarvestError as error:
                self._robots_failures[host] = str(error)
                raise
        robots = self._robots[host]
        if not robots.can_fetch(ROBOTS_AGENT, url):
            raise HarvestError(f"robots.txt of {host} disallows {_short(url)}")

    def _fetch_robots(self, url: str) -> urllib.robotparser.RobotFileParser:
        """The host's robots.txt, read once. As RFC 9309 says: a 4xx means no rules, an unreachable
        robots.txt (5xx, no connection) means everything is disallowed."""
        parts = urlsplit(url)
        robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
        parser = urllib.robotparser.RobotFileParser(robots_url)
        for _hop in range(MAX_REDIRECTS + 1):  # followed without a robots check of their own
            try:
                _check_scheme(robots_url)
                response = self._exchange(robots_url, max_bytes=500 * 1024, headers=None)
            except HarvestError as error:
                raise HarvestError(f"robots.txt of {_host(url)} cannot be read, so nothing is fetched: {error}") \
                    from None
            location = response.headers.get("Location") if 300 <= response.status < 400 else None
            if location is None:
                break
            robots_url = urljoin(robots_url, location)
        if 200 <= response.status < 300:
            parser.parse(response.body.decode("utf-8", "replace").splitlines())
        else:
            parser.allow_all = True
        crawl_delay = parser.crawl_delay(ROBOTS_AGENT)
        if crawl_delay is not None:  # the host's own pace, when slower than ours
            host = _host(url)
            self._host_delay[host] = max(float(crawl_delay), self._host_delay.get(host, self.delay))
        return parser


@dataclass(slots=True)
class _RawResponse:
    status: int
    reason: str
    headers: Any  # http.client.HTTPMessage
    body: bytes


class _Transient(Exception):
    """A broken connection or a time-out: worth another attempt."""


def _reason(error: BaseException) -> str:
    if isinstance(error, urllib.error.URLError) and not isinstance(error, urllib.error.HTTPError):
        if not isinstance(error.reason, BaseException):
            return " ".join(str(error.reason).split())
        error = error.reason
    if isinstance(error, TimeoutError):
        return "timed out"
    text = getattr(error, "strerror", None) or str(error) or type(error).__name__
    return " ".join(str(text).split())


def _check_scheme(url: str) -> None:
    scheme = urlsplit(url).scheme.lower()
    if scheme not in ("http", "https") or not _host(url):  # urllib would open file: and ftp: addresses too
        raise HarvestError(f"refusing to fetch {url[:200]!r}: not an http(s) address")


def _seconds(value: str | None) -> float | None:
    return float(value) if value and value.strip().isdigit() else None


def _host(url: str) -> str:
    return urlsplit(url).netloc.lower()


def _short(url: str) -> str:
    """An address as a reason names it: host and path, and the query unless it is a presigned one
    (its signature is a secret, and long)."""
    parts = urlsplit(url)
    query = f"?{parts.query}" if parts.query and "X-Amz-" not in parts.query else ""
    return f"{parts.netloc}{parts.path}{query}"
