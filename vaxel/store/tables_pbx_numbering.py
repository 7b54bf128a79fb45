"""The numbering plan's, devices' and answer groups' tables (PBX1, PBX3), beside
``tables.py`` on the same metadata; migration ``0018_pbx_numbering``."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    Integer,
    String,
    Table,
    UniqueConstraint,
    true,
)

from vaxel.store.tables import metadata, tenant_fk

__all__ = [
    "pbx_devices",
    "pbx_did_ranges",
    "pbx_group_members",
    "pbx_groups",
    "pbx_numbers",
    "pbx_park",
    "pbx_people",
    "pbx_plans",
]


pbx_plans = Table(
    "pbx_plans",
    metadata,
    tenant_fk(),
    Column("short_length", Integer, nullable=True),
    UniqueConstraint("tenant_id"),
)
"""A tenant's plan settings: the short numbers' fixed length (NULL: mixed)."""

pbx_numbers = Table(
    "pbx_numbers",
    metadata,
    tenant_fk(),
    Column("number", String(8), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("ref", String(128), nullable=False),
    UniqueConstraint("tenant_id", "number"),
)
"""Short numbers and what each reaches (``vaxel.pbx.numbering.Target``)."""

pbx_did_ranges = Table(
    "pbx_did_ranges",
    metadata,
    tenant_fk(),
    Column("first", String(20), nullable=False),
    Column("last", String(20), nullable=False),
    Column("first_short", String(8), nullable=False),
    UniqueConstraint("first"),
)
"""Direct-in ranges (E.164) onto short numbers; a range belongs to one tenant."""

pbx_people = Table(
    "pbx_people",
    metadata,
    tenant_fk(),
    Column("person_id", String(64), nullable=False),
    Column("strategy", String(16), nullable=False),
    Column("ring_s", Float, nullable=False),
    UniqueConstraint("tenant_id", "person_id"),
)
"""How a person's devices ring (parallel or in sequence)."""

pbx_devices = Table(
    "pbx_devices",
    metadata,
    tenant_fk(),
    Column("person_id", String(64), nullable=False),
    Column("position", Integer, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("address", String(32), nullable=False),
    Column("ring_s", Float, nullable=False),
    Column("label", String(64), nullable=False, server_default=""),
    UniqueConstraint("tenant_id", "person_id", "position"),
)
"""A person's devices in ring order."""

pbx_groups = Table(
    "pbx_groups",
    metadata,
    tenant_fk(),
    Column("group_id", String(64), nullable=False),
    Column("name", String(64), nullable=False),
    Column("strategy", String(16), nullable=False),
    Column("ring_s", Float, nullable=False),
    Column("member_ring_s", Float, nullable=False),
    Column("queue_id", String(64), nullable=False, server_default=""),
    UniqueConstraint("tenant_id", "group_id"),
)
"""Answer groups (PBX3)."""

pbx_group_members = Table(
    "pbx_group_members",
    metadata,
    tenant_fk(),
    Column("group_id", String(64), nullable=False),
    Column("person_id", String(64), nullable=False),
    Column("position", Integer, nullable=False),
    Column("logged_in", Boolean, nullable=False, server_default=true()),
    UniqueConstraint("tenant_id", "group_id", "person_id"),
)
"""A group's members in ring order, each logged in or out."""


pbx_park = Table(  # migration 0021_pbx_park
    "pbx_park",
    metadata,
    tenant_fk(),
    Column("recall_s", Float, nullable=False),
    Column("recall_to", String(16), nullable=False),
    Column("operator", String(8), nullable=False, server_default=""),
    UniqueConstraint("tenant_id"),
)
"""A tenant's park recall (OP3); its orbits are the plan's ``park-orbit`` numbers."""
