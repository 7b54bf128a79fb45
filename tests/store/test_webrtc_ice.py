"""The browser phone's ICE servers in the store (issue 15 §3): kept per tenant, replaced
and removed with an audit entry that never holds the TURN password — on SQLite and
PostgreSQL (migration 0024)."""

from __future__ import annotations

from vaxel.store import Tenant, Tenants, open_database, upgrade
from vaxel.store.audit import AuditLog
from vaxel.store.webrtc_ice import IceServers, IceServersStore


def test_servers_are_the_tenants_replaced_removed_and_audited(database_url: str) -> None:
    engine = open_database(database_url)
    upgrade(engine)
    Tenants(engine).add(Tenant("a", "A"))
    Tenants(engine).add(Tenant("b", "B"))
    store = IceServersStore(engine)
    assert store.of("a") == IceServers()
    servers = IceServers(("stun:stun.a.se", "turn:turn.a.se:3478"), "vaxel", "hemlis")
    store.put("a", servers, "admin", 10.0)
    assert store.of("a") == servers
    assert store.of("b") == IceServers()  # never another tenant's
    store.put("a", IceServers(("stun:stun.a.se",)), "admin", 11.0)
    assert store.of("a") == IceServers(("stun:stun.a.se",))
    store.put("a", IceServers(), "admin", 12.0)
    assert store.of("a") == IceServers()
    entries = AuditLog(engine).entries("a")
    assert [(e.action, e.detail["urls"]) for e in entries] == [
        ("ice_servers_changed", ""),
        ("ice_servers_changed", "stun:stun.a.se"),
        ("ice_servers_changed", "stun:stun.a.se, turn:turn.a.se:3478"),
    ]
    assert all("hemlis" not in str(e.detail) for e in entries)
