"""One call (one contact as telephony sees it) as a sans-I/O state machine.

The rules, with the states a reader can list, are in ``call_states.py``; which event each
state accepts is ``call_rules.py``'s table. Every step not in it raises IllegalTransition.
Time is given (``now``); ``next_deadline()`` says when ``on_timer`` must run.
"""

from __future__ import annotations

from collections.abc import Callable

import vaxel.telephony.call_requeue as call_requeue
from vaxel.core.errors import IllegalTransition
from vaxel.telephony import (
    call_announce,
    call_consult,
    call_park,
    call_pickup,
    call_talk,
    call_transfer,
)
from vaxel.telephony.call_events import (
    CUSTOMER,
    RECALL,
    TRANSFER,
    AgentConnected,
    Announce,
    AnswerRefused,
    Bridge,
    BusyOrdered,
    CallAction,
    CallEvent,
    CancelPhone,
    DigitReceived,
    HangUpParty,
    HangUpPhone,
    HoldChanged,
    NoRoute,
    Notice,
    OfferWithdrawn,
    Party,
    PartyLeft,
    PhoneAnswered,
    PhoneFailed,
    PhonesRung,
    ReleasePhones,
    ReportAgentAnswered,
    ReportAgentDeclined,
    ReportCallbackOutcome,
    ReportCallerLeft,
    ReportContactEnded,
    ReportRingOutcome,
    TransferOrdered,
    TransferRequested,
    WhisperHeard,
    is_callee,
)
from vaxel.telephony.call_rules import ALLOWED, CONNECTED, DIALLING, PARKED, TIMED
from vaxel.telephony.call_states import CallState, Offer, OfferState
from vaxel.telephony.early_events import AnswerCaller, CallerAnswered
from vaxel.telephony.park_events import CallParked, CallPickedUp, LeaveOrbit, ParkRetrieved
from vaxel.telephony.recall_notes import RecallNote
from vaxel.telephony.transfer_events import PartyHandedOver, PartyReplaced

__all__ = ["CallMachine", "CallState", "Offer", "OfferState"]  # the states re-exported


class CallMachine:
    """The life of one call; the switch carries out the actions it returns."""

    __slots__ = (
        "_dial_deadline",
        "agent_id",
        "callback",
        "caller_early",
        "customer_ring_s",
        "guests",
        "offers",
        "park_deadline",
        "parked_by",
        "recall_fallback",
        "recall_note",
        "recall_s",
        "recall_to",
        "state",
        "whisper_pending",
    )

    def __init__(
        self,
        *,
        callback: bool = False,
        customer_ring_s: float = 30.0,
        internal: bool = False,
        early: bool = False,
    ) -> None:
        self.callback = callback
        """A callback (CB9) is closed with a note (CB10), never by ContactEnded."""
        self.state = CallState.CALLBACK_RINGING if callback else CallState.IVR
        if internal:
            self.state = CallState.CONNECTING
        self.caller_early = early
        """The caller has had 183 and early media only: ``AnswerCaller`` once answered."""
        self.customer_ring_s = customer_ring_s
        self.offers: dict[str, Offer] = {}
        self.agent_id = ""
        self.whisper_pending: set[Party] = set()  # the legs yet to hear it (Q12)
        self._dial_deadline: float | None = None
        self.park_deadline: float | None = None
        self.parked_by, self.recall_fallback, self.recall_to = "", "", ""
        self.recall_s, self.guests = 0.0, 0
        self.recall_note: RecallNote | None = None  # a transfer's, for the card (issue 16)

    def next_deadline(self) -> float | None:
        """While a callback's customer (CB9) or an internal call's callee rings, when to give
        up on them; while parked, when to ring back (and how long the recall rings)."""
        if self.state in TIMED:  # a transfer's recall, a consultation's ringing too
            return self.park_deadline
        return self._dial_deadline if self.state in DIALLING else None

    def on_timer(self, now: float) -> list[CallAction]:
        due = self.next_deadline()
        if due is None or now < due:
            return []
        if self.state in (CallState.PARKED, CallState.RECALLING):
            return call_park.recall_due(self, now)
        if self.state is CallState.TRANSFERRING:
            return call_transfer.recalled(self, now)
        if self.state is CallState.CONSULTING:
            return call_announce.rang_out(self, now)
        self._dial_deadline = None
        if self.state is CallState.CONNECTING:
            callees = [name for name in self.offers if is_callee(name)]
            return [*(a for n in callees for a in self.withdraw(n)), ReportRingOutcome(0)]
        return [*self.withdraw(CUSTOMER), *self._customer_unanswered()]

    def handle(self, event: CallEvent, now: float) -> list[CallAction]:
        step = _STEPS.get(type(event))
        if step is None or self.state not in ALLOWED[type(event)]:
            raise IllegalTransition("call", self.state.value, type(event).__name__)
        return step(self, event, now)

    # -- ringing phones ---------------------------------------------------------------------

    def _rung(self, event: CallEvent, now: float) -> list[CallAction]:
        assert isinstance(event, PhonesRung)
        self.offers[event.offer] = Offer(event.offer, set(event.phones), rung_at=now)
        if event.offer == CUSTOMER:
            self.state = CallState.CALLBACK_DIALLING
            self._dial_deadline = now + self.customer_ring_s
        elif is_callee(event.offer):
            self._dial_deadline = None if event.ring_s is None else now + event.ring_s
        return []

    def _answered(self, event: CallEvent, now: float) -> list[CallAction]:
        assert isinstance(event, PhoneAnswered)
        offer = self.offers.get(event.offer)
        if offer is None or offer.state is not OfferState.RINGING or self.state is CallState.ENDED:
            return [HangUpPhone(event.offer, event.phone)]  # a loser, or too late
        offer.ringing.discard(event.phone)
        offer.state, offer.winner = OfferState.ANSWERED, event.phone
        actions: list[CallAction] = [CancelPhone(event.offer, p) for p in sorted(offer.ringing)]
        if event.offer == CUSTOMER:
            self.state = CallState.BRIDGED
            return [*actions, ReportCallbackOutcome("answered"), Bridge()]
        if event.offer == TRANSFER:
            self.state = CallState.TRANSFERRED
            return [*actions, Bridge()]
        if event.offer == call_announce.CONSULT:  # the person the operator asks first (issue 16 §3)
            return [*actions, *call_announce.answered(self)]
        if event.offer == RECALL:  # whoever the recall rang took it (hers again: call_park)
            return [*actions, *call_park.recall_answered(self)]
        if is_callee(event.offer):
            self.state, self._dial_deadline = CallState.TRANSFERRED, None
            return [*actions, *self.answer_caller(), ReportRingOutcome(200), Bridge()]
        self.agent_id = event.offer
        if self.state is CallState.CALLBACK_RINGING:
            self.state = CallState.CALLBACK_DIALLING
            return [*actions, ReportAgentAnswered(event.offer)]
        self.state = CallState.AGENT_ANSWERING
        for other in self.offers.values():  # one agent per call: any other offer is over
            if other is not offer and other.state is OfferState.RINGING:
                actions += self.withdraw(other.name)
        return [*actions, ReportAgentAnswered(event.offer)]

    def _failed(self, event: CallEvent, now: float) -> list[CallAction]:
        assert isinstance(event, PhoneFailed)
        offer = self.offers.get(event.offer)
        if offer is None:
            return []
        offer.ringing.discard(event.phone)
        if offer.ringing or offer.state is OfferState.ANSWERED:
            return []
        actions: list[CallAction] = [ReleasePhones(offer.name)]
        if offer.state is OfferState.WITHDRAWN or self.state is CallState.ENDED:
            return actions
        offer.state = OfferState.UNANSWERED
        if offer.name == CUSTOMER:
            self._dial_deadline = None
            return [*actions, *self._customer_unanswered()]
        if offer.name == TRANSFER and self.parked_by and self.state is CallState.TRANSFERRING:
            return [*actions, *call_transfer.recalled(self, now, event.status)]  # busy …
        if offer.name == TRANSFER:
            return [*actions, *self._no_route(NoRoute(TRANSFER), now)]
        if offer.name == call_announce.CONSULT:
            return [*actions, *call_announce.failed(self, event.status, now)]
        if offer.name == RECALL:
            return [*actions, *call_park.recall_ended(self, now)]
        if is_callee(offer.name):
            self._dial_deadline = None
            return [*actions, ReportRingOutcome(event.status)]
        if self.state is CallState.CALLBACK_RINGING:
            # offered again by the ACD (Q23); one picked from the list stays theirs (CB10)
            self.state = CallState.ENDED
        return [*actions, ReportAgentDeclined(offer.name)]  # Q23

    def _withdrawn(self, event: CallEvent, now: float) -> list[CallAction]:
        assert isinstance(event, OfferWithdrawn)
        if self.state is CallState.CALLBACK_RINGING:  # closed in the list meanwhile (CB10)
            self.state = CallState.ENDED
        return self.withdraw(event.offer)

    def _no_route(self, event: CallEvent, now: float) -> list[CallAction]:
        assert isinstance(event, NoRoute)
        if event.offer == RECALL:  # the parker's phone is gone: the caller waits on
            return call_park.recall_ended(self, now)
        self.state = CallState.ENDED
        if event.offer == CUSTOMER:
            return [
                ReportCallbackOutcome("no_answer"),
                Announce(Party.AGENT, Notice.NO_SUCH_NUMBER),
            ]
        return [Announce(Party.CALLER, Notice.NO_SUCH_NUMBER)]

    def _refused(self, event: CallEvent, now: float) -> list[CallAction]:
        self.state = call_requeue.waiting_state(self)  # the caller stays in the queue
        self.agent_id = ""
        return [HangUpParty(Party.AGENT)]

    def answer_caller(self, event: CallEvent | None = None, now: float = 0.0) -> list[CallAction]:
        """``AnswerCaller`` for a caller still in early media (once; ``CallerAnswered``)."""
        if not self.caller_early or self.state is CallState.ENDED:
            return []
        self.caller_early = False
        return [AnswerCaller()]

    def withdraw(self, name: str) -> list[CallAction]:
        offer = self.offers.get(name)
        if offer is None or offer.state is not OfferState.RINGING:
            return []
        offer.state = OfferState.WITHDRAWN
        return [CancelPhone(name, p) for p in sorted(offer.ringing)]

    def _customer_unanswered(self) -> list[CallAction]:
        self.state = CallState.ENDED
        return [
            ReportCallbackOutcome("no_answer"),
            Announce(Party.AGENT, Notice.CUSTOMER_NO_ANSWER),
        ]

    # -- ending -----------------------------------------------------------------------------

    def _left(self, event: CallEvent, now: float) -> list[CallAction]:
        assert isinstance(event, PartyLeft)
        before = self.state
        if before is CallState.ENDED:
            return []  # the other leg's end, after ours ended the call
        if before in PARKED and event.party is Party.AGENT:
            return []  # the parker's leg, hung up as it parked the call
        if before in call_announce.STATES or self.guests:  # a conference's guests (§46)
            return call_announce.left(self, event, now)
        if before is CallState.REQUEUED:
            return call_requeue.left(self)
        self.state = CallState.ENDED
        actions: list[CallAction] = []
        for name in list(self.offers):
            actions += self.withdraw(name)
        if before is CallState.IVR:
            return [ReportCallerLeft(), *actions]
        if before in (CallState.CALLBACK_RINGING, CallState.TRANSFERRING, CallState.CONNECTING):
            return actions  # nobody else is on the line
        if before in PARKED:
            return [*actions, LeaveOrbit()]
        if before in CONNECTED and not self.callback:
            # during the whisper (Q12) the ACD has connected the agent though the legs are
            # not bridged yet: a hang-up then must still end the contact (Q22)
            actions.append(ReportContactEnded())
        actions.append(HangUpParty(_other(event.party)))
        return actions


def _other(party: Party) -> Party:
    return Party.AGENT if party is Party.CALLER else Party.CALLER


_Step = Callable[[CallMachine, CallEvent, float], list[CallAction]]
_STEPS: dict[type, _Step] = {
    CallerAnswered: CallMachine.answer_caller,
    PhonesRung: CallMachine._rung,
    PhoneAnswered: CallMachine._answered,
    PhoneFailed: CallMachine._failed,
    OfferWithdrawn: CallMachine._withdrawn,
    AgentConnected: call_talk.connected,
    WhisperHeard: call_talk.whisper_heard,
    PartyLeft: CallMachine._left,
    HoldChanged: call_consult.hold,
    DigitReceived: call_talk.digit,
    TransferRequested: call_transfer.requested,
    TransferOrdered: call_transfer.sent_on,
    BusyOrdered: call_transfer.busy,
    CallParked: call_park.parked,
    ParkRetrieved: call_park.retrieved,
    call_park.RingParked: call_park.rung_now,
    CallPickedUp: call_pickup.picked_up,
    AnswerRefused: CallMachine._refused,
    NoRoute: CallMachine._no_route,
    PartyReplaced: call_consult.replaced,
    PartyHandedOver: call_consult.handed_over,
}
_STEPS.update(call_announce.STEPS | call_requeue.STEPS)  # issue 16 §3
