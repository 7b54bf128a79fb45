"""Message templates for the operator's messages to a person (OP7, seed 001 "meddelanden
via mallar"; issue 16 §4), and the SMS gateway port.

A template is a name and a body with placeholders in braces — ``Ring {namn} på {nummer}
angående {ärende}`` — that the console fills in from the call. Only the placeholders in
:data:`PLACEHOLDERS` exist; a body naming another is refused with that placeholder's name,
so a typo is found when the template is saved, not when a message goes out half-filled.

SMS goes through :class:`SmsGateway`, a port the channels issue implements; until then
:class:`NoSmsGateway` refuses with ``sms-not-configured`` ("SMS är inte konfigurerat").
"""

from __future__ import annotations

from collections.abc import Mapping
from string import Formatter
from typing import Protocol

from vaxel.core.errors import DomainError

__all__ = [
    "BODY_LENGTH",
    "FIELD_LENGTH",
    "NAME_LENGTH",
    "PLACEHOLDERS",
    "NoSmsGateway",
    "SmsGateway",
    "check_template",
    "fill",
    "placeholders",
]

NAME_LENGTH = 80
BODY_LENGTH = 1_000
FIELD_LENGTH = 200
"""A filled-in value (a caller's name, a matter) at most this long; longer is cut."""

PLACEHOLDERS = ("namn", "nummer", "ärende", "tid", "telefonist")
"""The caller's name and number, the matter, the time of the call, the operator."""


def placeholders(body: str) -> list[str]:
    """The placeholder names ``body`` uses, in order; DomainError ``template-braces`` for a
    lone brace and ``template-placeholder`` (``placeholder=``) for an unknown name."""
    try:
        parsed = list(Formatter().parse(body))
    except ValueError:
        raise DomainError("unbalanced braces", code="template-braces") from None
    names: list[str] = []
    for _text, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in PLACEHOLDERS or spec or conversion:
            raise DomainError(
                f"unknown placeholder {name!r}", code="template-placeholder", placeholder=name
            )
        names.append(name)
    return names


def check_template(name: str, body: str) -> tuple[str, str]:
    """The name and body trimmed, or DomainError: ``template-name`` (empty or longer than
    :data:`NAME_LENGTH`), ``template-body`` (empty or longer than :data:`BODY_LENGTH`), or
    a placeholder refusal from :func:`placeholders`."""
    name, body = name.strip(), body.strip()
    if not name or len(name) > NAME_LENGTH:
        raise DomainError("template name", code="template-name", max=NAME_LENGTH)
    if not body or len(body) > BODY_LENGTH:
        raise DomainError("template body", code="template-body", max=BODY_LENGTH)
    placeholders(body)
    return name, body


def fill(body: str, fields: Mapping[str, str]) -> str:
    """``body`` with its placeholders replaced by ``fields`` (each cut to
    :data:`FIELD_LENGTH`; a missing one is left empty). Braces inside a value are kept as
    text: a caller's name cannot inject another placeholder."""
    parts: list[str] = []
    for text, name, _spec, _conversion in Formatter().parse(body):
        parts.append(text)
        if name is not None:
            parts.append(str(fields.get(name, ""))[:FIELD_LENGTH])
    return "".join(parts)


class SmsGateway(Protocol):
    """Sends one SMS (the channels issue's adapter); raises DomainError when it cannot."""

    def send_sms(self, tenant_id: str, to_number: str, text: str) -> None: ...


class NoSmsGateway:
    """The default: no gateway configured, said plainly to whoever tries."""

    def send_sms(self, tenant_id: str, to_number: str, text: str) -> None:
        raise DomainError("no SMS gateway", code="sms-not-configured")
