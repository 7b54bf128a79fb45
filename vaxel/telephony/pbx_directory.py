"""The PBX as telephony reads it: each tenant's numbering plan and people's devices (PBX1).

A read-only snapshot the composition root builds from the store (telephony never imports the
store) and replaces whole when an admin changes the configuration.

Whose phone an extension is (:meth:`PbxDirectory.person_of_phone`) is asked at each step of
a call whose sides changed (the line feed, DIR4): a scan of 10,000 people took 7–10 ms, so
the people's devices keep an index of each phone's owner (:class:`PeopleByPhone`), rebuilt
at the first lookup after a change (BENCHMARKS.md, *Whose phone*).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vaxel.pbx.devices import PersonDevices
from vaxel.pbx.groups import AnswerGroup
from vaxel.pbx.numbering import NumberingPlan, Target
from vaxel.pbx.park import ParkSettings

__all__ = ["PbxDirectory", "PeopleByPhone"]

PersonKey = tuple[str, str]
"""(tenant id, person id)."""


class PeopleByPhone(dict[PersonKey, PersonDevices]):
    """People's devices by (tenant, person), with the owner of each SIP phone indexed: the
    first person (in order) whose devices include it, a plain extension's stand-in person
    (``extension:<n>``) never. Every change drops the index; the next lookup rebuilds it."""

    __slots__ = ("_owners",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._owners: dict[tuple[str, str], str] | None = None

    def owner(self, tenant_id: str, extension: str) -> str | None:
        """The person whose devices include the phone ``extension`` of ``tenant_id``."""
        owners = self._owners
        if owners is None:
            owners = {}
            for (tenant, person), devices in self.items():
                if not person.startswith("extension:"):
                    for phone in devices.extensions():
                        owners.setdefault((tenant, phone), person)
            self._owners = owners
        return owners.get((tenant_id, extension))

    def __setitem__(self, key: PersonKey, value: PersonDevices) -> None:
        if not key[1].startswith("extension:"):  # a stand-in owns no phone in the index
            self._owners = None
        super().__setitem__(key, value)

    def __delitem__(self, key: PersonKey) -> None:
        self._owners = None
        super().__delitem__(key)

    def pop(self, key: PersonKey, *default: Any) -> Any:
        self._owners = None
        return super().pop(key, *default)

    def popitem(self) -> tuple[PersonKey, PersonDevices]:
        self._owners = None
        return super().popitem()

    def clear(self) -> None:
        self._owners = None
        super().clear()

    def setdefault(self, key: PersonKey, default: Any = None) -> Any:
        self._owners = None
        return super().setdefault(key, default)

    def update(self, *args: Any, **kwargs: Any) -> None:
        self._owners = None
        super().update(*args, **kwargs)

    def __ior__(self, other: Any) -> PeopleByPhone:  # type: ignore[override,misc]
        self._owners = None
        return super().__ior__(other)


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

    def __post_init__(self) -> None:
        if not isinstance(self.people, PeopleByPhone):
            self.people = PeopleByPhone(self.people)

    def person_of_phone(self, tenant_id: str, extension: str) -> str | None:
        """The person whose devices include the phone ``extension`` (indexed)."""
        people = self.people
        if not isinstance(people, PeopleByPhone):  # replaced by a plain dict since
            people = self.people = PeopleByPhone(people)
        return people.owner(tenant_id, extension)

    def devices(self, tenant_id: str, person_id: str) -> PersonDevices | None:
        return self.people.get((tenant_id, person_id))
