"""Typed, actionable errors (STYLE.md rule 5).

A domain error says which object and which rule; a config error names the field and the
reason. Only the layer that owns the wire turns one into a response.
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "DomainError",
    "IllegalTransition",
    "NotFound",
    "UnknownAgent",
    "UnknownContact",
    "UnknownQueue",
    "UnknownTenant",
    "VaxelError",
]


class VaxelError(Exception):
    """Base of every error Växel raises on purpose."""


class ConfigError(VaxelError):
    """Invalid configuration (a queue, schedule, flow …): names the field and the reason.

    ``field`` is a dotted path such as ``queues[2].overflow.max_wait_s``.
    """

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}")

    def within(self, prefix: str) -> ConfigError:
        """The same error with its field placed under ``prefix`` (for nested validation)."""
        joined = f"{prefix}.{self.field}" if not self.field.startswith("[") else prefix + self.field
        return ConfigError(joined, self.reason)


class DomainError(VaxelError):
    """A rule of the domain was broken; the message says which object and which rule."""


class IllegalTransition(DomainError):
    """A state machine was asked for a step its table does not allow."""

    def __init__(self, machine: str, state: str, event: str) -> None:
        self.machine = machine
        self.state = state
        self.event = event
        super().__init__(f"{machine}: {event} is not allowed in state {state}")


class NotFound(VaxelError):
    """Something referred to by id does not exist (in this tenant)."""

    kind = "object"

    def __init__(self, object_id: str, tenant_id: str | None = None) -> None:
        self.object_id = object_id
        self.tenant_id = tenant_id
        where = f" in tenant {tenant_id!r}" if tenant_id else ""
        super().__init__(f"unknown {self.kind} {object_id!r}{where}")


class UnknownTenant(NotFound):
    kind = "tenant"


class UnknownQueue(NotFound):
    kind = "queue"


class UnknownAgent(NotFound):
    kind = "agent"


class UnknownContact(NotFound):
    kind = "contact"
