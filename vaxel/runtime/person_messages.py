"""Messages to a person from the operator console (OP7, issue 16 §4): templates per tenant
and sending one message by the channels asked for.

Sending fills the template (or takes the operator's own text) and then, per channel:
``presence`` registers it in the person's presence view (their "Min hänvisning" page,
unread until they mark it read); ``email`` puts it in an outbox that
:class:`~vaxel.runtime.person_mailer.PersonMailer` sends over SMTP, retried with backoff;
``sms`` sends it to the person's mobile through the
:class:`~vaxel.core.message_templates.SmsGateway` port (the default refuses:
"SMS är inte konfigurerat"). Every channel is checked before any is used, so a refused SMS
does not leave a half-sent message behind. The person must be the tenant's own.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

from vaxel.core.errors import DomainError, NotFound
from vaxel.core.message_templates import (
    BODY_LENGTH,
    NoSmsGateway,
    SmsGateway,
    check_template,
    fill,
    placeholders,
)
from vaxel.directory.model import NumberKind
from vaxel.store.directory import DirectoryStore
from vaxel.store.person_messages import (
    MessageTemplate,
    OutgoingMail,
    PersonMessage,
    PersonMessageStore,
)

__all__ = [
    "CHANNELS",
    "MAX_TEMPLATES",
    "PersonMessaging",
    "Sent",
    "UnknownPersonMessage",
    "UnknownTemplate",
]

CHANNELS = ("presence", "email", "sms")
MAX_TEMPLATES = 100
"""Templates per tenant."""
MAX_QUEUED_MAIL = 500
"""E-mails a tenant may have waiting for its server; past it a message by e-mail is refused."""


class UnknownTemplate(NotFound):
    kind = "message-template"
    code = "unknown-message-template"


class UnknownPersonMessage(NotFound):
    """Not one of the person's unread messages (another's, or read already)."""

    kind = "person-message"
    code = "unknown-person-message"


@dataclass(frozen=True, slots=True)
class Sent:
    message_id: str
    text: str
    channels: tuple[str, ...]


def _template_id(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40]
    return f"{slug or 'mall'}-{uuid.uuid4().hex[:8]}"


class PersonMessaging:
    def __init__(
        self,
        store: PersonMessageStore,
        directory: DirectoryStore,
        clock: Callable[[], float],
        sms: SmsGateway | None = None,
    ) -> None:
        self.store = store
        self.directory = directory
        self.clock = clock
        self.sms: SmsGateway = sms or NoSmsGateway()

    # -- templates
    def templates(self, tenant_id: str) -> list[MessageTemplate]:
        return self.store.templates(tenant_id)

    def save_template(
        self, tenant_id: str, template_id: str, name: str, body: str, actor: str
    ) -> MessageTemplate:
        """Add (``template_id`` "") or replace one; limits and placeholders checked first
        (DomainError naming the rule, or the unknown placeholder)."""
        name, body = check_template(name, body)
        if template_id:
            if self.store.template(tenant_id, template_id) is None:
                raise UnknownTemplate(template_id[:64], tenant_id)
        elif self.store.count_templates(tenant_id) >= MAX_TEMPLATES:
            raise DomainError("too many templates", code="template-count", max=MAX_TEMPLATES)
        template = MessageTemplate(template_id or _template_id(name), name, body)
        self.store.put_template(tenant_id, template, actor)
        return template

    def delete_template(self, tenant_id: str, template_id: str, actor: str) -> None:
        if not self.store.delete_template(tenant_id, template_id, actor):
            raise UnknownTemplate(template_id[:64], tenant_id)

    # -- sending
    def send(
        self,
        tenant_id: str,
        person_id: str,
        *,
        template_id: str = "",
        text: str = "",
        fields: Mapping[str, str] | None = None,
        channels: Collection[str] = ("presence",),
        sender: str,
    ) -> Sent:
        """Send one message to ``person_id`` (UnknownPerson when not the tenant's)."""
        person = self.directory.person(tenant_id, person_id)
        wanted = tuple(c for c in CHANNELS if c in channels)
        if not wanted or any(c not in CHANNELS for c in channels):
            raise DomainError("channels", code="message-channels")
        if template_id:
            template = self.store.template(tenant_id, template_id)
            if template is None:
                raise UnknownTemplate(template_id[:64], tenant_id)
            given = fields or {}
            for name in placeholders(template.body):  # "Ring  på  angående": never sent
                if not str(given.get(name, "")).strip():
                    raise DomainError("missing field", code="message-missing-field", field=name)
            text = fill(template.body, given)
        text = text.strip()
        if not text or len(text) > BODY_LENGTH:
            raise DomainError("message text", code="template-body", max=BODY_LENGTH)
        mobile = next((n.value for n in person.numbers if n.kind is NumberKind.MOBILE), "")
        if "sms" in wanted and not mobile:
            raise DomainError("no mobile", code="message-no-mobile")
        if "email" in wanted and not person.email:
            raise DomainError("no e-mail", code="message-no-email")
        if "email" in wanted and self.store.queued_mail(tenant_id) >= MAX_QUEUED_MAIL:
            # a tenant's server that is slow or away: its outbox is bounded (issue 16 review)
            raise DomainError("mail queue", code="message-mail-queue-full", max=MAX_QUEUED_MAIL)
        if "sms" in wanted:
            self.sms.send_sms(tenant_id, mobile, text)
        message_id = uuid.uuid4().hex
        if "email" in wanted:  # the outbox: sent by PersonMailer, retried, never lost
            # one line: a sender typed with a line break must not end the header
            subject = " ".join(f"Meddelande från växeln ({sender})".split())[:200]
            mail = OutgoingMail(tenant_id, message_id, person.email, subject, text,
                                next_attempt_at=self.clock())  # fmt: skip
            self.store.queue_mail(mail)
        if "presence" in wanted:
            message = PersonMessage(message_id, person_id, text, sender, self.clock())
            self.store.add_message(tenant_id, message)
        return Sent(message_id, text, wanted)

    def messages(self, tenant_id: str, person_id: str) -> list[PersonMessage]:
        return self.store.messages(tenant_id, person_id)

    def mark_read(self, tenant_id: str, person_id: str, message_id: str) -> None:
        if not self.store.mark_read(tenant_id, person_id, message_id[:64], self.clock()):
            raise UnknownPersonMessage(message_id[:64], tenant_id)
