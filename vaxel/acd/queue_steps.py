"""Event handlers for queues: configured, removed, opened and closed (Q2-Q3, Q20).

Like :mod:`vaxel.acd.contacts`, each handler validates everything first (raising the typed
error) and only then changes state, so a rejected event leaves the engine untouched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vaxel.acd import overflow
from vaxel.acd.commands import Command, NotifyQueueState
from vaxel.acd.events import (
    QueueClosed,
    QueueConfigured,
    QueueOpened,
    QueueRemoved,
)
from vaxel.acd.model import ContactState
from vaxel.acd.state import QueueRec, TenantRec
from vaxel.core.errors import DomainError

if TYPE_CHECKING:
    from vaxel.acd.engine import Engine


__all__ = ["queue_closed", "queue_configured", "queue_opened", "queue_removed"]


def queue_configured(
    engine: Engine, tenant: TenantRec, event: QueueConfigured, now: float, out: list[Command]
) -> None:
    """Create or change a queue while running (Q20): waiting contacts keep their place and
    come under the new max-wait rules."""
    config = event.config
    queue = tenant.queues.get(config.queue_id)
    if queue is None:
        tenant.queues[config.queue_id] = QueueRec(config)
        return
    queue.config = config
    for contact_id in queue.entries:
        overflow.schedule_max_wait(engine, tenant, queue, tenant.contacts[contact_id])
    overflow.check_queue(engine, tenant, queue, now, out)


def queue_removed(
    engine: Engine, tenant: TenantRec, event: QueueRemoved, now: float, out: list[Command]
) -> None:
    queue = engine.queue(tenant, event.queue_id)
    pending = any(
        c.queue_id == event.queue_id and c.state is ContactState.PENDING
        for c in tenant.callbacks.values()
    )
    if queue.entries or queue.members or pending:
        raise DomainError(
            f"queue {event.queue_id!r} still has waiting contacts, callbacks or logged-in agents; "
            "empty it and log the agents out first",
            code="queue-not-empty",
            queue=event.queue_id,
        )
    del tenant.queues[event.queue_id]


def queue_opened(
    engine: Engine, tenant: TenantRec, event: QueueOpened, now: float, out: list[Command]
) -> None:
    queue = engine.queue(tenant, event.queue_id)
    if not queue.schedule_open:
        queue.schedule_open = True
        queue.closed_reason = ""
        queue.message_prompt = ""
        out.append(NotifyQueueState(tenant.tenant_id, event.queue_id, queue.is_open, "opened"))


def queue_closed(
    engine: Engine, tenant: TenantRec, event: QueueClosed, now: float, out: list[Command]
) -> None:
    """Q2/Q3: new arrivals are diverted; contacts already waiting are still served."""
    queue = engine.queue(tenant, event.queue_id)
    queue.schedule_open = False
    queue.closed_reason = event.reason
    queue.message_prompt = event.message_prompt
    out.append(NotifyQueueState(tenant.tenant_id, event.queue_id, False, event.reason))
