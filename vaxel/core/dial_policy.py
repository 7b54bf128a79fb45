"""The one dial policy: every number Växel dials or hands to an agent (PBX8, CB7, CB9).

Toll fraud came through callbacks (issue 10 §11): a caller id from a satellite range booked
a callback from the IVR and was offered as a ``tel:`` link, and the API took premium-rate
numbers. So calls, callbacks from any source, forwards and transfers all ask this module,
which answers with a stable reason code the edges translate:

- 112 and 114 14 (emergency, police non-emergency) are always allowed, as dialled.
- Swedish premium rate (0900, 0939, 0944) and directory enquiries (118 xx) are barred.
- Satellite and other non-geographic ranges (+881, +882, +883, +870 …: numbers that belong
  to no country) are barred.
- Anything outside +46 is barred unless the tenant allows international calls; then
  foreign premium-rate numbers stay barred.
- What does not parse as a possible number is invalid.

A class of service (PBX8, :mod:`vaxel.pbx.class_of_service`) does not make a second
policy: it gives the person's or group's calls this same policy with other settings —
premium rate allowed, or nothing outside the switch at all (``external_allowed``) — and
112 and 114 14 stay allowed whatever it says. Whoever dials on someone's behalf (a
forward, a transfer, a conference dial-out) asks the policy of that someone.

Pure: ``phonenumbers`` is a pure parser (no I/O), so the IVR flow can ask too.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import phonenumbers

from vaxel.core.errors import DomainError

__all__ = [
    "ALWAYS_ALLOWED",
    "DialDecision",
    "DialPolicy",
    "DialRefusal",
    "NumberRefused",
    "is_emergency",
    "normalise",
]

ALWAYS_ALLOWED = frozenset({"112", "11414"})
"""Emergency (112) and the police's non-emergency number (114 14), dialled as they are."""
SWEDISH_PREMIUM = ("+46900", "+46939", "+46944")
"""0900, 0939 and 0944: premium-rate services, billed far above a call (PTS numbering plan)."""
DIRECTORY_ENQUIRIES = "118"
"""118 xx(x): directory enquiry services, premium billed; dialled without a trunk prefix."""
NON_GEOGRAPHIC_REGION = "001"
"""What ``phonenumbers`` calls the region of a number that belongs to no country."""


class DialRefusal(StrEnum):
    """Why a number may not be dialled; a stable code the edges translate."""

    INVALID = "invalid-number"
    PREMIUM_RATE = "premium-rate"
    NON_GEOGRAPHIC = "non-geographic"
    INTERNATIONAL = "international-barred"
    EXTERNAL = "external-barred"
    """A class of service that reaches only the switch's own numbers (and 112, 114 14)."""


class NumberRefused(DomainError):
    """A number the dial policy refuses; ``code`` says why, ``status`` is the SIP answer
    (484 Address Incomplete for garbage, 403 Forbidden for a barred number)."""

    code: DialRefusal

    def __init__(self, code: DialRefusal, number: str, reason: str) -> None:
        self.code = code
        self.number = number[:40]
        self.reason = reason
        self.status = 484 if code is DialRefusal.INVALID else 403
        super().__init__(f"{reason}: {self.number}")


@dataclass(frozen=True, slots=True)
class DialDecision:
    """The policy's answer: ``number`` in the form to dial (E.164, or 112/11414 as they
    are) when allowed; ``refusal`` when not."""

    number: str
    refusal: DialRefusal | None = None

    @property
    def allowed(self) -> bool:
        return self.refusal is None


_REASONS = {
    DialRefusal.INVALID: "Not a possible phone number",
    DialRefusal.PREMIUM_RATE: "Premium-rate numbers are barred",
    DialRefusal.NON_GEOGRAPHIC: "Satellite and non-geographic numbers are barred",
    DialRefusal.INTERNATIONAL: "International calls are barred for this tenant",
    DialRefusal.EXTERNAL: "External calls are barred for this class of service",
}


def _cleaned(number: str) -> str:
    """Digits and a leading +, with the international prefix 00 written as +."""
    stripped = number.strip()
    kept = "".join(c for c in stripped if c.isdigit())
    if stripped.startswith("+"):
        return "+" + kept
    return "+" + kept[2:] if kept.startswith("00") else kept


def _short_code(cleaned: str) -> str:
    """112, 114 14 and 118 xx(x) written with the country code (+46 112, 0046 118 118) as
    the short numbers themselves: a carrier that strips +46 dials the service, so the bar
    on 118 and the always-allowed 112 must not depend on how the number was written."""
    rest = cleaned.removeprefix("+46")
    if rest != cleaned and (
        rest in ALWAYS_ALLOWED or (rest.startswith(DIRECTORY_ENQUIRIES) and len(rest) <= 6)
    ):
        return rest
    return cleaned


def is_emergency(number: str) -> bool:
    """Whether ``number`` is 112 or 114 14 however written (+46 112, 0046 11414, spaces):
    always dialled when a person dials it, never a destination someone else's call is
    sent to (a forwarding, issue 14 §4) — a forwarded call must not reach 112 by accident."""
    return _short_code(_cleaned(number)) in ALWAYS_ALLOWED


def normalise(number: str, region: str = "SE") -> str:
    """``number`` as E.164 (``+4610…``); raises NumberRefused (invalid) saying why."""
    cleaned = _cleaned(number)
    try:
        parsed = phonenumbers.parse(cleaned, region)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or not cleaned or not phonenumbers.is_possible_number(parsed):
        raise NumberRefused(DialRefusal.INVALID, number, _REASONS[DialRefusal.INVALID])
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


@dataclass(frozen=True, slots=True)
class DialPolicy:
    """What a tenant (or one class of service in it) may dial: Sweden always, premium rate
    only when a class of service allows it, abroad only when enabled (PBX8)."""

    international_allowed: bool = False
    home_country_code: int = 46
    premium_allowed: bool = False
    """Premium rate (0900, 0939, 0944, 118 xx, foreign premium): barred unless a class of
    service allows it."""
    external_allowed: bool = True
    """False for a class of service that reaches no number outside the switch."""

    def decide(self, number: str) -> DialDecision:
        """Allowed (with the number to dial) or refused (with the reason code)."""
        cleaned = _short_code(_cleaned(number))
        if cleaned in ALWAYS_ALLOWED:
            return DialDecision(cleaned)
        if not self.external_allowed:
            return DialDecision("", DialRefusal.EXTERNAL)
        if cleaned.startswith(DIRECTORY_ENQUIRIES) and cleaned.isdigit():
            if self.premium_allowed and 5 <= len(cleaned) <= 6:
                return DialDecision(cleaned)  # 118 xx(x) is dialled as it is, no area code
            return DialDecision("", DialRefusal.PREMIUM_RATE)
        try:
            e164 = normalise(number)
        except NumberRefused:
            return DialDecision("", DialRefusal.INVALID)
        parsed = phonenumbers.parse(e164)
        if e164.startswith(SWEDISH_PREMIUM) and not self.premium_allowed:
            return DialDecision("", DialRefusal.PREMIUM_RATE)
        if phonenumbers.region_code_for_number(parsed) == NON_GEOGRAPHIC_REGION:
            return DialDecision("", DialRefusal.NON_GEOGRAPHIC)
        if parsed.country_code != self.home_country_code:
            if not self.international_allowed:
                return DialDecision("", DialRefusal.INTERNATIONAL)
            premium = phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.PREMIUM_RATE
            if premium and not self.premium_allowed:
                return DialDecision("", DialRefusal.PREMIUM_RATE)
        return DialDecision(e164)

    def allows(self, number: str) -> bool:
        """True when ``number`` may be dialled (a ``tel:`` link, a callback's number)."""
        return self.decide(number).allowed

    def check(self, number: str) -> str:
        """The number to dial when allowed; raises NumberRefused with the code otherwise."""
        decision = self.decide(number)
        if decision.refusal is not None:
            raise NumberRefused(decision.refusal, number, _REASONS[decision.refusal])
        return decision.number
