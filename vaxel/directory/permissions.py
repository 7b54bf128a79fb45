"""Who may do what with the directory (DIR6), decided without I/O.

Four rights, each role holding the ones above it in this list:

- ``see``: search the directory and read cards — every signed-in role;
- ``own-presence``: set and clear one's own presence ("Min hänvisning") — every role;
- ``any-presence``: set anyone's presence, for a person or a group — operators, supervisors
  and admins (the switchboard sets it for callers' sake);
- ``edit``: add, change and remove people, units, custom fields, reasons and the sync
  settings — tenant and platform admins (directory admins).

What a reader sees of a person depends on the role too: each custom field has a
:class:`~vaxel.directory.model.Visibility` (everyone, operators, admins), and so has the
mobile number as a tenant setting — a private mobile can be hidden from agents while the
switchboard still sees it. Unknown roles get nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from vaxel.core.errors import DomainError
from vaxel.directory.model import FieldDef, NumberKind, Person, Visibility

__all__ = [
    "DirectoryForbidden",
    "Right",
    "audience",
    "may",
    "require",
    "shown",
]


class Right(StrEnum):
    SEE = "see"
    OWN_PRESENCE = "own-presence"
    ANY_PRESENCE = "any-presence"
    EDIT = "edit"


_STAFF = frozenset({Right.SEE, Right.OWN_PRESENCE})
_SWITCHBOARD = _STAFF | {Right.ANY_PRESENCE}
_ADMIN = _SWITCHBOARD | {Right.EDIT}
_RIGHTS: Mapping[str, frozenset[Right]] = {
    "agent": _STAFF,
    "operator": _SWITCHBOARD,
    "supervisor": _SWITCHBOARD,
    "tenant_admin": _ADMIN,
    "platform_admin": _ADMIN,
}
_AUDIENCE: Mapping[str, frozenset[Visibility]] = {
    "agent": frozenset({Visibility.EVERYONE}),
    "operator": frozenset({Visibility.EVERYONE, Visibility.OPERATORS}),
    "supervisor": frozenset({Visibility.EVERYONE, Visibility.OPERATORS}),
    "tenant_admin": frozenset(Visibility),
    "platform_admin": frozenset(Visibility),
}


class DirectoryForbidden(DomainError):
    """The role lacks the right (answered 403, worded by code)."""

    code = "directory-forbidden"

    def __init__(self, role: str, right: Right) -> None:
        super().__init__(f"the role {role!r} may not {right.value}")
        self.role = role
        self.right = right

    @property
    def params(self) -> Mapping[str, Any]:
        return {"role": self.role, "right": self.right.value}


def may(role: str, right: Right) -> bool:
    return right in _RIGHTS.get(role, frozenset())


def require(role: str, right: Right, *, own: bool = False) -> None:
    """Refuse unless ``role`` holds ``right``; setting one's own presence (``own``) needs
    only :attr:`Right.OWN_PRESENCE`."""
    if own and right is Right.ANY_PRESENCE:
        right = Right.OWN_PRESENCE
    if not may(role, right):
        raise DirectoryForbidden(role, right)


def audience(role: str) -> frozenset[Visibility]:
    """The visibilities a role may read."""
    return _AUDIENCE.get(role, frozenset())


def shown(
    person: Person,
    role: str,
    fields: Mapping[str, FieldDef],
    *,
    mobile: Visibility = Visibility.EVERYONE,
) -> Person:
    """``person`` as ``role`` may see them: custom fields the role may not read are left
    out (and so are values of fields no longer defined), and mobile numbers when the tenant
    made them visible to a smaller audience."""
    readable = audience(role)
    custom = tuple(
        (name, value)
        for name, value in person.custom
        if name in fields and fields[name].visibility in readable
    )
    numbers = person.numbers
    if mobile not in readable:
        numbers = tuple(n for n in numbers if n.kind is not NumberKind.MOBILE)
    if custom == person.custom and numbers == person.numbers:
        return person
    return dataclasses.replace(person, custom=custom, numbers=numbers)
