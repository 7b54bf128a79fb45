"""The event stream for integrations (``GET /api/v1/events``): per-tenant fan-out.

The ContactCenter tells :meth:`EventFanout.committed` of every durable event; each
connected integration has a bounded queue of its tenant's events. An event carries its
type, time, journal sequence number and ids — never phone numbers, caller data or notes,
so a CRM learns *that* something happened and asks the API for the details it may see.

Events are submitted from the event loop (telephony, async handlers) and from worker
threads (synchronous handlers), while the queues belong to the loop: a put from another
thread is handed to the loop. A consumer that falls more than ``limit`` events behind is
cut off (its stream ends with an ``overflow`` message) rather than holding memory forever.
"""

from __future__ import annotations

import asyncio
import dataclasses
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from vaxel.acd.commands import Command
from vaxel.acd.events import Event
from vaxel.runtime.directory_views import PresenceView

__all__ = ["OVERFLOW", "EventFanout", "Subscription", "describe"]

OVERFLOW: dict[str, Any] = {"type": "overflow"}


def _ids(fact: Any) -> dict[str, Any]:
    """The ``*_id`` and ``*_ids`` fields of an event or command (a queue's or agent's id
    from inside a configuration), leaving out the tenant and anything personal."""
    ids: dict[str, Any] = {}
    for field in dataclasses.fields(fact):
        value = getattr(fact, field.name)
        if field.name == "tenant_id":
            continue
        if field.name.endswith("_id") and isinstance(value, str) and value:
            ids[field.name] = value
        elif field.name.endswith("_ids") and isinstance(value, tuple):
            ids[field.name] = [str(v) for v in value]
        elif dataclasses.is_dataclass(value):  # QueueConfigured.config, AgentConfigured.profile
            for name in ("queue_id", "agent_id"):
                inner = getattr(value, name, "")
                if isinstance(inner, str) and inner:
                    ids[name] = inner
    return ids


def describe(
    event: Event, commands: list[Command], tenant_id: str, seq: int, now: float
) -> dict[str, Any]:
    """What ``tenant_id``'s integrations see of ``event``: type, time, journal sequence
    number, ids, actor, and the effects (commands) it had on that tenant — a timer tick
    belongs to no tenant, but the offer timeouts and due callbacks it fires do."""
    return {
        "type": type(event).__name__,
        "time": now,
        "seq": seq,
        **_ids(event),
        "actor": getattr(event, "actor", ""),
        "effects": [
            {"type": type(c).__name__, **_ids(c)} for c in commands if c.tenant_id == tenant_id
        ],
    }


class Subscription:
    """One connected integration: its tenant and its queue of event descriptions."""

    def __init__(self, tenant_id: str, limit: int) -> None:
        self.tenant_id = tenant_id
        self.queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(limit + 1)
        self.limit = limit
        self.loop = asyncio.get_running_loop()
        self.thread = threading.get_ident()
        self.overflowed = False

    def put(self, item: dict[str, Any]) -> None:
        if threading.get_ident() == self.thread:
            self._put(item)
        else:
            self.loop.call_soon_threadsafe(self._put, item)

    def _put(self, item: dict[str, Any]) -> None:
        if self.overflowed:
            return
        if self.queue.qsize() >= self.limit:
            self.overflowed = True
            item = OVERFLOW
        self.queue.put_nowait(item)


class EventFanout:
    """ContactCenter listener fanning each tenant's events out to its subscriptions."""

    def __init__(
        self,
        seq: Callable[[], int] | None = None,
        *,
        limit: int = 1000,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """``seq`` gives the journal sequence number of the event being told (the
        ContactCenter's ``last_seq``); ``clock`` the time of a presence change."""
        self._subscriptions: dict[str, set[Subscription]] = defaultdict(set)
        self._seq = seq
        self.limit = limit
        self._clock = clock

    def subscribe(self, tenant_id: str) -> Subscription:
        """Call on the event loop; the subscription sees events committed from now on."""
        subscription = Subscription(tenant_id, self.limit)
        self._subscriptions[tenant_id].add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        self._subscriptions[subscription.tenant_id].discard(subscription)

    def committed(self, event: Event, commands: list[Command], now: float) -> None:
        """ContactCenter listener: queue the event for its tenant's subscriptions (and a
        timer tick for each tenant its commands touched)."""
        tenants = {event.tenant_id} | {c.tenant_id for c in commands}
        seq = self._seq() if self._seq is not None else 0
        for tenant_id in tenants:
            subscriptions = self._subscriptions.get(tenant_id)
            if not tenant_id or not subscriptions:
                continue
            item = describe(event, commands, tenant_id, seq, now)
            for subscription in list(subscriptions):
                subscription.put(item)

    def presence_changed(
        self, tenant_id: str, person_id: str, presence: PresenceView | None
    ) -> None:
        """DirectoryViews listener (issue 13 §6): a person's presence changed — told only
        to the own tenant's subscriptions, as ids and times (no names, no free text), so an
        integration asks the directory API for what its key may see. ``reason_id`` is
        null when the person is in again; ``until`` null for tills vidare."""
        subscriptions = self._subscriptions.get(tenant_id)
        if not tenant_id or not subscriptions:
            return
        item = {
            "type": "PresenceChanged",
            "time": self._clock(),
            "person_id": person_id,
            "reason_id": None if presence is None else presence.reason_id,
            "until": None
            if presence is None or presence.until is None
            else presence.until.isoformat(),
        }
        for subscription in list(subscriptions):
            subscription.put(item)

    @property
    def connections(self) -> int:
        return sum(len(s) for s in self._subscriptions.values())
