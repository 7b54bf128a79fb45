"""The ACD engine behind its lock, read through named views (issue 10 §10, issue 12 §2).

Pages are served from worker threads while other threads submit events: a page iterating a
tenant's contacts while an arrival added one raised "dictionary changed size during
iteration". So every read takes the engine lock that a write holds while it applies an
event, and hands out plain data built under it, never the engine's own dicts. These are the
reading half of ``ContactCenterPort``; :class:`~vaxel.runtime.contact_center.ContactCenter`
adds the writing half (submit, durable through the journal).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from vaxel.acd import boards
from vaxel.acd.engine import Engine as AcdEngine
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

__all__ = ["EngineViews"]

T = TypeVar("T")


class EngineViews:
    """Reads of ``acd`` under ``_lock``; the subclass sets both and holds the lock while it
    changes the engine."""

    acd: AcdEngine
    _lock: threading.RLock

    def read(self, query: Callable[[AcdEngine], T]) -> T:
        """``query(engine)`` under the lock :meth:`submit` holds, so no event changes the
        engine while it runs (issue 10 §10). Not part of the port: adapters ask for the
        named views below; this serves them, the composition root's simulator and tests.
        ``query`` should only read and build its answer (plain data, not the engine's own
        dicts), as the lock is held while it runs."""
        with self._lock:
            return query(self.acd)

    def running_queues(self, tenant_id: str) -> dict[str, QueueConfig]:
        """The tenant's queues as the engine runs them, read under the lock."""

        def configs(acd: AcdEngine) -> dict[str, QueueConfig]:
            tenant = acd.tenants.get(tenant_id)
            return {q: r.config for q, r in tenant.queues.items()} if tenant else {}

        return self.read(configs)

    def running_agents(self, tenant_id: str) -> dict[str, AgentProfile]:
        """The tenant's agent profiles as the engine runs them, read under the lock."""

        def profiles(acd: AcdEngine) -> dict[str, AgentProfile]:
            tenant = acd.tenants.get(tenant_id)
            return {a: r.profile for a, r in tenant.agents.items()} if tenant else {}

        return self.read(profiles)

    # Named views (ContactCenterPort, issue 12 §2): each read under the lock, plain data out.

    def contact_view(self, tenant_id: str, contact_id: str) -> ContactView:
        return self.read(lambda acd: acd.contact_view(tenant_id, contact_id))

    def waiting_view(self, tenant_id: str, contact_id: str, now: float) -> WaitingView:
        return self.read(lambda acd: acd.waiting_view(tenant_id, contact_id, now))

    def agent_view(self, tenant_id: str, agent_id: str, now: float) -> AgentView:
        return self.read(lambda acd: acd.agent_view(tenant_id, agent_id, now))

    def queue_status(self, tenant_id: str, queue_id: str, now: float) -> QueueStatus:
        return self.read(lambda acd: acd.queue_status(tenant_id, queue_id, now))

    def callback_row(self, tenant_id: str, contact_id: str) -> CallbackView | None:
        return self.read(lambda acd: acd.callback_row(tenant_id, contact_id))

    def callback_context(self, tenant_id: str) -> CallbackContext:
        return self.read(lambda acd: boards.callback_context(acd, tenant_id))

    def queue_hours(self) -> list[QueueHours]:
        return self.read(boards.queue_hours)

    def service_level_targets(self, tenant_id: str) -> tuple[dict[str, float], dict[str, float]]:
        return self.read(lambda acd: boards.service_level_targets(acd, tenant_id))

    def tenant_board(
        self,
        tenant_id: str,
        now: float,
        today: Mapping[str, ServiceLevelCounts] | None = None,
        day_start: float = 0.0,
    ) -> dict[str, Any]:
        return self.read(lambda acd: boards.tenant_board(acd, tenant_id, now, today, day_start))

    def agent_panel(self, tenant_id: str, agent_id: str, now: float) -> dict[str, Any]:
        return self.read(lambda acd: boards.agent_panel(acd, tenant_id, agent_id, now))
