"""Sending voicemail e-mails from the outbox (PBX4): one more scheduler machine.

Each mail is composed with its WAV and sent the way every outbox sends
(:class:`~vaxel.runtime.outbox_mailer.OutboxMailer`: a worker thread, the tenant's server
or the platform's, retried with backoff, never lost). A message deleted meanwhile is
dropped from the outbox (nothing to attach). The next due time is read from the store once
and again only after a round or when :meth:`VoicemailMailer.queued` says a mail was added.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from email.message import EmailMessage

from vaxel.pbx.voicemail import Message
from vaxel.pbx.voicemail_mail import MailServer, OutboxItem, compose, retry_after
from vaxel.runtime.outbox_mailer import OutboxMailer, send_mail
from vaxel.runtime.voicemail_files import VoicemailFiles
from vaxel.store.pbx_voicemail import VoicemailStore

__all__ = ["VoicemailMailer", "send_mail"]

log = logging.getLogger(__name__)


class VoicemailMailer(OutboxMailer):
    name = "voicemail e-mail"

    def __init__(
        self,
        store: VoicemailStore,
        files: VoicemailFiles,
        platform_server: MailServer | None,
        clock: Callable[[], float],
        rearm: Callable[[], None] = lambda: None,
        send: Callable[[MailServer, EmailMessage], None] = send_mail,
    ) -> None:
        super().__init__(platform_server, clock, rearm, send, "voicemail-mail")
        self.store = store
        self.files = files
        self._next: float | None = None
        self._known = False

    def queued(self) -> None:
        """A mail was put in the outbox: look again."""
        self._known = False
        self.rearm()

    def next_deadline(self, now: float) -> float | None:
        if self.busy:
            return None
        if not self._known:
            self._next, self._known = self.store.next_due(), True
        return self.not_before(self._next)

    def round_done(self) -> None:
        self._known = False

    def due(self, now: float) -> list[OutboxItem]:
        return self.store.due(now)

    def send_one(self, item: OutboxItem) -> bool:
        stored = self._message(item)
        if stored is None:
            self.store.sent(item.tenant_id, item.message_id)  # deleted: nothing to send
            return False
        message, wav = stored

        def mail(server: MailServer) -> EmailMessage:
            return compose(
                message_id=item.message_id,
                sender=server.sender,
                recipient=item.recipient,
                caller=message.caller,
                received_at=message.received_at,
                duration_s=message.duration_s,
                wav=wav,
            )

        error = self.deliver(self.store.mail_server(item.tenant_id), mail)
        if not error:
            self.store.sent(item.tenant_id, item.message_id)
            return True
        retry_at = self.clock() + retry_after(item.attempts + 1)
        log.warning("voicemail e-mail %s not sent (%s); again later", item.message_id, error)
        self.store.failed(item, error, retry_at)
        return False

    def _message(self, item: OutboxItem) -> tuple[Message, bytes] | None:
        stored = self.store.message_for_mail(item.tenant_id, item.message_id)
        wav = self.files.read(stored.file) if stored is not None else None
        return None if stored is None or wav is None else (stored.message, wav)
