"""Attended transfer on the wire (issue 14 §6; RFC 3515, RFC 3891): a phone talking in two
calls — one party held, one consulted — joins the two with a REFER whose Refer-To carries
``?Replaces=`` naming its other dialog. Växel is a B2BUA, so the Replaces is resolved
against its own dialogs: no new INVITE goes out, the two remote parties are bridged and the
phone's two legs are hung up.

Rules kept here:
- The REFER may come on either of the phone's dialogs (the held call's, or the
  consultation's: phones do both); the Replaces must name the other one. Both dialogs must
  be the same phone's (the same address and transport, RFC 3891 §3 asks for authorisation)
  in the same tenant, and both calls talking (``call_consult.TALKING``) — or one talking
  and the other the phone's own call to a person or number still ringing (semi-attended:
  the phone, in early media, hears our ringback and may transfer before the answer); the
  party it held then takes its seat in that call and hears ringback. Otherwise nothing
  changes and the REFER is refused: 481 no such dialog, 400 its own dialog, 403 another
  phone's or a call not talking (a mailbox's menu, a room, a queue).
- The phone is an extension's in both calls (the line that placed the call, or a line of
  it that was rung; as a blind transfer's, ``phone_transfer.py``): a carrier's legs share
  one address too, and a REFER from a trunk joining two outside callers' calls — two
  colleagues bridged, or an outside party moved into another's call — is 403 (task R2).
- The party joined keeps their own identity in the call going on (``caller_of``), never
  the transferring phone's (its voicemail, its class); the phone's person's line is free,
  the joined person's busy in the call going on (DIR4).
- Barring is never bypassed (PBX8): a party the phone reached over the trunk must still be
  allowed by the transferring extension's class of service now (403 otherwise).
- The call that goes on is the one whose remaining party holds the caller's seat (the REFER's
  own call first): the other party's leg moves into the transferring phone's seat there
  (``PartyReplaced``: bridged), the other call ends (``PartyHandedOver``: the phone's leg
  there hung up). An INVITE with Replaces (RFC 3891 as a new dialog) is refused: 400
  malformed, 481 no such dialog, 403 otherwise.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

from vaxel.media.backend import MediaBackend
from vaxel.pbx.numbering import TargetKind
from vaxel.sip.errors import ParseError, SipError
from vaxel.sip.replaces import Replaces, parse_replaces
from vaxel.sip.transaction import RequestReceived
from vaxel.telephony.call_consult import TALKING
from vaxel.telephony.call_events import CallEvent, Party, is_callee
from vaxel.telephony.call_index import CallIndex
from vaxel.telephony.call_states import CallState, OfferState
from vaxel.telephony.calls import Call, Leg
from vaxel.telephony.dialout import Dialer
from vaxel.telephony.endpoint import SipEndpoint
from vaxel.telephony.leg_events import HangUp, LegInput
from vaxel.telephony.phone_transfer import PhoneTransfers
from vaxel.telephony.transfer_events import PartyHandedOver, PartyReplaced

__all__ = ["AttendedTransfers", "Join", "TransferPort"]

log = logging.getLogger(__name__)


class TransferPort(Protocol):
    """What joining two calls needs of the switch."""

    index: CallIndex
    media: MediaBackend

    def step(self, call: Call, event: CallEvent) -> None: ...

    def end_leg(self, call: Call, leg: Leg, event: LegInput) -> None: ...


@dataclass(frozen=True, slots=True)
class Join:
    """Two calls of one phone to join: in each, the phone's leg and the remote party's."""

    kept: Call
    kept_phone: Leg
    kept_party: Leg | None
    """None when ``kept`` is the phone's consultation still ringing (semi-attended)."""
    ended: Call
    ended_phone: Leg
    ended_party: Leg


class AttendedTransfers:
    def __init__(
        self,
        sip: SipEndpoint,
        dialer: Dialer,
        calls: TransferPort,
        people: PhoneTransfers,
    ) -> None:
        self.sip = sip
        self.dialer = dialer
        self.calls = calls
        self.people = people
        """Who a party is, and their line state (``phone_transfer.py``)."""

    def check(self, call: Call, leg: Leg, replaces: Replaces) -> Join:
        """The join a REFER on ``leg`` asks for; raises SipError (nothing changed) if none."""
        found = self._dialog(replaces)
        if found is None:
            raise SipError("Call/Transaction Does Not Exist: Replaces names no dialog", 481)
        other_call, other_leg = found
        if other_call is call:
            raise SipError("Bad Request: Replaces names a dialog of the REFER's own call", 400)
        same_phone = (leg.destination, leg.transport) == (
            other_leg.destination,
            other_leg.transport,
        )
        if other_call.tenant_id != call.tenant_id or not same_phone:
            raise SipError("Forbidden: Replaces names another phone's dialog", 403)
        transferring = self.people.transferring_extension
        if not transferring(call, leg) or not transferring(other_call, other_leg):
            raise SipError("Forbidden: only an extension's phone joins its calls", 403)
        party, other_party = _remote(call, leg), _remote(other_call, other_leg)
        for each, phone in ((call, leg), (other_call, other_leg)):
            self._still_allowed(each, phone)  # 403 barred (PBX8)
        talking = call.state in TALKING and party is not None
        other_talking = other_call.state in TALKING and other_party is not None
        if talking and other_talking:
            assert party is not None and other_party is not None
            if party is call.caller or other_party is not other_call.caller:
                return Join(call, leg, party, other_call, other_leg, other_party)
            return Join(other_call, other_leg, other_party, call, leg, party)
        if talking and _consulting(other_call, other_leg):  # the consulted still rings
            assert party is not None
            return Join(other_call, other_leg, None, call, leg, party)
        if other_talking and _consulting(call, leg):
            assert other_party is not None
            return Join(call, leg, None, other_call, other_leg, other_party)
        raise SipError("Forbidden: the calls to join are not answered or not the phone's", 403)

    def join(self, join: Join) -> None:
        """Bridge the two remote parties in ``join.kept``; the phone's legs are hung up."""
        kept, ended, moving = join.kept, join.ended, join.ended_party
        media, index = self.calls.media, self.calls.index
        first = join.kept_party or moving  # who sits in the caller's seat after the join
        identity = self.people.caller_of(kept if join.kept_party else ended, first)
        self.people.left_line(kept, join.kept_phone)  # its person's line is free (DIR4)
        self.people.joined_line(ended, moving, kept)
        for phone in (join.kept_phone, join.ended_phone):
            media.unbridge(phone.endpoint.endpoint_id)  # nothing of the phone reaches them
        index.drop_leg(join.kept_phone)
        index.drop_leg(moving)
        moved_party = Party.CALLER if moving is ended.caller else Party.AGENT
        if moving is ended.caller:
            ended.caller = None
        else:
            ended.agent = None
        for name, attempt in list(ended.attempts.items()):
            if attempt.endpoint is moving.endpoint:  # its media goes with the leg
                del ended.attempts[name]
                self.dialer.forget(attempt)
        if join.kept_party is None:
            kept.caller, moving.role = moving, "caller"
        else:
            kept.caller, kept.agent = join.kept_party, moving
            join.kept_party.role, moving.role = "caller", "agent"
        if kept.internal is not None:
            kept.internal.caller = identity
        index.add_leg(kept, moving)
        # out of its seat, the call going on: BYE, or 487 to a consultation still early
        self.calls.end_leg(kept, join.kept_phone, HangUp(487, "Request Terminated"))
        media.release(join.kept_phone.endpoint.endpoint_id)
        log.info("%s joined to %s (attended transfer)", ended.call_id, kept.call_id)
        self.calls.step(kept, PartyReplaced())
        self.calls.step(ended, PartyHandedOver(moved_party))

    def refuse_invite(self, event: RequestReceived) -> None:
        """An INVITE with Replaces: taking over a dialog that way is not offered here."""
        request = event.request
        try:
            replaces = parse_replaces(request.headers.get("Replaces") or "")
        except ParseError:
            raise SipError("Bad Request: malformed Replaces", 400) from None
        if self._dialog(replaces) is None:
            raise SipError("Call/Transaction Does Not Exist: Replaces names no dialog", 481)
        raise SipError("Forbidden: Replaces is not accepted in an INVITE; transfer by REFER", 403)

    def _dialog(self, replaces: Replaces) -> tuple[Call, Leg] | None:
        found = self.calls.index.by_dialog.get(replaces.dialog_key)
        if found is None or found[1].machine.ended:
            return None
        return found

    def _still_allowed(self, call: Call, phone: Leg) -> None:
        """A number the phone dialled out must still pass its class of service (PBX8)."""
        internal = call.internal
        if internal is None or phone is not call.caller:
            return  # the phone was called: it dialled nobody in this call
        if internal.target.kind is TargetKind.EXTERNAL:
            self.dialer.route(call.tenant_id, internal.target.ref, internal.caller.extension)


def _consulting(call: Call, phone: Leg) -> bool:
    """``phone`` placed ``call`` to a person or number still ringing (nothing else: not a
    mailbox's menu, a room, a queue)."""
    internal = call.internal
    return (
        phone is call.caller
        and call.state is CallState.CONNECTING
        and internal is not None
        and call.session is None
        and call.voicemail is None
        and call.conference is None
        and any(
            is_callee(o.name) and o.state is OfferState.RINGING
            for o in call.machine.offers.values()
        )
    )


def _remote(call: Call, phone: Leg) -> Leg | None:
    """The party of ``call`` that is not the phone's leg, still up."""
    if phone is call.caller:
        other = call.agent
    elif phone is call.agent:
        other = call.caller
    else:
        return None
    return other if other is not None and not other.machine.ended else None
