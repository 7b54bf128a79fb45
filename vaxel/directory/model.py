"""The directory's people, numbers, units and custom fields (DIR1), as validated values.

A :class:`Person` is what an operator looks up: names, several numbers, e-mail, the
organisational units they sit in (several, from a tree of :class:`Unit`), groups, room and
location, titles/tasks, free keywords and the tenant's own custom fields (:class:`FieldDef`,
each with who may see it, DIR6). Every object validates itself on construction and refuses
bad input with a :class:`~vaxel.core.errors.ConfigError` naming the field and a stable rule
code, so an importer (CSV, XML, LDAP) can name the line and field that was wrong.

Numbers are stored in one canonical form so that search and dialling agree: an extension is
its digits as given (``"2041"``), every other number E.164 (``"+46701234567"``);
:func:`normalize_number` turns what people type ("070-123 45 67", "08 123 456") into it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from vaxel.core.errors import ConfigError
from vaxel.core.limits import ID_LENGTH, NAME_LENGTH, SHORT_TEXT_LENGTH, check_length

__all__ = [
    "EMAIL_LENGTH",
    "EXTENSION_DIGITS",
    "MAX_CUSTOM_FIELDS",
    "MAX_GROUPS",
    "MAX_KEYWORDS",
    "MAX_NUMBERS",
    "MAX_TITLES",
    "MAX_UNITS_PER_PERSON",
    "FieldDef",
    "FieldType",
    "NumberKind",
    "Person",
    "PhoneNumber",
    "Unit",
    "Visibility",
    "check_custom_fields",
    "check_id",
    "normalize_number",
]

# Limits of one person (what a directory entry holds in practice, with room to spare).
MAX_NUMBERS = 10
MAX_UNITS_PER_PERSON = 20
MAX_GROUPS = 50
MAX_TITLES = 10
MAX_KEYWORDS = 50
MAX_CUSTOM_FIELDS = 30
EMAIL_LENGTH = 254  # RFC 5321 §4.5.3.1.3: a path of at most 256 octets, brackets included
EXTENSION_DIGITS = 10  # the longest internal number plan we know of has 8 digits

_ID = re.compile(r"[a-z0-9][a-z0-9_-]*")
_EXTENSION = re.compile(rf"[0-9]{{1,{EXTENSION_DIGITS}}}")
_E164 = re.compile(r"\+[1-9][0-9]{5,14}")  # ITU-T E.164: at most 15 digits
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_NUMBER_NOISE = re.compile(r"[\s\-()./]")


def check_id(field: str, value: str) -> None:
    """Refuse an id that is empty, too long or not small letters, digits, ``-`` and ``_``."""
    if not value:
        raise ConfigError(field, "id-required")
    check_length(field, value, ID_LENGTH)
    if not _ID.fullmatch(value):
        raise ConfigError(field, "id-format")


def _check_text(field: str, value: str, limit: int, *, required: bool = False) -> None:
    if not isinstance(value, str):
        raise ConfigError(field, "text", value=value)
    if required and not value.strip():
        raise ConfigError(field, "required-text")
    check_length(field, value, limit)


def _check_texts(field: str, values: tuple[str, ...], limit: int, count: int) -> None:
    if not isinstance(values, tuple):
        raise ConfigError(field, "list")
    if len(values) > count:
        raise ConfigError(field, "at-most", max=count)
    for index, value in enumerate(values):
        _check_text(f"{field}[{index}]", value, limit, required=True)
    if len(set(values)) != len(values):
        raise ConfigError(field, "list-duplicate")


class NumberKind(StrEnum):
    """What a number reaches: an internal extension, a direct-in number, a mobile, a fixed line."""

    EXTENSION = "extension"
    DIRECT = "direct"
    MOBILE = "mobile"
    FIXED = "fixed"


def normalize_number(kind: NumberKind, text: str, *, country_code: str = "46") -> str:
    """The canonical form of a number as typed, or a ConfigError (rule ``phone-number``).

    An extension keeps its digits (spaces and dashes dropped). Another number becomes E.164:
    ``+46 70 123 45 67`` and ``0046701234567`` stay international, a national ``070-123 45 67``
    gets ``+46`` in place of its trunk ``0``. Nothing else is guessed.
    """
    check_length("number", text, 40)
    compact = _NUMBER_NOISE.sub("", text)
    if kind is NumberKind.EXTENSION:
        if not _EXTENSION.fullmatch(compact):
            raise ConfigError("number", "phone-number", value=text)
        return compact
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    elif compact.startswith("0"):
        compact = f"+{country_code}{compact[1:]}"
    if not _E164.fullmatch(compact):
        raise ConfigError("number", "phone-number", value=text)
    return compact


@dataclass(frozen=True, slots=True)
class PhoneNumber:
    """One number of a person, canonical (see :func:`normalize_number`)."""

    kind: NumberKind
    value: str

    def __post_init__(self) -> None:
        if not isinstance(self.kind, NumberKind):
            raise ConfigError("kind", "choice", allowed=", ".join(NumberKind))
        pattern = _EXTENSION if self.kind is NumberKind.EXTENSION else _E164
        if not isinstance(self.value, str) or not pattern.fullmatch(self.value):
            raise ConfigError(str(self.kind), "phone-number", value=self.value)

    @classmethod
    def parse(cls, kind: NumberKind | str, text: str) -> PhoneNumber:
        """A number from what a person or a file gave (``kind`` by its value, e.g. ``"mobile"``)."""
        try:
            number_kind = NumberKind(kind)
        except ValueError:
            raise ConfigError("kind", "choice", allowed=", ".join(NumberKind)) from None
        try:
            return cls(number_kind, normalize_number(number_kind, text))
        except ConfigError as error:
            raise error.at(str(number_kind)) from None


@dataclass(frozen=True, slots=True)
class Unit:
    """An organisational unit; ``parent_id`` places it in the tenant's tree (None = a root)."""

    unit_id: str
    name: str
    parent_id: str | None = None

    def __post_init__(self) -> None:
        check_id("unit_id", self.unit_id)
        _check_text("name", self.name, NAME_LENGTH, required=True)
        if self.parent_id is not None:
            check_id("parent_id", self.parent_id)
            if self.parent_id == self.unit_id:
                raise ConfigError("parent_id", "unit-parent-self")


class FieldType(StrEnum):
    """What a custom field holds, so a value can be checked and shown (a phone number dials)."""

    TEXT = "text"
    PHONE = "phone"
    EMAIL = "email"
    URL = "url"


class Visibility(StrEnum):
    """Who may see a custom field (DIR6): a private mobile is for operators, not every agent."""

    EVERYONE = "everyone"
    OPERATORS = "operators"
    ADMINS = "admins"


@dataclass(frozen=True, slots=True)
class FieldDef:
    """A custom field a tenant admin defines: its key ``name``, the label shown, type, audience."""

    name: str
    label: str
    type: FieldType = FieldType.TEXT
    visibility: Visibility = Visibility.EVERYONE

    def __post_init__(self) -> None:
        check_id("name", self.name)
        _check_text("label", self.label, NAME_LENGTH, required=True)
        if not isinstance(self.type, FieldType):
            raise ConfigError("type", "choice", allowed=", ".join(FieldType))
        if not isinstance(self.visibility, Visibility):
            raise ConfigError("visibility", "choice", allowed=", ".join(Visibility))

    def check_value(self, value: str) -> None:
        """Refuse a value this field cannot hold (rule names the field as ``custom.<name>``)."""
        where = f"custom.{self.name}"
        _check_text(where, value, SHORT_TEXT_LENGTH)
        if not value:
            return
        if self.type is FieldType.PHONE:
            try:
                normalize_number(NumberKind.FIXED, value)
            except ConfigError as error:
                raise error.at(where) from None
        elif self.type is FieldType.EMAIL and not _EMAIL.fullmatch(value):
            raise ConfigError(where, "email", value=value)
        elif self.type is FieldType.URL and not value.startswith(("https://", "http://")):
            raise ConfigError(where, "url", value=value)


def _custom_pairs(
    custom: Mapping[str, str] | Iterable[tuple[str, str]],
) -> tuple[tuple[str, str], ...]:
    items = custom.items() if isinstance(custom, Mapping) else custom
    return tuple(sorted((str(key), value) for key, value in items))


@dataclass(frozen=True, slots=True)
class Person:
    """One entry of the directory (DIR1), staff or a selected external person.

    ``person_id`` is ours (stable across renames); ``external_id`` the source's key (a CSV
    column, an LDAP entry's GUID), empty for people entered by hand. At least one name is
    given. ``custom`` holds the tenant's custom fields as sorted ``(name, value)`` pairs (a
    mapping is accepted and sorted), so a person stays hashable; :meth:`custom_value` reads
    one. ``active`` is False for people removed at the source: kept, not lost (DIR5).
    """

    person_id: str
    external_id: str
    given_name: str
    family_name: str
    numbers: tuple[PhoneNumber, ...] = ()
    email: str = ""
    unit_ids: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    room: str = ""
    location: str = ""
    titles: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    custom: tuple[tuple[str, str], ...] = ()
    active: bool = True

    def __post_init__(self) -> None:
        check_id("person_id", self.person_id)
        _check_text("external_id", self.external_id, SHORT_TEXT_LENGTH)
        _check_text("given_name", self.given_name, NAME_LENGTH)
        _check_text("family_name", self.family_name, NAME_LENGTH)
        if not (self.given_name.strip() or self.family_name.strip()):
            raise ConfigError("family_name", "required-text")
        self._check_numbers()
        _check_text("email", self.email, EMAIL_LENGTH)
        if self.email and not _EMAIL.fullmatch(self.email):
            raise ConfigError("email", "email", value=self.email)
        if not isinstance(self.unit_ids, tuple) or len(self.unit_ids) > MAX_UNITS_PER_PERSON:
            raise ConfigError("unit_ids", "at-most", max=MAX_UNITS_PER_PERSON)
        for index, unit_id in enumerate(self.unit_ids):
            check_id(f"unit_ids[{index}]", unit_id)
        if len(set(self.unit_ids)) != len(self.unit_ids):
            raise ConfigError("unit_ids", "list-duplicate")
        _check_texts("groups", self.groups, NAME_LENGTH, MAX_GROUPS)
        _check_text("room", self.room, NAME_LENGTH)
        _check_text("location", self.location, NAME_LENGTH)
        _check_texts("titles", self.titles, SHORT_TEXT_LENGTH, MAX_TITLES)
        _check_texts("keywords", self.keywords, NAME_LENGTH, MAX_KEYWORDS)
        self._check_custom()

    def _check_numbers(self) -> None:
        if not isinstance(self.numbers, tuple):
            raise ConfigError("numbers", "list")
        if len(self.numbers) > MAX_NUMBERS:
            raise ConfigError("numbers", "at-most", max=MAX_NUMBERS)
        for index, number in enumerate(self.numbers):
            if not isinstance(number, PhoneNumber):
                raise ConfigError(f"numbers[{index}]", "phone-number", value=number)
        if len(set(self.numbers)) != len(self.numbers):
            raise ConfigError("numbers", "list-duplicate")

    def _check_custom(self) -> None:
        if not isinstance(self.custom, tuple):  # a mapping given: keep it as sorted pairs
            object.__setattr__(self, "custom", _custom_pairs(self.custom))
        if len(self.custom) > MAX_CUSTOM_FIELDS:
            raise ConfigError("custom", "at-most", max=MAX_CUSTOM_FIELDS)
        names = [name for name, _ in self.custom]
        if len(set(names)) != len(names):
            raise ConfigError("custom", "list-duplicate")
        for name, value in self.custom:
            check_id("custom", name)
            _check_text(f"custom.{name}", value, SHORT_TEXT_LENGTH)

    @property
    def name(self) -> str:
        """Given and family name as people say them ("Karin Carlsson")."""
        return f"{self.given_name} {self.family_name}".strip()

    def numbers_of(self, kind: NumberKind) -> tuple[str, ...]:
        """This person's numbers of one kind, in the order given."""
        return tuple(number.value for number in self.numbers if number.kind is kind)

    @property
    def extension(self) -> str | None:
        """The first extension, or None."""
        found = self.numbers_of(NumberKind.EXTENSION)
        return found[0] if found else None

    @property
    def mobile(self) -> str | None:
        """The first mobile number, or None."""
        found = self.numbers_of(NumberKind.MOBILE)
        return found[0] if found else None

    def custom_value(self, name: str) -> str | None:
        """The value of custom field ``name``, or None."""
        for key, value in self.custom:
            if key == name:
                return value
        return None


def check_custom_fields(person: Person, field_defs: Mapping[str, FieldDef]) -> None:
    """Refuse custom values the tenant has not defined or that do not fit their field's type."""
    for name, value in person.custom:
        field_def = field_defs.get(name)
        if field_def is None:
            raise ConfigError(f"custom.{name}", "unknown-field", value=name)
        field_def.check_value(value)
