"""Answer confirmation on a mobile over the trunk (issue 16, PBX9, Q23) with explicit time:
only the key 1 before the ring time ends is her answer; a voicemail or a pocket that takes
the call (no key, another key, a hang-up) leaves the offer unanswered."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from vaxel.flow.model import Prompt
from vaxel.telephony.answer_confirm import AnswerConfirmation, Outcome
from vaxel.telephony.mobile_answer import confirm_prompts
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
