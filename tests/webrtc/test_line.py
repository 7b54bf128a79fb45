"""The browser phone's SIP line (issue 15 §2), driven by a second ``vaxel.sip`` endpoint
playing the switch on 127.0.0.1: an INVITE rings the page; a second one while it rings is
refused 486 (forwarding on busy); Avvisa answers 486; Svara answers 200 with PCMU, the ACK
connects; hold re-INVITEs sendonly; a BYE from the switch ends the call with a reason; an
unknown call id or a key outside 0-9*# is refused in Swedish."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from vaxel.sip.dialog import Dialog
from vaxel.sip.message import Request, Response
from vaxel.sip.sdp import make_offer, parse_sdp, serialize_sdp
from vaxel.sip.transaction import Event, RequestReceived, ResponseReceived
from vaxel.telephony.endpoint import SipEndpoint
from vaxel.webrtc.line import BrowserLine, CallState
from vaxel.webrtc.rtp_side import EngineAudio, RtpSide

pytestmark = pytest.mark.timeout(30)


@dataclass
class Switch:
    """The switch's side: sends INVITEs, keeps what comes back."""

    endpoint: SipEndpoint = field(init=False)
    responses: list[Response] = field(default_factory=list)
    requests: list[RequestReceived] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.endpoint = SipEndpoint(self.on_event, host="127.0.0.1", port=0)

    def on_event(self, event: Event) -> None:
        if isinstance(event, ResponseReceived):
            self.responses.append(event.response)
        elif isinstance(event, RequestReceived):
            self.requests.append(event)
            body = b""
            if event.request.method == "INVITE":
                body = serialize_sdp(make_offer("127.0.0.1", 40000, session_id=2, version=2))
            self.endpoint.respond(event.server_key, event.request, 200, "OK", body=body)

    def invite(self, line: BrowserLine) -> Request:
        offer = make_offer("127.0.0.1", 40000, session_id=1, version=1)
        request = self.endpoint.new_request(
            "INVITE",
            line.contact,
            from_user="3001",
            from_name="Karin Carlsson",
            body=serialize_sdp(offer),
        )
        self.endpoint.request(request, line.address)
        return request

    async def final(self, request: Request) -> Response:
        for _ in range(100):
            for response in self.responses:
                if response.call_id == request.call_id and response.status >= 200:
                    return response
            await asyncio.sleep(0.02)
        raise AssertionError(f"no final response to {request.call_id}")


@dataclass
class Page:
    told: list[dict[str, Any]] = field(default_factory=list)

    async def said(self, kind: str) -> dict[str, Any]:
        for _ in range(100):
            found = [m for m in self.told if m["type"] == kind]
            if found:
                return found[-1]
            await asyncio.sleep(0.02)
        raise AssertionError(f"the page was not told {kind}: {self.told}")


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


async def test_a_call_rings_a_second_is_busy_and_avvisa_answers_486(
    parts: tuple[BrowserLine, Switch, Page],
) -> None:
    line, switch, page = parts
    first = switch.invite(line)
    ringing = await page.said("ringing")
    assert ringing["from"] == "3001" and ringing["name"] == "Karin Carlsson"
    second = switch.invite(line)
    assert (await switch.final(second)).status == 486  # one call at a time
    assert line.command({"type": "accept", "call": "nope"}) == "Samtalet finns inte längre."
    assert line.command({"type": "decline", "call": ringing["call"]}) is None
    assert (await switch.final(first)).status == 486
    assert (await page.said("ended"))["reason"] == "Du avvisade samtalet."
    assert line.call is None


async def test_svara_answers_pcmu_the_ack_connects_hold_reinvites_and_a_bye_ends_it(
    parts: tuple[BrowserLine, Switch, Page],
) -> None:
    line, switch, page = parts
    invite = switch.invite(line)
    call_id = (await page.said("ringing"))["call"]
    assert line.command({"type": "accept", "call": call_id}) is None
    ok = await switch.final(invite)
    assert ok.status == 200
    [audio] = parse_sdp(ok.body).media
    assert audio.formats[0] == 0 and audio.port == line.rtp.port  # PCMU, our RTP side
    assert line.rtp.remote == ("127.0.0.1", 40000)
    dialog = Dialog.as_uac(invite, ok)
    ack = dialog.request("ACK", switch.endpoint.via(), cseq=1)
    switch.endpoint.send_raw(ack.to_bytes(), line.address)
    assert (await page.said("connected"))["call"] == call_id
    assert line.call is not None and line.call.state is CallState.CONNECTED

    assert line.command({"type": "dtmf", "call": call_id, "digit": "x"}) is not None
    assert line.command({"type": "hold", "call": call_id, "on": True}) is None
    assert (await page.said("held"))["on"] is True
    [reinvite] = [r.request for r in switch.requests if r.request.method == "INVITE"]
    assert b"a=sendonly" in reinvite.body and line.rtp.held

    bye = dialog.request("BYE", switch.endpoint.via())
    switch.endpoint.request(bye, line.address)
    assert (await page.said("ended"))["reason"] == "Den andra parten lade på."
    assert line.call is None and line.rtp.remote is None
