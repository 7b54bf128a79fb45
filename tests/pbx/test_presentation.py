"""Number presentation (PBX2): direct, main or withheld; passed-on caller ids unchanged."""

from __future__ import annotations

from vaxel.core.dial_policy import DialPolicy
from vaxel.pbx.presentation import (
    PresentationMode,
    Presentations,
    PresentedIdentity,
    identity_headers,
    passed_on,
)

MAIN = "+46101234500"
SETTINGS = Presentations(
    MAIN,
    users={"karin": PresentationMode.DIRECT, "hemlig": PresentationMode.WITHHELD},
    groups={"reception": PresentationMode.DIRECT, "socialjour": PresentationMode.WITHHELD},
    direct_numbers={"karin": "+46101234512", "reception": "+46101234501"},
)


def test_a_person_presents_their_direct_number_or_the_main_number() -> None:
    assert SETTINGS.present("karin", "Karin Carlsson") == PresentedIdentity(
        "+46101234512", "Karin Carlsson", "+46101234512"
    )
    assert SETTINGS.present("olle", "Olle").number == MAIN  # the default
    # direct without a direct number of their own: the group's, else the main number
    assert SETTINGS.present("nisse", "", ["reception"]).number == "+46101234501"
    direct_only = Presentations(MAIN, users={"nisse": PresentationMode.DIRECT})
    assert direct_only.present("nisse").number == MAIN


def test_withheld_keeps_the_real_number_for_the_carrier_only() -> None:
    identity = SETTINGS.present("hemlig")
    assert identity.withheld and identity.number == "anonymous" and identity.asserted == MAIN
    from_value, extra = identity_headers(identity, "carrier.example")
    assert from_value == '"Anonymous" <sip:anonymous@anonymous.invalid>'
    assert extra == [
        ("P-Asserted-Identity", f"<sip:{MAIN}@carrier.example>"),
        ("Privacy", "id"),
    ]
    assert SETTINGS.present("olle", groups=["socialjour"]).withheld


def test_a_presented_number_can_be_called_back_as_shown() -> None:
    for user in ("karin", "olle"):
        shown = SETTINGS.present(user).number
        assert DialPolicy().check(shown) == shown


def test_an_incoming_caller_id_is_passed_on_unchanged() -> None:
    identity = passed_on("0701234567", "Anna", MAIN)
    assert (identity.number, identity.display_name, identity.asserted) == (
        "0701234567",
        "Anna",
        MAIN,
    )
    from_value, extra = identity_headers(identity, "carrier.example")
    assert from_value == '"Anna" <sip:0701234567@carrier.example>'
    assert extra == [("P-Asserted-Identity", f"<sip:{MAIN}@carrier.example>")]
    assert passed_on("", "", MAIN).withheld
    assert passed_on("anonymous", "x", MAIN).withheld


def test_a_display_name_cannot_inject_headers() -> None:
    identity = PresentedIdentity("+46101234500", 'Eve" <sip:x@y>', MAIN)
    from_value, _ = identity_headers(identity, "d")
    assert from_value == '"Eve\\" <sip:x@y>" <sip:+46101234500@d>'
