"""The switch drives the call and leg machines on the wire (issue 11 §1–§2): an agent with
two registered phones gets both rung; when both answer — at the same instant, or the loser
after our CANCEL went out (CANCEL racing 200) — the first answer wins, and the loser's 200
is ACKed and at once BYEd, never left half-open. Both phones are bare UDP peers here, so
each message the switch sends can be seen and timed."""

from __future__ import annotations

import asyncio
import socket
import time
from itertools import count

import pytest

from tests.telephony.conftest import (
    AGENT_EXTENSION,
    AGENT_ID,
    AGENT_PASSWORD,
    CALLBACK_AGENT_ID,
    CALLBACK_EXTENSION,
    CALLBACK_PASSWORD,
    CUSTOMER_EXTENSION,
    CUSTOMER_PASSWORD,
    Running,
)
from tests.telephony.test_robot_phones import wait_for
from vaxel.acd.events import CallbackRequested, ContactArrived
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.sip.auth import authorization_for
from vaxel.sip.message import Request, Response, response_to
from vaxel.sip.parser import parse_message
from vaxel.store import ReadModels
from vaxel.store.callback_history import CallbackHistory

pytestmark = pytest.mark.interop
_sequence = count(1)


def answer_sdp(port: int) -> bytes:
    return (
        f"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
        f"m=audio {port} RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n"
        "a=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n"
    ).encode()


class BarePhone:
    """One registered phone on a UDP socket that answers when told to."""

    def __init__(
        self, server: int, extension: str = AGENT_EXTENSION, password: str = AGENT_PASSWORD
    ) -> None:
        self.server = server
        self.extension, self.password = extension, password
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.setblocking(False)
        self.port = self.sock.getsockname()[1]
        # its own RTP port, never "SIP port + 1": that may be another phone's SIP socket,
        # which then reads our media as SIP (a ParseError seen under load)
        self.rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.rtp.bind(("127.0.0.1", 0))
        self.rtp_port = self.rtp.getsockname()[1]
        self.tag = f"phone{self.port}"
        self.seen: list[Request | Response] = []

    def close(self) -> None:
        self.sock.close()
        self.rtp.close()

    def send(self, message: Request | Response | bytes) -> None:
        data = message if isinstance(message, bytes) else message.to_bytes()
        self.sock.sendto(data, ("127.0.0.1", self.server))

    async def next(self, seconds: float = 3.0) -> Request | Response:
        loop = asyncio.get_running_loop()
        message = parse_message(await asyncio.wait_for(loop.sock_recv(self.sock, 65535), seconds))
        self.seen.append(message)
        return message

    async def listen(self, seconds: float, *, until_bye: bool = False) -> None:
        """Collect what comes for ``seconds`` (or until a BYE); a BYE is answered 200."""
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            try:
                message = await self.next(left)
            except TimeoutError:
                return
            if isinstance(message, Request) and message.method == "BYE":
                self.send(response_to(message, 200, "OK"))
                if until_bye:
                    return

    async def register(self) -> None:
        authorization = ""
        for _ in range(2):
            n = next(_sequence)
            self.send(
                (
                    f"REGISTER sip:127.0.0.1 SIP/2.0\r\n"
                    f"Via: SIP/2.0/UDP 127.0.0.1:{self.port};branch=z9hG4bKreg{n};rport\r\n"
                    f"From: <sip:{self.extension}@127.0.0.1>;tag={self.tag}\r\n"
                    f"To: <sip:{self.extension}@127.0.0.1>\r\n"
                    f"Call-ID: reg-{self.port}\r\nCSeq: {n} REGISTER\r\nMax-Forwards: 70\r\n"
                    f"Contact: <sip:{self.extension}@127.0.0.1:{self.port}>;expires=300\r\n"
                    f"{authorization}Content-Length: 0\r\n\r\n"
                ).encode()
            )
            reply = await self.next()
            assert isinstance(reply, Response)
            if reply.status == 200:
                return
            challenge = reply.headers.get("WWW-Authenticate") or ""
            value = authorization_for(
                challenge,
                username=self.extension,
                password=self.password,
                method="REGISTER",
                uri="sip:127.0.0.1",
                cnonce=self.tag,
            )
            authorization = f"Authorization: {value}\r\n"
        raise AssertionError("not registered")

    async def rung(self) -> Request:
        """The INVITE that rings this phone, answered 180 at once."""
        while True:
            message = await self.next(10.0)
            if isinstance(message, Request) and message.method == "INVITE":
                self.send(response_to(message, 180, "Ringing", to_tag=self.tag))
                return message

    def answer(self, invite: Request) -> None:
        ok = response_to(invite, 200, "OK", to_tag=self.tag)
        ok.headers.add("Contact", f"<sip:{self.extension}@127.0.0.1:{self.port}>")
        ok.headers.add("Content-Type", "application/sdp")
        ok.body = answer_sdp(self.rtp_port)
        self.send(ok)

    def got(self, method: str) -> list[Request]:
        return [m for m in self.seen if isinstance(m, Request) and m.method == method]


@pytest.mark.parametrize("race", ["both at once", "after our cancel"])
async def test_two_phones_answering_one_wins_and_the_other_is_acked_and_hung_up(
    running: Running, race: str
) -> None:
    center, service = running.center, running.service
    desk, soft = BarePhone(running.port), BarePhone(running.port)
    try:
        await desk.register()
        await soft.register()
        await wait_for(lambda: center.acd.agent_view(DEMO_TENANT, AGENT_ID).state.value == "ready")
        center.submit(ContactArrived(DEMO_TENANT, "parallel-1", "bygglov"), time.time())
        service.after_external_submit()
        desk_invite, soft_invite = await asyncio.gather(desk.rung(), soft.rung())
        assert desk_invite.call_id == soft_invite.call_id  # forks of one call (dialout.py)
        await asyncio.sleep(0.2)  # the 180s are in: a CANCEL may go (§9.1)
        desk.answer(desk_invite)
        if race == "both at once":
            soft.answer(soft_invite)
        else:  # the loser answers after the CANCEL came, as its 200 crossed it
            while not soft.got("CANCEL"):
                await soft.next()
            soft.send(response_to(soft.got("CANCEL")[0], 200, "OK"))
            soft.answer(soft_invite)
        await asyncio.gather(desk.listen(1.5), soft.listen(1.5))
        desk.answer(desk_invite)  # the winner's 200 again, as if our ACK was lost
        await desk.listen(0.5)
        call = service.switch.calls["parallel-1"]
        assert call.agent is not None and call.agent.dialog is not None
        assert call.agent.dialog.remote_tag == desk.tag  # the first answer won
        assert len(desk.got("ACK")) == 2 and not desk.got("BYE")  # ACKed again (§13.2.2.4)
        assert len(soft.got("ACK")) >= 1 and len({b.branch for b in soft.got("BYE")}) == 1
        assert center.acd.contact_view(DEMO_TENANT, "parallel-1").agent_id == AGENT_ID
        bye = call.agent.dialog  # the winner hangs up: the contact ends (Q22)
        n = next(_sequence)
        desk.send(
            (
                f"BYE sip:vaxel@127.0.0.1:{running.port} SIP/2.0\r\n"
                f"Via: SIP/2.0/UDP 127.0.0.1:{desk.port};branch=z9hG4bKbye{n};rport\r\n"
                f"From: <sip:{AGENT_EXTENSION}@127.0.0.1>;tag={bye.remote_tag}\r\n"
                f"To: {desk_invite.headers.get('From')}\r\n"
                f"Call-ID: {bye.call_id}\r\nCSeq: 2 BYE\r\nMax-Forwards: 70\r\n"
                "Content-Length: 0\r\n\r\n"
            ).encode()
        )
        await wait_for(lambda: not service.switch.calls, 5)
        assert not service.switch.dialer.by_fork  # no phone left ringing or half-open
        state = center.acd.agent_view(DEMO_TENANT, AGENT_ID).state.value
        assert state == "wrap_up"
    finally:
        desk.close()
        soft.close()


async def test_a_callback_customer_who_does_not_answer_is_cancelled_on_the_calls_timer(
    running: Running,
) -> None:
    """CB9 on the call's one timer: the customer rings ``customer_ring_s``, then is
    cancelled; the attempt is recorded unanswered and the agent is told, then hung up."""
    center, service = running.center, running.service
    service.switch.acd_commands.customer_ring_s = 0.6  # callbacks' machines are the ACD part's
    agent = BarePhone(running.port, CALLBACK_EXTENSION, CALLBACK_PASSWORD)
    customer = BarePhone(running.port, CUSTOMER_EXTENSION, CUSTOMER_PASSWORD)
    try:
        await agent.register()
        await customer.register()
        await wait_for(
            lambda: center.acd.agent_view(DEMO_TENANT, CALLBACK_AGENT_ID).state.value == "ready"
        )
        center.submit(CallbackRequested(DEMO_TENANT, "kundtjanst", CUSTOMER_EXTENSION), time.time())
        service.after_external_submit()
        agent.answer(await agent.rung())
        invite = await customer.rung()  # dialled once the agent answered; never answers
        rung_at = time.monotonic()
        cancel = await customer.next()
        waited = time.monotonic() - rung_at
        assert isinstance(cancel, Request) and cancel.method == "CANCEL", cancel
        assert 0.4 < waited < 3.0, waited  # the ring time, not the ACD's offer timer
        customer.send(response_to(cancel, 200, "OK"))
        customer.send(response_to(invite, 487, "Request Terminated", to_tag=customer.tag))
        await agent.listen(10.0, until_bye=True)  # the notice (CUSTOMER_NO_ANSWER), then our BYE
        assert len({b.branch for b in agent.got("BYE")}) == 1
        await wait_for(lambda: not service.switch.calls, 5)
        assert not service.switch.dialer.by_fork and not len(service.switch.timers)
    finally:
        agent.close()
        customer.close()
    [callback] = ReadModels(center.database).callbacks(DEMO_TENANT)
    [attempt] = CallbackHistory(center.database).attempts(DEMO_TENANT, [callback.contact_id])[
        callback.contact_id
    ]
    assert (attempt.agent_id, attempt.call_result) == (CALLBACK_AGENT_ID, "no_answer")
