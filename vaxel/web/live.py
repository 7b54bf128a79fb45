"""Live updates: a core event wakes the browsers of its tenant (ST1: within a second).

The ContactCenter tells the hub of every durable event; each connected page has an
asyncio.Event per tenant that the hub sets, and its server-sent-event stream sends the
tenant's current snapshot when woken.

The snapshot is built at most once per event (and once per ``REFRESH_S`` when nothing
happens), framed and encoded once, and the same bytes go to every page of the tenant:
200 pages cost one snapshot, one day query and one ``json.dumps``, not 200. Times in a
state tick on in the browser from the snapshot's ``at``, so the clock alone never makes
the server rebuild or resend anything.
"""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from vaxel.acd.commands import Command
from vaxel.acd.events import Event

__all__ = ["REFRESH_S", "SESSION_RECHECK_S", "LiveHub"]

REFRESH_S = 15.0
"""With no event, a page still gets a fresh snapshot this often (it also keeps proxies
from closing an idle stream, and catches the day turning at midnight)."""

SESSION_RECHECK_S = 5.0
"""The REST API's and the directory's streams re-check their key or session at least this
often, and end when it is gone (issue 10 §9); the pages' snapshot streams are re-checked
together by ``vaxel.web.session_watch``, once a second."""


class LiveHub:
    def __init__(self) -> None:
        self._waiters: dict[str, set[asyncio.Event]] = defaultdict(set)
        self._versions: dict[str, int] = defaultdict(int)
        self._outside: dict[str, int] = defaultdict(int)
        self._payloads: dict[str, tuple[int, float, bytes]] = {}

    def payload(self, tenant_id: str, now: float, build: Callable[[], dict[str, Any]]) -> bytes:
        """The tenant's current snapshot as one server-sent event, built once per change
        (or per ``REFRESH_S``) and shared by every page of the tenant."""
        version = self._versions[tenant_id]
        cached = self._payloads.get(tenant_id)
        if cached is not None and cached[0] == version and 0 <= now - cached[1] < REFRESH_S:
            return cached[2]
        text = json.dumps(build(), ensure_ascii=False, separators=(",", ":"))
        framed = b"data: " + text.encode() + b"\n\n"
        self._payloads[tenant_id] = (version, now, framed)
        return framed

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

    def wake(self, tenant_id: str) -> None:
        """Something the pages show changed outside the ACD (a recall rings, issue 16)."""
        self._versions[tenant_id] += 1
        self._outside[tenant_id] += 1
        for wake in self._waiters.get(tenant_id, ()):
            wake.set()

    def outside(self, tenant_id: str) -> int:
        """How many changes outside the ACD the tenant had: the console fetches its live
        part at once when this moved (``console_stream.py``)."""
        return self._outside[tenant_id]

    def wake_all(self) -> None:
        for tenant_id, waiters in self._waiters.items():
            self._versions[tenant_id] += 1
            for wake in waiters:
                wake.set()

    @property
    def connections(self) -> int:
        return sum(len(w) for w in self._waiters.values())
