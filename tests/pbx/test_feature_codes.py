"""Feature codes (PBX5): the keypad strings, and what is said about a bad one."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vaxel.pbx.feature_codes import (
    ClearForwarding,
    ClearPresence,
    FeatureCodeRefused,
    FeatureError,
    JoinGroup,
    LeaveGroup,
    RecordPrompt,
    SetForwarding,
    SetPresence,
    SetSwitch,
    is_feature_code,
    parse,
)
from vaxel.pbx.forwarding import ForwardCondition
from vaxel.speech import catalogue

C = ForwardCondition

CASES = [
    ("*21*0701234567#", SetForwarding(C.ALWAYS, "0701234567")),
    ("*21*+46701234567#", SetForwarding(C.ALWAYS, "+46701234567")),
    ("#21#", ClearForwarding(C.ALWAYS)),
    ("*61*2042#", SetForwarding(C.NO_ANSWER, "2042")),
    ("*61*2042*30#", SetForwarding(C.NO_ANSWER, "2042", 30)),
    ("#61#", ClearForwarding(C.NO_ANSWER)),
    ("*67*2042#", SetForwarding(C.BUSY, "2042")),
    ("#67#", ClearForwarding(C.BUSY)),
    ("*62*0701234567#", SetForwarding(C.UNREGISTERED, "0701234567")),
    ("#62#", ClearForwarding(C.UNREGISTERED)),
    ("##002#", ClearForwarding(None)),
    ("*23*1#", SetPresence(1, None)),
    ("*23*1*1430#", SetPresence(1, (14, 30))),
    ("*23*12*0005#", SetPresence(12, (0, 5))),
    ("#23#", ClearPresence()),
    ("*28*500#", JoinGroup("500")),
    ("#28*500#", LeaveGroup("500")),
    ("#28#", LeaveGroup(None)),
    ("*95*3#", RecordPrompt(3)),
    ("*96*2#", SetSwitch(2, True)),
    ("#96*2#", SetSwitch(2, False)),
    ("%2A21%2A2042%23", SetForwarding(C.ALWAYS, "2042")),  # as a SIP URI carries it
]


@pytest.mark.parametrize(("dialled", "command"), CASES)
def test_codes(dialled: str, command: object) -> None:
    assert is_feature_code(dialled)
    assert parse(dialled) == command


REFUSED = [
    ("*99#", FeatureError.UNKNOWN_CODE),
    ("*21", FeatureError.UNKNOWN_CODE),
    ("*21*#", FeatureError.NUMBER_MISSING),
    ("*21#", FeatureError.NUMBER_MISSING),
    ("*21*12345678901234567890123#", FeatureError.NUMBER_INVALID),
    ("*21*+#", FeatureError.NUMBER_INVALID),
    ("#21*2042#", FeatureError.UNKNOWN_CODE),
    ("*61*2042*4#", FeatureError.SECONDS_INVALID),
    ("*61*2042*121#", FeatureError.SECONDS_INVALID),
    ("*61*2042*#", FeatureError.SECONDS_INVALID),
    ("*23*1*2460#", FeatureError.TIME_INVALID),
    ("*23*1*930#", FeatureError.TIME_INVALID),
    ("*23*0#", FeatureError.REASON_INVALID),
    ("*23*100#", FeatureError.REASON_INVALID),
    ("*23#", FeatureError.REASON_INVALID),
    ("*28*#", FeatureError.GROUP_INVALID),
    ("*95*0#", FeatureError.SLOT_INVALID),
    ("*95#", FeatureError.SLOT_INVALID),
    ("*" * 100, FeatureError.UNKNOWN_CODE),
]


@pytest.mark.parametrize(("dialled", "error"), REFUSED)
def test_bad_codes_say_what_was_wrong_in_swedish(dialled: str, error: FeatureError) -> None:
    with pytest.raises(FeatureCodeRefused) as refused:
        parse(dialled)
    assert refused.value.error is error
    assert refused.value.code == f"feature-{error.value}"
    assert catalogue("sv")[refused.value.prompt]  # a prompt exists that says it


def test_plain_numbers_are_not_feature_codes() -> None:
    assert not is_feature_code("2041")
    assert not is_feature_code("+46701234567")


@given(st.text(alphabet="*#0123456789+", max_size=60))
def test_any_keypad_string_parses_or_is_refused_with_a_prompt(dialled: str) -> None:
    try:
        parse(dialled)
    except FeatureCodeRefused as refused:
        assert refused.prompt in catalogue("sv")
