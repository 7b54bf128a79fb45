"""Dial policy for numbers Växel calls out to: Swedish numbers, barred international (PBX8).

Callbacks (CB9), overflow to a number (Q18) and transfers dial numbers that callers, agents
and admins typed. They are normalised to E.164 with the ``phonenumbers`` library (region SE)
and refused when they leave Sweden unless the tenant has enabled international calls.
"""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers

from vaxel.sip.errors import SipError

__all__ = ["DialPolicy", "InternationalBarred", "InvalidNumber", "normalise"]


class InvalidNumber(SipError):
    """Not a dialable number; answered 484 Address Incomplete."""

    status = 484


class InternationalBarred(SipError):
    """A call abroad while the tenant bars them (PBX8); answered 403."""

    status = 403


def normalise(number: str, region: str = "SE") -> str:
    """``number`` as E.164 (``+4610…``); raises InvalidNumber saying why."""
    cleaned = number.strip()
    if cleaned.startswith("00"):
        cleaned = "+" + cleaned[2:]
    try:
        parsed = phonenumbers.parse(cleaned, region)
    except phonenumbers.NumberParseException as error:
        raise InvalidNumber(f"Not a phone number: {number[:30]} ({error})") from None
    if not phonenumbers.is_possible_number(parsed):
        raise InvalidNumber(f"Not a possible phone number: {number[:30]}")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


@dataclass(frozen=True, slots=True)
class DialPolicy:
    """What a tenant may call: Sweden always, abroad only when enabled (PBX8)."""

    international_allowed: bool = False
    home_country_code: int = 46

    def check(self, number: str) -> str:
        """The E.164 form of ``number`` when it may be dialled; raises otherwise."""
        e164 = normalise(number)
        country = phonenumbers.parse(e164).country_code
        if country != self.home_country_code and not self.international_allowed:
            raise InternationalBarred("International calls are barred for this tenant")
        return e164
