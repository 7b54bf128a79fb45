"""Every error a user can see, in the user's language, chosen by its code (issue 12 §4).

The core's errors carry a stable ``code`` and ``params`` (``vaxel.core.errors``); each
code has its Swedish wording (:mod:`vaxel.web.error_wordings`), translated through gettext
like every other text of the web (English in ``locale/en``), and filled in here. Nothing is
matched against the core's English: a rule without a wording reads "ogiltigt värde", and
a test keeps every rule of :data:`vaxel.core.rules.RULES` worded.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vaxel.core.errors import ConfigError, NotFound, VaxelError
from vaxel.web.error_wordings import CONFIG_RULES, DOMAIN_ERRORS
from vaxel.web.i18n import N_, gettext

__all__ = [
    "CONFIG_RULES",
    "DOMAIN_ERRORS",
    "error_status",
    "error_text",
    "problem_params",
    "rule_text",
]

INVALID = N_("ogiltigt värde")


def rule_text(error: ConfigError) -> str:
    """The rule a config error names, in the current language ("högst 64 tecken …")."""
    wording = CONFIG_RULES.get(error.code)
    if wording is None:
        return gettext(INVALID)
    try:
        return gettext(wording).format(**error.rule_params)
    except (KeyError, IndexError, ValueError):
        return gettext(wording)


def error_text(error: VaxelError, field_label: str = "") -> str:
    """Any of Växel's errors as the user reads it; a config error's field named by
    ``field_label`` (the page's label for its input) when the page has one."""
    if isinstance(error, ConfigError):
        reason = rule_text(error)
        return f"{field_label}: {reason}" if field_label else reason
    wording = DOMAIN_ERRORS.get(error.code)
    if wording is not None:
        try:
            return gettext(wording).format(**error.params)
        except (KeyError, IndexError, ValueError):
            return gettext(wording)
    if isinstance(error, NotFound):
        return gettext("Det finns inte längre")
    return gettext("Det gick inte att genomföra; försök igen")


def error_status(error: VaxelError) -> int:
    """The HTTP status for an error no handler caught (STYLE rule 8: one place decides)."""
    if isinstance(error, NotFound):
        return 404
    if error.code == "directory-forbidden":
        return 403
    if isinstance(error, ConfigError):
        return 422
    return 409  # a domain rule refused the step (an illegal transition, a refused booking)


def problem_params(error: VaxelError) -> Mapping[str, Any]:
    """The error's parameters for a client (RFC 9457 extension member ``params``): JSON
    values only, so a tuple becomes a list and anything else its text."""
    shown: dict[str, Any] = {}
    for key, value in error.params.items():
        if isinstance(value, (str, int, float, bool)) or value is None:
            shown[key] = value
        elif isinstance(value, (list, tuple, set, frozenset)):
            shown[key] = [str(v) for v in value]
        else:
            shown[key] = str(value)
    return shown
