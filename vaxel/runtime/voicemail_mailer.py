"""Sending voicemail e-mails from the outbox (PBX4): one more scheduler machine.

When a mail is due the machine hands the batch to one worker thread (never the event loop:
SMTP waits on the network), which composes each mail with its WAV, sends it through the
tenant's mail server or else the platform's, and deletes the outbox row only once the server
accepted it; a failure stays in the outbox with its error and is tried again after
:func:`~vaxel.pbx.voicemail_mail.retry_after` (30 s doubling up to an hour). A message
deleted meanwhile is dropped from the outbox (nothing to attach).
"""

from __future__ import annotations

import logging
import smtplib
import socket
import ssl
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from email.message import EmailMessage
from typing import Any

from vaxel.pbx.voicemail import Message
from vaxel.pbx.voicemail_mail import MailSecurity, MailServer, OutboxItem, compose, retry_after
from vaxel.runtime.mail_hosts import InternalHost, pinned_address
from vaxel.runtime.voicemail_files import VoicemailFiles
from vaxel.store.pbx_voicemail import VoicemailStore

__all__ = ["VoicemailMailer", "send_mail"]

log = logging.getLogger(__name__)
SMTP_TIMEOUT_S = 20.0


class _PinnedSMTP(smtplib.SMTP):
    """SMTP to ``connect_to`` (an address resolved and checked once), greeting and
    verifying TLS as ``host``: smtplib would resolve the name again to connect."""

    def __init__(self, connect_to: str, host: str, port: int, **kwargs: Any) -> None:
        self.connect_to = connect_to
        super().__init__(host, port, **kwargs)

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        return socket.create_connection(
            (self.connect_to or host, port), timeout, self.source_address
        )


class _PinnedSMTP_SSL(smtplib.SMTP_SSL):
    def __init__(self, connect_to: str, host: str, port: int, **kwargs: Any) -> None:
        self.connect_to, self.server_name = connect_to, host
        super().__init__(host, port, **kwargs)

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        plain = socket.create_connection(
            (self.connect_to or host, port), timeout, self.source_address
        )
        return self.context.wrap_socket(plain, server_hostname=self.server_name)


def send_mail(server: MailServer, mail: EmailMessage) -> None:
    """Hand ``mail`` to ``server`` (blocks; raises what smtplib raises): at
    ``server.connect_to`` when the caller resolved and checked the name already."""
    if server.security is MailSecurity.TLS:
        context = ssl.create_default_context()
        with _PinnedSMTP_SSL(
            server.connect_to, server.host, server.port, timeout=SMTP_TIMEOUT_S, context=context
        ) as smtp:
            _login_and_send(smtp, server, mail)
        return
    with _PinnedSMTP(server.connect_to, server.host, server.port, timeout=SMTP_TIMEOUT_S) as smtp:
        if server.security is MailSecurity.STARTTLS:
            smtp.starttls(context=ssl.create_default_context())
        _login_and_send(smtp, server, mail)


def _login_and_send(smtp: smtplib.SMTP, server: MailServer, mail: EmailMessage) -> None:
    if server.username:
        smtp.login(server.username, server.password)
    smtp.send_message(mail)


class VoicemailMailer:
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
        self.store = store
        self.files = files
        self.platform_server = platform_server
        self.clock = clock
        self.rearm = rearm
        self.send = send
        self.internal_hosts = False
        """The operator allows tenants' servers on this machine or its link (mail_hosts)."""
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="voicemail-mail")
        self._busy = False
        self._next: float | None = None
        self._known = False

    def queued(self) -> None:
        """A mail was put in the outbox: look again."""
        self._known = False
        self.rearm()

    def next_deadline(self, now: float) -> float | None:
        if self._busy:
            return None
        if not self._known:
            self._next, self._known = self.store.next_due(), True
        return self._next

    def on_deadline(self, now: float) -> None:
        if self._busy:
            return
        self._busy = True
        self._pool.submit(self._work, now)

    def _work(self, now: float) -> None:
        try:
            self.send_due(now)
        except Exception:
            log.exception("voicemail e-mail round failed")
        finally:
            self._busy, self._known = False, False
            self.rearm()

    def send_due(self, now: float) -> int:
        """Try every mail due at ``now`` (blocking); how many were sent."""
        sent = 0
        for item in self.store.due(now):
            if self._send_one(item):
                sent += 1
        return sent

    def _send_one(self, item: OutboxItem) -> bool:
        stored = self._message(item)
        if stored is None:
            self.store.sent(item.tenant_id, item.message_id)  # deleted: nothing to send
            return False
        message, wav = stored
        own = self.store.mail_server(item.tenant_id)
        server = own or self.platform_server
        error = ""
        if server is None:
            error = "no mail server: set smtp_host (platform) or the tenant's own"
        else:
            try:
                if own is not None and not self.internal_hosts:  # resolved once (rebinding)
                    server = replace(own, connect_to=pinned_address(own.host, own.port))
                mail = compose(
                    message_id=item.message_id,
                    sender=server.sender,
                    recipient=item.recipient,
                    caller=message.caller,
                    received_at=message.received_at,
                    duration_s=message.duration_s,
                    wav=wav,
                )
                self.send(server, mail)
            # not only OSError and SMTPException: smtplib raises UnicodeEncodeError for a
            # password with å, email a ValueError for a bad header. Any failure costs this
            # mail a retry with backoff, never the round (it stayed due: a tight loop).
            except InternalHost:
                where = own.host[:80] if own else ""
                error = f"the tenant's mail server {where} is this machine or its link"
                log.warning("voicemail e-mail not sent: %s", error)
            except Exception as failure:
                error = f"{type(failure).__name__}: {failure}"
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

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
