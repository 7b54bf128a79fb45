"""A desk phone with two lines on one socket transfers as the line that rang (task R;
issue 14 §6, PBX8).

Desk phones register several accounts (line keys) from the same address and port: here
Anna's phone has her own line 3001 (class "Sweden": nothing abroad) and her manager's line
3009 (the tenant's open default class). Bertil calls Anna's short number; the call rings
line 3001 and she transfers Bertil to London. The transferring extension was found by the
phone's address alone — whichever of the two lines came first — so the manager's class let
the call go abroad. It is the line our INVITE went to (its Contact): 403, nothing dialled."""

from __future__ import annotations

import asyncio
import socket

import pytest

from tests.telephony.conftest import Running
from tests.telephony.test_attended_transfer_robots import PASSWORD, PEOPLE, Transferor, plan
from tests.telephony.test_barring_paths import open_tenant
from tests.telephony.test_robot_phones import wait_for
from vaxel.pbx.trunks import Trunk, TrunkMode
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.sip.message import Response
from vaxel.telephony.call import CallState
from vaxel.telephony.directory import Extension

pytestmark = pytest.mark.interop
MANAGER_LINE = "3009"


async def test_a_two_line_phone_transfers_under_the_class_of_the_line_that_rang(
    untrusted: Running,
) -> None:
    running, port = untrusted, untrusted.port
    directory = running.service.directory
    directory.extensions[MANAGER_LINE] = Extension(DEMO_TENANT, MANAGER_LINE, PASSWORD, "", "Chef")
    plan(running)  # Anna 3001 on 4500, Bertil 3002 on 4501 (after the manager's line)
    anna_line = PEOPLE["anna"][0]
    open_tenant(directory, users={anna_line: "sverige"})
    carrier = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    carrier.bind(("127.0.0.1", 0))
    carrier.setblocking(False)
    directory.outside.trunks[DEMO_TENANT] = Trunk(
        DEMO_TENANT, "127.0.0.1", carrier.getsockname()[1], mode=TrunkMode.IP
    )
    anna = Transferor(port, MANAGER_LINE, PASSWORD)
    bertil = Transferor(port, PEOPLE["bertil"][0], PASSWORD)
    switch = running.service.switch
    loop = asyncio.get_running_loop()
    try:
        await anna.register()  # the manager's line first, then her own, on one socket
        anna.extension = anna_line
        await anna.register()
        await bertil.register()
        calling = asyncio.ensure_future(bertil.call(port, PEOPLE["anna"][1]))
        held = await anna.answer_call()
        await calling
        await wait_for(
            lambda: [c.state for c in switch.calls.values()] == [CallState.TRANSFERRED], 15
        )
        anna.request(held, "REFER", extra=f"Refer-To: <sip:+442079460000@127.0.0.1:{port}>\r\n")
        answer = await anna.expect(lambda m: isinstance(m, Response) and m.cseq[1] == "REFER")
        assert isinstance(answer, Response)
        assert answer.status == 403, answer.status  # Anna's line: Sweden only
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(loop.sock_recv(carrier, 65535), 1.0)
    finally:
        for call in list(switch.calls.values()):
            switch.hang_up(call)
        switch.drain()
        carrier.close()
        anna.close()
        bertil.close()
