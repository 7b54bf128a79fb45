"""Closures prepared in advance (Q2, ADM3), applied to the running ACD by ``vaxel serve``.

The admin stores a closure with a start and an end (``Configuration.put_closure``); this
keeper turns the clock passing those instants into ``QueueClosed``/``QueueOpened`` events,
once per change. (The demo does the same inside its own schedule loop.)
"""

from __future__ import annotations

import logging

from vaxel.acd.events import QueueClosed, QueueOpened
from vaxel.core.errors import VaxelError
from vaxel.runtime.configuration import ConfigChange, Configuration
from vaxel.schedule import Calendar

__all__ = ["ClosureKeeper"]

log = logging.getLogger(__name__)


class ClosureKeeper:
    def __init__(self, configuration: Configuration, tenant_ids: list[str]) -> None:
        self._configuration = configuration
        self._calendars: dict[str, Calendar] = {}
        self._closed: set[tuple[str, str]] = set()
        for tenant_id in tenant_ids:
            self.reload(tenant_id)

    def reload(self, tenant_id: str) -> None:
        self._calendars[tenant_id] = Calendar(closures=self._configuration.closures(tenant_id))

    def changed(self, change: ConfigChange) -> None:
        """Configuration listener: a saved or lifted closure counts from the next apply."""
        if change.kind == "closure":
            self.reload(change.tenant_id)

    def apply(self, now: float) -> None:
        """Close the queues whose closure has begun and reopen those whose closure ended."""
        center = self._configuration.center
        for tenant_id, calendar in self._calendars.items():
            queue_ids = {q for c in calendar.closures(now) for q in c.queue_ids}
            queue_ids |= {q for t, q in self._closed if t == tenant_id}
            for queue_id in sorted(queue_ids):
                state = calendar.queue_state(queue_id, None, now)
                key = (tenant_id, queue_id)
                if state.open == (key not in self._closed):
                    continue
                event = (
                    QueueOpened(tenant_id, queue_id, actor="closure")
                    if state.open
                    else QueueClosed(
                        tenant_id, queue_id, "temporary", state.message or "", actor="closure"
                    )
                )
                try:
                    center.submit(event, now)
                except VaxelError as error:  # e.g. the queue was removed meanwhile
                    log.warning("closure of %s/%s not applied: %s", tenant_id, queue_id, error)
                if state.open:
                    self._closed.discard(key)
                else:
                    self._closed.add(key)
