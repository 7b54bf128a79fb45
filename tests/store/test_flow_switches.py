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


def test_a_scheduled_window_is_on_inside_it_audited_and_cleared_when_past(
    database_url: str,
) -> None:
    """IVR4 "scheduled": a switch is on while switched on or inside [on_from, off_at);
    the window is kept with an audit entry, per tenant; an ended window clears; switching
    off ends a window."""
    engine = open_database(database_url)
    upgrade(engine)
    Tenants(engine).add(Tenant("a", "A"))
    Tenants(engine).add(Tenant("b", "B"))
    store = FlowSwitchStore(engine)
    store.number("a", ["storm", "vatten"])
    store.number("b", ["storm"])
    assert store.schedule("a", "storm", (1000.0, 2000.0), "kl 10–11", "admin", 500.0)
    assert not store.schedule("b", "nope", (1000.0, 2000.0), "x", "admin", 500.0)
    assert store.on("a", 999.0) == frozenset()
    assert store.on("a", 1000.0) == frozenset({"storm"})
    assert store.on("a", 1999.0) == frozenset({"storm"})
    assert store.on("a", 2000.0) == frozenset()
    assert store.on("a") == frozenset(), "not switched on: only its window turns it on"
    assert store.on("b", 1500.0) == frozenset()
    assert store.windows("a") == (("storm", 1000.0, 2000.0),)
    assert store.windows("b") == ()
    entry = AuditLog(engine).entries("a")[0]
    assert (entry.action, entry.subject, entry.detail) == (
        "switch_changed",
        "storm",
        {"window": "kl 10–11"},
    )
    store.clear_past("a", 1999.0)
    assert store.windows("a") == (("storm", 1000.0, 2000.0),), "not past yet"
    store.clear_past("a", 2000.0)
    assert store.windows("a") == ()
    store.schedule("a", "vatten", (3000.0, 4000.0), "w", "admin", 2500.0)
    store.set("a", "vatten", False, "admin", 2600.0)
    assert store.windows("a") == () and store.on("a", 3500.0) == frozenset()
