"""A transferred call that nobody took back returns to its queue, at the front (issue 16 §3,
spec §50–52: recalls have priority, nothing is lost).

Rules kept here:
- Only a call contact the ACD had connected and that then ended (the agent transferred it
  away) can come back; anything else is refused and nothing changes.
- It waits in the queue it was taken from with :data:`REQUEUED_PRIORITY`, so it is offered
  before every caller a flow or callback setting gives a lower priority, and among
  returned calls the one that first arrived goes first (its first arrival time is kept).
- From then on it is an ordinary waiting contact: the queue's strategy offers it to a
  ready agent, an agent on pause may take it from the list (Q28), the caller hanging up
  abandons it, and the queue's max-wait rule applies (Q18). The queue being closed does
  not matter — contacts already waiting are served (Q3).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vaxel.acd import overflow
from vaxel.acd.commands import Command
from vaxel.acd.events import ContactRequeued
from vaxel.acd.model import Channel, ContactState
from vaxel.acd.state import TenantRec
from vaxel.core.errors import IllegalTransition

if TYPE_CHECKING:
    from vaxel.acd.engine import Engine

__all__ = ["REQUEUED_PRIORITY", "contact_requeued"]

REQUEUED_PRIORITY = 1_000_000
"""A returned call's priority in its queue: above any a flow gives a new caller."""


def contact_requeued(
    engine: Engine, tenant: TenantRec, event: ContactRequeued, now: float, out: list[Command]
) -> None:
    contact = engine.contact(tenant, event.contact_id)
    if contact.channel is not Channel.CALL or contact.state is not ContactState.ENDED:
        raise IllegalTransition("contact", contact.state.value, "ContactRequeued")
    queue = engine.queue(tenant, contact.queue_id)
    tenant.finished.pop(contact.contact_id, None)  # waiting again: not forgotten meanwhile
    contact.priority = max(contact.priority, REQUEUED_PRIORITY)
    contact.agent_id, contact.offered_to = "", []
    contact.history.append(f"{now:.3f} requeued ({event.reason or 'recall'})")
    overflow.make_waiting(engine, tenant, queue, contact, now, out)
