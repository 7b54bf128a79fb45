"""A database that cannot be written stops nothing for good (issue 10 §1).

Another process holding SQLite's write lock, or a commit failing on a full disk, must leave
the engine exactly as the journal has it, refuse the caller at once (StoreUnavailable, the
web answers 503) with a log line saying why, and the next submit after the store is back
simply works — no manual recover().
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, event
from sqlalchemy.exc import OperationalError

from tests.runtime.test_contact_center import T, configure
from vaxel.acd.commands import NotifyCallbackCreated
from vaxel.acd.events import CallbackRequested
from vaxel.runtime import ContactCenter
from vaxel.store import ReadModels, open_database, upgrade
from vaxel.store.availability import StoreUnavailable


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def center_on(url: str, clock: Clock) -> ContactCenter:
    database = open_database(url)
    upgrade(database)
    center = ContactCenter(database, seed=3, monotonic=clock)
    center.recover()
    configure(center)
    return center


def callback(number: str = "+46701234567") -> CallbackRequested:
    return CallbackRequested(T, "bygglov", number, actor="api")


def replayed_callbacks(url: str) -> list[str]:
    """The callbacks a freshly started process rebuilds from the journal."""
    again = ContactCenter(open_database(url), seed=3)
    again.recover()
    return [row.number for row in again.acd.callback_list(T, None)]


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'vaxel.db'}"


@pytest.fixture
def lock_holder(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    """Another process's connection, as `sqlite3 vaxel.db 'BEGIN IMMEDIATE'` would hold it."""
    connection = sqlite3.connect(tmp_path / "vaxel.db", isolation_level=None)
    yield connection
    connection.close()


def test_a_held_write_lock_refuses_at_once_changes_nothing_and_heals(
    sqlite_url: str, lock_holder: sqlite3.Connection, caplog: pytest.LogCaptureFixture
) -> None:
    clock = Clock()
    center = center_on(sqlite_url, clock)
    seq_before = center.last_seq
    lock_holder.execute("BEGIN IMMEDIATE")

    started = time.perf_counter()
    with caplog.at_level(logging.WARNING), pytest.raises(StoreUnavailable) as away:
        center.submit(callback(), 10.0)
    assert time.perf_counter() - started < 1.0  # SQLite's default would wait 5 s
    assert away.value.reason == "database is locked"
    assert away.value.retry_after_s == 1.0
    assert center.acd.callback_list(T, None) == []  # the engine never saw it
    assert center.last_seq == seq_before
    said = [r.getMessage() for r in caplog.records if "cannot be written" in r.getMessage()]
    assert len(said) == 1 and "database is locked" in said[0] and "INSERT" not in said[0]

    # While refused, callers do not each wait on the lock again.
    started = time.perf_counter()
    with pytest.raises(StoreUnavailable):
        center.submit(callback(), 10.5)
    assert time.perf_counter() - started < 0.05
    # Once the wait is over the store is tried again, without waiting on a held lock.
    clock.now += 1.0
    started = time.perf_counter()
    with pytest.raises(StoreUnavailable):
        center.submit(callback(), 11.0)
    assert time.perf_counter() - started < 0.05

    lock_holder.execute("ROLLBACK")
    clock.now += 1.0
    with caplog.at_level(logging.WARNING):
        commands = center.submit(callback(), 12.0)
    assert any(isinstance(c, NotifyCallbackCreated) for c in commands)
    assert any("written again" in r.getMessage() for r in caplog.records)
    assert replayed_callbacks(sqlite_url) == ["+46701234567"]


def full_disk_at_commit(database: Engine) -> Callable[[object], None]:
    """Every commit fails as SQLite's does on a full disk (after the engine applied)."""

    def fail(connection: object) -> None:
        cause = sqlite3.OperationalError("database or disk is full")
        raise OperationalError("COMMIT", None, cause)

    event.listen(database, "commit", fail)
    return fail


def test_a_commit_failing_after_the_engine_applied_rebuilds_the_engine_and_heals(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    clock = Clock()
    center = center_on(database_url, clock)
    fault = full_disk_at_commit(center.database)

    with caplog.at_level(logging.WARNING), pytest.raises(StoreUnavailable) as away:
        center.submit(callback(), 10.0)
    assert away.value.reason == "database or disk is full"
    assert any("rebuilding the engine" in r.getMessage() for r in caplog.records)
    with pytest.raises(StoreUnavailable):  # refused while the engine is rebuilt
        center.submit(callback(), 10.1)
    deadline = time.monotonic() + 5.0
    while center.rebuilding and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not center.rebuilding
    assert center.acd.callback_list(T, None) == []  # the unjournaled callback is gone
    assert ReadModels(center.database).callbacks(T) == []

    event.remove(center.database, "commit", fault)  # space was freed
    clock.now += 1.0
    commands = center.submit(callback("+46707654321"), 11.0)
    assert any(isinstance(c, NotifyCallbackCreated) for c in commands)
    assert [row.number for row in center.acd.callback_list(T, None)] == ["+46707654321"]
    assert replayed_callbacks(database_url) == ["+46707654321"]
