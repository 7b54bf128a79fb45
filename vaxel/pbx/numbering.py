"""A tenant's numbering plan (PBX1): what a dialled short or direct number reaches.

Rules kept here:
- Short numbers are digits only, 2–8 long, and unique within the tenant; a plan may fix
  their length (e.g. every number 4 digits) or leave it mixed. A number that is a prefix of
  another is refused too, as a phone dialling it could never reach the longer one.
- A direct-in (DID) range from the operator ("010-123 45 00" to "010-123 45 99") maps its
  numbers one by one onto a block of short numbers of the same size (4500 → the short
  number ``first_short`` + offset). DIDs are normalised to E.164 with ``phonenumbers``
  (Swedish national form by default), so "010-123 45 00", "+46101234500" and
  "0046101234500" resolve alike. DID ranges never overlap.
- Every conflict is refused with a :class:`NumberConflict` naming the number (STYLE rule 5).
- Feature codes (starting with ``*`` or ``#``) are not in the plan: the feature code parser
  recognises them first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import pairwise
from types import MappingProxyType

import phonenumbers

from vaxel.core.errors import DomainError

__all__ = [
    "MAILBOX_MENU",
    "MAX_RANGE",
    "DidRange",
    "NumberConflict",
    "NumberingPlan",
    "Target",
    "TargetKind",
    "normalise_did",
]

MAX_RANGE = 10_000
"""The most numbers one DID range may hold (a whole 4-digit block)."""
_SHORT_LENGTHS = range(2, 9)
MAILBOX_MENU = "*"
"""The ref of a VOICEMAIL target that is the voicemail number (the mailbox menu: one's own
mailbox from one's own extension, else mailbox number and PIN), not one person's box."""


class TargetKind(StrEnum):
    PERSON = "person"
    GROUP = "group"
    QUEUE = "queue"
    SERVICE = "service"
    VOICEMAIL = "voicemail"
    PARK_ORBIT = "park-orbit"
    CONFERENCE = "conference"
    FEATURE_CODES = "feature-codes"
    """The tenant's number for feature codes from a mobile over the trunk (PBX1, PBX9):
    the caller's number must be a person's mobile device and their PIN is asked
    (``telephony/mobile_codes.py``); ``ref`` is free text (e.g. ``koder``)."""
    EXTERNAL = "external"
    """Never in a plan: an external number an extension dialled, out over the tenant's
    trunk (``telephony/outside_calls.py``, issue 14 §2); ``ref`` is the E.164 number."""


@dataclass(frozen=True, slots=True)
class Target:
    """What a number reaches. ``ref`` by kind: a person id, group id, queue id, service
    number (E.164, its flow answers), mailbox (person id), orbit number or room id."""

    kind: TargetKind
    ref: str

    def __post_init__(self) -> None:
        if not self.ref or len(self.ref) > 128:
            raise ValueError(f"a target's ref must be 1–128 characters, got {self.ref!r}")


class NumberConflict(DomainError):
    """A number refused by the plan; ``code`` names the rule, ``number`` the number."""

    def __init__(self, code: str, number: str, message: str, **params: object) -> None:
        super().__init__(f"{number}: {message}", code=code, number=number, **params)
        self.number = number


def normalise_did(number: str, region: str = "SE") -> str:
    """``number`` as E.164 ("010-123 45 00" → "+46101234500"); raises NumberConflict
    ``pbx-did-invalid`` for what is not a valid phone number."""
    text = number.strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise NumberConflict("pbx-did-invalid", number, "not a phone number") from None
    if not phonenumbers.is_valid_number(parsed):
        raise NumberConflict("pbx-did-invalid", number, "not a valid phone number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


@dataclass(frozen=True, slots=True)
class DidRange:
    """Direct numbers ``first``..``last`` (E.164, same length, same prefix) onto short
    numbers from ``first_short`` on, one to one."""

    first: str
    last: str
    first_short: str

    @classmethod
    def parse(cls, first: str, last: str, first_short: str, region: str = "SE") -> DidRange:
        """From what an admin types; every rule broken is a NumberConflict."""
        start, end = normalise_did(first, region), normalise_did(last, region)
        if len(start) != len(end) or int(end[1:]) < int(start[1:]):
            raise NumberConflict("pbx-did-range-order", last, "the range ends before it starts")
        size = int(end[1:]) - int(start[1:]) + 1
        if size > MAX_RANGE:
            raise NumberConflict("pbx-did-range-size", last, "range too large", max=MAX_RANGE)
        _check_short(first_short)
        last_short = int(first_short) + size - 1
        if len(str(last_short)) > len(first_short):
            raise NumberConflict(
                "pbx-did-short-overflow", first_short, "the short numbers run out of digits"
            )
        return cls(start, end, first_short)

    @property
    def size(self) -> int:
        return int(self.last[1:]) - int(self.first[1:]) + 1

    def short_for(self, e164: str) -> str | None:
        """The short number ``e164`` maps to, or None outside the range."""
        if len(e164) != len(self.first) or not e164[1:].isdigit():
            return None
        offset = int(e164[1:]) - int(self.first[1:])
        if not 0 <= offset < self.size:
            return None
        return str(int(self.first_short) + offset).zfill(len(self.first_short))

    def did_for(self, short: str) -> str | None:
        """The direct number of ``short``, or None if the range has none for it."""
        if len(short) != len(self.first_short) or not short.isdigit():
            return None
        offset = int(short) - int(self.first_short)
        if not 0 <= offset < self.size:
            return None
        return "+" + str(int(self.first[1:]) + offset)

    def overlaps(self, other: DidRange) -> bool:
        if len(self.first) != len(other.first):
            return False
        return int(self.first[1:]) <= int(other.last[1:]) and int(other.first[1:]) <= int(
            self.last[1:]
        )


def _check_short(number: str, length: int | None = None) -> None:
    if not number.isdigit() or len(number) not in _SHORT_LENGTHS:
        raise NumberConflict("pbx-short-invalid", number, "a short number is 2–8 digits")
    if length is not None and len(number) != length:
        raise NumberConflict(
            "pbx-short-length", number, f"this plan's numbers have {length} digits", length=length
        )


@dataclass(frozen=True, slots=True)
class NumberingPlan:
    """One tenant's plan; build it with :meth:`build` (which checks every rule)."""

    tenant_id: str
    short_length: int | None = None
    """Every short number has this many digits; None: mixed lengths."""
    region: str = "SE"
    numbers: Mapping[str, Target] = field(default_factory=lambda: MappingProxyType({}))
    did_ranges: tuple[DidRange, ...] = ()

    @classmethod
    def build(
        cls,
        tenant_id: str,
        numbers: Iterable[tuple[str, Target]],
        did_ranges: Iterable[DidRange] = (),
        *,
        short_length: int | None = None,
        region: str = "SE",
    ) -> NumberingPlan:
        """A checked plan: raises NumberConflict naming the first number that breaks a rule."""
        if short_length is not None and short_length not in _SHORT_LENGTHS:
            raise NumberConflict(
                "pbx-short-invalid", str(short_length), "a short number is 2–8 digits"
            )
        table: dict[str, Target] = {}
        for number, target in numbers:
            _check_short(number, short_length)
            if number in table:
                raise NumberConflict("pbx-number-taken", number, "the number is taken")
            table[number] = target
        ordered = sorted(table)  # a prefix sorts right before the numbers it starts
        for number, other in pairwise(ordered):
            if other.startswith(number):
                raise NumberConflict(
                    "pbx-number-prefix", number, "is the start of another", other=other
                )
        ranges: list[DidRange] = []
        for did_range in did_ranges:
            for earlier in ranges:
                if did_range.overlaps(earlier):
                    raise NumberConflict(
                        "pbx-did-overlap", did_range.first, "overlaps another range"
                    )
            if short_length is not None and len(did_range.first_short) != short_length:
                _check_short(did_range.first_short, short_length)
            ranges.append(did_range)
        return cls(tenant_id, short_length, region, MappingProxyType(table), tuple(ranges))

    def with_number(self, number: str, target: Target) -> NumberingPlan:
        """This plan plus one number (checked as :meth:`build` does)."""
        return NumberingPlan.build(
            self.tenant_id,
            [*self.numbers.items(), (number, target)],
            self.did_ranges,
            short_length=self.short_length,
            region=self.region,
        )

    def short_of_did(self, dialled: str) -> str | None:
        """The short number a direct number maps to (None: not one of ours)."""
        if not self.did_ranges or not dialled.lstrip("+").isdigit():
            return None
        try:
            e164 = normalise_did(dialled, self.region)
        except NumberConflict:
            return None
        for did_range in self.did_ranges:
            short = did_range.short_for(e164)
            if short is not None:
                return short
        return None

    def resolve(self, dialled: str) -> Target | None:
        """What ``dialled`` reaches: a short number, or a DID mapped to one; else None."""
        target = self.numbers.get(dialled)
        if target is not None:
            return target
        short = self.short_of_did(dialled)
        return self.numbers.get(short) if short is not None else None

    def direct_number(self, short: str) -> str | None:
        """The E.164 direct number of a short number, if a DID range covers it (PBX2)."""
        for did_range in self.did_ranges:
            did = did_range.did_for(short)
            if did is not None:
                return did
        return None

    def numbers_of(self, target: Target) -> list[str]:
        """Every short number reaching ``target`` (a person may have several)."""
        return sorted(n for n, t in self.numbers.items() if t == target)
