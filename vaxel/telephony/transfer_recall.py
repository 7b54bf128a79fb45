"""A blind transfer nobody answers comes back (issue 14 §6): the rules and stages are
:mod:`vaxel.pbx.transfer_recall`; this rings them.

Rules kept here:
- A PBX call blind-transferred (``phone_transfer.py``) to a person, a group or an external
  number starts a recall: after the tenant's ``recall_after_s`` (``pbx-transfer``
  settings, 30 s by default) of ringing still unanswered, the target's phones stop and the
  extension that transferred rings (its line busy or no phone connected: skipped), then the
  tenant's operator number (``pbx-presence``'s ``operator_number``), then the target's
  voicemail. The caller hears ringback throughout and is never hung up while any of them
  is left; with none left the target simply rings on (its own ring time) and the caller
  is then told nobody answers, as for any call.
- The target's ringing ending sooner (its ring time, busy, no phone) goes first to its
  forwarding and presence (a no-answer forwarding to voicemail takes the call as always);
  only what nothing took is recalled. A call answered, or taken by voicemail or a prompt,
  is left alone.
- A recall's own ringing ending unanswered moves to the next stage before any forwarding
  of the person rung back (the caller is on their way back, not a new call to them).
- A queue caller (an ACD contact the agent or operator sent into the plan) whose target
  and transferrer both let it go — or whose transferrer cannot be rung — goes to the
  front of the queue it came from instead of the operator number and the voicemail
  (issue 16 §3, spec §50–52), as a registrar extension's transfer does
  (``call_requeue.py``); the ACD refusing, the stages go on as before. Her recall
  answered, it is her contact again (``ContactTakenBack``), as after a registrar
  extension's recall.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from vaxel.acd.events import ContactRequeued, ContactTakenBack
from vaxel.core.errors import VaxelError
from vaxel.directory.presence import LineState
from vaxel.pbx.devices import Device, DeviceKind, RingOutcome, RingStep
from vaxel.pbx.numbering import Target, TargetKind
from vaxel.pbx.transfer_recall import RECALL_RING_S, RecallSettings, RecallStage, TransferRecall
from vaxel.telephony.call_events import OfferWithdrawn, is_callee
from vaxel.telephony.call_states import CallState, OfferState
from vaxel.telephony.recall_notes import NO_ANSWER, RecallNote, reason_of
from vaxel.telephony.recall_priority import RecallPriority
from vaxel.telephony.requeue_events import BackInQueue, TakenBack

if TYPE_CHECKING:
    from vaxel.telephony.calls import Call
    from vaxel.telephony.internal import InternalCall
    from vaxel.telephony.person_reach import ReachingPeople
    from vaxel.telephony.switch import Switch

__all__ = ["TransferRecalls"]

log = logging.getLogger(__name__)
_RECALLED = frozenset({TargetKind.PERSON, TargetKind.GROUP, TargetKind.EXTERNAL})
_NO_VOICEMAIL = ("extension:", "external:")
_STATUS = {RingOutcome.BUSY: 486, RingOutcome.NO_ANSWER: NO_ANSWER}
"""The SIP status a target's ringing is noted with (else unreachable), for the card."""


class TransferRecalls:
    """The recalls of a switch's blind transfers; :meth:`install` hooks them in."""

    def __init__(self, switch: Switch, people: ReachingPeople) -> None:
        self.switch = switch
        self.people = people
        self.settings: Callable[[str], RecallSettings] = lambda tenant_id: RecallSettings()
        """A tenant's recall time (the runtime's ``pbx-transfer`` settings)."""
        self._recalls: dict[str, TransferRecall] = {}
        self._why: dict[str, tuple[int, float]] = {}
        """call id → (0, when the target started ringing), then once its ringing ended
        (its SIP status, seconds it rang): the card's reason if the call is requeued."""

    def install(self) -> None:
        internal = self.switch.internal
        internal.outcome_hooks.insert(0, _Recalling(self))  # before anyone's forwarding
        internal.outcome_hooks.append(self)  # after the target's forwarding and presence
        self.switch.in_dialog.phone_transfers.recalls = self
        outcome = self.switch.actions.ring_outcome

        def ring_outcome(call: Call, status: int) -> None:
            outcome(call, status)
            if 200 <= status < 300:
                self.answered(call)

        self.switch.actions.ring_outcome = ring_outcome
        self.switch.actions.forget_hooks.append(self.forgotten)
        RecallPriority(self.switch).install()  # offered before new queue calls (issue 16)

    def recall_after_s(self, tenant_id: str) -> float:
        """The tenant's recall time: an agent's or operator's transfer of a queue caller
        rings her back after it too (``call_transfer.py``, issue 16 §3)."""
        return self.settings(tenant_id).recall_after_s

    def __len__(self) -> int:
        return len(self._recalls)

    def stage(self, call_id: str) -> RecallStage | None:
        recall = self._recalls.get(call_id)
        return recall.stage if recall is not None else None

    # a blind transfer starts ---------------------------------------------------------------

    def transferred(self, call: Call, transferrer: str) -> None:
        """``call`` was just blind-transferred by the extension ``transferrer`` to its
        ``internal.target``: start its recall (before the target rings)."""
        self._cancel_timer(call.call_id)
        self._recalls.pop(call.call_id, None)
        internal = call.internal
        if internal is None or internal.target.kind not in _RECALLED or not transferrer:
            return
        target = internal.target
        person = target.kind is TargetKind.PERSON and not target.ref.startswith(_NO_VOICEMAIL)
        tenant = call.tenant_id
        recall = TransferRecall.start(
            transferrer,
            self.switch.clock(),
            self.settings(tenant),
            operator=self.people.reach.absent_offer(tenant).operator_number,
            voicemail_of=target.ref if person else "",
        )
        self._recalls[call.call_id] = recall
        self._why[call.call_id] = (0, self.switch.clock())
        self._arm(call.call_id, recall)

    def _arm(self, call_id: str, recall: TransferRecall) -> None:
        """On the calls' one timer (``timers.py``), beside the call's own deadline."""
        assert recall.deadline is not None
        self.switch.timers.at(("recall", call_id), recall.deadline, self.due, call_id)

    def due(self, call_id: str, now: float) -> None:
        """The target has rung ``recall_after_s``: if the caller still hears ringback,
        stop the target's phones and go back (nowhere to go: let them ring on)."""
        recall = self._recalls.get(call_id)
        call = self.switch.calls.get(call_id)
        if recall is None or call is None or recall.stage is not RecallStage.TARGET:
            return
        if not recall.due(now):  # moved later since it was armed
            self._arm(call_id, recall)
            return
        internal = call.internal
        ringing = [
            name
            for name, offer in call.machine.offers.items()
            if is_callee(name) and offer.state is OfferState.RINGING
        ]
        if internal is None or call.state is not CallState.CONNECTING or not ringing:
            self._recalls.pop(call_id, None)  # answered, or voicemail or a prompt has it
            return
        if recall.following(transferrer_free=self._free(call, recall)) is RecallStage.TOLD:
            recall.deadline = None  # nowhere to go back to: the target rings on
            return
        log.info("%s: transfer to %s unanswered, recalled", call_id, internal.target.ref)
        internal.steps.clear()
        for name in ringing:
            self.switch.step(call, OfferWithdrawn(name))
        self._left(call, internal)
        self._rang(call_id, NO_ANSWER)
        self._go_on(call, internal, recall)

    # ringing ended -------------------------------------------------------------------------

    def ring_ended(self, call: Call, internal: InternalCall, outcome: RingOutcome) -> bool:
        """The last hook: the target's ringing ended and nothing took the call over."""
        recall = self._recalls.get(call.call_id)
        if recall is None or recall.stage is not RecallStage.TARGET:
            return False
        self._rang(call.call_id, _STATUS.get(outcome, 480))
        return self._go_on(call, internal, recall)

    def recall_ended(self, call: Call, internal: InternalCall, outcome: RingOutcome) -> bool:
        """The first hook: a recall's own ringing ended unanswered."""
        recall = self._recalls.get(call.call_id)
        if recall is not None and recall.stage is RecallStage.VOICEMAIL:
            # nothing rings now: a late end of the target's ringing (its ring time, armed
            # before the recall cut it short) while the caller is with the voicemail
            return True
        if recall is None or recall.stage not in (RecallStage.TRANSFERRER, RecallStage.OPERATOR):
            return False
        self._left(call, internal)
        return self._go_on(call, internal, recall)

    def answered(self, call: Call) -> None:
        """Someone answered: her own recall of a queue call makes it her contact again
        (``ContactTakenBack``, the ACD agreeing), as a registrar extension's recall does."""
        recall = self._recalls.get(call.call_id)
        if recall is None or recall.stage is not RecallStage.TRANSFERRER:
            return
        self.forgotten(call.call_id)
        found = self.switch.directory.extensions.get(recall.transferrer)
        if not call.machine.agent_id or found is None or not found.agent_id:
            return
        try:
            taken = ContactTakenBack(call.tenant_id, call.call_id, found.agent_id)
            self.switch.acd_commands.submit(taken)
        except VaxelError as error:
            log.info(
                "%s answered by %s, not taken back: %s", call.call_id, recall.transferrer, error
            )
            return
        self.switch.step(call, TakenBack(found.agent_id))

    def forgotten(self, call_id: str) -> None:
        self._cancel_timer(call_id)
        self._recalls.pop(call_id, None)
        self._why.pop(call_id, None)

    # the stages ----------------------------------------------------------------------------

    def _go_on(self, call: Call, internal: InternalCall, recall: TransferRecall) -> bool:
        """Ring the next stage that can be rung; False when none is left (told)."""
        self._cancel_timer(call.call_id)
        while True:
            stage = recall.next(transferrer_free=self._free(call, recall))
            if stage is not RecallStage.TRANSFERRER and self._requeued(call, internal):
                return True
            if stage is RecallStage.TOLD:
                self._recalls.pop(call.call_id, None)
                return False
            if self._ring(call, internal, recall, stage):
                return True

    def _ring(
        self, call: Call, internal: InternalCall, recall: TransferRecall, stage: RecallStage
    ) -> bool:
        tenant, handlers = call.tenant_id, self.switch.internal.handlers
        if stage is RecallStage.TRANSFERRER:
            person = self.people.person_of_phone(tenant, recall.transferrer)
            internal.target = Target(TargetKind.PERSON, person or f"extension:{recall.transferrer}")
            device = Device(DeviceKind.SIP, recall.transferrer)
            self.switch.internal.ring_steps(call, [RingStep((device,), RECALL_RING_S)])
            return True
        if stage is RecallStage.OPERATOR:
            target = self.switch.directory.pbx.resolve(tenant, recall.operator)
            target = target or self.switch.internal.plain_extension(tenant, recall.operator)
        else:
            target = Target(TargetKind.VOICEMAIL, recall.voicemail_of)
        handler = handlers.get(target.kind) if target is not None else None
        if target is None or handler is None:
            return False
        internal.target = target
        handler.start(call, target, internal.caller)
        return True

    def _requeued(self, call: Call, internal: InternalCall) -> bool:
        """A queue caller nobody took: first in its queue again (the ACD agreeing)."""
        machine, now = call.machine, self.switch.clock()
        if not machine.agent_id or machine.callback or machine.recall_note is None:
            return False
        self._rang(call.call_id, NO_ANSWER)  # no-op once the target's end was noted
        status, rung_s = self._why.get(call.call_id, (NO_ANSWER, 0.0))
        try:
            self.switch.acd_commands.submit(
                ContactRequeued(call.tenant_id, call.call_id, reason_of(status))
            )
        except VaxelError as error:
            log.info("%s not requeued, recalled on: %s", call.call_id, error)
            return False
        log.info("%s: transfer into the plan not taken, back in its queue", call.call_id)
        internal.steps.clear()
        self._left(call, internal)
        self.forgotten(call.call_id)
        note = RecallNote(machine.recall_note.number, status, max(0.0, rung_s), now)
        call.internal = None  # a queue call again, no PBX call
        self.switch.step(call, BackInQueue(note))
        return True

    def _rang(self, call_id: str, status: int) -> None:
        """The target's ringing ended with ``status``: note it (once) with how long."""
        noted, started = self._why.get(call_id, (0, 0.0))
        if not noted and started:
            self._why[call_id] = (status, self.switch.clock() - started)

    def _free(self, call: Call, recall: TransferRecall) -> bool:
        """The transferrer can be rung back: a phone connected, the line not busy."""
        tenant, extension = call.tenant_id, recall.transferrer
        if not self.switch.internal.destinations(tenant, (Device(DeviceKind.SIP, extension),)):
            return False
        person = self.people.person_of_phone(tenant, extension)
        return person is None or self.people.reach.line(tenant, person) is not LineState.BUSY

    def _left(self, call: Call, internal: InternalCall) -> None:
        if internal.target.kind is TargetKind.PERSON:
            self.people.lines.left(call.tenant_id, internal.target.ref, call.call_id)

    def _cancel_timer(self, call_id: str) -> None:
        self.switch.timers.at(("recall", call_id), None, self.due, call_id)


class _Recalling:
    """The first ring-outcome hook: a recall's own ringing, before any forwarding."""

    def __init__(self, recalls: TransferRecalls) -> None:
        self.recalls = recalls

    def ring_ended(self, call: Call, internal: InternalCall, outcome: RingOutcome) -> bool:
        return self.recalls.recall_ended(call, internal, outcome)
