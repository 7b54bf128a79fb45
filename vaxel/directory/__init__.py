"""The directory (issue 13): people, units, presence (hänvisning), extension status and
Swedish phonetic free-text search (DIR1–DIR4). Pure: no I/O, time is passed in.

"Hänvisning" — a person's absence message with a reason and a return time — is called
``presence`` in the code.
"""

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

__all__ = [
    "FieldDef",
    "FieldType",
    "NumberKind",
    "Person",
    "PhoneNumber",
    "Unit",
    "Visibility",
    "check_custom_fields",
    "normalize_number",
]
