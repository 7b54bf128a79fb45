"""Typed, actionable errors with stable codes (STYLE.md rule 5, issue 12 §4).

A domain error says which object and which rule; a config error names the field and the
rule. Each carries a stable ``code`` and its ``params`` (the object, the field, the values),
so the edge translates by code through gettext (``vaxel.web.error_text``) and never by
matching English text. The English message (``str(error)``) is for logs and developers.
Only the layer that owns the wire turns an error into a response.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from vaxel.core.rules import RULES

__all__ = [
    "RULES",
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

_NO_PARAMS: Mapping[str, Any] = MappingProxyType({})


class VaxelError(Exception):
    """Base of every error Växel raises on purpose: ``code`` names the rule (stable, for
    clients and translations), ``params`` what the message needs to be written again."""

    code: str = "error"

    @property
    def params(self) -> Mapping[str, Any]:
        return _NO_PARAMS


class ConfigError(VaxelError):
    """Invalid configuration (a queue, schedule, flow …): names the field and the rule.

    ``field`` is a dotted path such as ``queues[2].overflow.max_wait_s``; ``rule`` is a code
    of :data:`~vaxel.core.rules.RULES` (``"number-min"``) and ``params`` fill its wording
    (``min=0, value="x"``). ``reason`` is the English wording, for logs.
    """

    def __init__(self, field: str, rule: str, **params: Any) -> None:
        if rule not in RULES:  # free English text: shown as "invalid" (a test finds these)
            rule, params = "invalid", {"reason": rule}
        self.field = field
        self.code = rule
        self._params = MappingProxyType(dict(params))
        self.reason = RULES[rule].format(**params)
        super().__init__(f"{field}: {self.reason}")

    @property
    def params(self) -> Mapping[str, Any]:
        """The rule's parameters and the ``field``."""
        return MappingProxyType({"field": self.field, **self._params})

    @property
    def rule_params(self) -> Mapping[str, Any]:
        """The parameters of the rule's wording alone (without the field)."""
        return self._params

    def within(self, prefix: str) -> ConfigError:
        """The same error with its field placed under ``prefix`` (for nested validation)."""
        joined = f"{prefix}.{self.field}" if not self.field.startswith("[") else prefix + self.field
        return self.at(joined)

    def at(self, field: str) -> ConfigError:
        """The same rule and parameters about another ``field`` (a form's own input name)."""
        return ConfigError(field, self.code, **self._params)


class DomainError(VaxelError):
    """A rule of the domain was broken; the message says which object and which rule.

    ``code`` names the rule (stable: the web words it by code, issue 12 §4) and ``params``
    the objects (``queue``, ``agent`` …); the English ``message`` is for logs."""

    code = "domain"

    def __init__(self, message: str = "", *, code: str = "", **params: Any) -> None:
        super().__init__(message)
        if code:
            self.code = code
        self._params: Mapping[str, Any] = MappingProxyType(dict(params))

    @property
    def params(self) -> Mapping[str, Any]:
        return self._params


class IllegalTransition(DomainError):
    """A state machine was asked for a step its table does not allow."""

    code = "illegal-transition"

    def __init__(self, machine: str, state: str, event: str) -> None:
        self.machine = machine
        self.state = state
        self.event = event
        super().__init__(f"{machine}: {event} is not allowed in state {state}")

    @property
    def params(self) -> Mapping[str, Any]:
        return MappingProxyType({"machine": self.machine, "state": self.state, "event": self.event})


class NotFound(VaxelError):
    """Something referred to by id does not exist (in this tenant)."""

    kind = "object"
    code = "unknown-object"

    def __init__(self, object_id: str, tenant_id: str | None = None) -> None:
        self.object_id = object_id
        self.tenant_id = tenant_id
        where = f" in tenant {tenant_id!r}" if tenant_id else ""
        super().__init__(f"unknown {self.kind} {object_id!r}{where}")

    @property
    def params(self) -> Mapping[str, Any]:
        """The kind and id (never the tenant: a client learns nothing of other tenants)."""
        return MappingProxyType({"kind": self.kind, "id": self.object_id})


class UnknownTenant(NotFound):
    kind = "tenant"
    code = "unknown-tenant"


class UnknownQueue(NotFound):
    kind = "queue"
    code = "unknown-queue"


class UnknownAgent(NotFound):
    kind = "agent"
    code = "unknown-agent"


class UnknownContact(NotFound):
    kind = "contact"
    code = "unknown-contact"
