"""Feature codes: what a phone's keypad string asks for (PBX3, PBX5, IVR4, IVR5).

The switch sends every dialled string that starts with ``*`` or ``#`` here before the
numbering plan; :func:`parse` turns it into one command or refuses it with a
:class:`FeatureCodeRefused` whose ``prompt`` says in Swedish what was wrong (the Bad input
of issue 14: a caller is never left with silence). The codes follow the Swedish/GSM
convention (``*21*`` unconditional forwarding, ``#21#`` off, ``*61*`` on no answer …);
the full table, for people, is ``docs/feature-codes.md``:

====================================  ==================================================
``*21*<nummer>#`` / ``#21#``          forward every call / stop
``*61*<nummer>#``, ``*61*<nummer>*<s>#``  forward on no answer (after ``s`` seconds, 5–120)
``#61#``                              stop forwarding on no answer
``*67*<nummer>#`` / ``#67#``          forward when busy / stop
``*62*<nummer>#`` / ``#62#``          forward when no phone is registered / stop
``##002#``                            stop every forwarding
``*23*<orsak>#``                      presence (1–99: the reason's place in the list) until
                                      further notice
``*23*<orsak>*<hhmm>#``               … until ``hh:mm`` (the next such time)
``#23#``                              back (presence cleared)
``*28*<grupp>#`` / ``#28*<grupp>#``   log in to / out of an answer group (its number)
``#28#``                              log out of every group
``*95*<nr>#``                         record prompt ``nr`` (PIN asked; admins)
``*96*<nr>#`` / ``#96*<nr>#``         switch message ``nr`` on / off (PIN asked)
====================================  ==================================================

Pure: a parser with size limits; what a command does is the runtime's business.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from vaxel.core.errors import DomainError
from vaxel.pbx.forwarding import (
    DEFAULT_NO_ANSWER_S,
    MAX_DESTINATION_DIGITS,
    MAX_NO_ANSWER_S,
    MIN_NO_ANSWER_S,
    ForwardCondition,
)

__all__ = [
    "MAX_CODE_LENGTH",
    "NOT_A_PERSON",
    "ClearForwarding",
    "ClearPresence",
    "FeatureCode",
    "FeatureCodeRefused",
    "FeatureError",
    "JoinGroup",
    "LeaveGroup",
    "MobileCodes",
    "RecordPrompt",
    "SetForwarding",
    "SetPresence",
    "SetSwitch",
    "code_complete",
    "is_feature_code",
    "parse",
]

MAX_CODE_LENGTH = 40
"""Longer keypad strings are refused before they are looked at."""
MAX_SLOT = 99
NOT_A_PERSON = "sv/pbx/not-a-person"
"""What a phone that belongs to no one in the directory hears after any code."""
"""Reasons, prompts and switches are numbered 1–99 on the keypad."""


class FeatureError(StrEnum):
    """Why a code was refused; each value is also the name of the prompt that says so
    (``sv/pbx/<value>``)."""

    UNKNOWN_CODE = "unknown-code"
    NUMBER_MISSING = "number-missing"
    NUMBER_INVALID = "number-invalid"
    SECONDS_INVALID = "seconds-invalid"
    TIME_INVALID = "time-invalid"
    REASON_INVALID = "reason-invalid"
    GROUP_INVALID = "group-invalid"
    SLOT_INVALID = "slot-invalid"


class FeatureCodeRefused(DomainError):
    """A keypad string that asks for nothing valid; ``error`` says what, ``prompt`` is the
    prompt id telling the caller."""

    def __init__(self, error: FeatureError, dialled: str) -> None:
        super().__init__(f"feature code {dialled[:MAX_CODE_LENGTH]!r}: {error.value}",
                         code=f"feature-{error.value}")  # fmt: skip
        self.error = error

    @property
    def prompt(self) -> str:
        return f"sv/pbx/{self.error.value}"


@dataclass(frozen=True, slots=True)
class SetForwarding:
    condition: ForwardCondition
    destination: str
    after_s: int = DEFAULT_NO_ANSWER_S


@dataclass(frozen=True, slots=True)
class ClearForwarding:
    """Stop forwarding on ``condition``; None: every forwarding."""

    condition: ForwardCondition | None = None


@dataclass(frozen=True, slots=True)
class SetPresence:
    """Set one's presence: ``reason`` is the reason's place (1-based) in the tenant's list;
    ``until`` an (hour, minute) return time, None for until further notice."""

    reason: int
    until: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class ClearPresence:
    """Back: the presence set by hand is cleared."""


@dataclass(frozen=True, slots=True)
class JoinGroup:
    group: str


@dataclass(frozen=True, slots=True)
class LeaveGroup:
    """Log out of ``group``; None: of every group."""

    group: str | None = None


@dataclass(frozen=True, slots=True)
class RecordPrompt:
    slot: int


@dataclass(frozen=True, slots=True)
class SetSwitch:
    slot: int
    on: bool


@dataclass(frozen=True, slots=True)
class MobileCodes:
    """Not a code: a call to the tenant's feature-code number from a person's mobile over
    the trunk (PBX1, PBX9): after the PIN the caller keys a code, carried out as them."""


def code_complete(keyed: str) -> bool:
    """Whether ``keyed`` (keys so far) is a whole code: it ends with ``#`` after at least
    one key that is not ``#`` (``#21#``, ``##002#``, ``*21*0701234567#``)."""
    return keyed.endswith("#") and bool(keyed.strip("#"))


FeatureCode = (
    SetForwarding
    | ClearForwarding
    | SetPresence
    | ClearPresence
    | JoinGroup
    | LeaveGroup
    | RecordPrompt
    | SetSwitch
)

_FORWARD_SERVICES = {
    "21": ForwardCondition.ALWAYS,
    "61": ForwardCondition.NO_ANSWER,
    "67": ForwardCondition.BUSY,
    "62": ForwardCondition.UNREGISTERED,
}
_SHAPE = re.compile(r"(\*|#|##)(\d{2,3})((?:\*[0-9+]*)*)#")


def is_feature_code(dialled: str) -> bool:
    """Whether the switch should hand ``dialled`` to :func:`parse` (it starts with * or #;
    ``%23`` is how a ``#`` arrives in a SIP URI)."""
    return dialled.startswith(("*", "#", "%23", "%2A", "%2a"))


def _unescaped(dialled: str) -> str:
    return dialled.replace("%23", "#").replace("%2A", "*").replace("%2a", "*")


def _slot(text: str, error: FeatureError, dialled: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= MAX_SLOT:
        raise FeatureCodeRefused(error, dialled)
    return int(text)


def _destination(text: str, dialled: str) -> str:
    if not text:
        raise FeatureCodeRefused(FeatureError.NUMBER_MISSING, dialled)
    digits = text.removeprefix("+")
    if not digits.isdigit() or len(digits) > MAX_DESTINATION_DIGITS:
        raise FeatureCodeRefused(FeatureError.NUMBER_INVALID, dialled)
    return text


def _clock(text: str, dialled: str) -> tuple[int, int]:
    if len(text) != 4 or not text.isdigit():
        raise FeatureCodeRefused(FeatureError.TIME_INVALID, dialled)
    hour, minute = int(text[:2]), int(text[2:])
    if hour > 23 or minute > 59:
        raise FeatureCodeRefused(FeatureError.TIME_INVALID, dialled)
    return hour, minute


def parse(dialled: str) -> FeatureCode:
    """The command ``dialled`` asks for; FeatureCodeRefused saying what was wrong."""
    text = _unescaped(dialled.strip())
    if len(text) > MAX_CODE_LENGTH:
        raise FeatureCodeRefused(FeatureError.UNKNOWN_CODE, text)
    if text == "##002#":
        return ClearForwarding(None)
    shape = _SHAPE.fullmatch(text)
    if shape is None:
        raise FeatureCodeRefused(FeatureError.UNKNOWN_CODE, text)
    prefix, service, rest = shape.groups()
    args = rest.split("*")[1:] if rest else []
    activate = prefix == "*"
    if prefix == "##" or len(service) != 2:
        raise FeatureCodeRefused(FeatureError.UNKNOWN_CODE, text)
    if service in _FORWARD_SERVICES:
        return _forwarding(_FORWARD_SERVICES[service], activate, args, text)
    if service == "23":
        return _presence(activate, args, text)
    if service == "28":
        if activate:
            if len(args) != 1 or not args[0]:
                raise FeatureCodeRefused(FeatureError.GROUP_INVALID, text)
            return JoinGroup(_group(args[0], text))
        if not args:
            return LeaveGroup(None)
        if len(args) != 1:
            raise FeatureCodeRefused(FeatureError.GROUP_INVALID, text)
        return LeaveGroup(_group(args[0], text))
    if service in ("95", "96"):
        if len(args) != 1 or (service == "95" and not activate):
            raise FeatureCodeRefused(
                FeatureError.SLOT_INVALID if len(args) != 1 else FeatureError.UNKNOWN_CODE, text
            )
        slot = _slot(args[0], FeatureError.SLOT_INVALID, text)
        return RecordPrompt(slot) if service == "95" else SetSwitch(slot, activate)
    raise FeatureCodeRefused(FeatureError.UNKNOWN_CODE, text)


def _group(text: str, dialled: str) -> str:
    if not text.isdigit() or len(text) > 10:
        raise FeatureCodeRefused(FeatureError.GROUP_INVALID, dialled)
    return text


def _forwarding(
    condition: ForwardCondition, activate: bool, args: list[str], dialled: str
) -> FeatureCode:
    if not activate:
        if args:
            raise FeatureCodeRefused(FeatureError.UNKNOWN_CODE, dialled)
        return ClearForwarding(condition)
    if not args:
        raise FeatureCodeRefused(FeatureError.NUMBER_MISSING, dialled)
    destination = _destination(args[0], dialled)
    if condition is ForwardCondition.NO_ANSWER and len(args) == 2:
        seconds = args[1]
        if not seconds.isdigit() or not MIN_NO_ANSWER_S <= int(seconds) <= MAX_NO_ANSWER_S:
            raise FeatureCodeRefused(FeatureError.SECONDS_INVALID, dialled)
        return SetForwarding(condition, destination, int(seconds))
    if len(args) != 1:
        raise FeatureCodeRefused(FeatureError.UNKNOWN_CODE, dialled)
    return SetForwarding(condition, destination)


def _presence(activate: bool, args: list[str], dialled: str) -> FeatureCode:
    if not activate:
        if args:
            raise FeatureCodeRefused(FeatureError.UNKNOWN_CODE, dialled)
        return ClearPresence()
    if not args or len(args) > 2:
        raise FeatureCodeRefused(FeatureError.REASON_INVALID, dialled)
    reason = _slot(args[0], FeatureError.REASON_INVALID, dialled)
    until = _clock(args[1], dialled) if len(args) == 2 else None
    return SetPresence(reason, until)
