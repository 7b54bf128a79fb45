"""Engine snapshots in the store: save one, load the newest, keep only the last few
(issue 10 §13; table ``engine_snapshots``, migration 0008).

A row holds the engine's whole state after journal entry ``seq`` in the format named by
``version``; what the bytes mean is :mod:`vaxel.acd.snapshot`'s business, not the store's.
Rules:
- The journal stays the only source of truth: a snapshot only saves replaying its head.
  ``newest`` therefore ignores a snapshot of entries the journal does not hold (a journal
  restored from an older backup), and one of a format the caller cannot read.
- Only ``keep`` snapshots stay: each is the whole state, and an older one is needed only
  while the newest cannot be read.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import Engine, delete, func, select

from vaxel.store.repositories import upsert
from vaxel.store.tables import engine_snapshots, journal

__all__ = ["KEEP_SNAPSHOTS", "Snapshots", "StoredSnapshot"]

KEEP_SNAPSHOTS = 3
"""How many snapshots stay in the store (the newest ones)."""


@dataclass(frozen=True, slots=True)
class StoredSnapshot:
    seq: int
    """The last journal entry the state includes: replay resumes after it."""
    version: str
    taken_at: float
    """Wall-clock time of writing (for operators; never used to decide anything)."""
    payload: bytes


class Snapshots:
    """The ``engine_snapshots`` table of ``database``."""

    def __init__(self, database: Engine, keep: int = KEEP_SNAPSHOTS) -> None:
        if keep < 1:
            raise ValueError("keep at least one snapshot")
        self._database = database
        self._keep = keep

    def save(self, snapshot: StoredSnapshot) -> None:
        """Store ``snapshot`` (replacing one of the same ``seq``) and drop all but the
        newest ``keep``, in one transaction."""
        table = engine_snapshots
        with self._database.begin() as connection:
            upsert(
                connection,
                table,
                {"seq": snapshot.seq},
                {
                    "version": snapshot.version,
                    "taken_at": snapshot.taken_at,
                    "payload": snapshot.payload,
                },
            )
            kept = connection.execute(
                select(table.c.seq).order_by(table.c.seq.desc()).limit(self._keep)
            ).scalars()
            oldest_kept = min(kept)
            connection.execute(delete(table).where(table.c.seq < oldest_kept))

    def newest(self, versions: Collection[str]) -> StoredSnapshot | None:
        """The newest snapshot in one of ``versions`` whose entries the journal holds."""
        table = engine_snapshots
        journal_end = select(func.coalesce(func.max(journal.c.seq), 0)).scalar_subquery()
        with self._database.connect() as connection:
            row = connection.execute(
                select(table.c.seq, table.c.version, table.c.taken_at, table.c.payload)
                .where(table.c.version.in_(list(versions)), table.c.seq <= journal_end)
                .order_by(table.c.seq.desc())
                .limit(1)
            ).first()
        if row is None:
            return None
        seq, version, taken_at, payload = row
        return StoredSnapshot(int(seq), str(version), float(taken_at), bytes(payload))

    def seqs(self) -> list[int]:
        """The ``seq`` of every stored snapshot, oldest first (for tests and operators)."""
        table = engine_snapshots
        with self._database.connect() as connection:
            return list(connection.execute(select(table.c.seq).order_by(table.c.seq)).scalars())
