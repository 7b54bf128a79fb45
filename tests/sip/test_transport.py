"""The asyncio transport on 127.0.0.1: garbage is dropped, addressable bad requests get 400
with a reason, nothing else is disturbed; TCP frames by Content-Length."""

from __future__ import annotations

import asyncio
import socket

from vaxel.sip.message import Request, Response, response_to
from vaxel.sip.parser import parse_message
from vaxel.sip.transport import SipTransport, TimerDriver

OPTIONS = (
    b"OPTIONS sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKt1\r\n"
    b"From: <sip:a@b>;tag=1\r\nTo: <sip:b@c>\r\nCall-ID: t1\r\nCSeq: 1 OPTIONS\r\n"
    b"Content-Length: 0\r\n\r\n"
)


async def started() -> tuple[SipTransport, list[tuple[Request | Response, str]]]:
    received: list[tuple[Request | Response, str]] = []
    transport = SipTransport(lambda message, source, kind: received.append((message, kind)))
    await transport.start("127.0.0.1", 0)
    return transport, received


async def test_garbage_and_bad_requests_do_not_disturb_good_ones() -> None:
    transport, received = await started()
    peer = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    peer.bind(("127.0.0.1", 0))
    peer.setblocking(False)
    peer.sendto(b"\x00\xffnot sip at all", transport.address)
    peer.sendto(b"INVITE sip:x@y SIP/2.0\r\n" + b"X: " + b"y" * 60_000, transport.address)
    peer.sendto(OPTIONS.replace(b"1 OPTIONS", b"1 INVITE"), transport.address)
    data = await asyncio.wait_for(asyncio.get_running_loop().sock_recv(peer, 65535), 2)
    reply = parse_message(data)
    assert isinstance(reply, Response) and reply.status == 400
    assert reply.reason == "Bad CSeq: method does not match request"
    peer.sendto(OPTIONS, transport.address)
    for _ in range(40):
        if received:
            break
        await asyncio.sleep(0.05)
    assert [(m.method, kind) for m, kind in received if isinstance(m, Request)] == [
        ("OPTIONS", "udp")
    ]
    assert transport.stats["parse_errors"] == 3 and transport.stats["dropped"] == 2
    await transport.close()


async def test_tcp_frames_two_messages_in_one_segment_and_one_split_in_three() -> None:
    transport, received = await started()
    _reader, writer = await asyncio.open_connection(*transport.address)
    writer.write(OPTIONS + OPTIONS.replace(b"t1", b"t2"))
    third = OPTIONS.replace(b"t1", b"t3")
    for part in (third[:7], third[7:100], third[100:]):
        writer.write(part)
        await writer.drain()
        await asyncio.sleep(0.02)
    for _ in range(40):
        if len(received) == 3:
            break
        await asyncio.sleep(0.05)
    assert [m.call_id for m, _ in received] == ["t1", "t2", "t3"]
    assert {kind for _, kind in received} == {"tcp"}
    writer.close()
    await transport.close()


async def test_the_timer_driver_keeps_one_timer_for_the_next_deadline() -> None:
    loop = asyncio.get_running_loop()
    fired: list[float] = []

    class Machine:
        deadline: float | None = loop.time() + 0.05  # one deadline, then none

        def next_deadline(self) -> float | None:
            return self.deadline

    machine = Machine()

    def fire(now: float) -> None:
        fired.append(now)
        machine.deadline = None

    driver = TimerDriver(machine, fire)
    driver.rearm()
    driver.rearm()  # re-arming for the same deadline keeps the one timer
    await asyncio.sleep(0.12)
    assert len(fired) == 1


async def test_the_suite_runs_on_uvloop_as_production_does() -> None:
    import uvloop

    assert isinstance(asyncio.get_running_loop(), uvloop.Loop)


async def test_a_request_over_tcp_is_answered_over_the_same_connection() -> None:
    """Under uvloop (issue 10 §6) a stream's transport is not an ``asyncio.Transport``
    subclass; the connection must be taken all the same, and the reply written to it."""
    answered: list[str] = []

    def on_message(message: Request | Response, source: tuple[str, int], kind: str) -> None:
        assert isinstance(message, Request)
        reply = response_to(message, 200, "OK")
        transport.send(reply.to_bytes(), source, kind)
        answered.append(kind)

    transport = SipTransport(on_message)
    await transport.start("127.0.0.1", 0)
    reader, writer = await asyncio.open_connection(*transport.address)
    writer.write(OPTIONS)
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 3)
    reply = parse_message(head)
    assert isinstance(reply, Response) and reply.status == 200 and answered == ["tcp"]
    writer.close()
    await transport.close()
