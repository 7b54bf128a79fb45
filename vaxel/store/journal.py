"""The append-only event journal (DESIGN "Event journal").

Every input event of the engine is appended with the ``now`` it was applied at. Replaying
the rows in sequence order into a fresh engine rebuilds its state exactly. ``append``
returns only after the commit, so whatever the caller acknowledges is on disk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, insert, select

from vaxel.store.availability import BUSY_TIMEOUT_S
from vaxel.store.codec import Codec
from vaxel.store.tables import journal

__all__ = ["Journal", "JournalEntry"]


@dataclass(frozen=True, slots=True)
class JournalEntry:
    seq: int
    tenant_id: str
    event: object
    applied_at: float


class Journal:
    def __init__(self, engine: Engine, codec: Codec) -> None:
        self._engine = engine
        self._codec = codec

    def append(
        self,
        tenant_id: str,
        event: object,
        now: float,
        also: Callable[[Connection], None] | None = None,
        *,
        lock_wait_s: float | None = None,
        hold: AbstractContextManager[object] | None = None,
    ) -> int:
        """Append one event durably; ``also`` writes read-model rows in the same
        transaction, so projections never disagree with the journal.

        ``lock_wait_s`` bounds the wait for another writer's lock in this transaction
        (None: the connection's ``BUSY_TIMEOUT_S``; 0: fail at once): a caller on the event
        loop must not hold it for long, and while the store is known to be away a retry
        should cost nothing (issue 10 §1). ``hold`` is entered once the journal row is
        written — so after the database's write lock is taken — and left after the commit:
        the runtime's engine lock, which readers share, is then never held while waiting
        on the database."""
        row = {
            "tenant_id": tenant_id,
            "event_type": type(event).__name__,
            "payload": self._codec.dumps(event),
            "applied_at": now,
        }
        sqlite = self._engine.dialect.name == "sqlite"
        with self._engine.connect() as connection:
            if sqlite and lock_wait_s is not None:
                _busy_timeout(connection, int(lock_wait_s * 1000))
            try:
                with ExitStack() as held, connection.begin():
                    if not sqlite and lock_wait_s is not None:
                        # PostgreSQL: 0 would mean "no limit"; 1 ms is "at once".
                        wait_ms = max(1, int(lock_wait_s * 1000))
                        connection.exec_driver_sql(f"SET LOCAL lock_timeout = {wait_ms}")
                    inserted = connection.execute(insert(journal).values(row))
                    seq = inserted.inserted_primary_key
                    if hold is not None:
                        held.enter_context(hold)
                    if also is not None:
                        also(connection)
            finally:
                if sqlite and lock_wait_s is not None:
                    _busy_timeout(connection, int(BUSY_TIMEOUT_S * 1000))
        assert seq is not None
        return int(seq[0])

    def replay(self, after: int = 0, batch: int = 5000) -> Iterator[JournalEntry]:
        """Every entry after ``after`` in sequence order, decoded, read in batches."""
        last = after
        while True:
            with self._engine.connect() as connection:
                rows = connection.execute(
                    select(
                        journal.c.seq, journal.c.tenant_id, journal.c.payload, journal.c.applied_at
                    )
                    .where(journal.c.seq > last)
                    .order_by(journal.c.seq)
                    .limit(batch)
                ).all()
            if not rows:
                return
            for seq, tenant_id, payload, applied_at in rows:
                yield JournalEntry(seq, tenant_id, self._codec.loads(payload), applied_at)
                last = seq


def _busy_timeout(connection: Connection, milliseconds: int) -> None:
    """Set SQLite's lock wait on the driver's connection (a PRAGMA through SQLAlchemy
    would open a transaction of its own)."""
    driver = connection.connection.driver_connection
    assert driver is not None
    driver.execute(f"PRAGMA busy_timeout = {milliseconds}")
