"""A browser phone's SIP side (issue 15 §1–2): a small user agent the switch rings like a
desk phone, on its own UDP port on the switch's host, built on ``vaxel.sip``'s transaction
and dialog layers (the telephony endpoint carries them on asyncio).

States of the one call a browser phone has at a time (:class:`CallState`):

- RINGING — an INVITE came; the page shows "Inkommande samtal" (``ringing``). ``accept``
  answers 200 with PCMU (ANSWERING until the switch's ACK, then CONNECTED); ``decline``
  answers 486, so the person's other phones keep ringing and a queue offers the next agent
  (an unanswered offer, Q23); a CANCEL ends it (487).
- CONNECTED — two-way audio through :class:`RtpSide`; ``hold`` re-INVITEs sendonly /
  sendrecv (the switch plays music to the other party), ``dtmf`` sends RFC 4733 events,
  ``end`` sends BYE, a BYE from the switch ends it.
- CALLING — the page dialled (``dial``, :mod:`vaxel.webrtc.outgoing`): the line INVITEs
  the switch as the person's extension; ``progress`` on 180/183, CONNECTED on the 2xx,
  a refusal ends it with a Swedish reason, ``end`` before the answer sends CANCEL.
- ENDED — the page is told why (``ended`` with a Swedish sentence) and the line is free.

A second INVITE while a call rings or is up is answered 486 Busy Here, so forwarding on
busy works. The 200 to an INVITE is repeated (T1 doubling, capped at T2) until its ACK
comes, as RFC 3261 §13.3.1.4 asks of a UAS over UDP.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable
from typing import Any

from vaxel.sip.dialog import Dialog, angle_uri, header_tag, uri_user
from vaxel.sip.errors import ParseError, SipError
from vaxel.sip.message import Request, Response
from vaxel.sip.sdp import (
    NegotiatedMedia,
    answer_offer,
    make_offer,
    parse_sdp,
    serialize_sdp,
)
from vaxel.sip.transaction import (
    AckReceived,
    CancelReceived,
    Event,
    RequestReceived,
    ResponseReceived,
    TransactionTimeout,
    reply_destination,
)
from vaxel.sip.uri import parse_name_addr
from vaxel.telephony.endpoint import SipEndpoint
from vaxel.webrtc import line_end, line_transfer, outgoing
from vaxel.webrtc.line_call import (
    ANSWERED_ELSEWHERE,
    DECLINED,
    ENDED_BY_CALLER,
    ENDED_BY_OTHER,
    ENDED_BY_YOU,
    NO_ACK,
    PHONE_CLOSED,
    CallState,
    LineCall,
)
from vaxel.webrtc.rtp_side import RtpSide

__all__ = ["DIGITS", "BrowserLine", "CallState", "LineCall"]

log = logging.getLogger(__name__)
DIGITS = frozenset("0123456789*#")
Address = tuple[str, int]
Tell = Callable[[dict[str, Any]], None]
MAX_NAME = 64


class _Endpoint(SipEndpoint):
    """The telephony endpoint with this browser phone's own Contact."""

    user = "webbtelefon"

    @property
    def contact(self) -> str:
        return f"sip:{self.user}@{self.host}:{self.port}"


class BrowserLine:
    """The user agent of one open browser phone; ``tell`` reaches the page."""

    def __init__(self, host: str, rtp: RtpSide, tell: Tell) -> None:
        self.host = host
        self.rtp = rtp
        self.tell = tell
        self.endpoint = _Endpoint(self._on_event, host=host, port=0, user_agent="Vaxel-webbtelefon")
        self.endpoint.user = f"webbtelefon-{secrets.token_hex(4)}"
        self.call: LineCall | None = None
        self.given_up: LineCall | None = None
        """The last dialled call cancelled before its answer: a 2xx that crosses the CANCEL
        is still ACKed and hung up (RFC 3261 §9.1)."""

    @property
    def contact(self) -> str:
        return self.endpoint.contact

    @property
    def address(self) -> Address:
        return (self.host, self.endpoint.port)

    async def start(self) -> None:
        await self.endpoint.transport.start(self.host, 0, tcp=False)
        self.endpoint.port = self.endpoint.transport.address[1]

    async def close(self) -> None:
        call = self.call
        if call is not None and call.state is not CallState.ENDED:
            line_end.hang_up(self, call, PHONE_CLOSED)
        await self.endpoint.close()

    # -- the page's commands ----------------------------------------------------------------

    def dial(self, number: str, user: str, name: str, password: str, switch: Address) -> str | None:
        """Call ``number`` as extension ``user`` through the switch at ``switch``; a Swedish
        refusal when the line has a call already or the number is not one."""
        refusal = outgoing.dial_refusal(number)
        if refusal is not None:
            return refusal
        if self.call is not None:
            return "Lägg på det pågående samtalet först."
        self.call = outgoing.place(self, number, user, name, password, switch)
        self.tell({"type": "calling", "call": self.call.id, "to": number})
        return None

    def end_call(self, call: LineCall, reason: str, **facts: str | int) -> None:
        """End ``call`` (BYE, CANCEL or a final response as its state needs) and say why;
        ``facts`` are what the reason names (``number``, ``status``: the web words it)."""
        line_end.hang_up(self, call, reason, **facts)

    def finished(self, call: LineCall, reason: str, **facts: str | int) -> None:
        """``call`` is over already (the switch refused it): free the line, tell the page."""
        line_end.ended(self, call, reason, **facts)

    def command(self, message: dict[str, Any]) -> str | None:
        """Carry out a page's call command; a Swedish refusal when it cannot be."""
        call = self.call
        if call is None or message.get("call") != call.id:
            return "Samtalet finns inte längre."
        kind = message["type"]
        if kind == "accept" and call.state is CallState.RINGING:
            self._accept(call)
        elif kind == "decline" and call.state is CallState.RINGING:
            self.endpoint.respond(
                call.server_key, call.invite, 486, "Busy Here", to_tag=call.dialog.local_tag
            )
            line_end.ended(self, call, DECLINED)
        elif kind == "end":
            line_end.hang_up(self, call, ENDED_BY_YOU)
        elif kind == "hold" and call.state is CallState.CONNECTED:
            self._hold(call, bool(message.get("on")))
        elif kind == "dtmf" and call.state is CallState.CONNECTED:
            digit = message.get("digit")
            if not isinstance(digit, str) or digit not in DIGITS or len(digit) != 1:
                return "Bara knapparna 0–9, * och # går att skicka."
            if not self.rtp.send_key(digit):
                return "Knapptrycket kunde inte skickas."
        elif kind == "transfer" and call.state is CallState.CONNECTED:
            return line_transfer.refer(self, call, message.get("number"))
        else:
            return "Det går inte med samtalet just nu."
        return None

    def _accept(self, call: LineCall) -> None:
        try:
            answer, media = answer_offer(
                call.offer,
                self.host,
                self.rtp.port,
                session_id=secrets.randbits(31),
                version=call.sdp_version,
                preferred=("PCMU",),
            )
        except SipError:  # checked when it rang; kept for safety
            self._refuse(call, 488, "Not Acceptable Here")
            return
        call.state = CallState.ANSWERING
        self._media(media)
        response = self.endpoint.respond(
            call.server_key,
            call.invite,
            200,
            "OK",
            to_tag=call.dialog.local_tag,
            body=serialize_sdp(answer),
        )
        destination = reply_destination(call.invite.top_via, call.peer, "udp")
        call.resend = asyncio.ensure_future(self._repeat_ok(call, response, destination))

    async def _repeat_ok(self, call: LineCall, response: Response, destination: Address) -> None:
        interval, waited = 0.5, 0.0
        data = response.to_bytes()
        while waited < 32.0:  # 64·T1 (§13.3.1.4)
            await asyncio.sleep(interval)
            waited += interval
            if call.state is not CallState.ANSWERING:
                return
            self.endpoint.send_raw(data, destination)
            interval = min(interval * 2, 4.0)
        if call.state is CallState.ANSWERING:
            line_end.hang_up(self, call, NO_ACK)

    def _hold(self, call: LineCall, on: bool) -> None:
        call.sdp_version += 1
        offer = make_offer(
            self.host,
            self.rtp.port,
            session_id=secrets.randbits(31),
            version=call.sdp_version,
            codecs=("PCMU",),
            direction="sendonly" if on else "sendrecv",
        )
        invite = call.dialog.request("INVITE", self.endpoint.via(), body=serialize_sdp(offer))
        call.pending[self.endpoint.request(invite, call.peer)] = invite
        call.held = on

    # -- SIP from the switch ----------------------------------------------------------------

    def _on_event(self, event: Event) -> None:
        if isinstance(event, RequestReceived):
            try:
                self._request(event)
            except SipError as error:  # a ParseError too: answered with its status
                reason = str(error).split(" ", 1)[-1][:60]
                self.endpoint.respond(event.server_key, event.request, error.status, reason)
        elif isinstance(event, CancelReceived):
            call = self.call
            if call is not None and call.server_key == event.invite_key:
                self._cancelled(call, event.request)
        elif isinstance(event, AckReceived):
            call = self._in_dialog(event.request)
            if call is not None and call.state is CallState.ANSWERING:
                call.dialog.confirm()
                call.state = CallState.CONNECTED
                self.tell({"type": "connected", "call": call.id})
        elif isinstance(event, ResponseReceived):
            self._response(event)
        elif isinstance(event, TransactionTimeout) and self.call is not None:
            line_transfer.timed_out(self, self.call, event.client_key)

    def _cancelled(self, call: LineCall, cancel: Request) -> None:
        """The caller gave up, or another phone answered (RFC 3326 Reason cause 200)."""
        if call.state is not CallState.RINGING:
            return
        self.endpoint.respond(
            call.server_key, call.invite, 487, "Request Terminated", to_tag=call.dialog.local_tag
        )
        reason = (cancel.headers.get("Reason") or "").replace(" ", "")
        line_end.ended(self, call, ANSWERED_ELSEWHERE if "cause=200" in reason else ENDED_BY_CALLER)

    def _request(self, event: RequestReceived) -> None:
        request = event.request
        method = request.method
        to_tag = header_tag(request.headers.get("To") or "")
        if method == "INVITE" and not to_tag:
            self._invite(event)
            return
        if method == "OPTIONS":
            self.endpoint.respond(event.server_key, request, 200, "OK")
            return
        call = self._in_dialog(request)
        if call is None:
            raise SipError("Call/Transaction Does Not Exist", 481)
        call.dialog.receive(request)
        if method == "BYE":
            self.endpoint.respond(event.server_key, request, 200, "OK")
            transferred = line_transfer.transferred_reason(call)
            line_end.ended(self, call, transferred or ENDED_BY_OTHER, number=call.transfer_to)
        elif method == "INVITE":
            self._reinvite(call, event)
        elif method in ("INFO", "NOTIFY", "UPDATE"):
            self.endpoint.respond(event.server_key, request, 200, "OK")
        else:
            raise SipError("Method Not Allowed", 405)

    def _invite(self, event: RequestReceived) -> None:
        request = event.request
        if self.call is not None:
            raise SipError("Busy Here", 486)  # one call at a time: forwarding on busy works
        offer = parse_sdp(request.body) if request.body else None
        if offer is None:
            raise SipError("Not Acceptable Here: an offer is needed", 488)
        answer_offer(offer, self.host, self.rtp.port, session_id=1, version=1, preferred=("PCMU",))
        caller_header = request.headers.get("From") or ""
        try:
            shown = parse_name_addr(caller_header).display_name or ""
        except ParseError:
            shown = ""
        local_tag = self.endpoint.token()
        dialog = Dialog.as_uas(request, local_tag, self.contact)
        call = LineCall(
            id=secrets.token_hex(8),
            invite=request,
            server_key=event.server_key,
            peer=event.source,
            dialog=dialog,
            offer=offer,
            caller=uri_user(angle_uri(caller_header))[:32],
            name="".join(c for c in shown if c >= " ")[:MAX_NAME],
        )
        self.call = call
        self.endpoint.respond(event.server_key, request, 180, "Ringing", to_tag=local_tag)
        self.tell({"type": "ringing", "call": call.id, "from": call.caller, "name": call.name})

    def _reinvite(self, call: LineCall, event: RequestReceived) -> None:
        """The switch changes the media (hold with music, a transfer's new path): answered
        with our same port, and the RTP goes where the new offer says."""
        offer = parse_sdp(event.request.body) if event.request.body else call.offer
        call.sdp_version += 1
        answer, media = answer_offer(
            offer,
            self.host,
            self.rtp.port,
            session_id=secrets.randbits(31),
            version=call.sdp_version,
            preferred=("PCMU",),
        )
        call.offer = offer
        self._media(media, held=call.held)
        self.endpoint.respond(
            event.server_key, event.request, 200, "OK", body=serialize_sdp(answer)
        )

    def _response(self, event: ResponseReceived) -> None:
        call, response = self.call, event.response
        late = self.given_up
        if late is not None and event.client_key == late.client_key and response.status < 300:
            outgoing.too_late(self, late, response)
            return
        if call is not None and response.cseq[1] == "REFER":
            line_transfer.answered(self, call, response)
            return
        if call is None or response.cseq[1] != "INVITE":
            return
        if call.outgoing and event.client_key == call.client_key:
            outgoing.response(self, call, event)
            return
        if response.status < 200:
            return
        invite = call.pending.pop(event.client_key, None)
        if 200 <= response.status < 300:
            ack = call.dialog.request(
                "ACK", self.endpoint.via(), cseq=response.cseq[0]
            )  # also for a retransmitted 2xx (no pending left)
            self.endpoint.send_raw(ack.to_bytes(), call.peer)
            if invite is not None:
                self.rtp.held = call.held
                self.tell({"type": "held", "call": call.id, "on": call.held})
        elif invite is not None:
            call.held = self.rtp.held  # the switch refused: nothing changed
            self.tell({"type": "held", "call": call.id, "on": call.held})

    # -- helpers ----------------------------------------------------------------------------

    def _in_dialog(self, request: Request) -> LineCall | None:
        call = self.call
        if call is None or request.call_id != call.dialog.call_id:
            return None
        if header_tag(request.headers.get("From") or "") != call.dialog.remote_tag:
            return None
        return call

    def _media(self, media: NegotiatedMedia, *, held: bool = False) -> None:
        self.rtp.start((media.remote_address, media.remote_port), media.telephone_event_pt)
        self.rtp.held = held

    def _refuse(self, call: LineCall, status: int, reason: str) -> None:
        self.endpoint.respond(
            call.server_key, call.invite, status, reason, to_tag=call.dialog.local_tag
        )
        line_end.ended(self, call, ENDED_BY_OTHER)
