"""Alembic environment: runs on the connection handed in by :func:`vaxel.store.upgrade`,
or on ``sqlalchemy.url`` when started from the ``alembic`` command."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from vaxel.store.database import open_database
from vaxel.store.schema import metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    engine = open_database(context.config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as fresh:
        _run(fresh)
