"""Tenant-scoped repositories: every read and write names its tenant, and no query can
return another tenant's rows (DESIGN "Tenancy"). They map rows to domain objects and
plain documents; tables never leave this package.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from sqlalchemy import (
    Connection,
    Engine,
    Integer,
    Table,
    Text,
    case,
    cast,
    delete,
    func,
    insert,
    select,
    update,
)

from vaxel.core.errors import ConfigError, NotFound, UnknownTenant
from vaxel.stats import ServiceLevelCounts
from vaxel.store import tables

__all__ = [
    "CallbackRecord",
    "ContactRecord",
    "Documents",
    "MainNumberTaken",
    "ReadModels",
    "Tenant",
    "Tenants",
    "UnknownDocument",
    "ensure_tenant",
    "upsert",
]


class UnknownDocument(NotFound):
    """No queue/agent/schedule/flow document with that id in this tenant."""

    def __init__(self, kind: str, object_id: str, tenant_id: str) -> None:
        self.kind = kind
        super().__init__(object_id, tenant_id)


class MainNumberTaken(ConfigError):
    """Two organisations cannot share a main number: the incoming call would reach
    whichever flow answers first (issue 10 §13)."""

    def __init__(self, number: str, owner: str) -> None:
        self.number = number
        self.owner = owner
        super().__init__("main_number", "main-number-taken", value=number, owner=owner)


@dataclass(frozen=True, slots=True)
class Tenant:
    tenant_id: str
    name: str
    main_number: str = ""
    international_calls: bool = False
    """The tenant may dial and book callbacks abroad (issue 10 §11, PBX8); off by default."""


class Tenants:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add(self, tenant: Tenant) -> None:
        """Add or rename ``tenant``; raises MainNumberTaken when another organisation
        already answers its main number (as its main number or one of its service numbers,
        issue 12 §6)."""
        t = tables.tenants.c
        with self._engine.begin() as connection:
            if tenant.main_number:
                owner = connection.execute(
                    select(t.tenant_id).where(
                        t.main_number == tenant.main_number, t.tenant_id != tenant.tenant_id
                    )
                ).scalar()
                if owner is None:  # nor may it be another organisation's service number
                    n = tables.service_numbers.c
                    owner = connection.execute(
                        select(n.tenant_id).where(
                            n.number == tenant.main_number, n.tenant_id != tenant.tenant_id
                        )
                    ).scalar()
                if owner is not None:
                    raise MainNumberTaken(tenant.main_number, str(owner))
            upsert(
                connection,
                tables.tenants,
                {"tenant_id": tenant.tenant_id},
                {
                    "name": tenant.name,
                    "main_number": tenant.main_number,
                    "international_calls": tenant.international_calls,
                },
            )

    def get(self, tenant_id: str) -> Tenant:
        with self._engine.connect() as connection:
            row = connection.execute(
                select(tables.tenants).where(tables.tenants.c.tenant_id == tenant_id)
            ).first()
        if row is None:
            raise UnknownTenant(tenant_id)
        return Tenant(row.tenant_id, row.name, row.main_number, row.international_calls)

    def all(self) -> list[Tenant]:
        with self._engine.connect() as connection:
            rows = connection.execute(select(tables.tenants).order_by("tenant_id")).all()
        return [Tenant(r.tenant_id, r.name, r.main_number, r.international_calls) for r in rows]


class Documents:
    """Named JSON documents of one kind (queues, agents, schedules, flows) per tenant."""

    _TABLES: ClassVar[Mapping[str, tuple[Table, str]]] = {
        "queue": (tables.queues, "queue_id"),
        "agent": (tables.agents, "agent_id"),
        "schedule": (tables.schedules, "schedule_id"),
        "flow": (tables.flows, "flow_id"),
        "extension": (tables.extensions, "extension_id"),
        "list": (tables.tenant_lists, "list_id"),
    }

    def __init__(self, engine: Engine, kind: str) -> None:
        self._engine = engine
        self._kind = kind
        self._table, key = self._TABLES[kind]
        self._key = self._table.c[key]

    def put(self, tenant_id: str, object_id: str, name: str, document: Mapping[str, Any]) -> None:
        with self._engine.begin() as connection:
            upsert(
                connection,
                self._table,
                {"tenant_id": tenant_id, self._key.name: object_id},
                {"name": name, "document": dict(document)},
            )

    def get(self, tenant_id: str, object_id: str) -> dict[str, Any]:
        with self._engine.connect() as connection:
            row = connection.execute(
                select(self._table.c.document).where(
                    self._table.c.tenant_id == tenant_id, self._key == object_id
                )
            ).first()
        if row is None:
            raise UnknownDocument(self._kind, object_id, tenant_id)
        return dict(row.document)

    def all(self, tenant_id: str) -> dict[str, dict[str, Any]]:
        with self._engine.connect() as connection:
            rows = connection.execute(
                select(self._key, self._table.c.document)
                .where(self._table.c.tenant_id == tenant_id)
                .order_by(self._key)
            ).all()
        return {row[0]: dict(row[1]) for row in rows}

    def remove(self, tenant_id: str, object_id: str) -> None:
        with self._engine.begin() as connection:
            connection.execute(
                delete(self._table).where(
                    self._table.c.tenant_id == tenant_id, self._key == object_id
                )
            )

    def owners(self, object_id: str) -> list[str]:
        """The tenants holding a document with this id: for ids unique across tenants, such
        as extension numbers (one SIP domain per node); says who, never what."""
        with self._engine.connect() as connection:
            rows = connection.execute(
                select(self._table.c.tenant_id).where(self._key == object_id)
            ).all()
        return sorted(row[0] for row in rows)


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


def ensure_tenant(connection: Connection, tenant_id: str) -> None:
    """Create the tenant row (named by its id) unless it exists, e.g. for the first queue
    configured through the engine before an admin named the tenant."""
    found = connection.execute(
        select(tables.tenants.c.tenant_id).where(tables.tenants.c.tenant_id == tenant_id)
    ).first()
    if found is None:
        connection.execute(insert(tables.tenants).values(tenant_id=tenant_id, name=tenant_id))


def upsert(
    connection: Connection, table: Table, keys: Mapping[str, Any], values: Mapping[str, Any]
) -> None:
    """Update the row with ``keys`` or insert it: portable across SQLite and PostgreSQL."""
    where = [table.c[name] == value for name, value in keys.items()]
    result = connection.execute(update(table).where(*where).values(**values))
    if result.rowcount == 0:
        connection.execute(insert(table).values(**keys, **values))
