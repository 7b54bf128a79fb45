"""What Alembic's autogenerate compares the migrated database with (STYLE rule 9): every
table of every module, and nothing the migrations do not make."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from vaxel.store.database import open_database
from vaxel.store.migrate import upgrade
from vaxel.store.schema import metadata


def test_the_migrations_make_exactly_the_schema_the_tables_declare(database_url: str) -> None:
    database = open_database(database_url)
    upgrade(database)
    with database.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    # a table module missing from vaxel/store/schema.py shows here as 'remove_table'
    assert differences == []
    assert {"tenants", "pbx_forwarding", "voicemail_boxes", "flow_switches"} <= set(metadata.tables)
