"""What an adapter may ask of the running contact center (issue 12 §2, STYLE rule 7).

Telephony, the web and the scheduler hold a :class:`ContactCenterPort`, never the engine or
the store behind it: they **submit an event** (and get the commands it produced once it is
durable), **read a named view** (computed while no event changes the engine), and **hear**
each durable event with its commands. Events, commands and views are plain data — frozen
dataclasses, dicts and lists that share nothing with the engine — so a tenant's engine can
later run in another process behind the same port (scale-out partitions tenants across
nodes): an adapter never runs code against the engine, and nothing here hands out a shared
object to mutate. The views are the list of what adapters read (issue 12 §2).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from vaxel.acd.commands import Command
from vaxel.acd.events import Event
from vaxel.acd.model import AgentProfile, QueueConfig
from vaxel.acd.views import (
    AgentView,
    CallbackContext,
    CallbackView,
    ContactView,
    QueueHours,
    QueueStatus,
    WaitingView,
)
from vaxel.stats import ServiceLevelCounts

__all__ = ["ContactCenterPort", "EngineUnavailable", "Listener"]

Listener = Callable[[Event, list[Command], float], None]
"""Told (event, commands, now) after each event is durable, in the order they became so."""


class EngineUnavailable(Exception):
    """The contact center cannot take an event just now (its store is away, its engine is
    being rebuilt); nothing changed — try again after ``retry_after_s``. Not a
    :class:`~vaxel.core.errors.VaxelError`: it is no refusal to show, the edge answers 503."""

    code = "engine_unavailable"

    def __init__(self, reason: str, retry_after_s: float = 1.0) -> None:
        self.reason = reason
        self.retry_after_s = retry_after_s
        super().__init__(f"the contact center is unavailable: {reason}")


class ContactCenterPort(Protocol):
    """The running ACD as adapters see it."""

    listeners: list[Listener]
    """Told of every durable event; a listener may run in whichever thread submitted."""
    last_seq: int
    """The journal position of the last durable event (the REST event stream counts from it)."""

    def submit(self, event: Event, now: float) -> list[Command]:
        """Apply ``event`` at ``now``; the commands once durable. Raises
        :class:`EngineUnavailable` (nothing changed) or a domain error (refused)."""
        ...

    def tick(self, now: float) -> list[Command]:
        """Fire the engine's due timers."""
        ...

    def next_deadline(self) -> float | None:
        """When the engine next has timer work, read consistently."""
        ...

    def running_queues(self, tenant_id: str) -> dict[str, QueueConfig]:
        """The tenant's queues as the engine runs them."""
        ...

    def running_agents(self, tenant_id: str) -> dict[str, AgentProfile]:
        """The tenant's agent profiles as the engine runs them."""
        ...

    # Named views (plain data; a domain error such as UnknownContact when the id is not
    # the tenant's).

    def contact_view(self, tenant_id: str, contact_id: str) -> ContactView:
        """One contact now."""
        ...

    def waiting_view(self, tenant_id: str, contact_id: str, now: float) -> WaitingView:
        """A waiting caller's position, estimated wait and callback offer (Q7, CB1)."""
        ...

    def agent_view(self, tenant_id: str, agent_id: str, now: float) -> AgentView:
        """One agent's state, queues and contact in hand."""
        ...

    def queue_status(self, tenant_id: str, queue_id: str, now: float) -> QueueStatus:
        """One queue now: open, waiting, agents logged in and ready, callbacks."""
        ...

    def callback_row(self, tenant_id: str, contact_id: str) -> CallbackView | None:
        """One callback's row (CB8), or None when the tenant has no such callback."""
        ...

    def callback_context(self, tenant_id: str) -> CallbackContext:
        """Queue and agent names, attempt limits and who works which callback (CB8)."""
        ...

    def queue_hours(self) -> list[QueueHours]:
        """Every running queue with the schedule that opens and closes it (Q1–Q3)."""
        ...

    def service_level_targets(self, tenant_id: str) -> tuple[dict[str, float], dict[str, float]]:
        """Each queue's service-level target and short-abandon threshold, seconds (ST1)."""
        ...

    def tenant_board(
        self,
        tenant_id: str,
        now: float,
        today: Mapping[str, ServiceLevelCounts] | None = None,
        day_start: float = 0.0,
    ) -> dict[str, Any]:
        """The wallboard's queues, agents and today's service level (ST1)."""
        ...

    def agent_panel(self, tenant_id: str, agent_id: str, now: float) -> dict[str, Any]:
        """The signed-in agent's own state, contact and queues (Q21, ADM2)."""
        ...
