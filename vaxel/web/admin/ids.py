"""Ids an admin types, and the id to suggest when one is refused (issue 9 §13).

Ids (of queues, skills, schedules, flows, users) are small ASCII letters, digits, ``-`` and
``_``: they end up in URLs, SIP routing, YAML and logs. A Swedish admin naturally types
"växel" or "Kundtjänst"; refusing that without a way forward is a dead end, so the refusal
offers the transliterated id ("vaxel", "kundtjanst") and the page fills it in (from the
session's flash: a URL never fills in a form).
"""

from __future__ import annotations

import re
import unicodedata

from vaxel.core.limits import ID_LENGTH, NAME_LENGTH
from vaxel.web.i18n import gettext

__all__ = ["OBJECT_ID", "USERNAME", "refused_id", "suggested_id"]

OBJECT_ID = re.compile(rf"^[a-z0-9][a-z0-9_-]{{0,{ID_LENGTH - 1}}}$")
USERNAME = re.compile(rf"^[a-z0-9][a-z0-9._-]{{0,{ID_LENGTH - 1}}}$")

_LETTERS = str.maketrans({"æ": "ae", "ø": "o", "ß": "ss", "ð": "d", "þ": "th", "ł": "l"})


def suggested_id(text: str, *, dots: bool = False) -> str:
    """``text`` made into a valid id ("Växel 2" → "vaxel-2"), or "" when nothing is left.

    Letters lose their accents (å, ä → a; ö → o; é → e), anything else not allowed becomes
    ``-``; ``dots`` keeps ``.`` (user names)."""
    folded = unicodedata.normalize("NFKD", text.strip().lower().translate(_LETTERS))
    ascii_text = "".join(c for c in folded if not unicodedata.combining(c))
    allowed = r"a-z0-9_.-" if dots else r"a-z0-9_-"
    dashed = re.sub(rf"[^{allowed}]+", "-", ascii_text)
    dashed = re.sub(r"-{2,}", "-", dashed).lstrip("-_.")
    return dashed[:ID_LENGTH].rstrip("-")


def refused_id(
    typed: str, typed_name: str = "", *, dots: bool = False
) -> tuple[str, dict[str, str]]:
    """The refusal of the id ``typed`` (naming the field, with the suggestion when there is
    one) and what the new form is filled in with again: the suggestion and the name."""
    suggestion = suggested_id(typed, dots=dots)
    allowed = (
        gettext("små bokstäver, siffror, . - och _ (högst {} tecken)")
        if dots
        else gettext("små bokstäver, siffror, - och _ (högst {} tecken)")
    ).format(ID_LENGTH)
    message = gettext("Id: {}").format(allowed)
    if not suggestion:
        return message, {}
    message += " " + gettext("Förslag: {}").format(suggestion)
    name = (typed_name or typed.strip())[:NAME_LENGTH]
    return message, {"id": suggestion, "name": name}
