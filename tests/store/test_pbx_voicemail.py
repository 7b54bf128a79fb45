"""Voicemail in the store (PBX4): mailboxes, messages kept with their e-mail in one
transaction, the limit, tenant and person isolation, the outbox's retries."""

from __future__ import annotations

import pytest

from vaxel.pbx.voicemail import GreetingKind, Mailbox, MailboxFull, Message, VoicemailLimits
from vaxel.pbx.voicemail_mail import MailSecurity, MailServer
from vaxel.store import Tenant, Tenants, open_database, upgrade
from vaxel.store.pbx_voicemail import VoicemailStore


@pytest.fixture
def store(database_url: str) -> VoicemailStore:
    engine = open_database(database_url)
    upgrade(engine)
    for tenant in ("t1", "t2"):
        Tenants(engine).add(Tenant(tenant, tenant))
    return VoicemailStore(engine)


def _message(message_id: str, at: float, person: str = "karin", tenant: str = "t1") -> Message:
    return Message(message_id, tenant, person, "0701234567", at, 5.0)


def test_mailboxes_messages_and_isolation(store: VoicemailStore) -> None:
    box = Mailbox("t1", "karin", "2041", "hash", "karin@example.se")
    store.put_mailbox(box)
    store.put_mailbox(Mailbox("t2", "karin", "2041"))
    changed = Mailbox("t1", "karin", "2041", "hash2", "k@example.se", frozenset(GreetingKind))
    store.put_mailbox(changed)
    assert store.mailbox("t1", "karin") == changed
    assert store.mailbox_by_number("t2", "2041") == Mailbox("t2", "karin", "2041")
    assert len(store.mailboxes()) == 2
    limits = VoicemailLimits(max_messages=2)
    store.add_message(changed, _message("m1", 10.0), "t1/karin/m1.wav", limits, notify_at=10.0)
    store.add_message(changed, _message("m2", 20.0), "t1/karin/m2.wav", limits, notify_at=None)
    with pytest.raises(MailboxFull):
        store.add_message(changed, _message("m3", 30.0), "x.wav", limits, notify_at=30.0)
    assert [s.message.message_id for s in store.messages("t1", "karin")] == ["m2", "m1"]
    assert store.messages("t2", "karin") == []
    assert store.message("t2", "karin", "m1") is None, "another tenant's id is not found"
    assert store.message("t1", "pelle", "m1") is None, "another person's id is not found"
    assert store.mark_heard("t1", "karin", "m1", True)
    assert not store.mark_heard("t2", "karin", "m1", True)
    stored = store.message("t1", "karin", "m1")
    assert stored is not None and stored.message.heard and stored.file == "t1/karin/m1.wav"
    assert store.delete_message("t2", "karin", "m2") is None
    assert store.delete_message("t1", "karin", "m2") == "t1/karin/m2.wav"
    assert [s.message.message_id for s in store.messages("t1", "karin")] == ["m1"]


def test_the_outbox_keeps_a_mail_until_it_is_sent(store: VoicemailStore) -> None:
    box = Mailbox("t1", "karin", "2041", email="karin@example.se")
    store.put_mailbox(box)
    store.add_message(box, _message("m1", 10.0), "f.wav", VoicemailLimits(), notify_at=10.0)
    assert store.due(5.0) == []
    (item,) = store.due(10.0)
    assert (item.recipient, item.attempts) == ("karin@example.se", 0)
    store.failed(item, "connection refused", 40.0)
    assert store.due(39.0) == [] and store.next_due() == 40.0
    (again,) = store.due(40.0)
    assert (again.attempts, again.last_error) == (1, "connection refused")
    store.sent("t1", "m1")
    assert store.due(10**9) == [] and store.next_due() is None


def test_a_tenants_mail_server(store: VoicemailStore) -> None:
    assert store.mail_server("t1") is None
    server = MailServer(
        "smtp.example.se", 587, "vaxel@example.se", "u", "hemligt", MailSecurity.TLS
    )
    store.put_mail_server("t1", server)
    assert store.mail_server("t1") == server
    assert "hemligt" not in repr(server)
    store.put_mail_server("t1", None)
    assert store.mail_server("t1") is None
