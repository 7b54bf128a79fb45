"""The one dial policy (issue 10 §11, PBX8, CB7): what Växel dials, and why not."""

from __future__ import annotations

import pytest

from vaxel.core.dial_policy import DialPolicy, DialRefusal, NumberRefused


@pytest.mark.parametrize(
    ("typed", "refusal"),
    [
        ("0900-123 45 67", DialRefusal.PREMIUM_RATE),
        ("0939 12 34 56", DialRefusal.PREMIUM_RATE),
        ("0944-12 34 56", DialRefusal.PREMIUM_RATE),
        ("+46 900 123 456", DialRefusal.PREMIUM_RATE),
        ("118 118", DialRefusal.PREMIUM_RATE),
        ("11880", DialRefusal.PREMIUM_RATE),
        ("00881 6 1234 5678", DialRefusal.NON_GEOGRAPHIC),  # Iridium, a satellite phone
        ("+870 772 345 678", DialRefusal.NON_GEOGRAPHIC),  # Inmarsat
        ("+44 20 7123 4567", DialRefusal.INTERNATIONAL),
        ("0049 30 1234567", DialRefusal.INTERNATIONAL),
        ("12", DialRefusal.INVALID),
        ("", DialRefusal.INVALID),
        ("abc", DialRefusal.INVALID),
    ],
)
def test_barred_numbers_are_refused_with_a_stable_code(typed: str, refusal: DialRefusal) -> None:
    decision = DialPolicy().decide(typed)
    assert decision.refusal is refusal and not decision.allowed
    with pytest.raises(NumberRefused) as error:
        DialPolicy().check(typed)
    assert error.value.code is refusal
    assert error.value.status == (484 if refusal is DialRefusal.INVALID else 403)


@pytest.mark.parametrize(
    ("typed", "dialled"),
    [
        ("08-123 456 78", "+46812345678"),
        ("070-123 45 67", "+46701234567"),
        ("011-18 11 80", "+4611181180"),  # Norrköping, not directory enquiries
        ("112", "112"),
        ("114 14", "11414"),
    ],
)
def test_swedish_and_emergency_numbers_are_allowed(typed: str, dialled: str) -> None:
    assert DialPolicy().check(typed) == dialled


def test_a_tenant_may_allow_international_but_never_premium_or_satellite() -> None:
    policy = DialPolicy(international_allowed=True)
    assert policy.check("+44 20 7123 4567") == "+442071234567"
    assert policy.decide("+44 909 879 0000").refusal is DialRefusal.PREMIUM_RATE
    assert policy.decide("+881 6 1234 5678").refusal is DialRefusal.NON_GEOGRAPHIC
    assert policy.decide("0900 123 45 67").refusal is DialRefusal.PREMIUM_RATE
