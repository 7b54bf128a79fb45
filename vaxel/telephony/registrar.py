"""Registrar bindings (RFC 3261 §10.3): where each extension's phones can be reached.

Rules kept here:
- An address of record (AOR, here ``tenant/extension``) has any number of bindings, one per
  Contact URI: a desk phone and a softphone ring in parallel (PBX, Q14 ring-all).
- A binding lives ``expires`` seconds: the Contact's ``expires`` parameter, else the Expires
  header, else 3600; 0 removes it; below ``min_expires`` is refused with 423 and Min-Expires.
- ``Contact: *`` with Expires 0 removes every binding of the AOR (and nothing else is allowed
  with ``*``).
- Within one Call-ID, a REGISTER whose CSeq is not higher than the last one is stale and
  refused with 500 (§10.3 step 7).
- Requests go to the address the REGISTER came from (the phone may be behind NAT, and on
  127.0.0.1 several phones share one host), with the Contact URI as Request-URI.
Authentication happens before this (the telephony service checks digest credentials).
Sans-I/O: time is passed in.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

from vaxel.sip.dialog import angle_uri
from vaxel.sip.errors import SipError
from vaxel.sip.message import Request, via_param

__all__ = ["Binding", "Registrar"]


@dataclass(frozen=True, slots=True)
class Binding:
    aor: str
    contact: str
    """The Contact URI the phone registered (Request-URI of calls to it)."""
    source: tuple[str, int]
    """Where the REGISTER came from: calls are sent there."""
    transport: str
    expires_at: float
    call_id: str
    cseq: int

    def remaining(self, now: float) -> int:
        return max(0, int(self.expires_at - now + 0.5))


class Registrar:
    """The bindings of every AOR, with expiry (§10.3)."""

    def __init__(
        self, *, default_expires: int = 3600, min_expires: int = 60, max_expires: int = 3600
    ) -> None:
        self.default_expires = default_expires
        self.min_expires = min_expires
        self.max_expires = max_expires
        self._bindings: dict[str, dict[str, Binding]] = {}
        self._expiry: list[tuple[float, str, str]] = []

    def update(
        self, aor: str, request: Request, source: tuple[str, int], transport: str, now: float
    ) -> list[Binding]:
        """Apply a REGISTER for ``aor``; returns the AOR's bindings afterwards.

        Raises SipError 400/423/500 naming what is wrong; nothing is changed then.
        """
        header_expires = _expires_value(request.headers.get("Expires"), "Expires header")
        contacts = request.headers.values("Contact")
        current = dict(self._bindings.get(aor, {}))
        if any(c.strip() == "*" for c in contacts):
            if len(contacts) != 1 or header_expires != 0:
                raise SipError("Contact * needs Expires: 0 and no other Contact", 400)
            self._bindings.pop(aor, None)
            return []
        call_id = request.call_id
        cseq = request.cseq[0]
        for binding in current.values():
            if binding.call_id == call_id and cseq <= binding.cseq:
                raise SipError("Stale REGISTER: CSeq not higher than the last", 500)
        changes: dict[str, Binding | None] = {}
        for contact in contacts:
            uri = angle_uri(contact)
            if not uri.lower().startswith(("sip:", "sips:")):
                raise SipError(f"Unsupported Contact URI: {uri[:60]}", 400)
            params = contact.rsplit(">", 1)[-1] if "<" in contact else ""
            param_expires = _expires_value(
                via_param(";" + params.lstrip(";"), "expires"), "Contact expires"
            )
            expires = next(
                (e for e in (param_expires, header_expires) if e is not None),
                self.default_expires,
            )
            if 0 < expires < self.min_expires:
                raise SipError("Interval Too Brief", 423)
            expires = min(expires, self.max_expires)
            if expires == 0:
                changes[uri] = None
            else:
                changes[uri] = Binding(aor, uri, source, transport, now + expires, call_id, cseq)
        for uri, change in changes.items():
            if change is None:
                current.pop(uri, None)
            else:
                current[uri] = change
                heapq.heappush(self._expiry, (change.expires_at, aor, uri))
        if current:
            self._bindings[aor] = current
        else:
            self._bindings.pop(aor, None)
        return self.lookup(aor, now)

    def lookup(self, aor: str, now: float) -> list[Binding]:
        """The AOR's live bindings, most recently registered first."""
        live = [b for b in self._bindings.get(aor, {}).values() if b.expires_at > now]
        return sorted(live, key=lambda b: b.expires_at, reverse=True)

    def expire(self, now: float) -> list[Binding]:
        """Drop the bindings whose time is up; returns them."""
        gone: list[Binding] = []
        while self._expiry and self._expiry[0][0] <= now:
            _, aor, uri = heapq.heappop(self._expiry)
            binding = self._bindings.get(aor, {}).get(uri)
            if binding is not None and binding.expires_at <= now:
                del self._bindings[aor][uri]
                if not self._bindings[aor]:
                    del self._bindings[aor]
                gone.append(binding)
        return gone

    def next_deadline(self) -> float | None:
        return self._expiry[0][0] if self._expiry else None

    def registered(self, now: float) -> list[str]:
        return sorted(aor for aor in self._bindings if self.lookup(aor, now))


def _expires_value(raw: str | None, what: str) -> int | None:
    if raw is None or raw.strip() == "":
        return None
    try:
        value = int(raw.strip())
    except ValueError:
        raise SipError(f"Bad {what}: {raw.strip()[:20]}", 400) from None
    if value < 0:
        raise SipError(f"Bad {what}: negative", 400)
    return value
