"""Trunks to a carrier (PBX, issue 14 §2): where a tenant's external calls go, and the
registration client that keeps a registering trunk registered.

A trunk is either *registering* — we REGISTER with the carrier as a client, answering its
digest challenge, and it sends our DIDs' calls to the address we registered — or
*IP-trusted* — the carrier knows our address and we know its (no registration, no
credentials; its INVITEs are trusted by source address).

The registration client (RFC 3261 §10.2, one machine per registering trunk) keeps these rules:

- States: UNREGISTERED (not started, or stopped) → REGISTERING (a REGISTER is out) →
  REGISTERED (the carrier said 2xx; refreshed before it expires), or REFUSED (the carrier
  answered with an error: its status and reason are kept for the admin page) or
  UNREACHABLE (no answer at all). From REFUSED and UNREACHABLE it tries again after a
  backoff that doubles per failure up to ``max_backoff_s`` (RFC 5626 §4.5's shape, without
  jitter: a tenant has one trunk).
- A 401/407 challenge is answered (reusing :mod:`vaxel.sip.auth`) once per round: a second
  challenge to our answer means the carrier refused our credentials — unless it says
  ``stale=true`` (answered again, a few times at most). Refreshes reuse the last nonce with
  a higher ``nc``; a carrier that no longer takes it challenges, and that is answered.
- A 423 (Interval Too Brief) is retried at once with the carrier's Min-Expires.
- The refresh goes out at ``REFRESH_SHARE`` of the granted time, early enough that a lost
  request is retransmitted (timer F, 32 s) before the binding runs out.
- All REGISTERs of one trunk share one Call-ID with an increasing CSeq (§10.2.4); the
  adapter supplies the Call-ID and the cnonces (randomness is injected, STYLE rule 2).

Sans-I/O: time comes in, commands (:class:`SendRegister`) and a deadline come out.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from vaxel.core.errors import ConfigError, IllegalTransition
from vaxel.sip.auth import authorization_for, parse_auth_params

__all__ = [
    "LastAnswer",
    "RegistrationClient",
    "RegistrationState",
    "SendRegister",
    "Trunk",
    "TrunkError",
    "TrunkMode",
    "TrunkStatus",
]

REFRESH_SHARE = 0.8
MAX_CHALLENGES = 3
MIN_EXPIRES_S, MAX_EXPIRES_S = 60, 86_400
MAX_HOST, MAX_USER, MIN_PASSWORD, MAX_PASSWORD = 253, 64, 8, 128
_HOST = re.compile(r"[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]")
_USER = re.compile(r"[A-Za-z0-9_.!~*'()&=+$,;?/%+-]+")  # RFC 3261 §25.1 user, unescaped


class TrunkMode(StrEnum):
    REGISTER = "register"
    """We REGISTER with the carrier, with digest credentials."""
    IP = "ip"
    """The carrier trusts our address and we trust its: no registration."""


class TrunkError(ConfigError):
    """A trunk the rules refuse: the field (``trunk.<input>``), the rule code, its
    parameters; the admin page words it by code."""

    def __init__(self, field: str, rule: str, **params: object) -> None:
        super().__init__(f"trunk.{field}", rule, **params)


@dataclass(frozen=True, slots=True)
class Trunk:
    """One tenant's trunk to its carrier.

    ``password`` is kept as given because digest authentication needs it (or its HA1, which
    the carrier's realm is not known for until the first challenge); see
    ``vaxel.store.pbx_trunks`` for how it is protected at rest. It is never shown back.
    """

    tenant_id: str
    host: str
    port: int = 5060
    mode: TrunkMode = TrunkMode.REGISTER
    username: str = ""
    password: str = field(default="", repr=False)
    auth_username: str = ""
    """The digest user name when the carrier wants one other than ``username``."""
    domain: str = ""
    """The registrar's SIP domain (the AOR's host); ``host`` when empty."""
    expires_s: int = 3600
    transport: str = "udp"

    def __post_init__(self) -> None:
        if not self.host or len(self.host) > MAX_HOST or not _HOST.fullmatch(self.host):
            raise TrunkError("host", "invalid", reason="a host name or IP address is required")
        if self.domain and (len(self.domain) > MAX_HOST or not _HOST.fullmatch(self.domain)):
            raise TrunkError("domain", "invalid", reason="not a host name")
        if not 1 <= self.port <= 65535:
            raise TrunkError("port", "whole-number-range", min=1, max=65535, value=self.port)
        if not MIN_EXPIRES_S <= self.expires_s <= MAX_EXPIRES_S:
            raise TrunkError(
                "expires_s",
                "whole-number-range",
                min=MIN_EXPIRES_S,
                max=MAX_EXPIRES_S,
                value=self.expires_s,
            )
        if self.transport not in ("udp", "tcp"):
            raise TrunkError("transport", "choice", allowed="udp, tcp")
        for name in ("username", "auth_username"):
            value = getattr(self, name)
            if len(value) > MAX_USER:
                raise TrunkError(name, "too-long", max=MAX_USER, length=len(value))
            if value and not _USER.fullmatch(value):
                raise TrunkError(name, "invalid", reason="letters, digits and - _ . only")
        if self.mode is TrunkMode.REGISTER:
            if not self.username:
                raise TrunkError("username", "required-text")
            if not MIN_PASSWORD <= len(self.password) <= MAX_PASSWORD:
                raise TrunkError("password", "range", min=MIN_PASSWORD, max=MAX_PASSWORD)
        if any(c in self.password for c in "\r\n\x00"):
            raise TrunkError("password", "invalid", reason="no line breaks")

    @property
    def registrar_domain(self) -> str:
        return self.domain or self.host

    @property
    def address(self) -> tuple[str, int]:
        return (self.host, self.port)

    @property
    def aor(self) -> str:
        """The address of record we register (``sip:user@domain``)."""
        return f"sip:{self.username}@{self.registrar_domain}"

    @property
    def digest_username(self) -> str:
        return self.auth_username or self.username

    def authorization(self, challenge: str, method: str, uri: str, cnonce: str, nc: int) -> str:
        """Our answer to the carrier's ``challenge`` for ``method`` on ``uri`` (for the
        INVITEs we send through the trunk as for the REGISTER)."""
        return authorization_for(
            challenge,
            username=self.digest_username,
            password=self.password,
            method=method,
            uri=uri,
            cnonce=cnonce,
            nc=nc,
        )


class RegistrationState(StrEnum):
    UNREGISTERED = "unregistered"
    REGISTERING = "registering"
    REGISTERED = "registered"
    REFUSED = "refused"
    UNREACHABLE = "unreachable"


@dataclass(frozen=True, slots=True)
class SendRegister:
    """Command: send a REGISTER for the trunk's AOR with this CSeq and Expires, with the
    credentials header (``Authorization`` or ``Proxy-Authorization``) when given."""

    cseq: int
    expires_s: int
    credentials: tuple[str, str] | None = None


@dataclass(frozen=True, slots=True)
class LastAnswer:
    """The carrier's last final answer, for the admin page ("" reason for a timeout)."""

    status: int
    reason: str
    at: float


@dataclass(frozen=True, slots=True)
class TrunkStatus:
    """A trunk as the admin page shows it: registered, refused with the carrier's answer,
    unreachable — or ``ip`` for an IP-trusted trunk, which does not register."""

    tenant_id: str
    state: str
    last_answer: LastAnswer | None = None
    registered_until: float | None = None


class RegistrationClient:
    """Keeps one registering trunk registered (see the module's rules)."""

    def __init__(
        self,
        trunk: Trunk,
        cnonce: Callable[[], str],
        *,
        base_backoff_s: float = 30.0,
        max_backoff_s: float = 1800.0,
    ) -> None:
        if trunk.mode is not TrunkMode.REGISTER:
            raise TrunkError("mode", "choice", allowed=TrunkMode.REGISTER.value)
        self.trunk = trunk
        self._cnonce = cnonce
        self.base_backoff_s = base_backoff_s
        self.max_backoff_s = max_backoff_s
        self.state = RegistrationState.UNREGISTERED
        self.last_answer: LastAnswer | None = None
        self.registered_until: float | None = None
        self.failures = 0
        self._cseq = 0
        self._expires = trunk.expires_s
        self._deadline: float | None = None
        self._challenge: tuple[str, str] | None = None
        """(header name to answer with, the challenge) of the nonce in use."""
        self._nc = 0
        self._challenges = 0
        """Challenges answered in this round (since the last REGISTER not answering one)."""

    # -- inputs ------------------------------------------------------------------------

    def start(self, now: float) -> list[SendRegister]:
        """Register now (from any state but REGISTERING)."""
        if self.state is RegistrationState.REGISTERING:
            raise IllegalTransition("registration", self.state.value, "start")
        return [self._send(now)]

    def stop(self, now: float) -> list[SendRegister]:
        """Remove the binding (Expires: 0) when registered; either way stop trying."""
        was = self.state
        self.state = RegistrationState.UNREGISTERED
        self._deadline = None
        self.registered_until = None
        if was is not RegistrationState.REGISTERED:
            return []
        self._cseq += 1
        return [SendRegister(self._cseq, 0, self._credentials())]

    def received(
        self,
        status: int,
        reason: str,
        now: float,
        *,
        challenge: str = "",
        min_expires: int | None = None,
        granted_s: int | None = None,
    ) -> list[SendRegister]:
        """The carrier's response to our REGISTER. ``challenge`` is the WWW- or
        Proxy-Authenticate value of a 401/407; ``granted_s`` the expiry a 2xx gave."""
        if self.state is not RegistrationState.REGISTERING or status < 200:
            return []
        if 200 <= status < 300:
            granted = granted_s if granted_s is not None and granted_s > 0 else self._expires
            self.state = RegistrationState.REGISTERED
            self.last_answer = LastAnswer(status, reason[:200], now)
            self.failures = 0
            self.registered_until = now + granted
            self._deadline = now + granted * REFRESH_SHARE
            return []
        if status in (401, 407) and challenge and self._answerable(challenge):
            header = "Authorization" if status == 401 else "Proxy-Authorization"
            self._challenge = (header, challenge)
            self._nc = 0
            self._challenges += 1
            return [self._send(now, answering=True)]
        if status == 423 and min_expires and self._expires < min_expires <= MAX_EXPIRES_S:
            self._expires = min_expires
            return [self._send(now)]
        self._failed(RegistrationState.REFUSED, LastAnswer(status, reason[:200], now), now)
        return []

    def timed_out(self, now: float) -> list[SendRegister]:
        """No final answer came (timer F): the carrier is unreachable for now."""
        if self.state is RegistrationState.REGISTERING:
            self._failed(RegistrationState.UNREACHABLE, LastAnswer(408, "", now), now)
        return []

    def on_timer(self, now: float) -> list[SendRegister]:
        """The deadline came: refresh, or try again after a failure."""
        if self._deadline is None or now < self._deadline:
            return []
        if self.state is RegistrationState.REGISTERED:
            return [self._send(now)]
        if self.state in (RegistrationState.REFUSED, RegistrationState.UNREACHABLE):
            self._challenge, self._nc = None, 0  # afresh: the carrier may have new credentials
            return [self._send(now)]
        if self.state is RegistrationState.REGISTERING:  # the adapter lost the request
            self._failed(RegistrationState.UNREACHABLE, LastAnswer(408, "", now), now)
        return []

    def next_deadline(self) -> float | None:
        return self._deadline

    # -- internals ---------------------------------------------------------------------

    def _answerable(self, challenge: str) -> bool:
        """A challenge to answer: the first of this round, or one saying our nonce went
        stale (at most ``MAX_CHALLENGES`` a round, so a carrier cannot keep us looping)."""
        if self._challenges >= MAX_CHALLENGES:
            return False
        stale = parse_auth_params(challenge)[1].get("stale", "").lower() == "true"
        return stale or self._challenges == 0

    def _credentials(self) -> tuple[str, str] | None:
        if self._challenge is None:
            return None
        header, challenge = self._challenge
        self._nc += 1
        try:
            value = self.trunk.authorization(
                challenge,
                "REGISTER",
                f"sip:{self.trunk.registrar_domain}",
                self._cnonce(),
                self._nc,
            )
        except ValueError:  # an algorithm or qop we cannot answer: the carrier refuses us
            return None
        return (header, value)

    def _send(self, now: float, *, answering: bool = False) -> SendRegister:
        if not answering:
            self._challenges = 0
        self.state = RegistrationState.REGISTERING
        self._cseq += 1
        # a guard in case the adapter never reports an answer (timer F is 32 s)
        self._deadline = now + 64.0
        return SendRegister(self._cseq, self._expires, self._credentials())

    def _failed(self, state: RegistrationState, answer: LastAnswer, now: float) -> None:
        self.state = state
        self.last_answer = answer
        self.registered_until = None
        self._deadline = now + min(self.max_backoff_s, self.base_backoff_s * 2**self.failures)
        self.failures += 1
