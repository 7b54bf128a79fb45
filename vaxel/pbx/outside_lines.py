"""The tenants' outside lines as telephony reads them (issue 14 §2): trunks, number
presentation (PBX2) and classes of service (PBX8).

A read-only snapshot built by the composition root from the store (telephony never reads
the store) and swapped when an admin changes a trunk. Three rules live here, at the
telephony edge:

- An external number goes out over the tenant's own trunk; a tenant without one uses the
  node's ``fallback`` (the one outbound trunk of the demo and of older settings).
- A call leaving over a trunk presents who placed it: an extension of the tenant presents
  what its presentation setting says (its direct number, the main number, or withheld); a
  caller we pass on (a forward or transfer of an incoming call) keeps their own id.
- INVITEs over a trunk that the carrier challenges (401/407) are answered once with the
  trunk's credentials, like its REGISTERs.
- A trunk's host is trusted for its own tenant only (per tenant, not node-wide): an INVITE
  from it reaches that tenant's numbers (DIDs, service numbers, rooms), never another
  tenant's; a host two tenants claim is refused when the second saves it (``runtime``),
  and one found twice anyway (older data) is trusted for neither.
- A carrier may send a DID's call to the Contact a registering trunk registered
  (``sip:<username>@…``) with the DID in To: from that carrier's host, To is what was
  dialled.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vaxel.pbx.class_of_service import ClassesOfService
from vaxel.pbx.presentation import Presentations, PresentedIdentity, identity_headers, passed_on
from vaxel.pbx.trunks import Trunk, TrunkMode
from vaxel.sip.message import Request

__all__ = ["OutsideLines"]

Address = tuple[str, int]


@dataclass(slots=True)
class OutsideLines:
    trunks: dict[str, Trunk] = field(default_factory=dict)
    """By tenant: its trunk to a carrier."""
    presentations: dict[str, Presentations] = field(default_factory=dict)
    service_classes: dict[str, ClassesOfService] = field(default_factory=dict)

    def trunk_at(self, tenant_id: str, destination: Address) -> Trunk | None:
        """The tenant's trunk when ``destination`` is its carrier's address."""
        trunk = self.trunks.get(tenant_id)
        return trunk if trunk is not None and trunk.address == destination else None

    def trusted_hosts(self) -> frozenset[str]:
        """Addresses whose INVITEs are a carrier's (its DIDs), trusted without digest."""
        return frozenset(trunk.host for trunk in self.trunks.values())

    def tenant_of_host(self, host: str) -> str | None:
        """The one tenant whose carrier sends from ``host`` (see the rules), else None."""
        found = None
        for tenant_id, trunk in self.trunks.items():
            if trunk.host.lower() == host.lower():
                if found is not None:
                    return None  # claimed twice: trusted for neither
                found = tenant_id
        return found

    def dialled(self, uri_user: str, to_user: str, source_host: str) -> str:
        """The number an INVITE dials: its Request-URI's user — except from a registering
        trunk's carrier that sends a DID's calls to the Contact we registered
        (``sip:<username>@…``), where the DID is in To (RFC 3261 §10.2.1, §8.1.1.2)."""
        for trunk in self.trunks.values():
            if (
                trunk.mode is TrunkMode.REGISTER
                and uri_user == trunk.username
                and source_host == trunk.host
                and to_user
            ):
                return to_user
        return uri_user

    def identity(
        self, tenant_id: str, from_user: str, from_name: str, *, extension: bool
    ) -> PresentedIdentity | None:
        """What a call from ``from_user`` presents on the tenant's trunk (see the rules);
        None when the tenant has no presentation settings (From goes out as it is)."""
        settings = self.presentations.get(tenant_id)
        if settings is None:
            return None
        if extension:
            return settings.present(from_user, from_name)
        return passed_on(from_user, from_name, settings.main_number)

    def present(self, invite: Request, trunk: Trunk, identity: PresentedIdentity) -> None:
        """Rewrite ``invite``'s From (keeping its tag) and add P-Asserted-Identity and
        Privacy for ``trunk``'s carrier."""
        domain = trunk.registrar_domain if trunk.mode is TrunkMode.REGISTER else trunk.host
        from_value, extra = identity_headers(identity, domain)
        tag = (invite.headers.get("From") or "").partition(";tag=")[2]
        invite.headers.set("From", f"{from_value};tag={tag}" if tag else from_value)
        for name, value in extra:
            invite.headers.set(name, value)
