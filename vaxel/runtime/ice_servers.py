"""A tenant's ICE servers for the browser phone (issue 15 §3): the STUN and TURN servers
that the page's ``RTCPeerConnection`` and the server's aiortc peer both use, so agents at
home reach the media path through the organisation's TURN server (``docs/webrtc.md``).

Rules, checked before anything is stored:
- at most ``MAX_URLS`` addresses, one a line (or comma-separated), each ``stun:``,
  ``turn:`` or ``turns:`` with a host name or IP address, an optional port and, for TURN,
  ``?transport=udp`` or ``tcp``; nothing else (no ``http:``, no paths, no spaces), at most
  ``MAX_URL`` characters;
- a host is never this machine or its link as a literal (``localhost``, 127.0.0.1,
  169.254.x.x …): the browser's ``localhost`` is the agent's own computer, and the server's
  peer would send to the node's own services;
- a TURN address needs a user name and a password (``credential``), each at most
  ``MAX_USER`` / ``MAX_CREDENTIAL`` characters without control characters — or coturn's
  shared secret (``use-auth-secret``, at least ``MIN_SECRET`` characters), from which each
  page gets a user name and password that hold for a day
  (:func:`vaxel.store.webrtc_ice.turn_credentials`), so the secret never reaches a page;
- the password (or secret) is write-only on the admin page: an empty field keeps the
  stored one of the same kind. A fixed password is, unavoidably, handed to the phone of
  every signed-in member of the tenant (the browser needs it to use TURN): prefer the
  shared secret, or give Växel a TURN user of its own (``docs/webrtc.md``).

No servers (the default) means host candidates only and no public STUN server asked.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from vaxel.core.errors import ConfigError
from vaxel.runtime.mail_hosts import internal_address
from vaxel.store.webrtc_ice import MAX_CREDENTIAL, MAX_USER, IceServers

log = logging.getLogger(__name__)

__all__ = [
    "MAX_CREDENTIAL",
    "MAX_URL",
    "MAX_URLS",
    "MAX_USER",
    "MIN_SECRET",
    "IceServerError",
    "validated",
]

MAX_URLS = 8
MAX_URL = 256
MIN_SECRET = 16
"""A shared secret shorter than this is guessable from one time-limited credential."""
_URL = re.compile(
    r"(?P<scheme>stun|turns?):"
    r"(?P<host>[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])"
    r"(?::(?P<port>[0-9]{1,5}))?"
    r"(?:\?transport=(?P<transport>udp|tcp))?"
)


class IceServerError(ConfigError):
    """An ICE server setting the rules refuse (field ``ice.<input>``)."""

    def __init__(self, field: str, rule: str, **params: object) -> None:
        super().__init__(f"ice.{field}", rule, **params)


def _line(field: str, value: str, limit: int) -> str:
    if len(value) > limit:
        raise IceServerError(field, "too-long", max=limit, length=len(value))
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise IceServerError(field, "ice-control-characters")
    return value


def _url(text: str) -> str:
    if len(text) > MAX_URL:
        raise IceServerError("urls", "too-long", max=MAX_URL, length=len(text))
    match = _URL.fullmatch(text)
    if match is None or (match["scheme"] == "stun" and match["transport"]):
        raise IceServerError("urls", "ice-url", value=text[:80])
    if match["port"] is not None and not 1 <= int(match["port"]) <= 65535:
        raise IceServerError("urls", "ice-url", value=text[:80])
    if internal_address(match["host"], resolve=False) is not None:
        raise IceServerError("urls", "ice-host-internal", value=text[:80])
    return text


def validated(
    urls_text: str,
    username: str,
    credential: str,
    stored: IceServers | None,
    *,
    shared_secret: bool = False,
) -> IceServers:
    """The servers an admin typed (one address a line), checked; an empty ``credential``
    keeps the stored one of the same kind. With ``shared_secret`` the credential is
    coturn's ``static-auth-secret`` (at least ``MIN_SECRET`` characters) and there is no
    user name. IceServerError names the first thing to put right."""
    if len(urls_text) > MAX_URLS * (MAX_URL + 2):
        raise IceServerError("urls", "too-long", max=MAX_URLS * MAX_URL, length=len(urls_text))
    parts = [part.strip() for part in re.split(r"[\n,]", urls_text) if part.strip()]
    if len(parts) > MAX_URLS:
        raise IceServerError("urls", "ice-too-many", max=MAX_URLS, length=len(parts))
    urls = tuple(dict.fromkeys(_url(part) for part in parts))
    username = "" if shared_secret else _line("username", username.strip(), MAX_USER)
    credential = _line("password", credential, MAX_CREDENTIAL)
    if not credential and stored is not None and stored.shared_secret == shared_secret:
        credential = stored.credential
    servers = IceServers(urls, username, credential, shared_secret)
    if not servers.has_turn:  # nothing to log in to: keep no password
        return IceServers(urls)
    if shared_secret and len(credential) < MIN_SECRET:
        raise IceServerError("password", "ice-turn-secret", min=MIN_SECRET)
    if not shared_secret and not (username and credential):
        raise IceServerError("username", "ice-turn-user")
    return servers


def outside_only(servers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``servers`` without the addresses whose host resolves to this machine or its link.
    The form refuses such literals only (no DNS on the admin's request), but the server's
    own peer resolves names itself: ``stun:vm`` (this node in /etc/hosts) would point it at
    the node's own services (attack note A3). Blocks on DNS: call it in a worker thread."""
    kept = []
    for server in servers:
        urls = []
        for url in server["urls"]:
            match = _URL.fullmatch(url)
            if match is None or internal_address(match["host"], resolve=True) is not None:
                log.warning("ICE server %s is this machine or its link: not used", url[:80])
            else:
                urls.append(url)
        if urls:
            kept.append({**server, "urls": urls})
    return kept
