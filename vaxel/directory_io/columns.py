"""The columns of the directory's CSV and the elements of its XML (issue 13 §3, DIR5;
documented in ``docs/directory.md``).

Both formats carry the same named values per person. A column marked "several" may hold
several values: in CSV separated by ``;``, in XML as repeated elements. Unit values are
paths from the top of the tree, ``Samhällsbyggnad/Bygglov``. Any other column must be the
name of a custom field the tenant has defined, or the file is refused naming it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "COLUMNS",
    "LIST_SEPARATOR",
    "MAX_FILE_BYTES",
    "MAX_PEOPLE",
    "MAX_VALUES",
    "NUMBER_COLUMNS",
    "REQUIRED_COLUMNS",
    "SEVERAL",
    "UNIT_SEPARATOR",
    "Record",
]

NUMBER_COLUMNS = ("extension", "direct", "mobile", "fixed")
"""Columns holding phone numbers, named as :class:`vaxel.directory.model.NumberKind`."""

COLUMNS = (
    "external_id",
    "given_name",
    "family_name",
    *NUMBER_COLUMNS,
    "email",
    "unit",
    "title",
    "room",
    "location",
    "groups",
    "keywords",
)
"""The standard columns, in the order an export writes them (custom fields follow)."""

REQUIRED_COLUMNS = ("external_id", "given_name", "family_name")
SEVERAL = frozenset({*NUMBER_COLUMNS, "unit", "title", "groups", "keywords"})
"""Columns that may hold several values."""

LIST_SEPARATOR = ";"
UNIT_SEPARATOR = "/"

MAX_FILE_BYTES = 64 * 1024 * 1024
"""A file larger than this is refused before it is read: 100,000 people take ~15 MB."""
MAX_PEOPLE = 200_000
"""People in one file; a larger organisation imports in parts (incremental mode)."""
MAX_VALUES = 20
"""Values in one several-valued column of one person."""


@dataclass(slots=True)
class Record:
    """One person as read from a file: each column's values, and where they stood."""

    line: int
    values: dict[str, list[str]] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    """The line of each column's value (XML elements stand on their own lines)."""

    def line_of(self, column: str) -> int:
        return self.lines.get(column, self.line)

    def one(self, column: str) -> str:
        values = self.values.get(column)
        return values[0] if values else ""
