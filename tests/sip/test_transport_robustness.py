"""The asyncio SIP transport on 127.0.0.1 under abuse, and its one-timer driver.

The malformed corpus (tests/sip/corpus) is fired at a live UDP socket: every addressable
request is answered 400 with its reason, the rest is dropped silently, and a good request
right behind still arrives. ACKs and responses are never answered (RFC 3261 §17.1.1.3,
§18.1.2). Over TCP the reply goes back on the caller's connection, outgoing connections
are reused, and a frame that cannot be trusted closes the connection.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from pathlib import Path

import yaml

from vaxel.sip.message import Request, Response, response_to
from vaxel.sip.parser import parse_message
from vaxel.sip.transport import SipTransport, TimerDriver

CORPUS = Path(__file__).parent / "corpus"
INDEX = yaml.safe_load((CORPUS / "index.yaml").read_text(encoding="utf-8"))
Delivered = list[tuple[Request | Response, tuple[str, int], str]]


def options(call_id: str = "rob-1", method: str = "OPTIONS") -> bytes:
    return (
        f"OPTIONS sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK{call_id}\r\n"
        f"From: <sip:a@b>;tag=1\r\nTo: <sip:b@c>\r\nCall-ID: {call_id}\r\n"
        f"CSeq: 1 {method}\r\nContent-Length: 0\r\n\r\n"
    ).encode()


async def started(
    handler: Callable[[Request | Response, tuple[str, int], str], None] | None = None,
) -> tuple[SipTransport, Delivered]:
    delivered: Delivered = []

    def on_message(message: Request | Response, source: tuple[str, int], kind: str) -> None:
        delivered.append((message, source, kind))
        if handler is not None:
            handler(message, source, kind)

    transport = SipTransport(on_message)
    await transport.start("127.0.0.1", 0)
    return transport, delivered


async def until(condition: Callable[[], bool], seconds: float = 2.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + seconds
    while not condition():
        assert loop.time() < end, "timed out waiting"
        await asyncio.sleep(0.01)


def udp_peer() -> socket.socket:
    peer = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    peer.bind(("127.0.0.1", 0))
    peer.setblocking(False)
    return peer


async def replies(peer: socket.socket, quiet: float = 0.2) -> list[tuple[int, str]]:
    """(status, reason) of every datagram reaching ``peer`` until it is quiet for ``quiet`` s.

    Read from the status line only: a 400 copies the request's CSeq (§8.2.6.2), and when
    that CSeq was the problem our own parser would refuse the answer.
    """
    loop = asyncio.get_running_loop()
    got: list[tuple[int, str]] = []
    while True:
        try:
            data = await asyncio.wait_for(loop.sock_recv(peer, 65535), quiet)
        except TimeoutError:
            return got
        version, status, reason = data.split(b"\r\n", 1)[0].decode().split(" ", 2)
        assert version == "SIP/2.0"
        got.append((int(status), reason))


async def test_the_whole_malformed_corpus_then_a_good_request() -> None:
    transport, delivered = await started()
    peer = udp_peer()
    names = sorted(INDEX)
    for name in names:
        peer.sendto((CORPUS / f"{name}.sip").read_bytes(), transport.address)
    peer.sendto(options(), transport.address)
    await until(lambda: len(delivered) == 1)
    answers = await replies(peer)
    answered = [INDEX[name] for name in names if INDEX[name]["answered_400"]]
    expected = [case["reason"] for case in answered]
    assert [status for status, _ in answers] == [case.get("status", 400) for case in answered]
    for reason, (_, phrase) in zip(expected, answers, strict=True):
        assert reason in phrase
    assert [(m.call_id, kind) for m, _, kind in delivered] == [("rob-1", "udp")]
    assert transport.stats["parse_errors"] == len(names)
    assert transport.stats["dropped"] == len(names) - len(expected)
    await transport.close()
    peer.close()


async def test_keep_alives_bad_acks_and_bad_responses_get_no_answer() -> None:
    transport, delivered = await started()
    peer = udp_peer()
    peer.sendto(b"\r\n\r\n", transport.address)  # a CRLF keep-alive (RFC 5626 §3.5.1)
    peer.sendto(options("ack-1", "INVITE").replace(b"OPTIONS sip", b"ACK sip"), transport.address)
    peer.sendto(b"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:9\r\n\r\n", transport.address)
    peer.sendto(options(), transport.address)
    await until(lambda: len(delivered) == 1)
    assert await replies(peer) == []  # nobody answers an ACK or a response (§17.1.1.3)
    assert transport.stats["parse_errors"] == 2 and transport.stats["dropped"] == 2
    await transport.close()
    peer.close()


async def test_a_handler_that_raises_does_not_stop_the_listener() -> None:
    def handler(message: Request | Response, source: tuple[str, int], kind: str) -> None:
        if message.call_id == "boom":
            raise RuntimeError("the TU fell over")

    transport, delivered = await started(handler)
    peer = udp_peer()
    peer.sendto(options("boom"), transport.address)
    peer.sendto(options("fine"), transport.address)
    await until(lambda: len(delivered) == 2)
    assert [m.call_id for m, _, _ in delivered] == ["boom", "fine"]
    assert delivered[1][1] == peer.getsockname()  # the source is the datagram's sender
    await transport.close()
    peer.close()


async def test_udp_send_reaches_the_peer_and_is_counted() -> None:
    transport, _ = await started()
    peer = udp_peer()
    transport.send(options("out"), peer.getsockname(), "udp")
    data = await asyncio.wait_for(asyncio.get_running_loop().sock_recv(peer, 65535), 2)
    assert parse_message(data).call_id == "out" and transport.stats["sent"] == 1
    await transport.close()
    peer.close()


async def test_over_tcp_the_reply_goes_back_on_the_callers_connection() -> None:
    transport: SipTransport | None = None

    def answer(message: Request | Response, source: tuple[str, int], kind: str) -> None:
        assert isinstance(message, Request) and transport is not None
        transport.send(response_to(message, 200, "OK").to_bytes(), source, kind)

    transport, delivered = await started(answer)
    reader, writer = await asyncio.open_connection(*transport.address)
    writer.write(options("tcp-1"))
    await writer.drain()
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 2)
    assert head.startswith(b"SIP/2.0 200 OK") and b"Call-ID: tcp-1" in head
    assert delivered[0][1] == writer.get_extra_info("sockname")[:2]
    writer.close()
    await transport.close()


async def test_over_tcp_a_bad_framed_request_gets_400_and_the_connection_closes() -> None:
    transport, delivered = await started()
    reader, writer = await asyncio.open_connection(*transport.address)
    writer.write(options("bad", "INVITE"))  # CSeq method ≠ request method
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(65535), 2)
    reply = parse_message(answer)
    assert isinstance(reply, Response) and reply.status == 400
    assert await asyncio.wait_for(reader.read(1), 2) == b""  # closed: framing not trusted
    assert delivered == []
    writer.close()
    await transport.close()


async def test_over_tcp_a_frame_without_content_length_is_dropped_with_the_connection() -> None:
    transport, delivered = await started()
    reader, writer = await asyncio.open_connection(*transport.address)
    writer.write(options("nolen").replace(b"Content-Length: 0\r\n", b""))
    await writer.drain()
    assert await asyncio.wait_for(reader.read(65535), 2) == b""
    assert delivered == [] and transport.stats["dropped"] == 1
    writer.close()
    await transport.close()


async def listener() -> tuple[asyncio.Server, list[bytes], list[int]]:
    """A plain TCP server counting connections and collecting what arrives."""
    received: list[bytes] = []
    connections: list[int] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(1)
        while data := await reader.read(65535):
            received.append(data)
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    return server, received, connections


async def test_outgoing_tcp_connections_are_reused_per_destination() -> None:
    server, received, connections = await listener()
    destination = server.sockets[0].getsockname()[:2]
    transport, _ = await started()
    transport.send(options("first"), destination, "tcp")
    await until(lambda: b"first" in b"".join(received))
    transport.send(options("second"), destination, "tcp")
    await until(lambda: b"second" in b"".join(received))
    assert len(connections) == 1 and transport.stats["sent"] == 2
    await transport.close()
    server.close()
    await server.wait_closed()


async def test_sends_while_connecting_share_one_connection_in_order() -> None:
    server, received, connections = await listener()
    destination = server.sockets[0].getsockname()[:2]
    transport, _ = await started()
    for n in range(3):
        transport.send(options(f"burst{n}"), destination, "tcp")
    await until(lambda: b"".join(received).count(b"Call-ID: burst") == 3)
    stream = b"".join(received)
    assert len(connections) == 1
    assert stream.index(b"burst0") < stream.index(b"burst1") < stream.index(b"burst2")
    await transport.close()
    server.close()
    await server.wait_closed()


async def test_close_frees_the_port() -> None:
    transport, _ = await started()
    port = transport.address[1]
    await transport.close()
    await asyncio.sleep(0.01)  # the UDP socket is released on the loop's next turn
    again = SipTransport(lambda message, source, kind: None)
    await again.start("127.0.0.1", port)
    assert again.address == ("127.0.0.1", port)
    await again.close()


async def test_the_port_is_free_as_soon_as_close_returns() -> None:
    # uvloop (production's loop, and the suite's since issue 10 §6) releases the UDP socket
    # within close(); the standard loop only on its next turn.
    transport, _ = await started()
    port = transport.address[1]
    await transport.close()
    again = SipTransport(lambda message, source, kind: None)
    await again.start("127.0.0.1", port, tcp=False)
    await again.close()


# -- TimerDriver ---------------------------------------------------------------------------


class Machine:
    def __init__(self) -> None:
        self.deadlines: list[float] = []

    def next_deadline(self) -> float | None:
        return min(self.deadlines) if self.deadlines else None


async def test_the_driver_moves_its_one_timer_to_an_earlier_deadline() -> None:
    loop = asyncio.get_running_loop()
    machine = Machine()
    fired: list[float] = []

    def fire(now: float) -> None:
        fired.append(now)
        machine.deadlines = [d for d in machine.deadlines if d > now]

    driver = TimerDriver(machine, fire)
    late, early = loop.time() + 0.3, loop.time() + 0.05
    machine.deadlines = [late]
    driver.rearm()
    machine.deadlines.append(early)
    driver.rearm()  # the later call_at is replaced by the earlier one
    await asyncio.sleep(0.15)
    assert len(fired) == 1 and early <= fired[0] < late
    await asyncio.sleep(0.25)  # after firing the driver re-armed itself for the later one
    assert len(fired) == 2 and fired[1] >= late
    assert machine.next_deadline() is None


async def test_a_cancelled_driver_fires_nothing() -> None:
    loop = asyncio.get_running_loop()
    machine = Machine()
    fired: list[float] = []
    driver = TimerDriver(machine, fired.append)
    machine.deadlines = [loop.time() + 0.03]
    driver.rearm()
    driver.cancel()
    await asyncio.sleep(0.08)
    assert fired == []


async def test_the_driver_fires_each_deadline_once_and_never_before_it() -> None:
    """uvloop's clock counts whole milliseconds, so its call_at may run a timer while
    ``loop.time()`` still reads just before the deadline; the driver must not pass that
    earlier time on (the machine would find nothing due, and the driver would re-arm for
    the same deadline and spin until the clock moved — 183 calls in one test run; issue 10
    §6)."""
    loop = asyncio.get_running_loop()
    machine = Machine()
    fired: list[tuple[float, float]] = []

    def fire(now: float) -> None:
        due = machine.next_deadline()
        assert due is not None
        fired.append((now, due))
        machine.deadlines = [d for d in machine.deadlines if d > now]

    driver = TimerDriver(machine, fire)
    start = loop.time()
    machine.deadlines = [start + 0.0103 + n * 0.0071 for n in range(20)]
    driver.rearm()
    await asyncio.sleep(0.2)
    assert machine.deadlines == []
    assert 1 <= len(fired) <= 20  # one call per deadline, or fewer when the loop ran late
    assert all(now >= due for now, due in fired)  # never called with nothing due
