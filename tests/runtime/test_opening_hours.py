"""The opening-hours machine that ``vaxel serve`` and ``vaxel demo`` share applies closures
prepared in advance at their start and end (Q2, ADM3) and each queue's own schedule with
its holidays (Q1, Q3; issue 12 §1)."""

from __future__ import annotations

import time
from pathlib import Path

from vaxel.core.clock import to_local
from vaxel.demo import seed_demo_tenant
from vaxel.runtime import ContactCenter
from vaxel.runtime.configuration import ConfigChange, Configuration
from vaxel.runtime.opening_hours import OpeningHours
from vaxel.schedule import Calendar, schedule_from_dict
from vaxel.schedule.calendar import TemporaryClosure
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.store import open_database, upgrade


def _machine(configuration: Configuration, *, always_open: bool = False) -> OpeningHours:
    """The machine as the composition root wires it: the tenant's stored schedules and
    closures, reloaded when the admin saves either."""

    def load(tenant_id: str) -> Calendar:
        stored = configuration.documents("schedule").all(tenant_id).values()
        return Calendar([schedule_from_dict(s) for s in stored], configuration.closures(tenant_id))

    hours = OpeningHours(configuration.center, load, always_open=always_open)

    def changed(change: ConfigChange) -> None:
        if change.kind in ("schedule", "closure"):
            hours.changed(change.tenant_id)

    configuration.listeners.append(changed)
    return hours


def test_queues_close_at_the_start_and_reopen_at_the_end_once_each(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/serve.db"
    database = open_database(url)
    upgrade(database)
    center = ContactCenter(database)
    now = time.time()
    seed_demo_tenant(center, url, now)
    configuration = Configuration(database, center)
    keeper = _machine(configuration, always_open=True)
    configuration.put_closure(
        DEMO_TENANT,
        TemporaryClosure(
            "personalmote", frozenset({"kundtjanst", "bygglov"}), now + 60, now + 120, "sv/stangt"
        ),
    )
    queues = center.acd.tenant(DEMO_TENANT).queues

    def open_queues() -> set[str]:
        return {q for q, record in queues.items() if record.is_open}

    everything = {"vaxel", "kundtjanst", "bygglov", "barnomsorg"}
    keeper.on_deadline(now)
    assert open_queues() == everything
    events: list[object] = []
    center.listeners.append(lambda event, commands, at: events.append(event))
    keeper.on_deadline(now + 61)
    keeper.on_deadline(now + 62)  # nothing new: closed once
    assert open_queues() == {"vaxel", "barnomsorg"}
    assert len(events) == 2
    keeper.on_deadline(now + 121)
    assert open_queues() == everything
    assert len(events) == 4
    # a closure lifted while it runs reopens at the next apply
    configuration.put_closure(
        DEMO_TENANT, TemporaryClosure("storning", frozenset({"vaxel"}), now + 200, None)
    )
    keeper.on_deadline(now + 201)
    assert "vaxel" not in open_queues()
    configuration.lift_closure(DEMO_TENANT, "storning", now + 250)
    keeper.on_deadline(now + 251)
    assert open_queues() == everything


def test_each_queue_follows_its_schedule_and_the_deadline_is_its_next_change(
    tmp_path: Path,
) -> None:
    """Q1, Q3: a queue naming the office hours closes at 16:30 on a weekday and stays shut
    on a public holiday; the machine's deadline is exactly the next change."""
    from datetime import datetime

    from vaxel.core.clock import from_local

    url = f"sqlite:///{tmp_path}/hours.db"
    database = open_database(url)
    upgrade(database)
    center = ContactCenter(database)
    monday_morning = from_local(datetime(2026, 12, 7, 7, 0))
    seed_demo_tenant(center, url, monday_morning)
    configuration = Configuration(database, center)
    hours = _machine(configuration)
    queues = center.acd.tenant(DEMO_TENANT).queues

    def open_queues() -> set[str]:
        return {q for q, record in queues.items() if record.is_open}

    assert hours.next_deadline(monday_morning) == monday_morning  # first look: at once
    hours.on_deadline(monday_morning)
    assert open_queues() == set(), "before the office opens"
    opening = hours.next_deadline(monday_morning)
    assert opening is not None and opening > monday_morning
    hours.on_deadline(opening)
    assert open_queues() == {"vaxel", "kundtjanst", "bygglov", "barnomsorg"}
    closing = hours.next_deadline(opening)
    assert closing is not None and to_local(closing).date() == to_local(opening).date()
    hours.on_deadline(closing)
    assert open_queues() == set()
    christmas_noon = from_local(datetime(2026, 12, 25, 12, 0))  # a Friday, a public holiday
    hours.on_deadline(christmas_noon)
    assert open_queues() == set()
    # The admin's change of the hours counts at once: open around the clock.
    tuesday_night = from_local(datetime(2026, 12, 29, 3, 0))
    hours.on_deadline(tuesday_night)
    assert open_queues() == set()
    configuration.put_schedule(
        DEMO_TENANT, {"id": "kontorstid", "weekly": {"mon-sun": ["00:00-24:00"]}}
    )
    assert hours.next_deadline(tuesday_night) == tuesday_night
    hours.on_deadline(tuesday_night)
    assert open_queues() == {"vaxel", "kundtjanst", "bygglov", "barnomsorg"}
