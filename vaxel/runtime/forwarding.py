"""People's call forwarding: the one way to read and set it, from the web, the REST API
and a phone's feature codes (PBX5, issue 14 §4).

Rights are those of presence (one's own with ``own-presence``, anyone's with
``any-presence``), checked here below HTTP. A destination the tenant's numbering plan
knows is internal; any other goes through the tenant's dial policy, so a barred number
is refused when set (and again when a call follows it, in telephony). 112 and 114 14 are
never a destination, nor the person's own number — an extension or a direct number the
plan maps to it, however written; a rule (any condition) that would come back round through
other people's ``always`` rules (extensions or direct numbers) is refused. Every
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
    ForwardingRefused,
    ForwardRule,
    check_destination,
    check_no_loop,
)
from vaxel.pbx.numbering import NumberingPlan
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
            lambda tenant, number: bool(views.people_on(tenant, number))
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

        def short(number: str) -> str:  # a direct number of the plan as its short number
            return (plan.short_of_did(number) if plan is not None else None) or number

        if person_id in self.views.people_on(tenant_id, short(destination.number)):
            raise ForwardingRefused("forwarding-self", "a number cannot forward to itself")

        def always_at(number: str) -> str | None:
            to = self._always_at(tenant_id, number)
            return short(to) if to is not None else None

        # any condition: B busy → A with A's every call → B comes back as surely as "always"
        check_no_loop(own, short(destination.number), always_at)
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

    def _always_at(self, tenant_id: str, number: str) -> str | None:
        for person_id in self.views.people_on(tenant_id, number):
            to = self.forwarded_to(tenant_id, person_id)
            if to is not None:
                return to
        return None

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
