"""Which story each journal entry belongs to and which entry it follows from (issue 12 §5).

A story is what a user would follow: a contact from arrival to classification (a callback
booked in the IVR starts in the call it was booked from), an agent's log-ins and pauses,
a queue's configuration. Each entry's causation is the entry before it in its story — or,
for the first entry of a callback, the entry that created it — so
:meth:`vaxel.store.Journal.story` can tell a callback's whole story, from the caller's key
press to the agent's note.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from vaxel.acd.commands import Command, NotifyCallbackCreated
from vaxel.acd.events import AgentConfigured, CallbackRequested, Event, QueueConfigured
from vaxel.core.context import Context

__all__ = ["Stories", "story_of"]

REMEMBERED = 50_000
"""Stories whose last entry is kept in memory; an older one is looked up in the journal."""


def story_of(event: Event) -> str:
    """The story ``event`` continues, before it is applied ("" for the engine's timer)."""
    contact = getattr(event, "contact_id", "") or getattr(event, "from_contact_id", "")
    if contact:
        return str(contact)
    if isinstance(event, AgentConfigured):
        return f"agent:{event.profile.agent_id}"
    if isinstance(event, QueueConfigured):
        return f"queue:{event.config.queue_id}"
    agent = getattr(event, "agent_id", "")
    if agent:
        return f"agent:{agent}"
    queue = getattr(event, "queue_id", "")
    if queue and not isinstance(event, CallbackRequested):
        return f"queue:{queue}"
    return ""


class Stories:
    """The last entry of recently active stories; not thread-safe (the runtime's lock)."""

    def __init__(self, limit: int = REMEMBERED) -> None:
        self._limit = limit
        self._last: dict[tuple[str, str], int] = {}

    def context(
        self,
        event: Event,
        commands: Sequence[Command],
        last_in_journal: Callable[[str], int],
    ) -> Context | None:
        """The context of ``event`` once applied with ``commands``; ``last_in_journal``
        finds a story's last entry when it is not remembered (after a restart)."""
        tenant_id = event.tenant_id
        if not tenant_id:
            return None
        story = story_of(event)
        cause = self._last_of(tenant_id, story, last_in_journal)
        if isinstance(event, CallbackRequested):
            created = [c.contact_id for c in commands if isinstance(c, NotifyCallbackCreated)]
            if created:  # the callback's own story, caused by the call it was booked from
                story = created[0]
        return Context(
            tenant_id=tenant_id,
            correlation_id=story,
            causation_id=str(cause) if cause else "",
            actor=str(getattr(event, "actor", "")) or "system",
        )

    def written(self, seq: int, context: Context | None, commands: Sequence[Command]) -> None:
        """Remember entry ``seq``; a callback its event created starts from it (CB5)."""
        if context is None:
            return
        tenant = context.tenant_id
        if context.correlation_id:
            self._remember((tenant, context.correlation_id), seq)
        for command in commands:
            if isinstance(command, NotifyCallbackCreated):
                self._last.setdefault((tenant, command.contact_id), seq)

    def _last_of(self, tenant_id: str, story: str, lookup: Callable[[str], int]) -> int:
        if not story:
            return 0
        key = (tenant_id, story)
        if key not in self._last:
            found = lookup(story)
            if found:
                self._remember(key, found)
            return found
        return self._last[key]

    def _remember(self, key: tuple[str, str], seq: int) -> None:
        self._last.pop(key, None)
        self._last[key] = seq
        if len(self._last) > self._limit:
            del self._last[next(iter(self._last))]
