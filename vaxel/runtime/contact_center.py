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
"""

from __future__ import annotations

import asyncio
import logging
import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, update

from vaxel.acd import boards
from vaxel.acd.commands import (
    Command,
    ConnectContact,
    DialCallback,
    MarkCallbackFailed,
    NotifyCallbackCreated,
    OverflowToNumber,
    RejectBusy,
)
from vaxel.acd.engine import Engine as AcdEngine
from vaxel.acd.estimation import WaitEstimator
from vaxel.acd.estimators import VaxelEstimator
from vaxel.acd.events import (
    AgentConfigured,
    CallbackAttemptEnded,
    CallbackClosed,
    CallbackRequeued,
    ContactAbandoned,
    ContactEnded,
    Event,
    QueueConfigured,
    TimerTick,
)
from vaxel.acd.model import AgentProfile, CallbackStatus, Channel, QueueConfig
from vaxel.acd.snapshot import STATE_VERSION, SnapshotError, capture_state, serialize_state
from vaxel.acd.views import (
    AgentView,
    CallbackContext,
    CallbackView,
    ContactView,
    QueueHours,
    QueueStatus,
    WaitingView,
)
from vaxel.core.context import Context
from vaxel.core.errors import VaxelError
from vaxel.core.ids import SequentialIds
from vaxel.runtime.engine_snapshots import SnapshotPolicy, replayed_engine
from vaxel.runtime.stories import Stories
from vaxel.stats import ServiceLevelCounts
from vaxel.store import tables
from vaxel.store.availability import (
    LOOP_LOCK_WAIT_S,
    RETRY_AFTER_S,
    StoreUnavailable,
    outage_reason,
)
from vaxel.store.codec import acd_codec
from vaxel.store.journal import Journal
from vaxel.store.repositories import ensure_tenant, upsert
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


class ContactCenter:
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

    def read(self, query: Callable[[AcdEngine], T]) -> T:
        """``query(engine)`` under the lock :meth:`submit` holds, so no event changes the
        engine while it runs (issue 10 §10). Not part of the port: adapters ask for the
        named views below; this serves them, the composition root's simulator and tests.

        Pages are served from worker threads while other threads submit: a page iterating
        a tenant's contacts while an arrival adds one raised "dictionary changed size
        during iteration". Everything outside the runtime reaches the engine through here;
        ``query`` should only read and build its answer (plain data, not the engine's own
        dicts), as the lock is held while it runs."""
        with self._lock:
            return query(self.acd)

    def running_queues(self, tenant_id: str) -> dict[str, QueueConfig]:
        """The tenant's queues as the engine runs them, read under the lock."""

        def configs(acd: AcdEngine) -> dict[str, QueueConfig]:
            tenant = acd.tenants.get(tenant_id)
            return {q: r.config for q, r in tenant.queues.items()} if tenant else {}

        return self.read(configs)

    def running_agents(self, tenant_id: str) -> dict[str, AgentProfile]:
        """The tenant's agent profiles as the engine runs them, read under the lock."""

        def profiles(acd: AcdEngine) -> dict[str, AgentProfile]:
            tenant = acd.tenants.get(tenant_id)
            return {a: r.profile for a, r in tenant.agents.items()} if tenant else {}

        return self.read(profiles)

    # Named views (ContactCenterPort, issue 12 §2): each read under the lock, plain data out.

    def contact_view(self, tenant_id: str, contact_id: str) -> ContactView:
        return self.read(lambda acd: acd.contact_view(tenant_id, contact_id))

    def waiting_view(self, tenant_id: str, contact_id: str, now: float) -> WaitingView:
        return self.read(lambda acd: acd.waiting_view(tenant_id, contact_id, now))

    def agent_view(self, tenant_id: str, agent_id: str, now: float) -> AgentView:
        return self.read(lambda acd: acd.agent_view(tenant_id, agent_id, now))

    def queue_status(self, tenant_id: str, queue_id: str, now: float) -> QueueStatus:
        return self.read(lambda acd: acd.queue_status(tenant_id, queue_id, now))

    def callback_row(self, tenant_id: str, contact_id: str) -> CallbackView | None:
        return self.read(lambda acd: acd.callback_row(tenant_id, contact_id))

    def callback_context(self, tenant_id: str) -> CallbackContext:
        return self.read(lambda acd: boards.callback_context(acd, tenant_id))

    def queue_hours(self) -> list[QueueHours]:
        return self.read(boards.queue_hours)

    def service_level_targets(self, tenant_id: str) -> tuple[dict[str, float], dict[str, float]]:
        return self.read(lambda acd: boards.service_level_targets(acd, tenant_id))

    def tenant_board(
        self,
        tenant_id: str,
        now: float,
        today: Mapping[str, ServiceLevelCounts] | None = None,
        day_start: float = 0.0,
    ) -> dict[str, Any]:
        return self.read(lambda acd: boards.tenant_board(acd, tenant_id, now, today, day_start))

    def agent_panel(self, tenant_id: str, agent_id: str, now: float) -> dict[str, Any]:
        return self.read(lambda acd: boards.agent_panel(acd, tenant_id, agent_id, now))

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
                self._project(connection, event, commands, now)
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

    # -- read models, written in the journal's transaction ---------------------------------

    def _project(
        self, connection: Connection, event: Event, commands: list[Command], now: float
    ) -> None:
        if isinstance(event, (QueueConfigured, AgentConfigured)):
            ensure_tenant(connection, event.tenant_id)
        touched: dict[tuple[str, str], None] = {}
        contact_id = getattr(event, "contact_id", "")
        if contact_id:
            touched[(event.tenant_id, contact_id)] = None
        for command in commands:
            touched[(command.tenant_id, getattr(command, "contact_id", ""))] = None
        for tenant_id, cid in touched:
            if cid:
                self._project_contact(connection, tenant_id, cid, commands, event, now)
        self._project_attempts(connection, event, commands, now)

    def _project_attempts(
        self, connection: Connection, event: Event, commands: list[Command], now: float
    ) -> None:
        """The callback attempt history (CB10, CB11): a row per dial, then how it went."""
        attempts = tables.callback_attempts
        for command in commands:
            if isinstance(command, DialCallback):
                upsert(
                    connection,
                    attempts,
                    {
                        "tenant_id": command.tenant_id,
                        "contact_id": command.contact_id,
                        "attempt": command.attempt,
                    },
                    {"agent_id": command.agent_id, "started_at": now},
                )
        if not isinstance(event, (CallbackAttemptEnded, CallbackClosed, CallbackRequeued)):
            return
        row = self.acd.callback_row(event.tenant_id, event.contact_id)
        if row is None or row.attempts < 1:
            return
        values: dict[str, Any]
        if isinstance(event, CallbackAttemptEnded):
            values = {"call_result": event.outcome}
        elif isinstance(event, CallbackClosed):
            requeued = row.status is CallbackStatus.REQUEUED
            values = {
                "outcome": event.outcome,
                "note": event.note,
                "closed_at": now,
                "next_at": row.eligible_at if requeued else None,
            }
        else:
            values = {"requeued_by": event.actor, "requeued_at": now}
        connection.execute(
            update(attempts)
            .where(
                attempts.c.tenant_id == event.tenant_id,
                attempts.c.contact_id == event.contact_id,
                attempts.c.attempt == row.attempts,
            )
            .values(**values)
        )

    def _project_contact(
        self,
        connection: Connection,
        tenant_id: str,
        contact_id: str,
        commands: list[Command],
        event: Event,
        now: float,
    ) -> None:
        try:
            view = self.acd.contact_view(tenant_id, contact_id)
        except VaxelError:
            return
        values: dict[str, Any] = {
            "queue_id": view.queue_id,
            "channel": view.channel.value,
            "caller_number": view.caller_number,
            "caller_data": dict(view.caller_data),
            "status": view.state.value,
            "arrived_at": view.arrived_at,
            "agent_id": view.agent_id or None,
            "classification": view.classification or None,
            "note": view.note or None,
        }
        for command in commands:
            if getattr(command, "contact_id", None) != contact_id:
                continue
            if isinstance(command, ConnectContact):
                values["answered_at"] = now
            if isinstance(command, (OverflowToNumber, RejectBusy, MarkCallbackFailed)):
                values["ended_at"] = now
        if isinstance(event, (ContactEnded, ContactAbandoned, CallbackClosed)) and (
            event.contact_id == contact_id
        ):
            values["ended_at"] = now
        if isinstance(event, CallbackRequeued) and event.contact_id == contact_id:
            values["ended_at"] = None  # a failed callback back in the list is open again
        upsert(
            connection, tables.contacts, {"tenant_id": tenant_id, "contact_id": contact_id}, values
        )
        if view.channel is Channel.CALLBACK or any(
            isinstance(c, (NotifyCallbackCreated, DialCallback, MarkCallbackFailed))
            and c.contact_id == contact_id
            for c in commands
        ):
            self._project_callback(connection, tenant_id, contact_id)

    def _project_callback(self, connection: Connection, tenant_id: str, contact_id: str) -> None:
        row = self.acd.callback_row(tenant_id, contact_id)
        if row is None:
            return
        upsert(
            connection,
            tables.callbacks,
            {"tenant_id": tenant_id, "contact_id": contact_id},
            {
                "queue_id": row.queue_id,
                "number": row.number,
                "interval_id": row.interval_id,
                "caller_data": dict(row.caller_data),
                "status": row.status.value,
                "requested_at": row.arrived_at,
                "eligible_at": row.eligible_at,
                "attempts": row.attempts,
                "agents_tried": list(row.agents_tried),
                "last_note": row.last_note,
            },
        )
