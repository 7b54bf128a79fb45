"""Digest authentication for REGISTER and INVITE (RFC 3261 §22, RFC 7616, RFC 8760).

Rules kept here:
- The server challenges with SHA-256 first and MD5 second (RFC 8760 §2.4); the phone uses the
  first it supports. qop=auth.
- Nonces are stateless: ``timestamp:hmac(secret, timestamp:realm)``. A nonce older than
  ``nonce_ttl_s`` is *stale*: the phone is re-challenged with stale=true and retries without
  asking its user (RFC 7616 §3.3).
- Digests are compared in constant time. The lookup may return the password or, so the store
  need not keep plaintext, the HA1 per algorithm.
Sans-I/O: the secret and the time are passed in.
"""

from __future__ import annotations

import hashlib
import hmac
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
]

_HASHES = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}


def _h(algorithm: str, text: str) -> str:
    return _HASHES[algorithm](text.encode("utf-8")).hexdigest()


def ha1(algorithm: str, username: str, realm: str, password: str) -> str:
    return _h(algorithm, f"{username}:{realm}:{password}")


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


def _response(
    algorithm: str,
    ha1_value: str,
    method: str,
    uri: str,
    nonce: str,
    qop: str,
    nc: str,
    cnonce: str,
) -> str:
    ha2 = _h(algorithm, f"{method}:{uri}")
    if qop:
        return _h(algorithm, f"{ha1_value}:{nonce}:{nc}:{cnonce}:{qop}:{ha2}")
    return _h(algorithm, f"{ha1_value}:{nonce}:{ha2}")


def authorization_for(
    challenge: str, *, username: str, password: str, method: str, uri: str, cnonce: str, nc: int = 1
) -> str:
    """The Authorization value a client sends in answer to ``challenge`` (client side)."""
    _, params = parse_auth_params(challenge)
    algorithm = params.get("algorithm", "MD5").upper()
    realm, nonce = params.get("realm", ""), params.get("nonce", "")
    qop = "auth" if "auth" in [q.strip() for q in params.get("qop", "").split(",")] else ""
    count = f"{nc:08x}"
    digest = _response(
        algorithm, ha1(algorithm, username, realm, password), method, uri, nonce, qop, count, cnonce
    )
    parts = [
        f'username="{username}"',
        f'realm="{realm}"',
        f'nonce="{nonce}"',
        f'uri="{uri}"',
        f'response="{digest}"',
        f"algorithm={algorithm}",
    ]
    if qop:
        parts += [f"qop={qop}", f"nc={count}", f'cnonce="{cnonce}"']
    if "opaque" in params:
        parts.append(f'opaque="{params["opaque"]}"')
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
    ) -> None:
        self.realm = realm
        self.algorithms = algorithms
        self._secret = secret
        self.nonce_ttl_s = nonce_ttl_s

    def _nonce(self, now: float) -> str:
        stamp = f"{int(now)}"
        mac = hmac.new(self._secret, f"{stamp}:{self.realm}".encode(), hashlib.sha256)
        return f"{stamp}:{mac.hexdigest()[:32]}"

    def challenges(self, now: float, *, stale: bool = False) -> list[str]:
        nonce = self._nonce(now)
        extra = ", stale=true" if stale else ""
        return [
            f'Digest realm="{self.realm}", nonce="{nonce}", algorithm={name}, qop="auth"{extra}'
            for name in self.algorithms
        ]

    def _valid_nonce(self, nonce: str) -> float | None:
        """The time a nonce of ours was issued, or None when it is not ours (or garbled)."""
        stamp, _, _ = nonce.partition(":")
        if not (stamp.isascii() and stamp.isdigit() and len(stamp) <= 12):
            return None
        if not hmac.compare_digest(self._nonce(float(stamp)), nonce):
            return None
        return float(stamp)

    def verify(
        self,
        header: str,
        *,
        method: str,
        now: float,
        lookup: Lookup,
        lookup_is_ha1: bool = False,
        request_uri: str | None = None,
    ) -> Verdict:
        """Check ``header`` for a request of ``method`` to ``request_uri``.

        ``request_uri`` given, the credentials must have been made for it (RFC 3261 §22.4):
        credentials captured from one INVITE cannot be replayed to another number.
        A correct digest over a nonce that is not (or no longer) ours is *stale*: after a
        restart with a new secret every phone retries at once instead of counting as a
        failure and getting its whole office throttled (RFC 2617 §3.2.1).
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
        if creds.algorithm not in _HASHES:
            return Verdict(False, creds.username, "unsupported algorithm")
        if creds.realm != self.realm:
            return Verdict(False, creds.username, "wrong realm")
        if request_uri is not None and creds.uri != request_uri:
            return Verdict(False, creds.username, "credentials made for another URI")
        issued = self._valid_nonce(creds.nonce)
        secret = lookup(creds.username)
        if secret is None:
            return Verdict(False, creds.username, "bad nonce" if issued is None else "unknown user")
        ha1_value = (
            secret if lookup_is_ha1 else ha1(creds.algorithm, creds.username, self.realm, secret)
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
            return Verdict(False, creds.username, "wrong password")
        if now - issued > self.nonce_ttl_s:
            return Verdict(False, creds.username, "stale nonce", stale=True)
        return Verdict(True, creds.username)
