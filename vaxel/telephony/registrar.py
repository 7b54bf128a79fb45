"""Registrar bindings (RFC 3261 §10.3): where each extension's phones can be reached.

Rules kept here:
- An address of record (AOR, here ``tenant/extension``) has any number of bindings, one per
  Contact URI: a desk phone and a softphone ring in parallel (PBX, Q14 ring-all).
- A binding lives ``expires`` seconds: the Contact's ``expires`` parameter, else the Expires
  header, else 3600; 0 removes it; below ``min_expires`` is refused with 423 and Min-Expires.
- ``Contact: *`` with Expires 0 removes every binding of the AOR (and nothing else is allowed
  with ``*``).
- An AOR keeps at most ``MAX_BINDINGS`` bindings: a new one replaces the one refreshed
  longest ago (a rebooted phone still registers), and a REGISTER naming more Contacts than
  that is refused with 403. One phone account must not fill the process's memory, nor turn
  a call to its extension into thousands of INVITE transactions (task R).
- The expiry queue is compacted when stale entries (refreshed or replaced bindings) make
  it much longer than the live bindings.
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

__all__ = ["BROWSER_PHONE", "MAX_BINDINGS", "Binding", "Registrar", "of_kind"]

MAX_BINDINGS = 10
"""Phones one extension may have registered at once (desk phone, softphones, …)."""
_COMPACT_SLACK = 4096
BROWSER_PHONE = "@webbtelefon"
"""How a browser phone's binding ends its Call-ID (``vaxel.webrtc.link`` binds it so): what
tells it from a desk phone's, for an agent who chose one of them (PBX9)."""


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
        self._compact_at = _COMPACT_SLACK

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
        if len(contacts) > MAX_BINDINGS:
            raise SipError(f"Forbidden: too many contacts (at most {MAX_BINDINGS})", 403)
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
            current.pop(uri, None)  # a refreshed binding moves to the end: the newest
            if change is not None:
                current[uri] = change
                heapq.heappush(self._expiry, (change.expires_at, aor, uri))
        for uri in list(current)[: max(0, len(current) - MAX_BINDINGS)]:
            del current[uri]  # refreshed longest ago
        if current:
            self._bindings[aor] = current
        else:
            self._bindings.pop(aor, None)
        if len(self._expiry) > self._compact_at:
            self._compact()
        return self.lookup(aor, now)

    def _compact(self) -> None:
        """The expiry queue rebuilt from the live bindings alone (amortised: it grows by
        at least its size plus the slack before the next rebuild)."""
        self._expiry = [
            (binding.expires_at, aor, uri)
            for aor, bindings in self._bindings.items()
            for uri, binding in bindings.items()
        ]
        heapq.heapify(self._expiry)
        self._compact_at = 2 * len(self._expiry) + _COMPACT_SLACK

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


def of_kind(bindings: list[Binding], kind: str) -> list[Binding]:
    """The bindings an agent's chosen device rings (PBX9): "browser" her browser phone's,
    "desk" every other (her SIP desk phones), anything else all of them."""
    if kind == "browser":
        return [b for b in bindings if b.call_id.endswith(BROWSER_PHONE)]
    if kind == "desk":
        return [b for b in bindings if not b.call_id.endswith(BROWSER_PHONE)]
    return bindings
