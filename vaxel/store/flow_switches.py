"""Lavinbesked switches in the database (IVR4, issue 14 §7); migrations ``0019_flow_switches``
and ``0023_switch_windows``.

A flow declares the switches its announcements play under (``switches`` in the flow); the
state of each — on or off, who changed it and when — is the tenant's, kept here, with the
number staff key on a phone (``*96*<nr>#``). A number is given once, the lowest free one,
and kept: staff learn it by heart. A switch may also be scheduled: on from ``on_from`` until
``off_at`` (epoch seconds; 0/0 is no window), so it is on while switched on *or* inside its
window (:meth:`FlowSwitch.on_at`). Every read and write names its tenant; a change is
written with its audit entry in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import (
    Boolean,
    Column,
    Float,
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
from vaxel.store.tables import metadata, tenant_fk

__all__ = ["MAX_SWITCH_NUMBER", "FlowSwitch", "FlowSwitchStore", "flow_switches"]

MAX_SWITCH_NUMBER = 99
"""Numbers 1–99 on the keypad (``vaxel.pbx.feature_codes``)."""

flow_switches = Table(
    "flow_switches",
    metadata,
    tenant_fk(),
    Column("name", String(64), nullable=False),
    Column("number", Integer, nullable=False),
    Column("is_on", Boolean, nullable=False, server_default=false()),
    Column("changed_at", Float, nullable=False, server_default="0"),
    Column("changed_by", String(128), nullable=False, server_default=""),
    Column("on_from", Float, nullable=False, server_default="0"),
    Column("off_at", Float, nullable=False, server_default="0"),
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
    on_from: float = 0.0
    off_at: float = 0.0
    """The scheduled window [on_from, off_at); 0/0: none."""

    def on_at(self, now: float) -> bool:
        """Switched on, or inside its window at ``now`` (IVR4: scheduled)."""
        return self.on or self.on_from <= now < self.off_at


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
            FlowSwitch(
                r.name,
                int(r.number),
                bool(r.is_on),
                float(r.changed_at),
                r.changed_by,
                float(r.on_from),
                float(r.off_at),
            )
            for r in rows
        ]

    def on(self, tenant_id: str, now: float | None = None) -> frozenset[str]:
        """The names of the tenant's switches switched on (and, given ``now``, inside their
        window then)."""
        return frozenset(
            s.name for s in self.of_tenant(tenant_id) if (s.on if now is None else s.on_at(now))
        )

    def windows(self, tenant_id: str) -> tuple[tuple[str, float, float], ...]:
        """(name, on_from, off_at) of each scheduled window: what telephony checks per call."""
        return tuple((s.name, s.on_from, s.off_at) for s in self.of_tenant(tenant_id) if s.off_at)

    def clear_past(self, tenant_id: str, now: float) -> None:
        """Forget windows that have ended (a past window shows as none)."""
        c = flow_switches.c
        with self._db.begin() as connection:
            connection.execute(
                update(flow_switches)
                .where(c.tenant_id == tenant_id, c.off_at > 0, c.off_at <= now)
                .values(on_from=0.0, off_at=0.0)
            )

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
        """Switch ``name`` on or off (audited); off also ends its window. False when the
        tenant has no such switch."""
        c = flow_switches.c
        values: dict[str, object] = {"is_on": on, "changed_at": now, "changed_by": actor[:128]}
        if not on:
            values.update(on_from=0.0, off_at=0.0)
        with self._db.begin() as connection:
            changed = connection.execute(
                update(flow_switches).where(c.tenant_id == tenant_id, c.name == name).values(values)
            ).rowcount
            if changed:
                record(connection, tenant_id, actor, "switch_changed", name,
                       {"on": "true" if on else "false"})  # fmt: skip
        return bool(changed)

    def schedule(
        self, tenant_id: str, name: str, window: tuple[float, float], label: str, actor: str,
        now: float,
    ) -> bool:  # fmt: skip
        """Give ``name`` the window (on_from, off_at), checked by the caller; audited with
        ``label`` (the window in local time). False when the tenant has no such switch."""
        c = flow_switches.c
        with self._db.begin() as connection:
            changed = connection.execute(
                update(flow_switches)
                .where(c.tenant_id == tenant_id, c.name == name)
                .values(on_from=window[0], off_at=window[1], changed_at=now, changed_by=actor[:128])
            ).rowcount
            if changed:
                record(connection, tenant_id, actor, "switch_changed", name, {"window": label})
        return bool(changed)
