"""Call forwarding's table (PBX5, issue 14 §4), beside ``tables.py`` on the same metadata
like the other PBX tables (``tables_pbx_numbering``, ``tables_pbx_trunks``,
``tables_voicemail``); migration ``0016_pbx_forwarding``."""

from __future__ import annotations

from sqlalchemy import Column, Float, Integer, String, Table, UniqueConstraint

from vaxel.store.tables import metadata, tenant_fk

__all__ = ["pbx_forwarding"]

pbx_forwarding = Table(
    "pbx_forwarding",
    metadata,
    tenant_fk(),
    Column("person_id", String(64), nullable=False),
    Column("condition", String(16), nullable=False),  # always, unregistered, busy, no-answer
    Column("destination", String(21), nullable=False),  # digits, or + and digits
    Column("after_s", Integer, nullable=False),  # ringing time before no-answer forwarding
    Column("set_by", String(100), nullable=False, server_default=""),
    Column("updated_at", Float, nullable=False),
    UniqueConstraint("tenant_id", "person_id", "condition"),
)
"""A person's call forwarding, one row per condition (PBX5, issue 14 §4)."""
