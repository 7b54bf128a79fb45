"""REGISTER handling and digest checks for phones (RFC 3261 §10, §22; security by default).

Every REGISTER must authenticate (401 challenge), whatever its source; INVITEs from outside
a trusted trunk must too (407). Nonces are bound to the source address and counted, so
captured credentials serve neither from elsewhere nor twice (issue 10 §5). Only failures
that answer a fresh nonce issued to that source count; a source or an extension that fails
too often is throttled (403 for a while), except the phones that recently authenticated
from there (issue 10 §4). Only an extension may register its own number: the digest
username must equal the To user (no registering someone else's phone).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from vaxel.acd.events import AgentLoggedIn
from vaxel.acd.ports import ContactCenterPort
from vaxel.core.errors import VaxelError
from vaxel.sip.auth import DigestAuthenticator, parse_auth_params
from vaxel.sip.dialog import angle_uri, uri_user
from vaxel.sip.errors import SipError
from vaxel.sip.throttle import AuthThrottle
from vaxel.sip.transaction import RequestReceived
from vaxel.telephony.directory import Extension, TelephonyDirectory
from vaxel.telephony.endpoint import SipEndpoint
from vaxel.telephony.registrar import Binding, Registrar

__all__ = ["Registration"]

log = logging.getLogger(__name__)


class Registration:
    def __init__(
        self,
        sip: SipEndpoint,
        directory: TelephonyDirectory,
        secret: bytes,
        clock: Callable[[], float],
        center: ContactCenterPort | None = None,
    ) -> None:
        self.sip = sip
        self.directory = directory
        self.clock = clock
        self.center = center
        self.registrar = Registrar()
        self.auth = DigestAuthenticator(
            directory.realm, secret, algorithms=directory.digest_algorithms
        )
        self.throttle = AuthThrottle()
        self.registered_listeners: list[Callable[[Extension], None]] = []
        """Told when an extension gets a phone it did not have (a new Contact): the demo
        hands the agent over, the browser phone's readiness rule makes an agent it paused
        ready again — also when the new one is the desk phone she chose beside a browser
        phone already bound (PBX9)."""

    def aor(self, extension: Extension) -> str:
        return f"{extension.tenant_id}/{extension.extension}"

    def bindings(self, extension: Extension) -> list[Binding]:
        return self.registrar.lookup(self.aor(extension), self.clock())

    def _password(self, username: str) -> str | None:
        extension = self.directory.extensions.get(username)
        return extension.password if extension is not None else None

    def authenticate(self, event: RequestReceived, *, proxy: bool) -> str | None:
        """The authenticated extension number, or None after answering 401/407/403."""
        request, address = event.request, event.source[0]
        now = self.clock()
        header = request.headers.get("Proxy-Authorization" if proxy else "Authorization")
        if header is None:
            self._challenge(event, proxy, stale=False)
            return None
        claimed = parse_auth_params(header)[1].get("username", "")
        if self.throttle.refuses(address, claimed, now):
            self.sip.respond(event.server_key, request, 403, "Forbidden: too many failed attempts")
            return None
        verdict = self.auth.verify(
            header,
            method=request.method,
            now=now,
            lookup=self._password,
            request_uri=request.uri,
            source=address,
        )
        if verdict.ok:
            self.throttle.record_success(address, verdict.username, now)
            return verdict.username
        log.info("auth failed from %s for %r: %s", address, verdict.username, verdict.reason)
        if verdict.counted:
            self.throttle.record_failure(address, verdict.username, now)
            if self.throttle.refuses(address, verdict.username, now):
                self.sip.respond(
                    event.server_key, request, 403, "Forbidden: too many failed attempts"
                )
                return None
        self._challenge(event, proxy, stale=verdict.stale)
        return None

    def _challenge(self, event: RequestReceived, proxy: bool, *, stale: bool) -> None:
        status, reason, name = (
            (407, "Proxy Authentication Required", "Proxy-Authenticate")
            if proxy
            else (401, "Unauthorized", "WWW-Authenticate")
        )
        challenges = self.auth.challenges(self.clock(), source=event.source[0], stale=stale)
        extra = tuple((name, value) for value in challenges)
        self.sip.respond(event.server_key, event.request, status, reason, extra=extra)

    def handle(self, event: RequestReceived) -> None:
        request = event.request
        username = self.authenticate(event, proxy=False)
        if username is None:
            return
        to_user = uri_user(angle_uri(request.headers.get("To") or ""))
        extension = self.directory.extensions.get(to_user)
        if extension is None or to_user != username:
            raise SipError("Forbidden: you may only register your own extension", 403)
        aor = self.aor(extension)
        now = self.clock()
        before = self.registrar.lookup(aor, now)
        bindings = self.registrar.update(aor, request, event.source, event.transport, now)
        contacts = tuple(("Contact", f"<{b.contact}>;expires={b.remaining(now)}") for b in bindings)
        self.sip.respond(event.server_key, request, 200, "OK", extra=contacts)
        if {b.contact for b in bindings} - {b.contact for b in before}:
            for listener in list(self.registered_listeners):
                listener(extension)
        if bindings and not before:
            self._auto_login(extension)

    def _auto_login(self, extension: Extension) -> None:
        """Demo convenience: a registering agent's phone logs the agent in to its queues."""
        if self.center is None or not extension.agent_id or not extension.auto_login_queues:
            return
        try:
            self.center.submit(
                AgentLoggedIn(extension.tenant_id, extension.agent_id, extension.auto_login_queues),
                self.clock(),
            )
        except VaxelError as error:
            log.info("auto login of %s skipped: %s", extension.agent_id, error)

    def expire(self) -> None:
        self.registrar.expire(self.clock())
