"""Calls from the browser phone's line (issue 15 §2; PBX8), driven by a second ``vaxel.sip``
endpoint playing the switch with its own digest check: the INVITE is challenged 407 and
sent again once with the extension's credentials, which the switch's authenticator accepts
as that extension; 183 with SDP starts the RTP (early media: the switch's ringback), 200
connects with an ACK, a key leaves as RFC 4733, ``end`` sends BYE; ``end`` before the
answer sends CANCEL; a refusal ends the call in Swedish; a wrong password is tried once
only; a bad number and a second call are refused before anything is sent."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest

from tests.webrtc.test_line import Page
from vaxel.sip.auth import DigestAuthenticator
from vaxel.sip.message import Request
from vaxel.sip.sdp import answer_offer, parse_sdp, serialize_sdp
from vaxel.sip.transaction import AckReceived, CancelReceived, Event, RequestReceived
from vaxel.telephony.endpoint import SipEndpoint
from vaxel.webrtc.line import BrowserLine, CallState
from vaxel.webrtc.rtp_side import EngineAudio, RtpSide

pytestmark = pytest.mark.timeout(30)
PASSWORD = "maria-secret"


@dataclass
class Switch:
    """The switch's side: challenges INVITEs, then answers as the test says."""

    password: str = PASSWORD
    endpoint: SipEndpoint = field(init=False)
    auth: DigestAuthenticator = field(init=False)
    got: list[Request] = field(default_factory=list)
    users: list[str] = field(default_factory=list)
    invite: RequestReceived | None = None
    answers_cancel: bool = False
    early: bool = True
    """183 with SDP (the real switch's ringback as early media); False: a bare 180."""
    """Answer 200 to the INVITE when its CANCEL comes (the 2xx crosses the CANCEL)."""

    def __post_init__(self) -> None:
        self.endpoint = SipEndpoint(self.on_event, host="127.0.0.1", port=0)
        self.auth = DigestAuthenticator("vaxel", b"s" * 32, algorithms=("MD5",))

    @property
    def address(self) -> tuple[str, int]:
        return ("127.0.0.1", self.endpoint.port)

    def on_event(self, event: Event) -> None:
        if isinstance(event, AckReceived | CancelReceived):
            self.got.append(event.request)
        if isinstance(event, CancelReceived) and self.invite is not None:
            if self.answers_cancel:
                self.reply(200, "OK", sdp=True)
            else:
                self.reply(487, "Request Terminated")
            return
        if not isinstance(event, RequestReceived):
            return
        request = event.request
        self.got.append(request)
        if request.method != "INVITE" or request.headers.get("To", "").count("tag="):
            self.endpoint.respond(event.server_key, request, 200, "OK")
            return
        header = request.headers.get("Proxy-Authorization")
        verdict = (
            self.auth.verify(
                header,
                method="INVITE",
                now=time.time(),
                lookup=lambda user: self.password if user == "1003" else None,
                request_uri=request.uri,
                source=event.source[0],
            )
            if header
            else None
        )
        if verdict is None or not verdict.ok:
            challenge = self.auth.challenges(time.time(), source=event.source[0])[0]
            self.endpoint.respond(
                event.server_key,
                request,
                407,
                "Proxy Authentication Required",
                extra=(("Proxy-Authenticate", challenge),),
            )
            return
        self.users.append(verdict.username)
        self.invite = event
        self.tag = self.endpoint.token()
        if self.early:
            self.reply(183, "Session Progress", sdp=True)
        else:
            self.reply(180, "Ringing")

    def reply(self, status: int, reason: str, *, sdp: bool = False) -> None:
        assert self.invite is not None
        body = b""
        if sdp:
            offer = parse_sdp(self.invite.request.body)
            answer, _ = answer_offer(offer, "127.0.0.1", 40002, session_id=5, version=1)
            body = serialize_sdp(answer)
        self.endpoint.respond(
            self.invite.server_key, self.invite.request, status, reason, to_tag=self.tag, body=body
        )

    async def request(self, method: str) -> Request:
        for _ in range(150):
            found = [r for r in self.got if r.method == method]
            if found:
                return found[-1]
            await asyncio.sleep(0.02)
        raise AssertionError(f"no {method} reached the switch: {[r.method for r in self.got]}")


@pytest.fixture
async def parts() -> AsyncIterator[tuple[BrowserLine, Switch, Page]]:
    page, switch = Page(), Switch()
    await switch.endpoint.start()
    rtp = RtpSide(EngineAudio())
    await rtp.open("127.0.0.1")
    line = BrowserLine("127.0.0.1", rtp, page.told.append)
    await line.start()
    yield line, switch, page
    await line.close()
    rtp.close()
    await switch.endpoint.close()


def dial(line: BrowserLine, switch: Switch, number: str = "4501", password: str = PASSWORD) -> None:
    assert line.dial(number, "1003", "Maria", password, switch.address) is None


async def test_a_dialled_call_is_authorised_as_the_extension_rings_early_connects_and_ends(
    parts: tuple[BrowserLine, Switch, Page],
) -> None:
    line, switch, page = parts
    dial(line, switch)
    calling = await page.said("calling")
    assert calling["to"] == "4501"
    progress = await page.said("progress")
    assert progress["early"] is True  # the switch's ringback, heard as early media
    assert switch.users == ["1003"]  # the switch's own digest check passed, once
    invite = await switch.request("INVITE")
    assert invite.uri.startswith("sip:4501@") and "sip:1003@" in invite.headers.get("From", "")
    assert line.rtp.remote == ("127.0.0.1", 40002) and line.rtp.event_type == 101
    assert line.command({"type": "dtmf", "call": calling["call"], "digit": "2"}) is not None

    switch.reply(200, "OK", sdp=True)
    assert (await page.said("connected"))["call"] == calling["call"]
    await switch.request("ACK")
    assert line.call is not None and line.call.state is CallState.CONNECTED
    assert line.command({"type": "dtmf", "call": calling["call"], "digit": "2"}) is None

    assert line.command({"type": "end", "call": calling["call"]}) is None
    await switch.request("BYE")
    assert (await page.said("ended"))["reason"] == "Du lade på."
    assert line.call is None


async def test_hanging_up_before_the_answer_cancels(
    parts: tuple[BrowserLine, Switch, Page],
) -> None:
    line, switch, page = parts
    dial(line, switch)
    call = (await page.said("progress"))["call"]
    assert line.command({"type": "end", "call": call}) is None
    await switch.request("CANCEL")
    assert (await page.said("ended"))["reason"] == "Du lade på."
    assert line.call is None


async def test_a_refusal_ends_the_call_in_swedish(
    parts: tuple[BrowserLine, Switch, Page],
) -> None:
    line, switch, page = parts
    dial(line, switch)
    await page.said("progress")
    switch.reply(486, "Busy Here")
    assert (await page.said("ended"))["reason"] == "Upptaget."
    assert line.call is None


async def test_a_wrong_password_is_tried_once_and_refused(
    parts: tuple[BrowserLine, Switch, Page],
) -> None:
    line, switch, page = parts
    dial(line, switch, password="wrong")
    assert (await page.said("ended"))["reason"] == (
        "Växeln godkände inte din anknytning. Be administratören kontrollera den."
    )
    assert [r.method for r in switch.got] == ["INVITE", "INVITE"]  # first, and one answer
    assert line.call is None


async def test_a_bad_number_and_a_second_call_are_refused_before_anything_is_sent(
    parts: tuple[BrowserLine, Switch, Page],
) -> None:
    line, switch, page = parts
    for bad in ("", "12a", "1" * 33, "070 123"):
        assert "Skriv ett nummer" in (line.dial(bad, "1003", "", PASSWORD, switch.address) or "")
    assert line.call is None and not page.told
    dial(line, switch)
    refusal = line.dial("4502", "1003", "", PASSWORD, switch.address)
    assert refusal == "Lägg på det pågående samtalet först."


async def test_an_answer_that_crosses_the_cancel_is_acked_and_hung_up(
    parts: tuple[BrowserLine, Switch, Page],
) -> None:
    line, switch, page = parts
    switch.answers_cancel = True
    dial(line, switch)
    call = (await page.said("progress"))["call"]
    assert line.command({"type": "end", "call": call}) is None
    assert (await page.said("ended"))["reason"] == "Du lade på."
    await switch.request("ACK")
    bye = await switch.request("BYE")
    assert bye.call_id == (await switch.request("INVITE")).call_id
    assert line.call is None and line.rtp.remote is None
