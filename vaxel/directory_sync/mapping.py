"""Turning an LDAP/AD entry into a directory person, by the admin's attribute mapping (DIR5).

Defaults follow Active Directory's names (givenName, sn, telephoneNumber, mobile, mail,
department, title, physicalDeliveryOfficeName, memberOf); OpenLDAP's inetOrgPerson has the
same ones except ``department`` (use ``ou`` or ``departmentNumber`` there). A unit is a path
such as ``Samhällsbyggnad/Bygglov``: each step becomes a unit of the tree. Groups come from
``memberOf`` DNs, named by their first RDN's value (``cn=bygglov,ou=groups,…`` → bygglov).

An extension is read from its own attribute (AD's ``ipPhone``, say) or, when the plan maps
direct numbers to short numbers (010-123 45 00–99 → 4500–4599), from the last
``extension_digits`` digits of the direct number.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from vaxel.core.errors import ConfigError
from vaxel.core.limits import ID_LENGTH
from vaxel.directory.model import NumberKind, Person, PhoneNumber, Unit
from vaxel.directory.reconcile import Skipped
from vaxel.directory_sync.ldap_source import LdapEntry

__all__ = ["PREFIX", "AttributeMap", "person_id_of", "to_people", "unit_path"]

PREFIX = "ldap-"
"""The person ids a sync owns start with this (see :mod:`vaxel.directory.reconcile`)."""

_NOT_ID = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True, slots=True)
class AttributeMap:
    """Which LDAP attribute fills which field; an empty name leaves the field alone."""

    given_name: str = "givenName"
    family_name: str = "sn"
    direct: str = "telephoneNumber"
    mobile: str = "mobile"
    email: str = "mail"
    unit: str = "department"
    title: str = "title"
    room: str = "physicalDeliveryOfficeName"
    groups: str = "memberOf"
    extension: str = ""
    extension_digits: int = 0
    unit_separator: str = "/"
    custom: Mapping[str, str] = field(default_factory=dict)
    """custom field name -> attribute."""

    def attributes(self) -> list[str]:
        names = [
            self.given_name,
            self.family_name,
            self.direct,
            self.mobile,
            self.email,
            self.unit,
            self.title,
            self.room,
            self.groups,
            self.extension,
            *self.custom.values(),
        ]
        return sorted({n for n in names if n})


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    return _NOT_ID.sub("-", plain).strip("-")


def person_id_of(entry_id: str) -> str:
    """Our id for the entry: the prefix and the entry's id in id characters."""
    return (PREFIX + _slug(entry_id))[:ID_LENGTH]


def unit_path(path: str, separator: str) -> list[Unit]:
    """The units of one path, root first (``A/B`` → unit ``a`` and unit ``a--b`` under it)."""
    units: list[Unit] = []
    parent: str | None = None
    steps = [s.strip() for s in path.split(separator)] if separator else [path.strip()]
    for step in steps:
        if not step:
            continue
        unit_id = (f"{parent}--{_slug(step)}" if parent else _slug(step))[:ID_LENGTH].strip("-")
        if not unit_id:
            continue
        units.append(Unit(unit_id, step[:100], parent))
        parent = unit_id
    return units


def _group(dn: str) -> str:
    first = dn.split(",", 1)[0]
    return first.split("=", 1)[1].strip() if "=" in first else first.strip()


def _person(entry: LdapEntry, mapping: AttributeMap) -> tuple[Person, list[Unit]]:
    numbers: list[PhoneNumber] = []
    direct = entry.first(mapping.direct) if mapping.direct else ""
    if direct:
        numbers.append(PhoneNumber.parse(NumberKind.DIRECT, direct))
    extension = entry.first(mapping.extension) if mapping.extension else ""
    if not extension and mapping.extension_digits and numbers:
        extension = numbers[0].value[-mapping.extension_digits :]
    if extension:
        numbers.insert(0, PhoneNumber.parse(NumberKind.EXTENSION, extension))
    mobile = entry.first(mapping.mobile) if mapping.mobile else ""
    if mobile:
        numbers.append(PhoneNumber.parse(NumberKind.MOBILE, mobile))
    units: list[Unit] = []
    unit_ids: list[str] = []
    for path in entry.all(mapping.unit) if mapping.unit else ():
        steps = unit_path(path, mapping.unit_separator)
        units.extend(steps)
        if steps and steps[-1].unit_id not in unit_ids:
            unit_ids.append(steps[-1].unit_id)
    groups = tuple(dict.fromkeys(g for g in map(_group, entry.all(mapping.groups)) if g))
    person = Person(
        person_id=person_id_of(entry.entry_id),
        external_id=entry.entry_id,
        given_name=entry.first(mapping.given_name),
        family_name=entry.first(mapping.family_name),
        numbers=tuple(dict.fromkeys(numbers)),
        email=entry.first(mapping.email) if mapping.email else "",
        unit_ids=tuple(unit_ids),
        groups=groups if mapping.groups else (),
        room=entry.first(mapping.room) if mapping.room else "",
        titles=tuple(dict.fromkeys(entry.all(mapping.title))) if mapping.title else (),
        custom=tuple(
            sorted(
                (name, entry.first(attr))
                for name, attr in mapping.custom.items()
                if entry.first(attr)
            )
        ),
    )
    return person, units


def to_people(
    entries: list[LdapEntry], mapping: AttributeMap
) -> tuple[list[Person], list[Unit], list[Skipped]]:
    """People and the units they name (parents first), and the entries that could not be
    read, each with its DN, the field and the rule it broke."""
    people: list[Person] = []
    units: dict[str, Unit] = {}
    skipped: list[Skipped] = []
    for entry in entries:
        try:
            person, path = _person(entry, mapping)
        except ConfigError as error:
            skipped.append(Skipped(entry.dn, error.field, error.code))
            continue
        people.append(person)
        for unit in path:
            units.setdefault(unit.unit_id, unit)
    return people, list(units.values()), skipped
