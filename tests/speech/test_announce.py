"""Queue and callback announcements (Q5, Q8, Q9, CB2, CB3) as the caller hears them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.speech._render import say
from vaxel.core.errors import ConfigError
from vaxel.speech import (
    WaitRounding,
    agents_available,
    callback_booked,
    callback_confirm,
    callback_offer,
    calls_ahead,
    estimated_wait,
    position,
    rounded_wait_minutes,
    time_interval,
    time_of_day,
)


@pytest.mark.parametrize(
    ("n", "repeated", "sv", "en"),
    [
        (1, False, "Du är nummer ett i kön", "You are number one in the queue"),
        (2, False, "Du är nummer två i kön", "You are number two in the queue"),
        (21, False, "Du är nummer tjugoett i kön", "You are number twenty-one in the queue"),
        (2, True, "Nu är du nummer två", "You are now number two"),
        (1, True, "Nu är du nummer ett", "You are now number one"),
    ],
)
def test_position_Q5(n: int, repeated: bool, sv: str, en: str) -> None:
    assert say(position(n, repeated)) == sv
    assert say(position(n, repeated, language="en"), "en") == en


def test_position_below_one_is_refused() -> None:
    with pytest.raises(ValueError):
        position(0)


@pytest.mark.parametrize(
    ("seconds", "minutes"),
    [
        (0, 0),
        (59.9, 0),  # under a minute is "mindre än en minut"
        (60, 1),
        (61, 2),  # rounded up: better a pleasant surprise than a broken promise
        (180, 3),
        (14 * 60 + 1, 15),
        (15 * 60, 15),
        (15 * 60 + 1, 20),  # above 15 min, 5-minute steps
        (20 * 60, 20),
        (21 * 60, 25),
        (30 * 60, 30),
        (30 * 60 + 1, None),  # above the cap: "mer än trettio minuter"
        (10 * 3600, None),
        (float("inf"), None),  # no agents logged in: the baseline estimator says inf
    ],
)
def test_wait_rounding_Q8(seconds: float, minutes: int | None) -> None:
    assert rounded_wait_minutes(seconds) == minutes


SV_WAIT, EN_WAIT = "Beräknad väntetid är", "The estimated waiting time is"


@pytest.mark.parametrize(
    ("seconds", "sv", "en"),
    [
        (30, "mindre än en minut", "less than one minute"),
        (60, "en minut", "one minute"),
        (180, "tre minuter", "three minutes"),
        (1500, "tjugofem minuter", "twenty-five minutes"),
        (3600, "mer än trettio minuter", "more than thirty minutes"),
    ],
)
def test_estimated_wait_Q8(seconds: float, sv: str, en: str) -> None:
    assert say(estimated_wait(seconds)) == f"{SV_WAIT} {sv}"
    assert say(estimated_wait(seconds, "en"), "en") == f"{EN_WAIT} {en}"


def test_custom_rounding_says_twenty_one_minutes_Q11() -> None:
    fine = WaitRounding(fine_up_to_min=60, cap_min=60)
    assert say(estimated_wait(21 * 60, rounding=fine)) == "Beräknad väntetid är tjugoen minuter"
    assert (
        say(estimated_wait(61 * 60, rounding=fine)) == "Beräknad väntetid är mer än sextio minuter"
    )


@pytest.mark.parametrize("seconds", [-1, float("nan")])
def test_estimated_wait_refuses_nonsense(seconds: float) -> None:
    with pytest.raises(ValueError):
        estimated_wait(seconds)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"fine_up_to_min": 0}, "fine_up_to_min"),
        ({"step_min": 0}, "step_min"),
        ({"fine_up_to_min": 20, "cap_min": 10}, "cap_min"),
        ({"cap_min": 1000}, "cap_min"),
    ],
)
def test_wait_rounding_validates_itself(kwargs: dict[str, int], field: str) -> None:
    with pytest.raises(ConfigError) as err:
        WaitRounding(**kwargs)
    assert err.value.field == field


@pytest.mark.parametrize(
    ("n", "sv", "en"),
    [
        (0, "Det är inga samtal före dig", "There are no calls ahead of you"),
        (1, "Det är ett samtal före dig", "There is one call ahead of you"),
        (2, "Det är två samtal före dig", "There are two calls ahead of you"),
        (21, "Det är tjugoett samtal före dig", "There are twenty-one calls ahead of you"),
    ],
)
def test_calls_ahead_neuter_Q11(n: int, sv: str, en: str) -> None:
    assert say(calls_ahead(n)) == sv
    assert say(calls_ahead(n, "en"), "en") == en


@pytest.mark.parametrize(
    ("n", "sv", "en"),
    [
        (0, "Det finns inga lediga handläggare", "There are no agents available"),
        (1, "Det finns en ledig handläggare", "There is one agent available"),
        (3, "Det finns tre lediga handläggare", "There are three agents available"),
        (21, "Det finns tjugoen lediga handläggare", "There are twenty-one agents available"),
    ],
)
def test_agents_available_common_gender_Q9(n: int, sv: str, en: str) -> None:
    assert say(agents_available(n)) == sv
    assert say(agents_available(n, language="en"), "en") == en


def test_agents_available_suppressed_below_minimum_Q9() -> None:
    assert agents_available(1, minimum=2) == ()
    assert say(agents_available(2, minimum=2)) == "Det finns två lediga handläggare"


@pytest.mark.parametrize(
    ("hour", "minute", "sv", "en"),
    [
        (10, 0, "klockan tio", "ten o'clock"),
        (1, 0, "klockan ett", "one o'clock"),
        (13, 30, "klockan tretton trettio", "thirteen thirty"),
        (9, 5, "klockan nio noll fem", "nine oh five"),
        (21, 21, "klockan tjugoett tjugoett", "twenty-one twenty-one"),
    ],
)
def test_time_of_day(hour: int, minute: int, sv: str, en: str) -> None:
    assert say(time_of_day(hour, minute)) == sv
    assert say(time_of_day(hour, minute, "en"), "en") == en


@pytest.mark.parametrize(("hour", "minute"), [(24, 0), (-1, 0), (10, 60)])
def test_time_of_day_refuses_invalid_clock(hour: int, minute: int) -> None:
    with pytest.raises(ValueError):
        time_of_day(hour, minute)


def test_callback_interval_CB2() -> None:
    assert say(time_interval((10, 0), (12, 0))) == "mellan klockan tio och tolv"
    assert say(time_interval((10, 0), (12, 0), "en"), "en") == "between ten and twelve o'clock"


def test_callback_confirmation_reads_number_back_CB3() -> None:
    assert say(callback_confirm("070-123 45 67")) == (
        "Vi ringer dig på nummer noll sju noll | ett två tre | fyra fem | sex sju "
        "Tryck 1 om det stämmer, 2 för att ange ett annat nummer."
    )


def test_callback_offer_CB1() -> None:
    assert "Tryck 1 för att bli uppringd" in say(callback_offer())
    assert "Press 1 to be called back" in say(callback_offer("en"), "en")


def test_callback_booked_names_the_interval_CB2() -> None:
    assert say(callback_booked((10, 0), (12, 0))) == (
        "Tack. Vi ringer upp dig mellan klockan tio och tolv Hej då."
    )
    assert say(callback_booked((8, 30), (9, 0), "en"), "en") == (
        "Thank you. We will call you back between eight thirty and nine o'clock Goodbye."
    )


@given(st.floats(0, 5000, allow_nan=False), st.floats(0, 5000, allow_nan=False))
def test_wait_rounding_never_promises_less_and_never_goes_down_Q8(a: float, b: float) -> None:
    def order(minutes: int | None) -> float:
        return float("inf") if minutes is None else minutes

    low, high = sorted((a, b))
    m = rounded_wait_minutes(low)
    if m:  # 0 is "under a minute", which low < 60 s honestly is
        assert m * 60 >= low
    assert order(rounded_wait_minutes(low)) <= order(rounded_wait_minutes(high))
