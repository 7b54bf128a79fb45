"""The departments an operator's console serves (OP9, issue 16), migrations
``0028_console_units`` (per account) and ``0030_queue_console_units`` (per operator queue).

An admin may limit an operator to one or more organisational units of the directory: her
console's search, and the names its card looks up, then show only the people of those
units and of the units beneath them. No row: the whole directory, as before. A row names
the account by id, so removing the account removes its rows; a change is written with its
audit entry (``console_units_changed``) in one transaction.

An operator queue may name the departments its console serves too (a row per queue and
unit, ``queue_units_changed``); the queue is named by its id, as the ACD's configuration
names it, so a removed queue's rows are simply never read (no operator is logged in to it).
:func:`vaxel.directory.console_scope.console_units` combines the two.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import (
    Column,
    ForeignKey,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    delete,
    insert,
    select,
)
from sqlalchemy.engine import Engine

from vaxel.store.audit import record
from vaxel.store.tables import metadata, tenant_fk

__all__ = ["MAX_CONSOLE_UNITS", "ConsoleUnits", "console_units", "queue_console_units"]

MAX_CONSOLE_UNITS = 20
"""Units one console may be limited to (a person may sit in as many, DIR1)."""

console_units = Table(
    "console_units",
    metadata,
    tenant_fk(),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("unit_id", String(64), nullable=False),
    PrimaryKeyConstraint("tenant_id", "user_id", "unit_id"),
)

queue_console_units = Table(
    "queue_console_units",
    metadata,
    tenant_fk(),
    Column("queue_id", String(64), nullable=False),
    Column("unit_id", String(64), nullable=False),
    PrimaryKeyConstraint("tenant_id", "queue_id", "unit_id"),
)


class ConsoleUnits:
    def __init__(self, database: Engine) -> None:
        self._db = database

    def of_user(self, tenant_id: str, user_id: int) -> tuple[str, ...]:
        """The units the account's console serves, sorted; () for the whole directory."""
        c = console_units.c
        query = (
            select(c.unit_id)
            .where(c.tenant_id == tenant_id, c.user_id == user_id)
            .order_by(c.unit_id)
        )
        with self._db.connect() as connection:
            return tuple(connection.execute(query).scalars())

    def of_tenant(self, tenant_id: str) -> dict[int, tuple[str, ...]]:
        """Account id → its units, for the accounts that are limited."""
        c = console_units.c
        query = select(c.user_id, c.unit_id).where(c.tenant_id == tenant_id).order_by(c.unit_id)
        found: dict[int, tuple[str, ...]] = {}
        with self._db.connect() as connection:
            for user_id, unit_id in connection.execute(query):
                found[user_id] = (*found.get(user_id, ()), unit_id)
        return found

    def set(
        self, tenant_id: str, user_id: int, username: str, unit_ids: Iterable[str], actor: str
    ) -> None:
        """Limit the account's console to ``unit_ids`` (none: the whole directory), audited
        as ``actor``. The caller has checked the account and the units are the tenant's."""
        units = sorted(set(unit_ids))
        c = console_units.c
        with self._db.begin() as connection:
            connection.execute(
                delete(console_units).where(c.tenant_id == tenant_id, c.user_id == user_id)
            )
            if units:
                connection.execute(
                    insert(console_units),
                    [{"tenant_id": tenant_id, "user_id": user_id, "unit_id": u} for u in units],
                )
            detail = {"units": ", ".join(units)}
            record(connection, tenant_id, actor, "console_units_changed", username, detail)

    def of_queues(self, tenant_id: str) -> dict[str, tuple[str, ...]]:
        """Queue id → the departments its console serves, for the queues that name any."""
        c = queue_console_units.c
        query = select(c.queue_id, c.unit_id).where(c.tenant_id == tenant_id).order_by(c.unit_id)
        found: dict[str, tuple[str, ...]] = {}
        with self._db.connect() as connection:
            for queue_id, unit_id in connection.execute(query):
                found[queue_id] = (*found.get(queue_id, ()), unit_id)
        return found

    def set_queue(self, tenant_id: str, queue_id: str, unit_ids: Iterable[str], actor: str) -> None:
        """The operator queue's console serves ``unit_ids`` (none: the whole directory),
        audited as ``actor``. The caller has checked the queue and the units are the tenant's."""
        units = sorted(set(unit_ids))
        c = queue_console_units.c
        with self._db.begin() as connection:
            connection.execute(
                delete(queue_console_units).where(c.tenant_id == tenant_id, c.queue_id == queue_id)
            )
            if units:
                connection.execute(
                    insert(queue_console_units),
                    [{"tenant_id": tenant_id, "queue_id": queue_id, "unit_id": u} for u in units],
                )
            detail = {"units": ", ".join(units)}
            record(connection, tenant_id, actor, "queue_units_changed", queue_id, detail)
