"""E-mail alerts on the site: the subscribe form's handler, the double opt-in, the page listing an
address's alerts and the one-click stop. Views translate HTTP to `indexer.alerts` and back.

On only when mail is configured ($MINUTES_SMTP_URL and $MINUTES_MAIL_FROM, `indexer.alerts.mail`):
otherwise the form is not shown and these addresses are 404. The store is opened on first use
(`get_alert_store`): SQLite beside the index, or the PostgreSQL index's database.

Abuse: the form carries a token signed with the site's secret (a form posted from another site has
none, and browsers say `Sec-Fetch-Site: cross-site`); one client may post it CLIENT_POSTS times an
hour; the store limits the messages to one address. Every answer to a valid form is the same page,
whatever the address had, so that the form tells nobody who follows what. No page shows an address.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections import deque
from datetime import datetime
from urllib.parse import parse_qsl

from flask import (Blueprint, Flask, abort, current_app, make_response, redirect, render_template, request,
                   url_for)

from indexer import addresses
from indexer.alerts.digest import note_archive
from indexer.alerts.mail import MailError, Mailer, MailSettings, redacted
from indexer.alerts.messages import already_message, confirmation_message
from indexer.alerts.searches import canonical_search, describe_search
from indexer.alerts.store import AlertStore, StoreUnavailable, form_token, form_token_valid, open_store
from indexer.model import danish_date
from indexer.query import QueryError

from .searcher import get_searcher

bp = Blueprint("alerts", __name__)
EXTENSION = "minutes_alerts"
CLIENT_POSTS = 10  # subscribe forms one client may post in CLIENT_WINDOW seconds
CLIENT_WINDOW = 3600
MAX_ADDRESS = 254  # RFC 5321's limit on a forward path
ADDRESS = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[^\s@]+\.[^\s@.]{2,}")
ADDRESS_ERROR = "Skriv en gyldig e-mailadresse, fx navn@eksempel.dk."


class ClientLimiter:
    """At most `limit` events a client in `window` seconds, counted in this process."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit, self.window = limit, window
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, client: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        with self._lock:
            for key in [key for key, times in self._events.items() if times[-1] <= now - self.window]:
                del self._events[key]  # forget clients gone quiet
            times = self._events.setdefault(client, deque())
            while times and times[0] <= now - self.window:
                times.popleft()
            if len(times) >= self.limit:
                return False
            times.append(now)
            return True


class _Alerts:
    def __init__(self, index_dir: str, settings: MailSettings | None, base_url: str | None) -> None:
        self.index_dir = index_dir
        self.settings = settings
        self.base_url = base_url
        self.store: AlertStore | None = None
        self.secret: bytes | None = None
        self.limiter = ClientLimiter(CLIENT_POSTS, CLIENT_WINDOW)
        self.lock = threading.Lock()


def init_app(app: Flask, index_dir: str) -> None:
    """Alerts are on when `MAIL_SETTINGS` (a MailSettings; tests give one) or the environment says so."""
    settings = app.config.get("MAIL_SETTINGS")
    if settings is None:
        try:
            settings = MailSettings.from_environment()
        except MailError as error:
            app.logger.error("e-mail alerts are off: %s", error)
    app.extensions[EXTENSION] = _Alerts(index_dir, settings, app.config.get("BASE_URL"))


def _alerts() -> _Alerts:
    return current_app.extensions[EXTENSION]


def alerts_enabled() -> bool:
    return _alerts().settings is not None


def get_alert_store() -> AlertStore:
    holder = _alerts()
    with holder.lock:
        if holder.store is None:
            holder.store = open_store(holder.index_dir)
        return holder.store


def site_secret() -> bytes:
    holder = _alerts()
    if holder.secret is None:
        holder.secret = get_alert_store().site_secret()
    return holder.secret


def base_url() -> str:
    return _alerts().base_url or os.environ.get("MINUTES_BASE_URL") or request.host_url


@bp.app_context_processor
def alert_helpers() -> dict:
    def subscribe_form() -> dict | None:
        """What the subscribe form needs, or None when alerts are off (or their store is down)."""
        if not alerts_enabled():
            return None
        try:
            return {"token": form_token(site_secret())}
        except StoreUnavailable as error:
            current_app.logger.error("alert store: %s", error)
            return None

    return {"subscribe_form": subscribe_form}


@bp.before_request
def only_when_on():
    """Off, the addresses do not exist: nothing opens (or makes) a store for a request that cannot subscribe."""
    if not alerts_enabled():
        abort(404)


@bp.after_request
def private(response):
    """Alert pages hold a token in their address: never cached, never sent on as a referrer, not indexed."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.errorhandler(StoreUnavailable)
def store_unavailable(error: StoreUnavailable):
    current_app.logger.error("alert store: %s", error)
    return message_page(503, "Beskederne er midlertidigt utilgængelige",
                        "Vi kan ikke nå vores liste over beskeder lige nu. Prøv igen om lidt.")


def message_page(status: int, title: str, text: str, **links: str | None):
    return make_response(render_template("alert_message.html", title=title, text=text, **links), status)


def danish_time(seconds: float | None) -> str | None:
    if seconds is None:
        return None
    return danish_date(datetime.fromtimestamp(seconds).date())


def search_url(search: str) -> str:
    return url_for("pages.search") + (f"?{search}" if search else "")


def normalized_address(text: str) -> str | None:
    """The address as it is stored and written to: trimmed, its domain in lower case (and ASCII);
    None if it is not one."""
    text = text.strip()
    if len(text) > MAX_ADDRESS or not ADDRESS.fullmatch(text):
        return None
    user, _, domain = text.rpartition("@")
    try:
        domain = domain.lower().encode("idna").decode("ascii")
    except UnicodeError:
        return None
    return f"{user}@{domain}"


# -- subscribing ----------------------------------------------------------------------------------

def form_page(search: str, status: int = 200, error: str | None = None, address: str = ""):
    return make_response(render_template("alert_new.html", search=search, description=describe_search(search),
                                         search_url=search_url(search), error=error, address=address), status)


@bp.get(addresses.ALERT_NEW)
def new():
    """The subscribe form on a page of its own (from the follow page, or after an error)."""
    try:
        search = canonical_search(request.args.items(multi=True))
    except QueryError as error:
        return message_page(400, "Søgningen kan ikke gemmes", f"{error.reason[:1].upper()}{error.reason[1:]}.")
    return form_page(search)


@bp.post(addresses.ALERTS)
def subscribe():
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        return message_page(403, "Formularen kom fra et andet websted",
                            "Tilmeld dig beskeder fra formularen på vores egen side.")
    try:
        search = canonical_search(parse_qsl(request.form.get("search", "")))
    except QueryError as error:
        return message_page(400, "Søgningen kan ikke gemmes", f"{error.reason[:1].upper()}{error.reason[1:]}.")
    if not form_token_valid(site_secret(), request.form.get("form_token", "")):
        return form_page(search, 400, "Formularen var for gammel. Skriv adressen igen, og send den på ny.")
    if not _alerts().limiter.allow(request.remote_addr or ""):
        response = message_page(429, "For mange tilmeldinger",
                                "Der er sendt mange tilmeldinger herfra den seneste time. Prøv igen senere.",
                                back_url=search_url(search))
        response.headers["Retry-After"] = str(CLIENT_WINDOW)
        return response
    address = normalized_address(request.form.get("address", ""))
    if address is None:
        return form_page(search, 400, ADDRESS_ERROR, request.form.get("address", "")[:MAX_ADDRESS])
    store = get_alert_store()
    subscription = store.subscribe(address, search)
    if subscription.message:
        make = confirmation_message if subscription.message == "confirm" else already_message
        try:
            with Mailer(_alerts().settings) as mailer:
                mailer.send(make(_alerts().settings, subscription.alert, base_url()))
        except MailError as error:
            current_app.logger.error("alert confirmation not sent: %s", redacted(str(error), address))
            if subscription.message == "confirm":
                store.forget(subscription.alert.token)
            return message_page(503, "E-mailen kunne ikke sendes",
                                "Vi kunne ikke sende e-mailen lige nu. Prøv igen om lidt.", back_url=search_url(search))
    return redirect(url_for("alerts.sent") + (f"?{search}" if search else ""), 303)


@bp.get(addresses.ALERT_SENT)
def sent():
    try:
        search = canonical_search(request.args.items(multi=True))
    except QueryError:
        search = ""
    return render_template("alert_sent.html", description=describe_search(search), search_url=search_url(search))


# -- confirming, listing and ending ---------------------------------------------------------------

def gone():
    return message_page(404, "Linket virker ikke længere",
                        "Beskeden findes ikke: den er stoppet, eller den blev ikke bekræftet inden for en uge. "
                        "Du kan tilmelde dig igen fra en søgning.", back_url=url_for("pages.search"))


@bp.get(addresses.ALERT_CONFIRM)
def confirm_page(token: str):
    """A button, not the link itself, confirms: a mail filter that opens links must not confirm."""
    alert = get_alert_store().alert(token)
    if alert is None:
        return gone()
    if alert.is_confirmed:
        return redirect(url_for("alerts.manage", token=token), 303)
    return render_template("alert_confirm.html", token=token, description=describe_search(alert.search),
                           search_url=search_url(alert.search))


@bp.post(addresses.ALERT_CONFIRM)
def confirm(token: str):
    store = get_alert_store()
    if store.alert(token) is None:
        return gone()
    if not store.has_ledger():  # the first alert of the site: the archive as it is now is not news
        note_archive(store, get_searcher())
    store.confirm(token)
    return redirect(url_for("alerts.manage", token=token, bekraeftet=1), 303)


def alert_rows(alerts) -> list[dict]:
    return [{"token": alert.token, "description": describe_search(alert.search), "search_url": search_url(alert.search),
             "confirmed": danish_time(alert.confirmed), "sent": danish_time(alert.sent)} for alert in alerts]


@bp.get(addresses.ALERT_MANAGE)
def manage(token: str):
    store = get_alert_store()
    alerts = store.alerts_of(token)
    if not alerts:
        return gone()
    this = next(alert for alert in alerts if alert.token == token)
    return render_template("alerts.html", token=token, pending=not this.is_confirmed,
                           alerts=alert_rows(alert for alert in alerts if alert.is_confirmed),
                           confirmed_now="bekraeftet" in request.args, stopped=request.args.get("stoppet"))


@bp.post(addresses.ALERT_MANAGE)
def stop(token: str):
    """Stop one of the address's alerts (`stop` names its token) or all of them (`stop=alle`)."""
    store = get_alert_store()
    alerts = store.alerts_of(token)
    if not alerts:
        return gone()
    chosen = request.form.get("stop", "")
    if chosen == "alle":
        store.end_all(token)
        return message_page(200, "Alle beskeder er stoppet",
                            "Du får ikke flere e-mails om nye punkter fra os, og vi har slettet adressen.",
                            back_url=url_for("pages.search"))
    ended = next((alert for alert in alerts if alert.token == chosen), None)
    if ended is None:
        abort(400)
    store.end(ended.token)
    remaining = [alert for alert in alerts if alert.token != ended.token and alert.is_confirmed]
    if not remaining:
        return stopped_page(ended.search, None)
    return redirect(url_for("alerts.manage", token=remaining[0].token, stoppet=describe_search(ended.search)), 303)


def stopped_page(search: str, manage_token: str | None):
    return message_page(200, "Beskeden er stoppet",
                        f"Du får ikke flere e-mails om nye punkter fra søgningen {describe_search(search)}.",
                        back_url=search_url(search), back_text="Se søgningen igen",
                        manage_url=url_for("alerts.manage", token=manage_token) if manage_token else None)


@bp.route(addresses.ALERT_END, methods=["GET", "POST"])
def end(token: str):
    """Stop one alert from the link in its message: one click (GET), or a mail program's one-click
    unsubscribe (POST, RFC 8058). Stopping what is stopped already says so."""
    store = get_alert_store()
    alerts = store.alerts_of(token)
    ended = store.end(token)
    if ended is None:
        return message_page(200, "Beskeden er allerede stoppet",
                            "Du får ikke e-mails om denne søgning.", back_url=url_for("pages.search"))
    remaining = [alert for alert in alerts if alert.token != token and alert.is_confirmed]
    return stopped_page(ended.search, remaining[0].token if remaining else None)

