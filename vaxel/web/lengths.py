"""Refusals of texts over :mod:`vaxel.core.limits`, in the user's language (issue 9 §3).

The limits are the core's; this module only words the refusal so it names the field the
way the page labels it ("Namn: högst 100 tecken").
"""

from __future__ import annotations

from vaxel.core import limits
from vaxel.web.i18n import gettext

__all__ = ["longer_than", "note_too_long", "too_long"]


def too_long(label: str, limit: int) -> str:
    """The refusal of a text over ``limit`` characters in the field labelled ``label``."""
    return gettext("{label}: högst {limit} tecken").format(label=label, limit=limit)


def longer_than(text: str, limit: int) -> bool:
    """True when ``text``, as it will be stored (stripped), is over ``limit`` characters."""
    return len(text.strip()) > limit


def note_too_long() -> str:
    """An agent's note on a contact or a callback is free text (FREE_TEXT_LENGTH)."""
    return too_long(gettext("Anteckning"), limits.FREE_TEXT_LENGTH)
