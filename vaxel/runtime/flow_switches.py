"""Lavinbesked switches as staff change them (IVR4, issue 14 §7): from the admin page, the
REST API and a phone (``*96*<nr>#``), all through :class:`FlowSwitches`.

The switches a tenant has are the names its flows declare (``switches`` of a flow); each is
numbered for the keypad when first listed (:class:`~vaxel.store.flow_switches.FlowSwitchStore`)
and is off until someone switches it on. A change is stored with its audit entry and
announced as a ``switch`` change: the composition root rebuilds the numbers telephony
answers with the switches that are on, so **the next caller** hears the announcement (a
call already past it keeps what it heard).

A switch may instead be scheduled (IVR4: "scheduled or activated immediately"): a window
from ``on_from`` to ``off_at``, given in Europe/Stockholm local time on the page and as
instants over REST. Telephony gets the windows with the numbers and checks them per call,
so a window opens and closes without anyone changing anything; a window that has ended is
cleared when the switches are next listed. Switching off ends a window too.
"""

from __future__ import annotations

from collections.abc import Callable

from vaxel.core.clock import to_local
from vaxel.core.errors import DomainError, NotFound
from vaxel.runtime.configuration import Configuration
from vaxel.store.flow_switches import FlowSwitch, FlowSwitchStore

__all__ = ["MAX_WINDOW_DAYS", "SWITCH_KIND", "FlowSwitches", "UnknownSwitch"]

MAX_WINDOW_DAYS = 366
"""A window ends at most this many days ahead."""

SWITCH_KIND = "switch"
"""The ConfigChange kind of a switched switch."""


class UnknownSwitch(NotFound):
    """No flow of the tenant declares a switch of that name (or number)."""

    kind = "switch"
    code = "unknown-switch"


class FlowSwitches:
    def __init__(self, configuration: Configuration, clock: Callable[[], float]) -> None:
        self.configuration = configuration
        self.store = FlowSwitchStore(configuration.database)
        self.clock = clock

    def declared(self, tenant_id: str) -> list[str]:
        """The switch names the tenant's flows declare, sorted, each once."""
        names: set[str] = set()
        for document in self.configuration.flows(tenant_id).values():
            switches = document.get("switches") or []
            names.update(s for s in switches if isinstance(s, str) and s)
        return sorted(names)

    def listed(self, tenant_id: str) -> list[FlowSwitch]:
        """The tenant's switches by number (a newly declared one numbered now)."""
        declared = self.declared(tenant_id)
        known = set(declared)
        self.store.clear_past(tenant_id, self.clock())
        return [s for s in self.store.number(tenant_id, declared) if s.name in known]

    def by_number(self, tenant_id: str, number: int) -> FlowSwitch | None:
        return next((s for s in self.listed(tenant_id) if s.number == number), None)

    def set(self, tenant_id: str, name: str, on: bool, actor: str) -> FlowSwitch:
        """Switch ``name`` on or off as ``actor``; UnknownSwitch for a name no flow has."""
        if not any(s.name == name for s in self.listed(tenant_id)):
            raise UnknownSwitch(name[:64], tenant_id)
        self.store.set(tenant_id, name, on, actor, self.clock())
        self.configuration.changed(tenant_id, SWITCH_KIND, name)
        found = next((s for s in self.store.of_tenant(tenant_id) if s.name == name), None)
        assert found is not None
        return found

    def schedule(
        self, tenant_id: str, name: str, on_from: float, off_at: float, actor: str
    ) -> FlowSwitch:
        """Schedule ``name`` on from ``on_from`` until ``off_at`` (epoch seconds) as
        ``actor``; DomainError for a window that ends before it starts, has already ended
        or ends more than MAX_WINDOW_DAYS ahead; UnknownSwitch for a name no flow has."""
        now = self.clock()
        if off_at <= on_from:
            raise DomainError("switch window ends before it starts", code="switch-window-order")
        if off_at <= now:
            raise DomainError("switch window has ended", code="switch-window-past")
        if off_at > now + MAX_WINDOW_DAYS * 86400:
            raise DomainError("switch window too far", code="switch-window-far",
                              days=MAX_WINDOW_DAYS)  # fmt: skip
        if not any(s.name == name for s in self.listed(tenant_id)):
            raise UnknownSwitch(name[:64], tenant_id)
        label = f"{to_local(on_from):%Y-%m-%d %H:%M}–{to_local(off_at):%Y-%m-%d %H:%M}"
        self.store.schedule(tenant_id, name, (on_from, off_at), label, actor, now)
        self.configuration.changed(tenant_id, SWITCH_KIND, name)
        found = next((s for s in self.store.of_tenant(tenant_id) if s.name == name), None)
        assert found is not None
        return found
