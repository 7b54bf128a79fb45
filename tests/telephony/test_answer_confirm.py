"""Answer confirmation on a mobile over the trunk (issue 16, PBX9, Q23) with explicit time:
only the key 1 before the ring time ends is her answer; a voicemail or a pocket that takes
the call (no key, another key, a hang-up) leaves the offer unanswered."""

from __future__ import annotations

from vaxel.telephony.answer_confirm import AnswerConfirmation, Outcome


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
