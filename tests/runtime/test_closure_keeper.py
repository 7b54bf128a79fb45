"""`vaxel serve` applies closures prepared in advance at their start and end (Q2, ADM3)."""

from __future__ import annotations

import time
from pathlib import Path

from vaxel.app import seed_demo_tenant
from vaxel.runtime import ContactCenter
from vaxel.runtime.closures import ClosureKeeper
from vaxel.runtime.configuration import Configuration
from vaxel.schedule.calendar import TemporaryClosure
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.store import open_database, upgrade


def test_queues_close_at_the_start_and_reopen_at_the_end_once_each(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/serve.db"
    database = open_database(url)
    upgrade(database)
    center = ContactCenter(database)
    now = time.time()
    seed_demo_tenant(center, url, now)
    configuration = Configuration(database, center)
    keeper = ClosureKeeper(configuration, [DEMO_TENANT])
    configuration.listeners.append(keeper.changed)
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
    keeper.apply(now)
    assert open_queues() == everything
    events: list[object] = []
    center.listeners.append(lambda event, commands, at: events.append(event))
    keeper.apply(now + 61)
    keeper.apply(now + 62)  # nothing new: closed once
    assert open_queues() == {"vaxel", "barnomsorg"}
    assert len(events) == 2
    keeper.apply(now + 121)
    assert open_queues() == everything
    assert len(events) == 4
    # a closure lifted while it runs reopens at the next apply
    configuration.put_closure(
        DEMO_TENANT, TemporaryClosure("storning", frozenset({"vaxel"}), now + 200, None)
    )
    keeper.apply(now + 201)
    assert "vaxel" not in open_queues()
    configuration.lift_closure(DEMO_TENANT, "storning", now + 250)
    keeper.apply(now + 251)
    assert open_queues() == everything
