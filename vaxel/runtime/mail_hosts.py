"""Whether a tenant's mail server is this machine or its link (issue 14 §5, PBX4; task R2).

A tenant admin chooses the host voicemail e-mails and the test mail go to. Pointed at
127.0.0.1:5432, the link-local metadata service or ``localhost``, the node would connect
to its own services on the tenant's behalf and the test mail's refusal would carry their
banner back (SSRF). ``vaxel.runtime.mail_servers`` refuses such a host when saved and
before each test mail, the mailer before each e-mail (names are resolved then: one that
pointed elsewhere when saved may point here now).

Resolved once: before an e-mail or a test mail the name is resolved one time
(:func:`pinned_address`), every address it gives is checked, and the connection goes to
the address checked — never to a second lookup, which a name with a zero TTL could answer
with 127.0.0.1 (DNS rebinding). TLS still verifies the certificate against the name.
"""

from __future__ import annotations

import ipaddress
import socket

__all__ = ["InternalHost", "internal_address", "pinned_address"]

_NUMERIC = socket.AI_NUMERICHOST


def _internal(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return (
        address.is_loopback
        or address.is_link_local
        or address.is_unspecified
        or address.is_multicast
        or address.is_reserved
        or (address.version == 4 and int(address) >> 24 == 0)  # 0/8: "this host" on Linux
    )


class InternalHost(ValueError):
    """A host that resolved to this machine or its link (``address``)."""

    def __init__(self, host: str, address: str) -> None:
        super().__init__(f"{host[:80]} is {address}: this machine or its link")
        self.address = address


def pinned_address(host: str, port: int, *, internal_allowed: bool = False) -> str:
    """The one address to connect to for ``host``: resolved once here, every address it
    gives checked (InternalHost when one is this machine or its link, unless
    ``internal_allowed``); OSError when it does not resolve (blocks on DNS)."""
    name = host.strip().strip("[]").rstrip(".")
    lowered = name.lower()
    if not internal_allowed and (lowered == "localhost" or lowered.endswith(".localhost")):
        raise InternalHost(host, lowered)
    try:
        found = socket.getaddrinfo(name, port, type=socket.SOCK_STREAM)
    except UnicodeError as error:
        raise OSError(f"{host[:80]} does not resolve: {error}") from None
    addresses = [str(sockaddr[0]).split("%")[0] for *_, sockaddr in found]
    if not addresses:
        raise OSError(f"{host[:80]} does not resolve")
    for text in addresses if not internal_allowed else ():
        if _internal(ipaddress.ip_address(text)):
            raise InternalHost(host, text)
    return addresses[0]


def internal_address(host: str, *, resolve: bool) -> str | None:
    """The address of this machine or its link that ``host`` is (a literal, ``localhost``)
    or, with ``resolve``, resolves to (blocks on DNS); None when it names none."""
    name = host.strip().strip("[]").rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return name
    try:  # a literal in any form the resolver reads (127.1, 0x7f.1, 2130706433), no DNS
        found = socket.getaddrinfo(name, None, type=socket.SOCK_STREAM, flags=_NUMERIC)
    except (OSError, UnicodeError):
        if not resolve:
            return None
        try:
            found = socket.getaddrinfo(name, None, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError):
            return None  # it does not resolve: connecting says so
    for *_, sockaddr in found:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        if _internal(address):
            return str(address)
    return None
