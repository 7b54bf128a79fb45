"""The demo tenant's directory (issue 13 §8): a few hundred people in Exempelby's units,
some away with a reason and a return time, Swedish name variants — the same every run, and
in the demo's database from the start."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from vaxel.demo import seed_demo_directory
from vaxel.directory import DirectoryIndex, current_presence, reason_catalogue
from vaxel.sim.demo_directory import demo_directory
from vaxel.sim.demo_tenant import DEMO_TENANT, TENANT_NAME
from vaxel.store import Tenant, Tenants, open_database, upgrade
from vaxel.store.directory import DirectoryStore

NOW = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)  # a Monday morning


def test_the_demo_directory_is_a_municipality_and_the_same_every_time() -> None:
    directory = demo_directory(NOW)
    assert directory == demo_directory(NOW)  # deterministic
    assert demo_directory(NOW, seed=2).people != directory.people
    assert 300 <= len(directory.people) <= 400
    names = {unit.unit_id: unit for unit in directory.units}
    for path in (("samhallsbyggnad", "bygglov"), ("socialtjanst", "socialjour")):
        assert names[path[1]].parent_id == path[0]
    assert {"kommunledning", "barn-utbildning"} <= set(names)
    assert all(u in names for p in directory.people for u in p.unit_ids)
    extensions = [p.extension for p in directory.people]
    assert len(set(extensions)) == len(extensions)  # every extension reaches one person
    families = Counter(p.family_name for p in directory.people)
    for variants in (("Carlsson", "Karlsson"), ("Lindqvist", "Lindquist"), ("Sjöberg", "Schöberg")):
        assert all(families[name] for name in variants), variants


def test_some_are_away_with_a_reason_and_a_return_time() -> None:
    directory = demo_directory(NOW)
    reasons = reason_catalogue()
    away = directory.presences
    assert 0.12 * len(directory.people) < len(away) < 0.35 * len(directory.people)
    assert {p.reason_id for p in away.values()} <= set(reasons)
    assert len({p.reason_id for p in away.values()}) >= 6
    assert all(current_presence([p], NOW) == p for p in away.values())  # away right now
    returning = [p.until for p in away.values() if p.until is not None]
    assert returning and all(until.minute % 15 == 0 for until in returning)
    assert any(p.until is None for p in away.values())  # "tills vidare"


def test_the_demo_database_has_the_directory_and_its_search_finds_variants(
    tmp_path: Path,
) -> None:
    database = open_database(f"sqlite:///{tmp_path / 'demo.db'}")
    upgrade(database)
    Tenants(database).add(Tenant(DEMO_TENANT, TENANT_NAME))
    seed_demo_directory(database, NOW.timestamp())
    store = DirectoryStore(database)
    people = store.people(DEMO_TENANT)
    assert len(people) == len(demo_directory(NOW).people)
    assert store.presences(DEMO_TENANT)
    store.clear_presence(DEMO_TENANT, [p.person_id for p in people])
    seed_demo_directory(database, NOW.timestamp())  # a restart keeps what was changed
    assert store.presences(DEMO_TENANT) == {}

    index = DirectoryIndex(people, units=store.units(DEMO_TENANT))
    found = {hit.person.family_name for hit in index.search("karlsson", limit=200)}
    assert {"Carlsson", "Karlsson"} <= found
    bygglov = index.search("bygglov", limit=10)
    assert len(bygglov) == 10
    assert all("bygglov" in hit.person.unit_ids for hit in bygglov)
