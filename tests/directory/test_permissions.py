"""Directory permissions (DIR6): three levels and more — see, own presence, anyone's
presence, edit — and per-field visibility, so a private mobile is hidden from agents while
the switchboard still sees it."""

from __future__ import annotations

import pytest

from vaxel.directory.model import FieldDef, NumberKind, Person, PhoneNumber, Visibility
from vaxel.directory.permissions import DirectoryForbidden, Right, may, require, shown

KARIN = Person(
    "karin",
    "1001",
    "Karin",
    "Carlsson",
    numbers=(
        PhoneNumber(NumberKind.EXTENSION, "2041"),
        PhoneNumber(NumberKind.MOBILE, "+46701234567"),
    ),
    custom={"anstnr": "4711", "privat": "070-99", "borttagen": "x"},
)
FIELDS = {
    "anstnr": FieldDef("anstnr", "Anställningsnummer", visibility=Visibility.ADMINS),
    "privat": FieldDef("privat", "Privat telefon", visibility=Visibility.OPERATORS),
}


@pytest.mark.parametrize(
    ("role", "rights"),
    [
        ("agent", {Right.SEE, Right.OWN_PRESENCE}),
        ("operator", {Right.SEE, Right.OWN_PRESENCE, Right.ANY_PRESENCE}),
        ("supervisor", {Right.SEE, Right.OWN_PRESENCE, Right.ANY_PRESENCE}),
        ("tenant_admin", set(Right)),
        ("platform_admin", set(Right)),
        ("stranger", set()),
    ],
)
def test_each_role_holds_its_rights(role: str, rights: set[Right]) -> None:
    assert {r for r in Right if may(role, r)} == rights


def test_an_agent_sets_only_their_own_presence() -> None:
    require("agent", Right.ANY_PRESENCE, own=True)
    with pytest.raises(DirectoryForbidden) as refused:
        require("agent", Right.ANY_PRESENCE)
    assert refused.value.code == "directory-forbidden"
    assert refused.value.params == {"role": "agent", "right": "any-presence"}
    with pytest.raises(DirectoryForbidden):
        require("operator", Right.EDIT)


def test_fields_show_by_audience_and_a_private_mobile_hides_from_agents() -> None:
    agent = shown(KARIN, "agent", FIELDS, mobile=Visibility.OPERATORS)
    assert agent.custom == () and agent.mobile is None and agent.extension == "2041"
    operator = shown(KARIN, "operator", FIELDS, mobile=Visibility.OPERATORS)
    assert operator.custom == (("privat", "070-99"),) and operator.mobile == "+46701234567"
    admin = shown(KARIN, "tenant_admin", FIELDS, mobile=Visibility.OPERATORS)
    assert admin.custom == (("anstnr", "4711"), ("privat", "070-99"))  # not the undefined one
    assert shown(KARIN, "agent", FIELDS).mobile == "+46701234567"  # mobiles public by default
    assert shown(KARIN, "stranger", FIELDS).custom == ()
