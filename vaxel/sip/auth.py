"""Digest authentication for REGISTER and INVITE (RFC 3261 §22, RFC 7616, RFC 8760).

Rules kept here:
- The server challenges with SHA-256 first and MD5 second (RFC 8760 §2.4); the phone uses the
  first it supports. qop=auth.
- A nonce is ``time:serial:hmac(secret, time:serial:source:realm)``: it proves we issued it,
  when, and to which source address, so credentials captured on the wire cannot be replayed
  from another address (issue 10 §5). The serial keeps two phones behind one address apart.
- A nonce older than ``nonce_ttl_s`` is *stale*: the phone is re-challenged with stale=true
  and retries without asking its user (RFC 7616 §3.3).
- Each nonce's use is tracked (RFC 7616 §3.4): with qop=auth every request must carry a
  higher ``nc`` than the last one accepted; without qop a nonce serves once. A replay is
  refused like a stale nonce, with a fresh one. Only successes are recorded, and the table
  forgets nonces once they are stale; when it must forget one earlier (``max_tracked``),
  every nonce issued up to then counts as used, so forgetting never lets a replay in.
- Only a failure that answers a valid, unexpired nonce we issued to that very source is
  ``counted`` (Verdict.counted): junk from a forged source address never reaches the
  throttle, since a spoofer never sees our reply (issue 10 §4).
- Both sides take the ``-sess`` variants (RFC 7616 §3.4.2: H(A1) bound to nonce and cnonce).
  The client answers qop=auth-int over the body it is given (§3.4.3); the server only
  offers qop=auth and refuses credentials made with auth-int as "unsupported qop".
- Every quoted value we write is escaped (RFC 3261 §25.1 quoted-pair) and a value holding a
  line break or NUL is refused, so no username can inject parameters or header lines.
- Digests are compared in constant time. The lookup may return the password or, so the store
  need not keep plaintext, the HA1 per algorithm.
Sans-I/O: the secret and the time are passed in.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from vaxel.sip.message import split_list

__all__ = [
    "Credentials",
    "DigestAuthenticator",
    "Verdict",
    "authorization_for",
    "ha1",
    "parse_auth_params",
    "quote",
    "session_ha1",
]

_HASHES = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}


_SESS = "-SESS"


def _base(algorithm: str) -> str:
    """``MD5-sess`` → ``MD5``: the hash an algorithm name stands for (RFC 7616 §3.4.2)."""
    return algorithm[: -len(_SESS)] if algorithm.endswith(_SESS) else algorithm


def _supported(algorithm: str) -> bool:
    return _base(algorithm) in _HASHES


def _h(algorithm: str, text: str) -> str:
    return _HASHES[_base(algorithm)](text.encode("utf-8")).hexdigest()


def ha1(algorithm: str, username: str, realm: str, password: str) -> str:
    """H(username:realm:password); for a ``-sess`` algorithm pass it to :func:`session_ha1`."""
    return _h(algorithm, f"{username}:{realm}:{password}")


def session_ha1(algorithm: str, ha1_value: str, nonce: str, cnonce: str) -> str:
    """The H(A1) a digest uses: for ``-sess`` bound to this nonce and cnonce (§3.4.2)."""
    if algorithm.endswith(_SESS):
        return _h(algorithm, f"{ha1_value}:{nonce}:{cnonce}")
    return ha1_value


def quote(value: str) -> str:
    """A quoted-string holding ``value`` (RFC 3261 §25.1): ``"`` and ``\\`` escaped.

    Raises ValueError for CR, LF or NUL, which no quoted-string may carry: they would end the
    header and let the value inject lines of its own.
    """
    if any(c in value for c in "\r\n\x00"):
        raise ValueError("a quoted-string cannot hold CR, LF or NUL")
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def parse_auth_params(value: str) -> tuple[str, dict[str, str]]:
    """``Digest realm="x", nonce="y"`` → ("Digest", {"realm": "x", "nonce": "y"})."""
    scheme, _, rest = value.strip().partition(" ")
    params: dict[str, str] = {}
    for item in split_list(rest):
        name, sep, raw = item.partition("=")
        if not sep:
            continue
        raw = raw.strip()
        if raw.startswith('"') and raw.endswith('"') and len(raw) >= 2:
            raw = raw[1:-1].replace('\\"', '"').replace("\\\\", "\\")
        params[name.strip().lower()] = raw
    return scheme, params


@dataclass(frozen=True, slots=True)
class Credentials:
    username: str
    realm: str
    nonce: str
    uri: str
    response: str
    algorithm: str
    qop: str
    nc: str
    cnonce: str


@dataclass(frozen=True, slots=True)
class Verdict:
    ok: bool
    username: str = ""
    reason: str = ""
    stale: bool = False
    counted: bool = False
    """A failure that answered a valid, unexpired nonce issued to this source: a guess the
    throttle should count. Anything else could come from a forged address."""


def _response(
    algorithm: str,
    ha1_value: str,
    method: str,
    uri: str,
    nonce: str,
    qop: str,
    nc: str,
    cnonce: str,
    body: bytes = b"",
) -> str:
    """RFC 7616 §3.4.1: KD(H(A1), nonce:nc:cnonce:qop:H(A2)); RFC 2069 form without qop."""
    a2 = f"{method}:{uri}"
    if qop == "auth-int":  # §3.4.3: the body is part of what is signed
        a2 += ":" + _HASHES[_base(algorithm)](body).hexdigest()
    ha2 = _h(algorithm, a2)
    if qop:
        return _h(algorithm, f"{ha1_value}:{nonce}:{nc}:{cnonce}:{qop}:{ha2}")
    return _h(algorithm, f"{ha1_value}:{nonce}:{ha2}")


def authorization_for(
    challenge: str,
    *,
    username: str,
    password: str,
    method: str,
    uri: str,
    cnonce: str,
    nc: int = 1,
    body: bytes = b"",
) -> str:
    """The Authorization value a client sends in answer to ``challenge`` (client side).

    qop=auth is preferred; a challenge offering only auth-int is answered over ``body``
    (RFC 7616 §3.4.3). Raises ValueError for an algorithm or a qop we cannot answer, and for
    a value no quoted-string may hold, rather than sending credentials the server will not
    take or a header someone else wrote.
    """
    _, params = parse_auth_params(challenge)
    algorithm = params.get("algorithm", "MD5")
    if not _supported(algorithm.upper()):
        raise ValueError(f"unsupported digest algorithm {algorithm[:32]!r}")
    realm, nonce = params.get("realm", ""), params.get("nonce", "")
    offered = [q.strip().lower() for q in params.get("qop", "").split(",") if q.strip()]
    qop = next((q for q in ("auth", "auth-int") if q in offered), "")
    if offered and not qop:
        raise ValueError(f"unsupported qop {params['qop'][:32]!r}")
    count = f"{nc:08x}"
    key = algorithm.upper()
    ha1_value = session_ha1(key, ha1(key, username, realm, password), nonce, cnonce)
    digest = _response(key, ha1_value, method, uri, nonce, qop, count, cnonce, body)
    parts = [
        f"username={quote(username)}",
        f"realm={quote(realm)}",
        f"nonce={quote(nonce)}",
        f"uri={quote(uri)}",
        f'response="{digest}"',
        f"algorithm={algorithm}",
    ]
    if qop:
        parts += [f"qop={qop}", f"nc={count}", f"cnonce={quote(cnonce)}"]
    elif key.endswith(_SESS):
        parts.append(f"cnonce={quote(cnonce)}")
    if "opaque" in params:
        parts.append(f"opaque={quote(params['opaque'])}")
    return "Digest " + ", ".join(parts)


Lookup = Callable[[str], str | None]


class DigestAuthenticator:
    """Challenges and checks digest credentials for one realm."""

    def __init__(
        self,
        realm: str,
        secret: bytes,
        *,
        nonce_ttl_s: float = 300.0,
        algorithms: tuple[str, ...] = ("SHA-256", "MD5"),
        max_tracked: int = 100_000,
    ) -> None:
        self.realm = realm
        self.algorithms = algorithms
        self._secret = secret
        self.nonce_ttl_s = nonce_ttl_s
        self.max_tracked = max_tracked
        self._serial = 0
        self._used: OrderedDict[str, tuple[float, int]] = OrderedDict()
        """Nonce → (issued at, highest nc accepted; 0 without qop), oldest use first."""
        self._forgotten_up_to = -1.0

    def _mac(self, stamp: str, serial: str, source: str) -> str:
        text = f"{stamp}:{serial}:{source}:{self.realm}".encode()
        return hmac.new(self._secret, text, hashlib.sha256).hexdigest()[:32]

    def _nonce(self, now: float, source: str) -> str:
        self._serial += 1
        stamp, serial = f"{int(now)}", f"{self._serial}"
        return f"{stamp}:{serial}:{self._mac(stamp, serial, source)}"

    def challenges(self, now: float, *, source: str = "", stale: bool = False) -> list[str]:
        """WWW-/Proxy-Authenticate values, one per algorithm, with a nonce for ``source``."""
        nonce = self._nonce(now, source)
        extra = ", stale=true" if stale else ""
        return [
            f'Digest realm="{self.realm}", nonce="{nonce}", algorithm={name}, qop="auth"{extra}'
            for name in self.algorithms
        ]

    def _valid_nonce(self, nonce: str, source: str) -> float | None:
        """When a nonce of ours was issued to ``source``; None when it is not (or garbled)."""
        parts = nonce.split(":")
        if len(parts) != 3:
            return None
        stamp, serial, mac = parts
        for number in (stamp, serial):
            if not (number.isascii() and number.isdigit() and len(number) <= 12):
                return None
        if not hmac.compare_digest(self._mac(stamp, serial, source), mac):
            return None
        return float(stamp)

    def _replayed(self, nonce: str, issued: float, qop: str, count: int) -> bool:
        seen = self._used.get(nonce)
        if seen is None:
            return issued <= self._forgotten_up_to
        return not qop or count <= seen[1]

    def _record_use(self, nonce: str, issued: float, count: int, now: float) -> None:
        self._used[nonce] = (issued, count)
        self._used.move_to_end(nonce)
        while self._used:
            oldest, (issued_at, _) = next(iter(self._used.items()))
            if now - issued_at > self.nonce_ttl_s:
                del self._used[oldest]  # stale now whatever it carries: no need to remember
            elif len(self._used) > self.max_tracked:
                del self._used[oldest]
                self._forgotten_up_to = max(self._forgotten_up_to, issued_at)
            else:
                break

    def verify(
        self,
        header: str,
        *,
        method: str,
        now: float,
        lookup: Lookup,
        lookup_is_ha1: bool = False,
        request_uri: str | None = None,
        source: str = "",
    ) -> Verdict:
        """Check ``header`` for a request of ``method`` to ``request_uri`` from ``source``.

        ``request_uri`` given, the credentials must have been made for it (RFC 3261 §22.4):
        credentials captured from one INVITE cannot be replayed to another number.
        A correct digest over a nonce that is not (or no longer) ours for this source, or
        whose count was already used, is *stale*: after a restart with a new secret every
        phone retries at once instead of counting as a failure and getting its whole office
        throttled (RFC 2617 §3.2.1), and a replayer gets only a fresh nonce it cannot answer.
        """
        scheme, params = parse_auth_params(header)
        if scheme.lower() != "digest":
            return Verdict(False, reason="malformed credentials")
        try:
            creds = Credentials(
                params["username"],
                params["realm"],
                params["nonce"],
                params["uri"],
                params["response"].lower(),
                params.get("algorithm", "MD5").upper(),
                params.get("qop", ""),
                params.get("nc", ""),
                params.get("cnonce", ""),
            )
        except KeyError as missing:
            return Verdict(False, reason=f"malformed credentials: no {missing.args[0]}")
        if not _supported(creds.algorithm):
            return Verdict(False, creds.username, "unsupported algorithm")
        if creds.realm != self.realm:
            return Verdict(False, creds.username, "wrong realm")
        if request_uri is not None and creds.uri != request_uri:
            return Verdict(False, creds.username, "credentials made for another URI")
        if creds.qop not in ("", "auth"):
            return Verdict(False, creds.username, "unsupported qop")
        if creds.qop and not _is_nonce_count(creds.nc):
            return Verdict(False, creds.username, "malformed credentials: bad nc")
        issued = self._valid_nonce(creds.nonce, source)
        fresh = issued is not None and now - issued <= self.nonce_ttl_s
        secret = lookup(creds.username)
        if secret is None:
            reason = "bad nonce" if issued is None else "unknown user"
            return Verdict(False, creds.username, reason, counted=fresh)
        ha1_value = session_ha1(
            creds.algorithm,
            secret if lookup_is_ha1 else ha1(creds.algorithm, creds.username, self.realm, secret),
            creds.nonce,
            creds.cnonce,
        )
        expected = _response(
            creds.algorithm,
            ha1_value,
            method,
            creds.uri,
            creds.nonce,
            creds.qop,
            creds.nc,
            creds.cnonce,
        )
        correct = hmac.compare_digest(expected, creds.response)
        if issued is None:
            if correct:
                return Verdict(False, creds.username, "stale nonce", stale=True)
            return Verdict(False, creds.username, "bad nonce")
        if not correct:
            return Verdict(False, creds.username, "wrong password", counted=fresh)
        if not fresh:
            return Verdict(False, creds.username, "stale nonce", stale=True)
        count = int(creds.nc, 16) if creds.qop else 0
        if self._replayed(creds.nonce, issued, creds.qop, count):
            return Verdict(False, creds.username, "replayed nonce count", stale=True)
        self._record_use(creds.nonce, issued, count, now)
        return Verdict(True, creds.username)


def _is_nonce_count(text: str) -> bool:
    """RFC 7616 §3.4: nc is exactly 8 hex digits."""
    return len(text) == 8 and all(c in "0123456789abcdefABCDEF" for c in text)
