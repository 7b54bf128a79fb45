"""Dial policy: Swedish numbers normalised, international barred unless enabled (PBX8)."""

from __future__ import annotations

import pytest

from vaxel.telephony.numbers import DialPolicy, InternationalBarred, InvalidNumber, normalise


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
    with pytest.raises(InternationalBarred) as error:
        DialPolicy().check(number)
    assert error.value.status == 403
    assert DialPolicy(international_allowed=True).check(number).startswith("+")


@pytest.mark.parametrize("number", ["", "abc", "12", "+46 1"])
def test_garbage_is_an_invalid_number(number: str) -> None:
    with pytest.raises(InvalidNumber) as error:
        normalise(number)
    assert error.value.status == 484
