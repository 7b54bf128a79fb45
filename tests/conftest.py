"""Shared fixtures. ``database_url`` runs a test on SQLite, and again on PostgreSQL when
``VAXEL_TEST_DATABASE_URL`` points at one (each test gets its own schema there).

Every asyncio test runs on uvloop, the loop ``vaxel serve`` and ``vaxel demo`` always use:
a test on the standard loop once passed while SIP over TCP was broken in production
(issue 10 §6)."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest
import uvloop

_PG = os.environ.get("VAXEL_TEST_DATABASE_URL", "")


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
