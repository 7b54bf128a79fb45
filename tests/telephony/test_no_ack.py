"""Our 2xx is resent until the ACK comes, on the one leg timer, and a phone that never ACKs
is hung up (issue 11 §1, RFC 3261 §13.3.1.4). T1 is shortened so 64·T1 takes 3.2 s."""

from __future__ import annotations

import asyncio

import pytest

from tests.telephony.conftest import Running
from tests.telephony.test_security import Client
from vaxel.sim.demo_tenant import MAIN_NUMBER
from vaxel.sip.message import Request, Response
from vaxel.sip.parser import parse_message

pytestmark = pytest.mark.interop
SDP = (
    "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
    "m=audio 9 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n"
)


async def heard(client: Client, seconds: float) -> list[Request | Response]:
    loop = asyncio.get_running_loop()
    messages: list[Request | Response] = []
    deadline = loop.time() + seconds
    while (left := deadline - loop.time()) > 0:
        try:
            data = await asyncio.wait_for(loop.sock_recv(client.sock, 65535), left)
        except TimeoutError:
            break
        messages.append(parse_message(data))
    return messages


async def test_a_phone_that_never_acks_gets_the_200_again_and_then_a_bye(
    running: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("vaxel.telephony.leg.T1", 0.05)
    client = Client()
    answer = await client.ask(
        running.port,
        "INVITE",
        f"sip:{MAIN_NUMBER}@127.0.0.1",
        extra="Content-Type: application/sdp\r\n",
        body=SDP,
    )
    assert answer.status == 200
    switch = running.service.switch
    assert len(switch.calls) == 1 and len(switch.leg_timers) == 1
    later = await heard(client, 4.0)  # no ACK from us
    resent = [m for m in later if isinstance(m, Response) and m.status == 200]
    byes = [m for m in later if isinstance(m, Request) and m.method == "BYE"]
    assert 4 <= len(resent) <= 12, len(resent)  # 0.05, 0.1, 0.2 … capped at T2 = 4 s
    # given up at 64·T1 (§13.3.1.4): one BYE (its transaction resends it, unanswered here)
    assert len({bye.branch for bye in byes}) == 1 and not switch.calls
    assert switch.leg_timers.next_deadline() is None
