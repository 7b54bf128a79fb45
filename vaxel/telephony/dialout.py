"""Calls Växel places: ringing agents' phones (every registered phone of the agent in
parallel, one shared media endpoint), callback dial-outs and transfer targets.

Rules kept here:
- The forks of one attempt share a Call-ID and an SDP offer; the first 2xx wins and the
  switch cancels the rest (RFC 3261 §9.1: CANCEL only once a provisional arrived, so a
  CANCEL wanted earlier waits for the 1xx).
- A number to dial is an extension of the same tenant (its registered phones) or, through
  the dial policy (PBX8: abroad barred unless enabled), an E.164 number sent to the
  tenant's outbound trunk; with neither there is no route.
"""

from __future__ import annotations

import logging
import secrets

from vaxel.media.backend import MediaBackend
from vaxel.sip.errors import SipError
from vaxel.sip.message import Request
from vaxel.sip.sdp import make_offer, serialize_sdp
from vaxel.telephony.calls import Attempt, Call, Fork
from vaxel.telephony.directory import TelephonyDirectory
from vaxel.telephony.endpoint import SipEndpoint
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
        self.by_fork: dict[tuple[str, str], tuple[Call, Attempt]] = {}

    def ring(
        self, call: Call, key: str, targets: list[Target], from_user: str, role: str
    ) -> Attempt:
        """INVITE every target in parallel for ``call``; ``key`` names the attempt."""
        endpoint = self.media.allocate(call.call_id)
        offer = make_offer(endpoint.address, endpoint.port, session_id=session_id(), version=1)
        attempt = Attempt(call.call_id, key, endpoint, offer, role=role)
        call.attempts[key] = attempt
        body = serialize_sdp(offer)
        call_id = f"{self.sip.token(20)}@{self.sip.host}"
        for uri, destination, transport in targets:
            invite = self.sip.new_request("INVITE", uri, from_user=from_user, body=body)
            invite.headers.set("Call-ID", call_id)  # forks of one call share a Call-ID
            client_key = self.sip.request(invite, destination, transport)
            attempt.forks[client_key] = Fork(client_key, invite, destination, transport)
            self.by_fork[client_key] = (call, attempt)
        return attempt

    def cancel(self, fork: Fork) -> None:
        if fork.done:
            return
        if not fork.provisional:
            fork.cancel_pending = True  # CANCEL only after a provisional (§9.1)
            return
        self.send_cancel(fork)

    def cancel_attempt(self, attempt: Attempt) -> None:
        attempt.cancelled = True
        for fork in attempt.forks.values():
            self.cancel(fork)

    def send_cancel(self, fork: Fork) -> None:
        fork.cancel_pending = False
        invite = fork.invite
        cancel = Request(method="CANCEL", uri=invite.uri)
        for name in ("Via", "From", "To", "Call-ID"):
            cancel.headers.add(name, invite.headers.get(name) or "")
        cancel.headers.add("CSeq", f"{invite.cseq[0]} CANCEL")
        cancel.headers.add("Max-Forwards", "70")
        self.sip.request(cancel, fork.destination, fork.transport)

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
        for key in attempt.forks:
            self.by_fork.pop(key, None)
