"""The sent-log of digests and alerts and the mail recipients, on both backends
(collector/store/sqlite/alert_log.py, users.py)."""

from __future__ import annotations


def test_a_delivery_is_claimed_once_and_a_failed_one_can_be_claimed_again(store):
    args = ("digest|ops|2026-W48", "maria@example.com", "digest", "ops", "2026-W48")
    assert store.claim_delivery(*args) is True
    assert store.claim_delivery(*args) is False  # someone is sending it
    store.finish_delivery(args[0], args[1], sent=False)
    assert store.deliveries() == []  # the failure gave the claim back
    assert store.claim_delivery(*args) is True
    store.finish_delivery(args[0], args[1], sent=True)
    assert store.claim_delivery(*args) is False  # sent: never again
    (row,) = store.deliveries()
    assert (row["kind"], row["team"], row["period"]) == ("digest", "ops", "2026-W48")
    assert row["sent_at"] is not None
    # Another recipient of the same message is its own delivery.
    assert store.claim_delivery(args[0], "webhook", "digest", "ops", "2026-W48") is True


def test_a_stale_claim_of_a_sender_that_died_is_taken_over(store):
    args = ("alert|slow|ops|payroll|2026-W48", "webhook", "slow", "ops", "2026-W48")
    assert store.claim_delivery(*args)
    with store.write() as c:
        c.execute("UPDATE alert_deliveries SET claimed_at = '2000-01-01T00:00:00+00:00'")
    assert store.claim_delivery(*args) is True
    store.finish_delivery(args[0], args[1], sent=True)
    with store.write() as c:
        c.execute("UPDATE alert_deliveries SET claimed_at = '2000-01-01T00:00:00+00:00'")
    assert store.claim_delivery(*args) is False  # a sent one is never stale


def test_mail_recipients_are_open_accounts_with_an_address_and_their_teams(store):
    a, b = store.add_team("a"), store.add_team("b")
    one = store.add_user("one", "manager", "x" * 12, [b, a], email="one@example.com")
    store.add_user("two", "manager", "x" * 12, [a])
    gone = store.add_user("gone", "manager", "x" * 12, [a], email="gone@example.com")
    boss = store.add_user("boss", "admin", "x" * 12, [], email="boss@example.com")
    store.disable_user_unless_last_admin(gone)
    got = {u["name"]: u for u in store.mail_recipients()}
    assert sorted(got) == ["boss", "one"]
    assert sorted(got["one"]["team_ids"]) == sorted([a, b])
    assert (got["boss"]["role"], got["boss"]["team_ids"]) == ("admin", [])
    assert store.set_user_email(one, "new@example.com") is True
    assert store.set_user_email(one, "new@example.com") is False
    assert store.set_user_email(boss, "") is True
    assert [u["email"] for u in store.mail_recipients()] == ["new@example.com"]


def test_the_retention_purge_forgets_old_deliveries_only(store):
    from datetime import UTC, datetime, timedelta

    store.claim_delivery("digest|user:1|2026-W01", "a@example.com", "digest", "ops", "2026-W01")
    store.claim_delivery("digest|user:1|2026-W48", "a@example.com", "digest", "ops", "2026-W48")
    with store.write() as c:
        c.execute(
            "UPDATE alert_deliveries SET claimed_at = '2026-01-06T07:00:00+00:00' "
            "WHERE period = '2026-W01'"
        )
    assert store.purge_deliveries(datetime.now(UTC) - timedelta(days=7)) == 1
    assert [d["period"] for d in store.deliveries()] == ["2026-W48"]
