"""A hung PostgreSQL is an outage within seconds, not a blocked thread (issue 10 §1).

Against the real PostgreSQL on 127.0.0.1 (``VAXEL_TEST_DATABASE_URL``): another session
holding a lock on the journal, a statement that runs too long and a server that accepts
the connection but never answers each fail as an operational error — which the runtime
turns into :class:`StoreUnavailable` and the web edge into 503 with ``Retry-After`` — within
the timeouts of ``DatabaseTimeouts`` (settings ``database_*_timeout_s``).
"""

from __future__ import annotations

import asyncio
import os
import socket
import time
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from tests.runtime.test_contact_center import T, configure
from vaxel.acd.commands import NotifyCallbackCreated
from vaxel.acd.events import CallbackRequested
from vaxel.runtime import ContactCenter
from vaxel.store import DatabaseTimeouts, open_database, upgrade
from vaxel.store.availability import StoreUnavailable, outage_reason

PG_BASE = os.environ.get(
    "VAXEL_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A schema of its own on the real PostgreSQL."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_BASE)
    with admin.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in PG_BASE else "?"
    try:
        yield f"{PG_BASE}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


def callback() -> CallbackRequested:
    return CallbackRequested(T, "bygglov", "+46701234567", actor="api")


def test_a_lock_held_by_another_session_is_an_outage_within_the_lock_timeout(
    postgres_url: str,
) -> None:
    clock = Clock()
    database = open_database(postgres_url)  # default timeouts: the lock wait is 0.2 s
    upgrade(database)
    center = ContactCenter(database, seed=3, monotonic=clock)
    center.recover()
    configure(center)
    holder = open_database(postgres_url).connect()
    holder.begin()
    holder.exec_driver_sql("LOCK TABLE journal IN ACCESS EXCLUSIVE MODE")  # e.g. a VACUUM FULL

    started = time.perf_counter()
    with pytest.raises(StoreUnavailable) as away:
        center.submit(callback(), 10.0)
    took = time.perf_counter() - started
    assert took < 1.0, took  # without a lock timeout: until the other session lets go
    assert "lock timeout" in away.value.reason and "INSERT" not in away.value.reason

    async def on_the_loop() -> float:
        clock.now += 1.0  # the retry after Retry-After
        started = time.perf_counter()
        with pytest.raises(StoreUnavailable):
            center.submit(callback(), 11.0)
        return time.perf_counter() - started

    assert asyncio.run(on_the_loop()) < 0.1  # a retry while away does not wait again

    holder.rollback()
    holder.close()
    clock.now += 1.0
    commands = center.submit(callback(), 12.0)
    assert any(isinstance(c, NotifyCallbackCreated) for c in commands)


def test_a_statement_that_hangs_is_cut_off_by_the_statement_timeout(postgres_url: str) -> None:
    database = open_database(postgres_url, timeouts=DatabaseTimeouts(statement_s=0.3))
    started = time.perf_counter()
    with pytest.raises(OperationalError) as hung, database.connect() as connection:
        connection.exec_driver_sql("SELECT pg_sleep(5)")
    assert time.perf_counter() - started < 2.0
    assert outage_reason(hung.value) == "canceling statement due to statement timeout"
    with database.connect() as connection:  # the pool's connection still works
        assert connection.exec_driver_sql("SELECT 1").scalar() == 1
    database.dispose()


def test_a_server_that_never_answers_is_an_outage_within_the_connect_timeout() -> None:
    """A listener on 127.0.0.1 that accepts and then says nothing, as a hung server does."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/test"
        database = open_database(url, timeouts=DatabaseTimeouts(connect_s=2.0))
        started = time.perf_counter()
        with pytest.raises(OperationalError) as hung, database.connect():
            pass
        took = time.perf_counter() - started
        database.dispose()
    assert took < 5.0, took  # libpq's least connect timeout is 2 s
    assert outage_reason(hung.value)


def test_the_timeouts_are_settings_with_defaults() -> None:
    from vaxel.settings import SettingsError, load_settings

    defaults = load_settings(None, {})
    assert (
        defaults.database_connect_timeout_s,
        defaults.database_lock_timeout_s,
        defaults.database_statement_timeout_s,
    ) == (5.0, 0.2, 10.0)
    chosen = load_settings(
        None,
        {
            "VAXEL_DATABASE_CONNECT_TIMEOUT_S": "3",
            "VAXEL_DATABASE_LOCK_TIMEOUT_S": "0.5",
            "VAXEL_DATABASE_STATEMENT_TIMEOUT_S": "30",
        },
    )
    assert chosen.database_lock_timeout_s == 0.5 and chosen.database_statement_timeout_s == 30
    with pytest.raises(SettingsError, match="VAXEL_DATABASE_LOCK_TIMEOUT_S must be a number"):
        load_settings(None, {"VAXEL_DATABASE_LOCK_TIMEOUT_S": "never"})
