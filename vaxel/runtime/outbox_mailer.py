"""What every e-mail outbox of Växel shares (PBX4 voicemail, OP7 messages to a person):
sending over SMTP, and the scheduler machine that drains an outbox without blocking.

A due batch goes to one worker thread (SMTP waits on the network, never on the event loop),
through the tenant's own mail server or else the platform's. The outbox row is deleted
only once the server accepted the mail; a failure stays with its error and is tried again
after :func:`~vaxel.pbx.voicemail_mail.retry_after` (30 s doubling up to an hour): never
lost. A tenant's server is resolved once and pinned (:mod:`vaxel.runtime.mail_hosts`), so
a name that rebinds to this machine between check and connect cannot be used.
"""

from __future__ import annotations

import logging
import smtplib
import socket
import ssl
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from email.message import EmailMessage
from typing import Any

from vaxel.pbx.voicemail_mail import MailSecurity, MailServer
from vaxel.runtime.mail_hosts import InternalHost, pinned_address

__all__ = ["OutboxMailer", "send_mail"]

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


class OutboxMailer:
    """A scheduler machine (``next_deadline``/``on_deadline``) over one outbox.

    A subclass says when mail is due (``next_deadline``), which rows are due (``due``) and
    how one row is sent (``send_one``, which calls :meth:`deliver`)."""

    name = "e-mail outbox"

    def __init__(
        self,
        platform_server: MailServer | None,
        clock: Callable[[], float],
        rearm: Callable[[], None],
        send: Callable[[MailServer, EmailMessage], None],
        thread_name: str,
    ) -> None:
        self.platform_server = platform_server
        self.clock = clock
        self.rearm = rearm
        self.send = send
        self.internal_hosts = False
        """The operator allows tenants' servers on this machine or its link (mail_hosts)."""
        self._pool = ThreadPoolExecutor(1, thread_name_prefix=thread_name)
        self._busy = False

    def next_deadline(self, now: float) -> float | None:
        raise NotImplementedError

    def due(self, now: float) -> Iterable[Any]:
        """The outbox rows due at ``now`` (called on the worker thread)."""
        raise NotImplementedError

    def send_one(self, item: Any) -> bool:
        """Send one row (blocking); whether it went."""
        raise NotImplementedError

    def ready(self, now: float) -> bool:
        """Whether a round is worth a worker now (the deadline may be only a poll)."""
        return True

    def on_deadline(self, now: float) -> None:
        if self._busy or not self.ready(now):
            return
        self._busy = True
        self._pool.submit(self._work, now)

    def round_done(self) -> None:
        """Called on the worker thread after each round, before the machine is rearmed."""

    def _work(self, now: float) -> None:
        try:
            self.send_due(now)
        except Exception:
            log.exception("%s round failed", self.name)
        finally:
            self.round_done()
            self._busy = False
            self.rearm()

    @property
    def busy(self) -> bool:
        """A round is on the worker thread: no deadline until it is over."""
        return self._busy

    def send_due(self, now: float) -> int:
        """Try every mail due at ``now`` (blocking); how many were sent."""
        return sum(1 for item in self.due(now) if self.send_one(item))

    def deliver(self, own: MailServer | None, mail: Callable[[MailServer], EmailMessage]) -> str:
        """Send the mail ``mail(server)`` composes through the tenant's server ``own`` or
        the platform's: "" once accepted, else why not (for the row and the log)."""
        server = own or self.platform_server
        if server is None:
            return "no mail server: set smtp_host (platform) or the tenant's own"
        try:
            if own is not None and not self.internal_hosts:  # resolved once (rebinding)
                server = replace(own, connect_to=pinned_address(own.host, own.port))
            self.send(server, mail(server))
        # not only OSError and SMTPException: smtplib raises UnicodeEncodeError for a
        # password with å, email a ValueError for a bad header. Any failure costs this
        # mail a retry with backoff, never the round (it stayed due: a tight loop).
        except InternalHost:
            where = own.host[:80] if own else ""
            return f"the tenant's mail server {where} is this machine or its link"
        except Exception as failure:
            return f"{type(failure).__name__}: {failure}"
        return ""

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
