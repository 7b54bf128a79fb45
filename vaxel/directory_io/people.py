"""Records of an import file ↔ the directory's people (issue 13 §3, DIR5).

Each record becomes a :class:`~vaxel.directory.model.Person` that validated itself; what
the model or the number check refuses is reported with the record's line and column.
Numbers other than extensions are normalised with ``phonenumbers`` (Swedish numbering
by default): ``070-123 45 67`` becomes ``+46701234567``, and a number ``phonenumbers``
cannot read is refused rather than stored as typed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from vaxel.core.dial_policy import NumberRefused, normalise
from vaxel.core.errors import ConfigError
from vaxel.directory.model import FieldDef, NumberKind, Person, PhoneNumber
from vaxel.directory_io.columns import COLUMNS, NUMBER_COLUMNS, Record
from vaxel.directory_io.errors import ImportRefused, refused
from vaxel.directory_io.units import UnitPaths

__all__ = ["people_from_records", "person_values"]

_FIELD_COLUMNS = {
    "numbers": "extension",
    "unit_ids": "unit",
    "titles": "title",
    "person_id": "external_id",
}
"""A model field → the column a refusal names (the file's own words)."""


def people_from_records(
    records: Iterable[Record],
    fields: Sequence[FieldDef],
    units: UnitPaths,
    person_ids: Mapping[str, str],
    new_person_id: Callable[[], str],
) -> list[Person]:
    """The people of a file, in its order. A stored external id keeps its person id
    (``person_ids``); a new one gets ``new_person_id()``. Raises ImportRefused for the
    first record that is wrong, or an external id given twice."""
    definitions = {field.name: field for field in fields}
    first_line: dict[str, int] = {}
    people: list[Person] = []
    for record in records:
        external_id = record.one("external_id")
        if not external_id:
            raise ImportRefused(record.line_of("external_id"), "external_id", "required-text")
        if external_id in first_line:
            raise ImportRefused(
                record.line_of("external_id"),
                "external_id",
                "external-id-twice",
                value=external_id,
                other=first_line[external_id],
            )
        first_line[external_id] = record.line
        person_id = person_ids.get(external_id) or new_person_id()
        people.append(_person(record, person_id, definitions, units))
    return people


def _person(
    record: Record, person_id: str, definitions: Mapping[str, FieldDef], units: UnitPaths
) -> Person:
    numbers: list[PhoneNumber] = []
    for column in NUMBER_COLUMNS:
        for text in record.values.get(column, ()):
            numbers.append(_number(record, column, text))
    unit_ids = []
    for path in record.values.get("unit", ()):
        unit_id = units.unit_id(path, record.line_of("unit"))
        if unit_id not in unit_ids:
            unit_ids.append(unit_id)
    custom = {}
    for name, definition in definitions.items():
        value = record.one(name)
        if value:
            try:
                definition.check_value(value)
            except ConfigError as error:
                line = record.line_of(name)
                raise ImportRefused(line, name, error.code, **error.rule_params) from None
            custom[name] = value
    try:
        return Person(
            person_id=person_id,
            external_id=record.one("external_id"),
            given_name=record.one("given_name"),
            family_name=record.one("family_name"),
            numbers=tuple(dict.fromkeys(numbers)),
            email=record.one("email"),
            unit_ids=tuple(unit_ids),
            groups=tuple(dict.fromkeys(record.values.get("groups", ()))),
            room=record.one("room"),
            location=record.one("location"),
            titles=tuple(dict.fromkeys(record.values.get("title", ()))),
            keywords=tuple(dict.fromkeys(record.values.get("keywords", ()))),
            custom=tuple(sorted(custom.items())),
        )
    except ConfigError as error:
        column = _column(error.field)
        raise refused(record.line_of(column), error.at(column)) from None


def _column(field: str) -> str:
    """``titles[2]`` → ``title``; ``custom.rum`` → ``rum``."""
    name = field.split("[", 1)[0]
    if name.startswith("custom."):
        return name.removeprefix("custom.")
    return _FIELD_COLUMNS.get(name, name)


def _number(record: Record, column: str, text: str) -> PhoneNumber:
    kind = NumberKind(column)
    line = record.line_of(column)
    try:
        if kind is NumberKind.EXTENSION:
            return PhoneNumber.parse(kind, text)
        return PhoneNumber(kind, normalise(text))  # E.164 from phonenumbers, checked again
    except NumberRefused:
        raise ImportRefused(line, column, "phone-number", value=text) from None
    except ConfigError as error:
        raise ImportRefused(line, column, error.code, **error.rule_params) from None


def person_values(
    person: Person, units: UnitPaths, custom_fields: Sequence[str]
) -> list[list[str]]:
    """A person's values per column of :data:`COLUMNS` and then per custom field, as an
    export writes them (unit ids as paths)."""
    single = {
        "external_id": person.external_id,
        "given_name": person.given_name,
        "family_name": person.family_name,
        "email": person.email,
        "room": person.room,
        "location": person.location,
    }
    several = {
        "unit": [units.path(unit_id) for unit_id in person.unit_ids],
        "title": list(person.titles),
        "groups": list(person.groups),
        "keywords": list(person.keywords),
    }
    values: list[list[str]] = []
    for column in COLUMNS:
        if column in NUMBER_COLUMNS:
            values.append(list(person.numbers_of(NumberKind(column))))
        elif column in several:
            values.append(several[column])
        else:
            values.append([single[column]] if single[column] else [])
    for name in custom_fields:
        value = person.custom_value(name)
        values.append([value] if value else [])
    return values
