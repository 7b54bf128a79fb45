"""Dial policy at the SIP edge: Swedish numbers normalised, international barred unless
enabled (PBX8); a refusal is the SIP answer (484 garbage, 403 barred)."""

from __future__ import annotations

import pytest

from vaxel.sip.errors import SipError
from vaxel.telephony.numbers import DialPolicy, NumberRefused, dial_or_sip_error, normalise


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("070-123 45 67", "+46701234567"),
        ("+46 8 123 456 78", "+46812345678"),
        ("0046701234567", "+46701234567"),
    ],
)
def test_swedish_numbers_are_normalised(typed: str, e164: str) -> None:
    assert normalise(typed) == e164
    assert DialPolicy().check(typed) == e164


@pytest.mark.parametrize("number", ["+4915112345678", "0044 20 7946 0958", "+1 202 555 0100"])
def test_international_is_barred_by_default_and_allowed_when_enabled(number: str) -> None:
    with pytest.raises(SipError) as error:
        dial_or_sip_error(DialPolicy(), number)
    assert error.value.status == 403
    assert DialPolicy(international_allowed=True).check(number).startswith("+")


@pytest.mark.parametrize("number", ["0900 123 45 67", "118 118", "+881 6 1234 5678"])
def test_premium_and_satellite_numbers_are_forbidden(number: str) -> None:
    with pytest.raises(SipError) as error:
        dial_or_sip_error(DialPolicy(international_allowed=True), number)
    assert error.value.status == 403


@pytest.mark.parametrize("number", ["", "abc", "12", "+46 1"])
def test_garbage_is_an_invalid_number(number: str) -> None:
    with pytest.raises(NumberRefused) as error:
        normalise(number)
    assert error.value.status == 484
    with pytest.raises(SipError) as sip:
        dial_or_sip_error(DialPolicy(), number)
    assert sip.value.status == 484
