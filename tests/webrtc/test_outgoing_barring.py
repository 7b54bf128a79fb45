"""Calls from the browser phone hold the extension's class of service on the real switch
(issue 15 §2, PBX8): the line dials as extension 2001 (the default class: no calls abroad,
no premium rate), so +44 and 0900 are refused 403 and the page says so in Swedish while
nothing reaches the carrier, and 112 goes out through the tenant's trunk whatever the
class — to a SIPp carrier that answers. The page-side stand-in switch of test_outgoing.py
proves the SIP steps; this proves who decides is the switch."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.telephony.conftest import CUSTOMER_EXTENSION, CUSTOMER_PASSWORD
from tests.telephony.test_trunk_carrier import (  # noqa: F401  (carrier_port: a fixture)
    CARRIER_PASSWORD,
    carrier_port,
    received_invite,
    registered_carrier,
    start_with_trunk,
    wait_for_calls_to_end,
)
from tests.webrtc.test_line import Page
from vaxel.webrtc.line import BrowserLine
from vaxel.webrtc.outgoing import REFUSALS
from vaxel.webrtc.rtp_side import EngineAudio, RtpSide

pytestmark = [pytest.mark.interop, pytest.mark.timeout(90)]


async def _ended(page: Page, count: int) -> dict[str, object]:
    for _ in range(500):
        ended = [m for m in page.told if m["type"] == "ended"]
        if len(ended) >= count:
            return ended[count - 1]
        await asyncio.sleep(0.02)
    raise AssertionError(f"the call did not end: {page.told}")


async def test_the_browser_phone_is_barred_abroad_and_premium_but_112_goes_out(
    tmp_path: Path,
    carrier_port: int,  # noqa: F811
) -> None:
    running = await start_with_trunk(tmp_path, carrier_port, CARRIER_PASSWORD, trusted=False)
    page = Page()
    rtp = RtpSide(EngineAudio())
    await rtp.open("127.0.0.1")
    line = BrowserLine("127.0.0.1", rtp, page.told.append)
    await line.start()
    switch = ("127.0.0.1", running.port)
    try:
        carrier = await registered_carrier(running, carrier_port, tmp_path)
        for count, barred in enumerate(("+442071234567", "0900123456"), start=1):
            assert line.dial(barred, CUSTOMER_EXTENSION, "Eva", CUSTOMER_PASSWORD, switch) is None
            ended = await _ended(page, count)
            assert ended["reason"] == REFUSALS[403], ended  # "Du får inte ringa det numret."
        assert not running.service.switch.calls
        assert line.dial("112", CUSTOMER_EXTENSION, "Eva", CUSTOMER_PASSWORD, switch) is None
        await page.said("connected")
        ended = await _ended(page, 3)  # the carrier hangs up after its answer
        assert ended["reason"] != REFUSALS[403]
        code, output = await carrier
        assert code == 0, output
        invite = received_invite(tmp_path, "carrier_answers")
        assert invite.startswith(f"INVITE sip:112@127.0.0.1:{carrier_port} SIP/2.0")
        await wait_for_calls_to_end(running)
    finally:
        await line.close()
        rtp.close()
        await running.service.close()
