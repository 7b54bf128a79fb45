"""Start-up from an engine snapshot (issue 10 §13): the newest usable snapshot plus the
journal's tail gives the engine a full replay gives; a snapshot of another format, a corrupt
one or one ahead of the journal costs a log line and a full replay; snapshots are taken by
the runtime after N entries and only the last few are kept."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.acd.state_compare import comparable_state
from vaxel.acd.engine import Engine as AcdEngine
from vaxel.acd.snapshot import STATE_VERSION
from vaxel.runtime import ContactCenter
from vaxel.runtime.engine_snapshots import SnapshotPolicy
from vaxel.sim.scenarios import kommun
from vaxel.sim.simulator import Simulator
from vaxel.store import open_database, upgrade
from vaxel.store.snapshots import Snapshots, StoredSnapshot
from vaxel.store.tables import journal

HOUR = 3600.0


def _center(url: str, policy: SnapshotPolicy | None = None) -> ContactCenter:
    database = open_database(url)
    upgrade(database)
    center = ContactCenter(database, seed=4, snapshots=policy)
    center.recover()
    return center


def _views(engine: AcdEngine, now: float) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for tenant_id, tenant in engine.tenants.items():
        out[tenant_id] = (
            [engine.queue_status(tenant_id, q, now) for q in tenant.queues],
            [engine.agent_view(tenant_id, a, now) for a in tenant.agents],
            [engine.contact_view(tenant_id, c) for c in tenant.contacts],
            engine.callback_list(tenant_id),
        )
    return out


def _play(center: ContactCenter, hours: float) -> Simulator:
    """The demo municipality's morning, durably through ``center`` (bounded: ~1,000 entries)."""
    scenario = kommun()
    simulator = Simulator(scenario, seed=7, engine=center.acd, submit=center.submit)
    simulator.start()
    simulator.advance_to(scenario.start + hours * HOUR)
    return simulator


def _full_replay(url: str) -> ContactCenter:
    """What a start-up without any snapshot gives."""
    center = _center(url)
    with center.database.begin() as connection:
        connection.exec_driver_sql("DELETE FROM engine_snapshots")
    center.recover()
    return center


def test_start_up_replays_only_the_tail_and_ends_where_a_full_replay_does(
    database_url: str,
) -> None:
    center = _center(database_url)
    simulator = _play(center, 0.5)
    taken_after = center.take_snapshot()
    assert taken_after == center.last_seq
    simulator.advance_to(simulator.now + 0.25 * HOUR)
    tail = center.last_seq - taken_after
    assert taken_after > 200 and tail > 100

    restarted = _center(database_url)  # a new process: snapshot + tail
    assert restarted.last_seq == center.last_seq
    now = simulator.now
    assert _views(restarted.acd, now) == _views(center.acd, now)
    assert comparable_state(restarted.acd) == comparable_state(center.acd)

    full = _full_replay(database_url)
    assert comparable_state(full.acd) == comparable_state(restarted.acd)
    assert _views(full.acd, now) == _views(restarted.acd, now)


def test_recover_counts_only_the_entries_after_the_snapshot(database_url: str) -> None:
    center = _center(database_url)
    simulator = _play(center, 0.25)
    taken_after = center.take_snapshot()
    assert taken_after is not None
    simulator.advance_to(simulator.now + 0.1 * HOUR)
    with center.database.connect() as connection:
        after = connection.execute(
            select(func.count()).select_from(journal).where(journal.c.seq > taken_after)
        ).scalar_one()
    again = ContactCenter(center.database, seed=4)
    assert again.recover() == after


def _bad_snapshot(url: str, version: str, payload: bytes) -> tuple[ContactCenter, Simulator]:
    center = _center(url)
    simulator = _play(center, 0.25)
    Snapshots(center.database).save(StoredSnapshot(center.last_seq, version, 0.0, payload))
    simulator.advance_to(simulator.now + 0.05 * HOUR)
    return center, simulator


@pytest.mark.parametrize(
    ("version", "payload", "logged"),
    [
        (STATE_VERSION, b"\x78\x9c garbage", "cannot be used"),
        ("acd-state/0", b"{}", None),  # another format: not even looked at
    ],
    ids=["corrupt", "unknown-version"],
)
def test_an_unusable_snapshot_falls_back_to_a_full_replay(
    database_url: str,
    caplog: pytest.LogCaptureFixture,
    version: str,
    payload: bytes,
    logged: str | None,
) -> None:
    center, simulator = _bad_snapshot(database_url, version, payload)
    with caplog.at_level(logging.INFO, logger="vaxel.runtime"):
        again = ContactCenter(center.database, seed=4)
        replayed = again.recover()
    with center.database.connect() as connection:
        assert replayed == connection.execute(select(func.count()).select_from(journal)).scalar()
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    if logged is None:
        assert warnings == []
    else:
        assert len(warnings) == 1 and logged in warnings[0].getMessage()
        assert "\n" not in warnings[0].getMessage() and warnings[0].exc_info is None
    assert comparable_state(again.acd) == comparable_state(center.acd)
    assert _views(again.acd, simulator.now) == _views(center.acd, simulator.now)


def test_a_snapshot_ahead_of_the_journal_is_ignored(database_url: str) -> None:
    """A journal restored from an older backup must not be overtaken by a newer snapshot."""
    center = _center(database_url)
    _play(center, 0.1)
    ahead = ContactCenter(center.database, seed=4)
    ahead.recover()
    state = comparable_state(ahead.acd)
    Snapshots(center.database).save(StoredSnapshot(center.last_seq + 50, STATE_VERSION, 0.0, b"x"))
    again = ContactCenter(center.database, seed=4)
    again.recover()
    assert comparable_state(again.acd) == state


def test_a_crash_after_the_snapshot_loses_nothing_journaled(database_url: str) -> None:
    """Snapshot written, more entries journaled, process killed before the next snapshot:
    the tail comes from the journal."""
    center = _center(database_url)
    simulator = _play(center, 0.2)
    center.take_snapshot()
    simulator.advance_to(simulator.now + 0.1 * HOUR)
    expected = comparable_state(center.acd)
    del center, simulator  # "crash": nothing flushed, nothing closed
    again = _center(database_url)
    assert comparable_state(again.acd) == expected


def test_the_runtime_snapshots_every_n_entries_and_keeps_the_last_three(
    database_url: str,
) -> None:
    center = _center(database_url, SnapshotPolicy(every_entries=100, every_s=3600.0))
    scenario = kommun()
    simulator = Simulator(scenario, seed=7, engine=center.acd, submit=center.submit)
    simulator.start()
    until = scenario.start
    taken: set[int] = set()
    while len(taken) < 5:
        until += 300.0
        simulator.advance_to(until)
        center.wait_for_snapshot()
        taken.update(Snapshots(center.database).seqs())
    seqs = Snapshots(center.database).seqs()
    assert len(seqs) == 3 and seqs == sorted(taken)[-3:]
    newest = seqs[-1]
    assert center.last_seq - newest < 100 + 50  # due after 100, taken at the next event
    restarted = _center(database_url)
    assert comparable_state(restarted.acd) == comparable_state(center.acd)


def test_policy_is_due_after_n_entries_or_t_seconds_with_news() -> None:
    policy = SnapshotPolicy(every_entries=10, every_s=60.0)
    assert not policy.due(9, 59.0)
    assert policy.due(10, 0.0)
    assert policy.due(1, 60.0)
    assert not policy.due(0, 3600.0)  # nothing new: the last snapshot is still current
    with pytest.raises(ValueError):
        SnapshotPolicy(every_entries=0)


def test_serve_reads_how_often_to_snapshot_from_its_settings(database_url: str) -> None:
    from vaxel.app import open_for_serving, snapshot_policy
    from vaxel.settings import SettingsError, load_settings

    assert snapshot_policy(load_settings(None, {})) == SnapshotPolicy(10_000, 600.0)
    assert snapshot_policy(load_settings(None, {"VAXEL_SNAPSHOT_EVERY_ENTRIES": "0"})) is None
    settings = load_settings(
        None, {"VAXEL_SNAPSHOT_EVERY_ENTRIES": "50", "VAXEL_SNAPSHOT_EVERY_S": "30"}
    )
    policy = snapshot_policy(settings)
    assert policy == SnapshotPolicy(50, 30.0)
    with pytest.raises(SettingsError, match="VAXEL_SNAPSHOT_EVERY_ENTRIES must be a number"):
        load_settings(None, {"VAXEL_SNAPSHOT_EVERY_ENTRIES": "-1"})
    with pytest.raises(SettingsError, match="VAXEL_SNAPSHOT_EVERY_S must be a number"):
        load_settings(None, {"VAXEL_SNAPSHOT_EVERY_S": "1"})

    _, center, _ = open_for_serving(database_url, "db", policy)
    _play(center, 0.1)
    center.wait_for_snapshot()
    assert Snapshots(center.database).seqs()  # taken by the server's own policy
