"""Trunks, classes of service and number presentation (issue 14 §2, PBX2, PBX8), beside
``tables.py`` on the same metadata; migration ``0015_pbx_trunks``."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Integer, String, Table, UniqueConstraint, false

from vaxel.store.tables import metadata, tenant_fk

__all__ = ["pbx_class_assignments", "pbx_presentations", "pbx_service_classes", "pbx_trunks"]


pbx_trunks = Table(
    "pbx_trunks",
    metadata,
    tenant_fk(primary_key=True),
    Column("mode", String(16), nullable=False),
    Column("host", String(253), nullable=False),
    Column("port", Integer, nullable=False),
    Column("transport", String(8), nullable=False, server_default="udp"),
    Column("username", String(64), nullable=False, server_default=""),
    Column("auth_username", String(64), nullable=False, server_default=""),
    Column("domain", String(253), nullable=False, server_default=""),
    Column("expires_s", Integer, nullable=False, server_default="3600"),
    Column("password", String(128), nullable=False, server_default=""),
    Column("main_number", String(32), nullable=False, server_default=""),
)
"""One trunk per tenant. ``password`` is the carrier's digest secret, kept as given because
the digest needs it (see ``vaxel.store.pbx_trunks`` for its protection)."""

pbx_service_classes = Table(
    "pbx_service_classes",
    metadata,
    tenant_fk(),
    Column("class_id", String(40), nullable=False),
    Column("name", String(80), nullable=False, server_default=""),
    Column("reach", Integer, nullable=False),
    Column("premium_allowed", Boolean, nullable=False, server_default=false()),
    UniqueConstraint("tenant_id", "class_id"),
)

pbx_class_assignments = Table(
    "pbx_class_assignments",
    metadata,
    tenant_fk(),
    Column("owner_kind", String(8), nullable=False),
    Column("owner", String(64), nullable=False),
    Column("class_id", String(40), nullable=False),
    UniqueConstraint("tenant_id", "owner_kind", "owner"),
)
"""Who has which class: a user (person or extension) or a group."""

pbx_presentations = Table(
    "pbx_presentations",
    metadata,
    tenant_fk(),
    Column("owner_kind", String(8), nullable=False),
    Column("owner", String(64), nullable=False),
    Column("mode", String(16), nullable=False),
    Column("direct_number", String(32), nullable=False, server_default=""),
    UniqueConstraint("tenant_id", "owner_kind", "owner"),
)
"""What a user's or group's calls out present (PBX2), and their direct number."""
