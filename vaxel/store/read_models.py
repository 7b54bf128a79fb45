"""The contact log and the callback list as stored, for the web and reports (CB8, ST1):
tenant-scoped reads of the rows the journal's projections keep.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from sqlalchemy import (
    Engine,
    Integer,
    Text,
    case,
    cast,
    func,
    select,
)

from vaxel.stats import ServiceLevelCounts
from vaxel.store import tables

__all__ = ["CallbackRecord", "ContactRecord", "ReadModels"]


@dataclass(frozen=True, slots=True)
class ContactRecord:
    contact_id: str
    queue_id: str
    channel: str
    caller_number: str
    caller_data: Mapping[str, str]
    status: str
    arrived_at: float
    answered_at: float | None
    ended_at: float | None
    agent_id: str | None
    classification: str | None
    note: str | None


@dataclass(frozen=True, slots=True)
class CallbackRecord:
    """A row of the callback list with the CB8 columns."""

    contact_id: str
    queue_id: str
    number: str
    interval_id: str
    caller_data: Mapping[str, str]
    status: str
    requested_at: float
    eligible_at: float
    attempts: int
    agents_tried: tuple[str, ...]
    last_note: str


class ReadModels:
    """The contact log and the callback list as stored (for the web and reports)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def contacts(self, tenant_id: str, limit: int = 1000) -> list[ContactRecord]:
        c = tables.contacts.c
        with self._engine.connect() as connection:
            rows = connection.execute(
                select(tables.contacts)
                .where(c.tenant_id == tenant_id)
                .order_by(c.arrived_at, c.contact_id)
                .limit(limit)
            ).all()
        return [self._contact(r) for r in rows]

    @staticmethod
    def _contact(r: Any) -> ContactRecord:
        return ContactRecord(
            r.contact_id,
            r.queue_id,
            r.channel,
            r.caller_number,
            dict(r.caller_data),
            r.status,
            r.arrived_at,
            r.answered_at,
            r.ended_at,
            r.agent_id,
            r.classification,
            r.note,
        )

    def contact(self, tenant_id: str, contact_id: str) -> ContactRecord | None:
        """One contact of the tenant's log; None when unknown *or another tenant's*."""
        c = tables.contacts.c
        with self._engine.connect() as connection:
            row = connection.execute(
                select(tables.contacts).where(c.tenant_id == tenant_id, c.contact_id == contact_id)
            ).first()
        return self._contact(row) if row is not None else None

    def callback(self, tenant_id: str, contact_id: str) -> CallbackRecord | None:
        """One callback request of the tenant; None when unknown or another tenant's."""
        c = tables.callbacks.c
        with self._engine.connect() as connection:
            row = connection.execute(
                select(tables.callbacks).where(c.tenant_id == tenant_id, c.contact_id == contact_id)
            ).first()
        return self._callback(row) if row is not None else None

    @staticmethod
    def _callback(r: Any) -> CallbackRecord:
        return CallbackRecord(
            r.contact_id,
            r.queue_id,
            r.number,
            r.interval_id,
            dict(r.caller_data),
            r.status,
            r.requested_at,
            r.eligible_at,
            r.attempts,
            tuple(r.agents_tried),
            r.last_note,
        )

    def contacts_of_caller(
        self, tenant_id: str, caller_number: str, *, limit: int = 10
    ) -> list[ContactRecord]:
        """The caller's latest contacts, newest first (the agent's contact card, Q26)."""
        if not caller_number:
            return []
        c = tables.contacts.c
        with self._engine.connect() as connection:
            rows = connection.execute(
                select(tables.contacts)
                .where(c.tenant_id == tenant_id, c.caller_number == caller_number)
                .order_by(c.arrived_at.desc())
                .limit(limit)
            ).all()
        return [self._contact(r) for r in rows]

    def day_by_queue(
        self,
        tenant_id: str,
        since: float,
        target_s: float,
        targets: Mapping[str, float] | None = None,
        short_abandons: Mapping[str, float] | None = None,
    ) -> dict[str, ServiceLevelCounts]:
        """Per queue since ``since``: answered, answered within the queue's target,
        abandoned and of those the short abandons — the wallboard's "today" figures (ST1),
        counted in SQL over the contact log. ``targets`` gives a queue its own target (the
        others use ``target_s``), ``short_abandons`` its short-abandon threshold (the others
        count every abandon). Callers still waiting are the engine's to count."""
        c = tables.contacts.c
        answered = case((c.answered_at.is_not(None), 1), else_=0)
        abandoned = case((c.status == "abandoned", 1), else_=0)
        target: Any = case(dict(targets), value=c.queue_id, else_=target_s) if targets else target_s
        in_target = case(
            (c.answered_at.is_not(None) & (c.answered_at - c.arrived_at <= target), 1), else_=0
        )
        threshold: Any = (
            case(dict(short_abandons), value=c.queue_id, else_=0.0) if short_abandons else 0.0
        )
        short = case(
            ((c.status == "abandoned") & (c.ended_at - c.arrived_at < threshold), 1), else_=0
        )
        with self._engine.connect() as connection:
            rows = connection.execute(
                select(
                    c.queue_id,
                    func.sum(answered),
                    func.sum(in_target),
                    func.sum(abandoned),
                    func.sum(short),
                )
                .where(c.tenant_id == tenant_id, c.arrived_at >= since, c.channel != "callback")
                .group_by(c.queue_id)
            ).all()
        return {r[0]: ServiceLevelCounts(*(int(n or 0) for n in r[1:])) for r in rows}

    def day_by_interval(
        self, tenant_id: str, since: float, until: float, interval_s: float
    ) -> dict[int, tuple[int, int, int]]:
        """Contacts arriving in [since, until) grouped by interval number since ``since``:
        (offered, answered, abandoned) — the wallboard's traffic chart (ST1), one grouped
        query however busy the day."""
        c = tables.contacts.c
        offset = (c.arrived_at - since) / interval_s
        # CAST truncates in SQLite (offsets are >= 0); PostgreSQL's CAST would round.
        index = (
            cast(offset, Integer) if self._engine.dialect.name == "sqlite" else func.floor(offset)
        )
        answered = case((c.answered_at.is_not(None), 1), else_=0)
        abandoned = case((c.status == "abandoned", 1), else_=0)
        with self._engine.connect() as connection:
            rows = connection.execute(
                select(index, func.count(), func.sum(answered), func.sum(abandoned))
                .where(
                    c.tenant_id == tenant_id,
                    c.arrived_at >= since,
                    c.arrived_at < until,
                    c.channel != "callback",
                )
                .group_by(index)
            ).all()
        return {int(r[0]): (int(r[1]), int(r[2] or 0), int(r[3] or 0)) for r in rows}

    def callbacks(self, tenant_id: str) -> list[CallbackRecord]:
        rows, _ = self.callback_page(tenant_id, sort="requested", limit=None)
        return rows

    CALLBACK_SORTS: ClassVar[dict[str, str]] = {
        "number": "number",
        "queue": "queue_id",
        "requested": "requested_at",
        "eligible": "eligible_at",
        "attempts": "attempts",
        "agents": "agents_tried",
        "note": "last_note",
        "status": "status",
    }

    def callback_page(
        self,
        tenant_id: str,
        *,
        queue_id: str = "",
        sort: str = "eligible",
        offset: int = 0,
        limit: int | None = 100,
    ) -> tuple[list[CallbackRecord], int]:
        """One page of the callback list, sorted and filtered in SQL, and the total count —
        the list may hold tens of thousands (CB8)."""
        c = tables.callbacks.c
        where = [c.tenant_id == tenant_id] + ([c.queue_id == queue_id] if queue_id else [])
        column: Any = getattr(c, self.CALLBACK_SORTS.get(sort, "eligible_at"))
        if sort == "agents":  # a JSON list: sorted as its text (PostgreSQL's json has no order)
            column = cast(column, Text)
        query = select(tables.callbacks).where(*where).order_by(column, c.contact_id)
        if limit is not None:
            query = query.offset(max(0, offset)).limit(limit)
        with self._engine.connect() as connection:
            rows = connection.execute(query).all()
            total = connection.execute(
                select(func.count()).select_from(tables.callbacks).where(*where)
            ).scalar_one()
        return [self._callback(r) for r in rows], int(total)
