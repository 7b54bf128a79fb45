"""The PBX as telephony reads it: each tenant's numbering plan and people's devices (PBX1).

A read-only snapshot the composition root builds from the store (telephony never imports the
store) and replaces whole when an admin changes the configuration.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vaxel.pbx.devices import PersonDevices
from vaxel.pbx.groups import AnswerGroup
from vaxel.pbx.numbering import NumberingPlan, Target
from vaxel.pbx.park import ParkSettings

__all__ = ["PbxDirectory"]


@dataclass(slots=True)
class PbxDirectory:
    plans: dict[str, NumberingPlan] = field(default_factory=dict)
    """By tenant id."""
    people: dict[tuple[str, str], PersonDevices] = field(default_factory=dict)
    """By (tenant id, person id)."""
    groups: dict[tuple[str, str], AnswerGroup] = field(default_factory=dict)
    """Answer groups by (tenant id, group id) (PBX3)."""
    park: dict[str, ParkSettings] = field(default_factory=dict)
    """By tenant: its orbits (from its plan) and recall (OP3); a tenant not here gets
    ``ParkSettings.of_tenant`` of its plan."""

    def resolve(self, tenant_id: str, dialled: str) -> Target | None:
        plan = self.plans.get(tenant_id)
        return plan.resolve(dialled) if plan is not None else None

    def direct_in(self, dialled: str, tenant: str | None = None) -> tuple[str, Target] | None:
        """A DID of some tenant — of ``tenant`` only when given, the one whose trunk the
        call came over (issue 14 §2) — as (tenant id, target)."""
        for tenant_id, plan in self.plans.items():
            if tenant is not None and tenant_id != tenant:
                continue
            short = plan.short_of_did(dialled)
            target = plan.numbers.get(short) if short is not None else None
            if target is not None:
                return tenant_id, target
        return None

    def devices(self, tenant_id: str, person_id: str) -> PersonDevices | None:
        return self.people.get((tenant_id, person_id))
