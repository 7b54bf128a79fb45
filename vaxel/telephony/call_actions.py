"""The I/O shell around the call machine (``call.py``): what happened to a call (media
events too: keys, prompts played out, silent RTP, by ``media_in.py``) goes in as an event,
and what the machine
answers is carried out here — phones cancelled or hung up, the ACD told, the whisper
played, legs bridged (``bridging.py``), a party hung up or told a notice. A call is
forgotten once its machine has ended and no leg of it is left. It holds the calls' index
and the parts that carry the actions out (ringing, the ACD commands, the flow's commands,
the callbacks' dial-out, what each leg hears).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from vaxel.acd.events import CallbackAttemptEnded, ContactEnded
from vaxel.core.errors import IllegalTransition, VaxelError
from vaxel.flow import CallerHungUp, DigitPressed, TimerTick
from vaxel.media.backend import MediaBackend, MediaEvent
from vaxel.media.player import Comfort
from vaxel.sip.transaction import CancelReceived
from vaxel.telephony.acd_commands import AcdCommands
from vaxel.telephony.bridging import Bridging
from vaxel.telephony.call import CallState, OfferState
from vaxel.telephony.call_events import (
    RECALL,
    TRANSFER,
    AgentConnected,
    Announce,
    Bridge,
    CallAction,
    CallEvent,
    CancelPhone,
    DialOnward,
    ForwardDigit,
    HangUpParty,
    HangUpPhone,
    Hear,
    Notice,
    Party,
    PartyLeft,
    PlayWhisper,
    ReleasePhones,
    ReportAgentAnswered,
    ReportAgentDeclined,
    ReportCallbackOutcome,
    ReportCallerLeft,
    ReportContactEnded,
    ReportRingOutcome,
    Sound,
    Unbridge,
)
from vaxel.telephony.call_index import CallIndex
from vaxel.telephony.callbacks import CallbackDialOut
from vaxel.telephony.calls import Call, Leg
from vaxel.telephony.conference import ConferenceCalls
from vaxel.telephony.consult_events import ConsultAction, ConsultedLeft
from vaxel.telephony.early_events import AnswerCaller
from vaxel.telephony.elsewhere import PartiesElsewhere
from vaxel.telephony.endpoint import SipEndpoint
from vaxel.telephony.flow_commands import FlowCommands
from vaxel.telephony.leg import LegState
from vaxel.telephony.leg_events import CancelReceived as LegCancelReceived
from vaxel.telephony.leg_events import (
    EndCause,
    HangUp,
    LegEnded,
    LegInput,
    SendBye,
    SendFinal,
)
from vaxel.telephony.media_in import key, media_event
from vaxel.telephony.notices import CallPrompts, SystemPrompt
from vaxel.telephony.park_events import LeaveOrbit, RingBack
from vaxel.telephony.parking import Parking
from vaxel.telephony.requeue_events import RequeueAction
from vaxel.telephony.ringing import Ringing
from vaxel.telephony.timers import CallTimers
from vaxel.telephony.voicemail import VoicemailCalls

__all__ = ["CallActions"]

log = logging.getLogger(__name__)
_T = TypeVar("_T")
_UNANSWERED = frozenset({LegState.OFFERED, LegState.EARLY_MEDIA})
_VANISHED = frozenset({EndCause.NO_ACK, EndCause.MEDIA_TIMEOUT, EndCause.REQUEST_TIMEOUT})
_NOTICES = {
    Notice.NO_SUCH_NUMBER: SystemPrompt.NO_SUCH_NUMBER,
    Notice.CUSTOMER_NO_ANSWER: SystemPrompt.CUSTOMER_NO_ANSWER,
}
_SOUNDS = {Sound.MUSIC: Comfort.MUSIC, Sound.RINGBACK: Comfort.RINGBACK}


class CallActions:
    def __init__(
        self,
        sip: SipEndpoint,
        media: MediaBackend,
        clock: Callable[[], float],
        timers: CallTimers,
        index: CallIndex,
        *,
        prompts: CallPrompts,
        bridging: Bridging,
        flow_commands: FlowCommands,
        ringing: Ringing,
        acd_commands: AcdCommands,
        callbacks: CallbackDialOut,
        elsewhere: PartiesElsewhere,
        conferences: ConferenceCalls,
        voicemail_calls: VoicemailCalls,
        ring_outcome: Callable[[Call, int], None],
        parking: Parking,
        answer_caller: Callable[[Call], None],
    ) -> None:
        self.sip = sip
        self.media = media
        self.clock = clock
        self.timers = timers
        self.index = index
        self.calls = index.calls
        self.prompts = prompts
        self.bridging = bridging
        self.flow_commands = flow_commands
        self.ringing = ringing
        self.acd_commands = acd_commands
        self.callbacks = callbacks
        self.elsewhere = elsewhere
        self.conferences = conferences
        self.voicemail_calls = voicemail_calls  # messages left, the mailbox's menu (PBX4)
        self.ring_outcome = ring_outcome  # an internal call's ringing ended (PBX1)
        self.internal_keys: Callable[[Call, str], bool] = lambda call, digit: False
        """A key from an internal call's caller (0 or 1 after a presence, PBX5)."""
        self.forget_hooks: list[Callable[[str], None]] = []
        """Told each call id the switch forgets (line state, PBX5)."""
        self.followers: list[Callable[[Call], None]] = []  # after each step (``line_feed``)
        self.sweeps: list[Callable[[], object]] = []  # every 15 s: state outliving its call
        self.recall_hooks: list[Callable[[Call], None]] = []
        """Told each call that rings back whoever parked or transferred it (issue 16)."""
        self.parking = parking
        self.answer_caller = answer_caller  # 200 to a caller in early media (``leg.py``)
        self.consults: Callable[[Call, ConsultAction], None] = lambda call, action: None
        """Carries out an announced transfer's actions (``console_consult.py``)."""
        self.side_left: Callable[[Call, Leg], None] = lambda call, leg: None  # break_in.py
        self.requeues: Callable[[Call, RequeueAction], None] = lambda call, action: None
        """Carries out a call's step back into its queue (``requeue.py``, issue 16 §3)."""

    def step(self, call: Call, event: CallEvent) -> None:
        """Tell the call's machine what happened and carry out what it says."""
        try:
            actions = call.machine.handle(event, self.clock())
        except IllegalTransition as error:
            log.warning("call %s: %s", call.call_id, error)
            return
        self.carry_out(call, actions)
        self.settle(call)

    def call_due(self, call: Call, deadline: float) -> None:
        """The call's deadline came (``timers.py``): its machine's, its flow's, or both."""
        if self.calls.get(call.call_id) is not call:
            return
        now = max(self.clock(), deadline)
        self.carry_out(call, call.machine.on_timer(now))
        if call.conference is not None:
            self.conferences.timer(call, now)
        if call.voicemail is not None:
            self.voicemail_calls.timer(call, now)
        session = call.session
        if session is not None and not call.ended and not session.flow.ended:
            due = session.flow.next_deadline()
            if due is not None and due <= now:
                session.refresh(now)
                self.flow_commands.run(call, session.handle(TimerTick(), now))
        self.settle(call)
        self.acd_commands.drain()

    def carry_out(self, call: Call, actions: list[CallAction]) -> None:
        for action in actions:
            if isinstance(action, (CancelPhone, HangUpPhone)):
                self.ringing.stop_phone(call, action.offer, action.phone)
            elif isinstance(action, ReleasePhones):
                self.ringing.release_attempt(call, action.offer)
            elif isinstance(action, ReportAgentAnswered):
                self.acd_commands.agent_answered(call, action.agent_id)
            elif isinstance(action, ReportAgentDeclined):
                self.acd_commands.agent_declined(call, action.agent_id)
            elif isinstance(action, ReportContactEnded):
                try:
                    self.acd_commands.submit(ContactEnded(call.tenant_id, call.call_id))
                except VaxelError as error:
                    log.debug("ContactEnded for %s refused: %s", call.call_id, error)
            elif isinstance(action, ReportCallerLeft):
                if call.session is not None:  # the call has ended: the flow's answer is moot
                    call.session.handle(CallerHungUp(), self.clock())
            elif isinstance(action, ReportCallbackOutcome):
                self.acd_commands.submit(
                    CallbackAttemptEnded(call.tenant_id, call.call_id, action.outcome)
                )
            elif isinstance(action, ForwardDigit):
                if call.session is not None and not call.session.flow.ended:
                    self.flow_commands.run(
                        call, call.session.handle(DigitPressed(action.digit), self.clock())
                    )
            elif isinstance(action, PlayWhisper):
                self.bridging.play_whisper(call)
            elif isinstance(action, AnswerCaller):
                self.answer_caller(call)
            elif isinstance(action, Bridge):
                self.bridging.bridge(call)
            elif isinstance(action, Unbridge):
                self.bridging.unbridge(call, action.party, _SOUNDS[action.hear])
            elif isinstance(action, HangUpParty):
                self._hang_up_party(call, action.party)
            elif isinstance(action, Announce):
                self._announce(call, action.party, _NOTICES[action.notice], action.prompt)
            elif isinstance(action, Hear):
                self.bridging.hear(call, action.party, _SOUNDS[action.sound])
            elif isinstance(action, DialOnward):
                self.ringing.ring_number(call, action.number, TRANSFER)
            elif isinstance(action, RingBack):
                self.ringing.ring_number(call, action.whom, RECALL)
                for hook in self.recall_hooks:  # the console's card, her priority
                    hook(call)
            elif isinstance(action, LeaveOrbit):
                self.parking.leave(call)
            elif isinstance(action, ReportRingOutcome):
                self.ring_outcome(call, action.status)
            elif isinstance(action, RequeueAction):
                self.requeues(call, action)
            else:  # an announced transfer's (``consult_events.ConsultAction``)
                self.consults(call, action)

    def settle(self, call: Call) -> None:
        """Forget a call that is over; otherwise note its next deadline on the calls' timer."""
        if self.calls.get(call.call_id) is not call:
            return  # forgotten already: a phone still being cancelled reported its end
        for follow in self.followers:
            _guarded(follow, call, "follower")
        live = any(leg is not None and not leg.machine.ended for leg in (call.caller, call.agent))
        if call.ended:
            if not live:
                self._forget(call)
            return
        ringing = any(o.state is OfferState.RINGING for o in call.machine.offers.values())
        if call.caller is None and call.agent is None and not ringing and not call.callback:
            self._forget(call)  # a contact whose caller is elsewhere, no phone of ours on it
            return
        self.timers.rearm(call)

    # -- media ----------------------------------------------------------------------------

    def on_media(self, event: MediaEvent) -> None:
        """Silent RTP, a key, a prompt played out (``media_in.py``)."""
        media_event(self, event)

    def digit(self, call: Call, digit: str, via: str) -> None:
        """A key from the caller (RFC 4733 or SIP INFO alike): ``media_in.key``."""
        key(self, call, digit, via)

    def connect(self, call: Call, whisper: tuple[str, ...]) -> None:
        """Q12: agent and caller both hear the whisper, then the two are bridged."""
        if call.caller is None or call.agent is None:
            heard = self.elsewhere.caller_hears(call.tenant_id, call.call_id)
            if call.caller is not None and heard is not None:  # the agent is not on SIP here
                self.bridging.caller_hears(call, [self.prompts.notice(call, heard)])
            return
        if call.state is not CallState.AGENT_ANSWERING:
            log.warning("connect of %s in state %s ignored", call.call_id, call.state.value)
            return
        call.whisper = tuple(p for p in whisper if self.prompts.known(p))
        self.step(call, AgentConnected(whisper=bool(call.whisper)))

    def _announce(self, call: Call, party: Party, notice: SystemPrompt, own: str = "") -> None:
        """Tell ``party`` the notice (or the tenant's ``own`` message), then hang up."""
        agent = party is Party.AGENT
        if notice is SystemPrompt.NO_SUCH_NUMBER:  # a caller never answered: 404 after it
            call.unanswered = (404, "Not Found")
        prompt = own or self.prompts.notice(call, notice, agent=agent)
        if agent:
            self.bridging.agent_hears(call, [prompt], then_hangup=True)
        else:
            self.bridging.caller_hears(call, [prompt], then_hangup=True)
        if _leg_of(call, party) is None:
            self.hang_up(call)

    # -- legs -----------------------------------------------------------------------------

    def _hang_up_party(self, call: Call, party: Party) -> None:
        leg = _leg_of(call, party)
        if leg is None:
            return
        if party is Party.AGENT and not call.ended:
            # the call goes on without this agent (an answer the ACD refused, a transfer)
            call.agent = None
            self.index.drop_leg(leg)
        self.end_leg(call, leg, HangUp(*call.unanswered), tell_call=False)

    def end_leg(self, call: Call, leg: Leg, event: LegInput, *, tell_call: bool = True) -> None:
        """End ``leg`` (our BYE, the peer's, silent media); told to the call if ``tell_call``."""
        if leg.machine.ended:
            return
        try:
            actions = leg.machine.handle(event, self.sip.now)
        except IllegalTransition as error:
            log.warning("leg of %s: %s", call.call_id, error)
            return
        for action in actions:
            if isinstance(action, SendBye):
                self.bye(leg)
            elif isinstance(action, SendFinal):
                self.final(leg, action.status, action.reason)
            elif isinstance(action, LegEnded):
                if tell_call:
                    self.after_leg(call, leg, vanished=action.cause in _VANISHED)
                else:
                    self.settle(call)

    def after_leg(self, call: Call, leg: Leg, *, vanished: bool = False) -> None:
        """A leg has ended: its party left the call (the machine says what follows)."""
        if leg is call.caller and call.voicemail_path:
            self.media.stop_recording(leg.endpoint.endpoint_id)
        party = Party.CALLER if leg is call.caller else Party.AGENT if leg is call.agent else None
        if leg is call.consulted:  # the person the operator asked first hung up
            self.step(call, ConsultedLeft())
            return
        if party is None:
            self.side_left(call, leg)  # a leg outside the machine (the operator broke in)
            self.settle(call)
            return
        self.step(call, PartyLeft(party, vanished=vanished))

    def cancelled(self, event: CancelReceived) -> None:
        """The caller's CANCEL before we answered (early media too): 487 to the INVITE
        in its early dialog, the caller left (every phone rung for it is cancelled)."""
        call = self.index.by_invite.get(event.invite_key) if event.invite_key else None
        leg = call.caller if call is not None else None
        if call is None or leg is None or leg.state not in _UNANSWERED:
            return
        self.final(leg, 487, "Request Terminated")
        leg.machine.handle(LegCancelReceived(), self.sip.now)
        log.info("%s: cancelled by the caller, unanswered", call.call_id)
        self.after_leg(call, leg)

    def hang_up(self, call: Call) -> None:
        """Hang the call up from our side (a flow's Hangup, a notice heard)."""
        live = [leg for leg in (call.caller, call.agent) if leg and not leg.machine.ended]
        if not live:
            self.settle(call)
        elif call.ended:  # the machine is done with it; the legs still up are hung up
            for leg in live:
                self.end_leg(call, leg, HangUp(*call.unanswered), tell_call=False)
        else:  # the machine hangs up the other side
            self.end_leg(call, live[0], HangUp(*call.unanswered))

    def final(self, leg: Leg, status: int, reason: str) -> None:
        """A final error to a caller never answered, in its early dialog (its To tag)."""
        tag = leg.dialog.local_tag if leg.dialog is not None else None
        self.sip.respond(leg.server_key, leg.invite, status, reason, to_tag=tag)  # type: ignore[arg-type]

    def bye(self, leg: Leg) -> None:
        if leg.dialog is not None:
            bye = leg.dialog.request("BYE", self.sip.via(leg.transport))
            self.sip.request(bye, leg.destination, leg.transport)

    def _forget(self, call: Call) -> None:
        self.timers.cancel(call)
        for hook in self.forget_hooks:  # the line feed among them: each is told, come what may
            _guarded(hook, call.call_id, "forget hook")
        self.conferences.left(call)
        self.voicemail_calls.left(call)
        for leg in (call.caller, call.agent, call.customer, call.consulted):
            if leg is not None:
                self.media.release(leg.endpoint.endpoint_id)
                self.index.drop_leg(leg)
        for attempt in call.attempts.values():
            self.media.release(attempt.endpoint.endpoint_id)
            self.ringing.dialer.forget(attempt)
        self.calls.pop(call.call_id, None)


def _guarded(hook: Callable[[_T], None], subject: _T, what: str) -> None:
    """Run one part's hook; its fault is logged and degrades that part only — the call is
    still forgotten and every other part (a person's line status) still told (issue 16)."""
    try:
        hook(subject)
    except Exception:
        log.exception("a %s failed on %r", what, subject)


def _leg_of(call: Call, party: Party) -> Leg | None:
    return call.caller if party is Party.CALLER else call.agent
