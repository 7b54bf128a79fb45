"""The directory's store (issue 13, DIR1, DIR5): people, units and custom fields per
tenant, never another tenant's; on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from vaxel.core.errors import ConfigError
from vaxel.directory.model import (
    FieldDef,
    FieldType,
    NumberKind,
    Person,
    PhoneNumber,
    Unit,
    Visibility,
)
from vaxel.directory.presence import (
    Presence,
    PresenceSource,
    Reason,
    current_presence,
    group_presence,
    reason_catalogue,
)
from vaxel.directory.reconcile import reconcile
from vaxel.store import Tenant, Tenants, open_database, upgrade
from vaxel.store.directory import DirectoryStore, ImportMode, UnknownPerson, UnknownUnit

KARIN = Person(
    person_id="p1",
    external_id="1001",
    given_name="Karin",
    family_name="Carlsson",
    numbers=(
        PhoneNumber(NumberKind.EXTENSION, "2041"),
        PhoneNumber(NumberKind.MOBILE, "+46701234567"),
    ),
    email="karin.carlsson@exempelby.se",
    unit_ids=("bygglov",),
    groups=("Handläggare",),
    room="B12",
    location="Stadshuset",
    titles=("Bygglovshandläggare", "Strandskyddsfrågor"),
    keywords=("bygglov",),
    custom={"anstnr": "4711"},
)


@pytest.fixture
def store(database_url: str) -> DirectoryStore:
    database = open_database(database_url)
    upgrade(database)
    tenants = Tenants(database)
    tenants.add(Tenant("exempelby", "Exempelby kommun"))
    tenants.add(Tenant("grannby", "Grannby kommun"))
    return DirectoryStore(database)


def test_the_migration_creates_the_directory_tables(database_url: str) -> None:
    database = open_database(database_url)
    upgrade(database)
    names = set(sa.inspect(database).get_table_names())
    assert {
        "directory_people",
        "directory_units",
        "directory_fields",
        "directory_presence",
        "directory_reasons",
    } <= names


def test_a_person_comes_back_as_stored_and_only_to_their_tenant(store: DirectoryStore) -> None:
    store.put_person("exempelby", KARIN, now=1.0)
    assert store.person("exempelby", "p1") == KARIN
    assert store.people("exempelby") == [KARIN]
    assert store.by_extension("exempelby", "2041") == [KARIN]
    assert store.external_ids("exempelby") == {"1001": "p1"}
    with pytest.raises(UnknownPerson):
        store.person("grannby", "p1")
    assert store.people("grannby") == []
    assert store.by_extension("grannby", "2041") == []
    assert store.by_external_id("grannby", "1001") is None
    store.remove("grannby", "p1")  # another tenant's id removes nothing
    assert store.people("exempelby") == [KARIN]


def test_an_external_id_belongs_to_one_person(store: DirectoryStore) -> None:
    store.put_person("exempelby", KARIN)
    twin = Person("p2", "1001", "Karin", "Karlsson")
    with pytest.raises(ConfigError) as refused:
        store.put_person("exempelby", twin)
    assert refused.value.code == "id-taken"
    store.put_person("grannby", twin)  # but each tenant has its own ids


def test_a_deactivated_person_is_kept_out_of_the_directory(store: DirectoryStore) -> None:
    store.put_person("exempelby", KARIN)
    store.deactivate("exempelby", "p1")
    assert store.people("exempelby") == []
    assert store.by_extension("exempelby", "2041") == []
    (kept,) = store.people("exempelby", include_inactive=True)
    assert kept.external_id == "1001" and not kept.active
    with pytest.raises(UnknownPerson):
        store.deactivate("grannby", "p1")
    store.remove("exempelby", "p1")
    assert store.people("exempelby", include_inactive=True) == []


def test_units_form_a_tree_without_cycles(store: DirectoryStore) -> None:
    store.put_unit("exempelby", Unit("samhallsbyggnad", "Samhällsbyggnad"))
    store.put_unit("exempelby", Unit("bygglov", "Bygglov", "samhallsbyggnad"))
    with pytest.raises(UnknownUnit):
        store.put_unit("grannby", Unit("bygglov", "Bygglov", "samhallsbyggnad"))
    with pytest.raises(ConfigError) as refused:
        store.put_unit("exempelby", Unit("samhallsbyggnad", "Samhällsbyggnad", "bygglov"))
    assert refused.value.code == "unit-cycle"
    with pytest.raises(ConfigError) as refused:
        store.remove_unit("exempelby", "samhallsbyggnad")
    assert refused.value.code == "unit-has-children"
    store.remove_unit("exempelby", "bygglov")
    store.remove_unit("exempelby", "samhallsbyggnad")
    assert store.units("exempelby") == []


def test_custom_fields_keep_their_order_per_tenant(store: DirectoryStore) -> None:
    fields = [
        FieldDef("privat", "Privat mobil", FieldType.PHONE, Visibility.OPERATORS),
        FieldDef("anstnr", "Anställningsnummer"),
    ]
    store.put_fields("exempelby", fields)
    assert store.fields("exempelby") == fields
    assert store.fields("grannby") == []
    store.put_fields("exempelby", fields[1:])
    assert store.fields("exempelby") == fields[1:]


def test_an_import_that_fails_half_way_writes_nothing(store: DirectoryStore) -> None:
    """The store's half of "nothing of that file is imported": a row the database refuses
    after others were written rolls the whole file back, units included."""
    store.put_person("exempelby", KARIN)
    clash = Person("p1", "1002", "Erik", "Lindqvist")  # p1 is Karin's person id already
    people = [Person("p3", "1003", "Sara", "Sjöberg"), clash]
    with pytest.raises(sa.exc.IntegrityError):
        store.import_people("exempelby", people, [Unit("ny", "Ny enhet")], ImportMode.REPLACE)
    assert store.people("exempelby") == [KARIN]
    assert store.units("exempelby") == []


def test_presences_by_source_and_group_are_kept_side_by_side(store: DirectoryStore) -> None:
    """DIR3: a person's own presence, a group's and the calendar's are stored apart, so
    clearing the group leaves the person's own; a group is set at once, in one go."""
    erik = Person("p2", "1002", "Erik", "Lindqvist")
    for person in (KARIN, erik):
        store.put_person("exempelby", person)
    nine = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
    lunch = Presence("lunch", nine, nine + timedelta(hours=1), text="Åter 10", set_by="karin")
    store.set_presences("exempelby", {"p1": lunch})
    meeting = Presence("mote", nine, None, set_by="chef")
    store.set_presences("exempelby", group_presence("Bygglov", ["p1", "p2"], meeting))
    held = store.presences("exempelby")
    assert set(held) == {"p1", "p2"}
    assert {p.source for p in held["p1"]} == {PresenceSource.MANUAL, PresenceSource.GROUP}
    assert lunch in held["p1"]
    assert current_presence(held["p1"], nine + timedelta(minutes=5)) == lunch
    assert store.presences("grannby") == {}

    store.clear_group("exempelby", "Bygglov")
    assert store.presences("exempelby") == {"p1": (lunch,)}
    assert store.remove_expired("exempelby", nine + timedelta(hours=1)) == 1
    assert store.presences("exempelby") == {}

    with pytest.raises(UnknownPerson):  # another tenant's person: nothing is set
        store.set_presences("grannby", {"p1": lunch})
    store.set_presences("exempelby", {"p1": lunch})
    store.clear_presence("exempelby", ["p1"])
    assert store.presences("exempelby", ["p1"]) == {}


def test_a_tenants_own_reasons_are_stored_in_order(store: DirectoryStore) -> None:
    own = [Reason("hembesok", "Hembesök", "Home visit"), Reason("lunch", "Lunchrast", "Lunch")]
    assert store.reasons("exempelby") == []
    store.put_reasons("exempelby", own)
    assert store.reasons("exempelby") == own
    assert store.reasons("grannby") == []
    assert reason_catalogue(store.reasons("exempelby"))["lunch"].label_sv == "Lunchrast"
    with pytest.raises(ConfigError):
        store.put_reasons("exempelby", [own[0], own[0]])
    assert store.reasons("exempelby") == own


def test_a_sync_plan_is_applied_in_one_transaction(store: DirectoryStore) -> None:
    """The LDAP sync's plan (vaxel.directory.reconcile): new units and people, a rename,
    a comeback and a departure — all written at once, and the other tenant untouched."""
    ldap_karin = replace(KARIN, person_id="ldap-1", unit_ids=())
    leaving = Person("ldap-2", "2", "Erik", "Lindqvist")
    returning = Person("ldap-3", "3", "Sara", "Sjöberg", active=False)
    for person in (ldap_karin, leaving, returning):
        store.put_person("exempelby", person)
    store.put_person("grannby", leaving)
    plan = reconcile(
        store.people("exempelby", include_inactive=True),
        [
            replace(ldap_karin, family_name="Karlsson", unit_ids=("bygglov",)),
            replace(returning, active=True),
            Person("ldap-4", "4", "Nils", "Zetterberg"),
        ],
        prefix="ldap-",
        units=[],
        incoming_units=[Unit("bygglov", "Bygglov")],
    )
    store.apply_sync("exempelby", plan, now=2.0)
    people = {p.person_id: p for p in store.people("exempelby", include_inactive=True)}
    assert people["ldap-1"].family_name == "Karlsson"
    assert people["ldap-1"].unit_ids == ("bygglov",)
    assert not people["ldap-2"].active
    assert people["ldap-3"].active
    assert people["ldap-4"].name == "Nils Zetterberg"
    assert [u.unit_id for u in store.units("exempelby")] == ["bygglov"]
    assert store.people("grannby") == [leaving]
