"""What the SIP transaction layer (:mod:`vaxel.sip.transaction`) hands its user: frozen
events, one per thing that happened (RFC 3261 §17), and the keys that name a transaction."""

from __future__ import annotations

from dataclasses import dataclass

from vaxel.sip.message import Request, Response

__all__ = [
    "AckReceived",
    "Address",
    "CancelReceived",
    "ClientKey",
    "Event",
    "RequestReceived",
    "ResponseReceived",
    "ServerKey",
    "TransactionTimeout",
    "Transmit",
]


Address = tuple[str, int]
ServerKey = tuple[str, str, str]
ClientKey = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Transmit:
    data: bytes
    destination: Address
    transport: str


@dataclass(frozen=True, slots=True)
class RequestReceived:
    request: Request
    server_key: ServerKey
    source: Address
    transport: str


@dataclass(frozen=True, slots=True)
class ResponseReceived:
    response: Response
    client_key: ClientKey


@dataclass(frozen=True, slots=True)
class TransactionTimeout:
    """Timer B or F fired: no final response came (the TU acts as if 408 arrived)."""

    client_key: ClientKey
    request: Request


@dataclass(frozen=True, slots=True)
class AckReceived:
    """An ACK no transaction absorbed: the ACK to a 2xx, for the dialog layer (§13.3.1.4)."""

    request: Request
    source: Address
    transport: str


@dataclass(frozen=True, slots=True)
class CancelReceived:
    """A CANCEL arrived; ``invite_key`` is the INVITE it cancels (None: nothing matched)."""

    request: Request
    invite_key: ServerKey | None
    source: Address


Event = (
    Transmit
    | RequestReceived
    | ResponseReceived
    | TransactionTimeout
    | AckReceived
    | CancelReceived
)
