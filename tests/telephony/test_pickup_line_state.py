"""Whoever picks up a ringing call is busy in it (issue 16, DIR4, OP2, OP4): Karin calls
Eva (4602), Eva's phone rings, Olle's desk phone takes it with the directed pickup code
(**3103) — Olle's line is *Upptagen* while he talks with Karin, Eva's is free at once,
and both lines are free when the call ends. Scripted UDP phones on 127.0.0.1."""

from __future__ import annotations

import asyncio

import pytest

from tests.telephony.conftest import Running
from tests.telephony.test_attended_transfer_robots import Transferor
from tests.telephony.test_line_state_heals import phones
from tests.telephony.test_pbx_forwarding import PASSWORD, PEOPLE
from tests.telephony.test_robot_phones import wait_for
from vaxel.directory.presence import LineState
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.sip.message import Request, response_to

pytestmark = pytest.mark.interop


async def test_the_phone_that_picks_up_a_call_is_busy_in_it(untrusted: Running) -> None:
    running, port = untrusted, untrusted.port
    reach, karin, olle = await phones(running)
    eva = Transferor(port, PEOPLE["eva"][0], PASSWORD)

    def line(person: str) -> LineState:
        return reach.line(DEMO_TENANT, person)

    try:
        await eva.register()
        rung = asyncio.create_task(eva.rung())
        await karin.ring(port, "4602")
        await asyncio.wait_for(rung, 10)
        assert (line("karin"), line("eva")) == (LineState.BUSY, LineState.RINGING)
        invite = rung.result()
        cancelled = asyncio.create_task(
            eva.expect(lambda m: isinstance(m, Request) and m.method == "CANCEL")
        )
        taken = await asyncio.wait_for(olle.call(port, f"**{PEOPLE['eva'][0]}"), 10)
        cancel = await asyncio.wait_for(cancelled, 5)  # her phone stops ringing, as phones do
        eva.send(response_to(cancel, 200, "OK"))
        eva.send(response_to(invite, 487, "Request Terminated", to_tag=eva.tag))
        await wait_for(lambda: line("eva") is LineState.IDLE, 5)
        assert (line("karin"), line("olle")) == (LineState.BUSY, LineState.BUSY)
        olle.request(taken, "BYE")
        await wait_for(lambda: not running.service.switch.calls, 5)
        assert (line("karin"), line("olle"), line("eva")) == (LineState.IDLE,) * 3
    finally:
        for phone in (karin, olle, eva):
            phone.close()
