"""The ports between telephony and the runtime for reaching a person (PBX5, DIR3, DIR4).

Telephony never imports the store or the directory's views; it asks :class:`PersonReach`
what a call to a person should do (their forwarding, line, absence) and carries out a
feature code through it, and it tells :class:`LineReport` when a person's phone rings,
is answered, or stops. The runtime implements both; tests give fakes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from vaxel.core.errors import DomainError
from vaxel.directory.presence import LineState
from vaxel.pbx.feature_codes import FeatureCode
from vaxel.pbx.forwarding import Forwarding

__all__ = [
    "Absence",
    "AbsentOffer",
    "AbsentOfferError",
    "LineReport",
    "NoReach",
    "PersonReach",
]

MAX_OPERATOR_NUMBER = 8
"""Digits of the short number 0 leads to (as long as the plan's longest)."""


@dataclass(frozen=True, slots=True)
class Absence:
    """What a caller is told of an absent person: the reason (its id in the tenant's
    catalogue) and the return time (aware; None: until further notice)."""

    reason_id: str
    until: datetime | None


@dataclass(frozen=True, slots=True)
class AbsentOffer:
    """What a caller who reached an absent person may press (configurable per tenant):
    0 for the operator, 1 for voicemail."""

    operator: bool = True
    voicemail: bool = True
    operator_number: str = ""
    """The short number 0 leads to (the switchboard's group or queue in the plan); none:
    the operator is not offered."""

    def __post_init__(self) -> None:
        number = self.operator_number
        if number and not (number.isdigit() and len(number) <= MAX_OPERATOR_NUMBER):
            raise AbsentOfferError(
                f"operator number {number[:20]!r}", code="absent-offer-number",
                field="operator_number",
            )  # fmt: skip

    @classmethod
    def of(cls, stored: object) -> AbsentOffer:
        """From a tenant's stored ``pbx-presence`` settings; anything unusable: the default
        (both offered, no operator number), so a broken row never silences a caller's menu."""
        if not isinstance(stored, dict):
            return cls()
        number = stored.get("operator_number", "")
        try:
            return cls(
                operator=stored.get("operator", True) is not False,
                voicemail=stored.get("voicemail", True) is not False,
                operator_number=number if isinstance(number, str) else "",
            )
        except AbsentOfferError:
            return cls(stored.get("operator", True) is not False,
                       stored.get("voicemail", True) is not False)  # fmt: skip


class AbsentOfferError(DomainError):
    """An offer refused: the operator's number is not digits (``absent-offer-number``) or
    reaches nothing in the plan (``absent-offer-unknown``)."""


class PersonReach(Protocol):
    """What telephony may ask about a person when a call reaches them."""

    def forwarding(self, tenant_id: str, person_id: str) -> Forwarding | None: ...

    def line(self, tenant_id: str, person_id: str) -> LineState: ...

    def absence(self, tenant_id: str, person_id: str) -> Absence | None: ...

    def extension(self, tenant_id: str, person_id: str) -> str | None: ...

    def person_on(self, tenant_id: str, extension: str) -> str | None:
        """The person whose short number ``extension`` is (the first, when shared)."""
        ...

    def absent_offer(self, tenant_id: str) -> AbsentOffer: ...

    def carry_out(self, tenant_id: str, person_id: str, command: FeatureCode) -> str:
        """Carry out a feature code for ``person_id``; the prompt id that answers it (a
        confirmation, or what was refused: barred number, loop, unknown reason …)."""
        ...


class LineReport(Protocol):
    """Telephony's report of the calls involving people (DIR4)."""

    def ringing(self, tenant_id: str, person_id: str, call_id: str) -> None: ...

    def answered(self, tenant_id: str, person_id: str, call_id: str) -> None: ...

    def left(self, tenant_id: str, person_id: str, call_id: str) -> None: ...

    def ended(self, call_id: str) -> None: ...


class NoReach:
    """No PBX behind telephony (tests, a contact center alone): nobody forwards, every
    line idle, nobody absent, feature codes refused as unknown."""

    def forwarding(self, tenant_id: str, person_id: str) -> Forwarding | None:
        return None

    def line(self, tenant_id: str, person_id: str) -> LineState:
        return LineState.IDLE

    def absence(self, tenant_id: str, person_id: str) -> Absence | None:
        return None

    def extension(self, tenant_id: str, person_id: str) -> str | None:
        return None

    def person_on(self, tenant_id: str, extension: str) -> str | None:
        return None

    def absent_offer(self, tenant_id: str) -> AbsentOffer:
        return AbsentOffer()

    def carry_out(self, tenant_id: str, person_id: str, command: FeatureCode) -> str:
        return "sv/pbx/unknown-code"

    def ringing(self, tenant_id: str, person_id: str, call_id: str) -> None:
        return None

    def answered(self, tenant_id: str, person_id: str, call_id: str) -> None:
        return None

    def left(self, tenant_id: str, person_id: str, call_id: str) -> None:
        return None

    def ended(self, call_id: str) -> None:
        return None
