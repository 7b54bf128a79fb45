"""A tenant's phone extensions as the admin edits them (PBX1, ADM1), applied while running.

An extension is stored as an ``extension`` document keyed by its number and announced
through :meth:`Configuration.changed`; the composition root swaps it into the running
telephony directory, so a new phone can register at once (Q20).

Rules, checked before anything is stored:

- the number is 2–10 digits and unique on the node: phones register to one SIP domain, so
  no two tenants may share an extension number, and it must not be a service number
  (any tenant's main or assigned number, national or E.164);
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
from typing import Any

from vaxel.core.errors import ConfigError, NotFound
from vaxel.runtime.configuration import Configuration
from vaxel.runtime.service_numbers import answered_numbers, national_form
from vaxel.store.repositories import Documents, UnknownDocument

__all__ = ["ExtensionError", "PhoneExtension", "PhoneExtensions", "UnknownExtension"]

_NUMBER = re.compile(r"[0-9]{2,10}")
MIN_PASSWORD, MAX_PASSWORD, MAX_NAME = 8, 64, 64


class ExtensionError(ConfigError):
    """An extension the rules refuse: ``ConfigError``'s field (``extension.<input>``), rule
    code and parameters (issue 12 §4); the admin page words it by code."""

    def __init__(self, field: str, rule: str, **params: Any) -> None:
        super().__init__(f"extension.{field}", rule, **params)


class UnknownExtension(NotFound):
    """No extension with that number in the tenant (a page answers 404)."""

    kind = "extension"
    code = "unknown-extension"


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
            raise UnknownExtension(replacing, tenant_id)
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
            raise UnknownExtension(number, tenant_id)
        self._documents.remove(tenant_id, number)
        self.configuration.changed(tenant_id, "extension", number)

    def _check(self, extension: PhoneExtension, replacing: str) -> None:
        tenant_id, number = extension.tenant_id, extension.number
        if not _NUMBER.fullmatch(number):
            raise ExtensionError("number", "extension-number", value=number)
        owners = set(self._documents.owners(number))
        if owners - {tenant_id} or (tenant_id in owners and number != replacing):
            raise ExtensionError("number", "extension-number-taken", value=number)
        if number in _service_numbers(self.configuration):
            raise ExtensionError("number", "service-number", value=number)
        if not MIN_PASSWORD <= len(extension.password) <= MAX_PASSWORD:
            raise ExtensionError(
                "password", "sip-password-length", min=MIN_PASSWORD, max=MAX_PASSWORD
            )
        if len(extension.display_name) > MAX_NAME:
            raise ExtensionError("display_name", "name-length", max=MAX_NAME)
        if not extension.agent_id:
            if extension.auto_login_queues:
                raise ExtensionError("auto_login_queues", "queues-without-agent")
            return
        profile = self.configuration.center.running_agents(tenant_id).get(extension.agent_id)
        if profile is None:
            raise ExtensionError("agent_id", "unknown-agent-ref", value=extension.agent_id)
        for other in self.all(tenant_id):
            if other.agent_id == extension.agent_id and other.number not in (number, replacing):
                raise ExtensionError(
                    "agent_id",
                    "agent-has-extension",
                    value=extension.agent_id,
                    other=other.number,
                )
        permitted = set(profile.permitted_queues)
        for queue_id in extension.auto_login_queues:
            if queue_id not in permitted:
                raise ExtensionError(
                    "auto_login_queues",
                    "queue-not-permitted",
                    value=extension.agent_id,
                    other=queue_id,
                )


def _service_numbers(configuration: Configuration) -> set[str]:
    """Every number callers dial, of every tenant, E.164 and national ("+4610…", "010…")."""
    numbers: set[str] = set()
    for answered in answered_numbers(configuration.database):
        numbers.update(filter(None, (answered.number, national_form(answered.number))))
    return numbers
