"""Who caused what: the context that rides on every event and command (STYLE.md rule 4)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Context"]


@dataclass(frozen=True, slots=True)
class Context:
    """Correlation (the contact or request a chain belongs to), causation (the event that led
    to this one) and actor (the user, agent or system part that acted), within a tenant."""

    tenant_id: str
    correlation_id: str = ""
    causation_id: str = ""
    actor: str = "system"

    def __post_init__(self) -> None:
        if not self.tenant_id:
            raise ValueError("Context.tenant_id must name a tenant")

    def caused_by(self, event_id: str, actor: str | None = None) -> Context:
        """The context of something that follows from ``event_id``."""
        return Context(
            tenant_id=self.tenant_id,
            correlation_id=self.correlation_id,
            causation_id=event_id,
            actor=self.actor if actor is None else actor,
        )
