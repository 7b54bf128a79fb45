"""Answer confirmation on a mobile over the trunk (issue 16, PBX9, Q23) with explicit time:
only the key 1 before the ring time ends is her answer; a voicemail or a pocket that takes
the call (no key, another key, a hang-up) leaves the offer unanswered."""

from __future__ import annotations

import math
from types import SimpleNamespace
from typing import Any, cast

from vaxel.flow.model import Prompt
from vaxel.telephony.answer_confirm import (
    CONFIRM_S,
    AnswerConfirmation,
    Outcome,
    confirm_deadline,
)
from vaxel.telephony.call import OfferState
from vaxel.telephony.leg_events import HangUp
from vaxel.telephony.mobile_answer import MobileAnswers, confirm_prompts
from vaxel.telephony.notices import CallPrompts


def test_the_key_1_in_time_answers() -> None:
    confirm = AnswerConfirmation(deadline=20.0)
    assert confirm.due(5.0) is Outcome.WAITING
    assert confirm.key("1", 19.9) is Outcome.ANSWERED
    assert confirm.hung_up() is Outcome.ANSWERED  # her hang-up later ends a call, not an offer


def test_other_keys_are_ignored() -> None:
    confirm = AnswerConfirmation(deadline=20.0)
    for digit in "0234567890*#":
        assert confirm.key(digit, 3.0) is Outcome.WAITING
    assert confirm.key("1", 4.0) is Outcome.ANSWERED


def test_no_key_by_the_deadline_is_unanswered_and_a_late_1_does_not_count() -> None:
    confirm = AnswerConfirmation(deadline=20.0)
    assert confirm.due(20.0) is Outcome.UNANSWERED
    assert confirm.key("1", 20.5) is Outcome.UNANSWERED


def test_a_key_arriving_after_the_deadline_is_too_late_even_unpolled() -> None:
    confirm = AnswerConfirmation(deadline=20.0)
    assert confirm.key("1", 21.0) is Outcome.UNANSWERED


def test_a_hang_up_before_the_key_is_unanswered() -> None:
    confirm = AnswerConfirmation(deadline=20.0)
    assert confirm.hung_up() is Outcome.UNANSWERED
    assert confirm.key("1", 1.0) is Outcome.UNANSWERED


def test_the_mobile_hears_the_queue_by_its_whisper_then_press_1() -> None:
    """ "Samtal från kön", the queue's name as the whisper says it (Q12), "Tryck 1 för att
    svara"; in the tenant's language; a contact with no flow queue hears no name."""
    prompts = CallPrompts(lambda tenant: "en" if tenant == "english" else "sv", lambda _: True)
    node = SimpleNamespace(whisper=(Prompt("sv/exempelby/whisper-bygglov"),))
    flow = SimpleNamespace(flow=SimpleNamespace(language="sv"), queue=SimpleNamespace(node=node))
    queued: Any = SimpleNamespace(tenant_id="exempelby", session=SimpleNamespace(flow=flow))
    assert confirm_prompts(queued, prompts) == (
        "sv/system/samtal-fran-kon",
        "sv/exempelby/whisper-bygglov",
        "sv/system/tryck-1-for-att-svara",
    )
    bare: Any = SimpleNamespace(tenant_id="english", session=None)
    assert confirm_prompts(bare, prompts) == (
        "en/system/call-from-queue",
        "en/system/press-1-to-answer",
    )


def test_the_key_has_its_own_bound_after_the_carriers_answer() -> None:
    """The queue's offer timeout may be long or none: the key is waited for at most
    CONFIRM_S after the answer, sooner when the offer ends first."""
    assert confirm_deadline(100.0, math.inf) == 100.0 + CONFIRM_S == 120.0
    assert confirm_deadline(100.0, 110.0) == 110.0


class _Port:
    def __init__(self) -> None:
        self.inputs: list[tuple[Any, Any]] = []

    def answered(self, call: Any, attempt: Any, fork: Any, negotiated: Any) -> None:
        raise AssertionError("no key was pressed")

    def fork_input(self, call: Any, attempt: Any, fork: Any, event: Any) -> None:
        self.inputs.append((fork, event))


def test_no_key_within_its_bound_hangs_the_mobile_up_as_an_unanswered_offer() -> None:
    """PBX9, Q23: an offer with no ring time to speak of (an hour) — the mobile that
    answered and never pressed 1 is hung up 20 s after its answer on the calls' timer,
    which the ringing counts as the agent's decline; not a moment before."""
    now = [1000.0]
    media = SimpleNamespace(play=lambda endpoint, prompts: "p1", stop_playback=lambda e: None)
    answers = MobileAnswers(cast(Any, None), cast(Any, media), lambda: now[0], lambda *a: None)
    port = _Port()
    answers.port = port
    timers: dict[Any, tuple[float | None, Any, Any]] = {}
    answers.at = lambda key, deadline, due, subject: timers.__setitem__(
        key, (deadline, due, subject)
    )
    offer = SimpleNamespace(state=OfferState.RINGING)
    call: Any = SimpleNamespace(call_id="c1", machine=SimpleNamespace(offers={"karin": offer}))
    attempt: Any = SimpleNamespace(
        agent_id="karin",
        confirm=("sv/system/tryck-1-for-att-svara",),
        confirm_by=now[0] + 3600.0,  # the queue's offer timeout: an hour
        endpoint=SimpleNamespace(endpoint_id="ep1"),
    )
    fork: Any = SimpleNamespace(name="mobile")
    assert answers.hold(call, attempt, fork, cast(Any, None))
    deadline, due, subject = timers[("confirm", "ep1")]
    assert deadline == 1020.0
    due(subject, 1019.9)  # never before its time, whatever fires
    assert port.inputs == [] and "ep1" in answers.waiting
    due(subject, 1020.0)
    assert [type(event) for _, event in port.inputs] == [HangUp]
    assert port.inputs[0][0] is fork and answers.waiting == {}
    assert timers[("confirm", "ep1")][0] is None  # its timer cleared with it
