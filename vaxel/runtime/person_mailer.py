"""Sending messages to a person by e-mail (OP7): one more scheduler machine, the same way
voicemail notifications go (:mod:`vaxel.runtime.voicemail_mailer`).

A due batch goes to one worker thread (SMTP waits on the network, never on the event loop),
through the tenant's mail server or else the platform's; the outbox row is deleted only
once the server accepted the mail. A failure stays with its error and is tried again after
:func:`~vaxel.pbx.voicemail_mail.retry_after` (30 s doubling up to an hour): never lost.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from email.message import EmailMessage
from email.utils import make_msgid

from vaxel.pbx.voicemail_mail import MailServer, retry_after
from vaxel.runtime.mail_hosts import InternalHost, pinned_address
from vaxel.runtime.voicemail_mailer import send_mail
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


class PersonMailer:
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
        self.store = store
        self.servers = servers
        self.platform_server = platform_server
        self.clock = clock
        self.rearm = rearm
        self.send = send
        self.internal_hosts = False
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="person-mail")
        self._busy = False

    def next_deadline(self, now: float) -> float | None:
        if self._busy:
            return None
        due = self.store.next_mail_due()
        return now + POLL_S if due is None else min(due, now + POLL_S)

    def on_deadline(self, now: float) -> None:
        due = self.store.next_mail_due()
        if self._busy or due is None or due > now:
            return
        self._busy = True
        self._pool.submit(self._work, now)

    def _work(self, now: float) -> None:
        try:
            self.send_due(now)
        except Exception:
            log.exception("person message e-mail round failed")
        finally:
            self._busy = False
            self.rearm()

    def send_due(self, now: float) -> int:
        """Try every mail due at ``now`` (blocking); how many were sent."""
        return sum(1 for mail in self.store.due_mail(now) if self._send_one(mail))

    def _send_one(self, mail: OutgoingMail) -> bool:
        own = self.servers.mail_server(mail.tenant_id)
        server = own or self.platform_server
        error = ""
        if server is None:
            error = "no mail server: set smtp_host (platform) or the tenant's own"
        else:
            try:
                if own is not None and not self.internal_hosts:  # resolved once (rebinding)
                    server = replace(own, connect_to=pinned_address(own.host, own.port))
                self.send(server, compose_message(mail, server.sender))
            except InternalHost:
                error = "the tenant's mail server is this machine or its link"
            except Exception as failure:  # any failure: a retry with backoff, never the round
                error = f"{type(failure).__name__}: {failure}"
        if not error:
            self.store.mail_sent(mail.tenant_id, mail.mail_id)
            return True
        log.warning("person message e-mail %s not sent (%s); again later", mail.mail_id, error)
        self.store.mail_failed(mail, error, self.clock() + retry_after(mail.attempts + 1))
        return False

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
