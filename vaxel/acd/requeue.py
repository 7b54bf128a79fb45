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
- A call the agent takes back by answering its recall (her transfer's, park's or camp-on's,
  ``ContactTakenBack``) is her contact again, connected, with no new offer: one contact,
  answered once (the queue's and her answered counts and the wait statistics are left as
  they are); only the agent who had it, ready, paused or in wrap-up, takes it back, so a
  refusal leaves the call a plain call as before. Its handling time counts from the take
  back, and it ends with wrap-up as usual.
- The wait estimator (Q8) learns one handling sample per contact, the sum of the stretches
  agents had it: a stretch after a take back or a requeue joins the first one
  (``ContactRec.handled_s``, ``record_handled(again=True)``), never a contact of its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vaxel.acd import dispatch, overflow
from vaxel.acd.commands import Command
from vaxel.acd.events import ContactRequeued, ContactTakenBack
from vaxel.acd.model import AgentState, Channel, ContactState
from vaxel.acd.state import TenantRec
from vaxel.core.errors import DomainError, IllegalTransition

if TYPE_CHECKING:
    from vaxel.acd.engine import Engine

__all__ = ["REQUEUED_PRIORITY", "contact_requeued", "contact_taken_back"]

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


_FREE = frozenset({AgentState.READY, AgentState.PAUSED, AgentState.WRAP_UP})


def contact_taken_back(
    engine: Engine, tenant: TenantRec, event: ContactTakenBack, now: float, out: list[Command]
) -> None:
    contact = engine.contact(tenant, event.contact_id)
    agent = engine.agent(tenant, event.agent_id)
    if contact.channel is not Channel.CALL or contact.state is not ContactState.ENDED:
        raise IllegalTransition("contact", contact.state.value, "ContactTakenBack")
    if contact.agent_id != agent.agent_id:
        raise DomainError(
            f"contact {event.contact_id!r} was not {event.agent_id!r}'s",
            code="not-answering-agent",
            contact=event.contact_id,
        )
    if agent.state not in _FREE:
        raise IllegalTransition("agent", agent.state.value, "ContactTakenBack")
    engine.queue(tenant, contact.queue_id)  # removed meanwhile: refused
    tenant.finished.pop(contact.contact_id, None)  # hers again: not forgotten meanwhile
    contact.state, contact.answered_at = ContactState.CONNECTED, now
    contact.history.append(f"{now:.3f} taken back by {agent.agent_id}")
    agent.contact_id, agent.pause_reason, agent.busy_since = contact.contact_id, "", now
    dispatch.set_state(tenant, agent, AgentState.BUSY, out)
