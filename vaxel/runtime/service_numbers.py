"""Which flow answers each number a tenant is called on, as the admin assigns them (issue 12
§6, ADM1), applied while running (Q20).

A tenant has service numbers, each answered by one of its flows. Its main number (set when
the tenant was added) is one of them: while the tenant has one flow, that flow answers it,
as before numbers could be assigned; once a second flow is created the main number is kept
on the flow it had (:func:`keep_main_number`), so adding a flow never changes what callers
hear. It is never removed, only given another flow. Rules, checked before anything is
stored:

- the number is written as E.164 (``phonenumbers``): "010-123 45 00" is "+46101234500",
  so one number cannot be stored twice in two spellings;
- it belongs to one tenant only (another tenant's assigned or main number is taken, and
  the refusal does not say whose), and it is no phone extension on the node (phones and
  callers share one SIP domain, and Swedish numbers are also answered in their national
  form "0…");
- the flow is one of the tenant's; a flow that answers a number cannot be removed until
  the number has another flow (:func:`numbers_answered_by`).

A saved change is announced as a ``number`` change, and the composition root rebuilds the
numbers telephony answers: the next call gets the new flow, a call in progress keeps its
own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from vaxel.core import limits
from vaxel.core.dial_policy import NumberRefused, normalise
from vaxel.core.errors import ConfigError, NotFound
from vaxel.store.repositories import Documents, Tenants
from vaxel.store.service_numbers import NumberTaken, ServiceNumber, ServiceNumbers

if TYPE_CHECKING:
    from vaxel.runtime.configuration import Configuration

__all__ = [
    "AnsweredNumber",
    "NumberAssignments",
    "UnknownServiceNumber",
    "answered_numbers",
    "keep_main_number",
    "national_form",
    "numbers_answered_by",
]


class UnknownServiceNumber(NotFound):
    """The tenant has no such number. Its parameters do not echo the number: whether some
    other tenant has it is none of the asker's business, and an echo reads like a leak."""

    kind = "number"
    code = "unknown-service-number"

    @property
    def params(self) -> Mapping[str, Any]:
        return MappingProxyType({"kind": self.kind})


@dataclass(frozen=True, slots=True)
class AnsweredNumber:
    """A number telephony answers for ``tenant_id`` with the flow ``flow_id``.
    ``main``: the tenant's main number; ``assigned``: its flow is stored (a main number not
    yet assigned is answered by the tenant's only flow, or by nothing without one)."""

    tenant_id: str
    number: str
    flow_id: str
    main: bool = False
    assigned: bool = True


def national_form(number: str) -> str:
    """The Swedish national form a caller may also dial ("+4610…" → "010…"), or ""."""
    return "0" + number.removeprefix("+46") if number.startswith("+46") else ""


def answered_numbers(database: Engine, tenant_id: str | None = None) -> list[AnsweredNumber]:
    """Every number answered (of one tenant, or of all), with the flow that answers it."""
    assigned: dict[str, list[ServiceNumber]] = {}
    store = ServiceNumbers(database)
    for item in store.of_tenant(tenant_id) if tenant_id else store.everyone():
        assigned.setdefault(item.tenant_id, []).append(item)
    tenants = Tenants(database).all()
    found: list[AnsweredNumber] = []
    for tenant in tenants:
        if tenant_id is not None and tenant.tenant_id != tenant_id:
            continue
        own = assigned.get(tenant.tenant_id, [])
        main = tenant.main_number
        found += [AnsweredNumber(i.tenant_id, i.number, i.flow_id, i.number == main) for i in own]
        if main and all(item.number != main for item in own):
            flows = Documents(database, "flow").all(tenant.tenant_id)
            first = next(iter(flows), "")
            found.append(AnsweredNumber(tenant.tenant_id, main, first, main=True, assigned=False))
    return sorted(found, key=lambda a: (a.tenant_id, not a.main, a.number))


def numbers_answered_by(database: Engine, tenant_id: str, flow_id: str) -> list[str]:
    """The tenant's numbers ``flow_id`` answers (its main number included when the flow
    answers it by default)."""
    return [a.number for a in answered_numbers(database, tenant_id) if a.flow_id == flow_id]


def keep_main_number(database: Engine, tenant_id: str) -> None:
    """Store the flow answering the tenant's main number by default as its own assignment
    (called before a new flow is stored, which could otherwise come first by id)."""
    for answered in answered_numbers(database, tenant_id):
        if answered.main and not answered.assigned and answered.flow_id:
            ServiceNumbers(database).put(
                ServiceNumber(tenant_id, answered.number, answered.flow_id)
            )


class NumberAssignments:
    """Validates, stores and announces a tenant's number → flow assignments."""

    def __init__(self, configuration: Configuration) -> None:
        self.configuration = configuration
        self._store = ServiceNumbers(configuration.database)

    def answered(self, tenant_id: str) -> list[AnsweredNumber]:
        """The tenant's numbers with their flows, main number first."""
        return answered_numbers(self.configuration.database, tenant_id)

    def assign(self, tenant_id: str, number: str, flow_id: str) -> str:
        """Answer ``number`` (as typed) with ``flow_id``, a new number or one of the
        tenant's. Returns the number as stored (E.164)."""
        e164 = self._checked_number(number)
        if flow_id not in self.configuration.flows(tenant_id):
            raise ConfigError("flow_id", "unknown-flow-ref", value=flow_id)
        for tenant in Tenants(self.configuration.database).all():
            if tenant.tenant_id != tenant_id and tenant.main_number == e164:
                raise NumberTaken(e164)
        extensions = Documents(self.configuration.database, "extension")
        for spelling in filter(None, (e164, national_form(e164))):
            if extensions.owners(spelling):
                raise ConfigError("number", "service-number-extension", value=spelling)
        self._store.put(ServiceNumber(tenant_id, e164, flow_id))
        self.configuration.changed(tenant_id, "number", e164)
        return e164

    def remove(self, tenant_id: str, number: str) -> None:
        """Stop answering ``number``; the main number is kept (give it another flow)."""
        if any(a.main and a.number == number for a in self.answered(tenant_id)):
            raise ConfigError("number", "service-number-main", value=number)
        if not self._store.remove(tenant_id, number):
            raise UnknownServiceNumber(number, tenant_id)
        self.configuration.changed(tenant_id, "number", number)

    @staticmethod
    def _checked_number(number: str) -> str:
        typed = number.strip()
        if not typed:
            raise ConfigError("number", "required")
        if len(typed) > limits.PHONE_NUMBER_LENGTH:
            raise ConfigError(
                "number", "too-long", max=limits.PHONE_NUMBER_LENGTH, length=len(typed)
            )
        try:
            return normalise(typed)
        except NumberRefused:
            raise ConfigError("number", "service-number-format", value=typed) from None
