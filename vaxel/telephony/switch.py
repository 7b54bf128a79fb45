"""The B2BUA: SIP calls in, IVR flow, queue, agents' phones, bridge (issue 3).

Rules kept here:
- An INVITE to a service number (from a trusted trunk, or an authenticated extension) is
  answered by the tenant's IVR flow at once; unknown numbers get 404, calls abroad 403
  (PBX8), unacceptable SDP 488; more new calls from one source than ``invite_limit``
  allows, or no RTP port left, 503 (issue 10 §8). The caller never hears silence: prompts,
  then music or ringback (Q10).
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
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable

from vaxel.acd.commands import (
    CancelOffer,
    Command,
    ConnectContact,
    DialCallback,
    OfferContact,
    OverflowToNumber,
    RejectBusy,
)
from vaxel.acd.events import (
    AgentAnswered,
    AgentDeclined,
    CallbackAttemptEnded,
    CallbackClosed,
    ContactEnded,
    Event,
)
from vaxel.core.errors import VaxelError
from vaxel.flow import (
    CallerHungUp,
    CallInfo,
    ConnectAgent,
    DigitPressed,
    FlowCommand,
    Hangup,
    PlayPrompts,
    PromptFinished,
    SendToVoicemail,
    StartMusic,
    StopMedia,
    TimerTick,
    TransferCall,
)
from vaxel.media.backend import (
    DtmfReceived,
    Endpoint,
    MediaBackend,
    MediaDirection,
    MediaEvent,
    MediaTimeout,
    PlaybackFinished,
    PortsExhausted,
    RemoteMedia,
)
from vaxel.media.player import Comfort
from vaxel.runtime.call_session import CallSession
from vaxel.runtime.contact_center import ContactCenter
from vaxel.sip.dialog import Dialog, angle_uri, header_tag, uri_user
from vaxel.sip.errors import ParseError, SipError
from vaxel.sip.message import Request, Response
from vaxel.sip.sdp import (
    NegotiatedMedia,
    answer_offer,
    parse_sdp,
    read_answer,
    serialize_sdp,
)
from vaxel.sip.throttle import RateLimit
from vaxel.sip.transaction import (
    AckReceived,
    CancelReceived,
    RequestReceived,
    ResponseReceived,
    TransactionTimeout,
)
from vaxel.sip.transaction import Event as SipEvent
from vaxel.telephony.caller_id import caller_id
from vaxel.telephony.calls import Attempt, Call, Fork, Leg, LegState
from vaxel.telephony.dialout import Dialer, session_id
from vaxel.telephony.directory import TelephonyDirectory
from vaxel.telephony.dtmf import info_digit
from vaxel.telephony.endpoint import ALLOW, SipEndpoint
from vaxel.telephony.notices import SystemPrompt, system_prompt
from vaxel.telephony.numbers import dial_or_sip_error
from vaxel.telephony.registration import Registration
from vaxel.telephony.timers import CallTimers

__all__ = ["Switch"]

log = logging.getLogger(__name__)
NO_SUCH_NUMBER = SystemPrompt.NO_SUCH_NUMBER
NO_ANSWER = SystemPrompt.CUSTOMER_NO_ANSWER


class Switch:
    def __init__(
        self,
        sip: SipEndpoint,
        media: MediaBackend,
        center: ContactCenter,
        directory: TelephonyDirectory,
        registration: Registration,
        clock: Callable[[], float],
        timers: CallTimers,
        prompt_exists: Callable[[str], bool] = lambda _: True,
        voicemail_dir: str = "var/voicemail",
        invite_limit: RateLimit | None = None,
    ) -> None:
        self.sip = sip
        self.invite_limit = invite_limit or RateLimit(per_second=20.0, burst=40)
        self.media = media
        self.center = center
        self.directory = directory
        self.registration = registration
        self.clock = clock
        self.timers = timers
        self.prompt_exists = prompt_exists
        self.voicemail_dir = voicemail_dir
        self.calls: dict[str, Call] = {}
        self.dialer = Dialer(sip, media, directory, registration)
        self._by_dialog: dict[tuple[str, str, str], tuple[Call, Leg]] = {}
        self._by_invite: dict[tuple[str, str, str], Call] = {}
        self._by_endpoint: dict[str, tuple[Call, Leg | Attempt]] = {}
        self._pending: list[tuple[Event, list[Command]]] = []
        self._dispatching = False
        center.listeners.append(self._acd_committed)

    # == SIP events ============================================================================

    def on_sip(self, event: SipEvent) -> None:
        if isinstance(event, RequestReceived):
            self._request(event)
        elif isinstance(event, ResponseReceived):
            self._response(event.response, event.client_key)
        elif isinstance(event, AckReceived):
            self._ack(event.request)
        elif isinstance(event, CancelReceived):
            self._cancelled(event)
        elif isinstance(event, TransactionTimeout):
            self._fork_failed(event.client_key, 408)
        self.drain()

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
            elif header_tag(request.headers.get("To") or ""):
                self._in_dialog(event)
            elif method == "INVITE":
                self._invite(event)
            elif method in ("BYE", "INFO", "REFER", "NOTIFY"):
                self.sip.respond(key, request, 481, "Call/Transaction Does Not Exist")
            else:
                self.sip.respond(key, request, 405, "Method Not Allowed", extra=(("Allow", ALLOW),))
        except SipError as error:
            self.sip.respond(key, request, error.status, error.reason)

    # -- a new call ---------------------------------------------------------------------------

    def _invite(self, event: RequestReceived) -> None:
        request, source = event.request, event.source
        if not self.invite_limit.allow(source[0], self.sip.now):  # before any work (§8)
            raise SipError("Service Unavailable: too many new calls from this source", 503)
        now = self.clock()
        number = uri_user(request.uri)
        trusted = source[0] in self.directory.trusted_sources
        if not trusted and self.registration.authenticate(event, proxy=True) is None:
            return  # challenged or refused; the registration module answered
        service = self.directory.numbers.get(number)
        if service is None:
            self._not_a_service_number(event, number)
            return
        try:
            offer = parse_sdp(request.body)
        except ParseError:
            raise SipError("Not Acceptable Here: an SDP offer is required", 488) from None
        call_id = f"sip-{self.sip.token(12)}"
        try:
            endpoint = self.media.allocate(call_id)
        except PortsExhausted:
            raise SipError("Service Unavailable: no media port free", 503) from None
        try:
            answer, negotiated = answer_offer(
                offer, endpoint.address, endpoint.port, session_id=session_id(), version=1
            )
        except SipError:
            self.media.release(endpoint.endpoint_id)
            raise
        self._set_remote(endpoint, negotiated, source[0])
        call = Call(call_id, service.tenant_id)
        leg = Leg(
            "caller",
            endpoint,
            source,
            event.transport,
            invite=request,
            server_key=event.server_key,
            local_sdp=answer,
        )
        call.caller = leg
        self.calls[call_id] = call
        self._by_endpoint[endpoint.endpoint_id] = (call, leg)
        self._by_invite[event.server_key] = call
        to_tag = self.sip.token()
        leg.dialog = Dialog.as_uas(request, to_tag, self.sip.contact)
        self._by_dialog[leg.dialog.key] = (call, leg)
        response = self.sip.respond(
            event.server_key, request, 200, "OK", to_tag=to_tag, body=serialize_sdp(answer)
        )
        self._answered(leg, response)
        self.media.set_comfort(endpoint.endpoint_id, Comfort.RINGBACK)
        caller = caller_id(request.headers.get("From") or "")  # bounded (issue 9 §3)
        session = CallSession(
            self.center,
            service.tenant_id,
            call_id,
            service.flow,
            CallInfo(caller.number, number, self.directory.dial_policy(service.tenant_id)),
            service.hours,
            service.switches,
        )
        call.session = session
        self._flow(call, session.start(now))

    def _not_a_service_number(self, event: RequestReceived, number: str) -> None:
        extension = self.directory.extensions.get(number)
        if extension is not None and self.registration.bindings(extension):
            raise SipError("Temporarily Unavailable: internal calls are not routed yet", 480)
        if number.startswith(("+", "00")) or (number.isdigit() and len(number) >= 7):
            tenant = next(iter(self.directory.numbers.values()), None)
            policy = self.directory.dial_policy(tenant.tenant_id if tenant else "")
            dial_or_sip_error(policy, number)  # 403 for a barred number, 484 for garbage
            raise SipError("No outbound route for this number", 404)
        raise SipError("Not Found: no such number", 404)

    def _answered(self, leg: Leg, response: Response) -> None:
        leg.state = LegState.ANSWERED
        leg.ok_bytes = response.to_bytes()
        self.timers.retransmit(leg, self._retransmit_ok)

    def _retransmit_ok(self, leg: Leg, give_up: bool) -> None:
        if leg.state is not LegState.ANSWERED:
            return
        if give_up:  # no ACK within 64·T1: the dialog is dead (§13.3.1.4)
            found = self._by_dialog.get(leg.dialog.key) if leg.dialog else None
            if found is not None:
                self._leg_gone(found[0], found[1], send_bye=True)
            return
        self.sip.send_raw(leg.ok_bytes, leg.destination, leg.transport)

    def _ack(self, request: Request) -> None:
        found = self._find_dialog(request)
        if found is not None and found[1].state is LegState.ANSWERED:
            found[1].state = LegState.CONFIRMED
            if found[1].dialog is not None:
                found[1].dialog.confirm()

    def _cancelled(self, event: CancelReceived) -> None:
        call = self._by_invite.get(event.invite_key) if event.invite_key else None
        if call is None or call.caller is None or call.caller.state is not LegState.RINGING:
            return
        self.sip.respond(event.invite_key, call.caller.invite, 487, "Request Terminated")  # type: ignore[arg-type]
        self._leg_gone(call, call.caller, send_bye=False)

    # -- in-dialog requests ------------------------------------------------------------------

    def _in_dialog(self, event: RequestReceived) -> None:
        request, key = event.request, event.server_key
        found = self._find_dialog(request)
        if found is None:
            self.sip.respond(key, request, 481, "Call/Transaction Does Not Exist")
            return
        call, leg = found
        assert leg.dialog is not None
        leg.dialog.receive(request)
        if request.method == "BYE":
            self.sip.respond(key, request, 200, "OK")
            self._leg_gone(call, leg, send_bye=False)
        elif request.method == "INVITE":
            self._reinvite(call, leg, event)
        elif request.method == "REFER":
            self._refer(call, leg, event)
        elif request.method == "INFO":
            self.sip.respond(key, request, 200, "OK")
            digit = info_digit(request)
            if digit and leg is call.caller:
                self._digit(call, digit)
        else:
            self.sip.respond(key, request, 501, "Not Implemented")

    def _refer(self, call: Call, leg: Leg, event: RequestReceived) -> None:
        """Blind transfer: the agent hands the caller to a number (RFC 3515).

        The contact ends for the agent at once (wrap-up); the caller hears ringback until
        the target answers and is then bridged to it.
        """
        request = event.request
        if leg is not call.agent or not call.bridged or call.caller is None:
            raise SipError("Forbidden: only the agent of a connected call may transfer it", 403)
        refer_to = request.headers.get("Refer-To")
        if not refer_to:
            raise SipError("Missing Refer-To header", 400)
        number = uri_user(angle_uri(refer_to))
        targets = self.dialer.route(call.tenant_id, number)  # 403 abroad, 484 garbage
        if not targets:
            raise SipError("Not Found: no route to the transfer target", 404)
        assert leg.dialog is not None
        self.sip.respond(event.server_key, request, 202, "Accepted", to_tag=leg.dialog.local_tag)
        notify = leg.dialog.request(
            "NOTIFY",
            self.sip.via(leg.transport),
            body=b"SIP/2.0 200 OK\r\n",
            content_type="message/sipfrag;version=2.0",
            extra=(("Event", "refer"), ("Subscription-State", "terminated;reason=noresource")),
        )
        self.sip.request(notify, leg.destination, leg.transport)
        self._submit(ContactEnded(call.tenant_id, call.call_id))  # the agent is done
        call.transferred = True
        self.media.unbridge(call.caller.endpoint.endpoint_id)
        call.bridged = False
        self.media.set_comfort(call.caller.endpoint.endpoint_id, Comfort.RINGBACK)
        self._send_bye(leg)
        leg.state = LegState.ENDED
        call.agent = None
        caller_number = call.session.call.caller_number if call.session else "vaxel"
        self.dialer.ring(call, "transfer", targets, caller_number or "vaxel", "transfer")

    def _reinvite(self, call: Call, leg: Leg, event: RequestReceived) -> None:
        """Hold and resume (RFC 3264 §8.4): the other side hears music while held."""
        try:
            offer = parse_sdp(event.request.body)
        except ParseError:
            raise SipError("Not Acceptable Here: an SDP offer is required", 488) from None
        # the same o= session id, the version one up (RFC 3264 §8)
        version = (leg.local_sdp.version + 1) if leg.local_sdp else 2
        same_id = leg.local_sdp.session_id if leg.local_sdp else session_id()
        answer, negotiated = answer_offer(
            offer,
            leg.endpoint.address,
            leg.endpoint.port,
            session_id=same_id,
            version=version,
        )
        leg.local_sdp = answer
        self._set_remote(leg.endpoint, negotiated, event.source[0])
        assert leg.dialog is not None
        response = self.sip.respond(
            event.server_key,
            event.request,
            200,
            "OK",
            to_tag=leg.dialog.local_tag,
            body=serialize_sdp(answer),
        )
        self._answered(leg, response)
        held = negotiated.on_hold
        if held == leg.on_hold:
            return
        leg.on_hold = held
        other = call.agent if leg is call.caller else call.caller
        if other is None or not call.bridged:
            return
        if held:
            self.media.unbridge(leg.endpoint.endpoint_id)
            self.media.set_comfort(other.endpoint.endpoint_id, Comfort.MUSIC)
        else:
            self.media.bridge(leg.endpoint.endpoint_id, other.endpoint.endpoint_id)

    # -- responses to our INVITEs (agents' phones, customers) ------------------------------

    def _response(self, response: Response, client_key: tuple[str, str]) -> None:
        found = self.dialer.by_fork.get(client_key)
        if found is None:
            if client_key[1] == "INVITE" and 200 <= response.status < 300:
                self._stray_ok(response)
            return
        call, attempt = found
        fork = attempt.forks[client_key]
        status = response.status
        if status < 200:
            fork.provisional = True
            if fork.cancel_pending:
                self.dialer.send_cancel(fork)
            return
        fork.done = True
        if status >= 300:
            self._fork_failed(client_key, status)
            return
        self._fork_answered(call, attempt, fork, response)

    def _fork_answered(self, call: Call, attempt: Attempt, fork: Fork, response: Response) -> None:
        dialog = Dialog.as_uac(fork.invite, response)
        ack = dialog.request("ACK", self.sip.via(fork.transport), cseq=fork.invite.cseq[0])
        self.sip.send_raw(ack.to_bytes(), fork.destination, fork.transport)
        leg = Leg(
            attempt.role,
            attempt.endpoint,
            fork.destination,
            fork.transport,
            dialog=dialog,
            state=LegState.CONFIRMED,
            invite=fork.invite,
            local_sdp=attempt.offer,
        )
        if attempt.answered or attempt.cancelled or call.ended:
            self._send_bye(leg)  # another phone won, or nobody is waiting any more
            return
        attempt.answered = True
        try:
            negotiated = read_answer(attempt.offer, parse_sdp(response.body))
        except (SipError, ParseError):
            log.warning("phone answered without usable SDP; hanging up")
            self._send_bye(leg)
            return
        self._set_remote(attempt.endpoint, negotiated, fork.destination[0])
        self._by_dialog[dialog.key] = (call, leg)
        self._by_endpoint[attempt.endpoint.endpoint_id] = (call, leg)
        for other in attempt.forks.values():
            if other is not fork and not other.done:
                self.dialer.cancel(other)
        if attempt.role == "customer":
            self._customer_answered(call, leg)
            return
        if attempt.role == "transfer":
            call.agent = leg
            self._bridge(call)
            return
        call.agent = leg
        call.agent_id = attempt.agent_id
        picked = call.dial_after_answer
        if picked is not None and picked.agent_id == attempt.agent_id:
            call.dial_after_answer = None  # picked from the list: connected in the ACD already
            self._dial_customer(picked)
            return
        self._submit(AgentAnswered(call.tenant_id, attempt.agent_id, call.call_id))
        if not call.bridged and call.agent is leg and not self._acd_connected(call):
            self._send_bye(leg)  # the offer had ended just before the answer

    def _acd_connected(self, call: Call) -> bool:
        try:
            view = self.center.read(lambda acd: acd.contact_view(call.tenant_id, call.call_id))
        except VaxelError:
            return False
        return view.agent_id == call.agent_id

    def _fork_failed(self, client_key: tuple[str, str], status: int) -> None:
        found = self.dialer.by_fork.get(client_key)
        if found is None:
            return
        call, attempt = found
        attempt.forks[client_key].done = True
        if attempt.answered or any(not f.done for f in attempt.forks.values()):
            return
        self._attempt_over(call, attempt)
        if attempt.cancelled:
            return
        if attempt.role == "transfer":
            self._caller_hears(call, [self._notice(call, NO_SUCH_NUMBER)], then_hangup=True)
            return
        if attempt.role == "customer":
            self._submit(CallbackAttemptEnded(call.tenant_id, call.call_id, "no_answer"))
            if call.agent is not None:
                self._agent_hears(
                    call, [self._notice(call, NO_ANSWER, agent=True)], then_hangup=True
                )
            return
        if call.dial_after_answer is not None and call.agent is None:
            # the agent's phone did not take the picked callback: the list shows the number
            # to call by hand instead, and the agent closes it with a note (CB10)
            call.dial_after_answer = None
            self._forget(call)
            return
        if not attempt.declined:
            attempt.declined = True
            with contextlib.suppress(VaxelError):  # the offer may have ended meanwhile
                self._submit(AgentDeclined(call.tenant_id, attempt.agent_id, call.call_id))

    def _stray_ok(self, response: Response) -> None:
        """A 2xx for an INVITE we no longer want (a late fork): ACK it and hang up."""
        to_tag = header_tag(response.headers.get("To") or "")
        if not to_tag:
            return
        log.debug("late 2xx from a forked phone, ending it")

    # == media events =========================================================================

    def on_media(self, event: MediaEvent) -> None:
        found = self._by_endpoint.get(event.endpoint_id)
        if found is None:
            return
        call, leg = found
        if isinstance(event, MediaTimeout):
            # the phone's RTP stopped for media_timeout_s: it is gone (issue 11 §3); the BYE
            # ends the contact, which frees the agent (Q22), and the other side is hung up
            if isinstance(leg, Leg) and leg.state is not LegState.ENDED:
                log.info("no RTP from %s for %.0f s; hanging up", call.call_id, event.silent_s)
                self._leg_gone(call, leg, send_bye=True)
        elif isinstance(event, DtmfReceived) and leg is call.caller:
            self._digit(call, event.digit)
        elif isinstance(event, PlaybackFinished):
            if leg is call.caller and event.playback_id == call.playback_id:
                call.playback_id = ""
                if call.hangup_after_playback:
                    self._hang_up(call)
                elif call.session is not None:
                    self._flow(call, call.session.handle(PromptFinished(), self.clock()))
            elif leg is call.caller and event.playback_id == call.caller_whisper_id:
                call.caller_whisper_id = ""
                self._whisper_heard(call)
            elif leg is call.agent and event.playback_id == call.agent_playback_id:
                call.agent_playback_id = ""
                if call.hangup_after_playback:
                    self._hang_up(call)
                else:
                    self._whisper_heard(call)
        self.drain()

    def _digit(self, call: Call, digit: str) -> None:
        if call.session is not None and not call.session.flow.ended:
            self._flow(call, call.session.handle(DigitPressed(digit), self.clock()))

    # == the flow's commands ==================================================================

    def _flow(self, call: Call, commands: list[FlowCommand]) -> None:
        caller = call.caller
        if caller is None or call.ended:
            return
        endpoint_id = caller.endpoint.endpoint_id
        for command in commands:
            if isinstance(command, PlayPrompts):
                prompts = [p for p in command.prompt_ids if self._known(p)]
                call.playback_id = self.media.play(endpoint_id, prompts)
            elif isinstance(command, StartMusic):
                if command.ringback:
                    self.media.set_comfort(endpoint_id, Comfort.RINGBACK)
                else:
                    music = command.music_id if self._known(command.music_id) else ""
                    self.media.set_comfort(endpoint_id, Comfort.MUSIC, music)
            elif isinstance(command, StopMedia):
                self.media.stop_playback(endpoint_id)
                call.playback_id = ""
            elif isinstance(command, ConnectAgent):
                self._connect(call, command.whisper)
            elif isinstance(command, Hangup):
                if call.playback_id:
                    call.hangup_after_playback = True
                else:
                    self._hang_up(call)
            elif isinstance(command, SendToVoicemail):
                self._voicemail(call, command.box)
            elif isinstance(command, TransferCall):
                log.info(
                    "transfer of %s to %s: no outbound route; ending", call.call_id, command.target
                )
                self._caller_hears(call, [self._notice(call, NO_SUCH_NUMBER)], then_hangup=True)
        self.timers.schedule(call, self._flow_deadline(call))

    def _known(self, prompt_id: str) -> bool:
        if prompt_id and self.prompt_exists(prompt_id):
            return True
        if prompt_id:
            log.warning("prompt %s has no audio file; skipped", prompt_id)
        return False

    def _flow_deadline(self, call: Call) -> float | None:
        if call.session is None or call.ended:
            return None
        return call.session.flow.next_deadline()

    def flow_timer(self, call: Call) -> None:
        """The flow's deadline came (announcement repeats, digit timeouts)."""
        if call.session is None or call.ended or call.session.flow.ended:
            return
        now = self.clock()
        call.session.refresh(now)
        self._flow(call, call.session.handle(TimerTick(), now))
        self.drain()

    def _connect(self, call: Call, whisper: tuple[str, ...]) -> None:
        """Q12: agent and caller both hear the whisper, then the two are bridged."""
        if call.caller is None or call.agent is None:
            if call.caller is not None:  # a simulated agent took a real call (demo)
                self._caller_hears(call, [self._notice(call, SystemPrompt.SIMULATED_AGENT)])
            return
        prompts = [p for p in whisper if self._known(p)]
        if prompts:
            caller_endpoint = call.caller.endpoint.endpoint_id
            call.agent_playback_id = self.media.play(call.agent.endpoint.endpoint_id, prompts)
            self.media.stop_playback(caller_endpoint)  # the flow's prompts are over
            self.media.set_comfort(caller_endpoint, Comfort.SILENCE)  # no ringback burst after
            call.caller_whisper_id = self.media.play(caller_endpoint, prompts)
        else:
            self._bridge(call)

    def _whisper_heard(self, call: Call) -> None:
        """Bridge once neither leg is still hearing the whisper (Q12)."""
        if call.agent_playback_id or call.caller_whisper_id:
            return
        if not call.bridged and call.caller is not None and not call.callback:
            self._bridge(call)

    def _bridge(self, call: Call) -> None:
        assert call.caller is not None and call.agent is not None
        self.media.stop_playback(call.caller.endpoint.endpoint_id)
        self.media.bridge(call.caller.endpoint.endpoint_id, call.agent.endpoint.endpoint_id)
        call.bridged = True

    def _caller_hears(self, call: Call, prompts: list[str], then_hangup: bool = False) -> None:
        if call.caller is None:
            return
        known = [p for p in prompts if self._known(p)]
        call.playback_id = self.media.play(call.caller.endpoint.endpoint_id, known)
        call.hangup_after_playback = then_hangup

    def _agent_hears(self, call: Call, prompts: list[str], then_hangup: bool = False) -> None:
        if call.agent is None:
            return
        known = [p for p in prompts if self._known(p)]
        call.agent_playback_id = self.media.play(call.agent.endpoint.endpoint_id, known)
        call.hangup_after_playback = then_hangup

    def _voicemail(self, call: Call, box: str) -> None:
        assert call.caller is not None
        safe_box = "".join(c for c in box if c.isalnum() or c in "-_") or "default"
        path = f"{self.voicemail_dir}/{call.tenant_id}/{safe_box}/{call.call_id}.wav"
        self.media.set_comfort(call.caller.endpoint.endpoint_id, Comfort.SILENCE)
        self.media.start_recording(call.caller.endpoint.endpoint_id, path)
        call.voicemail_path = path

    # == the ACD's commands ===================================================================

    def _submit(self, event: Event) -> list[Command]:
        return self.center.submit(event, self.clock())

    def _acd_committed(self, event: Event, commands: list[Command], now: float) -> None:
        if commands or isinstance(event, (ContactEnded, CallbackClosed)):
            self._pending.append((event, commands))

    def drain(self) -> None:
        """Carry out ACD commands after the step that produced them (never re-entrantly)."""
        if self._dispatching:
            return
        self._dispatching = True
        try:
            while self._pending:
                event, commands = self._pending.pop(0)
                if isinstance(event, ContactEnded):
                    self._ended_elsewhere(event.contact_id)
                if isinstance(event, CallbackClosed):
                    self._closed_while_ringing(event.contact_id)
                for command in commands:
                    try:
                        self._command(command)
                    except Exception:
                        log.exception("ACD command %s failed", type(command).__name__)
        finally:
            self._dispatching = False

    def _closed_while_ringing(self, contact_id: str) -> None:
        """The agent closed a picked callback in the list before their phone answered."""
        call = self.calls.get(contact_id)
        if call is None or call.dial_after_answer is None or call.agent is not None:
            return
        call.dial_after_answer = None
        for attempt in call.attempts.values():
            attempt.cancelled = True
            for fork in attempt.forks.values():
                if not fork.done:
                    self.dialer.cancel(fork)
        self._forget(call)

    def _ended_elsewhere(self, contact_id: str) -> None:
        """A simulated agent finished with a real caller (demo): the caller is hung up."""
        call = self.calls.get(contact_id)
        if (
            call is not None
            and not call.ended
            and not call.transferred
            and call.agent is None
            and call.caller is not None
        ):
            self._hang_up(call)

    def _command(self, command: Command) -> None:
        if isinstance(command, OfferContact):
            self._offer(command)
        elif isinstance(command, CancelOffer):
            call = self.calls.get(command.contact_id)
            attempt = call.attempts.get(command.agent_id) if call else None
            if call is not None and attempt is not None and not attempt.answered:
                attempt.cancelled = True
                for fork in attempt.forks.values():
                    if not fork.done:
                        self.dialer.cancel(fork)
                self._attempt_over(call, attempt)
        elif isinstance(command, ConnectContact):
            call = self.calls.get(command.contact_id)
            if call is not None and call.session is not None:
                self._flow(call, call.session.agent_commands([command], self.clock()))
            elif call is not None and call.agent is not None and not call.callback:
                # a simulated caller's contact answered on a real phone (demo)
                agent_endpoint = call.agent.endpoint.endpoint_id
                simulated = self._notice(call, SystemPrompt.SIMULATED_CALL, agent=True)
                self.media.set_comfort(agent_endpoint, Comfort.MUSIC, simulated)
        elif isinstance(command, DialCallback):
            self._dial_customer(command)
        elif isinstance(command, (OverflowToNumber, RejectBusy)):
            call = self.calls.get(command.contact_id)
            if call is not None:
                message = getattr(command, "message_prompt", "") or self._notice(
                    call, NO_SUCH_NUMBER
                )
                self._caller_hears(call, [message], then_hangup=True)

    def _offer(self, command: OfferContact) -> None:
        extension = self.directory.extension_of_agent(command.tenant_id, command.agent_id)
        bindings = self.registration.bindings(extension) if extension else []
        if not bindings:
            return  # not a phone we serve (a simulated agent in the demo)
        call = self.calls.get(command.contact_id)
        if call is None:  # a contact that did not come over SIP (simulator, callback list)
            call = Call(command.contact_id, command.tenant_id)
            view = self.center.read(
                lambda acd: acd.contact_view(command.tenant_id, command.contact_id)
            )
            call.callback = view.channel.value == "callback"
            self.calls[call.call_id] = call
        caller_number = ""
        with contextlib.suppress(VaxelError):
            caller_number = self.center.read(
                lambda acd: acd.contact_view(command.tenant_id, command.contact_id)
            ).caller_number
        self.dialer.ring(
            call,
            command.agent_id,
            [(b.contact, b.source, b.transport) for b in bindings],
            caller_number or "vaxel",
            "agent",
        )

    def _attempt_over(self, call: Call, attempt: Attempt) -> None:
        """Nobody answered this attempt: free its media unless a leg uses it."""
        in_use = any(
            leg is not None and leg.endpoint.endpoint_id == attempt.endpoint.endpoint_id
            for leg in (call.agent, call.customer)
        )
        if not in_use and attempt.answered is False:
            self.media.release(attempt.endpoint.endpoint_id)
        if call.caller is None and call.agent is None and not call.callback:
            self._forget(call)

    # -- callbacks (CB9) ---------------------------------------------------------------------

    def _dial_customer(self, command: DialCallback) -> None:
        call = self.calls.get(command.contact_id)
        if call is None:
            return
        if call.agent is None:
            ringing = call.attempts.get(command.agent_id)
            if ringing is not None and not ringing.answered and not ringing.cancelled:
                call.dial_after_answer = command  # picked from the list: phone rings first
            return
        targets = self.dialer.route_or_nothing(command.tenant_id, command.number)
        if not targets:
            self._submit(CallbackAttemptEnded(call.tenant_id, call.call_id, "no_answer"))
            self._agent_hears(
                call, [self._notice(call, NO_SUCH_NUMBER, agent=True)], then_hangup=True
            )
            return
        self.media.set_comfort(call.agent.endpoint.endpoint_id, Comfort.RINGBACK)
        self.dialer.ring(call, "customer", targets, "vaxel", "customer")
        self.timers.customer_timeout(call, self._customer_no_answer)

    def _customer_no_answer(self, call: Call) -> None:
        attempt = call.attempts.get("customer")
        if attempt is None or attempt.answered or attempt.cancelled:
            return
        attempt.cancelled = True
        for fork in attempt.forks.values():
            self.dialer.cancel(fork)
        self._submit(CallbackAttemptEnded(call.tenant_id, call.call_id, "no_answer"))
        self._agent_hears(call, [self._notice(call, NO_ANSWER, agent=True)], then_hangup=True)
        self.drain()

    def _customer_answered(self, call: Call, leg: Leg) -> None:
        call.customer = leg
        call.caller = leg  # from here on the customer is the other party of the agent
        self._submit(CallbackAttemptEnded(call.tenant_id, call.call_id, "answered"))
        if call.agent is not None:
            self.media.stop_playback(call.agent.endpoint.endpoint_id)
            self._bridge(call)

    # == ending ===============================================================================

    def _leg_gone(self, call: Call, leg: Leg, *, send_bye: bool) -> None:
        if leg.state is LegState.ENDED:
            return
        if send_bye:
            self._send_bye(leg)
        leg.state = LegState.ENDED
        now = self.clock()
        if leg is call.caller and call.session is not None and not call.bridged:
            self._flow(call, call.session.handle(CallerHungUp(), now))
            for attempt in call.attempts.values():
                if not attempt.answered:
                    attempt.cancelled = True
                    for fork in attempt.forks.values():
                        self.dialer.cancel(fork)
        self._end_conversation(call)
        other = call.agent if leg is call.caller else call.caller
        if other is not None and other.state is not LegState.ENDED:
            self._send_bye(other)
            other.state = LegState.ENDED
        self._forget(call)

    def _end_conversation(self, call: Call) -> None:
        if call.ended:
            return
        call.ended = True
        if call.voicemail_path and call.caller is not None:
            self.media.stop_recording(call.caller.endpoint.endpoint_id)
        if call.callback or call.transferred:
            return  # a callback is closed with a note (CB10); a transfer ended it already
        # during the whisper (Q12) the ACD has connected the agent though the legs are not
        # bridged yet: a hang-up then must still end the contact, or the agent stays busy
        if call.agent is not None and (
            call.bridged or call.session is None or self._acd_connected(call)
        ):
            try:
                self._submit(ContactEnded(call.tenant_id, call.call_id))
            except VaxelError as error:
                log.debug("ContactEnded for %s refused: %s", call.call_id, error)

    def _hang_up(self, call: Call) -> None:
        for leg in (call.caller, call.agent):
            if leg is not None and leg.state is not LegState.ENDED:
                self._leg_gone(call, leg, send_bye=True)
                return
        self._forget(call)

    def _send_bye(self, leg: Leg) -> None:
        if leg.dialog is None or leg.state is LegState.ENDED:
            return
        bye = leg.dialog.request("BYE", self.sip.via(leg.transport))
        self.sip.request(bye, leg.destination, leg.transport)

    def _forget(self, call: Call) -> None:
        call.ended = True
        self.timers.cancel(call)
        for leg in (call.caller, call.agent, call.customer):
            if leg is not None:
                self.media.release(leg.endpoint.endpoint_id)
                self._by_endpoint.pop(leg.endpoint.endpoint_id, None)
                if leg.dialog is not None:
                    self._by_dialog.pop(leg.dialog.key, None)
                if leg.server_key is not None:
                    self._by_invite.pop(leg.server_key, None)
        for attempt in call.attempts.values():
            self.media.release(attempt.endpoint.endpoint_id)
            for key in attempt.forks:
                self.dialer.by_fork.pop(key, None)
        self.calls.pop(call.call_id, None)

    # == helpers ==============================================================================

    def _notice(self, call: Call, prompt: SystemPrompt, *, agent: bool = False) -> str:
        """A caller hears the IVR's language, an agent (or a callback) the tenant's."""
        flow_language = call.session.flow.flow.language if call.session is not None else ""
        language = (not agent and flow_language) or self.directory.language(call.tenant_id)
        return system_prompt(prompt, language)

    def _find_dialog(self, request: Request) -> tuple[Call, Leg] | None:
        to_tag = header_tag(request.headers.get("To") or "")
        from_tag = header_tag(request.headers.get("From") or "")
        return self._by_dialog.get((request.call_id, to_tag, from_tag))

    def _set_remote(self, endpoint: Endpoint, negotiated: NegotiatedMedia, host: str) -> None:
        """``host`` sent the SIP: RTP may come from there behind NAT (issue 10 §2)."""
        self.media.set_remote(
            endpoint.endpoint_id,
            RemoteMedia(
                negotiated.remote_address,
                negotiated.remote_port,
                negotiated.payload_type,
                negotiated.codec,
                negotiated.telephone_event_pt,
                host,
                _direction(negotiated),
            ),
        )


def _direction(negotiated: NegotiatedMedia) -> MediaDirection:
    """The peer's SDP direction for the media side; c=0.0.0.0 is the old way to hold."""
    if negotiated.remote_address == "0.0.0.0":
        return MediaDirection.INACTIVE
    try:
        return MediaDirection(negotiated.direction)
    except ValueError:
        return MediaDirection.SENDRECV
