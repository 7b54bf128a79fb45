"""Requests inside an established call: the ACK to our 2xx, BYE, re-INVITE (hold, Q10),
REFER (blind transfer or park, RFC 3515 — in a PBX call ``phone_transfer.py``; attended
with Replaces, ``attended.py``) and INFO (keys, RFC 6086). It holds the SIP endpoint, the
dialer and the park orbits; finding the dialog, answering with a 2xx the leg resends, and
everything that concerns the call (its machine, its legs, ringing a target) go through the
narrow :class:`DialogPort` the switch gives it. An INVITE with Replaces (a new dialog)
comes here too, to be refused.

A call is transferred (blind, attended or parked) at most ``MAX_TRANSFERS`` times, then a
REFER is 403 and the call goes on as it is: each transfer rings a new offer the call keeps,
so two phones transferring it back and forth (robots, a loop of auto-transfers) grew it
without bound (task R2).
"""

from __future__ import annotations

import logging
from typing import Protocol

from vaxel.media.backend import Endpoint, MediaBackend
from vaxel.sip.dialog import angle_uri, header_tag, uri_user
from vaxel.sip.errors import ParseError, SipError
from vaxel.sip.message import Request, Response
from vaxel.sip.replaces import replaces_in_uri
from vaxel.sip.sdp import (
    NegotiatedMedia,
    answer_offer,
    parse_sdp,
    serialize_sdp,
)
from vaxel.sip.transaction import RequestReceived
from vaxel.telephony.attended import AttendedTransfers
from vaxel.telephony.call import CallState
from vaxel.telephony.call_events import (
    TRANSFER,
    CallEvent,
    HoldChanged,
    Party,
    TransferRequested,
)
from vaxel.telephony.call_index import CallIndex
from vaxel.telephony.calls import Call, Leg
from vaxel.telephony.dialout import Dialer, Target, session_id
from vaxel.telephony.dtmf import info_digit
from vaxel.telephony.endpoint import SipEndpoint
from vaxel.telephony.internal import InternalCalls
from vaxel.telephony.leg import LegState
from vaxel.telephony.leg_events import AckReceived, ByeReceived, LegInput
from vaxel.telephony.parking import Parking
from vaxel.telephony.phone_transfer import PhoneTransfers

__all__ = ["MAX_TRANSFERS", "DialogPort", "InDialog"]

log = logging.getLogger(__name__)
MAX_TRANSFERS = 20
"""REFERs one call accepts (the call's and, joined, the two calls' together)."""
_RETRY = (("Retry-After", "2"),)
_ACKABLE = frozenset({LegState.ANSWERED, LegState.REANSWERED, LegState.CONFIRMED, LegState.ENDED})


class DialogPort(Protocol):
    """What a request inside a call needs of the switch it arrived at."""

    index: CallIndex
    media: MediaBackend
    internal: InternalCalls

    def find_dialog(self, request: Request) -> tuple[Call, Leg] | None: ...

    def answered(self, leg: Leg, response: Response, *, again: bool = False) -> None: ...

    def set_remote(self, endpoint: Endpoint, negotiated: NegotiatedMedia, host: str) -> None: ...

    def end_leg(self, call: Call, leg: Leg, event: LegInput) -> None: ...

    def digit(self, call: Call, digit: str, via: str) -> None: ...

    def step(self, call: Call, event: CallEvent) -> None: ...

    def ring(
        self, call: Call, offer: str, targets: list[Target], from_user: str, role: str
    ) -> None: ...


class InDialog:
    def __init__(
        self, sip: SipEndpoint, dialer: Dialer, parking: Parking, calls: DialogPort
    ) -> None:
        self.sip = sip
        self.dialer = dialer
        self.parking = parking
        self.calls = calls
        self.phone_transfers = PhoneTransfers(dialer, calls)
        self.attended = AttendedTransfers(sip, dialer, calls, self.phone_transfers)

    def ack(self, request: Request) -> None:
        """The ACK to our 2xx: the leg stops resending it, the dialog is confirmed."""
        found = self.calls.find_dialog(request)
        if found is not None and found[1].state in _ACKABLE:
            found[1].machine.handle(AckReceived(), self.sip.now)
            if found[1].dialog is not None:
                found[1].dialog.confirm()

    def handle(self, event: RequestReceived) -> None:
        """A request with a To tag: into the dialog it belongs to, or 481 (RFC 3261 §12.2.2)."""
        request, key = event.request, event.server_key
        if request.method == "INVITE" and not header_tag(request.headers.get("To") or ""):
            self.attended.refuse_invite(event)  # with Replaces (RFC 3891): 400, 481, 403
        found = self.calls.find_dialog(request)
        if found is None:
            self.sip.respond(key, request, 481, "Call/Transaction Does Not Exist")
            return
        call, leg = found
        assert leg.dialog is not None
        leg.dialog.receive(request)
        if request.method == "BYE":
            self.sip.respond(key, request, 200, "OK")
            self.calls.end_leg(call, leg, ByeReceived())
        elif request.method == "INVITE" and leg.state is LegState.EARLY_MEDIA:
            # our 183's INVITE has no final response yet (§14.2): 500, try again later
            self.sip.respond(key, request, 500, "Server Internal Error", extra=_RETRY)
        elif request.method == "INVITE":
            self._reinvite(call, leg, event)
        elif request.method == "REFER":
            self._refer(call, leg, event)
        elif request.method == "INFO":
            self.sip.respond(key, request, 200, "OK")
            digit = info_digit(request)
            if digit and leg is call.caller:
                self.calls.digit(call, digit, "info")
        else:
            self.sip.respond(key, request, 501, "Not Implemented")

    def _refer(self, call: Call, leg: Leg, event: RequestReceived) -> None:
        """Blind transfer: the agent hands the caller to a number (RFC 3515), or parks the
        call when the number is a park orbit (OP3, ``parking.py``).

        The contact ends for the agent at once (wrap-up); the caller hears ringback until
        the target answers and is then bridged to it (parked: music until retrieved).
        """
        request = event.request
        refer_to = request.headers.get("Refer-To")
        if not refer_to:
            raise SipError("Missing Refer-To header", 400)
        if call.transfers >= MAX_TRANSFERS:
            raise SipError("Forbidden: this call has been transferred too many times", 403)
        try:
            replaces = replaces_in_uri(angle_uri(refer_to))
        except ParseError:
            raise SipError("Bad Request: malformed Refer-To", 400) from None
        if replaces is not None:  # attended: join this call and the one it names
            join = self.attended.check(call, leg, replaces)  # 481, 400, 403
            if join.kept.transfers + join.ended.transfers >= MAX_TRANSFERS:
                raise SipError("Forbidden: these calls have been transferred too many times", 403)
            join.kept.transfers += join.ended.transfers
            self._accept(join.kept, leg, event)
            self.attended.join(join)
            return
        number = uri_user(angle_uri(refer_to))
        if self.parking.is_orbit(call.tenant_id, number):
            by = self.phone_transfers.transferring_extension(call, leg) if call.internal else ""
            parked = self.parking.park(call, leg, number, request, by)  # 403, 486 taken
            self._accept(call, leg, event)
            self.calls.step(call, parked)
            return
        if self.phone_transfers.applies(call):  # a PBX call: either side may transfer
            blind = self.phone_transfers.check(call, leg, number)  # 403, 404, 484
            self._accept(call, leg, event)
            self.phone_transfers.transfer(blind)
            return
        talking = call.state in (CallState.BRIDGED, CallState.HELD)
        if leg is not call.agent or not talking or call.caller is None:
            raise SipError("Forbidden: only the agent of a connected call may transfer it", 403)
        transferring = self.dialer.agent_extension(call)  # their class of service bars (PBX8)
        targets = self.dialer.route(call.tenant_id, number, transferring)  # 403 barred, 484
        if not targets:
            raise SipError("Not Found: no route to the transfer target", 404)
        self._accept(call, leg, event)
        self.calls.step(call, self.agent_transfer(call, number))  # she is done; ringback
        caller_number = call.session.call.caller_number if call.session else "vaxel"
        self.calls.ring(call, TRANSFER, targets, caller_number or "vaxel", "transfer")

    def agent_transfer(self, call: Call, number: str = "") -> TransferRequested:
        """The agent's blind transfer of a queue caller to ``number``, rung back to her
        extension after the tenant's recall time (issue 16 §3); no extension known: none."""
        found = self.dialer.directory.extension_of_agent(call.tenant_id, call.agent_id)
        recalls = self.phone_transfers.recalls
        if found is None or recalls is None:
            return TransferRequested()
        return TransferRequested(found.extension, recalls.recall_after_s(call.tenant_id), number)

    def _accept(self, counted: Call, leg: Leg, event: RequestReceived) -> None:
        """202 to the REFER and at once the NOTIFY that ends its subscription (RFC 3515);
        ``counted`` is the call going on, one transfer more."""
        assert leg.dialog is not None
        counted.transfers += 1
        self.sip.respond(
            event.server_key, event.request, 202, "Accepted", to_tag=leg.dialog.local_tag
        )
        notify = leg.dialog.request(
            "NOTIFY",
            self.sip.via(leg.transport),
            body=b"SIP/2.0 200 OK\r\n",
            content_type="message/sipfrag;version=2.0",
            extra=(("Event", "refer"), ("Subscription-State", "terminated;reason=noresource")),
        )
        self.sip.request(notify, leg.destination, leg.transport)

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
        self.calls.set_remote(leg.endpoint, negotiated, event.source[0])
        assert leg.dialog is not None
        response = self.sip.respond(
            event.server_key,
            event.request,
            200,
            "OK",
            to_tag=leg.dialog.local_tag,
            body=serialize_sdp(answer),
        )
        self.calls.answered(leg, response, again=True)
        held = negotiated.on_hold
        if held == leg.on_hold:
            return  # a session refresh or a codec change: nothing for the call
        leg.on_hold = held
        party = Party.CALLER if leg is call.caller else Party.AGENT if leg is call.agent else None
        if party is not None and not call.ended:
            self.calls.step(call, HoldChanged(party, held))
