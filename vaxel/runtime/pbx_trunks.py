"""A tenant's outside lines as the admin edits them (issue 14 §2, PBX2, PBX8): the trunk to
its carrier, classes of service and who has which, number presentation — validated,
stored and announced (``ConfigChange`` kind ``trunk``) so the composition root swaps them
into running telephony without a restart (Q20).

Rules, checked before anything is stored:
- the trunk is what :class:`~vaxel.pbx.trunks.Trunk` accepts (host, port, credentials of a
  registering trunk); an empty password on a change keeps the stored one, and the
  password is never returned (see ``vaxel.store.pbx_trunks`` for its protection);
- a carrier's host is one tenant's: its INVITEs are trusted for that tenant only (issue 14
  §2), so a host another tenant's trunk has is refused (``trunk-host-taken``); two saves
  racing past this check leave the host trusted for neither (``OutsideLines``);
- a carrier's host is never this machine (loopback, ``localhost``, unspecified, link-local)
  nor the switch's own SIP address (``own_hosts``): the browser phone's SIP leg and any
  local peer send from there, and a trunk on it would make their INVITEs the carrier's —
  DIDs without digest (``trunk-host-own``);
- the main number a trunk presents is a possible phone number, kept in E.164;
- a class is what :class:`~vaxel.pbx.class_of_service.ClassOfService` accepts, and only
  existing classes are assigned; a direct number is a possible phone number, in E.164.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from vaxel.core.dial_policy import DialPolicy, NumberRefused, normalise
from vaxel.pbx.class_of_service import (
    ClassesOfService,
    ClassOfService,
    keys_of,
    policy_of_users,
)
from vaxel.pbx.outside_lines import OutsideLines
from vaxel.pbx.presentation import PresentationMode, Presentations
from vaxel.pbx.trunks import Trunk, TrunkError
from vaxel.runtime.configuration import Configuration
from vaxel.runtime.mail_hosts import internal_address
from vaxel.runtime.service_numbers import answered_numbers
from vaxel.store import Tenants
from vaxel.store.pbx_numbering import PbxNumbering
from vaxel.store.pbx_trunks import GROUP, USER, StoredTrunk, TrunkStore

__all__ = [
    "GROUP",
    "KIND",
    "USER",
    "OutsideLineSettings",
    "outside_lines_from",
    "policy_of_person",
]

KIND = "trunk"
"""The ConfigChange kind for every change here (the trunk, classes, presentation)."""
MAX_OWNER = 64


def _e164(field: str, number: str) -> str:
    if not number:
        return ""
    try:
        return normalise(number)
    except NumberRefused:
        raise TrunkError(field, "invalid", reason="not a possible phone number") from None


def main_number_of(database: Engine, tenant_id: str, stored: StoredTrunk | None) -> str:
    """What the tenant's calls present as its main number: the trunk's setting, else the
    tenant's main service number."""
    if stored is not None and stored.main_number:
        return stored.main_number
    for item in answered_numbers(database, tenant_id):
        if item.main:
            try:
                return normalise(item.number)
            except NumberRefused:
                return item.number
    return ""


def outside_lines_from(database: Engine) -> OutsideLines:
    """Every tenant's trunk, presentation and classes, as stored (built at start and
    rebuilt on a change by the composition root)."""
    store = TrunkStore(database)
    lines = OutsideLines()
    stored = store.all_trunks()
    for tenant_id, item in stored.items():
        lines.trunks[tenant_id] = item.trunk
    for tenant in Tenants(database).all():
        tid = tenant.tenant_id
        lines.service_classes[tid] = store.classes(tid)
        main = main_number_of(database, tid, stored.get(tid))
        if main:
            lines.presentations[tid] = store.presentations(tid, main)
    return lines


def policy_of_person(
    database: Engine,
    tenant_policy: DialPolicy,
    tenant_id: str,
    person: str | tuple[str, ...],
    extension: str = "",
) -> DialPolicy:
    """The dial policy for what ``person`` causes (their forwarding to an external number):
    the tenant's, narrowed by their class of service (PBX8) — the same lookup telephony
    makes when the call follows it (``TelephonyDirectory.class_keys``): a class given to the
    person id or to any of their extensions, else their answer groups', else the default.
    ``person`` may be several users who are one caller (``class_of_service.mobile_users``)."""
    classes = TrunkStore(database).classes(tenant_id)
    numbering = PbxNumbering(database)
    people = [p for (t, _), p in numbering.everyone_devices().items() if t == tenant_id]
    plan = numbering.plan(tenant_id)
    if not isinstance(person, str):  # each of them must be allowed it
        return policy_of_users(
            classes, tenant_policy, person, people, numbering.groups(tenant_id), plan
        )
    keys, groups = keys_of(person, people, numbering.groups(tenant_id), plan)
    return classes.policy_for(tenant_policy, {*keys, extension} - {""}, groups)


def own_host_of(host: str, own_hosts: frozenset[str]) -> str | None:
    """The address of this machine or of the switch that ``host`` is (as written, no DNS:
    the trust compares the written host), else None."""
    name = host.strip().strip("[]").lower()
    if name in own_hosts:
        return name
    return internal_address(host, resolve=False)


class OutsideLineSettings:
    def __init__(
        self, configuration: Configuration, own_hosts: frozenset[str] = frozenset()
    ) -> None:
        self.configuration = configuration
        self.store = TrunkStore(configuration.database)
        self.own_hosts = frozenset(h.strip("[]").lower() for h in own_hosts)
        """The switch's own SIP addresses (``sip_host``), refused as a carrier's host."""

    def trunk(self, tenant_id: str) -> StoredTrunk | None:
        return self.store.trunk(tenant_id)

    def put_trunk(
        self, tenant_id: str, main_number: str = "", password: str = "", **fields: Any
    ) -> Trunk:
        """Save the tenant's trunk from an admin's ``fields`` (those of
        :class:`~vaxel.pbx.trunks.Trunk`); an empty password keeps the stored one."""
        if not password:
            old = self.store.trunk(tenant_id)
            password = old.trunk.password if old is not None else ""
        trunk = Trunk(tenant_id, password=password, **fields)  # TrunkError names the field
        if own_host_of(trunk.host, self.own_hosts) is not None:
            raise TrunkError("host", "trunk-host-own", value=trunk.host)
        for other_id, other in self.store.all_trunks().items():
            if other_id != tenant_id and other.trunk.host.lower() == trunk.host.lower():
                raise TrunkError("host", "trunk-host-taken", value=trunk.host)
        self.store.put_trunk(trunk, _e164("main_number", main_number))
        self.configuration.changed(tenant_id, KIND, "trunk")
        return trunk

    def remove_trunk(self, tenant_id: str) -> None:
        self.store.remove_trunk(tenant_id)
        self.configuration.changed(tenant_id, KIND, "trunk")

    def classes(self, tenant_id: str) -> ClassesOfService:
        return self.store.classes(tenant_id)

    def put_class(self, tenant_id: str, service_class: ClassOfService) -> None:
        self.store.put_class(tenant_id, service_class)
        self.configuration.changed(tenant_id, KIND, "classes")

    def remove_class(self, tenant_id: str, class_id: str) -> None:
        self.store.remove_class(tenant_id, class_id)
        self.configuration.changed(tenant_id, KIND, "classes")

    def assign_class(self, tenant_id: str, owner_kind: str, owner: str, class_id: str) -> None:
        """Give a user or group a class ("" for the default)."""
        self._owner(owner_kind, owner)
        if class_id and class_id not in self.store.classes(tenant_id).classes:
            known = ", ".join(sorted(self.store.classes(tenant_id).classes)) or "-"
            raise TrunkError("class_id", "choice", allowed=known)
        self.store.assign_class(tenant_id, owner_kind, owner, class_id)
        self.configuration.changed(tenant_id, KIND, "classes")

    def presentations(self, tenant_id: str) -> Presentations:
        main = main_number_of(self.configuration.database, tenant_id, self.store.trunk(tenant_id))
        return self.store.presentations(tenant_id, main)

    def put_presentation(
        self, tenant_id: str, owner_kind: str, owner: str, mode: str, direct_number: str = ""
    ) -> None:
        self._owner(owner_kind, owner)
        try:
            chosen = PresentationMode(mode)
        except ValueError:
            allowed = ", ".join(m.value for m in PresentationMode)
            raise TrunkError("presentation", "choice", allowed=allowed) from None
        number = _e164("direct_number", direct_number)
        self.store.put_presentation(tenant_id, owner_kind, owner, chosen, number)
        self.configuration.changed(tenant_id, KIND, "presentation")

    @staticmethod
    def _owner(owner_kind: str, owner: str) -> None:
        if owner_kind not in (USER, GROUP):
            raise TrunkError("owner_kind", "choice", allowed=f"{USER}, {GROUP}")
        if not owner:
            raise TrunkError("owner", "required-text")
        if len(owner) > MAX_OWNER:
            raise TrunkError("owner", "too-long", max=MAX_OWNER, length=len(owner))
