"""When the runtime snapshots the engine, and how start-up uses a snapshot (issue 10 §13).

Rules:
- Start-up loads the newest snapshot whose format this Växel reads and replays only the
  journal entries after it. A snapshot that cannot be used — corrupt, of an estimator the
  runtime no longer uses, or one after which the journal's tail does not apply — costs one
  log line and a full replay: the journal is the only source of truth, a snapshot only
  saves time.
- A snapshot is taken after ``every_entries`` journal entries, or after ``every_s`` seconds
  if anything was journaled since the last one. The state is captured under the runtime's
  lock (the engine must not move meanwhile), then encoded and written in a thread of its
  own, off the event loop and off the lock.
- A snapshot records the last entry the state includes, and is taken only after that entry
  committed: a crash at any moment leaves a snapshot that is at most behind the journal,
  never ahead of it.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass

from vaxel.acd.engine import Engine as AcdEngine
from vaxel.acd.estimation import WaitEstimator
from vaxel.acd.snapshot import STATE_VERSION, SnapshotError, decode_state
from vaxel.core.errors import VaxelError
from vaxel.store.journal import Journal
from vaxel.store.snapshots import Snapshots

__all__ = ["SnapshotPolicy", "replayed_engine"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SnapshotPolicy:
    """How often the running engine is snapshotted (settings ``snapshot_every_entries``,
    ``snapshot_every_s``)."""

    every_entries: int = 10_000
    """A busy 200-agent center journals ~400,000 entries a day: a snapshot every ~40 min,
    and start-up replays at most this many entries after it."""
    every_s: float = 600.0
    """A quiet center still snapshots every ten minutes if anything happened."""

    def __post_init__(self) -> None:
        if self.every_entries < 1:
            raise ValueError("snapshot every_entries must be >= 1")
        if self.every_s <= 0:
            raise ValueError("snapshot every_s must be > 0")

    def due(self, entries_since: int, seconds_since: float) -> bool:
        """Whether a snapshot is due ``entries_since`` entries and ``seconds_since`` s after
        the last one."""
        return entries_since >= self.every_entries or (
            entries_since > 0 and seconds_since >= self.every_s
        )


def replayed_engine(
    journal: Journal,
    snapshots: Snapshots,
    fresh: Callable[[], AcdEngine],
    seed: int,
    estimator_factory: Callable[[], WaitEstimator],
) -> tuple[AcdEngine, int, int]:
    """The engine as the journal leaves it: ``(engine, last seq, entries replayed)``.

    Starts from the newest usable snapshot, else from ``fresh()``. Store errors propagate
    (the caller knows how to wait for the store); a bad snapshot falls back to full replay.
    """
    stored = snapshots.newest([STATE_VERSION])
    if stored is not None:
        try:
            engine = decode_state(
                stored.version,
                stored.payload,
                rng=random.Random(seed),
                estimator=estimator_factory(),
            )
            seq, count = _replay(journal, engine, stored.seq)
            log.info(
                "engine restored from the snapshot after entry %d; %d entries replayed after it",
                stored.seq,
                count,
            )
            return engine, seq, count
        except (SnapshotError, VaxelError) as error:
            log.warning(
                "the engine snapshot after entry %d cannot be used (%s); replaying the whole "
                "journal",
                stored.seq,
                error,
            )
    engine = fresh()
    seq, count = _replay(journal, engine, 0)
    return engine, seq, count


def _replay(journal: Journal, engine: AcdEngine, after: int) -> tuple[int, int]:
    seq, count = after, 0
    for entry in journal.replay(after=after):
        engine.handle(entry.event, entry.applied_at)  # type: ignore[arg-type]
        seq = entry.seq
        count += 1
    return seq, count
