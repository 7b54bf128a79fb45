"""Database engines: SQLite by default, PostgreSQL when the URL says so.

SQLite runs in WAL mode with ``synchronous=FULL``: a commit has reached the disk when it
returns, which is what "durable the moment it is accepted" (CB, DESIGN "Event journal")
needs. Foreign keys are switched on. A statement waits at most ``BUSY_TIMEOUT_S`` for
another writer's lock (SQLite's default is 5 s, all of it on the event loop): a longer hold
is an outage, answered 503 at once (issue 10 §1, ``availability.py``).

PostgreSQL gets the same bounds through :class:`DatabaseTimeouts`: a server that does not
answer, a lock another session holds and a statement that hangs each fail within seconds
as an operational error — an outage, 503 with ``Retry-After`` — instead of holding a
thread, or the event loop, for as long as the server hangs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from vaxel.store.availability import BUSY_TIMEOUT_S, sqlite_folder

__all__ = ["DEFAULT_URL", "Database", "DatabaseTimeouts", "open_database"]

Database = Engine
"""The handle adapters pass around to the repositories; only the store knows it is
SQLAlchemy's (issue 12 §2: the web never imports SQLAlchemy)."""

DEFAULT_URL = "sqlite:///var/vaxel.db"


@dataclass(frozen=True, slots=True)
class DatabaseTimeouts:
    """How long PostgreSQL may keep Växel waiting (settings ``database_*_timeout_s``)."""

    connect_s: float = 5.0
    """Opening a connection (libpq counts whole seconds, at least 2)."""
    lock_s: float = BUSY_TIMEOUT_S
    """Waiting for a lock another session holds (as SQLite's busy timeout)."""
    statement_s: float = 10.0
    """Any one statement; the journal's writes take milliseconds."""
    pool_s: float = 5.0
    """Waiting for a free connection of the pool."""


def open_database(
    url: str = DEFAULT_URL,
    *,
    create_folder: bool = True,
    timeouts: DatabaseTimeouts | None = None,
) -> Engine:
    """An SQLAlchemy engine for ``url``; for SQLite the pragmas are set and the folder
    created — unless ``create_folder`` is False (``vaxel serve``: a missing folder is more
    likely a typo or an unmounted volume than a wish for an empty database). PostgreSQL
    connections get ``timeouts`` (the defaults when None)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return _postgresql(url, timeouts or DatabaseTimeouts())
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


def _postgresql(url: str, timeouts: DatabaseTimeouts) -> Engine:
    """Set per connection with SET, not the ``options`` connect argument, which would
    replace options the URL itself carries (a search_path)."""
    connect_args: dict[str, Any] = {}
    if "connect_timeout" not in make_url(url).query:
        connect_args["connect_timeout"] = max(2, round(timeouts.connect_s))
    engine = create_engine(
        url, pool_pre_ping=True, pool_timeout=timeouts.pool_s, connect_args=connect_args
    )
    lock_ms = max(1, int(timeouts.lock_s * 1000))
    statement_ms = max(1, int(timeouts.statement_s * 1000))

    @event.listens_for(engine, "connect")
    def _timeouts(connection: Any, _record: Any) -> None:
        autocommit = connection.autocommit
        connection.autocommit = True  # a SET outside any transaction, kept for the session
        with connection.cursor() as cursor:
            cursor.execute(f"SET lock_timeout = {lock_ms}")
            cursor.execute(f"SET statement_timeout = {statement_ms}")
        connection.autocommit = autocommit

    return engine
