"""Security by default on the SIP side (issue 3 §6, PBX8): unknown numbers 404, strangers
challenged 401/407, password guessing throttled, calls abroad barred — each answered with a
status and a reason, nothing else disturbed."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import pytest

from tests.telephony.conftest import AGENT_EXTENSION, AGENT_PASSWORD, Running, register_phone
from vaxel.sip.auth import authorization_for
from vaxel.sip.message import Response
from vaxel.sip.parser import parse_message

pytestmark = pytest.mark.interop


class Client:
    """A bare SIP client on a UDP socket, for requests no phone would send."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.setblocking(False)
        self.port = self.sock.getsockname()[1]
        self.count = 0

    async def ask(
        self, server: int, method: str, uri: str, *, to: str = "", extra: str = "", body: str = ""
    ) -> Response:
        self.count += 1
        data = (
            f"{method} {uri} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP 127.0.0.1:{self.port};branch=z9hG4bKsec{self.count};rport\r\n"
            f"From: <sip:{AGENT_EXTENSION}@127.0.0.1>;tag=sec{self.count}\r\n"
            f"To: <{to or uri}>\r\nCall-ID: sec-{self.port}-{self.count}\r\n"
            f"CSeq: {self.count} {method}\r\nMax-Forwards: 70\r\n"
            f"Contact: <sip:{AGENT_EXTENSION}@127.0.0.1:{self.port}>\r\n{extra}"
            f"Content-Length: {len(body)}\r\n\r\n{body}"
        ).encode()
        self.sock.sendto(data, ("127.0.0.1", server))
        loop = asyncio.get_running_loop()
        while True:
            reply = await asyncio.wait_for(loop.sock_recv(self.sock, 65535), 3)
            message = parse_message(reply)
            if isinstance(message, Response) and message.status >= 200:
                return message


async def test_strangers_are_challenged_and_guessing_is_throttled(untrusted: Running) -> None:
    client = Client()
    invite = await client.ask(untrusted.port, "INVITE", "sip:0812345000@127.0.0.1")
    assert invite.status == 407 and invite.headers.get("Proxy-Authenticate")
    register = await client.ask(
        untrusted.port, "REGISTER", "sip:127.0.0.1", to=f"sip:{AGENT_EXTENSION}@127.0.0.1"
    )
    assert register.status == 401
    challenge = register.headers.get("WWW-Authenticate") or ""
    statuses = []
    for attempt in range(6):
        wrong = authorization_for(
            challenge,
            username=AGENT_EXTENSION,
            password=f"guess{attempt}",
            method="REGISTER",
            uri="sip:127.0.0.1",
            cnonce="x",
        )
        reply = await client.ask(
            untrusted.port,
            "REGISTER",
            "sip:127.0.0.1",
            to=f"sip:{AGENT_EXTENSION}@127.0.0.1",
            extra=f"Authorization: {wrong}\r\n",
        )
        statuses.append(reply.status)
    assert statuses[:4] == [401] * 4 and statuses[-1] == 403  # blocked after five failures
    assert "too many failed attempts" in reply.reason
    other = Client()  # another source is not affected
    assert (await other.ask(untrusted.port, "OPTIONS", "sip:127.0.0.1")).status == 200


async def test_unknown_numbers_are_404_and_calls_abroad_are_barred(running: Running) -> None:
    client = Client()
    unknown = await client.ask(running.port, "INVITE", "sip:4711@127.0.0.1")
    assert unknown.status == 404 and "no such number" in unknown.reason
    abroad = await client.ask(running.port, "INVITE", "sip:+4930123456789@127.0.0.1")
    assert abroad.status == 403 and "International calls are barred" in abroad.reason
    no_sdp = await client.ask(running.port, "INVITE", "sip:0812345000@127.0.0.1")
    assert no_sdp.status == 488 and "SDP offer" in no_sdp.reason
    assert running.service.switch.calls == {}


async def test_junk_credentials_from_a_phones_address_do_not_lock_it_out(
    untrusted: Running, tmp_path: Path
) -> None:
    """Issue 10 §4: five REGISTERs with junk credentials, as a spoofer with a forged source
    address would send them, used to block that address for 300 s."""
    spoofer = Client()  # 127.0.0.1, as the phone
    for n in range(6):
        junk = (
            f'Digest username="{AGENT_EXTENSION}", realm="vaxel", nonce="{n}:1:ab", '
            f'uri="sip:127.0.0.1", response="{n:032x}", algorithm=MD5'
        )
        reply = await spoofer.ask(
            untrusted.port,
            "REGISTER",
            "sip:127.0.0.1",
            to=f"sip:{AGENT_EXTENSION}@127.0.0.1",
            extra=f"Authorization: {junk}\r\n",
        )
        assert reply.status == 401
    await register_phone(untrusted.port, AGENT_EXTENSION, AGENT_PASSWORD, tmp_path)
