"""The PBX's numbering plan, devices and answer groups in the store (PBX1, PBX3), on SQLite
and PostgreSQL: refusals by code before anything is stored, tenants kept apart."""

from __future__ import annotations

import pytest

from vaxel.core.errors import DomainError
from vaxel.pbx.devices import Device, DeviceKind, PersonDevices, RingStrategy
from vaxel.pbx.groups import AnswerGroup, GroupMember, GroupStrategy
from vaxel.pbx.numbering import DidRange, NumberConflict, Target, TargetKind
from vaxel.store import Tenant, Tenants, open_database, upgrade
from vaxel.store.pbx_numbering import PbxNumbering

KARIN = Target(TargetKind.PERSON, "karin")


@pytest.fixture
def store(database_url: str) -> PbxNumbering:
    engine = open_database(database_url)
    upgrade(engine)
    for tenant in ("t1", "t2"):
        Tenants(engine).add(Tenant(tenant, tenant))
    return PbxNumbering(engine)


def test_numbers_and_did_ranges_make_the_tenant_s_plan(store: PbxNumbering) -> None:
    store.put_number("t1", "4500", KARIN)
    store.put_number("t2", "4500", Target(TargetKind.GROUP, "vaxel"))  # another tenant's own
    store.put_did_range("t1", DidRange.parse("010-123 45 00", "010-123 45 99", "4500"))
    plan = store.plan("t1")
    assert plan.resolve("0101234500") == KARIN
    assert store.plan("t2").resolve("0101234500") is None
    assert set(store.plans()) == {"t1", "t2"}
    with pytest.raises(NumberConflict) as raised:
        store.put_number("t1", "4500", Target(TargetKind.PERSON, "olle"))
    assert raised.value.code == "pbx-number-taken"
    with pytest.raises(NumberConflict) as raised:  # another tenant's range overlaps
        store.put_did_range("t2", DidRange.parse("010-123 45 50", "010-123 46 49", "6000"))
    assert raised.value.code == "pbx-did-overlap"
    with pytest.raises(NumberConflict):
        store.set_short_length("t1", 3)
    store.set_short_length("t1", 4)
    assert store.plan("t1").short_length == 4
    assert store.remove_number("t1", "4500") and not store.remove_number("t1", "4500")
    assert store.remove_did_range("t1", "+46101234500")
    assert store.plan("t1").resolve("0101234500") is None


def test_a_person_s_devices_are_replaced_whole(store: PbxNumbering) -> None:
    desk = Device(DeviceKind.SIP, "4500", 10.0, "Skrivbord")
    mobile = Device(DeviceKind.MOBILE, "+46701234567", 20.0, "Mobil")
    person = PersonDevices("t1", "karin", (desk, mobile), RingStrategy.SEQUENCE, 30.0)
    store.put_devices(person)
    assert store.devices("t1", "karin") == person
    assert store.devices("t2", "karin") is None
    store.put_devices(PersonDevices("t1", "karin", (mobile,)))
    assert store.devices("t1", "karin") == PersonDevices("t1", "karin", (mobile,))
    assert list(store.everyone_devices()) == [("t1", "karin")]


def test_group_members_log_in_and_out(store: PbxNumbering) -> None:
    group = AnswerGroup(
        "t1",
        "reception",
        "Receptionen",
        GroupStrategy.IN_ORDER,
        (GroupMember("karin"), GroupMember("olle", logged_in=False)),
    )
    store.put_group(group)
    assert store.group("t1", "reception") == group
    assert store.group("t2", "reception") is None
    store.set_login("t1", "reception", "olle", True)
    store.set_login("t1", "reception", "karin", False)
    found = store.group("t1", "reception")
    assert found is not None and found.logged_in() == ["olle"]
    with pytest.raises(DomainError) as raised:
        store.set_login("t1", "reception", "pelle", True)
    assert raised.value.code == "pbx-not-a-member"
    assert store.remove_group("t1", "reception") and store.groups("t1") == []
