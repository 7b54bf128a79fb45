"""An unknown number is refused with words, not silence (issue 14 Bad input, PBX1): the
caller gets 183 Session Progress with SDP, hears "Numret du har slagit finns inte." (or the
English prompt in an English tenant) as early media, then 404.

SIPp places the call as an extension with digest auth, its SDP pointing at this test's UDP
socket, so the test hears exactly what the caller hears; a bare UA checks the carrier's side
(a direct number of nobody) and a CANCEL while the prompt plays.
"""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import pytest

from tests.telephony.conftest import (
    CUSTOMER_EXTENSION,
    CUSTOMER_PASSWORD,
    Running,
    free_port,
    keys,
    sipp,
)
from tests.telephony.test_english_caller import ENGLISH_FLOW, _heard
from tests.telephony.test_media_admission import Caller
from tests.telephony.test_pbx_calls import plan_people
from tests.telephony.test_robot_phones import wait_for
from vaxel.flow import flow_from_dict
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.sip.auth import authorization_for
from vaxel.sip.message import Response
from vaxel.sip.parser import parse_message
from vaxel.telephony.directory import ServiceNumber
from vaxel.telephony.notices import SystemPrompt, system_prompt
from vaxel.telephony.refusals import MAX_PENDING, MAX_PER_SOURCE

pytestmark = pytest.mark.interop
UNKNOWN = "4599"


def _ear() -> socket.socket:
    ear = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    ear.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    ear.bind(("127.0.0.1", free_port()))
    ear.setblocking(False)
    return ear


async def _dial_unknown(running: Running, tmp_path: Path, ear: socket.socket) -> tuple[int, str]:
    return await sipp(
        "extension_refused.xml",
        running.port,
        *keys(ext=CUSTOMER_EXTENSION, rtp_port=str(ear.getsockname()[1])),
        "-au",
        CUSTOMER_EXTENSION,
        "-ap",
        CUSTOMER_PASSWORD,
        "-auth_uri",
        f"{UNKNOWN}@127.0.0.1:{running.port}",
        service=UNKNOWN,
        cwd=tmp_path,
    )


@pytest.mark.parametrize("language", ["sv", "en"])
async def test_an_extension_dialling_an_unknown_number_hears_so_then_404(
    untrusted: Running, tmp_path: Path, language: str
) -> None:
    running = untrusted
    plan_people(running)
    directory = running.service.directory
    if language == "en":  # the tenant's language is its first service number's flow's
        english = ServiceNumber(
            "0812345099",
            DEMO_TENANT,
            flow_from_dict(ENGLISH_FLOW),
            next(iter(directory.numbers.values())).hours,
        )
        directory.numbers = {"0812345099": english, **directory.numbers}
    ear = _ear()
    try:
        code, output = await _dial_unknown(running, tmp_path, ear)
        heard = _heard(ear)
    finally:
        ear.close()
    assert code == 0, output  # 407, then 183 with SDP, then 404, ACKed
    prompts = running.service.prompts
    told = prompts.load(system_prompt(SystemPrompt.NO_SUCH_NUMBER, language))
    other = prompts.load(
        system_prompt(SystemPrompt.NO_SUCH_NUMBER, "en" if language == "sv" else "sv")
    )
    middle = slice(len(told) // 4, len(told) // 4 + 8000)  # one second, off the edges
    assert told[middle] in heard, "the caller did not hear the no-such-number prompt"
    assert other[len(other) // 4 : len(other) // 4 + 8000] not in heard
    switch = running.service.switch
    assert not switch.calls and not switch.refusals.next_deadline()  # nothing left behind


async def _responses(caller: Caller, call_id: str, seconds: float) -> list[int]:
    """The statuses to ``call_id``'s INVITE until a final one (or ``seconds``)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    statuses: list[int] = []
    while not statuses or statuses[-1] < 200:
        data = await asyncio.wait_for(
            loop.sock_recv(caller.sock, 65535), max(0.01, deadline - loop.time())
        )
        message = parse_message(data)
        cseq = (message.headers.get("CSeq") or "") if isinstance(message, Response) else ""
        if isinstance(message, Response) and message.call_id == call_id and "INVITE" in cseq:
            statuses.append(message.status)
    return statuses


async def test_a_direct_number_of_nobody_from_the_carrier_is_told_then_404(
    running: Running,
) -> None:
    plan_people(running)
    caller = Caller()
    try:
        call_id = caller.invite(running.port, number="+46101239999")
        statuses = await _responses(caller, call_id, 15.0)
    finally:
        caller.close()
    assert [s for s in statuses if s != 100] == [183, 404]


async def test_a_caller_who_hangs_up_during_the_prompt_is_answered_487(running: Running) -> None:
    plan_people(running)
    caller = Caller()
    switch = running.service.switch
    try:
        call_id = caller.invite(running.port, number=UNKNOWN)
        await wait_for(lambda: switch.refusals.next_deadline() is not None, 5)
        invite_via = f"SIP/2.0/UDP 127.0.0.1:{caller.port};branch=z9hG4bKadm{caller.count};rport"
        caller.sock.sendto(
            (
                f"CANCEL sip:{UNKNOWN}@127.0.0.1 SIP/2.0\r\nVia: {invite_via}\r\n"
                f"From: <sip:0701234567@127.0.0.1>;tag=adm{caller.count}\r\n"
                f"To: <sip:{UNKNOWN}@127.0.0.1>\r\nCall-ID: {call_id}\r\n"
                "CSeq: 1 CANCEL\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
            ).encode(),
            ("127.0.0.1", running.port),
        )
        statuses = await _responses(caller, call_id, 5.0)
    finally:
        caller.close()
    assert [s for s in statuses if s != 100] == [183, 487]
    assert switch.refusals.next_deadline() is None  # its media freed at once


async def test_refusals_beyond_the_limit_get_the_bare_404(running: Running) -> None:
    plan_people(running)
    switch = running.service.switch
    assert switch.refusals.limit == MAX_PENDING
    switch.refusals.limit = 0  # as if MAX_PENDING callers were being told already
    caller = Caller()
    try:
        call_id = caller.invite(running.port, number=UNKNOWN)
        statuses = await _responses(caller, call_id, 5.0)
    finally:
        caller.close()
    assert [s for s in statuses if s != 100] == [404]


def _victim() -> socket.socket:
    victim = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    victim.bind(("127.0.0.1", 0))
    victim.setblocking(False)
    return victim


def _drained(sock: socket.socket) -> list[bytes]:
    got: list[bytes] = []
    while True:
        try:
            got.append(sock.recv(2048))
        except BlockingIOError:
            return got


async def _all_responses(
    caller: Caller, call_ids: list[str], seconds: float
) -> dict[str, list[int]]:
    """The statuses (100 left out) to each of ``call_ids``' INVITEs, until each is final."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    statuses: dict[str, list[int]] = {call_id: [] for call_id in call_ids}
    while any(not got or got[-1] < 200 for got in statuses.values()):
        data = await asyncio.wait_for(
            loop.sock_recv(caller.sock, 65535), max(0.01, deadline - loop.time())
        )
        message = parse_message(data)
        if isinstance(message, Response) and "INVITE" in (message.headers.get("CSeq") or ""):
            got = statuses.get(message.call_id)
            if got is not None and message.status != 100 and message.status not in got:
                got.append(message.status)
    return statuses


async def test_a_forged_trusted_invite_reflects_no_audio_and_a_trunk_is_not_bounded_per_source(
    running: Running,
) -> None:
    """Attack A4: an INVITE trusted by its source address alone (a trunk, an SBC; here
    127.0.0.1) may be forged with an SDP naming a victim. Each is answered 183 and 404, but
    the victim's port gets not one packet; a real caller, who sends RTP to the port our 183
    gave it, hears the prompt. A trusted address carries many callers: it is not held to the
    per-source bound of refusals."""
    plan_people(running)
    switch = running.service.switch
    switch.refusals.per_source = 2  # two playing stand for the ten
    caller, victim, phone = Caller(), _victim(), _victim()
    try:
        forged = [
            caller.invite(running.port, number=UNKNOWN, media_port=victim.getsockname()[1])
            for _ in range(3)
        ]
        await wait_for(lambda: len(switch.refusals._by_endpoint) == 3, 5)  # none refused bare
        real = caller.invite(running.port, number=UNKNOWN, media_port=phone.getsockname()[1])
        await wait_for(lambda: len(switch.refusals._by_endpoint) == 4, 5)
        refusal = next(
            r for r in switch.refusals._by_endpoint.values() if r.request.call_id == real
        )
        our_port = switch.media._legs[refusal.endpoint_id].endpoint.port  # what our 183 gave
        await asyncio.sleep(0.3)
        assert _drained(phone) == []  # not before the caller's phone has sent …
        phone.sendto(bytes([0x80, 0]) + bytes(10) + bytes(160), ("127.0.0.1", our_port))
        await asyncio.sleep(0.3)
        assert len(_drained(phone)) >= 10  # … and then the prompt
        statuses = await _all_responses(caller, [*forged, real], 15.0)
        assert all(statuses[call_id] == [183, 404] for call_id in forged), statuses
        assert _drained(victim) == []  # seconds of prompts, and not one packet reflected
    finally:
        caller.close()
        victim.close()
        phone.close()
    assert switch.refusals.next_deadline() is None


async def _signed(
    caller: Caller, running: Running, challenge: str, count: int, sink: socket.socket
) -> str:
    """An INVITE to UNKNOWN from the extension, answering ``challenge`` (digest); its SDP
    names ``sink`` (a socket of this test: the prompt goes to nobody else's port)."""
    value = authorization_for(
        challenge,
        username=CUSTOMER_EXTENSION,
        password=CUSTOMER_PASSWORD,
        method="INVITE",
        uri=f"sip:{UNKNOWN}@127.0.0.1",
        cnonce="scan",
        nc=count,
    )
    return caller.invite(
        running.port,
        number=UNKNOWN,
        media_port=sink.getsockname()[1],
        authorization=f"Proxy-Authorization: {value}\r\n",
    )


async def test_one_authenticated_source_cannot_take_every_refusal_slot(
    untrusted: Running,
) -> None:
    """A scanner (an extension dialling number after number) gets the bare 404 once it has
    MAX_PER_SOURCE prompts playing, and its slots come back as its refusals end."""
    running = untrusted
    plan_people(running)
    switch = running.service.switch
    assert switch.refusals.per_source == MAX_PER_SOURCE
    switch.refusals.per_source = 2  # two playing stand for the ten
    scanner, sink = Caller(), _victim()
    try:
        probe = scanner.invite(running.port, number=UNKNOWN, media_port=sink.getsockname()[1])
        challenged = await scanner.final(probe)
        assert challenged.status == 407
        challenge = challenged.headers.get("Proxy-Authenticate") or ""
        first = [await _signed(scanner, running, challenge, n, sink) for n in (1, 2)]
        await wait_for(lambda: switch.refusals.playing_from("127.0.0.1") == 2, 5)
        third = await _signed(scanner, running, challenge, 3, sink)
        assert [s for s in await _responses(scanner, third, 1.0) if s != 100] == [404]
        for call_id in first:  # played to the end: the scanner's slots are free again
            assert [s for s in await _responses(scanner, call_id, 15.0) if s != 100][-1] == 404
        again = await _signed(scanner, running, challenge, 4, sink)
        assert [s for s in await _responses(scanner, again, 15.0) if s != 100] == [183, 404]
    finally:
        scanner.close()
        sink.close()
    assert switch.refusals.next_deadline() is None
    assert switch.refusals.playing_from("127.0.0.1") == 0


async def test_shutting_down_answers_a_refusal_still_playing_at_once(running: Running) -> None:
    plan_people(running)
    caller = Caller()
    switch = running.service.switch
    try:
        call_id = caller.invite(running.port, number=UNKNOWN)
        await wait_for(lambda: switch.refusals.next_deadline() is not None, 5)
        switch.refusals.close()  # as TelephonyService.close does first
        statuses = await _responses(caller, call_id, 0.5)  # the prompt lasts 2 s
    finally:
        caller.close()
    assert [s for s in statuses if s != 100] == [183, 404]
    assert switch.refusals.next_deadline() is None
