"""How often each tenant's callback list changed: what the list pages wait on (CB8).

A ContactCenter listener that counts callback events only, so an open list fetches its
rows again when an item was requested, taken, called, closed or requeued — and not on
every agent's pause. ``create_app`` hands it to the ContactCenter; the list pages read the
tenant's version (``/callbacks/changes``).
"""

from __future__ import annotations

from collections import defaultdict

from vaxel.acd.commands import Command, DialCallback, MarkCallbackFailed, NotifyCallbackCreated
from vaxel.acd.events import (
    CallbackAttemptEnded,
    CallbackClosed,
    CallbackRequested,
    CallbackRequeued,
    ContactPicked,
    Event,
)

__all__ = ["CallbackChanges"]

_CALLBACK_EVENTS = (
    CallbackRequested,
    CallbackAttemptEnded,
    CallbackClosed,
    CallbackRequeued,
    ContactPicked,
)
_CALLBACK_COMMANDS = (NotifyCallbackCreated, DialCallback, MarkCallbackFailed)


class CallbackChanges:
    """Per tenant, how many times its callback list changed."""

    def __init__(self) -> None:
        self.versions: dict[str, int] = defaultdict(int)

    def committed(self, event: Event, commands: list[Command], now: float) -> None:
        """ContactCenter listener: count a change for each tenant the event touched."""
        tenants = {c.tenant_id for c in commands if isinstance(c, _CALLBACK_COMMANDS)}
        if isinstance(event, _CALLBACK_EVENTS):
            tenants.add(event.tenant_id)
        for tenant_id in tenants:
            self.versions[tenant_id] += 1
