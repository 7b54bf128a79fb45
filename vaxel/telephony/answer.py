"""Answering a new INVITE with our SDP (RFC 3264): at once (200) for a caller's call to a
service number, or first as early media (183 Session Progress, RFC 3960) for a caller
rung onward (an internal call, PBX1), whose 200 carries the same To tag and SDP later.
"""

from __future__ import annotations

from vaxel.media.backend import MediaBackend, PortsExhausted
from vaxel.sip.dialog import Dialog
from vaxel.sip.errors import ParseError, SipError
from vaxel.sip.message import Response
from vaxel.sip.sdp import answer_offer, parse_sdp, serialize_sdp
from vaxel.sip.transaction import RequestReceived
from vaxel.telephony.bridging import Bridging
from vaxel.telephony.calls import Leg
from vaxel.telephony.dialout import session_id
from vaxel.telephony.endpoint import SipEndpoint

__all__ = ["answer_invite", "ok_later"]


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
