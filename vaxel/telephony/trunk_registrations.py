"""The registering trunks' REGISTERs on the wire (issue 14 §2): the adapter of
:class:`vaxel.pbx.trunks.RegistrationClient`.

One client machine per tenant whose trunk registers. This module turns its
:class:`~vaxel.pbx.trunks.SendRegister` commands into REGISTER requests (one Call-ID and
From tag per trunk for its whole life, RFC 3261 §10.2.4), feeds it the carrier's responses
and transaction timeouts, and keeps one timer armed for the earliest of their deadlines.
The service hands it every SIP event first (:meth:`TrunkRegistrations.on_sip`); it takes
only responses to its own REGISTERs. :meth:`status` is what the admin page shows.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from vaxel.pbx.trunks import (
    RegistrationClient,
    RegistrationState,
    SendRegister,
    Trunk,
    TrunkMode,
    TrunkStatus,
)
from vaxel.sip.message import Headers, Request, Response
from vaxel.sip.transaction import Event, ResponseReceived, TransactionTimeout
from vaxel.sip.transport import TimerDriver
from vaxel.telephony.endpoint import SipEndpoint

__all__ = ["TrunkRegistrations", "TrunkStatus"]

log = logging.getLogger(__name__)


@dataclass(slots=True)
class _Registering:
    client: RegistrationClient
    call_id: str
    from_tag: str


class TrunkRegistrations:
    def __init__(self, sip: SipEndpoint, clock: Callable[[], float] | None = None) -> None:
        self.sip = sip
        self._clock = clock
        self._by_tenant: dict[str, _Registering] = {}
        self._by_key: dict[tuple[str, str], str] = {}
        self._ip_trunks: set[str] = set()
        self.timer = TimerDriver(self, self._fire)

    def _now(self) -> float:
        return self._clock() if self._clock is not None else self.sip.now

    # -- configuration -------------------------------------------------------------------

    def apply(self, trunks: dict[str, Trunk]) -> None:
        """Start registering new or changed trunks, stop removed ones (Q20: while running)."""
        now = self._now()
        for tenant_id in list(self._by_tenant):
            current = self._by_tenant[tenant_id].client.trunk
            if trunks.get(tenant_id) != current:
                self._stop(tenant_id, now)
        self._ip_trunks = {t for t, trunk in trunks.items() if trunk.mode is TrunkMode.IP}
        for tenant_id, trunk in trunks.items():
            if trunk.mode is TrunkMode.REGISTER and tenant_id not in self._by_tenant:
                client = RegistrationClient(trunk, lambda: secrets.token_hex(8))
                registering = _Registering(
                    client, f"{self.sip.token(20)}@{self.sip.host}", self.sip.token()
                )
                self._by_tenant[tenant_id] = registering
                self._send(tenant_id, client.start(now))
        self.timer.rearm()

    def close(self) -> None:
        now = self._now()
        for tenant_id in list(self._by_tenant):
            self._stop(tenant_id, now)
        self.timer.cancel()

    def status(self, tenant_id: str) -> TrunkStatus | None:
        registering = self._by_tenant.get(tenant_id)
        if registering is None:
            return TrunkStatus(tenant_id, "ip") if tenant_id in self._ip_trunks else None
        client = registering.client
        return TrunkStatus(
            tenant_id, client.state.value, client.last_answer, client.registered_until
        )

    # -- events ----------------------------------------------------------------------------

    def on_sip(self, event: Event) -> bool:
        """Take ``event`` when it answers one of our REGISTERs; False for anything else."""
        if isinstance(event, ResponseReceived):
            tenant_id = self._by_key.get(event.client_key)
            if tenant_id is None:
                return False
            if event.response.status >= 200:
                del self._by_key[event.client_key]
            self._answered(tenant_id, event.response)
        elif isinstance(event, TransactionTimeout):
            tenant_id = self._by_key.pop(event.client_key, None)
            if tenant_id is None:
                return False
            registering = self._by_tenant.get(tenant_id)
            if registering is not None:
                log.warning("trunk of %s: the carrier did not answer", tenant_id)
                self._send(tenant_id, registering.client.timed_out(self._now()))
        else:
            return False
        self.timer.rearm()
        return True

    def next_deadline(self) -> float | None:
        deadlines = [
            d for r in self._by_tenant.values() if (d := r.client.next_deadline()) is not None
        ]
        return min(deadlines, default=None)

    def _fire(self, now: float) -> None:
        for tenant_id, registering in list(self._by_tenant.items()):
            self._send(tenant_id, registering.client.on_timer(now))

    def _answered(self, tenant_id: str, response: Response) -> None:
        registering = self._by_tenant.get(tenant_id)
        if registering is None:
            return
        status = response.status
        challenge = ""
        if status in (401, 407):
            name = "WWW-Authenticate" if status == 401 else "Proxy-Authenticate"
            challenge = _first_digest(response.headers.get_all(name))
        sent = registering.client.received(
            status,
            response.reason,
            self._now(),
            challenge=challenge,
            min_expires=_int(response.headers.get("Min-Expires")),
            granted_s=_granted(response, self.sip.host),
        )
        if status >= 300 and registering.client.state is RegistrationState.REFUSED:
            log.warning("trunk of %s refused: %s %s", tenant_id, status, response.reason[:80])
        self._send(tenant_id, sent)

    # -- the wire --------------------------------------------------------------------------

    def _send(self, tenant_id: str, commands: list[SendRegister]) -> None:
        registering = self._by_tenant.get(tenant_id)
        if registering is None:
            return
        for command in commands:
            request = self._register(registering, command)
            trunk = registering.client.trunk
            key = self.sip.request(request, trunk.address, trunk.transport)
            self._by_key[key] = tenant_id

    def _register(self, registering: _Registering, command: SendRegister) -> Request:
        trunk = registering.client.trunk
        contact = f"sip:{trunk.username}@{self.sip.host}:{self.sip.port}"
        headers = Headers(
            [
                ("Via", self.sip.via(trunk.transport)),
                ("Max-Forwards", "70"),
                ("From", f"<{trunk.aor}>;tag={registering.from_tag}"),
                ("To", f"<{trunk.aor}>"),
                ("Call-ID", registering.call_id),
                ("CSeq", f"{command.cseq} REGISTER"),
                ("Contact", f"<{contact}>"),
                ("Expires", str(command.expires_s)),
                ("User-Agent", self.sip.user_agent),
            ]
        )
        if command.credentials is not None:
            headers.add(*command.credentials)
        return Request(
            headers=headers, body=b"", method="REGISTER", uri=f"sip:{trunk.registrar_domain}"
        )

    def _stop(self, tenant_id: str, now: float) -> None:
        registering = self._by_tenant.get(tenant_id)
        if registering is None:
            return
        self._send(tenant_id, registering.client.stop(now))
        del self._by_tenant[tenant_id]
        for key, owner in list(self._by_key.items()):
            if owner == tenant_id:
                del self._by_key[key]


def _first_digest(values: list[str]) -> str:
    """The first Digest challenge we can answer (MD5 or SHA-256, RFC 8760 §2.4 order)."""
    digests = [v for v in values if v.strip().lower().startswith("digest")]
    return digests[0] if digests else ""


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _granted(response: Response, host: str) -> int | None:
    """How long the carrier keeps our binding: our Contact's expires, else Expires (§10.3)."""
    for contact in response.headers.get_all("Contact"):
        for part in contact.split(","):
            if host in part and "expires=" in part.lower():
                value = part.lower().split("expires=", 1)[1].split(";", 1)[0].strip()
                if (granted := _int(value)) is not None:
                    return granted
    return _int(response.headers.get("Expires"))
