"""The engine's state as bytes and back (issue 10 §13): a snapshot taken mid-day plus the
rest of the day's events gives the engine the whole day gives — same views, same commands,
same ids — and a snapshot of another format or a corrupt one is refused, never misread."""

from __future__ import annotations

import dataclasses
import json
import random
import zlib
from typing import Any

import pytest

from vaxel.acd.commands import Command
from vaxel.acd.engine import Engine
from vaxel.acd.estimation import QueueLengthEstimator
from vaxel.acd.estimators import AsteriskEstimator, VaxelEstimator
from vaxel.acd.events import Event
from vaxel.acd.snapshot import (
    AGENT_FIELDS,
    CONTACT_FIELDS,
    QUEUE_FIELDS,
    STATE_VERSION,
    TENANT_FIELDS,
    SnapshotError,
    decode_state,
    encode_state,
)
from vaxel.acd.state import AgentRec, ContactRec, QueueRec, TenantRec
from vaxel.acd.views import QueueStatus
from vaxel.core.ids import SequentialIds
from vaxel.sim.scenarios import kommun
from vaxel.sim.simulator import Simulator

from .state_compare import comparable_state

HOUR = 3600.0


def test_every_record_field_is_mapped() -> None:
    """A field added to the engine's records without a mapping would be lost on restart."""
    assert {name for name, _, _ in CONTACT_FIELDS} == set(ContactRec.__slots__)
    assert {name for name, _, _ in AGENT_FIELDS} == set(AgentRec.__slots__)
    assert {name for name, _, _ in QUEUE_FIELDS} == set(QueueRec.__slots__)
    assert set(TENANT_FIELDS) == {f.name for f in dataclasses.fields(TenantRec)}


class Recorder:
    """Plays the journal: every event the engine accepted, with its ``now`` and commands."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.entries: list[tuple[Event, float, list[Command]]] = []

    def submit(self, event: Event, now: float) -> list[Command]:
        commands = self.engine.handle(event, now)  # a refusal raises: not journaled
        self.entries.append((event, now, commands))
        return commands


def _engine(seed: int = 2) -> Engine:
    return Engine(ids=SequentialIds(), rng=random.Random(seed), estimator=VaxelEstimator())


def _public_views(engine: Engine, now: float) -> dict[str, Any]:
    """Everything the engine shows the outside about each tenant."""
    views: dict[str, Any] = {}
    for tenant_id, tenant in engine.tenants.items():
        statuses: list[QueueStatus] = [
            engine.queue_status(tenant_id, q, now) for q in tenant.queues
        ]
        views[tenant_id] = {
            "queues": statuses,
            "agents": [engine.agent_view(tenant_id, a, now) for a in tenant.agents],
            "contacts": [engine.contact_view(tenant_id, c) for c in tenant.contacts],
            "callbacks": engine.callback_list(tenant_id),
            "waiting": [
                engine.waiting_view(tenant_id, c, now)
                for c, rec in tenant.contacts.items()
                if rec.state.value == "waiting"
            ],
        }
    views["next_deadline"] = engine.next_deadline()
    return views


def test_snapshot_plus_tail_equals_the_whole_day() -> None:
    """The demo municipality's day through the real engine; snapshot at 10:30."""
    scenario = kommun()
    recorder = Recorder(_engine())
    simulator = Simulator(scenario, seed=5, engine=recorder.engine, submit=recorder.submit)
    simulator.start()
    simulator.advance_to(scenario.start + 2.5 * HOUR)
    snapshot = encode_state(recorder.engine)
    taken_after = len(recorder.entries)
    simulator.advance_to(scenario.end + HOUR)
    tail = recorder.entries[taken_after:]
    assert taken_after > 1000 and len(tail) > 1000  # a real day on both sides

    restored = decode_state(
        STATE_VERSION, snapshot, rng=random.Random(99), estimator=VaxelEstimator()
    )
    assert encode_state(restored) == snapshot  # exact, stale heap entries and all
    for event, now, commands in tail:
        assert restored.handle(event, now) == commands, (event, now)

    now = simulator.now
    assert _public_views(restored, now) == _public_views(recorder.engine, now)
    assert comparable_state(restored) == comparable_state(recorder.engine)
    # Ids continue where the original is: the next callback gets the same name.
    assert restored.ids.new_id("callback") == recorder.engine.ids.new_id("callback")


@pytest.mark.parametrize("estimator", [QueueLengthEstimator, AsteriskEstimator, VaxelEstimator])
def test_estimators_come_back_with_what_they_learned(estimator: type) -> None:
    engine = Engine(ids=SequentialIds("n"), rng=random.Random(1), estimator=estimator())
    scenario = kommun()
    simulator = Simulator(scenario, seed=1, engine=engine)
    simulator.start()
    simulator.advance_to(scenario.start + HOUR)
    restored = decode_state(
        STATE_VERSION, encode_state(engine), rng=random.Random(), estimator=estimator()
    )
    assert restored.estimator is not None and engine.estimator is not None
    assert restored.estimator.export_state() == engine.estimator.export_state()  # type: ignore[attr-defined]
    assert restored.rng.random() == engine.rng.random()


def _small_snapshot() -> bytes:
    engine = _engine()
    scenario = kommun()
    simulator = Simulator(scenario, seed=3, engine=engine)
    simulator.start()
    simulator.advance_to(scenario.start + 0.5 * HOUR)
    return encode_state(engine)


def test_another_format_is_refused() -> None:
    with pytest.raises(SnapshotError, match="unknown engine state format"):
        decode_state("acd-state/0", _small_snapshot(), rng=random.Random(), estimator=None)


def _recompressed(payload: bytes, change: Any) -> bytes:
    data = json.loads(zlib.decompress(payload))
    change(data)
    return zlib.compress(json.dumps(data).encode())


def _drop_a_contact_field(data: dict[str, Any]) -> None:
    contacts = next(t["contacts"] for t in data["tenants"] if t["contacts"])
    del contacts[0]["state"]


def _bad_enum(data: dict[str, Any]) -> None:
    agents = next(t["agents"] for t in data["tenants"] if t["agents"])
    agents[0]["state"] = "sleeping"


def _bad_config(data: dict[str, Any]) -> None:
    queues = next(t["queues"] for t in data["tenants"] if t["queues"])
    queues[0]["config"]["offer_timeout_s"] = -1.0  # the constructor refuses it


def _unknown_callback(data: dict[str, Any]) -> None:
    data["tenants"][0]["callbacks"].append("callback-nobody")


@pytest.mark.parametrize(
    "corrupt",
    [
        lambda p: p[: len(p) // 2],
        lambda p: b"not a snapshot",
        lambda p: zlib.compress(b"{not json"),
        lambda p: _recompressed(p, lambda d: d.update(version="acd-state/9")),
        lambda p: _recompressed(p, _drop_a_contact_field),
        lambda p: _recompressed(p, _bad_enum),
        lambda p: _recompressed(p, _bad_config),
        lambda p: _recompressed(p, _unknown_callback),
    ],
    ids=[
        "truncated",
        "garbage",
        "not-json",
        "inner-version",
        "missing-field",
        "bad-enum",
        "refused-config",
        "dangling-callback",
    ],
)
def test_a_corrupt_payload_is_refused(corrupt: Any) -> None:
    payload = corrupt(_small_snapshot())
    with pytest.raises(SnapshotError):
        decode_state(STATE_VERSION, payload, rng=random.Random(), estimator=VaxelEstimator())


def test_a_snapshot_from_before_the_dialled_number_still_restores() -> None:
    """Snapshots written before contacts kept the dialled number (issue 16, OP2) restore
    with none, so an upgrade does not throw the day's state away."""

    def older(data: dict[str, Any]) -> None:
        for tenant in data["tenants"]:
            for contact in tenant["contacts"]:
                del contact["dialled_number"]

    payload = _recompressed(_small_snapshot(), older)
    engine = decode_state(STATE_VERSION, payload, rng=random.Random(), estimator=VaxelEstimator())
    contacts = [c for t in engine.tenants.values() for c in t.contacts.values()]
    assert contacts and {c.dialled_number for c in contacts} == {""}


def test_an_estimator_of_another_kind_is_refused() -> None:
    with pytest.raises(SnapshotError, match="estimator"):
        decode_state(
            STATE_VERSION, _small_snapshot(), rng=random.Random(), estimator=AsteriskEstimator()
        )


def test_an_engine_that_cannot_be_restored_is_not_encoded() -> None:
    class Ids:
        def new_id(self, prefix: str) -> str:
            return prefix

    engine = Engine(ids=Ids(), rng=random.Random(), estimator=None)
    with pytest.raises(SnapshotError, match="ids"):
        encode_state(engine)
