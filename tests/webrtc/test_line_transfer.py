"""The browser line's blind transfer (issue 15, ``vaxel/webrtc/line_transfer.py``), against a
``vaxel.sip`` endpoint playing the switch: a connected call's ``transfer`` sends a REFER
whose Refer-To is the number; the switch's refusal (404) reaches the page in Swedish and the
call goes on; its 202 and BYE end the call as transferred; a number with letters, an empty
or an overlong one is refused before anything is sent, and a second transfer while one is
under way too; a REFER the switch never answers is given up at the transaction's timeout
and may be tried again."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.webrtc.test_line import Page, Switch, parts
from vaxel.sip.dialog import Dialog
from vaxel.sip.message import Request
from vaxel.sip.transaction import RequestReceived, TransactionTimeout
from vaxel.webrtc.line import BrowserLine, CallState

__all__ = ["parts"]  # the fixture, shared with the line's test


class ReferSwitch(Switch):
    """Answers REFERs with ``refer_status`` (202 as the real switch, or a refusal)."""

    refer_status: int | None = 202
    """None: the REFER is never answered."""

    def on_event(self, event: Any) -> None:
        if isinstance(event, RequestReceived) and event.request.method == "REFER":
            self.requests.append(event)
            if self.refer_status is not None:
                self.endpoint.respond(event.server_key, event.request, self.refer_status, "R")
            return
        super().on_event(event)


async def connected(line: BrowserLine, switch: Switch, page: Page) -> tuple[str, Dialog]:
    invite = switch.invite(line)
    call_id = (await page.said("ringing"))["call"]
    assert line.command({"type": "accept", "call": call_id}) is None
    ok = await switch.final(invite)
    dialog = Dialog.as_uac(invite, ok)
    ack = dialog.request("ACK", switch.endpoint.via(), cseq=1)
    switch.endpoint.send_raw(ack.to_bytes(), line.address)
    await page.said("connected")
    return call_id, dialog


async def refers(switch: Switch, count: int) -> list[Request]:
    for _ in range(100):
        found = [r.request for r in switch.requests if r.request.method == "REFER"]
        if len(found) >= count:
            return found
        await asyncio.sleep(0.02)
    raise AssertionError("no REFER reached the switch")


async def test_a_refused_transfer_is_told_in_swedish_and_an_accepted_one_ends_the_call(
    parts: tuple[BrowserLine, Switch, Page],
) -> None:
    line, _, page = parts
    switch = ReferSwitch()
    await switch.endpoint.start()
    try:
        call_id, dialog = await connected(line, switch, page)
        for bad in ("", "12ab", "1" * 33, 4504, None):
            refusal = line.command({"type": "transfer", "call": call_id, "number": bad})
            assert refusal is not None and "Skriv numret" in refusal
        assert not [r for r in switch.requests if r.request.method == "REFER"]

        switch.refer_status = 404
        assert line.command({"type": "transfer", "call": call_id, "number": "45 99"}) is None
        [refer] = await refers(switch, 1)
        assert refer.headers.get("Refer-To") == f"<sip:4599@{line.host}>"
        assert (await page.said("error"))["message"] == "Numret 4599 finns inte."
        assert line.call is not None and line.call.state is CallState.CONNECTED

        switch.refer_status = 202
        assert line.command({"type": "transfer", "call": call_id, "number": "4504"}) is None
        busy = line.command({"type": "transfer", "call": call_id, "number": "4504"})
        assert busy == "Samtalet håller redan på att kopplas."
        await refers(switch, 2)
        bye = dialog.request("BYE", switch.endpoint.via())  # the switch hangs up our leg
        switch.endpoint.request(bye, line.address)
        assert (await page.said("ended"))["reason"] == "Samtalet kopplades till 4504."
        assert line.call is None and line.rtp.remote is None
    finally:
        await switch.endpoint.close()


async def test_an_unanswered_transfer_is_given_up_at_the_timeout(
    parts: tuple[BrowserLine, Switch, Page],
) -> None:
    line, _, page = parts
    switch = ReferSwitch()
    switch.refer_status = None
    await switch.endpoint.start()
    try:
        call_id, _ = await connected(line, switch, page)
        assert line.command({"type": "transfer", "call": call_id, "number": "4504"}) is None
        [refer] = await refers(switch, 1)
        assert line.call is not None and line.call.transfer_key is not None
        # the transaction layer's timer F (64·T1, 32 s) as it tells the line
        line.endpoint.handler(TransactionTimeout(line.call.transfer_key, refer))
        told = (await page.said("error"))["message"]
        assert told == "Växeln svarade inte: samtalet kopplades inte till 4504."
        assert line.call.state is CallState.CONNECTED and line.call.transfer_to == ""
        assert line.command({"type": "transfer", "call": call_id, "number": "4504"}) is None
    finally:
        await switch.endpoint.close()
