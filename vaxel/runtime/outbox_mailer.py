"""What every e-mail outbox of Växel shares (PBX4 voicemail, OP7 messages to a person):
sending over SMTP, and the scheduler machine that drains an outbox without blocking.

A due batch goes to one worker thread (SMTP waits on the network, never on the event loop),
through the tenant's own mail server or else the platform's. The outbox row is deleted
only once the server accepted the mail; a failure stays with its error and is tried again
after :func:`~vaxel.pbx.voicemail_mail.retry_after` (30 s doubling up to an hour): never
lost. A tenant's server is resolved once and pinned (:mod:`vaxel.runtime.mail_hosts`), so
a name that rebinds to this machine between check and connect cannot be used.

A slow tenant server delays nobody else (security review of issue 16):

- each tenant's due mails are a batch of their own, sent on one of ``SENDERS`` threads;
  a round hands the batches out and does not wait for them, and a tenant whose batch is
  still out is left out of the next rounds until it is back;
- one mail may take ``MAIL_DEADLINE_S`` in all (connect, greeting, every reply — a server
  that trickles a byte every few seconds included): then its socket is shut and the mail
  fails, kept with its error and tried again later;
- after a slow failure the rest of that tenant's batch waits for the next try (``COOL_S``),
  so twenty mails to a stalled server cost one deadline, not twenty.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
import socket
import ssl
import threading
import time
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
"""Each wait on the server (smtplib's socket timeout)."""
MAIL_DEADLINE_S = 60.0
"""One mail in all: the watchdog shuts the socket after this."""
SENDERS = 4
"""Tenants' batches sent at once."""
COOL_S = 30.0
"""A tenant whose server just failed waits this long before its next batch."""
ROUND_GAP_S = 1.0
SLOW_S = 2.0
"""A failure that took this long stops the tenant's batch (its server is slow or away)."""
"""While a batch is out or a tenant cools, rounds start at most this often."""


class _PinnedSMTP(smtplib.SMTP):
    """SMTP to ``connect_to`` (an address resolved and checked once), greeting and
    verifying TLS as ``host``: smtplib would resolve the name again to connect."""

    def __init__(
        self, connect_to: str, host: str, port: int, opened: list[socket.socket], **kwargs: Any
    ) -> None:
        self.connect_to, self.opened = connect_to, opened
        super().__init__(host, port, **kwargs)

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        sock = socket.create_connection(
            (self.connect_to or host, port), timeout, self.source_address
        )
        self.opened.append(sock)
        return sock


class _PinnedSMTP_SSL(smtplib.SMTP_SSL):
    def __init__(
        self, connect_to: str, host: str, port: int, opened: list[socket.socket], **kwargs: Any
    ) -> None:
        self.connect_to, self.server_name, self.opened = connect_to, host, opened
        super().__init__(host, port, **kwargs)

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        plain = socket.create_connection(
            (self.connect_to or host, port), timeout, self.source_address
        )
        self.opened.append(plain)
        return self.context.wrap_socket(plain, server_hostname=self.server_name)


def send_mail(server: MailServer, mail: EmailMessage, deadline_s: float = MAIL_DEADLINE_S) -> None:
    """Hand ``mail`` to ``server`` (blocks at most about ``deadline_s``; raises what smtplib
    raises): at ``server.connect_to`` when the caller resolved and checked the name."""
    timeout = min(SMTP_TIMEOUT_S, deadline_s)
    sockets: list[socket.socket] = []
    expired = threading.Event()

    def shut() -> None:  # wakes a recv blocked on a server that stalls or trickles
        expired.set()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    watchdog = threading.Timer(deadline_s, shut)
    watchdog.daemon = True
    watchdog.start()
    try:
        if server.security is MailSecurity.TLS:
            context = ssl.create_default_context()
            with _PinnedSMTP_SSL(
                server.connect_to,
                server.host,
                server.port,
                timeout=timeout,
                context=context,
                opened=sockets,
            ) as secure:
                _login_and_send(secure, server, mail)
            return
        with _PinnedSMTP(
            server.connect_to, server.host, server.port, timeout=timeout, opened=sockets
        ) as smtp:
            if server.security is MailSecurity.STARTTLS:
                smtp.starttls(context=ssl.create_default_context())
            _login_and_send(smtp, server, mail)
    except (OSError, smtplib.SMTPException):
        if expired.is_set():
            raise TimeoutError(f"no answer in {deadline_s:.0f} s in all") from None
        raise
    finally:
        watchdog.cancel()


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
        self._senders = ThreadPoolExecutor(SENDERS, thread_name_prefix=f"{thread_name}-tenant")
        self._busy = False
        self._lock = threading.Lock()
        self._out: set[str] = set()
        """Tenants whose batch is on a sender thread."""
        self._cool: dict[str, float] = {}
        """Tenants whose server just failed, until when."""
        self._quiet_until = 0.0
        """No round before this while a batch is out or a tenant cools (ROUND_GAP_S)."""

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

    def not_before(self, deadline: float | None) -> float | None:
        """``deadline``, but no earlier than the next round may start (for subclasses'
        ``next_deadline``: a tenant's mails left due while its batch is out must not make
        the scheduler spin)."""
        return None if deadline is None else max(deadline, self._quiet_until)

    def on_deadline(self, now: float) -> None:
        if self._busy or now < self._quiet_until or not self.ready(now):
            return
        self._busy = True
        self._pool.submit(self._work, now)

    def round_done(self) -> None:
        """Called on the worker thread after each round, before the machine is rearmed."""

    def _work(self, now: float) -> None:
        try:
            for batch in self._batches(now):
                self._senders.submit(self._send_batch, batch, True)
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
        """Try every mail due at ``now``, each tenant's on a sender thread, and wait for
        them (blocking); how many were sent."""
        jobs = [self._senders.submit(self._send_batch, b, False) for b in self._batches(now)]
        return sum(job.result() for job in jobs)

    def _batches(self, now: float) -> list[list[Any]]:
        """The due mails by tenant, leaving out tenants with a batch out or cooling."""
        batches: dict[str, list[Any]] = {}
        with self._lock:
            self._cool = {t: until for t, until in self._cool.items() if until > now}
            for item in self.due(now):
                tenant_id = item.tenant_id
                if tenant_id not in self._out and tenant_id not in self._cool:
                    batches.setdefault(tenant_id, []).append(item)
            self._out.update(batches)
            if self._out or self._cool:
                self._quiet_until = now + ROUND_GAP_S
        return list(batches.values())

    def _send_batch(self, batch: list[Any], rearm: bool) -> int:
        """One tenant's mails in order, until one fails slowly (the rest wait ``COOL_S``;
        a quick failure — a bad header, a refused login — costs the others nothing)."""
        tenant_id, sent = batch[0].tenant_id, 0
        try:
            for item in batch:
                started = time.monotonic()
                if self.send_one(item):
                    sent += 1
                elif time.monotonic() - started >= SLOW_S:
                    with self._lock:
                        self._cool[tenant_id] = self.clock() + COOL_S
                    break
        except Exception:
            log.exception("%s: tenant %s's batch failed", self.name, tenant_id)
        finally:
            with self._lock:
                self._out.discard(tenant_id)
            if rearm:
                self.rearm()
        return sent

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
        self._senders.shutdown(wait=False, cancel_futures=True)
