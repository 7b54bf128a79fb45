"""People's recurring absences (DIR3), as the directory views keep them: each rule a weekly
:class:`~vaxel.schedule.Schedule` of absence with a reason, stored as plain data under the
tenant's ``recurring`` source and read back into :class:`RecurringAbsence` values."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from vaxel.core.errors import ConfigError
from vaxel.directory.presence import Presence, RecurringAbsence
from vaxel.schedule import schedule_from_dict

__all__ = ["held", "rule_of", "rules_of"]

log = logging.getLogger(__name__)


def rule_of(person_id: str, index: int, rule: Any) -> RecurringAbsence:
    where = f"rules[{index}]"
    if not isinstance(rule, dict):
        raise ConfigError(where, "mapping")
    try:
        schedule = schedule_from_dict(
            {"id": f"{person_id}-{index}"[:64], "weekly": rule.get("weekly", {})}
        )
    except ConfigError as error:
        raise error.at(f"{where}.{error.field}") from None
    return RecurringAbsence(
        str(rule.get("reason_id", "")) or "-", schedule, str(rule.get("text", ""))[:200]
    )


def rules_of(stored: dict[str, Any] | None) -> dict[str, list[RecurringAbsence]]:
    """The stored rules as values; a rule that no longer reads (say, a reason renamed) is
    logged and left out rather than stopping the tenant's directory."""
    found: dict[str, list[RecurringAbsence]] = {}
    for person_id, rules in ((stored or {}).get("rules") or {}).items():
        for index, rule in enumerate(rules if isinstance(rules, list) else []):
            try:
                found.setdefault(person_id, []).append(rule_of(person_id, index, rule))
            except ConfigError:
                log.warning("recurring absence %s of %s cannot be read", index, person_id)
    return found


def held(
    presences: Mapping[str, tuple[Presence, ...]],
    recurring: Mapping[str, list[RecurringAbsence]],
    person_id: str,
    now: datetime,
) -> tuple[Presence, ...]:
    """The presences set for a person and those their recurring absences give at ``now``."""
    own = presences.get(person_id, ())
    rules = recurring.get(person_id)
    if not rules:
        return own
    given = tuple(p for p in (r.presence_at(now) for r in rules) if p is not None)
    return own + given
