"""Database engines: SQLite by default, PostgreSQL when the URL says so.

SQLite runs in WAL mode with ``synchronous=FULL``: a commit has reached the disk when it
returns, which is what "durable the moment it is accepted" (CB, DESIGN "Event journal")
needs. Foreign keys are switched on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

__all__ = ["DEFAULT_URL", "open_database"]

DEFAULT_URL = "sqlite:///var/vaxel.db"


def open_database(url: str = DEFAULT_URL) -> Engine:
    """An SQLAlchemy engine for ``url``; for SQLite the folder is created and pragmas set."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)

    @event.listens_for(engine, "connect")
    def _pragmas(connection: Any, _record: Any) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return engine
