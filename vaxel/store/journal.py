"""The append-only event journal (DESIGN "Event journal").

Every input event of the engine is appended with the ``now`` it was applied at. Replaying
the rows in sequence order into a fresh engine rebuilds its state exactly. ``append``
returns only after the commit, so whatever the caller acknowledges is on disk.

Each entry carries the journal schema version it was written with and its context — the
story it belongs to (correlation), the entry it follows from (causation) and who acted —
so old entries are upcast on read (:mod:`vaxel.store.upcast`) and :meth:`Journal.story`
can tell what caused what (issue 12 §5).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select, update

from vaxel.core.context import Context
from vaxel.store.availability import BUSY_TIMEOUT_S
from vaxel.store.codec import Codec
from vaxel.store.tables import journal
from vaxel.store.upcast import JOURNAL_VERSION, JournalVersionError, StoredEntry, upcast

__all__ = ["Journal", "JournalEntry", "JournalVersionError"]

STORY_DEPTH = 8
"""How many stories back :meth:`Journal.story` follows causation (a callback booked from a
call is one step; a requeued callback's earlier attempts are in its own story)."""


@dataclass(frozen=True, slots=True)
class JournalEntry:
    seq: int
    tenant_id: str
    event: object
    applied_at: float
    context: Context | None = None
    """Story, cause and actor; None for entries of no tenant (the engine's timer)."""


class Journal:
    def __init__(self, engine: Engine, codec: Codec) -> None:
        self._engine = engine
        self._codec = codec

    def append(
        self,
        tenant_id: str,
        event: object,
        now: float,
        also: Callable[[Connection, int], Context | None] | None = None,
        *,
        lock_wait_s: float | None = None,
        hold: AbstractContextManager[object] | None = None,
        context: Context | None = None,
    ) -> int:
        """Append one event durably as entry ``seq`` (returned); ``also(connection, seq)``
        writes read-model rows in the same transaction, so projections never disagree with
        the journal.

        The entry's context is ``context``, unless ``also`` returns another: it can name what
        applying the event created (a new callback's id) or what only the journal knows
        (a story's last entry after a restart). The insert comes first so that a held
        write lock fails the append before ``also`` changes anything.

        ``lock_wait_s`` bounds the wait for another writer's lock in this transaction
        (None: the connection's ``BUSY_TIMEOUT_S``; 0: fail at once): a caller on the event
        loop must not hold it for long, and while the store is known to be away a retry
        should cost nothing (issue 10 §1). ``hold`` is entered once the journal row is
        written — so after the database's write lock is taken — and left after the commit:
        the runtime's engine lock, which readers share, is then never held while waiting
        on the database."""
        payload = self._codec.dumps(event)
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
                    row = _row(tenant_id, event, payload, now, context)
                    key = connection.execute(insert(journal).values(row)).inserted_primary_key
                    assert key is not None
                    seq = int(key[0])
                    if hold is not None:
                        held.enter_context(hold)
                    made = also(connection, seq) if also is not None else None
                    if made is not None and made != context:
                        connection.execute(
                            update(journal)
                            .where(journal.c.seq == seq)
                            .values(_context_columns(event, made))
                        )
            finally:
                if sqlite and lock_wait_s is not None:
                    _busy_timeout(connection, int(BUSY_TIMEOUT_S * 1000))
        return seq

    def replay(self, after: int = 0, batch: int = 5000) -> Iterator[JournalEntry]:
        """Every entry after ``after`` in sequence order, upcast and decoded, read in batches.

        Raises :class:`JournalVersionError` before yielding anything when an entry was
        written with a version this code does not know, so nothing is replayed half."""
        self._check_versions(after)
        last = after
        while True:
            with self._engine.connect() as connection:
                rows = connection.execute(
                    select(*_COLUMNS)
                    .where(journal.c.seq > last)
                    .order_by(journal.c.seq)
                    .limit(batch)
                ).all()
            if not rows:
                return
            for row in rows:
                yield self._entry(row)
                last = row.seq

    def story(self, tenant_id: str, correlation_id: str) -> list[JournalEntry]:
        """The entries of one story in order, with the stories that caused it up to the
        entry that did: a callback booked in the IVR starts with the caller's call."""
        found: dict[int, JournalEntry] = {}
        wanted: list[tuple[str, int | None]] = [(correlation_id, None)]
        seen: set[str] = set()
        with self._engine.connect() as connection:
            while wanted and len(seen) < STORY_DEPTH:
                story, up_to = wanted.pop()
                if story in seen or not story:
                    continue
                seen.add(story)
                query = select(*_COLUMNS).where(
                    journal.c.tenant_id == tenant_id, journal.c.correlation_id == story
                )
                if up_to is not None:
                    query = query.where(journal.c.seq <= up_to)
                rows = connection.execute(query.order_by(journal.c.seq)).all()
                for row in rows:
                    found[row.seq] = self._entry(row)
                if rows and rows[0].causation_id.isdigit():
                    cause = int(rows[0].causation_id)
                    origin = connection.execute(
                        select(journal.c.correlation_id).where(
                            journal.c.seq == cause, journal.c.tenant_id == tenant_id
                        )
                    ).scalar()
                    if origin:
                        wanted.append((origin, cause))
        return [found[seq] for seq in sorted(found)]

    def last_of(
        self, connection: Connection, tenant_id: str, correlation_id: str, before: int
    ) -> int:
        """The newest entry of a story before entry ``before`` (0 if none), read inside the
        caller's transaction."""
        seq = connection.execute(
            select(func.max(journal.c.seq)).where(
                journal.c.tenant_id == tenant_id,
                journal.c.correlation_id == correlation_id,
                journal.c.seq < before,
            )
        ).scalar()
        return int(seq or 0)

    def _check_versions(self, after: int) -> None:
        with self._engine.connect() as connection:
            bad = connection.execute(
                select(journal.c.seq, journal.c.schema_version)
                .where(
                    journal.c.seq > after,
                    (journal.c.schema_version < 1) | (journal.c.schema_version > JOURNAL_VERSION),
                )
                .order_by(journal.c.seq)
                .limit(1)
            ).first()
        if bad is not None:
            raise JournalVersionError(bad.seq, bad.schema_version)

    def _entry(self, row: Any) -> JournalEntry:
        stored = upcast(
            StoredEntry(
                seq=row.seq,
                version=row.schema_version,
                payload=json.loads(row.payload),
                correlation_id=row.correlation_id,
                causation_id=row.causation_id,
                actor=row.actor,
            )
        )
        context = None
        if row.tenant_id:
            context = Context(
                tenant_id=row.tenant_id,
                correlation_id=stored.correlation_id,
                causation_id=stored.causation_id,
                actor=stored.actor or "system",
            )
        return JournalEntry(
            row.seq, row.tenant_id, self._codec.decode(stored.payload), row.applied_at, context
        )


_COLUMNS = (
    journal.c.seq,
    journal.c.tenant_id,
    journal.c.payload,
    journal.c.applied_at,
    journal.c.schema_version,
    journal.c.correlation_id,
    journal.c.causation_id,
    journal.c.actor,
)


def _row(
    tenant_id: str, event: object, payload: str, now: float, context: Context | None
) -> dict[str, object]:
    return {
        "tenant_id": tenant_id,
        "event_type": type(event).__name__,
        "payload": payload,
        "applied_at": now,
        "schema_version": JOURNAL_VERSION,
        **_context_columns(event, context),
    }


def _context_columns(event: object, context: Context | None) -> dict[str, str]:
    return {
        "correlation_id": context.correlation_id if context else "",
        "causation_id": context.causation_id if context else "",
        "actor": context.actor if context else str(getattr(event, "actor", "")),
    }


def _busy_timeout(connection: Connection, milliseconds: int) -> None:
    """Set SQLite's lock wait on the driver's connection (a PRAGMA through SQLAlchemy
    would open a transaction of its own)."""
    driver = connection.connection.driver_connection
    assert driver is not None
    driver.execute(f"PRAGMA busy_timeout = {milliseconds}")
