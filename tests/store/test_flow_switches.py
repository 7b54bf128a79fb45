"""Lavinbesked switches in the store (IVR4, issue 14 §7): numbered once and kept, switched
with an audit entry, tenants kept apart — on SQLite and PostgreSQL."""

from __future__ import annotations

from vaxel.store import Tenant, Tenants, open_database, upgrade
from vaxel.store.audit import AuditLog
from vaxel.store.flow_switches import FlowSwitchStore


def test_switches_are_numbered_once_switched_and_audited(database_url: str) -> None:
    engine = open_database(database_url)
    upgrade(engine)
    Tenants(engine).add(Tenant("a", "A"))
    Tenants(engine).add(Tenant("b", "B"))
    store = FlowSwitchStore(engine)
    numbered = store.number("a", ["storm", "vatten"])
    assert [(s.name, s.number, s.on) for s in numbered] == [
        ("storm", 1, False),
        ("vatten", 2, False),
    ]
    assert store.set("a", "vatten", True, "admin", 10.0)
    later = store.number("a", ["el", "storm", "vatten"])  # a new one gets the next number
    assert [(s.name, s.number, s.on) for s in later] == [
        ("storm", 1, False),
        ("vatten", 2, True),
        ("el", 3, False),
    ]
    assert store.on("a") == frozenset({"vatten"})
    assert store.on("b") == frozenset()
    assert not store.set("b", "vatten", True, "intruder", 11.0), "another tenant's switch"
    assert store.number("b", ["vatten"])[0].number == 1  # numbers are per tenant
    assert store.on("b") == frozenset()
    entry = AuditLog(engine).entries("a")[0]
    assert (entry.actor, entry.action, entry.subject, entry.detail) == (
        "admin",
        "switch_changed",
        "vatten",
        {"on": "true"},
    )
    assert AuditLog(engine).entries("b") == []
