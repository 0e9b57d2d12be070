"""The alert store (indexer/alerts/store.py) on SQLite and on PostgreSQL: the same behaviour on both."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from conftest import TEST_DATABASE, skip_unless_available
from indexer.alerts.store import (ALERTS_PER_ADDRESS, ASK_AGAIN_AFTER, FORM_TOKEN_SECONDS, PENDING_DAYS, SQLITE_FILE,
                                  Alert, AlertStore, StoreUnavailable, form_token, form_token_valid, open_store,
                                  sqlite_store)

DAY = 86400.0


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> AlertStore:
    if request.param == "sqlite":
        yield sqlite_store(tmp_path / SQLITE_FILE)
        return
    skip_unless_available("postgresql")
    import psycopg

    from indexer.engines.postgresql.alerts import postgresql_store

    schema = f"test_alerts_{secrets.token_hex(4)}"
    yield postgresql_store(tmp_path, schema=schema)
    with psycopg.connect(TEST_DATABASE, autocommit=True) as connection:
        connection.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def test_a_new_alert_awaits_confirmation_and_asks_for_it(store: AlertStore) -> None:
    subscription = store.subscribe("a@example.dk", "q=kmd", now=1000.0)
    assert subscription.message == "confirm"
    assert len(subscription.alert.token) == 43  # 32 random bytes, URL-safe base64
    assert store.alert(subscription.alert.token) == Alert(subscription.alert.token, "a@example.dk", "q=kmd",
                                                          created=1000.0, asked=1000.0)
    assert store.confirmed() == []
    assert store.counts() == {"confirmed": 0, "pending": 1}


def test_tokens_differ_for_every_alert(store: AlertStore) -> None:
    tokens = {store.subscribe("a@example.dk", f"q=ord{n}", now=1000.0 + n * DAY).alert.token for n in range(5)}
    assert len(tokens) == 5


def test_confirming_starts_the_alert_from_that_moment_and_twice_changes_nothing(store: AlertStore) -> None:
    token = store.subscribe("a@example.dk", "q=kmd", now=1000.0).alert.token
    confirmed = store.confirm(token, now=2000.0)
    assert (confirmed.confirmed, confirmed.checked, confirmed.sent) == (2000.0, 2000.0, None)
    assert store.confirm(token, now=3000.0) == confirmed
    assert store.confirmed() == [confirmed]
    assert store.confirm("no-such-token", now=3000.0) is None


def test_asking_again_resends_the_confirmation_only_after_a_pause(store: AlertStore) -> None:
    first = store.subscribe("a@example.dk", "q=kmd", now=1000.0)
    assert store.subscribe("a@example.dk", "q=kmd", now=1000.0 + ASK_AGAIN_AFTER - 1).message is None
    again = store.subscribe("a@example.dk", "q=kmd", now=1000.0 + ASK_AGAIN_AFTER + 1)
    assert (again.message, again.alert.token) == ("confirm", first.alert.token)  # the same alert, asked again


def test_asking_for_a_confirmed_alert_again_sends_a_note_not_a_second_alert(store: AlertStore) -> None:
    token = store.subscribe("a@example.dk", "q=kmd", now=1000.0).alert.token
    store.confirm(token, now=1100.0)
    again = store.subscribe("a@example.dk", "q=kmd", now=1000.0 + ASK_AGAIN_AFTER + 1)
    assert (again.message, again.alert.token) == ("already", token)
    assert store.counts() == {"confirmed": 1, "pending": 0}


def test_one_address_gets_three_confirmations_a_day_at_most(store: AlertStore) -> None:
    messages = [store.subscribe("a@example.dk", f"q=ord{n}", now=1000.0 + n).message for n in range(5)]
    assert messages == ["confirm", "confirm", "confirm", None, None]
    assert store.counts() == {"confirmed": 0, "pending": 3}  # the refused ones are not kept
    assert store.subscribe("b@example.dk", "q=ord0", now=1010.0).message == "confirm"  # another address is not limited
    assert store.subscribe("a@example.dk", "q=ord9", now=1000.0 + DAY + 5).message == "confirm"  # the next day


def test_one_address_has_a_limited_number_of_alerts(store: AlertStore) -> None:
    for n in range(ALERTS_PER_ADDRESS):
        token = store.subscribe("a@example.dk", f"q=ord{n}", now=n * DAY).alert.token
        store.confirm(token, now=n * DAY + 1)
    assert store.subscribe("a@example.dk", "q=one-more", now=ALERTS_PER_ADDRESS * DAY).message is None
    assert store.counts() == {"confirmed": ALERTS_PER_ADDRESS, "pending": 0}


def test_unconfirmed_alerts_are_deleted_after_a_week(store: AlertStore) -> None:
    old = store.subscribe("a@example.dk", "q=kmd", now=1000.0).alert.token
    store.subscribe("b@example.dk", "q=kmd", now=1000.0 + PENDING_DAYS * DAY + 1)  # any later subscription tidies up
    assert store.alert(old) is None
    assert store.counts() == {"confirmed": 0, "pending": 1}


def test_an_address_sees_its_confirmed_alerts_and_the_one_it_came_from(store: AlertStore) -> None:
    first = store.subscribe("a@example.dk", "q=kmd", now=1000.0).alert.token
    second = store.subscribe("a@example.dk", "q=budget", now=1001.0).alert.token
    pending = store.subscribe("a@example.dk", "q=skole", now=1002.0).alert.token
    other = store.subscribe("b@example.dk", "q=kmd", now=1003.0).alert.token
    store.confirm(first, now=2000.0)
    store.confirm(second, now=2001.0)
    store.confirm(other, now=2002.0)
    assert [alert.search for alert in store.alerts_of(first)] == ["q=kmd", "q=budget"]
    assert [alert.search for alert in store.alerts_of(pending)] == ["q=kmd", "q=budget", "q=skole"]
    assert [alert.search for alert in store.alerts_of(other)] == ["q=kmd"]
    assert store.alerts_of("no-such-token") == []


def test_ending_deletes_the_alert_and_ending_all_deletes_the_address(store: AlertStore) -> None:
    first = store.subscribe("a@example.dk", "q=kmd", now=1000.0).alert.token
    second = store.subscribe("a@example.dk", "q=budget", now=1001.0).alert.token
    other = store.subscribe("b@example.dk", "q=kmd", now=1002.0).alert.token
    assert store.end(first).search == "q=kmd"
    assert store.end(first) is None
    assert store.alert(first) is None
    assert store.end_all(second) == 1
    assert (store.alert(second), store.alert(other).address) == (None, "b@example.dk")


def test_a_failed_confirmation_forgets_the_alert_but_never_a_confirmed_one(store: AlertStore) -> None:
    pending = store.subscribe("a@example.dk", "q=kmd", now=1000.0).alert.token
    confirmed = store.subscribe("a@example.dk", "q=budget", now=1001.0).alert.token
    store.confirm(confirmed, now=1002.0)
    store.forget(pending)
    store.forget(confirmed)
    assert (store.alert(pending), store.alert(confirmed).search) == (None, "q=budget")


def test_the_ledger_takes_the_first_archive_as_old_and_later_keys_as_new(store: AlertStore) -> None:
    assert store.has_ledger() is False
    assert store.note_items(["m1/1", "m1/2"], now=1000.0) == 0  # the archive before alerts: never news
    assert store.has_ledger() is True
    assert store.note_items(["m1/1", "m1/2", "m2/1"], now=2000.0) == 1
    assert store.note_items(["m1/1", "m2/1", "m3/1", "m3/2"], now=3000.0) == 2  # m1/2 gone: nothing happens
    assert store.noted_after(0.0) == {"m2/1": 2000.0, "m3/1": 3000.0, "m3/2": 3000.0}
    assert store.noted_after(2000.0) == {"m3/1": 3000.0, "m3/2": 3000.0}


def test_checking_records_when_and_whether_a_digest_went_out(store: AlertStore) -> None:
    token = store.subscribe("a@example.dk", "q=kmd", now=1000.0).alert.token
    store.confirm(token, now=2000.0)
    store.checked(token, 3000.0, None)
    assert (store.alert(token).checked, store.alert(token).sent) == (3000.0, None)
    store.checked(token, 4000.0, 4000.0)
    assert (store.alert(token).checked, store.alert(token).sent) == (4000.0, 4000.0)


def test_the_site_secret_is_made_once_and_signs_form_tokens(store: AlertStore) -> None:
    secret = store.site_secret()
    assert len(secret) == 32 and store.site_secret() == secret
    token = form_token(secret, now=5000.0)
    assert form_token_valid(secret, token, now=5000.0 + FORM_TOKEN_SECONDS) is True
    assert form_token_valid(secret, token, now=5000.0 + FORM_TOKEN_SECONDS + 1) is False  # expired
    assert form_token_valid(b"another site's secret", token, now=5000.0) is False
    assert form_token_valid(secret, token.replace("5000", "5001"), now=5001.0) is False  # the time is signed
    assert form_token_valid(secret, "", now=5000.0) is False


def test_alerts_of_a_postgresql_index_are_in_its_database(tmp_path: Path) -> None:
    skip_unless_available("postgresql")
    import psycopg

    from indexer.build import build_index

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    index = tmp_path / "index"
    assert build_index(corpus, index, engine="postgresql").failed == []
    store = open_store(index)
    assert store.where.endswith("(minutes_alerts)")
    token = store.subscribe(f"{secrets.token_hex(6)}@example.dk", "q=kmd").alert.token
    try:
        with psycopg.connect(TEST_DATABASE) as connection:
            found = connection.execute("SELECT search FROM minutes_alerts.alerts WHERE token = %s", (token,)).fetchall()
        assert found == [("q=kmd",)]
        assert not (index / SQLITE_FILE).exists()
    finally:
        store.end(token)


def test_one_sender_at_a_time(store: AlertStore) -> None:
    with store.sending():
        with pytest.raises(StoreUnavailable, match="^another 'minutes alerts send' is sending these alerts"):
            with store.sending():
                pass
    with store.sending():  # released
        pass


def test_an_item_decided_after_its_agenda_was_noted_is_news_again(store: AlertStore) -> None:
    from indexer.alerts.store import item_key, split_item_key

    store.note_items(["m0/1"], now=1000.0)  # the archive before alerts
    assert store.note_items([item_key("m1", 4, agenda=True)], now=2000.0) == 1  # published on the agenda
    assert store.note_items([item_key("m1", 4, agenda=True)], now=3000.0) == 0
    assert store.note_items([item_key("m1", 4)], now=4000.0) == 1  # the minutes, with its decision
    assert {split_item_key(key): seen for key, seen in store.noted_after(3000.0).items()} == {("m1", 4): 4000.0}
    assert [split_item_key(key) for key in sorted(store.noted_after(0.0))] == [("m1", 4), ("m1", 4)]


def test_the_sender_notes_an_agenda_s_items_apart_from_the_minutes_that_replace_it(store: AlertStore) -> None:
    from indexer.alerts.digest import note_archive

    class Archive:  # what note_archive asks of a SearchIndex
        def __init__(self, status: str) -> None:
            self.status = status

        def item_keys(self) -> list[tuple[str, int]]:
            return [("fjordby-oekonomiudvalget-2026-05-25", 1), ("fjordby-oekonomiudvalget-2026-03-02", 1)]

        def meetings(self) -> list[dict]:
            return [{"id": "fjordby-oekonomiudvalget-2026-05-25", "status": self.status},
                    {"id": "fjordby-oekonomiudvalget-2026-03-02", "status": "referat"}]

    store.note_items(["before/1"], now=1.0)
    assert note_archive(store, Archive("dagsorden"), now=100.0) == 2
    assert note_archive(store, Archive("dagsorden"), now=200.0) == 0
    assert note_archive(store, Archive("referat"), now=300.0) == 1  # decided: news again
    assert store.noted_after(200.0) == {"fjordby-oekonomiudvalget-2026-05-25/1": 300.0}
