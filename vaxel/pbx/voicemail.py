"""Voicemail (PBX4): a mailbox per person, its PIN, its greetings and its messages.

Rules kept here (pure: no I/O; time and ids come in):
- A mailbox belongs to one directory person of one tenant (its ``person_id``) and is reached
  on the person's extension (``number``). Its PIN is 4–8 digits and is stored only as an
  argon2 hash, as passwords are; the hashing itself is the adapter's.
- A message is caller id, arrival time, duration and heard/new. A mailbox holds at most
  ``max_messages``; a message longer than ``max_message_s`` is cut there (the recording
  stops, nothing is lost); one shorter than ``min_message_s`` is a hang-up, not a message.
- Greetings: a personal one (recorded by phone or uploaded) and a presence one (played while
  the person has a presence set, DIR3). An uploaded greeting is a WAV no larger than
  ``max_greeting_bytes``; the telephone format conversion is the prompts' (IVR5).
Every refusal is a :class:`~vaxel.core.errors.DomainError` with a stable code, worded in
Swedish at the edge (``vaxel.web.error_text``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from itertools import pairwise

from vaxel.core.errors import DomainError, NotFound

__all__ = [
    "GREETING_KINDS",
    "GreetingKind",
    "Mailbox",
    "MailboxFull",
    "Message",
    "MessageNotFound",
    "VoicemailLimits",
    "check_pin",
    "check_room",
    "greeting_to_play",
    "is_guessable_pin",
    "is_message",
    "message_summary",
    "name_prompt",
]

_PIN = re.compile(r"[0-9]{4,8}")


class GreetingKind(StrEnum):
    PERSONAL = "personal"
    """What callers hear when the person does not answer."""
    PRESENCE = "presence"
    """What callers hear while the person has a presence (hänvisning) set."""
    NAME = "name"
    """The person saying their own name: a caller who reaches them absent hears it in the
    presence announcement ("Karin Carlsson är på möte …") instead of their extension."""


GREETING_KINDS = tuple(GreetingKind)


def name_prompt(tenant_id: str, person_id: str) -> str:
    """The prompt id a person's recorded name is played by (the presence announcement
    looks it up): the person's own recording (:attr:`GreetingKind.NAME`) when they made
    one, else a prompt an admin uploaded under the name ``namn-<person id>``."""
    return f"tenant/{tenant_id}/namn-{person_id}"


@dataclass(frozen=True, slots=True)
class VoicemailLimits:
    """A tenant's limits (defaults fit a municipality's staff)."""

    max_message_s: float = 180.0
    min_message_s: float = 1.0
    max_messages: int = 100
    max_greeting_s: float = 60.0
    max_greeting_bytes: int = 4 * 1024 * 1024
    pin_attempts: int = 3


@dataclass(frozen=True, slots=True)
class Mailbox:
    """A person's mailbox; ``pin_hash`` empty: no PIN yet (only the own extension gets in)."""

    tenant_id: str
    person_id: str
    number: str
    pin_hash: str = ""
    email: str = ""
    """Where new messages are sent (the person's directory e-mail unless changed)."""
    greetings: frozenset[GreetingKind] = frozenset()
    """The greetings recorded or uploaded."""


@dataclass(frozen=True, slots=True)
class Message:
    message_id: str
    tenant_id: str
    person_id: str
    caller: str
    """The caller's number as presented ("" withheld)."""
    received_at: float
    duration_s: float
    heard: bool = False


class MailboxFull(DomainError):
    def __init__(self, person_id: str, limit: int) -> None:
        super().__init__(
            f"mailbox {person_id} holds {limit} messages already",
            code="voicemail-full",
            person=person_id,
            max=limit,
        )


class MessageNotFound(NotFound):
    """No such message in this person's mailbox (another's is not found either)."""

    kind = "voicemail message"
    code = "voicemail-no-message"


def check_pin(pin: str, number: str = "") -> str:
    """``pin`` if it is 4–8 digits and not among the first a guesser tries; otherwise a
    refusal naming the rule.

    The PIN guard allows 10 wrong PINs a mailbox an hour (``pin_guard.py``): that keeps a
    random 4-digit PIN for weeks, but 1234, 0000 or the mailbox's own number fall in the
    first hour. Refused: one digit repeated, a straight run up or down (1234, 9876, 0123),
    and the mailbox's number (or its last digits).
    """
    if not _PIN.fullmatch(pin):
        raise DomainError("a PIN is 4 to 8 digits", code="voicemail-pin-digits")
    if is_guessable_pin(pin, number):
        raise DomainError("a PIN a guesser tries first", code="voicemail-pin-guessable")
    return pin


def is_guessable_pin(pin: str, number: str = "") -> bool:
    """One digit repeated, a straight run, or the (end of the) mailbox's number."""
    steps = {(int(b) - int(a)) % 10 for a, b in pairwise(pin)}
    if len(steps) == 1 and steps <= {0, 1, 9}:
        return True
    digits = "".join(c for c in number if c.isdigit())
    return bool(digits) and (pin == digits or digits.endswith(pin))


def is_message(duration_s: float, limits: VoicemailLimits) -> bool:
    """Whether a recording of ``duration_s`` is kept (a caller who hung up at the tone is not
    a message)."""
    return duration_s >= limits.min_message_s


def check_room(count: int, mailbox: Mailbox, limits: VoicemailLimits) -> None:
    """Refuse a new message when the mailbox already holds ``max_messages``."""
    if count >= limits.max_messages:
        raise MailboxFull(mailbox.person_id, limits.max_messages)


def greeting_to_play(mailbox: Mailbox, *, absent: bool) -> GreetingKind | None:
    """The greeting a caller hears: the presence one while the person is absent (if there is
    one), else the personal one; None: the standard greeting (the number read out)."""
    if absent and GreetingKind.PRESENCE in mailbox.greetings:
        return GreetingKind.PRESENCE
    if GreetingKind.PERSONAL in mailbox.greetings:
        return GreetingKind.PERSONAL
    return None


def message_summary(messages: list[Message]) -> tuple[int, int]:
    """(new, old) messages: what MWI tells the phone (RFC 3842)."""
    new = sum(1 for m in messages if not m.heard)
    return new, len(messages) - new
