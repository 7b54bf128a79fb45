"""What an INVITE must not do to a running switch (issue 10 §2, §8): name its media by host
name (each 20 ms send would block the loop on DNS), exhaust the RTP port pool, or flood it
from one source. Each is answered at once with a status, and other callers get through."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from tests.telephony.conftest import Running, directory
from vaxel.demo import seed_demo_tenant
from vaxel.runtime import ContactCenter
from vaxel.sip.message import Response
from vaxel.sip.parser import parse_message
from vaxel.store import open_database, upgrade
from vaxel.telephony.service import TelephonyService

OTHER_SOURCE = "127.0.0.2"  # still loopback: "another host" for a per-source limit
PROBE_SOURCE = "127.0.0.3"  # a phone's keep-alives during a flood

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
        self.tags: dict[str, str] = {}
        self.media: list[socket.socket] = []

    def media_port(self) -> int:
        """A port of our own for the call's RTP: a made-up one (40000 + 2n) may be another
        test's SIP socket, which then reads our prompt as SIP (a ParseError under load)."""
        rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        rtp.bind((self.host, 0))
        self.media.append(rtp)
        return int(rtp.getsockname()[1])

    def invite(
        self,
        server: int,
        *,
        media_ip: str = "",
        number: str = "0812345000",
        media_port: int = 0,
        authorization: str = "",
    ) -> str:
        """``authorization``: a Proxy-Authorization header line, for a digest answer."""
        self.count += 1
        body = SDP.format(ip=media_ip or self.host, port=media_port or self.media_port())
        call_id = f"adm-{self.host}-{self.port}-{self.count}"
        self.tags[call_id] = f"adm{self.count}"
        data = (
            f"INVITE sip:{number}@127.0.0.1 SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP {self.host}:{self.port};branch=z9hG4bKadm{self.count};rport\r\n"
            f"From: <sip:0701234567@{self.host}>;tag=adm{self.count}\r\n"
            f"To: <sip:{number}@127.0.0.1>\r\nCall-ID: {call_id}\r\n"
            f"CSeq: 1 INVITE\r\nMax-Forwards: 70\r\n{authorization}"
            f"Contact: <sip:0701234567@{self.host}:{self.port}>\r\n"
            f"Content-Type: application/sdp\r\nContent-Length: {len(body)}\r\n\r\n{body}"
        ).encode()
        self.sock.sendto(data, ("127.0.0.1", server))
        return call_id

    def options(self, server: int) -> str:
        """A keep-alive OPTIONS, as a phone or a carrier's SBC sends; returns its Call-ID."""
        self.count += 1
        call_id = f"opt-{self.host}-{self.port}-{self.count}"
        data = (
            f"OPTIONS sip:127.0.0.1:{server} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP {self.host}:{self.port};branch=z9hG4bKopt{self.count};rport\r\n"
            f"From: <sip:probe@{self.host}>;tag=opt{self.count}\r\n"
            f"To: <sip:127.0.0.1>\r\nCall-ID: {call_id}\r\nCSeq: 1 OPTIONS\r\n"
            "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
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

    def bye(self, server: int, ok: Response) -> None:
        """Hang up the call ``ok`` answered (ACK first, then BYE in its dialog)."""
        call_id, to = ok.call_id, ok.headers.get("To") or ""
        common = (
            f"From: <sip:0701234567@{self.host}>;tag={self.tags[call_id]}\r\nTo: {to}\r\n"
            f"Call-ID: {call_id}\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n"
        )
        for cseq, method in ((1, "ACK"), (2, "BYE")):
            self.count += 1
            self.sock.sendto(
                (
                    f"{method} sip:vaxel@127.0.0.1:{server} SIP/2.0\r\n"
                    f"Via: SIP/2.0/UDP {self.host}:{self.port};branch=z9hG4bKbye{self.count}\r\n"
                    f"CSeq: {cseq} {method}\r\n{common}\r\n"
                ).encode(),
                ("127.0.0.1", server),
            )

    def close(self) -> None:
        self.sock.close()
        for rtp in self.media:
            rtp.close()


Starter = Callable[..., Awaitable[TelephonyService]]


@pytest.fixture
async def service(tmp_path: Path) -> AsyncIterator[Starter]:
    """Starts a telephony service trusting both loopback sources, with the given limits."""
    started: list[TelephonyService] = []

    async def start(**limits: object) -> TelephonyService:
        url = f"sqlite:///{tmp_path}/admission{len(started)}.db"
        database = open_database(url)
        upgrade(database)
        center = ContactCenter(database)
        seed_demo_tenant(center, url, time.time())
        numbers = directory()
        numbers.trusted_sources = frozenset({"127.0.0.1", OTHER_SOURCE})
        running = TelephonyService(
            center,
            numbers,
            sip_port=0,
            voicemail_dir=str(tmp_path / "vm"),
            **limits,  # type: ignore[arg-type]
        )
        await running.start()
        started.append(running)
        return running

    yield start
    for running in started:
        await running.close()


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


async def test_when_the_port_pool_is_used_up_a_call_gets_503_until_one_ends(
    service: Starter,
) -> None:
    running = await service(rtp_ports=(34700, 34706))  # four ports
    port, caller = running.address[1], Caller()
    answered = [await caller.final(caller.invite(port)) for _ in range(4)]
    assert [reply.status for reply in answered] == [200] * 4
    started = time.monotonic()
    refused = await caller.final(caller.invite(port))
    assert refused.status == 503 and "no media port" in refused.reason
    assert time.monotonic() - started < 1.0  # answered at once, not after 32 s of nothing
    caller.bye(port, answered[0])
    for _ in range(100):  # the BYE frees the call's port
        if len(running.switch.calls) == 3:
            break
        await asyncio.sleep(0.02)
    assert (await caller.final(caller.invite(port))).status == 200
    caller.close()


async def test_an_invite_flood_from_one_source_gets_503_and_another_caller_gets_through(
    service: Starter,
) -> None:
    running = await service(invites_per_second=5.0)  # burst 10
    port, flooder, caller = running.address[1], Caller(), Caller(OTHER_SOURCE)
    finals: dict[str, int] = {}  # call id → status (responses are retransmitted)

    async def flood() -> None:  # 300 INVITEs at ~400/s, as in the attack (issue 10 §8)
        for n in range(300):
            flooder.invite(port)
            if n % 4 == 3:
                await asyncio.sleep(0.01)

    async def collect() -> None:
        loop = asyncio.get_running_loop()
        with contextlib.suppress(TimeoutError):
            while len(finals) < 300:
                message = parse_message(
                    await asyncio.wait_for(loop.sock_recv(flooder.sock, 65535), 1.5)
                )
                if isinstance(message, Response) and message.status >= 200:
                    finals[message.call_id] = message.status

    prober = Caller(PROBE_SOURCE)
    keepalives: list[float] = []

    async def probe() -> None:  # a phone's OPTIONS keep-alives while the flood lasts
        while not flooding.done():
            started = time.monotonic()
            ok = await prober.final(prober.options(port))
            keepalives.append(time.monotonic() - started)
            assert ok.status == 200
            await asyncio.sleep(0.01)

    collecting = asyncio.create_task(collect())
    flooding = asyncio.create_task(flood())
    probing = asyncio.create_task(probe())
    await asyncio.sleep(0.3)  # in the middle of the flood
    started = time.monotonic()
    reply = await caller.final(caller.invite(port))
    waited = time.monotonic() - started
    await flooding
    await probing
    await collecting
    ordered = sorted(keepalives)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    print(  # for docs/guarantees.md
        f"the real call was answered after {1000 * waited:.1f} ms; {len(ordered)} OPTIONS "
        f"during the flood: p99 {1000 * p99:.1f} ms, max {1000 * ordered[-1]:.1f} ms"
    )
    assert reply.status == 200
    assert waited < 1.0, f"the real call waited {waited:.3f} s"
    assert len(ordered) >= 10 and p99 < 0.1, ordered[-5:]  # issue 10: 100 ms p99
    prober.close()
    statuses = list(finals.values())
    assert len(finals) == 300  # every INVITE got a final response
    assert statuses.count(503) >= 270 and statuses.count(200) <= 20, statuses
    flooder.close()
    caller.close()
