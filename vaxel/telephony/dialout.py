"""Calls Växel places: ringing agents' phones (every registered phone of the agent in
parallel, one shared media endpoint), callback dial-outs and transfer targets.

Rules kept here:
- The forks of one attempt share a Call-ID and an SDP offer; the first 2xx wins and the
  switch cancels the rest. Each fork is an outbound leg machine (``leg.py``): CANCEL only
  once a provisional arrived (RFC 3261 §9.1), a late 2xx ACKed and BYEd (§15).
- A number to dial is an extension of the same tenant (its registered phones) or, through
  the dial policy (PBX8: abroad barred unless enabled), an E.164 number sent to the
  tenant's outbound trunk; with neither there is no route.
"""

from __future__ import annotations

import logging
import secrets

from vaxel.media.backend import MediaBackend
from vaxel.sip.dialog import Dialog
from vaxel.sip.errors import SipError
from vaxel.sip.message import Request
from vaxel.sip.sdp import make_offer, serialize_sdp
from vaxel.telephony.calls import Attempt, Call, Fork
from vaxel.telephony.directory import TelephonyDirectory
from vaxel.telephony.endpoint import SipEndpoint
from vaxel.telephony.leg import Leg as LegMachine
from vaxel.telephony.numbers import dial_or_sip_error
from vaxel.telephony.registration import Registration

__all__ = ["Dialer", "Target", "session_id"]

log = logging.getLogger(__name__)
Target = tuple[str, tuple[str, int], str]
"""(Request-URI, where to send, transport)."""


def session_id() -> int:
    """A fresh SDP o= session id (RFC 4566 §5.2)."""
    return secrets.randbelow(2**31)


class Dialer:
    def __init__(
        self,
        sip: SipEndpoint,
        media: MediaBackend,
        directory: TelephonyDirectory,
        registration: Registration,
    ) -> None:
        self.sip = sip
        self.media = media
        self.directory = directory
        self.registration = registration
        self.by_fork: dict[tuple[str, str], tuple[Call, Attempt, Fork]] = {}
        self._phones = 0

    def ring(
        self, call: Call, key: str, targets: list[Target], from_user: str, role: str
    ) -> Attempt:
        """INVITE every target in parallel for ``call``; ``key`` names the attempt (the
        call machine's offer). The caller tells the call machine ``PhonesRung`` first."""
        endpoint = self.media.allocate(call.call_id)
        offer = make_offer(endpoint.address, endpoint.port, session_id=session_id(), version=1)
        attempt = Attempt(call.call_id, key, endpoint, offer, role=role)
        call.attempts[key] = attempt
        body = serialize_sdp(offer)
        call_id = f"{self.sip.token(20)}@{self.sip.host}"
        for uri, destination, transport in targets:
            invite = self.sip.new_request("INVITE", uri, from_user=from_user, body=body)
            invite.headers.set("Call-ID", call_id)  # forks of one call share a Call-ID
            self._phones += 1
            phone = f"phone-{self._phones}"
            client_key = self.sip.request(invite, destination, transport)
            fork = Fork(
                phone, client_key, invite, destination, transport, LegMachine(phone, inbound=False)
            )
            attempt.forks[phone] = fork
            self.by_fork[client_key] = (call, attempt, fork)
        return attempt

    def send_cancel(self, fork: Fork) -> None:
        invite = fork.invite
        cancel = Request(method="CANCEL", uri=invite.uri)
        for name in ("Via", "From", "To", "Call-ID"):
            cancel.headers.add(name, invite.headers.get(name) or "")
        cancel.headers.add("CSeq", f"{invite.cseq[0]} CANCEL")
        cancel.headers.add("Max-Forwards", "70")
        self.sip.request(cancel, fork.destination, fork.transport)

    def send_ack(self, fork: Fork, dialog: Dialog | None) -> None:
        """ACK a 2xx to ``fork``'s INVITE in ``dialog`` (§13.2.2.4): outside any transaction."""
        assert dialog is not None
        ack = dialog.request("ACK", self.sip.via(fork.transport), cseq=fork.invite.cseq[0])
        self.sip.send_raw(ack.to_bytes(), fork.destination, fork.transport)

    def send_bye(self, fork: Fork, dialog: Dialog | None) -> None:
        assert dialog is not None
        bye = dialog.request("BYE", self.sip.via(fork.transport))
        self.sip.request(bye, fork.destination, fork.transport)

    def route(self, tenant_id: str, number: str) -> list[Target]:
        """Where ``number`` rings: an extension's phones, or the trunk; [] when nowhere.

        Raises SipError 403 (a barred number) or 484 (garbage) from the dial policy.
        """
        extension = self.directory.extensions.get(number)
        if extension is not None and extension.tenant_id == tenant_id:
            return [
                (b.contact, b.source, b.transport) for b in self.registration.bindings(extension)
            ]
        e164 = dial_or_sip_error(self.directory.dial_policy(tenant_id), number)
        trunk = self.directory.outbound_trunk
        if trunk is None:
            return []
        return [(f"sip:{e164}@{trunk[0]}:{trunk[1]}", trunk, "udp")]

    def route_or_nothing(self, tenant_id: str, number: str) -> list[Target]:
        try:
            return self.route(tenant_id, number)
        except SipError as error:
            log.info("%s not dialled: %s", number, error.reason)
            return []

    def forget(self, attempt: Attempt) -> None:
        """Stop matching responses to the attempt's phones that no longer ring; one still
        cancelling stays until its final response (a late 2xx is then ACKed and BYEd)."""
        for fork in attempt.forks.values():
            if fork.won or fork.machine.ended:
                self.by_fork.pop(fork.client_key, None)
