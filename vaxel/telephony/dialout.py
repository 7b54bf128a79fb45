"""Calls Växel places: ringing agents' phones (every registered phone of the agent in
parallel, one shared media endpoint), callback dial-outs and transfer targets.

Rules kept here:
- The forks of one attempt share a Call-ID and an SDP offer; the first 2xx wins and the
  switch cancels the rest. Each fork is an outbound leg machine (``leg.py``): CANCEL only
  once a provisional arrived (RFC 3261 §9.1), a late 2xx ACKed and BYEd (§15).
- A number to dial is an extension of the same tenant (its registered phones) or, through
  the dial policy (PBX8: abroad barred unless enabled, narrowed by the class of service of
  whoever causes the call), an E.164 number sent to the tenant's trunk, presenting the
  caller as PBX2 says; a carrier's digest challenge to the INVITE is answered once with the
  trunk's credentials (``vaxel.pbx.outside_lines``). With no route there is none.
"""

from __future__ import annotations

import logging
import secrets

from vaxel.media.backend import MediaBackend
from vaxel.pbx.numbering import TargetKind
from vaxel.pbx.trunks import TrunkMode
from vaxel.sip.dialog import Dialog
from vaxel.sip.diversion import diversion_value
from vaxel.sip.errors import SipError
from vaxel.sip.message import Request, Response
from vaxel.sip.sdp import make_offer, serialize_sdp
from vaxel.telephony.caller_id import caller_id
from vaxel.telephony.calls import Attempt, Call, Fork
from vaxel.telephony.directory import TelephonyDirectory
from vaxel.telephony.endpoint import SipEndpoint
from vaxel.telephony.leg import Leg as LegMachine
from vaxel.telephony.numbers import dial_or_sip_error
from vaxel.telephony.person_reach import EXTERNAL
from vaxel.telephony.registration import Registration

__all__ = ["MAX_FORKS", "Dialer", "Target", "session_id"]

log = logging.getLogger(__name__)
Address = tuple[str, int]
Target = tuple[str, Address, str]
"""(Request-URI, where to send, transport)."""

MAX_FORKS = 100
"""INVITEs one attempt sends at most. A ring-all group of 100 members with 10 devices each,
every one with 10 registered phones, would be 10,000 INVITE transactions (each resent for
32 s) for one call; the first 100 in the group's order ring, the rest are logged."""


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
        self._authorised: set[tuple[str, str]] = set()
        """Forks whose INVITE already carries the trunk's credentials (answered once)."""

    def ring(
        self,
        call: Call,
        key: str,
        targets: list[Target],
        from_user: str,
        role: str,
        from_name: str = "",
    ) -> Attempt:
        """INVITE every target in parallel for ``call``; ``key`` names the attempt (the
        call machine's offer). The caller tells the call machine ``PhonesRung`` first."""
        endpoint = self.media.allocate(call.call_id)
        offer = make_offer(endpoint.address, endpoint.port, session_id=session_id(), version=1)
        attempt = Attempt(call.call_id, key, endpoint, offer, role=role)
        call.attempts[key] = attempt
        if len(targets) > MAX_FORKS:
            log.warning(
                "%s of %s: %d phones to ring, the first %d rung",
                key,
                call.call_id,
                len(targets),
                MAX_FORKS,
            )
            targets = targets[:MAX_FORKS]
        body = serialize_sdp(offer)
        call_id = f"{self.sip.token(20)}@{self.sip.host}"
        for uri, destination, transport in targets:
            invite = self.sip.new_request(
                "INVITE", uri, from_user=from_user, from_name=from_name, body=body
            )
            invite.headers.set("Call-ID", call_id)  # forks of one call share a Call-ID
            self._over_trunk(call, invite, destination)
            self._phones += 1
            phone = f"phone-{self._phones}"
            client_key = self.sip.request(invite, destination, transport)
            fork = Fork(
                phone, client_key, invite, destination, transport, LegMachine(phone, inbound=False)
            )
            attempt.forks[phone] = fork
            self.by_fork[client_key] = (call, attempt, fork)
        return attempt

    def _over_trunk(self, call: Call, invite: Request, destination: Address) -> None:
        """An INVITE to the tenant's carrier presents the caller as PBX2 says, and tells
        how many times the call was forwarded (Diversion, RFC 5806: loops end)."""
        tenant_id = call.tenant_id
        trunk = self.directory.outside.trunk_at(tenant_id, destination)
        if trunk is None:
            return
        internal = call.internal
        count = internal.diversions if internal is not None else 0
        target = internal.target if internal is not None else None
        if target is not None and target.kind is TargetKind.PERSON:
            count += 0 if target.ref.startswith(EXTERNAL) else 1  # a person's mobile: as forwarded
        if internal is not None and count > 0:
            number = internal.diverted_from or "anonymous"
            invite.headers.add("Diversion", diversion_value(number, trunk.host, count))
        shown = caller_id(invite.headers.get("From") or "")
        extension = self.directory.extensions.get(shown.number)
        own = extension is not None and extension.tenant_id == tenant_id
        identity = self.directory.outside.identity(
            tenant_id, shown.number, shown.display_name, extension=own
        )
        if identity is not None:
            self.directory.outside.present(invite, trunk, identity)

    def authorise_again(self, call: Call, attempt: Attempt, fork: Fork, response: Response) -> bool:
        """The carrier challenged our INVITE (401/407): send it again once with the
        trunk's credentials (a new transaction, CSeq + 1, RFC 3261 §22.2). False when
        this fork is not to a registering trunk, or was already answered once."""
        trunk = self.directory.outside.trunk_at(call.tenant_id, fork.destination)
        if trunk is None or trunk.mode is not TrunkMode.REGISTER:
            return False
        if fork.client_key in self._authorised:
            return False
        name = "WWW-Authenticate" if response.status == 401 else "Proxy-Authenticate"
        header = "Authorization" if response.status == 401 else "Proxy-Authorization"
        challenges = [v for v in response.headers.get_all(name) if v.lower().startswith("digest")]
        if not challenges:
            return False
        try:
            credentials = trunk.authorization(
                challenges[0], "INVITE", fork.invite.uri, secrets.token_hex(8), 1
            )
        except ValueError:
            return False
        invite = Request(
            headers=fork.invite.headers.copy(),
            body=fork.invite.body,
            method="INVITE",
            uri=fork.invite.uri,
        )
        invite.headers.set("Via", self.sip.via(fork.transport))
        invite.headers.set("CSeq", f"{fork.invite.cseq[0] + 1} INVITE")
        invite.headers.set(header, credentials)
        self.by_fork.pop(fork.client_key, None)
        fork.invite = invite
        fork.client_key = self.sip.request(invite, fork.destination, fork.transport)
        self.by_fork[fork.client_key] = (call, attempt, fork)
        self._authorised.add(fork.client_key)
        return True

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

    def route(self, tenant_id: str, number: str, user: str | tuple[str, ...] = "") -> list[Target]:
        """Where ``number`` rings: an extension's phones, or the trunk; [] when nowhere.

        ``user`` is who makes or causes the call (the extension transferring, forwarding,
        calling out): their class of service narrows the dial policy (PBX8). Raises
        SipError 403 (a barred number) or 484 (garbage) from the dial policy.
        """
        extension = self.directory.extensions.get(number)
        if extension is not None and extension.tenant_id == tenant_id:
            return [
                (b.contact, b.source, b.transport) for b in self.registration.bindings(extension)
            ]
        e164 = dial_or_sip_error(self.directory.dial_policy(tenant_id, user), number)
        trunk = self.directory.outside.trunks.get(tenant_id)
        if trunk is not None:
            return [(f"sip:{e164}@{trunk.host}:{trunk.port}", trunk.address, trunk.transport)]
        fallback = self.directory.outbound_trunk
        if fallback is None:
            return []
        return [(f"sip:{e164}@{fallback[0]}:{fallback[1]}", fallback, "udp")]

    def agent_extension(self, call: Call) -> str:
        """The extension of the agent whose phone answered ``call``: who
        causes a transfer the agent makes, whose class of service bars it (PBX8); with no
        extension known, a key with no class of its own (the default class applies)."""
        for attempt in call.attempts.values():
            if attempt.agent_id and any(fork.won for fork in attempt.forks.values()):
                found = self.directory.extension_of_agent(call.tenant_id, attempt.agent_id)
                return found.extension if found is not None else attempt.agent_id
        picker = self.directory.extension_of_agent(call.tenant_id, call.agent_id)
        if picker is not None:  # a phone that picked up the offer (issue 14)
            return picker.extension
        return call.agent_id or "?"  # never "": that is the tenant's policy, no class at all

    def route_or_nothing(
        self, tenant_id: str, number: str, user: str | tuple[str, ...] = ""
    ) -> list[Target]:
        try:
            return self.route(tenant_id, number, user)
        except SipError as error:
            log.info("%s not dialled: %s", number, error.reason)
            return []

    def forget(self, attempt: Attempt) -> None:
        """Stop matching responses to the attempt's phones that no longer ring; one still
        cancelling stays until its final response (a late 2xx is then ACKed and BYEd)."""
        for fork in attempt.forks.values():
            if fork.won or fork.machine.ended:
                self.by_fork.pop(fork.client_key, None)
                self._authorised.discard(fork.client_key)
