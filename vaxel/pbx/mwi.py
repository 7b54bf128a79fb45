"""Message-waiting indication (PBX4, RFC 3842): the ``message-summary`` event package.

A phone SUBSCRIBEs to its mailbox (``Event: message-summary``); we answer 200, send a NOTIFY
with the summary at once (RFC 6665 §4.2.2: a NOTIFY follows every accepted SUBSCRIBE) and
again whenever the mailbox changes, until the subscription expires or is ended
(``Expires: 0``). Some phones never subscribe and take unsolicited NOTIFYs; that is not
done here. This module is pure: the body's writer and reader (RFC 3842 §5), and the table of
subscriptions with their expiry (time passed in); the SIP dialogs are the adapter's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = [
    "CONTENT_TYPE",
    "DEFAULT_EXPIRES",
    "MAX_EXPIRES",
    "MAX_PER_MAILBOX",
    "MAX_SUBSCRIPTIONS",
    "MIN_EXPIRES",
    "MessageSummary",
    "Subscription",
    "Subscriptions",
    "granted_expires",
    "parse_message_summary",
    "serialize_message_summary",
]

CONTENT_TYPE = "application/simple-message-summary"
DEFAULT_EXPIRES = 3600
MIN_EXPIRES = 60
MAX_EXPIRES = 86400
MAX_SUBSCRIPTIONS = 20_000
"""Subscriptions one process holds (every device of every person, with room)."""
MAX_PER_MAILBOX = 10
"""Subscriptions one mailbox keeps (a person's devices, ``vaxel.pbx.devices.MAX_DEVICES``):
a new one replaces the oldest, so one phone account cannot fill the table for everyone and
a phone that rebooted without unsubscribing still gets its light."""
MAX_BODY = 4096

_VOICE = re.compile(r"^Voice-Message:\s*(\d{1,9})/(\d{1,9})", re.I | re.M)
_WAITING = re.compile(r"^Messages-Waiting:\s*(yes|no)\s*$", re.I | re.M)
_ACCOUNT = re.compile(r"^Message-Account:\s*(\S+)\s*$", re.I | re.M)


@dataclass(frozen=True, slots=True)
class MessageSummary:
    new: int
    old: int
    account: str = ""
    """The mailbox's URI (``sip:2041@host``), optional in the body."""

    @property
    def waiting(self) -> bool:
        return self.new > 0


def serialize_message_summary(summary: MessageSummary) -> str:
    """The body of a NOTIFY (RFC 3842 §5.2)."""
    lines = [f"Messages-Waiting: {'yes' if summary.waiting else 'no'}"]
    if summary.account:
        lines.append(f"Message-Account: {summary.account}")
    lines.append(f"Voice-Message: {summary.new}/{summary.old}")
    return "\r\n".join(lines) + "\r\n"


def parse_message_summary(body: str) -> MessageSummary:
    """Read a ``message-summary`` body; ValueError when it is too long or has no status line."""
    if len(body) > MAX_BODY:
        raise ValueError("message-summary body too long")
    waiting = _WAITING.search(body)
    if waiting is None:
        raise ValueError("message-summary without Messages-Waiting (RFC 3842 §5.2)")
    voice = _VOICE.search(body)
    account = _ACCOUNT.search(body)
    new, old = (int(voice.group(1)), int(voice.group(2))) if voice else (0, 0)
    if voice is None and waiting.group(1).lower() == "yes":
        new = 1  # waiting, count unknown
    return MessageSummary(new, old, account.group(1) if account else "")


def granted_expires(asked: int | None) -> int:
    """The subscription's lifetime we grant (RFC 6665 §4.2.1.1: we may shorten it; too
    short is answered 423 by the adapter, see :data:`MIN_EXPIRES`)."""
    if asked is None:
        return DEFAULT_EXPIRES
    return max(0, min(asked, MAX_EXPIRES))


@dataclass(slots=True)
class Subscription:
    """One phone's subscription to one mailbox: ``key`` is the SIP dialog's id."""

    key: tuple[str, str, str]
    tenant_id: str
    mailbox: str
    """The mailbox's number (the extension)."""
    expires_at: float
    sent: MessageSummary | None = None
    """What the phone was last told (no NOTIFY when nothing changed)."""


@dataclass(slots=True)
class Subscriptions:
    """Every live subscription, by dialog and by mailbox."""

    by_key: dict[tuple[str, str, str], Subscription] = field(default_factory=dict)
    by_mailbox: dict[tuple[str, str], set[tuple[str, str, str]]] = field(default_factory=dict)

    def put(self, subscription: Subscription) -> list[Subscription]:
        """Add or refresh; returns the mailbox's oldest subscriptions it replaced (past
        :data:`MAX_PER_MAILBOX`); raises OverflowError past :data:`MAX_SUBSCRIPTIONS`."""
        mailbox = (subscription.tenant_id, subscription.mailbox)
        replaced: list[Subscription] = []
        if subscription.key not in self.by_key:
            keys = self.by_mailbox.get(mailbox, set())
            while len(keys) >= MAX_PER_MAILBOX:
                oldest = min(keys, key=lambda k: self.by_key[k].expires_at)
                replaced.append(self.remove(oldest))  # type: ignore[arg-type]
                keys = self.by_mailbox.get(mailbox, set())
            if len(self.by_key) >= MAX_SUBSCRIPTIONS:
                raise OverflowError("too many subscriptions")
        self.by_key[subscription.key] = subscription
        self.by_mailbox.setdefault(mailbox, set()).add(subscription.key)
        return replaced

    def remove(self, key: tuple[str, str, str]) -> Subscription | None:
        found = self.by_key.pop(key, None)
        if found is not None:
            keys = self.by_mailbox.get((found.tenant_id, found.mailbox))
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self.by_mailbox[(found.tenant_id, found.mailbox)]
        return found

    def of_mailbox(self, tenant_id: str, mailbox: str) -> list[Subscription]:
        keys = self.by_mailbox.get((tenant_id, mailbox), set())
        return [self.by_key[k] for k in sorted(keys)]

    def expired(self, now: float) -> list[Subscription]:
        """Remove and return the subscriptions whose time is up."""
        gone = [s for s in self.by_key.values() if s.expires_at <= now]
        for subscription in gone:
            self.remove(subscription.key)
        return gone

    def next_deadline(self) -> float | None:
        return min((s.expires_at for s in self.by_key.values()), default=None)

    def changed(self, subscription: Subscription, summary: MessageSummary) -> bool:
        """Whether ``summary`` differs from what the phone was last told (then remember it)."""
        if subscription.sent == summary:
            return False
        subscription.sent = summary
        return True
