"""The voicemail's tables (PBX4), beside ``tables.py`` on the same metadata so that the five
PBX parts built at once do not all edit one file; migration ``0014_pbx_voicemail``."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

from vaxel.store.tables import metadata, tenant_fk

__all__ = ["tenant_smtp", "voicemail_boxes", "voicemail_messages", "voicemail_outbox"]


voicemail_boxes = Table(
    "voicemail_boxes",
    metadata,
    tenant_fk(),
    Column("person_id", String(64), nullable=False),
    Column("number", String(40), nullable=False),
    Column("pin_hash", String(200), nullable=False, server_default=""),
    Column("email", String(320), nullable=False, server_default=""),
    Column("greetings", String(100), nullable=False, server_default=""),  # "personal,presence"
    UniqueConstraint("tenant_id", "person_id"),
    Index("ix_voicemail_boxes_number", "tenant_id", "number"),
)
"""A person's mailbox: the PIN's argon2 hash, where to e-mail, which greetings exist."""

voicemail_messages = Table(
    "voicemail_messages",
    metadata,
    tenant_fk(),
    Column("message_id", String(64), nullable=False),
    Column("person_id", String(64), nullable=False),
    Column("caller", String(64), nullable=False, server_default=""),
    Column("received_at", Float, nullable=False),
    Column("duration_s", Float, nullable=False),
    Column("heard", Boolean, nullable=False, server_default=false()),
    Column("file", String(400), nullable=False),  # relative to the voicemail folder
    UniqueConstraint("tenant_id", "message_id"),
    Index("ix_voicemail_messages_person", "tenant_id", "person_id", "received_at"),
)
"""Messages left (the audio is a file under var/, never in the database)."""

voicemail_outbox = Table(
    "voicemail_outbox",
    metadata,
    tenant_fk(),
    Column("message_id", String(64), nullable=False),
    Column("recipient", String(320), nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", Float, nullable=False),
    Column("last_error", Text, nullable=False, server_default=""),
    UniqueConstraint("tenant_id", "message_id"),
    Index("ix_voicemail_outbox_due", "next_attempt_at"),
)
"""E-mails still to send: a row lives until the mail server took the mail, so a failure
or a restart never loses a notification."""

tenant_smtp = Table(
    "tenant_smtp",
    metadata,
    Column(
        "tenant_id",
        String(64),
        ForeignKey("tenants.tenant_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("host", String(253), nullable=False),
    Column("port", Integer, nullable=False),
    Column("sender", String(320), nullable=False),
    Column("username", String(200), nullable=False, server_default=""),
    Column("password", String(200), nullable=False, server_default=""),
    Column("security", String(16), nullable=False, server_default="starttls"),
)
"""A tenant's own mail server; without a row the platform's (settings) is used."""
