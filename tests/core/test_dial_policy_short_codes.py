"""Short numbers written with the country code (task R; PBX8): 118 xx(x) as +46 118 118 is
still directory enquiries (a carrier that strips +46 dials the service), and 112 or 114 14
as +46 112 still reaches them — the bar and the always-allowed both hold in either form."""

from __future__ import annotations

import pytest

from vaxel.core.dial_policy import DialPolicy, DialRefusal


@pytest.mark.parametrize(
    ("number", "short"),
    [("+46118118", "118118"), ("0046118118", "118118"), ("+46 118 00", "11800")],
)
def test_directory_enquiries_with_the_country_code_is_premium(number: str, short: str) -> None:
    for policy in (DialPolicy(), DialPolicy(international_allowed=True)):
        assert policy.decide(number).refusal is DialRefusal.PREMIUM_RATE
    assert DialPolicy(premium_allowed=True).decide(number).number == short


@pytest.mark.parametrize(("number", "dialled"), [("+46112", "112"), ("0046 114 14", "11414")])
def test_emergency_with_the_country_code_is_always_allowed(number: str, dialled: str) -> None:
    assert DialPolicy(external_allowed=False).decide(number).number == dialled


def test_a_norrkoping_number_starting_118_is_an_ordinary_call() -> None:
    assert DialPolicy().decide("011-811 81 20").number == "+46118118120"
