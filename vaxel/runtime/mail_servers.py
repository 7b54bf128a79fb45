"""A tenant's mail server for voicemail e-mails (PBX4) as the admin edits it, and the test
mail that proves it works.

Rules, checked before anything is stored:
- the host is a host name or IP address, the port 1–65535, the security one of
  :class:`~vaxel.pbx.voicemail_mail.MailSecurity`, the sender an e-mail address; user name
  and password are bounded and have no line breaks (they go into SMTP commands);
- the password is write-only: never shown back, and an empty field on a change keeps the
  stored one (as the trunk's, ``vaxel.store.pbx_trunks``: a client must present it, so it
  cannot be hashed; whoever reads the database reads it). A server without a user name
  sends without logging in, so clearing the user name is how a password stops being used;
- without a server of its own the tenant's mails go through the platform's (settings
  ``smtp_*``), and the test mail does too;
- every change and every test mail is in the audit log, with who did it;
- a test mail blocks a worker thread up to SMTP's timeout (a server that never answers):
  one at a time per tenant and ``TEST_MAILS_AT_ONCE`` on the node (:class:`TestMailGate`),
  else refused at once (``mail-test-busy``) — a tenant admin pressing "Skicka testmejl"
  against a silent host filled the web's thread pool and stalled every tenant's pages;
  and ``TEST_MAILS_AN_HOUR`` a tenant (``mail-test-hourly``): through the platform's
  server a test mail goes to any address, so unbounded it made the platform a mailer
  of the tenant's for whoever it liked;
- a tenant's own server is never this machine or its link (loopback, link-local such as a
  cloud's metadata service, unspecified, multicast, reserved; IPv4-mapped too): a tenant
  admin could otherwise point the test mail at the node's database port and read its
  banner in the refusal (SSRF). A literal address or ``localhost`` is refused when saved,
  and a name is resolved and refused again before every connection (the test mail and
  each voicemail e-mail) — resolved once, every address it gives checked, and the
  connection made to the address checked (``mail_hosts.pinned_address``), so a name that
  answers a second lookup with 127.0.0.1 (DNS rebinding) never gets the node connected
  there. The operator may allow them (``smtp_tenant_internal_hosts``:
  one organisation on its own host); private ranges (10/8, 192.168/16, …) are allowed,
  a mail server on the organisation's own net is common.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import replace
from email.message import EmailMessage
from email.utils import formatdate

from vaxel.core.errors import ConfigError
from vaxel.pbx.voicemail_mail import MailSecurity, MailServer
from vaxel.runtime.mail_hosts import InternalHost, internal_address, pinned_address
from vaxel.runtime.outbox_mailer import send_mail
from vaxel.store.pbx_voicemail import VoicemailStore

__all__ = [
    "MailServerError",
    "MailServers",
    "TestMailGate",
    "compose_test_mail",
    "refuse_internal",
    "validated",
]

log = logging.getLogger(__name__)

MAX_HOST, MAX_ADDRESS, MAX_USER, MAX_PASSWORD = 253, 320, 200, 200
TEST_MAILS_AT_ONCE = 4
TEST_MAILS_AN_HOUR = 20
_HOST = re.compile(r"[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]|[0-9A-Fa-f:]+")
_ADDRESS = re.compile(r"[^@\s<>\"(),;:]+@[A-Za-z0-9.-]+")


class MailServerError(ConfigError):
    """A mail server setting the rules refuse (field ``mail.<input>``), or a test mail the
    server did not take (``mail-test-failed``, with the server's answer)."""

    def __init__(self, field: str, rule: str, **params: object) -> None:
        super().__init__(f"mail.{field}", rule, **params)


def _address(field: str, value: str) -> str:
    value = value.strip()
    if not value:
        raise MailServerError(field, "required-text")
    if len(value) > MAX_ADDRESS:
        raise MailServerError(field, "too-long", max=MAX_ADDRESS, length=len(value))
    if not _ADDRESS.fullmatch(value):
        raise MailServerError(field, "mail-address", value=value[:80])
    return value


def _line(field: str, value: str, limit: int) -> str:
    if len(value) > limit:
        raise MailServerError(field, "too-long", max=limit, length=len(value))
    if any(c in value for c in "\r\n\x00"):
        raise MailServerError(field, "invalid", reason="no line breaks")
    return value


def refuse_internal(host: str, *, resolve: bool) -> None:
    """MailServerError (``mail-host-internal``) when a tenant's mail server ``host`` is
    this machine or its link; logged, as an attempt at the node's own services."""
    address = internal_address(host, resolve=resolve)
    if address is not None:
        log.warning("a tenant's mail server %r is refused: %s is internal", host[:80], address)
        raise MailServerError("host", "mail-host-internal", server=host[:80])


def validated(server: MailServer) -> MailServer:
    """``server`` when the module's rules accept it; else MailServerError naming the field."""
    host = server.host.strip()
    if not host or len(host) > MAX_HOST or not _HOST.fullmatch(host):
        raise MailServerError("host", "invalid", reason="a host name or IP address is required")
    if not 1 <= server.port <= 65535:
        raise MailServerError("port", "whole-number-range", min=1, max=65535, value=server.port)
    return MailServer(
        host,
        server.port,
        _address("sender", server.sender),
        _line("username", server.username.strip(), MAX_USER),
        _line("password", server.password, MAX_PASSWORD),
        MailSecurity(server.security),
    )


def compose_test_mail(sender: str, recipient: str, tenant_name: str, now: float) -> EmailMessage:
    """The test mail (Swedish, the staff's language)."""
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = recipient
    mail["Subject"] = "Testmeddelande från Växel"
    mail["Date"] = formatdate(now, localtime=False)
    mail.set_content(
        f"Det här är ett testmeddelande från Växel för {tenant_name}.\n\n"
        "Kommer det fram, når även aviseringarna om nya röstmeddelanden fram.\n"
    )
    return mail


class TestMailGate:
    """Test mails under way (see the rules): one per tenant, ``at_once`` on the node."""

    def __init__(
        self, at_once: int = TEST_MAILS_AT_ONCE, an_hour: int = TEST_MAILS_AN_HOUR
    ) -> None:
        self.at_once = at_once
        self.an_hour = an_hour
        self._sending: set[str] = set()
        self._sent: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def spend(self, tenant_id: str, now: float) -> bool:
        """One of the tenant's test mails of the last hour (False: it has had them all)."""
        with self._lock:
            sent = self._sent.setdefault(tenant_id, deque())
            while sent and sent[0] <= now - 3600.0:
                sent.popleft()
            if len(sent) >= self.an_hour:
                return False
            sent.append(now)
            return True

    def enter(self, tenant_id: str) -> bool:
        """Room for ``tenant_id``'s test mail now (False: refuse it)."""
        with self._lock:
            if tenant_id in self._sending or len(self._sending) >= self.at_once:
                return False
            self._sending.add(tenant_id)
            return True

    def leave(self, tenant_id: str) -> None:
        with self._lock:
            self._sending.discard(tenant_id)


class MailServers:
    def __init__(
        self,
        store: VoicemailStore,
        platform_server: MailServer | None,
        send: Callable[[MailServer, EmailMessage], None] = send_mail,
        clock: Callable[[], float] = time.time,
        *,
        internal_hosts: bool = False,
        gate: TestMailGate | None = None,
    ) -> None:
        self.store = store
        self.platform_server = platform_server
        self.internal_hosts = internal_hosts
        """The operator allows tenants' servers on this machine or its link (rules)."""
        self.gate = gate or TestMailGate()
        """Shared by every request of the node (the service keeps it)."""
        self.send = send
        self.clock = clock

    def own(self, tenant_id: str) -> MailServer | None:
        """The tenant's own server (None: the platform's is used)."""
        return self.store.mail_server(tenant_id)

    def put(self, tenant_id: str, actor: str, server: MailServer) -> MailServer:
        """Save the tenant's server (see the rules: an empty password keeps the stored)."""
        if not server.password:
            old = self.store.mail_server(tenant_id)
            if old is not None:
                server = MailServer(
                    server.host,
                    server.port,
                    server.sender,
                    server.username,
                    old.password,
                    server.security,
                )
        checked = validated(server)
        if not self.internal_hosts:
            refuse_internal(checked.host, resolve=False)  # no DNS on the page's request
        self.store.put_mail_server(tenant_id, checked, actor=actor)
        return checked

    def remove(self, tenant_id: str, actor: str) -> None:
        """Back to the platform's server."""
        self.store.put_mail_server(tenant_id, None, actor=actor)

    def send_test(self, tenant_id: str, actor: str, recipient: str, tenant_name: str) -> str:
        """Send the test mail through the server in use (blocks up to SMTP's timeout);
        returns the server's address, or raises MailServerError with its answer."""
        address = _address("recipient", recipient)
        own = self.own(tenant_id)
        server = own or self.platform_server
        if server is None:
            raise MailServerError("host", "mail-no-server")
        where = f"{server.host}:{server.port}"
        if own is not None and not self.internal_hosts:  # resolved once, connected there
            try:
                server = replace(own, connect_to=pinned_address(own.host, own.port))
            except InternalHost as internal:
                log.warning("a tenant's mail server %r is refused: %s", own.host[:80], internal)
                self.store.mail_tested(tenant_id, actor, address, where, "refused: internal")
                raise MailServerError("host", "mail-host-internal", server=own.host[:80]) from None
            except OSError as failure:  # no second lookup: that one could answer 127.0.0.1
                error = f"{type(failure).__name__}: {failure}"[:300]
                self.store.mail_tested(tenant_id, actor, address, where, error)
                raise MailServerError(
                    "host", "mail-test-failed", server=where, answer=error
                ) from None
        if not self.gate.enter(tenant_id):
            raise MailServerError("host", "mail-test-busy")
        if not self.gate.spend(tenant_id, self.clock()):
            self.gate.leave(tenant_id)
            raise MailServerError("host", "mail-test-hourly", max=self.gate.an_hour)
        error = ""
        try:
            self.send(server, compose_test_mail(server.sender, address, tenant_name, self.clock()))
        # smtplib raises OSError, SMTPException and also UnicodeEncodeError (a password
        # with å) or ValueError (a bad header): each is the server refusing this test
        except Exception as failure:
            error = f"{type(failure).__name__}: {failure}"[:300]
        finally:
            self.gate.leave(tenant_id)
        self.store.mail_tested(tenant_id, actor, address, where, error)
        if error:
            raise MailServerError("host", "mail-test-failed", server=where, answer=error)
        return where
