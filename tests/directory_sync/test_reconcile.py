"""What an LDAP sync changes (DIR5), without a server: entries mapped to people by the
admin's attribute map, renames and moves as the same person, people gone from the source
deactivated (not lost), hand-entered people untouched, bad entries skipped and named."""

from __future__ import annotations

import dataclasses

from vaxel.directory.model import NumberKind, Person, Unit
from vaxel.directory.reconcile import reconcile
from vaxel.directory_sync.ldap_source import LdapEntry
from vaxel.directory_sync.mapping import PREFIX, AttributeMap, to_people, unit_path

MAP = AttributeMap(unit="ou", extension_digits=4)


def _entry(uid: str, entry_id: str, **attributes: str | tuple[str, ...]) -> LdapEntry:
    values = {
        "givenname": ("Karin",),
        "sn": ("Carlsson",),
        "telephonenumber": ("+46 10 123 20 41",),
        "mobile": ("070-123 45 67",),
        "mail": ("karin.carlsson@exempelby.se",),
        "ou": ("Samhällsbyggnad/Bygglov",),
        "title": ("Bygglovshandläggare",),
        "physicaldeliveryofficename": ("B12",),
        "memberof": ("cn=bygglov,ou=groups,dc=exempelby,dc=se",),
    }
    for name, value in attributes.items():
        values[name.lower()] = value if isinstance(value, tuple) else (value,)
    return LdapEntry(f"uid={uid},ou=people,dc=exempelby,dc=se", entry_id, values)


def test_an_entry_becomes_a_person_with_numbers_units_and_groups() -> None:
    people, units, skipped = to_people([_entry("kcarl", "E3A1-77")], MAP)
    assert skipped == []
    (karin,) = people
    assert karin.person_id == f"{PREFIX}e3a1-77" and karin.external_id == "E3A1-77"
    assert karin.name == "Karin Carlsson"
    assert karin.extension == "2041"
    assert karin.numbers_of(NumberKind.DIRECT) == ("+46101232041",)
    assert karin.mobile == "+46701234567"
    assert karin.groups == ("bygglov",) and karin.room == "B12"
    assert karin.titles == ("Bygglovshandläggare",)
    assert [(u.unit_id, u.name, u.parent_id) for u in units] == [
        ("samhallsbyggnad", "Samhällsbyggnad", None),
        ("samhallsbyggnad--bygglov", "Bygglov", "samhallsbyggnad"),
    ]
    assert karin.unit_ids == ("samhallsbyggnad--bygglov",)


def test_a_bad_entry_is_skipped_with_its_dn_and_field_and_the_rest_goes_on() -> None:
    people, _, skipped = to_people(
        [
            _entry("bad", "1", mobile="ring mig"),
            _entry("ok", "2"),
            _entry("noname", "3", givenname=(), sn=()),
        ],
        MAP,
    )
    assert [p.external_id for p in people] == ["2"]
    assert [(s.where.split(",")[0], s.field) for s in skipped] == [
        ("uid=bad", "mobile"),
        ("uid=noname", "family_name"),
    ]


def test_renames_moves_removals_and_returns_are_told_apart() -> None:
    first, units, _ = to_people([_entry("a", "1"), _entry("b", "2"), _entry("c", "3")], MAP)
    hand_made = Person("karl-manuell", "", "Karl", "Manuell")
    start = reconcile([hand_made], first, prefix=PREFIX, incoming_units=units)
    assert start.summary()["added"] == 3 and start.summary()["units_added"] == 2
    directory = [hand_made, *start.added]

    renamed_and_moved, units2, _ = to_people(
        [_entry("a", "1", sn="Karlsson"), _entry("b", "2", ou="Socialtjänst/Socialjour")], MAP
    )
    plan = reconcile(
        directory, renamed_and_moved, prefix=PREFIX, units=units, incoming_units=units2
    )
    summary = plan.summary()
    assert (summary["renamed"], summary["moved"], summary["deactivated"]) == (1, 1, 1)
    assert [u.fields for u in plan.updated] == [("family_name",), ("unit_ids",)]
    assert [p.external_id for p in plan.deactivated] == ["3"] and not plan.deactivated[0].active
    assert [u.unit_id for u in plan.units_added] == ["socialtjanst", "socialtjanst--socialjour"]
    assert all(p.person_id != "karl-manuell" for p in plan.deactivated)  # never the hand-made

    after = [hand_made, *(u.after for u in plan.updated), *plan.deactivated]
    back, _, _ = to_people(
        [
            _entry("a", "1", sn="Karlsson"),
            _entry("b", "2", ou="Socialtjänst/Socialjour"),
            _entry("c", "3"),
        ],
        MAP,
    )
    returned = reconcile(after, back, prefix=PREFIX, units=[*units, *units2])
    assert [p.external_id for p in returned.reactivated] == ["3"] and returned.reactivated[0].active
    assert returned.unchanged == 2 and returned.changes == 1


def test_a_run_with_nothing_new_changes_nothing() -> None:
    people, units, _ = to_people([_entry("a", "1")], MAP)
    again = reconcile(people, people, prefix=PREFIX, units=units, incoming_units=units)
    assert again.changes == 0 and again.unchanged == 1


def test_two_entries_with_one_id_are_both_skipped_and_the_person_kept() -> None:
    people, _, _ = to_people([_entry("a", "1")], MAP)
    twins, _, _ = to_people([_entry("a", "1"), _entry("a2", "1", sn="Annan")], MAP)
    plan = reconcile(people, twins, prefix=PREFIX)
    assert plan.changes == 0 and [s.code for s in plan.skipped] == ["list-duplicate"]


def test_unit_paths_make_a_tree_of_ids() -> None:
    assert [u.unit_id for u in unit_path("Barn och utbildning / Förskola", "/")] == [
        "barn-och-utbildning",
        "barn-och-utbildning--forskola",
    ]
    assert unit_path("", "/") == []
    assert dataclasses.astuple(unit_path("Kommunledning", "")[0]) == (
        "kommunledning",
        "Kommunledning",
        None,
    )
    assert isinstance(unit_path("Ö", "/")[0], Unit)
