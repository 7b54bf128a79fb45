"""A tenant's phone extensions as the admin edits them (PBX1, ADM1), applied while running.

An extension is stored as an ``extension`` document keyed by its number and announced
through :meth:`Configuration.changed`; the composition root swaps it into the running
telephony directory, so a new phone can register at once (Q20).

Rules, checked before anything is stored:

- the number is 2–10 digits and unique on the node: phones register to one SIP domain, so
  no two tenants may share an extension number, and it must not be a service number
  (a tenant's main number, national or E.164);
- the SIP password is stored as given, because digest authentication (RFC 8760) needs it
  to compute the expected response; it is never shown back, and left unchanged on edit
  unless a new one is given (8–64 characters);
- the agent, if any, exists in the tenant and has no other extension (offers ring one
  phone); queues logged in on registration are among the agent's permitted queues (ADM2).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from vaxel.core.errors import ConfigError
from vaxel.runtime.configuration import Configuration
from vaxel.store.repositories import Documents, Tenants, UnknownDocument

__all__ = ["ExtensionError", "ExtensionProblem", "PhoneExtension", "PhoneExtensions"]

_NUMBER = re.compile(r"[0-9]{2,10}")
MIN_PASSWORD, MAX_PASSWORD, MAX_NAME = 8, 64, 64


class ExtensionProblem(StrEnum):
    """What is wrong with an extension; the admin page says it in the admin's language."""

    BAD_NUMBER = "bad_number"
    NUMBER_TAKEN = "number_taken"
    SERVICE_NUMBER = "service_number"
    BAD_PASSWORD = "bad_password"
    NAME_TOO_LONG = "name_too_long"
    UNKNOWN_AGENT = "unknown_agent"
    AGENT_HAS_EXTENSION = "agent_has_extension"
    QUEUES_WITHOUT_AGENT = "queues_without_agent"
    QUEUE_NOT_PERMITTED = "queue_not_permitted"
    UNKNOWN_EXTENSION = "unknown_extension"


class ExtensionError(ConfigError):
    def __init__(self, field_name: str, problem: ExtensionProblem, reason: str) -> None:
        self.problem = problem
        super().__init__(f"extension.{field_name}", reason)


@dataclass(frozen=True, slots=True)
class PhoneExtension:
    tenant_id: str
    number: str
    display_name: str = ""
    password: str = field(default="", repr=False)
    agent_id: str = ""
    auto_login_queues: tuple[str, ...] = ()

    def document(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "display_name": self.display_name,
            "password": self.password,
            "agent_id": self.agent_id,
            "auto_login_queues": list(self.auto_login_queues),
        }

    @classmethod
    def from_document(cls, tenant_id: str, document: Mapping[str, Any]) -> PhoneExtension:
        return cls(
            tenant_id,
            str(document["number"]),
            str(document.get("display_name", "")),
            str(document.get("password", "")),
            str(document.get("agent_id", "")),
            tuple(str(q) for q in document.get("auto_login_queues", ())),
        )


class PhoneExtensions:
    """Validates, stores and announces a tenant's extensions."""

    def __init__(self, configuration: Configuration) -> None:
        self.configuration = configuration
        self._documents: Documents = configuration.documents("extension")

    def all(self, tenant_id: str) -> list[PhoneExtension]:
        documents = self._documents.all(tenant_id)
        return [PhoneExtension.from_document(tenant_id, d) for d in documents.values()]

    def get(self, tenant_id: str, number: str) -> PhoneExtension | None:
        try:
            return PhoneExtension.from_document(tenant_id, self._documents.get(tenant_id, number))
        except UnknownDocument:
            return None

    def put(self, extension: PhoneExtension, replacing: str = "") -> PhoneExtension:
        """Create an extension, or change the one numbered ``replacing`` (it may get a new
        number); an empty password on a change keeps the stored one."""
        tenant_id, number = extension.tenant_id, extension.number
        previous = self.get(tenant_id, replacing) if replacing else None
        if replacing and previous is None:
            raise ExtensionError(
                "number", ExtensionProblem.UNKNOWN_EXTENSION, f"no extension {replacing!r}"
            )
        if not extension.password and previous is not None:
            extension = replace(extension, password=previous.password)
        self._check(extension, replacing)
        self._documents.put(
            tenant_id, number, extension.display_name or number, extension.document()
        )
        if replacing and replacing != number:
            self._documents.remove(tenant_id, replacing)
            self.configuration.changed(tenant_id, "extension", replacing)
        self.configuration.changed(tenant_id, "extension", number)
        return extension

    def remove(self, tenant_id: str, number: str) -> None:
        if self.get(tenant_id, number) is None:
            raise ExtensionError(
                "number", ExtensionProblem.UNKNOWN_EXTENSION, f"no extension {number!r}"
            )
        self._documents.remove(tenant_id, number)
        self.configuration.changed(tenant_id, "extension", number)

    def _check(self, extension: PhoneExtension, replacing: str) -> None:
        tenant_id, number = extension.tenant_id, extension.number
        if not _NUMBER.fullmatch(number):
            raise ExtensionError("number", ExtensionProblem.BAD_NUMBER, "2 to 10 digits")
        owners = set(self._documents.owners(number))
        if owners - {tenant_id} or (tenant_id in owners and number != replacing):
            raise ExtensionError(
                "number", ExtensionProblem.NUMBER_TAKEN, f"{number} is already in use"
            )
        if number in _service_numbers(self.configuration):
            raise ExtensionError(
                "number", ExtensionProblem.SERVICE_NUMBER, f"{number} is a service number"
            )
        if not MIN_PASSWORD <= len(extension.password) <= MAX_PASSWORD:
            raise ExtensionError(
                "password",
                ExtensionProblem.BAD_PASSWORD,
                f"{MIN_PASSWORD} to {MAX_PASSWORD} characters",
            )
        if len(extension.display_name) > MAX_NAME:
            raise ExtensionError(
                "display_name", ExtensionProblem.NAME_TOO_LONG, f"at most {MAX_NAME} characters"
            )
        if not extension.agent_id:
            if extension.auto_login_queues:
                raise ExtensionError(
                    "auto_login_queues",
                    ExtensionProblem.QUEUES_WITHOUT_AGENT,
                    "only an agent's extension logs in to queues",
                )
            return
        profile = self.configuration.center.running_agents(tenant_id).get(extension.agent_id)
        if profile is None:
            raise ExtensionError(
                "agent_id", ExtensionProblem.UNKNOWN_AGENT, f"no agent {extension.agent_id!r}"
            )
        for other in self.all(tenant_id):
            if other.agent_id == extension.agent_id and other.number not in (number, replacing):
                raise ExtensionError(
                    "agent_id",
                    ExtensionProblem.AGENT_HAS_EXTENSION,
                    f"{extension.agent_id} already has extension {other.number}",
                )
        permitted = set(profile.permitted_queues)
        for queue_id in extension.auto_login_queues:
            if queue_id not in permitted:
                raise ExtensionError(
                    "auto_login_queues",
                    ExtensionProblem.QUEUE_NOT_PERMITTED,
                    f"{extension.agent_id} may not log in to {queue_id!r}",
                )


def _service_numbers(configuration: Configuration) -> set[str]:
    """Every tenant's main number, E.164 and national ("+4610…" and "010…")."""
    numbers: set[str] = set()
    for tenant in Tenants(configuration.database).all():
        if tenant.main_number:
            numbers.add(tenant.main_number)
            if tenant.main_number.startswith("+46"):
                numbers.add("0" + tenant.main_number.removeprefix("+46"))
    return numbers
