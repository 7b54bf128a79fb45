"""Calls from a browser phone (issue 15 §2): the line INVITEs the switch as the person's
desk phone would, so the switch's numbering plan, class of service and barring decide
where the call goes, exactly as for a SIP phone of that person.

The switch challenges the INVITE (407) like any phone's; the line answers once with the
extension's own digest credentials, read from the switch's directory at the moment of
dialling (so a changed password is used at once and never counts as a failure). Why not a
trusted path past the challenge: the INVITE then is the desk phone's, unchanged, and the
switch needs no exception for the browser (the signed-in session already chose which
extension dials, ``vaxel.webrtc.link``).

A 180/183 tells the page ``progress`` (it plays the Swedish ringback, 425 Hz); a 183 with
SDP starts the RTP at once so the switch's early media (an announcement) is heard instead;
a 2xx connects (ACK, ``connected``); a final refusal ends the call with a Swedish sentence
naming why. Hanging up before the answer sends CANCEL.
"""

from __future__ import annotations

import re
import secrets
from typing import TYPE_CHECKING

from vaxel.sip.auth import authorization_for
from vaxel.sip.dialog import Dialog, header_tag
from vaxel.sip.errors import SipError
from vaxel.sip.message import Request, Response
from vaxel.sip.sdp import make_offer, parse_sdp, read_answer, serialize_sdp
from vaxel.sip.transaction import ResponseReceived
from vaxel.webrtc.line_call import ENDED_BY_YOU, CallState, LineCall

if TYPE_CHECKING:
    from vaxel.webrtc.line import BrowserLine

__all__ = ["MAX_NUMBER", "NUMBER", "dial_refusal", "refusal_text"]

MAX_NUMBER = 32
"""The longest number a page may dial (E.164 is 15 digits; feature codes are short)."""
NUMBER = re.compile(r"[0-9*#+]{1,32}")
Address = tuple[str, int]

NOT_AUTHORISED = "Växeln godkände inte din anknytning. Be administratören kontrollera den."
REFUSALS = {
    401: NOT_AUTHORISED,
    407: NOT_AUTHORISED,
    403: "Du får inte ringa det numret.",
    404: "Numret finns inte.",
    480: "Ingen svarade.",
    484: "Numret är ofullständigt.",
    486: "Upptaget.",
    600: "Upptaget.",
    603: "Samtalet avvisades.",
}


def dial_refusal(number: object) -> str | None:
    """A Swedish refusal for a number the page may not dial, None when it may."""
    if not isinstance(number, str) or not NUMBER.fullmatch(number):
        return "Skriv ett nummer med siffror, * # eller +, högst 32 tecken."
    return None


def refusal_text(status: int) -> str:
    """The Swedish sentence the page shows when the switch refused the call."""
    return REFUSALS.get(status, f"Samtalet kunde inte kopplas fram (fel {status}).")


def place(
    line: BrowserLine, number: str, user: str, name: str, password: str, switch: Address
) -> LineCall:
    """INVITE ``number`` at the switch as extension ``user``: the new call, CALLING."""
    endpoint = line.endpoint
    offer = make_offer(
        line.host, line.rtp.port, session_id=secrets.randbits(31), version=1, codecs=("PCMU",)
    )
    uri = f"sip:{number}@{switch[0]}:{switch[1]}"
    invite = endpoint.new_request(
        "INVITE", uri, from_user=user, from_name=name, body=serialize_sdp(offer)
    )
    from_value = invite.headers.get("From") or ""
    dialog = Dialog(
        call_id=invite.call_id,
        local_tag=header_tag(from_value),
        remote_tag="",
        local_uri=from_value.split(";tag=")[0],
        remote_uri=invite.headers.get("To") or "",
        remote_target=uri,
        local_seq=1,
        remote_seq=None,
        local_contact=line.contact,
    )
    call = LineCall(
        id=secrets.token_hex(8),
        invite=invite,
        server_key=("", "", ""),
        peer=switch,
        dialog=dialog,
        offer=offer,
        caller=number,
        name="",
        state=CallState.CALLING,
        outgoing=True,
        password=password,
    )
    call.client_key = endpoint.request(invite, switch)
    return call


def cancel(line: BrowserLine, call: LineCall) -> None:
    """Give up a call not yet answered (RFC 3261 §9.1): CANCEL with the INVITE's Via."""
    invite = call.invite
    request = Request(method="CANCEL", uri=invite.uri)
    for header in ("Via", "From", "To", "Call-ID"):
        request.headers.add(header, invite.headers.get(header) or "")
    request.headers.add("CSeq", f"{invite.cseq[0]} CANCEL")
    request.headers.add("Max-Forwards", "70")
    line.endpoint.request(request, call.peer)
    line.given_up = call


def too_late(line: BrowserLine, call: LineCall, answer: Response) -> None:
    """The switch answered a call we had cancelled (the 2xx crossed the CANCEL): ACK it
    and hang up at once, so no leg is left talking to nobody."""
    if answer.status < 200:
        return
    line.given_up = None
    try:
        dialog = Dialog.as_uac(call.invite, answer)
    except SipError:
        return
    ack = dialog.request("ACK", line.endpoint.via(), cseq=answer.cseq[0])
    line.endpoint.send_raw(ack.to_bytes(), call.peer)
    line.endpoint.request(dialog.request("BYE", line.endpoint.via()), call.peer)


def response(line: BrowserLine, call: LineCall, event: ResponseReceived) -> None:
    """The switch's answer to our INVITE: progress, a challenge, the answer or a refusal."""
    answer, status = event.response, event.response.status
    if status < 200:
        if status > 100 and call.state is CallState.CALLING:
            _progress(line, call, answer)
        return
    if 200 <= status < 300:
        _answered(line, call, answer)
    elif status in (401, 407) and not call.authorised and call.state is CallState.CALLING:
        if not _authorise(line, call, answer):
            line.finished(call, NOT_AUTHORISED)
    elif call.state is CallState.CALLING:
        line.finished(call, ENDED_BY_YOU if status == 487 else refusal_text(status), status=status)


def _progress(line: BrowserLine, call: LineCall, answer: Response) -> None:
    early = bool(answer.body) and answer.status == 183
    if early:
        try:
            media = read_answer(call.offer, parse_sdp(answer.body))
        except SipError:
            early = False
        else:
            line.rtp.start((media.remote_address, media.remote_port), media.telephone_event_pt)
    if not call.progress or early:
        call.progress = True
        line.tell({"type": "progress", "call": call.id, "early": early})


def _answered(line: BrowserLine, call: LineCall, answer: Response) -> None:
    if call.state is CallState.CALLING:
        try:
            call.dialog = Dialog.as_uac(call.invite, answer)
            media = read_answer(call.offer, parse_sdp(answer.body))
        except SipError:
            _ack(line, call, answer)
            call.state = CallState.CONNECTED
            line.end_call(call, refusal_text(488), status=488)  # BYE: the dialog exists
            return
        line.rtp.start((media.remote_address, media.remote_port), media.telephone_event_pt)
        call.state = CallState.CONNECTED
        _ack(line, call, answer)
        line.tell({"type": "connected", "call": call.id})
    elif call.state is CallState.CONNECTED:
        _ack(line, call, answer)  # a repeated 2xx: its ACK was lost


def _ack(line: BrowserLine, call: LineCall, answer: Response) -> None:
    if not call.dialog.remote_tag:
        return
    ack = call.dialog.request("ACK", line.endpoint.via(), cseq=answer.cseq[0])
    line.endpoint.send_raw(ack.to_bytes(), call.peer)


def _authorise(line: BrowserLine, call: LineCall, challenge: Response) -> bool:
    """Send the INVITE again once with the extension's credentials (a new transaction,
    CSeq + 1, RFC 3261 §22.2); False when the challenge is not one we can answer."""
    proxy = challenge.status == 407
    offered = challenge.headers.get_all("Proxy-Authenticate" if proxy else "WWW-Authenticate")
    digests = [value for value in offered if value.lower().startswith("digest")]
    if not digests:
        return False
    first = call.invite
    user = first.headers.get("From") or ""
    username = user.split("sip:", 1)[-1].split("@", 1)[0]
    try:
        credentials = authorization_for(
            digests[0],
            username=username,
            password=call.password,
            method="INVITE",
            uri=first.uri,
            cnonce=secrets.token_hex(8),
        )
    except ValueError:
        return False
    invite = Request(headers=first.headers.copy(), body=first.body, method="INVITE", uri=first.uri)
    invite.headers.set("Via", line.endpoint.via())
    invite.headers.set("CSeq", f"{first.cseq[0] + 1} INVITE")
    invite.headers.set("Proxy-Authorization" if proxy else "Authorization", credentials)
    call.invite, call.authorised = invite, True
    call.dialog.local_seq = first.cseq[0] + 1
    call.client_key = line.endpoint.request(invite, call.peer)
    return True
