"""Forwarding rules (PBX5, DIR3): order of conditions, barring, loops and hop limits."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vaxel.core.dial_policy import DialPolicy, is_emergency
from vaxel.core.errors import ConfigError
from vaxel.pbx.forwarding import (
    MAX_HOPS,
    Destination,
    ForwardCondition,
    Forwarding,
    ForwardingRefused,
    ForwardNow,
    ForwardRule,
    Hops,
    RingFirst,
    check_destination,
    check_no_loop,
    decide,
    forwarding_from_mapping,
    forwarding_to_mapping,
)

ALWAYS = ForwardCondition.ALWAYS
BUSY = ForwardCondition.BUSY
NO_ANSWER = ForwardCondition.NO_ANSWER
UNREGISTERED = ForwardCondition.UNREGISTERED
INTERNAL = {"2041", "2042", "2043"}.__contains__


def rules(*pairs: tuple[ForwardCondition, str]) -> Forwarding:
    forwarding = Forwarding()
    for condition, destination in pairs:
        forwarding = forwarding.with_rule(ForwardRule(condition, destination))
    return forwarding


def test_always_wins_over_everything() -> None:
    f = rules((BUSY, "2042"), (ALWAYS, "2043"), (NO_ANSWER, "2042"))
    assert decide(f, registered=False, busy=True) == ForwardNow("2043", ALWAYS)


def test_unregistered_then_busy_then_ring_with_no_answer_timer() -> None:
    f = rules((UNREGISTERED, "0701234567"), (BUSY, "2042")).with_rule(
        ForwardRule(NO_ANSWER, "2043", after_s=15)
    )
    assert decide(f, registered=False, busy=False) == ForwardNow("0701234567", UNREGISTERED)
    assert decide(f, registered=True, busy=True) == ForwardNow("2042", BUSY)
    assert decide(f, registered=True, busy=False) == RingFirst(15, "2043", "2042")


def test_no_rules_just_ring() -> None:
    assert decide(None, registered=True, busy=True) == RingFirst()
    assert decide(Forwarding(), registered=False, busy=False) == RingFirst()


def test_one_rule_per_condition_and_replacing_keeps_order() -> None:
    f = rules((NO_ANSWER, "2042"), (ALWAYS, "2043"), (NO_ANSWER, "2041"))
    assert [r.condition for r in f.rules] == [ALWAYS, NO_ANSWER]
    assert f.rule(NO_ANSWER) == ForwardRule(NO_ANSWER, "2041")
    assert f.forwarded_to == "2043"
    assert f.without(ALWAYS).forwarded_to is None
    assert f.without().rules == ()
    with pytest.raises(ConfigError):
        Forwarding((ForwardRule(BUSY, "1"), ForwardRule(BUSY, "2")))


@pytest.mark.parametrize("seconds", [0, 4, 121, 10_000])
def test_no_answer_time_is_bounded(seconds: int) -> None:
    with pytest.raises(ConfigError) as error:
        ForwardRule(NO_ANSWER, "2041", after_s=seconds)
    assert error.value.field == "after_s"


@pytest.mark.parametrize("text", ["", "abc", "12*3", "1" * 21, "+", "20 41x"])
def test_a_destination_is_digits(text: str) -> None:
    with pytest.raises(ConfigError):
        check_destination(text, INTERNAL, DialPolicy())


def test_internal_destinations_are_the_plans_and_external_ones_go_through_the_policy() -> None:
    assert check_destination("20 41", INTERNAL, DialPolicy()) == Destination("2041", True)
    assert check_destination("070-123 45 67", INTERNAL, DialPolicy()) == Destination(
        "+46701234567", False
    )
    # 112 is dialled by anyone, but is no destination: test_an_emergency_number_is_never…


@pytest.mark.parametrize(
    ("number", "refusal"),
    [
        ("0900123456", "premium-rate"),
        ("11888", "premium-rate"),
        ("+4915112345678", "international-barred"),
        ("+881612345678", "non-geographic"),
        ("123", "invalid-number"),
    ],
)
def test_forwarding_never_bypasses_barring(number: str, refusal: str) -> None:
    with pytest.raises(ForwardingRefused) as error:
        check_destination(number, INTERNAL, DialPolicy())
    assert error.value.code == "forwarding-barred"
    assert error.value.params["refusal"] == refusal


@pytest.mark.parametrize("number", ["112", "+46112", "0046 112", "11414", "114 14", "+4611414"])
def test_an_emergency_number_is_never_a_destination(number: str) -> None:
    """The dial policy lets anyone dial 112; a forwarded caller must not end up there."""
    generous = DialPolicy(international_allowed=True, premium_allowed=True)
    with pytest.raises(ForwardingRefused) as error:
        check_destination(number, INTERNAL, generous)
    assert error.value.code == "forwarding-emergency"
    with pytest.raises(ForwardingRefused):
        check_destination(number, lambda n: True, generous)  # a plan's "112" is no way round


@pytest.mark.parametrize("number", ["1120", "08112", "+468112000", "0701121212"])
def test_numbers_that_merely_contain_112_are_not_emergency(number: str) -> None:
    assert not is_emergency(number)


def test_abroad_is_allowed_only_when_the_tenant_allows_it() -> None:
    allowed = DialPolicy(international_allowed=True)
    assert check_destination("+4915112345678", INTERNAL, allowed).number == "+4915112345678"


def test_an_always_loop_is_refused_when_set() -> None:
    always = {"2042": "2043", "2043": "2041"}.get
    with pytest.raises(ForwardingRefused) as error:
        check_no_loop("2041", "2042", always)
    assert error.value.code == "forwarding-loop"
    with pytest.raises(ForwardingRefused) as error:
        check_no_loop("2041", "2041", always)
    assert error.value.code == "forwarding-self"
    check_no_loop("2041", "2042", {"2042": "2043"}.get)  # a chain that ends is fine


def test_hops_stop_a_conditional_loop_and_a_long_chain() -> None:
    hops = Hops()
    assert hops.may_forward("2041", "2042")
    hops = hops.then("2041")
    assert not hops.may_forward("2042", "2041")  # A busy -> B, B busy -> A: stays at B
    long = Hops(tuple(str(n) for n in range(MAX_HOPS)))
    assert not long.may_forward("9", "8")


@given(st.lists(st.sampled_from(["a", "b", "c", "d", "e", "f"]), max_size=40))
def test_following_hops_always_ends(path: list[str]) -> None:
    hops, here = Hops(), "start"
    steps = 0
    for there in path:
        if not hops.may_forward(here, there):
            break
        hops, here = hops.then(here), there
        steps += 1
    assert steps <= MAX_HOPS
    assert len(set(hops.passed)) == len(hops.passed)


def test_the_stored_form_round_trips_and_names_the_bad_rule() -> None:
    f = rules((ALWAYS, "2042")).with_rule(ForwardRule(NO_ANSWER, "+46701234567", 30))
    assert forwarding_from_mapping(forwarding_to_mapping(f)) == f
    with pytest.raises(ConfigError) as error:
        forwarding_from_mapping({"rules": [{"condition": "busy", "destination": "x"}]})
    assert error.value.field == "rules[0].destination"
    with pytest.raises(ConfigError) as error:
        forwarding_from_mapping({"rules": [{"condition": "sometimes", "destination": "1"}]})
    assert error.value.field == "rules[0].condition"


def test_forwardings_made_before_the_call_reached_us_count() -> None:
    """A carrier's Diversion counter (RFC 5806) counts towards the bound: a loop through the
    public network ends after MAX_HOPS turns in all (task R)."""
    arrived = Hops(earlier=MAX_HOPS - 1)
    assert arrived.may_forward("4500", "0701234567")
    onward = arrived.then("4500")
    assert onward.count == MAX_HOPS and onward.earlier == MAX_HOPS - 1
    assert not onward.may_forward("4501", "0707654321")
    assert not Hops(earlier=MAX_HOPS).may_forward("4500", "0701234567")
