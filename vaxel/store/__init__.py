"""Persistence adapter: SQLAlchemy tables, repositories, Alembic migrations, event journal."""

from vaxel.store.codec import Codec, CodecError, acd_codec
from vaxel.store.database import DEFAULT_URL, Database, DatabaseTimeouts, open_database
from vaxel.store.journal import Journal, JournalEntry
from vaxel.store.migrate import upgrade
from vaxel.store.repositories import (
    CallbackRecord,
    ContactRecord,
    Documents,
    MainNumberTaken,
    ReadModels,
    Tenant,
    Tenants,
    ensure_tenant,
    upsert,
)

__all__ = [
    "DEFAULT_URL",
    "CallbackRecord",
    "Codec",
    "CodecError",
    "ContactRecord",
    "Database",
    "DatabaseTimeouts",
    "Documents",
    "Journal",
    "JournalEntry",
    "MainNumberTaken",
    "ReadModels",
    "Tenant",
    "Tenants",
    "acd_codec",
    "ensure_tenant",
    "open_database",
    "upgrade",
    "upsert",
]
