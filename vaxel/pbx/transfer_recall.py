"""Recall of a blind transfer nobody answers (issue 14 §6, PBX1): the caller is given back.

A professional switchboard never drops a caller because the colleague they were sent to
did not answer: after ``recall_after_s`` of ringing the call rings back whoever
transferred it, and when they do not take it either, the tenant's operator number, then
the voicemail of the person the call was transferred to.

States (:class:`RecallStage`, in order; a stage is never revisited):

- ``TARGET``: the transfer target rings (their forwarding and presence apply as for any
  call). Until ``deadline``; ringing that ends sooner, unanswered and with nothing taking
  the call over, recalls at once.
- ``TRANSFERRER``: the phones of the extension that transferred ring (``RECALL_RING_S``);
  skipped when that extension is busy or has no phone connected ("gone").
- ``OPERATOR``: what the tenant's operator number reaches (the switchboard's group, queue
  or person); skipped when none is set, or it is the transferrer's own number.
- ``VOICEMAIL``: the transfer target's voicemail (a person of the plan only), where the
  caller can leave a message.
- ``TOLD``: nothing left: the caller is told nobody answers and the call ends. Only a
  transfer to an external number or a group, with no operator number set and the
  transferrer gone, comes here.

Pure: ``now`` is given; the telephony side (``telephony/transfer_recall.py``) rings.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from vaxel.core.errors import DomainError

__all__ = [
    "DEFAULT_RECALL_AFTER_S",
    "RECALL_RING_S",
    "RecallSettings",
    "RecallStage",
    "TransferRecall",
    "TransferRecallError",
]

DEFAULT_RECALL_AFTER_S = 30.0
"""How long a blind transfer's target rings before the call comes back."""
MIN_RECALL_AFTER_S, MAX_RECALL_AFTER_S = 5.0, 300.0
RECALL_RING_S = 30.0
"""How long each recall (the transferrer, the operator) rings before the next one."""


class TransferRecallError(DomainError):
    """A recall setting refused (``transfer-recall-range``)."""


class RecallStage(StrEnum):
    TARGET = "target"
    TRANSFERRER = "transferrer"
    OPERATOR = "operator"
    VOICEMAIL = "voicemail"
    TOLD = "told"


@dataclass(frozen=True, slots=True)
class RecallSettings:
    """A tenant's recall: after how many seconds of unanswered ringing (5–300 s)."""

    recall_after_s: float = DEFAULT_RECALL_AFTER_S

    def __post_init__(self) -> None:
        if not MIN_RECALL_AFTER_S <= self.recall_after_s <= MAX_RECALL_AFTER_S:
            raise TransferRecallError(
                f"transfer recall {self.recall_after_s} s: "
                f"{MIN_RECALL_AFTER_S:.0f}–{MAX_RECALL_AFTER_S:.0f}",
                code="transfer-recall-range",
                field="recall_after_s",
            )

    @classmethod
    def of(cls, stored: object) -> RecallSettings:
        """From a tenant's stored settings; anything unusable gives the default."""
        value = stored.get("recall_after_s") if isinstance(stored, dict) else None
        if isinstance(value, int | float) and not isinstance(value, bool):
            try:
                return cls(float(value))
            except TransferRecallError:
                pass
        return cls()


@dataclass(slots=True)
class TransferRecall:
    """One blind-transferred call on its way back (see the module's states)."""

    transferrer: str
    """The extension that transferred the call (rung back)."""
    operator: str
    """The tenant's operator number ("" none)."""
    voicemail_of: str
    """The person whose voicemail is the last resort ("" none: an external number, a group)."""
    deadline: float | None
    stage: RecallStage = RecallStage.TARGET

    @classmethod
    def start(
        cls,
        transferrer: str,
        now: float,
        settings: RecallSettings,
        *,
        operator: str = "",
        voicemail_of: str = "",
    ) -> TransferRecall:
        return cls(transferrer, operator, voicemail_of, now + settings.recall_after_s)

    def due(self, now: float) -> bool:
        """The target has rung long enough: the recall cuts in."""
        return (
            self.stage is RecallStage.TARGET and self.deadline is not None and now >= self.deadline
        )

    def following(self, *, transferrer_free: bool) -> RecallStage:
        """The stage after the current one (changes nothing); ``transferrer_free``: their
        extension has a phone connected and is not busy."""
        order = list(RecallStage)
        for stage in order[order.index(self.stage) + 1 :]:
            if self._possible(stage, transferrer_free):
                return stage
        return RecallStage.TOLD

    def next(self, *, transferrer_free: bool) -> RecallStage:
        """Move on: the current stage went unanswered (or, for ``TARGET``, its time ran
        out); the machine is left in the stage returned."""
        self.stage = self.following(transferrer_free=transferrer_free)
        self.deadline = None
        return self.stage

    def _possible(self, stage: RecallStage, transferrer_free: bool) -> bool:
        if stage is RecallStage.TRANSFERRER:
            return bool(self.transferrer) and transferrer_free
        if stage is RecallStage.OPERATOR:
            return bool(self.operator) and self.operator != self.transferrer
        if stage is RecallStage.VOICEMAIL:
            return bool(self.voicemail_of)
        return stage is RecallStage.TOLD
