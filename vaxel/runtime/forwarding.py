"""People's call forwarding: the one way to read and set it, from the web, the REST API
and a phone's feature codes (PBX5, issue 14 §4).

Rights are those of presence (one's own with ``own-presence``, anyone's with
``any-presence``), checked here below HTTP. A destination the tenant's numbering plan
knows is internal; any other goes through the tenant's dial policy, so a barred number
is refused when set (and again when a call follows it, in telephony). 112 and 114 14 are
never a destination, nor the person's own number — any number that reaches them: an
extension, another short number the plan gives them, a direct number however written; a
rule (any condition) that would come back round through other people's ``always`` rules
(by any of those numbers) is refused. A number the plan knows is internal even where
telephony does not run (a web-only process). Every
tenant's rules are read once and kept; listeners hear each person whose rules changed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from vaxel.core.dial_policy import DialPolicy
from vaxel.directory.permissions import Right, require
from vaxel.pbx.forwarding import (
    ForwardCondition,
    Forwarding,
    ForwardRule,
    check_destination,
    check_no_loop,
)
from vaxel.pbx.numbering import NumberingPlan, TargetKind
from vaxel.runtime.directory_views import Actor, DirectoryViews
from vaxel.store.pbx_forwarding import ForwardingStore

__all__ = ["ForwardingService"]

log = logging.getLogger(__name__)


class ForwardingService:
    def __init__(
        self,
        store: ForwardingStore,
        views: DirectoryViews,
        policy_of: Callable[[str, str], DialPolicy],
        clock: Callable[[], float],
        is_internal: Callable[[str, str], bool] | None = None,
    ) -> None:
        self.store = store
        self.views = views
        self.policy_of = policy_of
        """The dial policy for calls ``(tenant, person)`` causes: the tenant's, narrowed by
        the person's class of service (PBX8) where the root knows it."""
        self._clock = clock
        self.is_internal: Callable[[str, str], bool] = is_internal or (
            lambda tenant, number: (
                bool(self._reached(tenant, self.plan_of(tenant), number))
                or self._in_plan(tenant, number)
            )
        )
        """Whether the tenant's plan knows ``number`` (its people's extensions by default;
        the root may give the numbering plan's own answer)."""
        self.plan_of: Callable[[str], NumberingPlan | None] = lambda tenant_id: None
        """The tenant's numbering plan, when the root gives it: a direct number reaches the
        person of its short number, so the self and loop checks must see through it."""
        self._tenants: dict[str, dict[str, Forwarding]] = {}
        self._lock = threading.RLock()
        self.listeners: list[Callable[[str, str], None]] = []

    def _of_tenant(self, tenant_id: str) -> dict[str, Forwarding]:
        with self._lock:
            held = self._tenants.get(tenant_id)
            if held is None:
                held = self._tenants[tenant_id] = self.store.of_tenant(tenant_id)
            return held

    def forwarding(self, tenant_id: str, person_id: str) -> Forwarding:
        return self._of_tenant(tenant_id).get(person_id, Forwarding())

    def forwarded_to(self, tenant_id: str, person_id: str) -> str | None:
        """Where every call to the person goes now (their ``always`` rule)."""
        return self.forwarding(tenant_id, person_id).forwarded_to

    def set_rule(
        self, tenant_id: str, actor: Actor, person_id: str, rule: ForwardRule
    ) -> Forwarding:
        """Keep ``rule`` in place of the person's rule for its condition, once checked."""
        require(actor.role, Right.ANY_PRESENCE, own=actor.person_id == person_id)
        destination = check_destination(
            rule.destination,
            lambda number: self.is_internal(tenant_id, number),
            self.policy_of(tenant_id, person_id),
        )
        own = self.views.extension_of(tenant_id, person_id) or f"person:{person_id}"
        plan = self.plan_of(tenant_id)

        def key(number: str) -> str:  # a person's every number (extension, short, DID) is one
            people = self._reached(tenant_id, plan, number)
            if person_id in people:
                return own
            if not people:
                return number
            forwarding = [p for p in people if self.forwarded_to(tenant_id, p) is not None]
            return self.views.extension_of(tenant_id, (forwarding or people)[0]) or number

        def always_at(number: str) -> str | None:
            for other in self._reached(tenant_id, plan, number):
                to = self.forwarded_to(tenant_id, other)
                if to is not None:
                    return key(to)
            return None

        # any condition: B busy → A with A's every call → B comes back as surely as "always"
        check_no_loop(own, key(destination.number), always_at)
        checked = ForwardRule(rule.condition, destination.number, rule.after_s)
        return self._put(tenant_id, actor, person_id, self.forwarding(tenant_id, person_id)
                         .with_rule(checked))  # fmt: skip

    def clear(
        self, tenant_id: str, actor: Actor, person_id: str, condition: ForwardCondition | None
    ) -> Forwarding:
        """Stop forwarding on ``condition`` (every forwarding for None)."""
        require(actor.role, Right.ANY_PRESENCE, own=actor.person_id == person_id)
        held = self.forwarding(tenant_id, person_id)
        return self._put(tenant_id, actor, person_id, held.without(condition))

    def _reached(self, tenant_id: str, plan: NumberingPlan | None, number: str) -> list[str]:
        """The people ``number`` reaches: by an extension of theirs, or by a short or direct
        number of the tenant's plan whose target is a person (issue 14 §1: several)."""
        found = set(self.views.people_on(tenant_id, number))
        if plan is not None:
            target = plan.resolve(number)
            if target is not None and target.kind is TargetKind.PERSON:
                found.add(target.ref)
            short = plan.short_of_did(number)
            if short is not None:
                found.update(self.views.people_on(tenant_id, short))
        return sorted(found)

    def _in_plan(self, tenant_id: str, number: str) -> bool:
        plan = self.plan_of(tenant_id)
        return plan is not None and plan.resolve(number) is not None

    def _put(
        self, tenant_id: str, actor: Actor, person_id: str, forwarding: Forwarding
    ) -> Forwarding:
        self.store.put(tenant_id, person_id, forwarding, actor.name or actor.role, self._clock())
        with self._lock:
            self._of_tenant(tenant_id)[person_id] = forwarding
            if not forwarding.rules:
                self._of_tenant(tenant_id).pop(person_id, None)
        self.views.status_changed(tenant_id, [person_id])
        for listener in list(self.listeners):
            try:
                listener(tenant_id, person_id)
            except Exception:
                log.exception("a forwarding listener failed")
        return forwarding
