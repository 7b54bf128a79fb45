"""Start-up replay: a full journal replay against an engine snapshot plus the tail (issue 10 §13).

The journal is the 200-agent center's morning (``center-200``: ten skill queues, ~8,300
contacts an hour) as the engine accepted it, written to SQLite in bulk. Start-up is then
timed as ``vaxel serve`` does it (``ContactCenter.recover``): once with no snapshot (every
entry replayed), once from a snapshot taken ``tail`` entries before the end — the worst case
of the default policy (``snapshot_every_entries`` = 10,000) — and once from a snapshot at the
very end. Also timed: taking the snapshot (capture under the lock, then encode and write).

``python -m benchmarks.startup [--quick]``
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from vaxel.acd.commands import Command
from vaxel.acd.engine import Engine
from vaxel.acd.estimators import VaxelEstimator
from vaxel.acd.events import Event
from vaxel.acd.snapshot import STATE_VERSION, capture_state, serialize_state
from vaxel.core.ids import SequentialIds
from vaxel.runtime import ContactCenter
from vaxel.sim.scenarios import center_200
from vaxel.sim.simulator import Simulator
from vaxel.store import acd_codec, open_database, upgrade
from vaxel.store.snapshots import Snapshots, StoredSnapshot
from vaxel.store.tables import journal

__all__ = ["measure"]


class _Full(Exception):
    """Enough entries recorded."""


def _record(entries: int, snapshot_at: tuple[int, ...]) -> tuple[list[Any], dict[int, bytes]]:
    """The first ``entries`` events the engine accepts in the center-200 day, and the
    engine's state after each entry number in ``snapshot_at``."""
    engine = Engine(ids=SequentialIds(), rng=random.Random(0), estimator=VaxelEstimator())
    rows: list[Any] = []
    states: dict[int, bytes] = {}
    codec = acd_codec()

    def submit(event: Event, now: float) -> list[Command]:
        commands = engine.handle(event, now)
        rows.append(
            {
                "tenant_id": getattr(event, "tenant_id", ""),
                "event_type": type(event).__name__,
                "payload": codec.dumps(event),
                "applied_at": now,
            }
        )
        if len(rows) in snapshot_at:
            states[len(rows)] = serialize_state(capture_state(engine))
        if len(rows) >= entries:
            raise _Full
        return commands

    scenario = center_200()
    simulator = Simulator(scenario, seed=1, engine=engine, submit=submit)
    with contextlib.suppress(_Full):
        simulator.run()
    return rows, states


def _start_up(url: str) -> tuple[float, int]:
    database = open_database(url)
    center = ContactCenter(database)
    start = time.perf_counter()
    replayed = center.recover()
    wall = time.perf_counter() - start
    database.dispose()
    return wall, replayed


def measure(entries: int = 100_000, tail: int = 10_000) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'startup.db'}"
        rows, states = _record(entries, (entries - tail, entries))
        database = open_database(url)
        upgrade(database)
        with database.begin() as connection:
            connection.execute(insert(journal), rows)
        full_s, full_n = _start_up(url)

        center = ContactCenter(database)
        center.recover()
        start = time.perf_counter()
        with center._lock:  # what take_snapshot holds the lock for
            captured = capture_state(center.acd)
        capture_s = time.perf_counter() - start
        payload = serialize_state(captured)
        encode_s = time.perf_counter() - start - capture_s
        snapshots = Snapshots(database)
        snapshots.save(
            StoredSnapshot(entries - tail, STATE_VERSION, time.time(), states[entries - tail])
        )
        tail_s, tail_n = _start_up(url)
        start = time.perf_counter()
        snapshots.save(StoredSnapshot(entries, STATE_VERSION, time.time(), payload))
        write_s = time.perf_counter() - start
        end_s, end_n = _start_up(url)
        database.dispose()
    return {
        "entries": float(full_n),
        "full_replay_s": full_s,
        "tail": float(tail_n),
        "snapshot_and_tail_s": tail_s,
        "snapshot_only_s": end_s,
        "snapshot_entries_replayed": float(end_n),
        "snapshot_kb": len(payload) / 1024,
        "capture_ms": capture_s * 1000,
        "encode_ms": encode_s * 1000,
        "write_ms": write_s * 1000,
    }


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.startup")
    parser.add_argument("--quick", action="store_true", help="10,000 entries, tail 1,000")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = measure(10_000, 1_000) if args.quick else measure()
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(
        f"{result['entries']:.0f} journal entries: full replay {result['full_replay_s']:.2f} s; "
        f"snapshot + {result['tail']:.0f} entries {result['snapshot_and_tail_s']:.2f} s; "
        f"snapshot alone {result['snapshot_only_s']:.2f} s "
        f"({result['snapshot_entries_replayed']:.0f} replayed). Snapshot "
        f"{result['snapshot_kb']:.0f} KB: capture {result['capture_ms']:.0f} ms under the lock, "
        f"encode {result['encode_ms']:.0f} ms, write {result['write_ms']:.0f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
