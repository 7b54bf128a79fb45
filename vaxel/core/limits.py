"""How long each kind of text may be — defined once, used everywhere (issue 9 §3).

A text without a limit is a way to fill the disk, the journal and every table on screen
(a 5,000-character queue name pushed the workspace, the wallboard and the callback list off
the page). Every text a user or a caller can enter has one of these limits, and each place
text enters uses the same number: the API schemas (``max_length``), the admin form parsers
(a refusal naming the field), the config objects' own validation, and the SIP edge.

The values are generous for what they hold and small enough for a table cell:

- ``ID_LENGTH`` 64: ids of queues, skills, schedules, flows, intervals, prompts' path parts —
  the admin pages have always allowed 64, so stored ids stay valid.
- ``NAME_LENGTH`` 100: names people read (a queue, an agent, a skill, a schedule).
- ``SHORT_TEXT_LENGTH`` 200: one line of explanation (a closure's reason).
- ``FREE_TEXT_LENGTH`` 2000: notes an agent writes about a contact.
- ``PHONE_NUMBER_LENGTH`` 40: a phone number as typed, spaces and dashes included.
- ``CALLER_DATA_FIELDS`` 20, ``CALLER_DATA_KEY_LENGTH`` 64, ``CALLER_DATA_VALUE_LENGTH`` 100:
  what a caller or a website form attaches to a contact (CB7 ``data``) — a reference, an
  account number, a short topic; longer texts belong in a case system, not on a wallboard.
- ``SIP_DISPLAY_NAME_LENGTH`` 64: the caller's name from a SIP From header (RFC 3261
  §20.20 sets no bound); longer ones are cut at the edge, since the caller cannot be asked.
"""

from __future__ import annotations

from vaxel.core.errors import ConfigError

__all__ = [
    "CALLER_DATA_FIELDS",
    "CALLER_DATA_KEY_LENGTH",
    "CALLER_DATA_VALUE_LENGTH",
    "FREE_TEXT_LENGTH",
    "ID_LENGTH",
    "NAME_LENGTH",
    "PHONE_NUMBER_LENGTH",
    "SHORT_TEXT_LENGTH",
    "SIP_DISPLAY_NAME_LENGTH",
    "check_length",
    "too_long",
]

ID_LENGTH = 64
NAME_LENGTH = 100
SHORT_TEXT_LENGTH = 200
FREE_TEXT_LENGTH = 2000
PHONE_NUMBER_LENGTH = 40
CALLER_DATA_FIELDS = 20
CALLER_DATA_KEY_LENGTH = 64
CALLER_DATA_VALUE_LENGTH = 100
SIP_DISPLAY_NAME_LENGTH = 64


def too_long(limit: int, length: int) -> str:
    """The reason a ConfigError gives for a text over ``limit`` (the edge translates it)."""
    return f"at most {limit} characters, got {length}"


def check_length(path: str, text: str, limit: int) -> None:
    """Refuse ``text`` longer than ``limit`` characters, naming the field ``path``."""
    if len(text) > limit:
        raise ConfigError(path, "too-long", max=limit, length=len(text))
