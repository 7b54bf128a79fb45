"""Opening hours, holidays and closures open and close the queues (Q1–Q3, ADM3; issue 12 §1).

A machine of the :class:`~vaxel.runtime.scheduler.Scheduler`, the same in ``vaxel serve``
and ``vaxel demo``. Each queue names its schedule (``QueueConfig.schedule_id``; none: open
at all hours); each tenant's :class:`~vaxel.schedule.Calendar` holds its schedules (with
their holidays and eves) and its planned or temporary closures. The machine's deadline is
the first instant a queue's state flips; then it tells the engine ``QueueOpened`` or
``QueueClosed`` — once per flip, so a supervisor who closes a queue by hand is not
overruled until its hours change next. A change of a tenant's schedules, closures or
queues marks the machine *dirty*: it looks again at once.

``always_open`` (the demo started outside office hours, issue 9 §7) ignores the schedules;
closures still apply.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from vaxel.acd.events import QueueClosed, QueueOpened
from vaxel.acd.ports import ContactCenterPort
from vaxel.acd.views import QueueHours
from vaxel.core.errors import VaxelError
from vaxel.schedule import Calendar, ScheduleState
from vaxel.schedule.calendar import UnknownSchedule

__all__ = ["OpeningHours", "TenantHours"]

log = logging.getLogger(__name__)

BY_HAND = "temporary"
"""The reason a supervisor's own closure carries (web/admin/closures.py)."""


class OpeningHours:
    """The queues' opening hours as one machine (see the module docstring)."""

    name = "opening hours"

    def __init__(
        self,
        center: ContactCenterPort,
        load_calendar: Callable[[str], Calendar],
        *,
        always_open: bool = False,
    ) -> None:
        self._center = center
        self._load = load_calendar
        self.always_open = always_open
        self._calendars: dict[str, Calendar] = {}
        self._told: dict[tuple[str, str], bool] = {}
        """What this machine last decided per (tenant, queue)."""
        self._dirty = True
        self._warned: set[tuple[str, str]] = set()

    def calendar(self, tenant_id: str) -> Calendar:
        """The tenant's schedules and closures (loaded once, again after a change)."""
        calendar = self._calendars.get(tenant_id)
        if calendar is None:
            calendar = self._calendars[tenant_id] = self._load(tenant_id)
        return calendar

    def changed(self, tenant_id: str) -> None:
        """The tenant's schedules or closures were saved: reload them and look again."""
        self._calendars.pop(tenant_id, None)
        self._dirty = True

    def queues_changed(self) -> None:
        """A queue was added, changed or removed: look again."""
        self._dirty = True

    def is_open(self, tenant_id: str, schedule_id: str, now: float) -> bool:
        """A flow's schedule branch (Q3): the schedule's state now (open when always)."""
        if self.always_open:
            return True
        try:
            return self.calendar(tenant_id).queue_state("", schedule_id, now).open
        except UnknownSchedule:
            self._warn(tenant_id, schedule_id)
            return True

    def next_deadline(self, now: float) -> float | None:
        if self._dirty:
            return now
        soonest: float | None = None
        for queue in self._center.queue_hours():
            change = self._next_change(queue, now)
            if change is not None and (soonest is None or change < soonest):
                soonest = change
        return soonest

    def on_deadline(self, now: float) -> None:
        self._dirty = False
        running = self._center.queue_hours()
        keys = {(q.tenant_id, q.queue_id) for q in running}
        for gone in set(self._told) - keys:
            del self._told[gone]
        for queue in running:
            key = (queue.tenant_id, queue.queue_id)
            if key not in self._told:  # first seen: what the engine holds (by hand: open)
                self._told[key] = queue.open or queue.closed_reason == BY_HAND
            state = self._state(queue, now)
            if state.open == self._told[key]:
                continue
            event = (
                QueueOpened(queue.tenant_id, queue.queue_id, actor="schedule")
                if state.open
                else QueueClosed(
                    queue.tenant_id,
                    queue.queue_id,
                    state.reason,
                    state.message or "",
                    actor="schedule",
                )
            )
            try:
                self._center.submit(event, now)
            except VaxelError as error:  # e.g. the queue was removed meanwhile
                log.warning("%s/%s not opened or closed: %s", *key, error)
            self._told[key] = state.open

    def _schedule_of(self, queue: QueueHours) -> str | None:
        """The schedule that rules ``queue`` now (None: open but for closures); a queue
        naming a schedule the tenant no longer has stays open, with a warning."""
        if self.always_open or not queue.schedule_id:
            return None
        try:
            self.calendar(queue.tenant_id).schedule(queue.schedule_id)
        except UnknownSchedule:
            self._warn(queue.tenant_id, queue.schedule_id)
            return None
        return queue.schedule_id

    def _state(self, queue: QueueHours, now: float) -> ScheduleState:
        calendar = self.calendar(queue.tenant_id)
        return calendar.queue_state(queue.queue_id, self._schedule_of(queue), now)

    def _next_change(self, queue: QueueHours, now: float) -> float | None:
        calendar = self.calendar(queue.tenant_id)
        return calendar.next_change(queue.queue_id, self._schedule_of(queue), now)

    def _warn(self, tenant_id: str, schedule_id: str) -> None:
        if (tenant_id, schedule_id) not in self._warned:
            self._warned.add((tenant_id, schedule_id))
            log.warning("tenant %s: no schedule %r; its queues stay open", tenant_id, schedule_id)


@dataclass(frozen=True, slots=True)
class TenantHours:
    """One tenant's view of :class:`OpeningHours` for its flows' schedule branches
    (``vaxel.flow.OpeningHours``): always the calendar as last saved."""

    hours: OpeningHours
    tenant_id: str

    def is_open(self, schedule_id: str, now: float) -> bool:
        return self.hours.is_open(self.tenant_id, schedule_id, now)
