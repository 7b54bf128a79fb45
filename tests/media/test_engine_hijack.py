"""RTP hijack, reproduced on loopback (issue 10 §2): an attacker sprays RTP at every port of
the engine's pool before and during calls. It must never hear a call, never be heard and
never press a key; ports must not come in sequence; a media address is never a host name.

The attacker is "another host" at 127.0.0.2 (still loopback): the latching rule trusts the
phone's host for a moment, so an attacker on the phone's own address is a separate case."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import random
import socket
from collections.abc import AsyncIterator

import pytest
import uvloop

from tests.media.test_engine_wire import PROMPTS, Phone, samples
from vaxel.media.backend import DtmfReceived, MediaEvent, RemoteMedia
from vaxel.media.dtmf import dtmf_payloads, goertzel_power
from vaxel.media.engine import BuiltinMediaBackend, MediaError
from vaxel.media.player import Comfort
from vaxel.media.rtp import RtpPacket, RtpStream, parse_rtp
from vaxel.media.tones import tone_ulaw

# Below the kernel's ephemeral range (32768–60999): a test phone bound to port 0 must never
# get a pool port, or the attacker's spray would reach the phone directly (a CI flake).
POOL = (31400, 31498)
NOISE = b"\x55" * 160  # what the attacker says: a byte no tone of ours is made of


class Attacker:
    """Sprays audio and DTMF at every port of the pool and collects whatever comes back."""

    def __init__(self, host: str = "127.0.0.2") -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((host, 0))
        self.sock.setblocking(False)
        self.stream = RtpStream(0xBAD)
        self.heard: list[RtpPacket] = []

    def spray_once(self) -> None:
        audio = self.stream.packet(0, NOISE, 160).to_bytes()
        keys = [
            self.stream.packet(101, payload, 0, marker=marker).to_bytes()
            for payload, marker in dtmf_payloads("1")
        ]
        for port in range(POOL[0], POOL[1] + 1, 2):
            for data in (audio, *keys):
                with contextlib.suppress(OSError):
                    self.sock.sendto(data, ("127.0.0.1", port))
        while True:
            try:
                self.heard.append(parse_rtp(self.sock.recv(2048)))
            except BlockingIOError:
                return

    async def spray(self) -> None:
        while True:
            self.spray_once()
            await asyncio.sleep(0.01)


@pytest.fixture
async def engine() -> AsyncIterator[tuple[BuiltinMediaBackend, list[MediaEvent]]]:
    events: list[MediaEvent] = []
    backend = BuiltinMediaBackend(
        PROMPTS.__getitem__, events.append, ports=POOL, randomness=random.Random(10), learn_s=0.3
    )
    yield backend, events
    await backend.close()


Engine = tuple[BuiltinMediaBackend, list[MediaEvent]]


async def test_an_attacker_spraying_the_pool_never_hears_speaks_or_presses_keys(
    engine: Engine,
) -> None:
    backend, events = engine
    attacker = Attacker()
    spraying = asyncio.create_task(attacker.spray())
    await asyncio.sleep(0.05)  # before the calls arrive …
    caller, agent, ivr_phone = Phone(), Phone(), Phone()
    a, b, ivr = backend.allocate("caller"), backend.allocate("agent"), backend.allocate("ivr")
    await asyncio.sleep(0.05)  # … and between allocation and the SDP
    backend.set_remote(a.endpoint_id, RemoteMedia("127.0.0.1", caller.port, 0, "PCMU", 101))
    backend.set_remote(b.endpoint_id, RemoteMedia("127.0.0.1", agent.port, 0, "PCMU", 101))
    backend.set_remote(ivr.endpoint_id, RemoteMedia("127.0.0.1", ivr_phone.port, 0, "PCMU", 101))
    backend.set_comfort(ivr.endpoint_id, Comfort.MUSIC)
    backend.bridge(a.endpoint_id, b.endpoint_id)
    await asyncio.sleep(0.05)  # the attacker is heard first: its packets are already flowing
    await asyncio.gather(
        caller.talk(a.port, tone_ulaw(1000, 300)), agent.talk(b.port, tone_ulaw(440, 300))
    )
    await asyncio.sleep(0.05)
    spraying.cancel()
    attacker.spray_once()

    at_agent, at_caller, at_ivr = agent.received(), caller.received(), ivr_phone.received()
    assert attacker.heard == []  # not one packet of any call went to the attacker
    assert goertzel_power(samples([p.payload for p in at_agent if p.payload_type == 0]), 1000) > 0.8
    assert goertzel_power(samples([p.payload for p in at_caller if p.payload_type == 0]), 440) > 0.8
    assert len(at_ivr) >= 10  # the IVR caller's music still goes to the IVR caller
    for heard in (at_agent, at_caller, at_ivr):
        assert all(p.payload != NOISE for p in heard)  # nothing the attacker said got through
        assert all(p.payload_type != 101 for p in heard)  # nor its keys, across the bridge
    assert not [e for e in events if isinstance(e, DtmfReceived)]  # nor to the IVR
    assert backend.stats["foreign_packets"] > 100  # dropped and counted
    for phone in (caller, agent, ivr_phone):
        phone.close()
    attacker.sock.close()


async def test_a_nat_phone_is_learned_from_its_signalling_host_but_not_from_others(
    engine: Engine,
) -> None:
    # The SDP names a private address; the phone really sends from its SIP source host.
    backend, _ = engine
    attacker, phone = Attacker(), Phone()
    endpoint = backend.allocate("nat")
    remote = RemoteMedia("10.1.2.3", 4000, 0, "PCMU", 101, signalling_host="127.0.0.1")
    backend.set_remote(endpoint.endpoint_id, remote)
    backend.set_comfort(endpoint.endpoint_id, Comfort.MUSIC)
    attacker.spray_once()  # another host inside the learning window: not followed
    phone.send(endpoint.port, phone.stream.packet(0, b"\xff" * 160, 160))
    await asyncio.sleep(0.15)
    attacker.spray_once()
    assert attacker.heard == []
    assert goertzel_power(samples([p.payload for p in phone.received()]), 600) > 0.8
    phone.close(), attacker.sock.close()


async def test_after_the_learning_window_the_phones_own_host_cannot_take_over(
    engine: Engine,
) -> None:
    backend, events = engine
    phone, neighbour = Phone(), Attacker(host="127.0.0.1")  # same address, another port
    endpoint = backend.allocate("call")
    backend.set_remote(
        endpoint.endpoint_id, RemoteMedia("10.9.9.9", 4000, 0, "PCMU", 101, "127.0.0.1")
    )
    phone.send(endpoint.port, phone.stream.packet(0, b"\xff" * 160, 160))
    await asyncio.sleep(0.4)  # learn_s is 0.3 in these tests
    phone.received()
    neighbour.spray_once()
    await asyncio.sleep(0.1)
    neighbour.spray_once()
    assert neighbour.heard == [] and len(phone.received()) >= 3
    assert events == []
    phone.close(), neighbour.sock.close()


async def test_the_sdp_address_itself_always_wins_and_locks_the_leg(engine: Engine) -> None:
    # A neighbour on the phone's host that speaks first is followed only until the phone's
    # own SDP address is heard; after that, nobody else.
    backend, _ = engine
    phone, neighbour = Phone(), Attacker(host="127.0.0.1")
    endpoint = backend.allocate("call")
    backend.set_remote(endpoint.endpoint_id, RemoteMedia("127.0.0.1", phone.port, 0, "PCMU"))
    backend.set_comfort(endpoint.endpoint_id, Comfort.MUSIC)
    neighbour.spray_once()
    phone.send(endpoint.port, phone.stream.packet(0, b"\xff" * 160, 160))
    await asyncio.sleep(0.03)
    neighbour.heard.clear()
    neighbour.spray_once()
    await asyncio.sleep(0.1)
    neighbour.spray_once()
    assert neighbour.heard == []
    assert len(phone.received()) >= 3
    phone.close(), neighbour.sock.close()


async def test_ports_of_consecutive_calls_are_not_sequential() -> None:
    async def ports(seed: int) -> list[int]:
        backend = BuiltinMediaBackend(
            PROMPTS.__getitem__, lambda event: None, ports=POOL, randomness=random.Random(seed)
        )
        chosen = [backend.allocate(f"call{n}").port for n in range(12)]
        await backend.close()
        return chosen

    first, second = await ports(1), await ports(2)
    for chosen in (first, second):
        assert all(POOL[0] <= port <= POOL[1] and port % 2 == 0 for port in chosen)
        steps = [b - a for a, b in itertools.pairwise(chosen)]
        assert sum(step == 2 for step in steps) <= 2  # in sequence every step would be 2
    assert first != second  # the order depends on the randomness, not on the last call


async def test_a_host_name_is_refused_so_no_send_ever_resolves_it(engine: Engine) -> None:
    # a send to a name is a blocking DNS lookup inside the C socket call, every 20 ms
    backend, _ = engine
    endpoint = backend.allocate("call")
    for remote in (
        RemoteMedia("example.com", 4000, 0, "PCMU"),
        RemoteMedia("127.0.0.1", 4000, 0, "PCMU", signalling_host="sbc.example.com"),
    ):
        with pytest.raises(MediaError, match="not an IP address"):
            backend.set_remote(endpoint.endpoint_id, remote)
    backend.set_comfort(endpoint.endpoint_id, Comfort.MUSIC)
    await asyncio.sleep(0.05)
    assert backend.stats["sent"] == 0


async def test_these_tests_run_on_uvloop_as_production_does() -> None:
    assert isinstance(asyncio.get_running_loop(), uvloop.Loop)


async def test_a_locked_phone_that_moves_is_followed_and_learned_again(engine: Engine) -> None:
    # Once locked, the leg's socket is connected to the phone (the kernel filters, the hot
    # paths pass no address: issue 11). A re-INVITE that moves the phone behind a NAT must
    # undo that, or the phone's new source would be dropped by the kernel and hear nothing.
    backend, events = engine
    first, moved, neighbour = Phone(), Phone(), Attacker(host="127.0.0.1")
    endpoint = backend.allocate("call")
    backend.set_remote(endpoint.endpoint_id, RemoteMedia("127.0.0.1", first.port, 0, "PCMU", 101))
    backend.set_comfort(endpoint.endpoint_id, Comfort.MUSIC)
    first.send(endpoint.port, first.stream.packet(0, b"\xff" * 160, 160))
    await asyncio.sleep(0.05)
    sock = backend._legs[endpoint.endpoint_id].sock
    assert sock.getpeername() == ("127.0.0.1", first.port)
    neighbour.spray_once()  # the kernel drops it now: no key reaches the engine
    await asyncio.sleep(0.05)
    assert neighbour.heard == [] and events == []

    backend.set_remote(
        endpoint.endpoint_id, RemoteMedia("10.9.9.9", 4000, 0, "PCMU", 101, "127.0.0.1")
    )
    with pytest.raises(OSError):
        sock.getpeername()  # disconnected: any source may be heard by the latching rule
    moved.received()
    moved.send(endpoint.port, moved.stream.packet(0, b"\xff" * 160, 160))
    for payload, marker in dtmf_payloads("7"):
        moved.send(endpoint.port, moved.stream.packet(101, payload, 0, marker=marker))
    await asyncio.sleep(0.15)
    assert (
        goertzel_power(samples([p.payload for p in moved.received() if p.payload_type == 0]), 600)
        > 0.8
    )
    assert [e.digit for e in events if isinstance(e, DtmfReceived)] == ["7"]
    first.close(), moved.close(), neighbour.sock.close()


async def test_an_unproven_sdp_address_hears_nothing_until_its_phone_has_sent(
    engine: Engine,
) -> None:
    """Attack A4: an INVITE trusted by its (forgeable) UDP source names a victim in its
    SDP. With ``await_rtp`` the victim gets not one packet, however long the prompt plays;
    a real phone sends RTP to the port our answer gave it, and then hears the prompt."""
    backend, _ = engine
    victim, phone = Phone(), Phone()
    told, asked = backend.allocate("spoofed"), backend.allocate("real")
    for endpoint, port in ((told, victim.port), (asked, phone.port)):
        remote = RemoteMedia("127.0.0.1", port, 0, "PCMU", 101, "127.0.0.1", await_rtp=True)
        backend.set_remote(endpoint.endpoint_id, remote)
        backend.play(endpoint.endpoint_id, ["music_on_hold"])  # 1 s
    await asyncio.sleep(0.3)
    assert victim.received() == [] and phone.received() == []
    phone.send(asked.port, phone.stream.packet(0, bytes(160), 160))  # the phone speaks first
    await asyncio.sleep(0.3)
    assert len(phone.received()) >= 10  # … and hears the prompt from then on
    assert victim.received() == []
    victim.close()
    phone.close()
