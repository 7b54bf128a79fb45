"""The SIP side of the B2BUA: transport + transaction layer + identity, on asyncio.

Builds our requests (Via with a fresh branch and rport, tags, Call-IDs), sends responses
through their server transactions, keeps one timer armed for the transaction layer and
hands every transaction event to the handler (the switch). Time for SIP timers is the
loop's monotonic clock.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import ssl
from collections.abc import Callable

from vaxel.sip.auth import quote
from vaxel.sip.extensions import ACCEPTED_BODIES, unsupported_body, unsupported_requirements
from vaxel.sip.message import Headers, Request, Response, response_to
from vaxel.sip.transaction import Event, RequestReceived, TransactionLayer, Transmit
from vaxel.sip.transport import DEFAULT_UDP_BUFFER, SipTransport, TimerDriver

__all__ = ["SipEndpoint"]

log = logging.getLogger(__name__)
Address = tuple[str, int]
ALLOW = "INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, REFER, NOTIFY, INFO, SUBSCRIBE"


class SipEndpoint:
    def __init__(
        self,
        handler: Callable[[Event], None],
        *,
        host: str = "127.0.0.1",
        port: int = 5060,
        user_agent: str = "Vaxel/0.1",
        tls: ssl.SSLContext | None = None,
        tls_port: int = 5061,
        udp_buffer: int = DEFAULT_UDP_BUFFER,
    ) -> None:
        self.handler = handler
        self.host = host
        self.port = port
        self.tls = tls
        """SIP over TLS on ``tls_port`` when given (issue 10 §5)."""
        self.tls_port = tls_port
        self.user_agent = user_agent
        self.layer = TransactionLayer()
        self.transport = SipTransport(self._received, udp_buffer=udp_buffer)
        self.timer = TimerDriver(self.layer, self._fire)

    async def start(self) -> None:
        await self.transport.start(self.host, self.port)
        self.port = self.transport.address[1]
        if self.tls is not None:
            address = await self.transport.start_tls(self.tls, self.host, self.tls_port)
            self.tls_port = address[1]

    async def close(self) -> None:
        self.timer.cancel()
        await self.transport.close()

    @property
    def now(self) -> float:
        return asyncio.get_running_loop().time()

    # -- identity ---------------------------------------------------------------------------

    @staticmethod
    def token(length: int = 10) -> str:
        return secrets.token_hex(length // 2 + 1)[:length]

    def via(self, transport: str = "udp") -> str:
        branch = f"z9hG4bK{self.token(16)}"
        return f"SIP/2.0/{transport.upper()} {self.host}:{self.port};branch={branch};rport"

    @property
    def contact(self) -> str:
        return f"sip:vaxel@{self.host}:{self.port}"

    def new_request(
        self,
        method: str,
        uri: str,
        *,
        from_user: str,
        from_name: str = "",
        to_uri: str | None = None,
        body: bytes = b"",
        extra: tuple[tuple[str, str], ...] = (),
    ) -> Request:
        shown = "".join(c for c in from_name if c >= " ")  # no line breaks, no NUL
        display = f"{quote(shown)} " if shown else ""  # a " in a name stays in the name
        headers = Headers(
            [
                ("Via", self.via()),
                ("Max-Forwards", "70"),
                ("From", f"{display}<sip:{from_user}@{self.host}>;tag={self.token()}"),
                ("To", f"<{to_uri or uri}>"),
                ("Call-ID", f"{self.token(20)}@{self.host}"),
                ("CSeq", f"1 {method}"),
                ("Contact", f"<{self.contact}>"),
                ("User-Agent", self.user_agent),
            ]
        )
        for name, value in extra:
            headers.add(name, value)
        if body:
            headers.add("Content-Type", "application/sdp")
        return Request(headers=headers, body=body, method=method, uri=uri)

    # -- sending ----------------------------------------------------------------------------

    def respond(
        self,
        server_key: tuple[str, str, str],
        request: Request,
        status: int,
        reason: str,
        *,
        to_tag: str | None = None,
        body: bytes = b"",
        extra: tuple[tuple[str, str], ...] = (),
    ) -> Response:
        if to_tag is None and status > 100:
            to_tag = self.token()  # every final/provisional but 100 carries a To tag (§8.2.6.2)
        response = response_to(request, status, reason, to_tag=to_tag)
        if 100 < status < 300 and request.method in ("INVITE", "SUBSCRIBE", "REFER"):
            response.headers.add("Contact", f"<{self.contact}>")
        response.headers.add("Server", self.user_agent)
        for name, value in extra:
            response.headers.add(name, value)
        if body:
            response.headers.add("Content-Type", "application/sdp")
            response.body = body
        try:
            self._carry_out(self.layer.send_response(server_key, response, self.now))
        except Exception as error:  # the transaction ended (e.g. CANCEL won the race)
            log.debug("response %s not sent: %s", status, error)
        return response

    def request(
        self, request: Request, destination: Address, transport: str = "udp"
    ) -> tuple[str, str]:
        key, effects = self.layer.send_request(request, destination, transport, self.now)
        self._carry_out(effects)
        return key

    def send_raw(self, data: bytes, destination: Address, transport: str = "udp") -> None:
        """Bytes outside any transaction: ACK to a 2xx and the UAS's 2xx retransmissions."""
        self.transport.send(data, destination, transport)

    # -- receiving --------------------------------------------------------------------------

    def _received(self, message: Request | Response, source: Address, transport: str) -> None:
        self._carry_out(self.layer.receive(message, source, transport, self.now))

    def _fire(self, now: float) -> None:
        self._carry_out(self.layer.on_timer(now))

    def _carry_out(self, events: list[Event]) -> None:
        for event in events:
            if isinstance(event, Transmit):
                self.transport.send(event.data, event.destination, event.transport)
            elif isinstance(event, RequestReceived) and (
                unknown := unsupported_requirements(event.request)
            ):  # §8.2.2.3: refused before anyone acts on it
                unsupported = (("Unsupported", ", ".join(unknown)),)
                self.respond(
                    event.server_key, event.request, 420, "Bad Extension", extra=unsupported
                )
            elif isinstance(event, RequestReceived) and unsupported_body(event.request):
                accept = (("Accept", ACCEPTED_BODIES),)
                self.respond(
                    event.server_key, event.request, 415, "Unsupported Media Type", extra=accept
                )
            else:
                try:
                    self.handler(event)
                except Exception:
                    log.exception("SIP event %s could not be handled", type(event).__name__)
        self.timer.rearm()
