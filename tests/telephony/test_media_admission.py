"""What an INVITE must not do to a running switch (issue 10 §2, §8): name its media by host
name (each 20 ms send would block the loop on DNS), exhaust the RTP port pool, or flood it
from one source. Each is answered at once with a status, and other callers get through."""

from __future__ import annotations

import asyncio
import socket
import time

import pytest

from tests.telephony.conftest import Running
from vaxel.sip.message import Response
from vaxel.sip.parser import parse_message

SDP = (
    "v=0\r\no=- 1 1 IN IP4 {ip}\r\ns=-\r\nc=IN IP4 {ip}\r\nt=0 0\r\n"
    "m=audio {port} RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n"
)


class Caller:
    """A bare SIP UA on a UDP socket at ``host`` (127.0.0.2 is "another source")."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((host, 0))
        self.sock.setblocking(False)
        self.port = self.sock.getsockname()[1]
        self.count = 0

    def invite(self, server: int, *, media_ip: str = "", number: str = "0812345000") -> str:
        self.count += 1
        body = SDP.format(ip=media_ip or self.host, port=40000 + 2 * self.count)
        call_id = f"adm-{self.host}-{self.port}-{self.count}"
        data = (
            f"INVITE sip:{number}@127.0.0.1 SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP {self.host}:{self.port};branch=z9hG4bKadm{self.count};rport\r\n"
            f"From: <sip:0701234567@{self.host}>;tag=adm{self.count}\r\n"
            f"To: <sip:{number}@127.0.0.1>\r\nCall-ID: {call_id}\r\n"
            f"CSeq: 1 INVITE\r\nMax-Forwards: 70\r\n"
            f"Contact: <sip:0701234567@{self.host}:{self.port}>\r\n"
            f"Content-Type: application/sdp\r\nContent-Length: {len(body)}\r\n\r\n{body}"
        ).encode()
        self.sock.sendto(data, ("127.0.0.1", server))
        return call_id

    async def final(self, call_id: str, timeout_s: float = 3.0) -> Response:
        """The final response to ``call_id`` (others are read and kept aside)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while True:
            reply = await asyncio.wait_for(
                loop.sock_recv(self.sock, 65535), max(0.01, deadline - loop.time())
            )
            message = parse_message(reply)
            if (
                isinstance(message, Response)
                and message.status >= 200
                and message.call_id == call_id
            ):
                return message

    def close(self) -> None:
        self.sock.close()


async def test_a_host_name_as_media_address_is_488_at_once(
    running: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    lookups: list[object] = []
    real = socket.getaddrinfo

    def counted(*args: object, **kwargs: object) -> object:
        lookups.append(args)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", counted)
    caller = Caller()
    started = time.monotonic()
    reply = await caller.final(caller.invite(running.port, media_ip="example.com"))
    assert reply.status == 488 and "IP address" in reply.reason
    assert time.monotonic() - started < 1.0
    assert running.service.switch.calls == {}  # no call, no media endpoint, nothing to send
    assert running.service.media.stats["sent"] == 0
    assert lookups == []
    caller.close()
