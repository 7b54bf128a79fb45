"""The directory's people and numbers refuse bad input with a coded, named field (DIR1)."""

from __future__ import annotations

import pytest

from vaxel.core.errors import ConfigError
from vaxel.directory.model import (
    FieldDef,
    FieldType,
    NumberKind,
    Person,
    PhoneNumber,
    Unit,
    Visibility,
    check_custom_fields,
    normalize_number,
)


def _person(**changes: object) -> Person:
    values: dict[str, object] = {
        "person_id": "p1",
        "external_id": "E-1",
        "given_name": "Karin",
        "family_name": "Carlsson",
    }
    values.update(changes)
    return Person(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kind", "typed", "canonical"),
    [
        (NumberKind.EXTENSION, "2041", "2041"),
        (NumberKind.EXTENSION, "20 41", "2041"),
        (NumberKind.MOBILE, "070-123 45 67", "+46701234567"),
        (NumberKind.FIXED, "08 - 123 456 78", "+46812345678"),
        (NumberKind.DIRECT, "+46 (0)8", None),
        (NumberKind.MOBILE, "0046 70 123 45 67", "+46701234567"),
        (NumberKind.MOBILE, "+47 912 34 567", "+4791234567"),
        (NumberKind.EXTENSION, "20a1", None),
        (NumberKind.EXTENSION, "", None),
        (NumberKind.MOBILE, "ring mig", None),
        (NumberKind.MOBILE, "+46 70 123 45 67 89 01 2", None),
    ],
)
def test_numbers_are_kept_in_one_canonical_form(
    kind: NumberKind, typed: str, canonical: str | None
) -> None:
    if canonical is None:
        with pytest.raises(ConfigError) as refused:
            normalize_number(kind, typed)
        assert refused.value.code == "phone-number"
    else:
        assert normalize_number(kind, typed) == canonical
        assert PhoneNumber.parse(kind.value, typed) == PhoneNumber(kind, canonical)


def test_a_number_object_refuses_a_value_that_is_not_canonical() -> None:
    with pytest.raises(ConfigError) as refused:
        PhoneNumber(NumberKind.MOBILE, "070-1234567")
    assert (refused.value.field, refused.value.code) == ("mobile", "phone-number")
    with pytest.raises(ConfigError) as refused:
        PhoneNumber.parse("fax", "0812345")
    assert refused.value.code == "choice"
    with pytest.raises(ConfigError) as refused:
        PhoneNumber.parse("mobile", "07x")
    assert refused.value.field == "mobile"


def test_a_person_has_its_first_extension_and_mobile_and_a_readable_name() -> None:
    person = _person(
        numbers=(
            PhoneNumber.parse("mobile", "070 123 45 67"),
            PhoneNumber.parse("extension", "2041"),
            PhoneNumber.parse("extension", "2042"),
        )
    )
    assert person.extension == "2041"
    assert person.mobile == "+46701234567"
    assert person.numbers_of(NumberKind.EXTENSION) == ("2041", "2042")
    assert person.name == "Karin Carlsson"
    assert _person(given_name="").name == "Carlsson"
    assert _person().extension is None and _person().mobile is None


def test_custom_fields_given_as_a_mapping_are_kept_sorted_and_hashable() -> None:
    person = _person(custom={"skor": "42", "bil": "ABC 123"})
    assert person.custom == (("bil", "ABC 123"), ("skor", "42"))
    assert person.custom_value("skor") == "42" and person.custom_value("hatt") is None
    assert hash(person) == hash(_person(custom={"bil": "ABC 123", "skor": "42"}))


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"person_id": ""}, "person_id", "id-required"),
        ({"person_id": "Karin C"}, "person_id", "id-format"),
        ({"given_name": "", "family_name": " "}, "family_name", "required-text"),
        ({"given_name": "K" * 101}, "given_name", "too-long"),
        ({"email": "karin.carlsson"}, "email", "email"),
        ({"email": "k@" + "x" * 260 + ".se"}, "email", "too-long"),
        ({"unit_ids": ("bygglov", "bygglov")}, "unit_ids", "list-duplicate"),
        ({"unit_ids": ("Bygg lov",)}, "unit_ids[0]", "id-format"),
        ({"titles": ("",)}, "titles[0]", "required-text"),
        ({"keywords": tuple(f"k{i}" for i in range(51))}, "keywords", "at-most"),
        ({"keywords": ["a"]}, "keywords", "list"),
        ({"room": "r" * 101}, "room", "too-long"),
        ({"custom": {"Skor Nr": "42"}}, "custom", "id-format"),
        ({"custom": {"skor": "4" * 201}}, "custom.skor", "too-long"),
        ({"numbers": ("2041",)}, "numbers[0]", "phone-number"),
        (
            {"numbers": tuple(PhoneNumber.parse("extension", str(2000 + i)) for i in range(11))},
            "numbers",
            "at-most",
        ),
        (
            {"numbers": (PhoneNumber.parse("extension", "1"), PhoneNumber.parse("extension", "1"))},
            "numbers",
            "list-duplicate",
        ),
    ],
)
def test_a_person_refuses_bad_input_naming_the_field_and_the_rule(
    changes: dict[str, object], field: str, code: str
) -> None:
    with pytest.raises(ConfigError) as refused:
        _person(**changes)
    assert (refused.value.field, refused.value.code) == (field, code)


def test_a_unit_names_its_parent_and_cannot_be_its_own() -> None:
    assert Unit("bygglov", "Bygglov", "samhallsbyggnad").parent_id == "samhallsbyggnad"
    with pytest.raises(ConfigError) as refused:
        Unit("bygglov", "Bygglov", "bygglov")
    assert refused.value.code == "unit-parent-self"
    with pytest.raises(ConfigError) as refused:
        Unit("bygglov", " ")
    assert (refused.value.field, refused.value.code) == ("name", "required-text")


def test_custom_values_are_checked_against_the_tenants_field_definitions() -> None:
    defs = {
        "privat_mobil": FieldDef(
            "privat_mobil", "Privat mobil", FieldType.PHONE, Visibility.OPERATORS
        ),
        "hemsida": FieldDef("hemsida", "Hemsida", FieldType.URL),
        "assistent": FieldDef("assistent", "Assistent", FieldType.EMAIL),
        "skor": FieldDef("skor", "Skostorlek"),
    }
    check_custom_fields(
        _person(custom={"privat_mobil": "070 111 22 33", "hemsida": "https://exempelby.se"}), defs
    )
    cases = [
        ({"hatt": "58"}, "custom.hatt", "unknown-field"),
        ({"privat_mobil": "hemlig"}, "custom.privat_mobil", "phone-number"),
        ({"hemsida": "exempelby.se"}, "custom.hemsida", "url"),
        ({"assistent": "anna"}, "custom.assistent", "email"),
    ]
    for custom, field, code in cases:
        with pytest.raises(ConfigError) as refused:
            check_custom_fields(_person(custom=custom), defs)
        assert (refused.value.field, refused.value.code) == (field, code)
    with pytest.raises(ConfigError) as refused:
        FieldDef("skor", "Skostorlek", visibility="alla")  # type: ignore[arg-type]
    assert refused.value.code == "choice"
