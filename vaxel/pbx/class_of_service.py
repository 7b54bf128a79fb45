"""Barring by class of service (behörighetsklass, PBX8): who may dial what.

Rules kept here:
- A class of service is a setting of the ONE dial policy (:mod:`vaxel.core.dial_policy`),
  never a second policy: it says how far a person's or group's calls reach — only the
  switch itself, Sweden, or abroad too — and whether premium rate (0900, 0939, 0944,
  118 xx) is allowed. 112 and 114 14 are allowed whatever it says (the policy's rule).
- International and premium rate are barred by default: a person with no class gets
  ``DEFAULT_CLASS`` (Sweden, no premium).
- The tenant's own switch for international calls is the upper bound: a class can narrow
  what the organisation allows, never widen it.
- A class is given to a *user* — a person id or one of the person's extensions, both
  accepted as the admin types either — or to an answer group. Whoever causes a call is
  looked up under every key that names them (:func:`keys_of`: their person id, all their
  SIP extensions and short numbers, whichever of them dialled) and their groups, so the same person
  gets the same class whether their desk phone dials, their forwarding dials or their
  transfer does.
- A person's own class wins over their groups'; several own classes (one on the person,
  one on a phone) give the most restrictive; without one, the most restrictive of their
  groups' classes applies (a barring is never lifted by joining a group).
- Barring cannot be bypassed by a forward, a transfer or a conference dial-out: each of
  those dials on behalf of the person who set it up, and asks this person's policy
  (:meth:`ClassesOfService.policy_for`) at the moment it dials.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import IntEnum

from vaxel.core.dial_policy import DialPolicy
from vaxel.core.errors import ConfigError
from vaxel.pbx.devices import DeviceKind, PersonDevices
from vaxel.pbx.groups import AnswerGroup
from vaxel.pbx.numbering import NumberingPlan, Target, TargetKind

__all__ = [
    "DEFAULT_CLASS",
    "ClassOfService",
    "ClassesOfService",
    "Reach",
    "ServiceClassError",
    "keys_of",
    "mobile_users",
    "policy_of_users",
]

MAX_CLASS_ID, MAX_CLASS_NAME = 40, 80
_ID = re.compile(r"[a-z0-9_-]+")


class Reach(IntEnum):
    """How far calls reach, ordered: a lower reach is the more restrictive."""

    INTERNAL = 0
    """The switch's own numbers only (and 112, 114 14)."""
    NATIONAL = 1
    INTERNATIONAL = 2


class ServiceClassError(ConfigError):
    """A class of service the rules refuse: the field (``class_of_service.<input>``), the
    rule code and its parameters, worded by code at the edge."""

    def __init__(self, field: str, rule: str, **params: object) -> None:
        super().__init__(f"class_of_service.{field}", rule, **params)


@dataclass(frozen=True, slots=True)
class ClassOfService:
    class_id: str
    name: str
    reach: Reach = Reach.NATIONAL
    premium_allowed: bool = False

    def __post_init__(self) -> None:
        if not self.class_id:
            raise ServiceClassError("class_id", "id-required")
        if len(self.class_id) > MAX_CLASS_ID:
            raise ServiceClassError(
                "class_id", "too-long", max=MAX_CLASS_ID, length=len(self.class_id)
            )
        if not _ID.fullmatch(self.class_id):
            raise ServiceClassError("class_id", "id-format")
        if len(self.name) > MAX_CLASS_NAME:
            raise ServiceClassError("name", "too-long", max=MAX_CLASS_NAME, length=len(self.name))

    def policy(self, tenant: DialPolicy) -> DialPolicy:
        """The tenant's policy narrowed to this class (never widened: see the rules)."""
        return replace(
            tenant,
            international_allowed=tenant.international_allowed
            and self.reach is Reach.INTERNATIONAL,
            premium_allowed=self.premium_allowed and self.reach is not Reach.INTERNAL,
            external_allowed=tenant.external_allowed and self.reach is not Reach.INTERNAL,
        )

    def restrictiveness(self) -> tuple[int, int]:
        """Sort key: the smaller, the more barred."""
        return (int(self.reach), int(self.premium_allowed))


DEFAULT_CLASS = ClassOfService("standard", "Standard", Reach.NATIONAL, premium_allowed=False)
"""What a person without a class gets: Sweden, no premium rate, nothing abroad (PBX8)."""


@dataclass(frozen=True, slots=True)
class ClassesOfService:
    """A tenant's classes and who has which; pure, rebuilt when an admin changes them."""

    classes: Mapping[str, ClassOfService] = field(default_factory=dict)
    users: Mapping[str, str] = field(default_factory=dict)
    """User → class id; a user is a person id or an extension (see the rules)."""
    groups: Mapping[str, str] = field(default_factory=dict)
    """Group id → class id."""
    default: ClassOfService = DEFAULT_CLASS

    def __post_init__(self) -> None:
        for owner, class_id in (*self.users.items(), *self.groups.items()):
            if class_id not in self.classes:
                allowed = ", ".join(sorted(self.classes)) or "-"
                raise ServiceClassError(f"assignments.{owner}", "choice", allowed=allowed)

    def class_for(
        self, user: str | Iterable[str] = "", groups: Iterable[str] = ()
    ) -> ClassOfService:
        """The class that governs ``user``'s calls (see the rules for the order); ``user``
        is one key or every key of one person (:func:`keys_of`)."""
        keys = (user,) if isinstance(user, str) else tuple(user)
        own = [self.classes[self.users[k]] for k in keys if k and k in self.users]
        if own:
            return min(own, key=ClassOfService.restrictiveness)
        found = [self.classes[self.groups[g]] for g in groups if g in self.groups]
        if found:
            return min(found, key=ClassOfService.restrictiveness)
        return self.default

    def policy_for(
        self, tenant: DialPolicy, user: str | Iterable[str] = "", groups: Iterable[str] = ()
    ) -> DialPolicy:
        """The dial policy for calls ``user`` (a member of ``groups``) makes or causes."""
        return self.class_for(user, groups).policy(tenant)


def keys_of(
    user: str,
    people: Iterable[PersonDevices],
    groups: Iterable[AnswerGroup],
    plan: NumberingPlan | None = None,
) -> tuple[frozenset[str], frozenset[str]]:
    """Every key a class may be given under for ``user`` (a person id, a SIP extension or
    a short number of the plan) and the answer groups they are in: the people ``user``
    names, their person ids, SIP extensions and short numbers. ``people``, ``groups`` and
    ``plan`` are one tenant's."""
    named = {user}
    target = plan.numbers.get(user) if plan is not None else None
    if target is not None and target.kind is TargetKind.PERSON:
        named.add(target.ref)
    found = [
        p
        for p in people
        if p.person_id in named
        or any(d.kind is DeviceKind.SIP and d.address == user for d in p.devices)
    ]
    ids = {p.person_id for p in found} | named
    keys = set(ids) | {d.address for p in found for d in p.devices if d.kind is DeviceKind.SIP}
    if plan is not None:
        keys |= {n for i in ids for n in plan.numbers_of(Target(TargetKind.PERSON, i))}
    in_groups = {g.group_id for g in groups if any(m.person_id in ids for m in g.members)}
    return frozenset(keys), frozenset(in_groups)


def policy_of_users(
    classes: ClassesOfService,
    tenant: DialPolicy,
    users: Iterable[str],
    people: Iterable[PersonDevices],
    groups: Iterable[AnswerGroup],
    plan: NumberingPlan | None = None,
) -> DialPolicy:
    """The dial policy for one caller who is several users at once (an agent's person and
    her extensions, :func:`mobile_users`): each of them must be allowed the number, so the
    most restrictive of their classes governs — a user with no class of her own has her
    groups', else the default (PBX8)."""
    people, groups = list(people), list(groups)
    found = [classes.class_for(*keys_of(user, people, groups, plan)) for user in users]
    strictest = min(found, key=ClassOfService.restrictiveness, default=classes.default)
    return strictest.policy(tenant)


def mobile_users(
    agent_id: str, person_id: str | None, extensions: Iterable[tuple[str, str]]
) -> tuple[str, ...]:
    """Who an agent's mobile (her audio device, PBX9) is dialled as, under PBX8: her
    directory person and every extension whose agent she is (``extensions``: number,
    agent id), else her agent id — each must be allowed the number
    (:func:`policy_of_users`). The web's check when she chooses the mobile and the
    switch's dial ask this one function with the same facts, so they cannot disagree."""
    own = sorted({number for number, agent in extensions if agent == agent_id and number})
    users = ([person_id] if person_id else []) + (own or [agent_id])
    return tuple(dict.fromkeys(u for u in users if u))
