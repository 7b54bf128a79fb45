"""The dialogue of recording and switching by phone, stepped by hand (IVR4, IVR5, issue 14
§7): the PIN (and the extension from a phone that is nobody's), its limits, refusals, the
take's review, and a caller who keys nothing."""

from __future__ import annotations

import pytest

from vaxel.core.errors import IllegalTransition
from vaxel.pbx.feature_codes import (
    MAX_CODE_LENGTH,
    MobileCodes,
    RecordPrompt,
    SetSwitch,
    code_complete,
)
from vaxel.pbx.phone_admin import (
    DISCARDED,
    ENTER_CODE,
    ENTER_EXTENSION,
    ENTER_PIN,
    GOODBYE,
    RECORD,
    REVIEW,
    TONE,
    TOO_SHORT,
    WRONG_PIN,
    AdminStep,
    CarryOut,
    CheckPin,
    Digit,
    Discard,
    Done,
    HangUp,
    PhoneAdminLimits,
    PhoneAdminMenu,
    PinChecked,
    PlayTake,
    Recorded,
    SaveTake,
    Say,
    StartRecording,
    SwitchIt,
)


def keyed(menu: PhoneAdminMenu, keys: str, now: float = 1.0) -> list[object]:
    out: list[object] = []
    for key in keys:
        out += menu.handle(Digit(key), now)
    return out


def test_a_switch_from_ones_own_phone_pin_then_switched_and_confirmed() -> None:
    menu = PhoneAdminMenu(SetSwitch(3, on=True), own_phone=True)
    assert menu.start(0.0) == [Say((ENTER_PIN,))]
    assert keyed(menu, "4711#") == [CheckPin("", "4711")]
    assert menu.handle(PinChecked(ok=True), 2.0) == [SwitchIt(3, True)]
    assert keyed(menu, "9") == [], "keys while it works change nothing"
    assert menu.handle(Done("sv/pbx/switch-on"), 3.0) == [
        Say(("sv/pbx/switch-on", GOODBYE)),
        HangUp(),
    ]
    assert menu.step is AdminStep.ENDED


def test_from_any_phone_the_extension_first_and_three_wrong_pins_end_the_call() -> None:
    menu = PhoneAdminMenu(SetSwitch(1, on=False), own_phone=False)
    assert menu.start(0.0) == [Say((ENTER_EXTENSION,))]
    assert keyed(menu, "2005#") == [Say((ENTER_PIN,))]
    assert keyed(menu, "1111#") == [CheckPin("2005", "1111")]
    assert menu.handle(PinChecked(ok=False), 2.0) == [Say((WRONG_PIN, ENTER_EXTENSION))]
    keyed(menu, "2005#1112#")
    assert menu.handle(PinChecked(ok=False), 3.0) == [Say((WRONG_PIN, ENTER_EXTENSION))]
    keyed(menu, "2005#1113#")
    assert menu.handle(PinChecked(ok=False), 4.0) == [Say((WRONG_PIN, GOODBYE)), HangUp()]


def test_a_refusal_after_the_right_pin_is_said_and_the_call_ends() -> None:
    menu = PhoneAdminMenu(RecordPrompt(2), own_phone=True)
    menu.start(0.0)
    keyed(menu, "4711#")
    assert menu.handle(PinChecked(ok=True, refusal="sv/pbx/not-allowed"), 2.0) == [
        Say(("sv/pbx/not-allowed", GOODBYE)),
        HangUp(),
    ]


def test_a_take_is_reviewed_recorded_again_and_saved() -> None:
    limits = PhoneAdminLimits(max_record_s=60.0)
    menu = PhoneAdminMenu(RecordPrompt(2), own_phone=True, limits=limits)
    menu.start(0.0)
    keyed(menu, "4711#")
    assert menu.handle(PinChecked(ok=True), 1.0) == [StartRecording(60.0, (RECORD, TONE))]
    assert menu.next_deadline() == 1.0 + 60.0 + limits.idle_s
    assert menu.on_timer(200.0) == [], "the adapter ends a recording at its maximum"
    assert menu.handle(Recorded(0.4), 5.0) == [
        Say((TOO_SHORT,)),
        StartRecording(60.0, (RECORD, TONE)),
    ]
    assert menu.handle(Recorded(3.0), 9.0) == [PlayTake((REVIEW,))]
    assert keyed(menu, "3") == [PlayTake((REVIEW,))]
    assert keyed(menu, "5") == [Say(("sv/voicemail/ogiltigt-val", REVIEW))]
    assert keyed(menu, "2") == [StartRecording(60.0, (RECORD, TONE))]
    menu.handle(Recorded(2.0), 20.0)
    assert keyed(menu, "1") == [SaveTake(2)]
    assert menu.handle(Done("sv/pbx/prompt-saved"), 21.0)[-1] == HangUp()


def test_a_take_discarded_with_star_and_takes_are_limited() -> None:
    menu = PhoneAdminMenu(RecordPrompt(1), own_phone=True, limits=PhoneAdminLimits(max_takes=2))
    menu.start(0.0)
    keyed(menu, "1#")
    menu.handle(PinChecked(ok=True), 1.0)
    menu.handle(Recorded(0.1), 2.0)  # too short: a second take
    assert menu.handle(Recorded(0.1), 3.0) == [Discard(), Say((TOO_SHORT, GOODBYE)), HangUp()]
    other = PhoneAdminMenu(RecordPrompt(1), own_phone=True)
    other.start(0.0)
    keyed(other, "1#")
    other.handle(PinChecked(ok=True), 1.0)
    other.handle(Recorded(2.0), 4.0)
    assert keyed(other, "*") == [Discard(), Say((DISCARDED, GOODBYE)), HangUp()]


def test_nothing_keyed_the_question_again_then_goodbye() -> None:
    menu = PhoneAdminMenu(SetSwitch(1, on=True), own_phone=True, limits=PhoneAdminLimits(idle_s=5))
    menu.start(0.0)
    assert menu.on_timer(4.0) == []
    assert menu.on_timer(5.0) == [Say((ENTER_PIN,))]
    assert menu.on_timer(10.0) == [Say((GOODBYE,)), HangUp()]


def test_keys_are_bounded_and_an_unexpected_answer_is_refused() -> None:
    menu = PhoneAdminMenu(SetSwitch(1, on=True), own_phone=True)
    menu.start(0.0)
    assert keyed(menu, "1" * 40 + "#") == [CheckPin("", "1" * 16)]
    with pytest.raises(IllegalTransition):
        menu.handle(Recorded(1.0), 1.0)


@pytest.mark.parametrize("code", ["*21*0701234567#", "#21#", "##002#", "*23*1*1430#"])
def test_from_a_mobile_the_pin_then_the_code_carried_out_as_the_person(code: str) -> None:
    """The feature-code number from a person's mobile (PBX1, PBX9): PIN, then a code up
    to the '#' that ends it, carried out; its answer said, goodbye."""
    menu = PhoneAdminMenu(MobileCodes(), own_phone=True)
    assert menu.start(0.0) == [Say((ENTER_PIN,))]
    assert keyed(menu, "4711#") == [CheckPin("", "4711")]
    assert menu.handle(PinChecked(ok=True), 2.0) == [Say((ENTER_CODE,))]
    assert menu.step is AdminStep.CODE
    assert keyed(menu, code[:-1], 3.0) == [], "not a whole code yet"
    assert keyed(menu, "#", 4.0) == [CarryOut(code)]
    assert menu.handle(Done("sv/pbx/forwarding-set"), 5.0) == [
        Say(("sv/pbx/forwarding-set", GOODBYE)),
        HangUp(),
    ]


def test_from_a_mobile_a_wrong_pin_never_reaches_the_code() -> None:
    menu = PhoneAdminMenu(MobileCodes(), own_phone=True)
    menu.start(0.0)
    for attempt in range(3):
        assert keyed(menu, "1111#") == [CheckPin("", "1111")]
        answer = menu.handle(PinChecked(ok=False), 1.0 + attempt)
        assert CarryOut not in {type(c) for c in answer}
    assert menu.step is AdminStep.ENDED


def test_from_a_mobile_an_endless_code_and_silence_end_the_call() -> None:
    menu = PhoneAdminMenu(MobileCodes(), own_phone=True)
    menu.start(0.0)
    keyed(menu, "4711#")
    menu.handle(PinChecked(ok=True), 1.0)
    assert keyed(menu, "*" + "1" * MAX_CODE_LENGTH, 2.0)[-1] == HangUp()
    quiet = PhoneAdminMenu(MobileCodes(), own_phone=True)
    quiet.start(0.0)
    keyed(quiet, "4711#")
    quiet.handle(PinChecked(ok=True), 1.0)
    assert quiet.on_timer(100.0) == [Say((ENTER_CODE,))]  # once more
    assert quiet.on_timer(200.0)[-1] == HangUp()


def test_a_code_is_whole_at_the_hash_after_a_key_that_is_not_one() -> None:
    assert not code_complete("#") and not code_complete("##") and not code_complete("*21*07")
    assert code_complete("#21#") and code_complete("##002#") and code_complete("*8#")
