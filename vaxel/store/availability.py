"""When the database cannot be written: what the rest of Växel is told (issue 10 §1).

A write can fail for reasons that pass: another process holds SQLite's write lock, the
disk is full, PostgreSQL restarts. Such a failure is a :class:`StoreUnavailable` with the
reason in one line (the database's own words, never the SQL) and how long to wait before
trying again; the web edge answers it with 503 and ``Retry-After``. A database that is
read-only or missing when Växel starts is a :class:`DatabaseUnusable`: the operator gets
one sentence and exit code 2 instead of a traceback.

SQLite waits at most :data:`BUSY_TIMEOUT_S` for a lock (see ``database.py``), a write on
the event loop only :data:`LOOP_LOCK_WAIT_S`: writes stay synchronous, so the loop is held
no longer than that, and while the store is away
callers are refused at once instead of each waiting again (``ContactCenter``).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import InterfaceError, OperationalError

from vaxel.acd.ports import EngineUnavailable
from vaxel.core.errors import VaxelError

__all__ = [
    "BUSY_TIMEOUT_S",
    "DRIVER_ERRORS",
    "LOOP_LOCK_WAIT_S",
    "RETRY_AFTER_S",
    "DatabaseUnusable",
    "StoreUnavailable",
    "check_usable",
    "outage_reason",
    "sqlite_folder",
]

DRIVER_ERRORS: tuple[type[Exception], ...] = (OperationalError, InterfaceError)
"""The database driver's errors that may mean an outage (:func:`outage_reason` tells), for
the web's 503 handler, which does not import SQLAlchemy itself (issue 12 §2)."""

BUSY_TIMEOUT_S = 0.2
"""How long an SQLite statement waits for another writer's lock before giving up. Växel's
own write transactions hold the lock for milliseconds; a longer hold is an outage."""
LOOP_LOCK_WAIT_S = 0.05
"""How long a write on the event loop waits for a held lock: SIP and HTTP share the loop and
must keep answering within 100 ms while another process holds the database (issue 10)."""
RETRY_AFTER_S = 1.0
"""How long callers are refused at once after a failed write before the store is tried
again; sent as ``Retry-After``."""


class StoreUnavailable(EngineUnavailable):
    """The database could not be written just now; nothing was changed, try again later.

    Deliberately no :class:`~vaxel.core.errors.VaxelError`: those are refusals a page
    shows as a message, and the handlers that catch them must let an outage pass to the
    edge, which answers 503 with ``Retry-After``.
    """

    code = "store_unavailable"

    def __init__(self, reason: str, retry_after_s: float = RETRY_AFTER_S) -> None:
        super().__init__(reason, retry_after_s)
        self.args = (f"the database is unavailable: {reason}",)


class DatabaseUnusable(VaxelError):
    """At start-up the database cannot be opened for writing; ``str()`` is one sentence."""

    code = "database_unusable"

    def __init__(self, database: str, reason: str) -> None:
        self.database = database
        self.reason = reason
        super().__init__(f"databasen {database} går inte att använda: {reason}")


def outage_reason(error: BaseException) -> str | None:
    """The one-line reason when ``error`` means the store is away, else None.

    Operational errors (locked, disk full, read-only, connection lost) and OS errors count;
    an integrity error is a bug and does not. The reason is the driver's first line, so no
    SQL text or parameters reach a log or a response."""
    if isinstance(error, (OperationalError, InterfaceError)):
        cause = error.orig if error.orig is not None else error
        lines = str(cause).strip().splitlines()
        return lines[0] if lines else type(cause).__name__
    if isinstance(error, OSError):
        return error.strerror or type(error).__name__
    return None


def sqlite_folder(url: str) -> Path | None:
    """The folder an SQLite file URL points into (None for memory or other databases)."""
    parsed = make_url(url)
    database = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or database in ("", ":memory:"):
        return None
    if database.startswith("file:"):  # an SQLite URI (…?mode=ro&uri=true)
        database = database.removeprefix("file:").split("?", 1)[0]
    return Path(database).parent


def check_usable(engine: Engine, shown: str) -> None:
    """Raise :class:`DatabaseUnusable` unless a write to ``engine`` would succeed now.

    Run after the migrations: an UPDATE that changes nothing, rolled back, needs the same
    write access as the journal (SQLite refuses it on a read-only file or connection)."""
    try:
        with engine.connect() as connection, connection.begin() as transaction:
            connection.execute(text("UPDATE alembic_version SET version_num = version_num"))
            transaction.rollback()
    except Exception as error:
        reason = outage_reason(error)
        if reason is None:
            raise
        raise DatabaseUnusable(shown, reason) from None
