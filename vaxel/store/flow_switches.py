"""Lavinbesked switches in the database (IVR4, issue 14 §7); migration ``0019_flow_switches``.

A flow declares the switches its announcements play under (``switches`` in the flow); the
state of each — on or off, who changed it and when — is the tenant's, kept here, with the
number staff key on a phone (``*96*<nr>#``). A number is given once, the lowest free one,
and kept: staff learn it by heart. Every read and write names its tenant; a change is
written with its audit entry in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    UniqueConstraint,
    false,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from vaxel.store.audit import record
from vaxel.store.tables import metadata

__all__ = ["MAX_SWITCH_NUMBER", "FlowSwitch", "FlowSwitchStore", "flow_switches"]

MAX_SWITCH_NUMBER = 99
"""Numbers 1–99 on the keypad (``vaxel.pbx.feature_codes``)."""

flow_switches = Table(
    "flow_switches",
    metadata,
    Column(
        "tenant_id",
        String(64),
        ForeignKey("tenants.tenant_id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("name", String(64), nullable=False),
    Column("number", Integer, nullable=False),
    Column("is_on", Boolean, nullable=False, server_default=false()),
    Column("changed_at", Float, nullable=False, server_default="0"),
    Column("changed_by", String(128), nullable=False, server_default=""),
    PrimaryKeyConstraint("tenant_id", "name"),
    UniqueConstraint("tenant_id", "number"),
)


@dataclass(frozen=True, slots=True)
class FlowSwitch:
    name: str
    number: int
    on: bool = False
    changed_at: float = 0.0
    changed_by: str = ""


class FlowSwitchStore:
    def __init__(self, database: Engine) -> None:
        self._db = database

    def of_tenant(self, tenant_id: str) -> list[FlowSwitch]:
        """The tenant's numbered switches, by number."""
        c = flow_switches.c
        with self._db.connect() as connection:
            rows = connection.execute(
                select(flow_switches).where(c.tenant_id == tenant_id).order_by(c.number)
            ).all()
        return [
            FlowSwitch(r.name, int(r.number), bool(r.is_on), float(r.changed_at), r.changed_by)
            for r in rows
        ]

    def on(self, tenant_id: str) -> frozenset[str]:
        """The names of the tenant's switches that are on: what a new call's flow reads."""
        return frozenset(s.name for s in self.of_tenant(tenant_id) if s.on)

    def number(self, tenant_id: str, names: list[str]) -> list[FlowSwitch]:
        """Give each of ``names`` without a number the lowest free one (off); the tenant's
        switches after. Names past the 99th number are left unnumbered."""
        for _ in range(3):  # two admins numbering at once: the loser tries again
            known = {s.name: s for s in self.of_tenant(tenant_id)}
            taken = {s.number for s in known.values()}
            free = (n for n in range(1, MAX_SWITCH_NUMBER + 1) if n not in taken)
            fresh = [
                {"tenant_id": tenant_id, "name": name, "number": number}
                for name, number in zip((n for n in names if n not in known), free, strict=False)
            ]
            if not fresh:
                return list(known.values())
            try:
                with self._db.begin() as connection:
                    connection.execute(insert(flow_switches), fresh)
            except IntegrityError:
                continue
        return self.of_tenant(tenant_id)

    def set(self, tenant_id: str, name: str, on: bool, actor: str, now: float) -> bool:
        """Switch ``name`` on or off (audited); False when the tenant has no such switch."""
        c = flow_switches.c
        with self._db.begin() as connection:
            changed = connection.execute(
                update(flow_switches)
                .where(c.tenant_id == tenant_id, c.name == name)
                .values(is_on=on, changed_at=now, changed_by=actor[:128])
            ).rowcount
            if changed:
                record(connection, tenant_id, actor, "switch_changed", name,
                       {"on": "true" if on else "false"})  # fmt: skip
        return bool(changed)
