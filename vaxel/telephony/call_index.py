"""Where each call, SIP dialog, INVITE and media endpoint belongs: the switch's lookup
tables, kept in one place so a leg joining or leaving a call is indexed and dropped alike.
"""

from __future__ import annotations

from vaxel.sip.dialog import header_tag
from vaxel.sip.message import Request
from vaxel.telephony.calls import Call, Leg

__all__ = ["CallIndex"]


class CallIndex:
    def __init__(self) -> None:
        self.calls: dict[str, Call] = {}
        """By call id (the contact id)."""
        self.by_dialog: dict[tuple[str, str, str], tuple[Call, Leg]] = {}
        self.by_invite: dict[tuple[str, str, str], Call] = {}
        """The caller's INVITE server transaction, for its CANCEL."""
        self.by_endpoint: dict[str, tuple[Call, Leg]] = {}
        """By media endpoint, for media events."""

    def add_leg(self, call: Call, leg: Leg) -> None:
        """Index a leg that joined ``call``: by its dialog, INVITE and media endpoint."""
        if leg.dialog is not None:
            self.by_dialog[leg.dialog.key] = (call, leg)
        if leg.server_key is not None:
            self.by_invite[leg.server_key] = call
        self.by_endpoint[leg.endpoint.endpoint_id] = (call, leg)

    def drop_leg(self, leg: Leg) -> None:
        """The leg left its call (the call may go on without it)."""
        self.by_endpoint.pop(leg.endpoint.endpoint_id, None)
        if leg.dialog is not None:
            self.by_dialog.pop(leg.dialog.key, None)
        if leg.server_key is not None:
            self.by_invite.pop(leg.server_key, None)

    def move_caller(self, call: Call, to: Call) -> Leg | None:
        """``call``'s caller leaves it to be ``to``'s other party (a parked call retrieved,
        a ringing call picked up); ``call``, answered only to get that leg, is dropped."""
        leg = call.caller
        if leg is None or to.agent is not None:
            return None
        self.drop_leg(leg)
        self.calls.pop(call.call_id, None)
        leg.role, to.agent = "agent", leg
        self.add_leg(to, leg)
        return leg

    def find_dialog(self, request: Request) -> tuple[Call, Leg] | None:
        """The call and leg of the dialog a request inside a call belongs to (§12.2.2)."""
        to_tag = header_tag(request.headers.get("To") or "")
        from_tag = header_tag(request.headers.get("From") or "")
        return self.by_dialog.get((request.call_id, to_tag, from_tag))
