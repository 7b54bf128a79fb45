"""The browser phone's audio relayed through a real TURN server (issue 15 §3, docs/webrtc.md
"TURN with coturn from Debian"): Debian's coturn on 127.0.0.1 with a shared secret
(``use-auth-secret``), the credentials Växel makes from it (``IceServers.for_peer``), and
an aiortc peer playing a browser that may only use relayed candidates (a home agent behind
a NAT that lets nothing else through). The server's phone hears the browser's 1000 Hz tone,
so the relay, the time-limited credential and the phone's ICE servers work together; a
wrong secret gets no relay at all."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiortc import (
    RTCConfiguration,
    RTCIceServer,
    RTCIceTransportPolicy,
    RTCPeerConnection,
    RTCSessionDescription,
)

from benchmarks.webrtc_browsers import Microphone
from tests.telephony.conftest import free_port
from tests.telephony.robots import tone_share
from vaxel.store.webrtc_ice import IceServers
from vaxel.webrtc.phones import BrowserPhones

pytestmark = pytest.mark.timeout(60)
SECRET = "a-long-random-secret-for-the-test"
TURNSERVER = shutil.which("turnserver") or "/usr/bin/turnserver"


def stun_answers(port: int) -> bool:
    """Whether a STUN Binding request to 127.0.0.1:``port`` is answered (coturn is up)."""
    request = b"\x00\x01\x00\x00\x21\x12\xa4\x42" + os.urandom(12)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.settimeout(0.2)
        probe.sendto(request, ("127.0.0.1", port))
        try:
            return probe.recv(512)[:2] == b"\x01\x01"
        except OSError:
            return False


@pytest.fixture
def coturn(tmp_path: Path) -> Iterator[int]:
    """coturn on 127.0.0.1 (UDP only, no CLI, no TLS, its own files), relaying to loopback
    peers — the test's only addresses; stopped by its own PID."""
    port = free_port()
    relay = free_port()  # a small relay range near a free port (coturn needs even + odd)
    low = max(1024, relay - relay % 2)
    args = [
        TURNSERVER,
        "-n",  # no configuration file: everything is on this line
        f"--listening-port={port}",
        "--listening-ip=127.0.0.1",
        "--relay-ip=127.0.0.1",
        f"--min-port={low}",
        f"--max-port={low + 19}",
        "--allow-loopback-peers",
        "--use-auth-secret",
        f"--static-auth-secret={SECRET}",
        "--realm=vaxel.test",
        "--fingerprint",
        "--no-cli",
        "--no-tls",
        "--no-dtls",
        "--no-tcp",
        "--no-tcp-relay",
        "--no-multicast-peers",
        "--total-quota=8",
        f"--userdb={tmp_path / 'turndb'}",
        f"--pidfile={tmp_path / 'turnserver.pid'}",
        f"--log-file={tmp_path / 'turn.log'}",
        "--simple-log",
        "--verbose",
        "--no-stdout-log",
    ]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while not stun_answers(port):
            assert process.poll() is None, "coturn exited"
            assert time.monotonic() < deadline, "coturn did not answer within 10 s"
            time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def turn_servers(port: int, secret: str) -> list[dict[str, Any]]:
    """What the page and the server's peer get for a tenant with this TURN server."""
    servers = IceServers((f"turn:127.0.0.1:{port}?transport=udp",), "", secret, True)
    return servers.for_peer(time.time(), "gavle.maria")


async def relayed_offer(servers: list[dict[str, Any]]) -> tuple[RTCPeerConnection, str]:
    """A browser's offer that may only use relayed candidates, with a 1000 Hz microphone."""
    ice = [RTCIceServer(s["urls"], s.get("username"), s.get("credential")) for s in servers]
    peer = RTCPeerConnection(
        RTCConfiguration(iceServers=ice, iceTransportPolicy=RTCIceTransportPolicy.RELAY)
    )
    peer.addTrack(Microphone())
    await peer.setLocalDescription(await peer.createOffer())
    return peer, peer.localDescription.sdp


def turn_log(tmp_path: Path) -> str:
    return "".join(path.read_text(errors="replace") for path in tmp_path.glob("turn*.log"))


def candidates(sdp: str) -> list[str]:
    return [line for line in sdp.splitlines() if line.startswith("a=candidate:")]


async def test_the_phone_hears_a_browser_whose_audio_only_the_relay_carries(
    coturn: int, tmp_path: Path
) -> None:
    servers = turn_servers(coturn, SECRET)
    phones = BrowserPhones(ice_servers=lambda tenant_id: servers)
    told: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        told.append(message)

    phone = phones.open("gavle", "maria", send)
    browser, sdp = await relayed_offer(servers)
    try:
        offered = candidates(sdp)
        assert offered and all(" typ relay " in line for line in offered), offered
        await phone.handle({"type": "offer", "sdp": sdp})
        [answer] = [message for message in told if message["type"] == "answer"]
        await browser.setRemoteDescription(RTCSessionDescription(answer["sdp"], "answer"))
        share = 0.0
        for _ in range(100):  # 10 s at most
            await asyncio.sleep(0.1)
            heard = phone.heard()
            if len(heard) >= 1600:
                share = tone_share(heard[-8000:], 1000.0, 8000)
                if share > 0.5:
                    break
        assert phone.media_state == "connected" and share > 0.5, (phone.media_state, share)
    finally:
        await browser.close()
        await phone.close()
    log = turn_log(tmp_path)  # the relay was granted to Växel's credential and carried it
    granted = f"user <{servers[0]['username']}>: incoming packet ALLOCATE processed, success"
    assert granted in log and "CHANNEL_BIND processed, success" in log


async def test_a_credential_from_another_secret_gets_no_relay(coturn: int, tmp_path: Path) -> None:
    browser, sdp = await relayed_offer(turn_servers(coturn, "not-the-secret-of-this-server"))
    try:
        assert candidates(sdp) == []  # coturn refused the allocation: nothing to offer
    finally:
        await browser.close()
    log = turn_log(tmp_path)
    assert "error 401" in log and "ALLOCATE processed, success" not in log
