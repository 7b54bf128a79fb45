"""Database engines: SQLite by default, PostgreSQL when the URL says so.

SQLite runs in WAL mode with ``synchronous=FULL``: a commit has reached the disk when it
returns, which is what "durable the moment it is accepted" (CB, DESIGN "Event journal")
needs. Foreign keys are switched on. A statement waits at most ``BUSY_TIMEOUT_S`` for
another writer's lock (SQLite's default is 5 s, all of it on the event loop): a longer hold
is an outage, answered 503 at once (issue 10 §1, ``availability.py``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from vaxel.store.availability import BUSY_TIMEOUT_S, sqlite_folder

__all__ = ["DEFAULT_URL", "open_database"]

DEFAULT_URL = "sqlite:///var/vaxel.db"


def open_database(url: str = DEFAULT_URL, *, create_folder: bool = True) -> Engine:
    """An SQLAlchemy engine for ``url``; for SQLite the pragmas are set and the folder
    created — unless ``create_folder`` is False (``vaxel serve``: a missing folder is more
    likely a typo or an unmounted volume than a wish for an empty database)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    folder = sqlite_folder(url)
    if folder is not None and create_folder:
        folder.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S})

    @event.listens_for(engine, "connect")
    def _pragmas(connection: Any, _record: Any) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return engine
