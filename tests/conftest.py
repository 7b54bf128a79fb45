"""Shared fixtures. ``database_url`` runs a test on SQLite, and again on PostgreSQL when
``VAXEL_TEST_DATABASE_URL`` points at one (each test gets its own schema there).

Every asyncio test runs on uvloop, the loop ``vaxel serve`` and ``vaxel demo`` always use:
a test on the standard loop once passed while SIP over TCP was broken in production
(issue 10 §6).

Passwords hash with argon2's cheapest parameters here (``cheap_password_hashing``); the
tests that are about hashing ask for ``production_argon2``."""

from __future__ import annotations

import asyncio
import atexit
import os
import shutil
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest
import uvloop
from argon2 import Parameters, profiles

from vaxel.store import open_database, upgrade
from vaxel.web import passwords

_PG = os.environ.get("VAXEL_TEST_DATABASE_URL", "")
MEMORY_TMP = Path("/dev/shm")
MEMORY_TMP_MIN_FREE = 2 * 2**30
"""A whole run leaves about 300 MB in its temporary folders: a smaller /dev/shm (Docker's
64 MB) is not used."""


def pytest_configure(config: pytest.Config) -> None:
    """Tests' temporary folders (``tmp_path``) in memory when /dev/shm has room: every
    SQLite commit is fsynced (``synchronous=FULL``, as in production), and a web test's
    set-up alone commits 76 times — 0.2-0.5 s on disk under load, nothing on tmpfs. The
    durability itself is SQLite's, not something these tests could observe. An explicit
    ``--basetemp`` or ``PYTEST_DEBUG_TEMPROOT`` still wins."""
    if config.option.basetemp or os.environ.get("PYTEST_DEBUG_TEMPROOT"):
        return
    try:
        space = os.statvfs(MEMORY_TMP)
    except OSError:
        return
    if os.access(MEMORY_TMP, os.W_OK) and space.f_bavail * space.f_frsize >= MEMORY_TMP_MIN_FREE:
        os.environ["PYTEST_DEBUG_TEMPROOT"] = str(MEMORY_TMP)


_schema: list[Path] = []
"""The run's one SQLite database migrated to the newest schema (made on first use)."""


def migrated_sqlite(path: Path) -> str:
    """The URL of a new SQLite database at ``path`` with the newest schema: a copy of one
    database migrated once a run. Alembic re-reads every migration script and runs them
    all for each ``upgrade``, 0.1-0.3 s, and each web and telephony test began with one;
    the copy (SQLite's backup API) is the same database in a few milliseconds. The
    migrations themselves are tested in tests/store."""
    if not _schema:
        folder = Path(tempfile.mkdtemp(prefix="vaxel-schema-"))
        atexit.register(shutil.rmtree, folder, True)
        engine = open_database(f"sqlite:///{folder / 'schema.db'}")
        upgrade(engine)
        engine.dispose()
        _schema.append(folder / "schema.db")
    _copy_sqlite(_schema[0], path)
    return f"sqlite:///{path}"


def _copy_sqlite(source_path: Path, path: Path) -> None:
    """``source_path``'s database written to ``path`` by SQLite's backup API."""
    source, target = sqlite3.connect(source_path), sqlite3.connect(path)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


SEED_MAX_AGE_S = 60.0
"""How old a seeded template may be before the next test gets a fresh one."""
_seeded: dict[tuple[str, str], tuple[float, Path]] = {}
"""(name, the password hashing's parameters) → (monotonic time it was seeded, its file):
a test asking for ``production_argon2`` gets users hashed as Växel hashes them."""


def seeded_sqlite(path: Path, name: str, seed: Callable[[str], None]) -> str:
    """The URL of a new SQLite database at ``path``: a copy of a migrated database on which
    ``seed(url)`` ran at most ``SEED_MAX_AGE_S`` ago (seeded once per ``name`` and minute).
    Seeding the demo tenant — its directory of a few hundred people, its PBX, its queues and
    agents — took 0.1-0.3 s, and some 1,600 web and telephony tests each began with it; the
    copy is the same rows and journal in milliseconds. The caller opens a ContactCenter on
    the copy and ``recover()``s it, as ``vaxel serve`` does on a stored database. A template
    a minute old is what a test a minute slower would see (the seed's presences end ≥ 10
    minutes after it), so no test can tell the difference."""
    key = (name, repr(passwords.PARAMETERS))
    made = _seeded.get(key)
    if made is None or time.monotonic() - made[0] > SEED_MAX_AGE_S:
        folder = Path(tempfile.mkdtemp(prefix=f"vaxel-seed-{name}-"))
        atexit.register(shutil.rmtree, folder, True)
        template = folder / "seeded.db"
        seeded_at = time.monotonic()
        seed(migrated_sqlite(template))
        made = _seeded[key] = (seeded_at, template)
    _copy_sqlite(made[1], path)
    return f"sqlite:///{path}"


SHIPPED_PARAMETERS: Parameters = passwords.PARAMETERS
"""What Växel hashes passwords with, read before the suite makes hashing cheap."""


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing() -> Iterator[None]:
    """argon2's cheapest profile for every test: a web test's set-up hashed three
    passwords and each sign-in verified one at 60-200 ms each, minutes of the suite; what
    a password check costs is the business of the tests that use ``production_argon2``."""
    passwords.PARAMETERS = profiles.CHEAPEST
    yield
    passwords.PARAMETERS = SHIPPED_PARAMETERS


@pytest.fixture
def production_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """Växel's own argon2 parameters for this test's hashing (ask for it before ``web``)."""
    monkeypatch.setattr(passwords, "PARAMETERS", SHIPPED_PARAMETERS)


def pytest_asyncio_loop_factories(
    config: pytest.Config, item: pytest.Item
) -> Mapping[str, Callable[[], asyncio.AbstractEventLoop]]:
    """pytest-asyncio builds each test's loop with this: uvloop, as in production."""
    return {"uvloop": uvloop.new_event_loop}


@pytest.fixture(params=["sqlite", *(["postgres"] if _PG else [])])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'vaxel.db'}"
        return
    import sqlalchemy as sa

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(_PG)
    with admin.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in _PG else "?"
    try:
        yield f"{_PG}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()
