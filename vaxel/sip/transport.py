"""The asyncio side of SIP: UDP, TCP and TLS sockets, and one timer per sans-I/O machine.

The only module of ``vaxel.sip`` that does I/O. Datagrams and stream frames are parsed here
and handed to ``on_message``; a request that is malformed but addressable is answered 400
with the parser's reason (RFC 3261 §8.2.1 spirit), anything unparseable is counted and
dropped — one bad packet never disturbs anything else.

SIP over TLS (RFC 3261 §26.2, RFC 5630) is offered on its own port when a certificate is
configured, so phones outside the office need not send credentials in the clear (issue 10
§5). Växel only answers over TLS: requests to a TLS phone go over the connection the phone
keeps open (RFC 5626 spirit); it never dials out with TLS, having no client identity.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import ssl
from collections.abc import Callable
from typing import Protocol, cast

from vaxel.sip.errors import ParseError
from vaxel.sip.message import Request, Response, response_to
from vaxel.sip.parser import BadRequest, Limits, StreamParser, parse_message

__all__ = [
    "DEFAULT_UDP_BUFFER",
    "SipTransport",
    "Timed",
    "TimerDriver",
    "size_socket_buffers",
    "tls_server_context",
]

log = logging.getLogger(__name__)
Address = tuple[str, int]
OnMessage = Callable[[Request | Response, Address, str], None]

DEFAULT_UDP_BUFFER = 4 * 1024 * 1024
"""Bytes asked for the SIP UDP socket's receive and send buffers (issue 11, Benchmarks).

Linux's default (about 212 KB) holds some 300 INVITEs: a 30–120 ms pause of the loop at
1,000 calls/s overflows it and the kernel drops datagrams, which the phones then retransmit.
"""


def size_socket_buffers(sock: socket.socket, size: int) -> tuple[int, int]:
    """Ask for ``size``-byte receive and send buffers, best effort; returns what was obtained.

    SO_RCVBUFFORCE/SO_SNDBUFFORCE pass the kernel's net.core.rmem_max/wmem_max cap but need
    CAP_NET_ADMIN; without it SO_RCVBUF/SO_SNDBUF get at most the cap. Linux reports twice the
    size asked for (bookkeeping included); that is what is returned.
    """
    for forced, plain in (
        (getattr(socket, "SO_RCVBUFFORCE", None), socket.SO_RCVBUF),
        (getattr(socket, "SO_SNDBUFFORCE", None), socket.SO_SNDBUF),
    ):
        try:
            if forced is None:
                raise PermissionError
            sock.setsockopt(socket.SOL_SOCKET, forced, size)
        except OSError:
            try:
                sock.setsockopt(socket.SOL_SOCKET, plain, size)
            except OSError as error:
                log.warning("SIP UDP socket: buffer of %d bytes refused: %s", size, error)
    return (
        sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF),
        sock.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF),
    )


def tls_server_context(certfile: str, keyfile: str) -> ssl.SSLContext:
    """A server context for SIP over TLS: TLS 1.2 or later, the default (safe) ciphers.

    Raises OSError or ssl.SSLError when the files cannot be read or do not match.
    """
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(certfile, keyfile)
    return context


class SipTransport:
    """UDP and TCP listeners on one address, TLS optionally on another; ``send`` picks the
    socket by transport name."""

    def __init__(
        self,
        on_message: OnMessage,
        limits: Limits | None = None,
        *,
        udp_buffer: int = DEFAULT_UDP_BUFFER,
    ) -> None:
        self.on_message = on_message
        self.limits = limits or Limits()
        self.udp_buffer = udp_buffer
        """Bytes asked for the UDP socket's buffers; 0 keeps the kernel's default."""
        self.udp_buffers: tuple[int, int] | None = None
        """The (receive, send) buffer sizes the kernel granted, once listening."""
        self.stats = {"received": 0, "sent": 0, "parse_errors": 0, "dropped": 0}
        self.address: Address = ("127.0.0.1", 0)
        self._udp: asyncio.DatagramTransport | None = None
        self._tcp_server: asyncio.base_events.Server | None = None
        self._tls_server: asyncio.base_events.Server | None = None
        self.tls_address: Address | None = None
        self._streams: dict[Address, asyncio.Transport] = {}
        # Frames waiting for a TCP connect in progress: later sends join the queue, so a
        # burst opens one connection and arrives in order.
        self._connecting: dict[Address, list[bytes]] = {}

    async def start(self, host: str = "127.0.0.1", port: int = 5060, *, tcp: bool = True) -> None:
        """Listen on UDP and TCP at the same port; port 0 picks a port free for both."""
        loop = asyncio.get_running_loop()
        for _ in range(20 if port == 0 else 1):
            udp, _ = await loop.create_datagram_endpoint(
                lambda: _Datagrams(self), local_addr=(host, port)
            )
            self.address = udp.get_extra_info("sockname")[:2]
            self._size_buffers(udp)
            if not tcp:
                self._udp = udp
                return
            try:
                self._tcp_server = await loop.create_server(
                    lambda: _Stream(self), host, self.address[1]
                )
            except OSError:
                udp.close()
                if port != 0:
                    raise
                continue  # the UDP port's TCP twin is taken: try another pair
            self._udp = udp
            return
        raise OSError(f"no port on {host} free for both UDP and TCP")

    def _size_buffers(self, udp: asyncio.DatagramTransport) -> None:
        sock = udp.get_extra_info("socket")
        if sock is None:
            return
        if self.udp_buffer > 0:
            self.udp_buffers = size_socket_buffers(sock, self.udp_buffer)
        else:
            self.udp_buffers = (
                sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF),
                sock.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF),
            )
        log.info(
            "SIP UDP %s:%d: receive buffer %d bytes, send buffer %d bytes (asked %d)",
            *self.address,
            *self.udp_buffers,
            self.udp_buffer,
        )

    async def start_tls(
        self, context: ssl.SSLContext, host: str = "127.0.0.1", port: int = 0
    ) -> Address:
        """Listen for SIP over TLS (``sips:``, conventionally port 5061); returns where."""
        loop = asyncio.get_running_loop()
        self._tls_server = await loop.create_server(
            lambda: _Stream(self, "tls"), host, port, ssl=context
        )
        sockname = self._tls_server.sockets[0].getsockname()
        self.tls_address = (sockname[0], sockname[1])
        return self.tls_address

    def send(self, data: bytes, destination: Address, transport: str = "udp") -> None:
        if transport == "udp":
            if self._udp is not None:
                self._udp.sendto(data, destination)
                self.stats["sent"] += 1
            return
        stream = self._streams.get(destination)
        if stream is None or stream.is_closing():
            if transport == "tls":
                log.warning("SIP over TLS to %s: the connection is gone", destination)
                self.stats["dropped"] += 1
                return
            pending = self._connecting.get(destination)
            if pending is not None:
                pending.append(data)
                return
            self._connecting[destination] = [data]
            asyncio.get_running_loop().create_task(self._connect_and_send(destination))
            return
        stream.write(data)
        self.stats["sent"] += 1

    async def _connect_and_send(self, destination: Address) -> None:
        loop = asyncio.get_running_loop()
        try:
            transport, _ = await loop.create_connection(lambda: _Stream(self), *destination)
        except OSError as error:
            log.warning("SIP TCP connect to %s failed: %s", destination, error)
            self.stats["dropped"] += len(self._connecting.pop(destination, []))
            return
        for data in self._connecting.pop(destination, []):
            transport.write(data)
            self.stats["sent"] += 1

    async def close(self) -> None:
        if self._udp is not None:
            self._udp.close()
        for stream in list(self._streams.values()):
            stream.close()
        for server in (self._tcp_server, self._tls_server):
            if server is not None:
                server.close()
                await server.wait_closed()

    def _deliver(self, data: bytes, source: Address, transport: str) -> None:
        self.stats["received"] += 1
        try:
            message = parse_message(data, self.limits)
        except ParseError as error:
            self._reject(error, source, transport)
            return
        self._dispatch(message, source, transport)

    def _dispatch(self, message: Request | Response, source: Address, transport: str) -> None:
        try:
            self.on_message(message, source, transport)
        except Exception:  # one bad message must not stop the listener
            log.exception("SIP message from %s could not be handled", source)

    def _reject(self, error: ParseError, source: Address, transport: str) -> None:
        self.stats["parse_errors"] += 1
        if isinstance(error, BadRequest) and error.request.method != "ACK":
            reply = response_to(error.request, error.status, error.reason)
            self.send(reply.to_bytes(), source, transport)
        else:
            self.stats["dropped"] += 1


class _Datagrams(asyncio.DatagramProtocol):
    def __init__(self, owner: SipTransport) -> None:
        self.owner = owner

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        if data.strip(b"\r\n") == b"":
            return  # CRLF keep-alive (RFC 5626 §3.5.1)
        self.owner._deliver(data, (addr[0], addr[1]), "udp")


class _Stream(asyncio.Protocol):
    def __init__(self, owner: SipTransport, kind: str = "tcp") -> None:
        self.owner = owner
        self.kind = kind
        self.parser = StreamParser(owner.limits)
        self.peer: Address = ("", 0)
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # No isinstance check: uvloop's TCPTransport, which production always runs on, does
        # not subclass asyncio.Transport though it has its methods (issue 10 §6).
        self.transport = cast(asyncio.Transport, transport)
        peer = transport.get_extra_info("peername")
        self.peer = (peer[0], peer[1])
        self.owner._streams[self.peer] = self.transport

    def data_received(self, data: bytes) -> None:
        self.owner.stats["received"] += 1
        try:
            messages = self.parser.feed(data)
        except ParseError as error:
            self.owner._reject(error, self.peer, self.kind)
            if self.transport is not None:
                self.transport.close()  # framing is lost: nothing after this can be trusted
            return
        for message in messages:
            self.owner._dispatch(message, self.peer, self.kind)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.owner._streams.get(self.peer) is self.transport:
            del self.owner._streams[self.peer]


class Timed(Protocol):
    """A sans-I/O machine with deadlines (aioquic's ``get_timer``/``handle_timer`` shape)."""

    def next_deadline(self) -> float | None: ...


class TimerDriver:
    """Keeps one ``loop.call_at`` armed for a machine's next deadline.

    ``fire(now)`` runs the machine's timers, ``now`` never before the deadline armed for;
    call :meth:`rearm` after every interaction. Time is the loop's monotonic clock unless a
    ``clock`` is given: the calls' deadlines are on the platform's clock (the ACD's and the
    flows' ``now``, which tests set), so they are turned into a delay when armed.
    """

    def __init__(
        self,
        machine: Timed,
        fire: Callable[[float], None],
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.machine = machine
        self.fire = fire
        self.clock = clock
        self._handle: asyncio.TimerHandle | None = None
        self._armed_for: float | None = None

    def rearm(self) -> None:
        deadline = self.machine.next_deadline()
        if deadline == self._armed_for:
            return
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        self._armed_for = deadline
        if deadline is None:
            return
        loop = asyncio.get_running_loop()
        if self.clock is None:
            self._handle = loop.call_at(deadline, self._run)
        else:
            self._handle = loop.call_later(max(0.0, deadline - self.clock()), self._run)

    def _run(self) -> None:
        due = self._armed_for
        self._handle = None
        self._armed_for = None
        # uvloop's clock counts whole milliseconds, so this may run while loop.time() still
        # reads a little before the deadline; the deadline has come all the same.
        now = asyncio.get_running_loop().time() if self.clock is None else self.clock()
        try:
            self.fire(now if due is None else max(now, due))
        finally:
            self.rearm()

    def cancel(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
        self._handle = None
        self._armed_for = None
