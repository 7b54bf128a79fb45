"""Live updates: a core event wakes the browsers of its tenant (ST1: within a second).

The ContactCenter tells the hub of every durable event; each connected page has an
asyncio.Event per tenant that the hub sets, and its server-sent-event stream sends a fresh
snapshot when woken (and at least once a second, so times in state tick on).
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Callable

from vaxel.acd.commands import Command
from vaxel.acd.events import Event

__all__ = ["LiveHub"]


class LiveHub:
    def __init__(self) -> None:
        self._waiters: dict[str, set[asyncio.Event]] = defaultdict(set)
        self._versions: dict[str, int] = defaultdict(int)
        self._payloads: dict[str, tuple[int, float, str]] = {}

    def payload(self, tenant_id: str, now: float, build: Callable[[], str]) -> str:
        """The tenant's current snapshot, built once per change (or per second) and shared
        by every page of the tenant — 200 pages cost one snapshot, not 200."""
        version = self._versions[tenant_id]
        cached = self._payloads.get(tenant_id)
        if cached is not None and cached[0] == version and now - cached[1] < 1.0:
            return cached[2]
        text = build()
        self._payloads[tenant_id] = (version, now, text)
        return text

    def subscribe(self, tenant_id: str) -> asyncio.Event:
        wake = asyncio.Event()
        self._waiters[tenant_id].add(wake)
        return wake

    def unsubscribe(self, tenant_id: str, wake: asyncio.Event) -> None:
        self._waiters[tenant_id].discard(wake)

    def committed(self, event: Event, commands: list[Command], now: float) -> None:
        """ContactCenter listener: wake every page of the event's tenant."""
        self._versions[event.tenant_id] += 1
        for wake in self._waiters.get(event.tenant_id, ()):
            wake.set()

    def wake_all(self) -> None:
        for waiters in self._waiters.values():
            for wake in waiters:
                wake.set()

    @property
    def connections(self) -> int:
        return sum(len(w) for w in self._waiters.values())
