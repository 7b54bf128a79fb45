"""Whose phone an extension is, from the PBX snapshot's index (DIR4, OP4: the line feed asks
it at every changed step of a call): the same answer as a scan of the people's devices —
the first person in order, never a plain extension's stand-in — and every change of the
people made in place seen at the next lookup."""

from __future__ import annotations

from vaxel.pbx.devices import Device, DeviceKind, PersonDevices
from vaxel.telephony.pbx_directory import PbxDirectory, PeopleByPhone

T, OTHER = "exempelby", "annanstad"


def _phones(tenant: str, person: str, *extensions: str) -> PersonDevices:
    devices = tuple(Device(DeviceKind.SIP, e) for e in extensions)
    return PersonDevices(tenant, person, (*devices, Device(DeviceKind.MOBILE, "+46701234567")))


def test_the_owner_of_a_phone_per_tenant_first_person_wins() -> None:
    pbx = PbxDirectory(
        {},
        {
            (T, "extension:2001"): _phones(T, "extension:2001", "2001"),
            (T, "karin"): _phones(T, "karin", "2001", "2002"),
            (T, "maria"): _phones(T, "maria", "2002", "2003"),
            (OTHER, "berit"): _phones(OTHER, "berit", "2001"),
        },
    )
    assert isinstance(pbx.people, PeopleByPhone)
    assert pbx.person_of_phone(T, "2001") == "karin"  # not the stand-in
    assert pbx.person_of_phone(T, "2002") == "karin"  # shared: the first in order
    assert pbx.person_of_phone(T, "2003") == "maria"
    assert pbx.person_of_phone(OTHER, "2001") == "berit"
    assert pbx.person_of_phone(OTHER, "2003") is None
    assert pbx.person_of_phone(T, "+46701234567") is None  # a mobile is no phone of the plan


def test_changes_in_place_are_seen_at_the_next_lookup() -> None:
    pbx = PbxDirectory()
    assert pbx.person_of_phone(T, "2001") is None
    pbx.people[(T, "karin")] = _phones(T, "karin", "2001")
    assert pbx.person_of_phone(T, "2001") == "karin"
    pbx.people[(T, "karin")] = _phones(T, "karin", "2005")  # her desk phone changed
    assert pbx.person_of_phone(T, "2001") is None
    assert pbx.person_of_phone(T, "2005") == "karin"
    pbx.people.update({(T, "olle"): _phones(T, "olle", "2001")})
    assert pbx.person_of_phone(T, "2001") == "olle"
    del pbx.people[(T, "olle")]
    assert pbx.person_of_phone(T, "2001") is None
    pbx.people.setdefault((T, "eva"), _phones(T, "eva", "2001"))
    assert pbx.person_of_phone(T, "2001") == "eva"
    pbx.people.pop((T, "eva"))
    pbx.people |= {(T, "ali"): _phones(T, "ali", "2001")}
    assert pbx.person_of_phone(T, "2001") == "ali"
    pbx.people.clear()
    assert pbx.person_of_phone(T, "2005") is None
    pbx.people = {(T, "per"): _phones(T, "per", "2009")}  # replaced by a plain dict
    assert pbx.person_of_phone(T, "2009") == "per"
