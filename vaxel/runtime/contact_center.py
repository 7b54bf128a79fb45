"""The ACD engine run durably: every accepted event is in the journal before anyone is told.

Order of a step: the engine applies the event (a rejected event raises and changes nothing,
so nothing is journaled); then one transaction appends the event and updates the read
models; only after that commit do the commands go out. A crash before the commit loses an
event nobody was told about; a crash after it is repaired by :meth:`recover`, which replays
the journal into a fresh engine with the same seed and id sequence (DESIGN "Event journal").
If the commit itself fails, the engine has run ahead of the journal: the runtime refuses
further work until :meth:`recover` has rebuilt it.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Engine, update

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
from vaxel.acd.model import CallbackStatus, Channel
from vaxel.core.errors import VaxelError
from vaxel.core.ids import SequentialIds
from vaxel.store import tables
from vaxel.store.codec import acd_codec
from vaxel.store.journal import Journal
from vaxel.store.repositories import ensure_tenant, upsert

__all__ = ["ContactCenter", "RuntimeBroken"]

log = logging.getLogger(__name__)


class RuntimeBroken(VaxelError):
    """The journal could not be written after the engine applied an event; call recover()."""


class ContactCenter:
    """One process's ACD, durable through ``database``'s journal.

    ``estimator_factory`` makes the wait estimator (Q8); the same factory is used on
    recovery so the estimator relearns the same history.
    """

    def __init__(
        self,
        database: Engine,
        *,
        seed: int = 0,
        estimator_factory: Callable[[], WaitEstimator] = VaxelEstimator,
    ) -> None:
        self._database = database
        self._seed = seed
        self._estimator_factory = estimator_factory
        self.journal = Journal(database, acd_codec())
        self.acd = self._fresh_engine()
        self.last_seq = 0
        self._broken = False
        self._lock = threading.RLock()
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
        """Rebuild the engine from the whole journal; returns how many events were replayed."""
        with self._lock:
            self.acd = self._fresh_engine()
            count = 0
            for entry in self.journal.replay():
                self.acd.handle(entry.event, entry.applied_at)  # type: ignore[arg-type]
                self.last_seq = entry.seq
                count += 1
            self._broken = False
            return count

    def submit(self, event: Event, now: float) -> list[Command]:
        """Apply ``event`` at ``now``; returns the commands once the event is durable.

        One event at a time: web requests served in worker threads may submit at once (two
        agents taking the same callback), and the engine's check-then-change must not
        interleave."""
        with self._lock:
            if self._broken:
                raise RuntimeBroken("the journal fell behind the engine; call recover() first")
            commands = self.acd.handle(event, now)
            try:
                self.last_seq = self.journal.append(
                    event.tenant_id,
                    event,
                    now,
                    also=lambda connection: self._project(connection, event, commands, now),
                )
            except Exception as error:
                self._broken = True
                raise RuntimeBroken(f"could not journal {type(event).__name__}: {error}") from error
            for listener in self.listeners:
                try:
                    listener(event, commands, now)
                except Exception:  # the event is durable: the submitter must not see it fail
                    log.exception(
                        "listener %s failed on %s (tenant %s); the others were told",
                        getattr(listener, "__qualname__", repr(listener)),
                        type(event).__name__,
                        event.tenant_id,
                    )
            return commands

    def tick(self, now: float) -> list[Command]:
        """Fire due timers. Journals a TimerTick only when a deadline has come."""
        deadline = self.acd.next_deadline()
        if deadline is None or deadline > now:
            return []
        return self.submit(TimerTick(), now)

    def next_deadline(self) -> float | None:
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
