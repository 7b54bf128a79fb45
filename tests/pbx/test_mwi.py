"""Message-waiting bodies and subscriptions (RFC 3842, PBX4)."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vaxel.pbx.mwi import (
    MessageSummary,
    Subscription,
    Subscriptions,
    granted_expires,
    parse_message_summary,
    serialize_message_summary,
)
from vaxel.pbx.voicemail import Message, message_summary

CASES = [
    (MessageSummary(2, 8), "Messages-Waiting: yes\r\nVoice-Message: 2/8\r\n"),
    (MessageSummary(0, 3), "Messages-Waiting: no\r\nVoice-Message: 0/3\r\n"),
    (
        MessageSummary(1, 0, "sip:2041@vaxel"),
        "Messages-Waiting: yes\r\nMessage-Account: sip:2041@vaxel\r\nVoice-Message: 1/0\r\n",
    ),
]


@pytest.mark.parametrize(("summary", "body"), CASES)
def test_both_directions(summary: MessageSummary, body: str) -> None:
    assert serialize_message_summary(summary) == body
    assert parse_message_summary(body) == summary


@given(st.integers(0, 10**6), st.integers(0, 10**6))
def test_round_trip(new: int, old: int) -> None:
    summary = MessageSummary(new, old)
    assert parse_message_summary(serialize_message_summary(summary)) == summary


@given(st.text(max_size=300))
def test_garbage_is_refused_or_read(body: str) -> None:
    with contextlib.suppress(ValueError):
        parse_message_summary(body)


def test_refusals() -> None:
    with pytest.raises(ValueError):
        parse_message_summary("Voice-Message: 1/1")
    with pytest.raises(ValueError):
        parse_message_summary("Messages-Waiting: yes\r\n" + "x" * 5000)


def test_expires_granted() -> None:
    assert granted_expires(None) == 3600
    assert granted_expires(10**9) == 86400
    assert granted_expires(0) == 0


def test_subscriptions_by_mailbox_change_and_expiry() -> None:
    table = Subscriptions()
    a = Subscription(("c1", "t", "f"), "t1", "2041", expires_at=100.0)
    b = Subscription(("c2", "t", "f"), "t1", "2041", expires_at=50.0)
    table.put(a)
    table.put(b)
    assert [s.key for s in table.of_mailbox("t1", "2041")] == [a.key, b.key]
    assert table.of_mailbox("t2", "2041") == []
    assert table.changed(a, MessageSummary(1, 0))
    assert not table.changed(a, MessageSummary(1, 0))
    assert table.next_deadline() == 50.0
    assert table.expired(60.0) == [b]
    assert table.remove(a.key) is a
    assert table.of_mailbox("t1", "2041") == []


def test_summary_of_messages() -> None:
    messages = [Message(str(i), "t", "p", "", 0.0, 1.0, heard=i % 2 == 0) for i in range(5)]
    assert message_summary(messages) == (2, 3)
