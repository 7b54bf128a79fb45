"""A blind transfer nobody answers comes back (issue 14 §6): the stages at explicit ``now``."""

from __future__ import annotations

import pytest

from vaxel.pbx.transfer_recall import (
    DEFAULT_RECALL_AFTER_S,
    RecallSettings,
    RecallStage,
    TransferRecall,
    TransferRecallError,
)


def recall(operator: str = "9", voicemail_of: str = "eva") -> TransferRecall:
    return TransferRecall.start(
        "3102", 100.0, RecallSettings(), operator=operator, voicemail_of=voicemail_of
    )


def test_the_target_rings_thirty_seconds_by_default_then_the_transferrer() -> None:
    call = recall()
    assert not call.due(100.0 + DEFAULT_RECALL_AFTER_S - 0.1)
    assert call.due(100.0 + DEFAULT_RECALL_AFTER_S)
    assert call.next(transferrer_free=True) is RecallStage.TRANSFERRER
    assert not call.due(1000.0)  # the recall's own ringing is bounded by its ring time


def test_unanswered_it_goes_to_the_operator_then_the_target_s_voicemail() -> None:
    call = recall()
    assert call.next(transferrer_free=True) is RecallStage.TRANSFERRER
    assert call.next(transferrer_free=True) is RecallStage.OPERATOR
    assert call.next(transferrer_free=True) is RecallStage.VOICEMAIL
    assert call.next(transferrer_free=True) is RecallStage.TOLD


def test_a_busy_or_gone_transferrer_is_skipped() -> None:
    call = recall()
    assert call.next(transferrer_free=False) is RecallStage.OPERATOR
    without_operator = recall(operator="")
    assert without_operator.next(transferrer_free=False) is RecallStage.VOICEMAIL


def test_the_operator_is_not_rung_twice_when_the_transferrer_is_the_operator() -> None:
    call = recall(operator="3102")
    assert call.next(transferrer_free=True) is RecallStage.TRANSFERRER
    assert call.next(transferrer_free=True) is RecallStage.VOICEMAIL


def test_with_nowhere_to_go_the_caller_is_told_and_following_changes_nothing() -> None:
    call = recall(operator="", voicemail_of="")  # an external number, nobody left
    assert call.following(transferrer_free=False) is RecallStage.TOLD
    assert call.stage is RecallStage.TARGET  # the telephony side lets the target ring on
    assert call.next(transferrer_free=False) is RecallStage.TOLD


@pytest.mark.parametrize("seconds", [4.9, 300.1])
def test_the_recall_time_is_bounded(seconds: float) -> None:
    with pytest.raises(TransferRecallError) as refused:
        RecallSettings(seconds)
    assert refused.value.code == "transfer-recall-range"


def test_stored_settings_fall_back_to_the_default() -> None:
    assert RecallSettings.of({"recall_after_s": 12}).recall_after_s == 12.0
    for stored in (
        None,
        {},
        {"recall_after_s": "12"},
        {"recall_after_s": 1},
        {"recall_after_s": True},
    ):
        assert RecallSettings.of(stored).recall_after_s == DEFAULT_RECALL_AFTER_S
