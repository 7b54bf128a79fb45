"""Answering a new INVITE with our SDP (RFC 3264): at once (200) for a caller's call to a
service number, or first as early media (183 Session Progress, RFC 3960) for a caller
rung onward (an internal call, PBX1), whose 200 carries the same To tag and SDP later.
"""

from __future__ import annotations

import logging

from vaxel.media.backend import MediaBackend, PortsExhausted
from vaxel.media.player import Comfort
from vaxel.sip.dialog import Dialog
from vaxel.sip.errors import ParseError, SipError
from vaxel.sip.message import Response
from vaxel.sip.sdp import answer_offer, parse_sdp, serialize_sdp
from vaxel.sip.transaction import RequestReceived
from vaxel.sip.transport import TimerDriver
from vaxel.telephony.bridging import Bridging
from vaxel.telephony.call import CallMachine
from vaxel.telephony.call_index import CallIndex
from vaxel.telephony.calls import Call, Leg, LegState
from vaxel.telephony.dialout import session_id
from vaxel.telephony.endpoint import SipEndpoint
from vaxel.telephony.leg_events import Answer, EarlyMediaSent, ReinviteAnswered
from vaxel.telephony.leg_timers import LegTimers

__all__ = ["Answering", "answer_invite", "ok_later"]

log = logging.getLogger(__name__)


def answer_invite(
    sip: SipEndpoint,
    media: MediaBackend,
    bridging: Bridging,
    event: RequestReceived,
    call_id: str,
    role: str,
    *,
    early: bool = False,
) -> tuple[Leg, Response]:
    """The leg (a media endpoint of ``call_id``, its dialog made) and the 2xx sent — or,
    ``early``, the 183 with our SDP (the dialog early until :func:`ok_later`); 488 without
    a usable offer, 503 with no media port free (issue 10 §8)."""
    request = event.request
    try:
        offer = parse_sdp(request.body)
    except ParseError:
        raise SipError("Not Acceptable Here: an SDP offer is required", 488) from None
    try:
        endpoint = media.allocate(call_id)
    except PortsExhausted:
        raise SipError("Service Unavailable: no media port free", 503) from None
    try:
        answer, negotiated = answer_offer(
            offer, endpoint.address, endpoint.port, session_id=session_id(), version=1
        )
    except SipError:
        media.release(endpoint.endpoint_id)
        raise
    bridging.set_remote(endpoint, negotiated, event.source[0])
    leg = Leg(
        role,
        endpoint,
        event.source,
        event.transport,
        invite=request,
        server_key=event.server_key,
        local_sdp=answer,
    )
    to_tag = sip.token()
    leg.dialog = Dialog.as_uas(request, to_tag, sip.contact)
    status, reason = (183, "Session Progress") if early else (200, "OK")
    response = sip.respond(
        event.server_key, request, status, reason, to_tag=to_tag, body=serialize_sdp(answer)
    )
    return leg, response


def ok_later(sip: SipEndpoint, leg: Leg) -> Response:
    """The 200 to a caller's INVITE answered 183 before: the early dialog's To tag and the
    SDP answer already given (RFC 3264 §4: the answer does not change)."""
    assert leg.server_key is not None and leg.invite is not None and leg.dialog is not None
    body = serialize_sdp(leg.local_sdp) if leg.local_sdp is not None else b""
    return sip.respond(
        leg.server_key, leg.invite, 200, "OK", to_tag=leg.dialog.local_tag, body=body
    )


class Answering:
    """New INVITEs answered as calls — 200 at once, or 183 first and the 200 when someone
    answers — and each 2xx resent on the legs' one timer (``leg_timers.py``) until its ACK."""

    def __init__(
        self,
        sip: SipEndpoint,
        media: MediaBackend,
        bridging: Bridging,
        index: CallIndex,
        leg_timers: LegTimers,
        leg_timer: TimerDriver,
    ) -> None:
        self.sip, self.media, self.bridging, self.index = sip, media, bridging, index
        self.leg_timers, self.leg_timer = leg_timers, leg_timer

    def answer_call(
        self, event: RequestReceived, tenant_id: str, *, internal: bool = False, early: bool = False
    ) -> Call:
        """Answer the INVITE (200 with our SDP answer; ``early``: 183 with it, the 200 when
        the switch's ``answer_caller`` says) as a new call of ``tenant_id``; the caller hears
        ringback until told otherwise. Raises SipError 488 or 503."""
        call_id = f"sip-{self.sip.token(12)}"
        leg = self.answer_invite(event, call_id, "caller", early=early)
        call = Call(call_id, tenant_id, CallMachine(internal=internal, early=early))
        call.caller = leg
        self.index.calls[call_id] = call
        self.index.add_leg(call, leg)
        self.media.set_comfort(leg.endpoint.endpoint_id, Comfort.RINGBACK)
        return call

    def answer_invite(
        self, event: RequestReceived, call_id: str, role: str, *, early: bool = False
    ) -> Leg:
        """Answer a new INVITE at once (``answer.py``), its 2xx resent until the ACK; or,
        ``early``, 183 with our SDP (the early dialog bounded by ``leg.MAX_EARLY_S``)."""
        sip, media, bridging = self.sip, self.media, self.bridging
        leg, response = answer_invite(sip, media, bridging, event, call_id, role, early=early)
        if early:
            leg.machine.handle(EarlyMediaSent(), self.sip.now)
            self.leg_timers.watch(leg)
            self.leg_timer.rearm()
        else:
            self.answered(leg, response)
        return leg

    def ok_to_caller(self, call: Call) -> None:
        """The machine's AnswerCaller: 200 to a caller in early media, with the 183's To
        tag and SDP. A caller answered already, or gone, is left as it is."""
        leg = call.caller
        if leg is None or leg.state is not LegState.EARLY_MEDIA:
            return
        self.answered(leg, ok_later(self.sip, leg))
        log.info("%s: caller answered", call.call_id)

    def answered(self, leg: Leg, response: Response, *, again: bool = False) -> None:
        """Our 2xx went out: the leg resends it until the ACK comes (§13.3.1.4) — armed
        now, as a caller in early media may be answered from a call's timer or media."""
        leg.ok_bytes = response.to_bytes()
        leg.machine.handle(ReinviteAnswered() if again else Answer(), self.sip.now)
        self.leg_timers.watch(leg)
        self.leg_timer.rearm()
