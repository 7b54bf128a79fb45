"""A tenant's limit of parties in a console conference (issue 16, spec §46 "Koppla upp
konferenssamtal"): how many may talk in one, the operator included. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from vaxel.core.errors import DomainError

__all__ = [
    "CONSOLE_CONFERENCE_SETTINGS",
    "DEFAULT_PARTIES",
    "MAX_PARTIES_LIMIT",
    "ConsoleConferenceSettings",
]

CONSOLE_CONFERENCE_SETTINGS = "pbx-console-conference"
"""The source name of a tenant's ``{"max_parties": 6}``."""
DEFAULT_PARTIES = 6
MAX_PARTIES_LIMIT = 20
"""The most a tenant may allow: every party is a leg the switch mixes for each packet."""


@dataclass(frozen=True, slots=True)
class ConsoleConferenceSettings:
    """Parties of a console conference, her included: 3 (caller, person, her) to 20."""

    max_parties: int = DEFAULT_PARTIES

    def __post_init__(self) -> None:
        if not 3 <= self.max_parties <= MAX_PARTIES_LIMIT:
            raise DomainError(
                f"{self.max_parties} parties", code="conference-parties-range", most=20
            )

    @classmethod
    def of(cls, stored: object) -> ConsoleConferenceSettings:
        """From the tenant's stored settings; anything unusable gives the default."""
        most = stored.get("max_parties") if isinstance(stored, dict) else None
        try:
            return cls(most) if isinstance(most, int) else cls()
        except DomainError:
            return cls()
