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
from vaxel.directory.phonetic import phonetic_key, soundex_key
from vaxel.directory.presence import (
    DEFAULT_REASONS,
    ExtensionStatus,
    LineState,
    Presence,
    PresenceSource,
    Reason,
    RecurringAbsence,
    StatusKind,
    clear_group,
    current_presence,
    extension_status,
    group_presence,
    next_presence_change,
    reason_catalogue,
)
from vaxel.directory.search import DirectoryIndex, Hit, MatchTier

__all__ = [
    "DEFAULT_REASONS",
    "DirectoryIndex",
    "ExtensionStatus",
    "FieldDef",
    "FieldType",
    "Hit",
    "LineState",
    "MatchTier",
    "NumberKind",
    "Person",
    "PhoneNumber",
    "Presence",
    "PresenceSource",
    "Reason",
    "RecurringAbsence",
    "StatusKind",
    "Unit",
    "Visibility",
    "check_custom_fields",
    "clear_group",
    "current_presence",
    "extension_status",
    "group_presence",
    "next_presence_change",
    "normalize_number",
    "phonetic_key",
    "reason_catalogue",
    "soundex_key",
]
