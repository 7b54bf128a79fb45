"""Sending messages to a person by e-mail (OP7): one more scheduler machine over its own
outbox, sent the way every outbox sends (:class:`~vaxel.runtime.outbox_mailer.OutboxMailer`).

The web app may queue a mail from another process, so the machine looks at the outbox at
least every ``POLL_S`` and starts a round only when a mail is due.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import make_msgid

from vaxel.pbx.voicemail_mail import MailServer, retry_after
from vaxel.runtime.outbox_mailer import OutboxMailer, send_mail
from vaxel.store.pbx_voicemail import VoicemailStore
from vaxel.store.person_messages import OutgoingMail, PersonMessageStore

__all__ = ["PersonMailer", "compose_message"]

log = logging.getLogger(__name__)
POLL_S = 5.0
"""Another process (the web app) may queue a mail: look again this often when idle."""


def compose_message(mail: OutgoingMail, sender: str) -> EmailMessage:
    """The plain-text mail; its Message-ID from the outbox row, so a retry is the same mail."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.recipient
    message["Subject"] = mail.subject
    message["Message-ID"] = make_msgid(idstring=mail.mail_id, domain="vaxel.invalid")
    message.set_content(mail.body)
    return message


class PersonMailer(OutboxMailer):
    name = "person message e-mail"

    def __init__(
        self,
        store: PersonMessageStore,
        servers: VoicemailStore,
        platform_server: MailServer | None,
        clock: Callable[[], float],
        rearm: Callable[[], None] = lambda: None,
        send: Callable[[MailServer, EmailMessage], None] = send_mail,
    ) -> None:
        super().__init__(platform_server, clock, rearm, send, "person-mail")
        self.store = store
        self.servers = servers

    def next_deadline(self, now: float) -> float | None:
        if self.busy:
            return None
        due = self.store.next_mail_due()
        return self.not_before(now + POLL_S if due is None else min(due, now + POLL_S))

    def ready(self, now: float) -> bool:
        due = self.store.next_mail_due()
        return due is not None and due <= now

    def due(self, now: float) -> list[OutgoingMail]:
        return self.store.due_mail(now)

    def send_one(self, mail: OutgoingMail) -> bool:
        error = self.deliver(
            self.servers.mail_server(mail.tenant_id),
            lambda server: compose_message(mail, server.sender),
        )
        if not error:
            self.store.mail_sent(mail.tenant_id, mail.mail_id)
            return True
        log.warning("person message e-mail %s not sent (%s); again later", mail.mail_id, error)
        self.store.mail_failed(mail, error, self.clock() + retry_after(mail.attempts + 1))
        return False
