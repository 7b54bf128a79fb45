"""Who is reachable how: the numbers, extensions and trusted trunks telephony serves.

Built by the composition root from the tenants' settings. A dialled number picks the tenant
and its IVR flow; an extension belongs to one agent (or none, for a plain phone) and
authenticates with digest credentials; a trunk is a peer address trusted without
authentication (a carrier's SBC, or 127.0.0.1 in the demo): node-wide when the operator
lists it in ``sip_trusted``, else for the one tenant whose trunk it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from vaxel.flow import Flow, OpeningHours
from vaxel.pbx.class_of_service import ClassesOfService, keys_of, mobile_users, policy_of_users
from vaxel.pbx.conference import ConferenceRoom
from vaxel.pbx.outside_lines import OutsideLines
from vaxel.sip.errors import SipError
from vaxel.telephony.numbers import DialPolicy
from vaxel.telephony.pbx_directory import PbxDirectory

__all__ = ["Extension", "ServiceNumber", "TelephonyDirectory"]

NO_CLASSES = ClassesOfService()
"""A tenant without classes of service: everyone gets the default class (PBX8)."""


@dataclass(frozen=True, slots=True)
class ServiceNumber:
    """A number callers dial: the tenant's flow answers it."""

    number: str
    tenant_id: str
    flow: Flow
    hours: OpeningHours
    switches: frozenset[str] = frozenset()
    """The lavinbesked switched on (IVR4)."""
    switch_windows: tuple[tuple[str, float, float], ...] = ()
    """Scheduled switches: (name, on_from, off_at), on inside [on_from, off_at)."""
    contact_skills: Mapping[str, int] = field(default_factory=dict)
    """Skills every call to this number requires of the agent (Q15)."""

    def switches_at(self, now: float) -> frozenset[str]:
        """The switches a call arriving at ``now`` plays under: on, or inside a window."""
        timed = {name for name, start, end in self.switch_windows if start <= now < end}
        return self.switches | timed if timed else self.switches


@dataclass(frozen=True, slots=True)
class Extension:
    """A phone extension; ``agent_id`` names the agent whose offers ring it."""

    tenant_id: str
    extension: str
    password: str
    agent_id: str = ""
    display_name: str = ""
    auto_login_queues: tuple[str, ...] = ()
    """Queues the agent is logged in to when a phone registers (demo convenience)."""


@dataclass(slots=True)
class TelephonyDirectory:
    numbers: dict[str, ServiceNumber] = field(default_factory=dict)
    extensions: dict[str, Extension] = field(default_factory=dict)
    """By extension number; extensions are unique per SIP domain (one domain per node)."""
    trusted_sources: frozenset[str] = frozenset()
    """Peers trusted without digest for every tenant (the node's ``sip_trusted``); a
    tenant's trunk host is trusted for that tenant only (``outside.tenant_of_host``)."""
    realm: str = "vaxel"
    dial_policies: dict[str, DialPolicy] = field(default_factory=dict)
    outside: OutsideLines = field(default_factory=OutsideLines)
    """Trunks, number presentation and classes of service per tenant (issue 14 §2)."""
    digest_algorithms: tuple[str, ...] = ("MD5",)
    """The challenges sent, in order. MD5 alone by default: SIPp answers only the first
    challenge, and baresip 1.0 (libre) fails outright on an algorithm it does not know.
    Add "SHA-256" (RFC 8760) where every phone supports it; the server verifies both."""
    outbound_trunk: tuple[str, int] | None = None
    """Where calls to external numbers go (a carrier's SBC); None: nowhere."""
    conference_rooms: dict[str, ConferenceRoom] = field(default_factory=dict)
    """Conference rooms by their number (PBX6); numbers are unique per SIP domain, like
    extensions, until the numbering plan routes its CONFERENCE targets (issue 14 §1)."""
    pbx: PbxDirectory = field(default_factory=PbxDirectory)
    """The tenants' numbering plans and people's devices (PBX1, ``internal.py``)."""
    agent_mobiles: dict[tuple[str, str], str] = field(default_factory=dict)
    """(tenant, agent) → the E.164 mobile her offers ring over the trunk, for those whose
    audio device is "Mobil" (issue 16, PBX9; ``vaxel.store.audio_devices``)."""
    agent_persons: dict[tuple[str, str], str] = field(default_factory=dict)
    """(tenant, agent) → her directory person, for those whose device is "Mobil": whose
    class of service her mobile is dialled under, with her extensions (``mobile_users``)."""
    agent_phones: dict[tuple[str, str], str] = field(default_factory=dict)
    """(tenant, agent) → "browser" or "desk" for those who chose one: an ACD offer rings
    only that kind of her extension's phones (``registrar.of_kind``); none chosen: all."""
    internal_sources: set[tuple[str, int]] = field(default_factory=set)
    """The switch's own legs' addresses (the browser phones' SIP lines, bound through the
    registrar link): recognised before any trunk, so never a carrier's INVITE."""

    def trust(self, host: str, number: str, port: int = 0) -> tuple[bool, str | None]:
        """Whether an INVITE from ``host`` (``port``) to ``number`` is trusted without
        digest, and the one tenant it is trusted for (None: every tenant, or not trusted),
        by the rules of issue 14 §2:

        - an internal leg (``internal_sources``: a browser phone's line) is never trusted:
          it dials as its extension, with digest, whatever trunk shares its host;
        - a node-wide peer (``trusted_sources``, the operator's) is trusted for all;
        - a tenant's trunk host is trusted for that tenant's numbers (its DIDs, service
          numbers, rooms); a number of another tenant from it is refused (404), never
          rung; any other number from it is not the carrier's call: a phone at the same
          address (the tests' 127.0.0.1) signs in with digest like everywhere else.
        """
        if (host, port) in self.internal_sources:
            return False, None
        if host in self.trusted_sources:
            return True, None
        tenant_id = self.outside.tenant_of_host(host)
        if tenant_id is None:
            return False, None
        owner = self.owner_of(number)
        if owner == tenant_id:
            return True, tenant_id
        if owner is not None:
            raise SipError("Not Found", 404)  # another tenant's: not from this carrier
        return False, None

    def owner_of(self, number: str) -> str | None:
        """The tenant whose service number, conference room or direct number it is."""
        known = self.numbers.get(number) or self.conference_rooms.get(number)
        if known is not None:
            return known.tenant_id
        found = self.pbx.direct_in(number)
        return found[0] if found is not None else None

    def service_or_room(
        self, number: str, extension: Extension | None, carrier_of: str | None
    ) -> tuple[ServiceNumber | None, ConferenceRoom | None]:
        """The service number or conference room ``number`` is for a caller: a tenant's
        carrier (``carrier_of``) reaches that tenant's only (issue 14 §2); rooms are unique
        among rooms only, so an extension reaches its own tenant's rooms only."""
        service = self.numbers.get(number)
        if service is not None and carrier_of not in (None, service.tenant_id):
            service = None
        room = self.conference_rooms.get(number) if service is None else None
        tenant_id = extension.tenant_id if extension is not None else carrier_of
        if room is not None and tenant_id not in (None, room.tenant_id):
            room = None
        return service, room

    def has_trunk(self, tenant_id: str) -> bool:
        """Whether calls out (to an agent's mobile) have a trunk to go by."""
        return tenant_id in self.outside.trunks or self.outbound_trunk is not None

    def extension_of_agent(self, tenant_id: str, agent_id: str) -> Extension | None:
        for extension in self.extensions.values():
            if extension.tenant_id == tenant_id and extension.agent_id == agent_id:
                return extension
        return None

    def dial_policy(
        self, tenant_id: str, user: str | tuple[str, ...] = "", groups: tuple[str, ...] = ()
    ) -> DialPolicy:
        """The tenant's policy; for calls ``user`` makes or causes (a forward, a transfer, a
        conference dial-out) narrowed by their class of service (PBX8): ask with the user
        at every dial-out point, so no path around the barring exists."""
        policy = self.dial_policies.get(tenant_id, DialPolicy())
        if not user and not groups:
            return policy
        classes = self.outside.service_classes.get(tenant_id, NO_CLASSES)
        if not isinstance(user, str):  # one caller as several users (``mobile_users``)
            pbx = self.pbx
            people = [p for (t, _), p in pbx.people.items() if t == tenant_id]
            in_tenant = [g for (t, _), g in pbx.groups.items() if t == tenant_id]
            return policy_of_users(
                classes, policy, user, people, in_tenant, pbx.plans.get(tenant_id)
            )
        keys, in_groups = self.class_keys(tenant_id, user) if user else (frozenset(), frozenset())
        return classes.policy_for(policy, keys, (*groups, *in_groups))

    def class_keys(self, tenant_id: str, user: str) -> tuple[frozenset[str], frozenset[str]]:
        """Every key ``user`` (an extension or a person id) has a class under, and their
        answer groups (PBX8: one person, one class, whichever of their phones dials)."""
        pbx = self.pbx
        people = [p for (t, _), p in pbx.people.items() if t == tenant_id]
        groups = [g for (t, _), g in pbx.groups.items() if t == tenant_id]
        return keys_of(user, people, groups, pbx.plans.get(tenant_id))

    def mobile_dialler(self, tenant_id: str, agent_id: str) -> tuple[str, ...]:
        """Who her mobile is dialled as (PBX8, PBX9): the web's check asks the same."""
        extensions = self.extensions.values()
        own = ((e.extension, e.agent_id) for e in extensions if e.tenant_id == tenant_id)
        return mobile_users(agent_id, self.agent_persons.get((tenant_id, agent_id)), own)

    def language(self, tenant_id: str) -> str:
        """The tenant's language: that of the flow on its first service number ("sv" if none)."""
        for service in self.numbers.values():
            if service.tenant_id == tenant_id:
                return service.flow.language
        return "sv"
