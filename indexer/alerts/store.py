"""Where alerts are kept: an `AlertStore` over SQLite (a file beside the index) or PostgreSQL (the
database of a PostgreSQL index, so that every web server of it shares them). Both outlive rebuilds:
neither lives in an index generation.

Tables (the same SQL on both):
    alerts       one row an alert: its token, the address, the search (a canonical query string) and
                 times: created, asked (the last confirmation message), confirmed, checked (items the
                 ledger noted after this are new to it), sent (its last digest). Nothing else about
                 anyone is kept, and ending an alert deletes its row.
    alert_items  the archive's ledger: each item's key ("<meeting id>/<number>", and "…#dagsorden"
                 while it is only on an agenda) and when it was first seen; it says what is new, and
                 holds nothing about subscribers.
    alert_site   the site's secret for the subscribe form's token (`form_token`).

Times are seconds since the epoch. Tokens are 32 random bytes, URL-safe: the only key to an alert.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from ..locks import exclusive_lock
from ..schema import index_engine

SQLITE_FILE = "alerts.sqlite3"  # in the index directory, beside the generations (which rebuilds replace)
PENDING_DAYS = 7  # an alert not confirmed within a week is deleted
ASKED_PER_ADDRESS_PER_DAY = 3  # confirmation messages to one address in 24 hours at most
ASK_AGAIN_AFTER = 600  # seconds before the same alert's confirmation is sent again
ALERTS_PER_ADDRESS = 50
FORM_TOKEN_SECONDS = 24 * 3600  # how long a subscribe form stays usable
ALREADY_SENDING = "another 'minutes alerts send' is sending these alerts; try again when it is done"

TABLES = (
    """CREATE TABLE IF NOT EXISTS alerts (
        token TEXT PRIMARY KEY,
        address TEXT NOT NULL,
        search TEXT NOT NULL,
        created DOUBLE PRECISION NOT NULL,
        asked DOUBLE PRECISION NOT NULL,
        confirmed DOUBLE PRECISION,
        checked DOUBLE PRECISION,
        sent DOUBLE PRECISION,
        UNIQUE (address, search))""",
    "CREATE TABLE IF NOT EXISTS alert_items (item TEXT PRIMARY KEY, seen DOUBLE PRECISION NOT NULL)",
    "CREATE TABLE IF NOT EXISTS alert_site (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
)
ALERT_COLUMNS = "token, address, search, created, asked, confirmed, checked, sent"


class StoreUnavailable(OSError):
    """The alert store cannot be opened or written; the message says which and why."""


@dataclass(frozen=True, slots=True)
class Alert:
    token: str
    address: str
    search: str
    created: float
    asked: float
    confirmed: float | None = None
    checked: float | None = None
    sent: float | None = None

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed is not None


@dataclass(frozen=True, slots=True)
class Subscription:
    """What a subscribe request led to: the alert, and the message it calls for ("confirm": a
    confirmation; "already": a note that it is confirmed already; None: nothing, as the limits say)."""

    alert: Alert
    message: str | None


class Database(Protocol):
    """The little of a DB-API connection the store uses, with `?` placeholders."""

    def execute(self, sql: str, parameters: tuple = ()) -> Any: ...
    def executemany(self, sql: str, rows: Iterable[tuple]) -> Any: ...


AGENDA = "#dagsorden"  # the key of an item published on an agenda, before its meeting decided it


def item_key(meeting_id: str, number: int, agenda: bool = False) -> str:
    """An item's key in the ledger. An agenda's item has a key of its own, so that the same item in the
    minutes, with its decision, is news again."""
    return f"{meeting_id}/{number}{AGENDA if agenda else ''}"


def split_item_key(key: str) -> tuple[str, int]:
    meeting_id, _, number = key.removesuffix(AGENDA).rpartition("/")
    return meeting_id, int(number)


class AlertStore:
    """The alerts and the ledger, through `transaction`, a context manager that yields a `Database`
    and commits at its end (or rolls back on an error)."""

    def __init__(self, transaction: Callable[[], AbstractContextManager[Database]], where: str,
                 sending: Callable[[], AbstractContextManager[None]]) -> None:
        self._transaction = transaction
        self.where = where  # for messages: the file or the database (without a password)
        self.sending = sending  # held by `minutes alerts send`: one sender at a time, or digests go twice
        self._ready = False

    @contextmanager
    def _db(self) -> Iterator[Database]:
        with self._transaction() as db:
            if not self._ready:
                for statement in TABLES:
                    db.execute(statement)
                self._ready = True
            yield db

    # -- subscribing -------------------------------------------------------------------------------

    def subscribe(self, address: str, search: str, now: float | None = None) -> Subscription:
        """A new alert awaiting confirmation, or the one this address has for this search. The
        limits decide whether a message goes out: a few confirmations a day to one address, the
        same one not again within ASK_AGAIN_AFTER, ALERTS_PER_ADDRESS alerts an address."""
        now = time.time() if now is None else now
        with self._db() as db:
            db.execute("DELETE FROM alerts WHERE confirmed IS NULL AND created < ?", (now - PENDING_DAYS * 86400,))
            found = self._one(db, "address = ? AND search = ?", (address, search))
            asked_today = db.execute("SELECT count(*) FROM alerts WHERE address = ? AND asked > ?",
                                     (address, now - 86400)).fetchone()[0]
            if found is not None:
                if found.is_confirmed:
                    message = "already" if now - found.asked > ASK_AGAIN_AFTER else None
                else:
                    message = "confirm" if now - found.asked > ASK_AGAIN_AFTER else None
                if message and asked_today >= ASKED_PER_ADDRESS_PER_DAY:
                    message = None
                if message:
                    db.execute("UPDATE alerts SET asked = ? WHERE token = ?", (now, found.token))
                return Subscription(found, message)
            total = db.execute("SELECT count(*) FROM alerts WHERE address = ?", (address,)).fetchone()[0]
            alert = Alert(secrets.token_urlsafe(32), address, search, created=now, asked=now)
            if total >= ALERTS_PER_ADDRESS or asked_today >= ASKED_PER_ADDRESS_PER_DAY:
                return Subscription(alert, None)  # not stored: nothing will come of it
            db.execute(f"INSERT INTO alerts ({ALERT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       (alert.token, address, search, now, now, None, None, None))
            return Subscription(alert, "confirm")

    def forget(self, token: str) -> None:
        """Delete an alert whose confirmation could not be sent (nobody can confirm it)."""
        with self._db() as db:
            db.execute("DELETE FROM alerts WHERE token = ? AND confirmed IS NULL", (token,))

    def confirm(self, token: str, now: float | None = None) -> Alert | None:
        """Confirm the alert (again: no change). Items are new to it from now on."""
        now = time.time() if now is None else now
        with self._db() as db:
            db.execute("UPDATE alerts SET confirmed = ?, checked = ? WHERE token = ? AND confirmed IS NULL",
                       (now, now, token))
            return self._one(db, "token = ?", (token,))

    # -- reading and ending ------------------------------------------------------------------------

    def alert(self, token: str) -> Alert | None:
        with self._db() as db:
            return self._one(db, "token = ?", (token,))

    def alerts_of(self, token: str) -> list[Alert]:
        """The alerts of the address that `token` belongs to: confirmed ones, and this one, oldest first."""
        with self._db() as db:
            rows = db.execute(f"SELECT {ALERT_COLUMNS} FROM alerts WHERE address = "
                              "(SELECT address FROM alerts WHERE token = ?) AND (confirmed IS NOT NULL OR token = ?) "
                              "ORDER BY created, token", (token, token)).fetchall()
        return [Alert(*row) for row in rows]

    def end(self, token: str) -> Alert | None:
        """Delete the alert; the alert as it was, or None if there was none."""
        with self._db() as db:
            found = self._one(db, "token = ?", (token,))
            db.execute("DELETE FROM alerts WHERE token = ?", (token,))
            return found

    def end_all(self, token: str) -> int:
        """Delete every alert of the address `token` belongs to; how many there were."""
        with self._db() as db:
            cursor = db.execute("DELETE FROM alerts WHERE address = (SELECT address FROM alerts WHERE token = ?)",
                                (token,))
            return max(cursor.rowcount, 0)

    def confirmed(self) -> list[Alert]:
        with self._db() as db:
            rows = db.execute(f"SELECT {ALERT_COLUMNS} FROM alerts WHERE confirmed IS NOT NULL "
                              "ORDER BY created, token").fetchall()
        return [Alert(*row) for row in rows]

    def counts(self) -> dict[str, int]:
        with self._db() as db:
            confirmed, pending = db.execute("SELECT count(confirmed), count(*) - count(confirmed) FROM alerts").fetchone()
        return {"confirmed": int(confirmed), "pending": int(pending)}

    def checked(self, token: str, checked: float, sent: float | None) -> None:
        """Record a digest run for the alert: items noted up to `checked` are no longer new to it."""
        with self._db() as db:
            if sent is None:
                db.execute("UPDATE alerts SET checked = ? WHERE token = ?", (checked, token))
            else:
                db.execute("UPDATE alerts SET checked = ?, sent = ? WHERE token = ?", (checked, sent, token))

    @staticmethod
    def _one(db: Database, where: str, parameters: tuple) -> Alert | None:
        row = db.execute(f"SELECT {ALERT_COLUMNS} FROM alerts WHERE {where}", parameters).fetchone()
        return Alert(*row) if row else None

    # -- the ledger --------------------------------------------------------------------------------

    def note_items(self, keys: Iterable[str], now: float | None = None) -> int:
        """Note the keys the ledger has not seen, as seen `now`; how many were new. The first keys a
        ledger ever notes are the archive as it was before anyone subscribed: noted at time 0, never new."""
        now = time.time() if now is None else now
        with self._db() as db:
            empty = db.execute("SELECT 1 FROM alert_items LIMIT 1").fetchone() is None
            known = {row[0] for row in db.execute("SELECT item FROM alert_items").fetchall()} if not empty else set()
            fresh = [(key, 0.0 if empty else now) for key in keys if key not in known]
            db.executemany("INSERT INTO alert_items (item, seen) VALUES (?, ?) ON CONFLICT (item) DO NOTHING", fresh)
            return 0 if empty else len(fresh)

    def has_ledger(self) -> bool:
        with self._db() as db:
            return db.execute("SELECT 1 FROM alert_items LIMIT 1").fetchone() is not None

    def noted_after(self, since: float) -> dict[str, float]:
        """The keys first seen after `since`, with when."""
        with self._db() as db:
            return dict(db.execute("SELECT item, seen FROM alert_items WHERE seen > ?", (since,)).fetchall())

    # -- the subscribe form's token ----------------------------------------------------------------

    def site_secret(self) -> bytes:
        """The site's random secret, made on first use and shared by every web server of the store."""
        with self._db() as db:
            db.execute("INSERT INTO alert_site (name, value) VALUES ('form secret', ?) ON CONFLICT (name) DO NOTHING",
                       (secrets.token_hex(32),))
            return bytes.fromhex(db.execute("SELECT value FROM alert_site WHERE name = 'form secret'").fetchone()[0])


def form_token(secret: bytes, now: float | None = None) -> str:
    """A token for the subscribe form: when it was made, signed with the site's secret. A form posted
    from another site lacks one (it cannot read ours: CORS), and an old one expires."""
    issued = str(int(time.time() if now is None else now))
    return f"{issued}.{hmac.new(secret, issued.encode(), hashlib.sha256).hexdigest()}"


def form_token_valid(secret: bytes, token: str, now: float | None = None) -> bool:
    issued, _, signature = token.partition(".")
    if not issued.isdigit():
        return False
    expected = hmac.new(secret, issued.encode(), hashlib.sha256).hexdigest()
    age = (time.time() if now is None else now) - int(issued)
    return hmac.compare_digest(expected, signature) and -60 <= age <= FORM_TOKEN_SECONDS


# -- opening -------------------------------------------------------------------------------------

def sqlite_store(path: Path) -> AlertStore:
    path = Path(path)

    @contextmanager
    def transaction() -> Iterator[Database]:
        try:
            connection = sqlite3.connect(path, timeout=30)
        except sqlite3.Error as error:
            raise StoreUnavailable(f"{path}: cannot open the alert store: {error}") from None
        try:
            with connection:  # commits, or rolls back on an error
                yield connection
        except sqlite3.Error as error:
            raise StoreUnavailable(f"{path}: {error}") from None
        finally:
            connection.close()

    def sending() -> AbstractContextManager[None]:
        return exclusive_lock(path.with_name(f".{path.name}.send.lock"), busy=lambda: StoreUnavailable(ALREADY_SENDING))

    return AlertStore(transaction, str(path), sending)


def open_store(index_dir: Path) -> AlertStore:
    """The alert store of the index in `index_dir`: in its database for a PostgreSQL index
    ($MINUTES_ALERTS_DATABASE_URL overrides where), else the SQLite file beside the index."""
    index_dir = Path(index_dir)
    if index_engine(index_dir) == "postgresql" or os.environ.get("MINUTES_ALERTS_DATABASE_URL"):
        from ..engines.postgresql.alerts import postgresql_store  # only a PostgreSQL site imports psycopg

        return postgresql_store(index_dir)
    if not index_dir.is_dir():
        raise StoreUnavailable(f"{index_dir}: no index directory to keep alerts beside (run 'minutes index')")
    return sqlite_store(index_dir / SQLITE_FILE)
