"""The flow interpreter, stepped by hand (IVR1–IVR4, Q3–Q13, CB1–CB6)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from vaxel import speech
from vaxel.core.errors import ConfigError
from vaxel.flow import (
    AgentConnected,
    Audible,
    CallbackChoice,
    CallerHungUp,
    CallInfo,
    ConnectAgent,
    DigitPressed,
    EnterQueue,
    FlowCommand,
    FlowInput,
    FlowSession,
    Hangup,
    PlayPrompts,
    PromptFinished,
    QueueSituation,
    QueueSituationChanged,
    RequestCallback,
    StartMusic,
    StopMedia,
    TimerTick,
    UpdateCallerData,
    flow_from_dict,
)

DEMO = yaml.safe_load((Path(__file__).parents[2] / "vaxel/flow/demo_flow.yaml").read_text())


class Hours:
    def __init__(self, open_: bool = True) -> None:
        self.open = open_

    def is_open(self, schedule_id: str, now: float) -> bool:
        assert schedule_id == "kontorstid"
        return self.open


def session(
    open_: bool = True,
    switches: frozenset[str] = frozenset(),
    number: str = "0701234567",
    data: dict[str, Any] | None = None,
) -> FlowSession:
    return FlowSession(
        flow_from_dict(data or DEMO), CallInfo(number, "+46812345000"), Hours(open_), switches
    )


def plays(commands: list[FlowCommand]) -> list[tuple[str, ...]]:
    return [c.prompt_ids for c in commands if isinstance(c, PlayPrompts)]


def finish(s: FlowSession, now: float) -> list[FlowCommand]:
    return s.handle(PromptFinished(), now)


def keys(s: FlowSession, digits: str, now: float) -> list[FlowCommand]:
    out: list[FlowCommand] = []
    for digit in digits:
        out += s.handle(DigitPressed(digit), now)
    return out


def to_main_menu(s: FlowSession) -> None:
    assert plays(s.start(0.0)) == [("sv/exempelby/valkommen",)]
    assert plays(finish(s, 3.0)) == [("sv/exempelby/huvudmeny",)]


def test_welcome_cannot_be_interrupted_but_the_menu_can() -> None:
    s = session()
    first = s.start(0.0)
    assert first == [PlayPrompts(("sv/exempelby/valkommen",), interruptible=False)]
    assert keys(s, "1", 1.0) == []  # IVR2: ignored
    menu = finish(s, 3.0)
    assert menu == [PlayPrompts(("sv/exempelby/huvudmeny",), interruptible=True)]
    out = keys(s, "2", 4.0)  # interrupts the menu prompt and chooses bygglov
    assert out[0] == StopMedia()
    assert EnterQueue("bygglov", {}, 0) in out


def test_three_menu_levels() -> None:
    s = session()
    to_main_menu(s)
    assert plays(keys(s, "1", 5.0))[-1] == ("sv/exempelby/kundtjanst-meny",)
    assert plays(keys(s, "1", 6.0))[-1] == ("sv/exempelby/avgifter-meny",)
    assert EnterQueue("kundtjanst", {}, 0) in keys(s, "2", 7.0)


def test_operator_key_from_any_menu() -> None:
    s = session()
    to_main_menu(s)
    keys(s, "1", 5.0)
    out = keys(s, "0", 6.0)
    assert EnterQueue("vaxel", {}, 0) in out  # IVR1


def test_menu_repeats_on_silence_and_invalid_keys_then_goes_to_no_input() -> None:
    s = session()
    to_main_menu(s)
    finish(s, 5.0)  # prompt over: waiting for a key
    assert s.next_deadline() == pytest.approx(11.0)
    assert plays(s.handle(TimerTick(), 11.0)) == [("sv/exempelby/huvudmeny",)]  # repeat 1
    out = keys(s, "9", 12.0)
    assert plays(out) == [("sv/exempelby/ogiltigt-val",)]
    assert plays(finish(s, 13.0)) == [("sv/exempelby/huvudmeny",)]  # repeat 2
    finish(s, 15.0)
    out = s.handle(TimerTick(), 21.0)  # repeats used up: no_input → the switchboard
    assert EnterQueue("vaxel", {}, 0) in out


def test_closed_schedule_plays_the_night_message_and_hangs_up() -> None:
    s = session(open_=False)
    s.start(0.0)
    assert plays(finish(s, 3.0)) == [("sv/exempelby/stangt",)]
    assert finish(s, 8.0) == [Hangup()]
    assert s.ended


def test_lavinbesked_only_when_switched_on() -> None:
    s = session(switches=frozenset({"driftstorning"}))
    s.start(0.0)
    assert plays(finish(s, 3.0)) == [("sv/exempelby/driftstorning",)]
    assert plays(finish(s, 9.0)) == [("sv/exempelby/huvudmeny",)]


def test_night_service_plays_the_night_message_instead_of_the_menu() -> None:
    s = session(switches=frozenset({"nattservice"}))  # OP6: the operator's one key
    s.start(0.0)
    assert plays(finish(s, 3.0)) == [("sv/exempelby/stangt",)]
    assert finish(s, 8.0) == [Hangup()]
    assert s.ended


def test_night_service_off_goes_on_to_the_lavinbesked_and_the_menu() -> None:
    s = session(switches=frozenset({"driftstorning"}))
    s.start(0.0)
    assert plays(finish(s, 3.0)) == [("sv/exempelby/driftstorning",)]


ATTENDANT = frozenset({"telefonistmeny"})
"""The automatic attendant's switch (spec §70): the operator's Alt+T or an admin's Brytare."""


def test_automatic_attendant_asks_before_the_operator_queue_and_reaches_the_choice() -> None:
    s = session(switches=ATTENDANT)
    to_main_menu(s)
    out = keys(s, "0", 5.0)  # 0 would be the switchboard: the attendant's menu first
    assert plays(out) == [("sv/exempelby/telefonistmeny",)]
    assert not any(isinstance(c, EnterQueue) for c in out)
    assert EnterQueue("bygglov", {}, 0) in keys(s, "2", 8.0)


def test_automatic_attendant_sends_zero_and_silence_to_the_operator_queue() -> None:
    s = session(switches=ATTENDANT)
    to_main_menu(s)
    keys(s, "0", 5.0)
    assert EnterQueue("vaxel", {}, 0) in keys(s, "0", 8.0)  # 0: the operators, not a loop

    s = session(switches=ATTENDANT)
    to_main_menu(s)
    keys(s, "0", 5.0)
    finish(s, 18.0)  # the attendant's prompt over: nothing keyed
    assert plays(s.handle(TimerTick(), 24.0)) == [("sv/exempelby/telefonistmeny",)]  # once more
    finish(s, 37.0)
    assert EnterQueue("vaxel", {}, 0) in s.handle(TimerTick(), 43.0)


def test_automatic_attendant_off_zero_reaches_the_operator_queue_at_once() -> None:
    s = session()
    to_main_menu(s)
    out = keys(s, "0", 5.0)
    assert EnterQueue("vaxel", {}, 0) in out
    assert ("sv/exempelby/telefonistmeny",) not in plays(out)


def test_the_operator_key_may_lead_to_a_queue_only() -> None:
    data = yaml.safe_load(yaml.safe_dump(DEMO))
    data["nodes"]["telefonistmeny"]["options"]["0"] = "kundtjanst_meny"
    with pytest.raises(ConfigError) as refused:
        flow_from_dict(data)
    assert (refused.value.field, refused.value.code) == (
        "nodes.telefonistmeny.options.0",
        "operator-key",
    )


def test_a_switch_branch_must_name_a_declared_switch() -> None:
    data = {**DEMO, "switches": ["driftstorning"]}
    with pytest.raises(ConfigError) as refused:
        flow_from_dict(data)
    assert (refused.value.field, refused.value.code) == (
        "nodes.nattservice.switch",
        "unknown-switch",
    )


def test_personnummer_collected_without_hash_and_validated() -> None:
    s = session()
    to_main_menu(s)
    assert plays(keys(s, "3", 5.0)) == [("sv/exempelby/ange-personnummer",)]
    finish(s, 7.0)
    out = keys(s, "198112189875", 9.0)  # wrong check digit
    assert plays(out) == [("sv/exempelby/ogiltigt-personnummer",)]
    finish(s, 11.0)
    out = keys(s, "198112189876", 15.0)  # twelve digits: done at once, no '#'
    assert EnterQueue("barnomsorg", {"personnummer": "198112189876"}, 0) in out


def in_queue(situation: QueueSituation, number: str = "0701234567") -> FlowSession:
    s = session(number=number)
    to_main_menu(s)
    s.handle(QueueSituationChanged(situation), 4.0)
    keys(s, "1", 5.0)
    keys(s, "2", 6.0)  # kundtjanst_meny → 2 → kundtjänst queue
    return s


def test_queue_announcements_timeline() -> None:
    s = in_queue(QueueSituation(position=3, estimated_wait_s=170, agents_available=2))
    # welcome was started on entering; then the first message with position, wait, agents
    first = plays(finish(s, 8.0))[0]
    assert first[0] == "sv/exempelby/samtalet-placerat-i-ko"
    assert first[1:] == (
        *speech.position(3),
        *speech.estimated_wait(170),  # Q5, Q8
        *speech.agents_available(2, 2),
    )  # Q9: 2 ≥ the minimum 2
    out = finish(s, 20.0)
    assert out == [StartMusic("music/exempelby", False)]  # Q10: music, never silence
    assert s.next_deadline() == pytest.approx(65.0)
    # nothing changed: the repeated message rotates, no position repeated (Q4, Q5)
    assert plays(s.handle(TimerTick(), 65.0)) == [("sv/exempelby/vi-svarar-snart",)]
    finish(s, 70.0)
    s.handle(QueueSituationChanged(QueueSituation(position=2, estimated_wait_s=100)), 80.0)
    second = plays(s.handle(TimerTick(), 115.0))[0]
    assert second == ("sv/exempelby/besok-webben", *speech.position(2, repeated=True))
    finish(s, 120.0)
    out = s.handle(AgentConnected(), 130.0)
    assert out[-1] == ConnectAgent(("sv/exempelby/whisper-kundtjanst",))  # Q12
    assert out[0] == StopMedia()


def test_position_is_never_announced_worse_than_before() -> None:
    s = in_queue(QueueSituation(position=2))
    finish(s, 8.0)
    finish(s, 20.0)
    s.handle(QueueSituationChanged(QueueSituation(position=4)), 30.0)  # Q6
    again = plays(s.handle(TimerTick(), 65.0))[0]
    assert all(not p.startswith("sv/num/") for p in again)


def test_caller_keys_customer_number_while_queued() -> None:
    s = in_queue(QueueSituation(position=5))
    finish(s, 8.0)
    finish(s, 20.0)  # music
    out = keys(s, "*", 30.0)
    assert out[0] == StopMedia() and plays(out) == [("sv/exempelby/ange-kundnummer",)]
    finish(s, 32.0)
    keys(s, "4711", 35.0)
    out = s.handle(TimerTick(), 38.0)  # inter-digit timeout ends the entry (no '#')
    assert UpdateCallerData("kundtjanst", {"kundnummer": "4711"}) in out  # Q13
    assert plays(out) == [("sv/exempelby/tack",)]
    assert finish(s, 39.0) == [StartMusic("music/exempelby", False)]


CHOICES = (CallbackChoice("fm", (8, 0), (12, 0)), CallbackChoice("em", (13, 0), (16, 0)))


def test_callback_offer_interval_and_presented_number() -> None:
    s = in_queue(
        QueueSituation(
            position=6, estimated_wait_s=600, callback_offer_allowed=True, callback_choices=CHOICES
        )
    )
    first = plays(finish(s, 8.0))[0]
    assert first[-1] == "sv/callback/offer"  # CB1, after the wait was told (CB4)
    finish(s, 25.0)
    out = keys(s, "1", 30.0)
    assert plays(out)[0][0] == "sv/callback/choose-interval"  # CB2
    finish(s, 35.0)
    out = keys(s, "2", 36.0)
    confirm = plays(out)[0]
    assert confirm[0] == "sv/callback/we-will-call-number"  # CB3: the presented number
    assert "sv/num/7" in confirm
    finish(s, 40.0)
    out = keys(s, "1", 41.0)
    assert RequestCallback("kundtjanst", "0701234567", "em", {}, True) in out
    finish(s, 45.0)
    assert s.ended


def test_callback_to_another_number() -> None:
    s = in_queue(QueueSituation(position=6, callback_offer_allowed=True))
    finish(s, 8.0)
    finish(s, 25.0)
    keys(s, "1", 30.0)  # no intervals: straight to the number
    finish(s, 35.0)
    assert plays(keys(s, "2", 36.0)) == [("sv/callback/enter-number",)]
    finish(s, 37.0)
    keys(s, "0812345678", 40.0)
    out = s.handle(TimerTick(), 43.0)
    assert plays(out)[0][0] == "sv/callback/we-will-call-number"  # read back the new one
    finish(s, 48.0)
    out = keys(s, "1", 49.0)
    assert RequestCallback("kundtjanst", "0812345678", "", {}, True) in out


def test_a_barred_caller_id_is_not_booked_the_caller_is_asked_for_another() -> None:
    """Issue 10 §11: a caller id in a satellite range (00881…) was read back and booked as
    the callback number. Now the dial policy bars it: the caller is asked to key a number,
    a keyed premium-rate number is refused with a prompt, and only an allowed one is booked."""
    s = in_queue(QueueSituation(position=6, callback_offer_allowed=True), "00881612345678")
    finish(s, 8.0)
    finish(s, 25.0)
    out = keys(s, "1", 30.0)  # no intervals: straight to the number
    assert plays(out) == [("sv/callback/enter-number",)]  # not "we will call 00881…"
    finish(s, 31.0)
    keys(s, "0900123456", 32.0)
    out = s.handle(TimerTick(), 35.0)
    assert plays(out) == [("sv/callback/invalid-number",)]
    assert not [c for c in out if isinstance(c, RequestCallback)]
    finish(s, 36.0)  # asked again
    finish(s, 37.0)
    keys(s, "0812345678", 40.0)
    out = s.handle(TimerTick(), 43.0)
    assert plays(out)[0][0] == "sv/callback/we-will-call-number"
    finish(s, 48.0)
    out = keys(s, "1", 49.0)
    assert [c for c in out if isinstance(c, RequestCallback)] == [
        RequestCallback("kundtjanst", "0812345678", "", {}, True)
    ]


def test_callback_key_does_nothing_when_not_offered() -> None:
    s = in_queue(QueueSituation(position=1, callback_offer_allowed=False))
    finish(s, 8.0)
    finish(s, 20.0)
    assert keys(s, "1", 30.0) == []


def test_forced_callback_never_queues_live() -> None:
    data = yaml.safe_load(yaml.safe_dump(DEMO))
    data["nodes"]["bygglov_ko"]["callback"] = {"key": "1", "forced": True}
    s = session(data=data)
    to_main_menu(s)
    out = keys(s, "2", 5.0)
    assert not any(isinstance(c, EnterQueue) for c in out)  # CB6
    assert plays(out)[0][0] == "sv/callback/we-will-call-number"
    finish(s, 9.0)
    out = keys(s, "1", 10.0)
    assert RequestCallback("bygglov", "0701234567", "", {}, False) in out


def test_hang_up_in_queue_ends_the_session() -> None:
    s = in_queue(QueueSituation(position=2))
    assert s.handle(CallerHungUp(), 9.0) == []
    assert s.ended and s.next_deadline() is None


inputs = st.lists(
    st.one_of(
        st.sampled_from("0123456789*#").map(DigitPressed),
        st.just(PromptFinished()),
        st.just(TimerTick()),
        st.builds(
            lambda p, cb: QueueSituationChanged(QueueSituation(p, 120.0, 1, cb, CHOICES)),
            st.integers(1, 9),
            st.booleans(),
        ),
    ),
    max_size=60,
)


@settings(max_examples=150, deadline=None)
@given(inputs, st.booleans())
def test_never_silent_in_the_flow(events: list[FlowInput], open_: bool) -> None:
    """Q10: after every step the caller hears a prompt or music, is asked for a key (with a
    timeout armed), or the call is over."""
    s = session(open_=open_)
    now = 0.0
    s.start(now)
    for event in events:
        now += 1.0
        if isinstance(event, TimerTick):
            deadline = s.next_deadline()
            if deadline is None:
                continue
            now = max(now, deadline)
        if isinstance(event, PromptFinished) and s.audible is not Audible.PROMPT:
            continue  # media only reports the end of something that played
        s.handle(event, now)
        assert s.audible in (Audible.PROMPT, Audible.MUSIC, Audible.ASKING, Audible.ENDED), (
            s.node_name,
            s.audible,
        )
        if s.audible is Audible.ASKING:
            assert s.next_deadline() is not None
