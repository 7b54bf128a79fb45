"""A browser phone's call outlives its dropped socket (issue 15: "reconnect after a network
drop without losing the call where the media path survives"): the page's next socket takes
it back with the token it was given — only as the same user of the same tenant — and a
phone nobody resumes within the grace period ends its call as before (BYE to the switch).
A real aiortc peer plays the browser, a ``vaxel.sip`` endpoint the switch."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiortc import RTCPeerConnection, RTCSessionDescription

from tests.webrtc.test_browser_phones import offer
from tests.webrtc.test_line import Page, Switch
from tests.webrtc.test_link import registrar_link
from vaxel.sip.dialog import Dialog
from vaxel.webrtc.phones import BrowserPhone, BrowserPhones

pytestmark = pytest.mark.timeout(60)
MARIA = ("gavle", "maria")


async def until(check: Any, seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.02)):
        if check():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("not in time")


@pytest.fixture
async def switch() -> AsyncIterator[Switch]:
    switch = Switch()
    await switch.endpoint.start()
    yield switch
    await switch.endpoint.close()


async def in_a_call(
    phones: BrowserPhones, switch: Switch
) -> tuple[BrowserPhone, RTCPeerConnection, Dialog, str]:
    """Maria's phone with its media path connected and a call answered and ACKed."""
    page = Page()

    async def send(message: dict[str, Any]) -> None:
        page.told.append(message)

    phone = phones.open(*MARIA, send)
    browser, sdp = await offer(("audio/pcmu",))
    await phone.handle({"type": "offer", "sdp": sdp})
    answer = await page.said("answer")
    await browser.setRemoteDescription(RTCSessionDescription(answer["sdp"], "answer"))
    await until(lambda: phone.media_state == "connected" == browser.connectionState)
    assert phone.line is not None and answer["resume"] == phone.resume_token
    invite = switch.invite(phone.line)
    call = (await page.said("ringing"))["call"]
    await phone.handle({"type": "accept", "call": call})
    ok = await switch.final(invite)
    dialog = Dialog.as_uac(invite, ok)  # the switch's side of the call
    ack = dialog.request("ACK", switch.endpoint.via(), cseq=1)
    switch.endpoint.send_raw(ack.to_bytes(), phone.line.address)
    await page.said("connected")
    return phone, browser, dialog, call


def byes(switch: Switch) -> int:
    return sum(1 for received in switch.requests if received.request.method == "BYE")


async def test_only_the_same_user_and_tenant_with_the_token_resume_the_call(
    switch: Switch,
) -> None:
    phones = BrowserPhones(link=registrar_link())
    phone, browser, _, call = await in_a_call(phones, switch)
    try:
        await phone.drop()  # the socket went; the media path is still up
        assert phone in phones.kept and phone.line is not None and phone.line.call is not None
        later = Page()

        async def send(message: dict[str, Any]) -> None:
            later.told.append(message)

        token = phone.resume_token
        assert phones.resume("gavle", "olle", token, send) is None  # another user
        assert phones.resume("annanstad", "maria", token, send) is None  # another tenant
        assert phones.resume(*MARIA, "x" * len(token), send) is None  # a guess
        assert phone in phones.kept and later.told == []

        assert phones.resume(*MARIA, token, send) is phone
        resumed = await later.said("resumed")
        assert resumed == {
            "type": "resumed",
            "ok": True,
            "call": call,
            "state": "connected",
            "held": False,
            "extension": "1003",
        }
        assert phones.open_phones[MARIA] is phone and phone not in phones.kept
        await phone.handle({"type": "hold", "call": call, "on": True})
        assert (await later.said("held"))["on"] is True  # the call answers the new socket
        assert byes(switch) == 0
    finally:
        await browser.close()
        await phone.close()


async def test_a_call_nobody_resumes_ends_when_the_grace_period_runs_out(switch: Switch) -> None:
    phones = BrowserPhones(link=registrar_link(), grace_s=0.5)
    phone, browser, _, _ = await in_a_call(phones, switch)
    try:
        await phone.drop()
        await asyncio.sleep(0.2)
        assert byes(switch) == 0 and phone.line is not None  # still within the grace
        await until(lambda: MARIA not in phones.open_phones, 5)  # then it closes
        await until(lambda: byes(switch) == 1, 5)  # and the call ends as a closed phone's
        assert phone.line is None and len(phones.kept) == 0 and MARIA not in phones.open_phones
        token = phone.resume_token

        async def send(message: dict[str, Any]) -> None:
            raise AssertionError("nothing is resumed")

        assert phones.resume(*MARIA, token, send) is None
    finally:
        await browser.close()
        await phone.close()


async def test_a_dropped_phone_whose_call_ends_meanwhile_closes_at_once(switch: Switch) -> None:
    phones = BrowserPhones(link=registrar_link(), grace_s=30)
    phone, browser, dialog, _ = await in_a_call(phones, switch)
    try:
        assert phone.line is not None
        await phone.drop()
        bye = dialog.request("BYE", switch.endpoint.via())  # the other party hung up
        switch.endpoint.request(bye, phone.line.address)
        await until(lambda: MARIA not in phones.open_phones, 5)
        assert phone.line is None and len(phones.kept) == 0
    finally:
        await browser.close()
        await phone.close()
