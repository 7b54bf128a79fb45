"""The ACD engine run durably: every accepted event is in the journal before anyone is told.

Order of a step (issue 10 §1): one transaction first appends the event — which takes the
database's write lock, so a locked, full or vanished database refuses the event before the
engine has seen it — then the engine applies it (a rejected event raises and changes
nothing, and the transaction rolls back), then the read models are updated and the
transaction commits; only after that commit do the commands go out. The engine is thus
never ahead of the journal: a crash before the commit loses an event nobody was told about,
and :meth:`recover` replays the journal into a fresh engine with the same seed and id
sequence (DESIGN "Event journal") — from the newest engine snapshot on, when there is a usable
one (issue 10 §13, :mod:`vaxel.runtime.engine_snapshots`).

Should the write fail after the engine applied the event (the commit on a full disk), the
engine is rebuilt from the journal in a thread of its own and work is refused until it is
swapped in. While the store is away every submit raises
:class:`~vaxel.store.availability.StoreUnavailable` at once for ``RETRY_AFTER_S`` (the edge
answers 503); then the next submit tries again, so the platform heals by itself.

The reads under the engine lock are :mod:`vaxel.runtime.engine_views`'s, and the read models
written in the journal's transaction :mod:`vaxel.runtime.projections`'.
"""

from __future__ import annotations

import asyncio
import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy import Connection, Engine

from vaxel.acd.commands import Command
from vaxel.acd.engine import Engine as AcdEngine
from vaxel.acd.estimation import WaitEstimator
from vaxel.acd.estimators import VaxelEstimator
from vaxel.acd.events import Event, TimerTick
from vaxel.acd.snapshot import STATE_VERSION, SnapshotError, capture_state, serialize_state
from vaxel.core.context import Context
from vaxel.core.ids import SequentialIds
from vaxel.runtime.engine_snapshots import SnapshotPolicy, replayed_engine
from vaxel.runtime.engine_views import EngineViews
from vaxel.runtime.projections import project
from vaxel.runtime.stories import Stories
from vaxel.store.availability import (
    LOOP_LOCK_WAIT_S,
    RETRY_AFTER_S,
    StoreUnavailable,
    outage_reason,
)
from vaxel.store.codec import acd_codec
from vaxel.store.journal import Journal
from vaxel.store.snapshots import Snapshots, StoredSnapshot

__all__ = ["ContactCenter"]

log = logging.getLogger(__name__)
T = TypeVar("T")


def _on_event_loop() -> bool:
    """True in a thread running an asyncio loop (SIP, the API's async handlers), where a
    wait stops everything else; worker threads serving pages have none."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


class ContactCenter(EngineViews):
    """One process's ACD, durable through ``database``'s journal.

    ``estimator_factory`` makes the wait estimator (Q8); the same factory is used on
    recovery so the estimator relearns the same history. ``snapshots`` (None: never taken)
    says how often the engine's state is saved so that start-up replays only the journal's
    tail; a snapshot already in the store is used either way.
    """

    def __init__(
        self,
        database: Engine,
        *,
        seed: int = 0,
        estimator_factory: Callable[[], WaitEstimator] = VaxelEstimator,
        monotonic: Callable[[], float] = time.monotonic,
        retry_after_s: float = RETRY_AFTER_S,
        snapshots: SnapshotPolicy | None = None,
    ) -> None:
        self._database = database
        self._seed = seed
        self._estimator_factory = estimator_factory
        self.journal = Journal(database, acd_codec())
        self.snapshots = Snapshots(database)
        self._snapshot_policy = snapshots
        self._snapshot_base = (0, monotonic())
        """(seq, monotonic time) of the last snapshot taken or loaded: what ``due`` counts from."""
        self._snapshotting: threading.Thread | None = None
        self.acd = self._fresh_engine()
        self.last_seq = 0
        self._monotonic = monotonic
        self._retry_after_s = retry_after_s
        self._refuse_until = 0.0
        self._outage: tuple[str, float] | None = None
        """(reason, since) while the store is away; logged once when it starts and ends."""
        self._rebuilding: threading.Thread | None = None
        self._lock = threading.RLock()
        """The engine lock: readers and the apply-and-commit step of a write."""
        self._write_lock = threading.RLock()
        """Orders writers before they touch the database (then ``_lock``)."""
        self._waiting_since: float | None = None
        """Since when the writer holding ``_write_lock`` waits on the database's lock."""
        self._stories = Stories()
        self.listeners: list[Callable[[Event, list[Command], float], None]] = []
        """Told of every event once it is durable, with the commands it produced — the
        telephony and web adapters carry the commands out and push live updates from here.
        A listener that raises is logged and the others are still told (issue 9 §1)."""

    def _fresh_engine(self) -> AcdEngine:
        return AcdEngine(
            ids=SequentialIds(), rng=random.Random(self._seed), estimator=self._estimator_factory()
        )

    @property
    def database(self) -> Engine:
        """The database the journal and read models live in (for readers of the log)."""
        return self._database

    def recover(self) -> int:
        """Rebuild the engine from the newest usable snapshot and the journal after it (or
        the whole journal); returns how many journal entries were replayed."""
        with self._lock:
            self.acd, self.last_seq, count = self._replayed()
            self._snapshot_base = (self.last_seq - count, self._monotonic())
            return count

    def _replayed(self) -> tuple[AcdEngine, int, int]:
        return replayed_engine(
            self.journal, self.snapshots, self._fresh_engine, self._seed, self._estimator_factory
        )

    # -- snapshots (issue 10 §13) ----------------------------------------------------------

    def take_snapshot(self) -> int | None:
        """Save the engine's state now; returns the journal entry it is taken after, or None
        when it cannot be taken (the engine is being rebuilt, or cannot be encoded — logged).

        The state is captured under the lock; encoding and writing happen outside it, in the
        calling thread (the runtime calls this from a thread of its own). The writers' lock
        too: a write applies under the engine lock but sets ``last_seq`` after its commit.

        On SQLite the row is written under the writers' lock as well, like a journal entry:
        SQLite has one write lock per database, and a snapshot holding it past a journal
        write's short wait (``BUSY_TIMEOUT_S``; an fsync alone can take longer on a busy
        disk) failed that write with "database is locked" — an outage of Växel's own
        making, every request refused for ``RETRY_AFTER_S``."""
        with self._write_lock, self._lock:
            if self._rebuilding is not None:
                return None
            try:
                state = capture_state(self.acd)
            except SnapshotError as error:
                self._snapshot_policy = None
                log.warning("the engine cannot be snapshotted (%s); snapshots are off", error)
                return None
            seq = self.last_seq
            self._snapshot_base = (seq, self._monotonic())
        snapshot = StoredSnapshot(seq, STATE_VERSION, time.time(), serialize_state(state))
        if self._database.dialect.name != "sqlite":
            self.snapshots.save(snapshot)  # PostgreSQL locks rows: journal writes go on
            return seq
        with self._write_lock:
            # A writer on the event loop gives up after LOOP_LOCK_WAIT_S of this (_writer).
            self._waiting_since = time.monotonic()
            try:
                self.snapshots.save(snapshot)
            finally:
                self._waiting_since = None
        return seq

    def wait_for_snapshot(self, timeout_s: float = 10.0) -> None:
        """Wait for a snapshot being written in the background (tests, shutdown)."""
        thread = self._snapshotting
        if thread is not None:
            thread.join(timeout_s)

    def _snapshot_if_due(self) -> None:
        """Called under the lock after each durable event: start a background snapshot when
        the policy says one is due and none is being written."""
        policy = self._snapshot_policy
        if policy is None or self._snapshotting is not None:
            return
        base_seq, base_at = self._snapshot_base
        if not policy.due(self.last_seq - base_seq, self._monotonic() - base_at):
            return

        def snapshot() -> None:
            try:
                self.take_snapshot()
            except Exception as error:  # the store is away: retried when next due
                log.warning(
                    "an engine snapshot could not be written (%s)",
                    outage_reason(error) or repr(error),
                )
            finally:
                self._snapshotting = None

        # Counted as taken from now on, so a failing store is not retried after every event.
        self._snapshot_base = (self.last_seq, self._monotonic())
        self._snapshotting = threading.Thread(target=snapshot, name="vaxel-snapshot", daemon=True)
        self._snapshotting.start()

    @property
    def rebuilding(self) -> bool:
        """True while the engine is being rebuilt from the journal after a failed commit."""
        return self._rebuilding is not None

    def submit(self, event: Event, now: float) -> list[Command]:
        """Apply ``event`` at ``now``; returns the commands once the event is durable.

        Raises :class:`StoreUnavailable` (engine unchanged) when the database cannot take
        the event. One event at a time: web requests served in worker threads may submit at
        once (two agents taking the same callback), and the engine's check-then-change must
        not interleave.

        Locks are taken in one order — the writers' lock, the database's write lock (the
        journal row), then the engine lock for applying and committing — so readers, who
        take only the engine lock, never wait while a writer waits on the database, and a
        submit on the event loop waits at most ``LOOP_LOCK_WAIT_S`` for a held database
        lock (issue 10 §1: SIP and HTTP keep answering within 100 ms during an outage)."""
        on_loop = _on_event_loop()
        with self._writer(on_loop):
            self._refuse_while_away()
            applied: list[list[Command]] = []
            contexts: list[Context | None] = []

            def apply_and_project(connection: Connection, seq: int) -> Context | None:
                self._waiting_since = None  # the journal row is in: the write lock is ours
                commands = self.acd.handle(event, now)
                applied.append(commands)
                project(connection, self.acd, event, commands, now)
                context = self._stories.context(
                    event,
                    commands,
                    lambda story: self.journal.last_of(connection, event.tenant_id, story, seq),
                )
                contexts.append(context)
                return context

            if self._outage is not None:
                lock_wait: float | None = 0.0  # known away: a retry must not wait
            else:
                lock_wait = LOOP_LOCK_WAIT_S if on_loop else None
            self._waiting_since = time.monotonic()
            try:
                seq = self.journal.append(
                    event.tenant_id,
                    event,
                    now,
                    also=apply_and_project,
                    lock_wait_s=lock_wait,
                    hold=self._lock,
                    context=self._stories.context(event, (), lambda _story: 0),
                )
            except Exception as error:
                reason = outage_reason(error)
                if applied:
                    self._rebuild(type(event).__name__, reason or repr(error))
                if reason is None:
                    raise  # the engine's refusal (nothing changed), or a bug
                self._went_away(reason)
                raise StoreUnavailable(reason, self._retry_after_s) from None
            finally:
                self._waiting_since = None
            with self._lock:
                self.last_seq = seq
                self._came_back()
                self._snapshot_if_due()
                commands = applied[0]
                self._stories.written(seq, contexts[0] if contexts else None, commands)
                for listener in self.listeners:
                    try:
                        listener(event, commands, now)
                    except Exception:  # the event is durable: the submitter must not see it
                        log.exception(
                            "listener %s failed on %s (tenant %s); the others were told",
                            getattr(listener, "__qualname__", repr(listener)),
                            type(event).__name__,
                            event.tenant_id,
                        )
            return commands

    @contextmanager
    def _writer(self, on_loop: bool) -> Iterator[None]:
        """The writers' lock. Off the loop, wait for it; on the loop, give up with
        :class:`StoreUnavailable` once another writer has waited ``LOOP_LOCK_WAIT_S`` on
        the database's lock (a worker thread may wait up to ``BUSY_TIMEOUT_S`` there)."""
        if not on_loop:
            with self._write_lock:
                yield
            return
        started = time.monotonic()
        while not self._write_lock.acquire(timeout=0.005):
            waiting = self._waiting_since
            if waiting is not None and time.monotonic() - max(started, waiting) >= (
                LOOP_LOCK_WAIT_S
            ):
                raise StoreUnavailable("another write is waiting for the database's lock")
        try:
            yield
        finally:
            self._write_lock.release()

    # -- when the database is away ---------------------------------------------------------

    def _refuse_while_away(self) -> None:
        """Refuse at once while the engine is rebuilt or shortly after a failed write, so
        a flood of requests does not each wait on the database's lock (issue 10 §1)."""
        if self._rebuilding is not None:
            raise StoreUnavailable("the engine is being rebuilt from the journal")
        if self._outage is not None and self._monotonic() < self._refuse_until:
            left = max(0.1, self._refuse_until - self._monotonic())
            raise StoreUnavailable(self._outage[0], left)

    def _went_away(self, reason: str) -> None:
        self._refuse_until = self._monotonic() + self._retry_after_s
        if self._outage is None:
            self._outage = (reason, self._monotonic())
            log.warning(
                "the database cannot be written (%s): work is refused with 503 and retried "
                "every %.1f s",
                reason,
                self._retry_after_s,
            )

    def _came_back(self) -> None:
        if self._outage is not None:
            reason, since = self._outage
            self._outage = None
            log.warning(
                "the database can be written again after %.1f s (%s); work resumes",
                self._monotonic() - since,
                reason,
            )

    def _rebuild(self, event_name: str, reason: str) -> None:
        """The engine applied an event the journal does not hold: replace the engine by one
        replayed from the journal, off the caller's thread (a long journal must not hold
        the event loop), retrying while the database cannot be read."""
        log.error(
            "the journal write failed after the engine applied %s (%s); rebuilding the "
            "engine from the journal",
            event_name,
            reason,
        )
        if self._rebuilding is not None:
            return

        def rebuild() -> None:
            while True:
                try:
                    engine, seq, _ = self._replayed()
                except Exception as error:
                    log.warning("rebuilding the engine failed (%s); retrying", outage_reason(error))
                    time.sleep(self._retry_after_s)
                    continue
                with self._lock:
                    self.acd, self.last_seq, self._rebuilding = engine, seq, None
                log.warning("the engine was rebuilt from the journal (up to entry %d)", seq)
                return

        self._rebuilding = threading.Thread(target=rebuild, name="vaxel-rebuild", daemon=True)
        self._rebuilding.start()

    def tick(self, now: float) -> list[Command]:
        """Fire due timers. Journals a TimerTick only when a deadline has come."""
        deadline = self.acd.next_deadline()
        if deadline is None or deadline > now:
            return []
        return self.submit(TimerTick(), now)

    def next_deadline(self) -> float | None:
        """The engine's next timer deadline, read under the lock (any thread may ask)."""
        with self._lock:
            return self.acd.next_deadline()
