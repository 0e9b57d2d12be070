"""`minutes alerts send`: each confirmed alert gets one digest of the items new to it, if any.

A run first notes the archive's items in the ledger (`AlertStore.note_items`): those it has not seen
are new as of now. An alert's new items are those noted after it was last checked; its search, limited
to them, lists the newest DIGEST_ITEMS and counts them all. An alert is marked checked only when its
digest went out (or there was nothing to send), so a message that fails is tried again next run.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from email.message import EmailMessage

from ..query import QueryError
from ..search import SearchIndex
from .mail import MailError, Mailer, MailSettings, redacted
from .messages import digest_message
from .searches import search_query
from .store import Alert, AlertStore, item_key, split_item_key

DIGEST_ITEMS = 25  # listed in one message; the rest are counted and linked


@dataclass(slots=True)
class SendReport:
    alerts: int = 0  # confirmed alerts
    new_items: int = 0  # items the archive gained since the last run
    sent: int = 0  # digests sent
    listed: int = 0  # new items in them, counted once a digest
    failures: list[str] = field(default_factory=list)  # one line each, naming the alert by its token's start


def note_archive(store: AlertStore, searcher: SearchIndex, now: float | None = None) -> int:
    """Note the index's items in the ledger; how many are new to it. An item of a harvested agenda is
    noted as such, and noted again when its meeting's minutes replace the agenda: decided, it is news."""
    agendas = {meeting["id"] for meeting in searcher.meetings() if meeting.get("status") == "dagsorden"}
    return store.note_items((item_key(meeting, number, meeting in agendas) for meeting, number in searcher.item_keys()),
                            now)


def alert_name(alert: Alert) -> str:
    return f"alert {alert.token[:6]}…"  # never the address


def send_digests(store: AlertStore, searcher: SearchIndex, settings: MailSettings, base_url: str,
                 now: float | None = None) -> SendReport:
    """Send every confirmed alert its digest. Raises MailError when the SMTP server cannot be reached
    (nothing is marked sent), StoreUnavailable when another run is sending; a message the server
    refuses is reported and tried again next run."""
    with store.sending():
        return _send_digests(store, searcher, settings, base_url, time.time() if now is None else now)


def _send_digests(store: AlertStore, searcher: SearchIndex, settings: MailSettings, base_url: str,
                  now: float) -> SendReport:
    report = SendReport(new_items=note_archive(store, searcher, now))
    alerts = store.confirmed()
    report.alerts = len(alerts)
    if not alerts:
        return report
    noted = store.noted_after(min(since(alert) for alert in alerts))
    digests: list[tuple[Alert, EmailMessage, int]] = []
    for alert in alerts:
        fresh = frozenset(split_item_key(key) for key, seen in noted.items() if seen > since(alert))
        if not fresh:
            continue
        try:
            query = replace(search_query(alert.search, page_size=DIGEST_ITEMS), among=fresh)
        except QueryError as error:
            report.failures.append(f"{alert_name(alert)}: its search is no longer valid: {error}")
            continue
        results = searcher.search(query)
        if not results.total:
            store.checked(alert.token, now, None)
            continue
        digests.append((alert, digest_message(settings, alert, base_url, results.hits, results.total), results.total))
    if not digests:
        return report
    with Mailer(settings) as mailer:
        for alert, message, total in digests:
            try:
                mailer.send(message)
            except MailError as error:
                report.failures.append(f"{alert_name(alert)}: {redacted(str(error), alert.address)}")
                continue
            store.checked(alert.token, now, now)
            report.sent += 1
            report.listed += total
    return report


def since(alert: Alert) -> float:
    """When the alert last looked: items noted after this are new to it."""
    return alert.checked if alert.checked is not None else alert.confirmed or alert.created
