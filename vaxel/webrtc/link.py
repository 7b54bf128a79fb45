"""How a browser phone becomes a device of its person (issue 15 §1): a registrar binding of
the person's extension, added through the switch's own registrar.

Why a binding and not a REGISTER with digest over 127.0.0.1: the browser phone runs in the
same process as the switch, and the signed-in session already proved whose it is; giving
the adapter the extension's SIP password to answer its own challenge would prove nothing
more and would count as failures in the auth throttle when a password changes. A binding is
exactly what a REGISTER would leave behind (RFC 3261 §10.3): the switch then rings the
browser in parallel with the desk phone, and queues offer calls to it, with no change to
the switch. The extension must be the same tenant's as the signed-in account.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Protocol

from vaxel.sip.message import Headers, Request
from vaxel.telephony.directory import Extension
from vaxel.telephony.registrar import BROWSER_PHONE
from vaxel.telephony.registration import Registration

__all__ = ["BIND_S", "RegistrarLink", "SwitchLink"]

BIND_S = 3600
"""How long a binding lives before the phone renews it (the registrar's maximum)."""
Address = tuple[str, int]


class SwitchLink(Protocol):
    """What a browser phone needs of the switch."""

    host: str
    """The switch's SIP/RTP host: the browser phone's UDP sockets are bound there."""

    @property
    def switch_address(self) -> Address:
        """Where the switch takes SIP: a call dialled in the page is INVITEd there."""
        ...

    @property
    def dials_as_phone(self) -> bool:
        """Whether the switch challenges an INVITE from ``host`` (so a dialled call is the
        extension's, under its class of service); False when that address is node-wide
        trusted (``sip_trusted``): the call would be taken as a carrier's."""
        ...

    def line(self, tenant_id: str, username: str) -> Extension | None:
        """The extension calls to this account ring, or None when it has none."""
        ...

    def bind(self, extension: Extension, contact: str, source: Address, expires: int) -> None:
        """Add (``expires`` > 0), renew or remove (0) the browser phone's binding."""
        ...


class RegistrarLink:
    """A :class:`SwitchLink` over the telephony service's registrar; ``extension_of`` (from
    the composition root) says which extension number an account's person has."""

    def __init__(
        self,
        registration: Registration,
        host: str,
        extension_of: Callable[[str, str], str | None],
    ) -> None:
        self.registration = registration
        self.host = "127.0.0.1" if host in ("", "0.0.0.0", "::") else host
        self._extension_of = extension_of
        self._call_id = f"{secrets.token_hex(8)}{BROWSER_PHONE}"  # told from desk phones
        self._cseq = 0

    @property
    def switch_address(self) -> Address:
        return (self.host, self.registration.sip.port)

    @property
    def dials_as_phone(self) -> bool:
        return self.host not in self.registration.directory.trusted_sources

    def line(self, tenant_id: str, username: str) -> Extension | None:
        number = self._extension_of(tenant_id, username)
        if not number:
            return None
        extension = self.registration.directory.extensions.get(number)
        if extension is None or extension.tenant_id != tenant_id:
            return None  # another tenant's number is never a device of this account
        return extension

    def bind(self, extension: Extension, contact: str, source: Address, expires: int) -> None:
        self._cseq += 1
        aor = self.registration.aor(extension)
        request = Request(
            headers=Headers(
                [
                    ("To", f"<sip:{extension.extension}@{self.host}>"),
                    ("From", f"<sip:{extension.extension}@{self.host}>;tag=webbtelefon"),
                    ("Call-ID", self._call_id),
                    ("CSeq", f"{self._cseq} REGISTER"),
                    ("Contact", f"<{contact}>"),
                    ("Expires", str(expires)),
                ]
            ),
            method="REGISTER",
            uri=f"sip:{self.host}",
        )
        # the line is the switch's own leg: never taken as a trunk's INVITE (issue 14 §2)
        internal = self.registration.directory.internal_sources
        (internal.add if expires > 0 else internal.discard)(source)
        self.registration.registrar.update(aor, request, source, "udp", self.registration.clock())
