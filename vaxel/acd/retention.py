"""What the engine keeps of finished contacts, and for how long (issue 10 §13).

Rules:
- A contact that has left the ACD for good (ended, abandoned, overflowed out, a callback done)
  stays in memory for ``FINISHED_RETENTION_S`` after it finished: long enough for what still
  needs it — the agent's classification after the call (Q26), views asked for while the
  runtime projects the end into the store. Then the engine forgets it; its history lives on
  in the store's read models (contacts, callbacks tables) and in the journal.
- At most ``FINISHED_LIMIT`` finished contacts per tenant stay, however many finish within
  the window: a flood of short calls cannot grow memory without bound.
- A FAILED callback is not finished: a supervisor may still requeue it (CB11).
- Sticky agent (Q16) needs only "who last handled this number, when", not the contact: that
  index keeps each number once and drops entries older than the longest sticky window of the
  tenant's queues, since no queue could use them any more.
- Forgetting happens only inside ``Engine.handle`` with the event's ``now``, so replaying the
  journal forgets exactly the same contacts at the same steps (determinism).
"""

from __future__ import annotations

from vaxel.acd.state import ContactRec, TenantRec

__all__ = ["FINISHED_LIMIT", "FINISHED_RETENTION_S", "contact_finished", "handler_remembered"]

FINISHED_RETENTION_S = 3600.0
"""How long a finished contact stays queryable (classification, views) before it is forgotten."""

FINISHED_LIMIT = 5000
"""Most finished contacts one tenant keeps in memory, whatever their age."""


def contact_finished(tenant: TenantRec, contact: ContactRec, now: float) -> None:
    """Note that ``contact`` left the ACD at ``now``; forget contacts finished too long ago.

    The map is ordered oldest first, so only the expired front is visited: amortised O(1).
    """
    finished = tenant.finished
    finished.pop(contact.contact_id, None)
    finished[contact.contact_id] = now
    horizon = now - FINISHED_RETENTION_S
    while finished:
        contact_id, finished_at = next(iter(finished.items()))
        if finished_at >= horizon and len(finished) <= FINISHED_LIMIT:
            break
        del finished[contact_id]
        tenant.contacts.pop(contact_id, None)
        tenant.callbacks.pop(contact_id, None)


def handler_remembered(tenant: TenantRec, caller_number: str, agent_id: str, now: float) -> None:
    """Q16: remember who handled ``caller_number``; drop what no sticky window reaches."""
    handlers = tenant.last_handler
    handlers.pop(caller_number, None)  # re-insert: the dict stays ordered oldest first
    handlers[caller_number] = (agent_id, now)
    window = max((q.config.sticky_window_s for q in tenant.queues.values()), default=0.0)
    horizon = now - window
    while handlers:
        number, (_, handled_at) = next(iter(handlers.items()))
        if handled_at >= horizon:
            break
        del handlers[number]
