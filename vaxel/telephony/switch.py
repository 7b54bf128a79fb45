"""The B2BUA: SIP calls in, IVR flow, queue, agents' phones, bridge (issue 3).

Rules kept here:
- An INVITE to a service number (from a trusted trunk, or an authenticated extension) is
  answered by the tenant's IVR flow at once; any other number goes to the PBX
  (``internal.py``: the tenant's numbering plan, PBX1); unknown numbers 404 after a prompt
  (``refusals.py``), calls abroad 403 (PBX8), bad SDP 488; more new calls from one source
  than ``invite_limit`` allows, or no RTP port left, 503 (issue 10 §8). The caller never
  hears silence: prompts, then music or ringback (Q10).
- Offers from the ACD ring every registered phone of the agent in parallel; the first to
  answer wins and the others are cancelled. A phone that declines or fails counts as an
  unanswered offer (Q23); the ACD's own offer timer covers phones that just ring.
- When the agent answers: the queue's whisper plays to both legs at once, the caller hearing
  it instead of ringback or music (Q12); the legs are bridged when both have heard it.
  Either side hanging up ends the conversation (ContactEnded → wrap-up, Q22).
- A callback (CB9) rings the agent's phone first; once answered the customer is dialled
  while the agent hears ringback; the outcome goes to the ACD as CallbackAttemptEnded.
- A hold re-INVITE from one side plays music to the other (Q10).
Everything durable goes through ContactCenter first; the media and SIP follow.

Where each part lives: new calls and CANCELs here; the rest in parts it holds, each
given only the narrow port (a Protocol) it needs, which the switch answers by handing on:

- ``call_index.CallIndex``: which call a dialog, an INVITE or a media endpoint belongs to;
- ``call_actions.CallActions``: the machine's actions carried out, media in, calls forgotten;
- ``in_dialog.InDialog``: requests inside a call (ACK, BYE, re-INVITE, REFER, INFO);
- ``ringing.Ringing``: the phones we ring, each on an outbound leg machine;
- ``acd_commands.AcdCommands``: the ACD's commands, carried out after each step;
- ``flow_commands.FlowCommands``: the IVR flow's commands on the caller's leg;
- ``internal.InternalCalls``: calls to the PBX's numbers, by the numbering plan (PBX1)
  and the handler of each kind of number; calls out over the trunk (``outside_calls``);
- ``parking.Parking``: park orbits — a REFER parks, dialling the orbit retrieves (OP3);
- ``pickups.Pickups``: ``**<anknytning>``, ``*8#``: a call ringing there, or in one's groups;
- ``conference``, ``voicemail``, ``mwi``: calls in rooms, to mailboxes, and
  message-waiting (PBX6, PBX4);
- ``callbacks.CallbackDialOut``: a callback's customer dialled (CB9);
- ``bridging.Bridging``, ``notices.CallPrompts``: what each leg hears, in whose language;
- ``answer.Answering``: a new INVITE answered as a call (200, or 183 and the 200 later).

A call's state is its machine (``call.py``), a leg's its own (``leg.py``); the parts turn
SIP, media and ACD inputs into their events and carry out what they answer. Every leg's
2xx is resent on one timer (``leg_timers.py``); every call's deadline (its machine's, its
flow's) is in one heap with one timer for all calls (``timers.py``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial

from vaxel.acd.ports import ContactCenterPort
from vaxel.flow import CallInfo
from vaxel.media.backend import Endpoint, MediaBackend, MediaEvent
from vaxel.pbx.numbering import TargetKind
from vaxel.runtime.call_session import CallSession
from vaxel.runtime.group_logins import QueueGroupLogins
from vaxel.sip.dialog import angle_uri, header_tag, uri_user
from vaxel.sip.errors import SipError
from vaxel.sip.message import Request, Response
from vaxel.sip.sdp import NegotiatedMedia
from vaxel.sip.throttle import RateLimit
from vaxel.sip.transaction import (
    AckReceived,
    CancelReceived,
    RequestReceived,
    ResponseReceived,
    TransactionTimeout,
)
from vaxel.sip.transaction import Event as SipEvent
from vaxel.sip.transport import TimerDriver
from vaxel.telephony.acd_commands import AcdCommands
from vaxel.telephony.answer import Answering
from vaxel.telephony.bridging import Bridging
from vaxel.telephony.call_actions import CallActions
from vaxel.telephony.call_events import CallAction, CallEvent
from vaxel.telephony.call_index import CallIndex
from vaxel.telephony.callbacks import CallbackDialOut
from vaxel.telephony.caller_id import caller_id
from vaxel.telephony.calls import Call, Leg
from vaxel.telephony.conference import ConferenceCalls, ConferenceTargets
from vaxel.telephony.dialout import Dialer, Target
from vaxel.telephony.directory import TelephonyDirectory
from vaxel.telephony.early_events import CallerAnswered
from vaxel.telephony.elsewhere import NobodyElsewhere, PartiesElsewhere
from vaxel.telephony.endpoint import ALLOW, SipEndpoint
from vaxel.telephony.flow_commands import FlowCommands
from vaxel.telephony.group_diversion import DivertedGroups  # a group's diversion (spec §67)
from vaxel.telephony.group_queue import QueueAnswers, QueueNumbers
from vaxel.telephony.in_dialog import InDialog
from vaxel.telephony.internal import GroupCalls, InternalCalls
from vaxel.telephony.leg_events import (
    LegInput,
)
from vaxel.telephony.leg_timers import LegTimers, legs_due
from vaxel.telephony.mwi import MessageWaiting
from vaxel.telephony.notices import CallPrompts
from vaxel.telephony.parking import Parking
from vaxel.telephony.pickups import Pickups
from vaxel.telephony.refusals import EarlyRefusals
from vaxel.telephony.registration import Registration
from vaxel.telephony.requeue import CallRequeues
from vaxel.telephony.ringing import Ringing
from vaxel.telephony.timers import CallTimers
from vaxel.telephony.voicemail import VoicemailCalls

__all__ = ["Switch"]

log = logging.getLogger(__name__)


class Switch:
    def __init__(
        self,
        sip: SipEndpoint,
        media: MediaBackend,
        center: ContactCenterPort,
        directory: TelephonyDirectory,
        registration: Registration,
        clock: Callable[[], float],
        timers: CallTimers,
        prompt_exists: Callable[[str], bool] = lambda _: True,
        voicemail_dir: str = "var/voicemail",
        invite_limit: RateLimit | None = None,
        elsewhere: PartiesElsewhere | None = None,
        customer_ring_s: float = 30.0,
    ) -> None:
        self.sip = sip
        self.leg_timers = LegTimers()
        self.leg_timer = TimerDriver(self.leg_timers, self._legs_due)
        """One timer for every leg's 2xx retransmission (the SIP clock)."""
        self.elsewhere: PartiesElsewhere = elsewhere or NobodyElsewhere()
        self.invite_limit = invite_limit or RateLimit(per_second=20.0, burst=40)
        self.media = media
        self.center = center
        self.directory = directory
        self.registration = registration
        self.clock = clock
        self.timers = timers
        self.index = CallIndex()
        self.calls = self.index.calls
        self.dialer = Dialer(sip, media, directory, registration)
        self.prompts = CallPrompts(directory.language, prompt_exists)
        self.bridging = Bridging(media, self.prompts)
        self.answers = Answering(
            sip, media, self.bridging, self.index, self.leg_timers, self.leg_timer
        )
        self.refusals = EarlyRefusals(sip, media, self.bridging, self.prompts, directory.language)
        self.flow_commands = FlowCommands(media, self.bridging, self.prompts, self, voicemail_dir)
        self.ringing = Ringing(sip, self.dialer, media, clock, self)
        self.ringing.confirms.at = timers.at  # a mobile's own bound for her key (PBX9)
        self.callbacks = CallbackDialOut(self.calls, self.dialer, media, self.step, self.ring)
        self.conferences = ConferenceCalls(media, self.bridging, clock, self.hang_up, self.settle)
        self.parking = Parking(self.index, timers, directory, clock, self)
        self.in_dialog = InDialog(sip, self.dialer, self.parking, self)
        self.acd_commands = AcdCommands(
            center,
            clock,
            self.calls,
            self,
            directory=directory,
            registration=registration,
            media=media,
            prompts=self.prompts,
            bridging=self.bridging,
            flow_commands=self.flow_commands,
            callbacks=self.callbacks,
            elsewhere=self.elsewhere,
            customer_ring_s=customer_ring_s,
            route=self.dialer.route_or_nothing,
        )
        voicemail = VoicemailCalls(media, self.bridging, clock, self.hang_up, self.settle)
        voicemail.answer = self.answer_caller
        self.voicemail_calls = voicemail  # messages left, the mailbox's menu (PBX4)
        self.internal = InternalCalls(
            directory,
            registration,
            self.dialer,
            self.prompts,
            self.bridging,
            self.parking,
            self.refusals,
            self,
        )
        queue = QueueAnswers(center, directory, clock, self.flow_commands.run, self.answer_caller)
        self.internal.handlers.update(  # what each kind of PBX number does (internal.py)
            {
                TargetKind.GROUP: DivertedGroups(self.internal, GroupCalls(self.internal, queue)),
                TargetKind.QUEUE: QueueNumbers(queue, lambda c: self.internal.ring_steps(c, [])),
                TargetKind.VOICEMAIL: self.voicemail_calls,
                TargetKind.CONFERENCE: ConferenceTargets(
                    self.conferences, directory, self.answer_caller
                ),  # PBX6
                TargetKind.PARK_ORBIT: self.parking,
            }
        )
        self.actions = CallActions(
            sip,
            media,
            clock,
            timers,
            self.index,
            prompts=self.prompts,
            bridging=self.bridging,
            flow_commands=self.flow_commands,
            ringing=self.ringing,
            acd_commands=self.acd_commands,
            callbacks=self.callbacks,
            elsewhere=self.elsewhere,
            conferences=self.conferences,
            voicemail_calls=self.voicemail_calls,
            ring_outcome=self.internal.ring_outcome,
            parking=self.parking,
            answer_caller=self.answers.ok_to_caller,
        )
        answer = partial(self.answer_call, internal=True)
        self.pickups = Pickups(  # a queue call at an agent's phone too (issue 14)
            self.index, timers, directory, answer, self.step, self.acd_commands.offer_picked_up
        )
        self.pickups.queue_logins = QueueGroupLogins(center, clock)  # who is in: the engine's
        self.mwi = MessageWaiting(sip, registration, directory)
        CallRequeues(self).install()  # recalls: back to the queue, or taken back (issue 16)

    # -- the ports the parts are given (each a narrow Protocol of theirs) ------------------

    def step(self, call: Call, event: CallEvent) -> None:
        """Tell the call's machine what happened and carry out what it says."""
        self.actions.step(call, event)

    def carry_out(self, call: Call, actions: list[CallAction]) -> None:
        self.actions.carry_out(call, actions)

    def settle(self, call: Call) -> None:
        """Forget a call that is over; otherwise note its next deadline on the calls' timer."""
        self.actions.settle(call)

    def connect(self, call: Call, whisper: tuple[str, ...]) -> None:
        self.actions.connect(call, whisper)

    def hang_up(self, call: Call) -> None:
        self.actions.hang_up(call)

    def end_leg(self, call: Call, leg: Leg, event: LegInput) -> None:
        self.actions.end_leg(call, leg, event)

    def digit(self, call: Call, digit: str, via: str) -> None:
        self.actions.digit(call, digit, via)

    def ring(
        self,
        call: Call,
        offer: str,
        targets: list[Target],
        from_user: str,
        role: str,
        ring_s: float | None = None,
        from_name: str = "",
    ) -> None:
        """INVITE every target in parallel as the call's offer ``offer``."""
        self.ringing.ring(call, offer, targets, from_user, role, ring_s, from_name)

    def set_remote(self, endpoint: Endpoint, negotiated: NegotiatedMedia, host: str) -> None:
        self.bridging.set_remote(endpoint, negotiated, host)

    def add_leg(self, call: Call, leg: Leg) -> None:
        self.index.add_leg(call, leg)

    def find_dialog(self, request: Request) -> tuple[Call, Leg] | None:
        return self.index.find_dialog(request)

    # -- the service's inputs ---------------------------------------------------------------

    def drain(self) -> None:
        """Carry out the ACD's commands pending from the steps just taken."""
        self.acd_commands.drain()

    def call_due(self, call: Call, deadline: float) -> None:
        """The call's deadline came (the calls' one timer, ``timers.py``)."""
        self.actions.call_due(call, deadline)

    def on_media(self, event: MediaEvent) -> None:
        if self.ringing.confirms.on_media(event):  # a mobile's key (``mobile_answer.py``)
            self.drain()
        elif not self.refusals.on_media(event):  # a prompt before a 404 (``refusals.py``)
            self.actions.on_media(event)

    def on_sip(self, event: SipEvent) -> None:
        if isinstance(event, RequestReceived):
            self._request(event)
        elif isinstance(event, ResponseReceived):
            if not self.mwi.response(event.client_key, event.response.status):
                self.ringing.response(event.response, event.client_key)
        elif isinstance(event, AckReceived):
            self.in_dialog.ack(event.request)
        elif isinstance(event, CancelReceived) and not self.refusals.cancelled(event):
            self.actions.cancelled(event)
        elif isinstance(event, TransactionTimeout):
            self.ringing.fork_failed(event.client_key, 408)
        self.drain()
        self.leg_timer.rearm()

    def _request(self, event: RequestReceived) -> None:
        request, key = event.request, event.server_key
        method = request.method
        try:
            if method == "REGISTER":
                self.registration.handle(event)
            elif method == "OPTIONS":
                self.sip.respond(
                    key, request, 200, "OK", extra=(("Allow", ALLOW), ("Accept", "application/sdp"))
                )
            elif method == "SUBSCRIBE":
                self.mwi.subscribe(event)  # message-waiting, in a dialog of its own (PBX4)
            elif header_tag(request.headers.get("To") or "") or "Replaces" in request.headers:
                if not self.ringing.confirms.on_request(event):  # a mobile's, before its key
                    self.in_dialog.handle(event)
            elif method == "INVITE":
                self._invite(event)
            elif method in ("BYE", "INFO", "REFER", "NOTIFY"):
                self.sip.respond(key, request, 481, "Call/Transaction Does Not Exist")
            else:
                self.sip.respond(key, request, 405, "Method Not Allowed", extra=(("Allow", ALLOW),))
        except SipError as error:
            self.sip.respond(key, request, error.status, error.reason)

    def _invite(self, event: RequestReceived) -> None:
        request, source = event.request, event.source
        if not self.invite_limit.allow(source[0], self.sip.now):  # before any work (§8)
            raise SipError("Service Unavailable: too many new calls from this source", 503)
        now = self.clock()
        number = self.directory.outside.dialled(  # a carrier calling our Contact (§2)
            uri_user(request.uri), uri_user(angle_uri(request.headers.get("To") or "")), source[0]
        )
        trusted, carrier_of = self.directory.trust(source[0], number, source[1])
        username = None if trusted else self.registration.authenticate(event, proxy=True)
        if not trusted and username is None:
            return  # challenged or refused; the registration module answered
        own = self.directory.extensions.get(username) if username else None
        service, room = self.directory.service_or_room(number, own, carrier_of)
        if service is None and room is None:
            if username and self.pickups.claims(number):  # **<ext> before the plan
                self.pickups.pick(event, username, number)
                return
            self.internal.not_a_service_number(event, number, username, carrier_of)
            return
        tenant_id = (service or room).tenant_id  # type: ignore[union-attr]
        call = self.answer_call(event, tenant_id)
        caller = caller_id(request.headers.get("From") or "")  # bounded (issue 9 §3)
        if room is not None:  # a conference room (PBX6): its way in, not a flow
            self.conferences.start(call, room, caller.number)
            return
        assert service is not None
        session = CallSession(
            self.center,
            service.tenant_id,
            call.call_id,
            service.flow,
            CallInfo(caller.number, number, self.directory.dial_policy(service.tenant_id)),
            service.hours,
            service.switches_at(now),
        )
        call.session = session
        self.flow_commands.run(call, session.start(now))

    def answer_call(
        self, event: RequestReceived, tenant_id: str, *, internal: bool = False, early: bool = False
    ) -> Call:
        """A new INVITE answered as a call of ``tenant_id`` (``answer.Answering``)."""
        return self.answers.answer_call(event, tenant_id, internal=internal, early=early)

    def answer_caller(self, call: Call) -> None:
        """Växel itself must talk with the caller (voicemail, a menu, a queue, a room):
        one still in early media is answered now (the machine's ``CallerAnswered``)."""
        self.step(call, CallerAnswered())

    def answered(self, leg: Leg, response: Response, *, again: bool = False) -> None:
        self.answers.answered(leg, response, again=again)

    def _legs_due(self, now: float) -> None:
        """The one leg timer fired (``leg_timers.legs_due``)."""
        legs_due(self.leg_timers, self.actions, now)
        self.drain()
