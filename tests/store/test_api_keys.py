"""API keys in the store (issue 10 §12): the upgrade keeps old keys working, scopes are
checked on the way in, revocation is per tenant."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from vaxel.store import Tenant, Tenants, open_database, upgrade
from vaxel.store.api_keys import ApiKeys, key_hash, key_id_of


def test_a_key_from_before_scopes_keeps_every_scope_after_the_upgrade(database_url: str) -> None:
    """Every scope of its time; ``config`` came later and is never given without asking."""
    engine = open_database(database_url)
    upgrade(engine, "0005")
    with engine.begin() as connection:
        connection.execute(
            sa.text("INSERT INTO tenants (tenant_id, name, main_number) VALUES ('a', 'A', '')")
        )
        connection.execute(
            sa.text(
                "INSERT INTO api_keys (key_hash, tenant_id, name, created_at) "
                "VALUES (:hash, 'a', 'crm', 1.0)"
            ),
            {"hash": key_hash("gammal-nyckel")},
        )
    upgrade(engine)
    keys = ApiKeys(engine)
    found = keys.authenticate("gammal-nyckel", 100.0)
    assert found is not None and found.scopes == ("callbacks:create", "read", "events")
    assert found.key_id == key_id_of("gammal-nyckel")
    assert keys.revoke("a", found.key_id, 200.0)
    assert keys.authenticate("gammal-nyckel", 300.0) is None


def test_scopes_are_checked_and_another_tenant_cannot_revoke(database_url: str) -> None:
    engine = open_database(database_url)
    upgrade(engine)
    Tenants(engine).add(Tenant("a", "A"))
    Tenants(engine).add(Tenant("b", "B"))
    keys = ApiKeys(engine)
    for scopes in ([], ["admin"]):
        with pytest.raises(ValueError, match="scopes"):
            keys.add("a", "x", "nyckel", 1.0, scopes)
    made = keys.add("a", "webbplatsen", "nyckel", 1.0, ["callbacks:create"], expires_at=50.0)
    assert not keys.revoke("b", made.key_id, 2.0)
    assert keys.authenticate("nyckel", 49.0) is not None
    assert keys.authenticate("nyckel", 50.0) is None  # expired
    assert [k.scopes for k in keys.all("a")] == [("callbacks:create",)] and keys.all("b") == []
