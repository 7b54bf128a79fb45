"""One phone account cannot fill the process's message-waiting table (task R; PBX4): each
mailbox keeps at most MAX_PER_MAILBOX subscriptions — a new one replaces its oldest — so
20,000 SUBSCRIBEs from one extension leave room for every other mailbox's phones."""

from __future__ import annotations

from vaxel.pbx.mwi import MAX_PER_MAILBOX, MAX_SUBSCRIPTIONS, Subscription, Subscriptions


def test_a_flood_from_one_mailbox_keeps_its_newest_and_others_still_subscribe() -> None:
    table = Subscriptions()
    evicted = 0
    for n in range(MAX_SUBSCRIPTIONS):
        gone = table.put(Subscription((f"c{n}", "t", "f"), "t1", "2041", 3600.0 + n))
        evicted += len(gone)
    assert len(table.by_key) == MAX_PER_MAILBOX
    assert evicted == MAX_SUBSCRIPTIONS - MAX_PER_MAILBOX
    kept = {s.key[0] for s in table.of_mailbox("t1", "2041")}
    newest = {f"c{n}" for n in range(MAX_SUBSCRIPTIONS - MAX_PER_MAILBOX, MAX_SUBSCRIPTIONS)}
    assert kept == newest, "a rebooted phone's fresh subscription wins over stale ones"
    assert table.put(Subscription(("d", "t", "f"), "t2", "2041", 3600.0)) == []
    assert len(table.of_mailbox("t2", "2041")) == 1


def test_a_refresh_replaces_nothing() -> None:
    table = Subscriptions()
    for n in range(MAX_PER_MAILBOX):
        table.put(Subscription((f"c{n}", "t", "f"), "t1", "2041", 3600.0))
    assert table.put(Subscription(("c0", "t", "f"), "t1", "2041", 7200.0)) == []
    assert len(table.of_mailbox("t1", "2041")) == MAX_PER_MAILBOX
