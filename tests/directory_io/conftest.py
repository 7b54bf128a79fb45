"""A migrated database with two tenants and an empty directory each."""

from __future__ import annotations

import pytest

from vaxel.store import Tenant, Tenants, open_database, upgrade
from vaxel.store.directory import DirectoryStore


@pytest.fixture
def store(database_url: str) -> DirectoryStore:
    database = open_database(database_url)
    upgrade(database)
    tenants = Tenants(database)
    tenants.add(Tenant("exempelby", "Exempelby kommun"))
    tenants.add(Tenant("grannby", "Grannby kommun"))
    return DirectoryStore(database)
