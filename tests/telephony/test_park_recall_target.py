"""A park's recall rings the phone that parked, whatever its REFER says (task R; issue 14
§6, OP3).

Bertil calls Anna; Anna's phone parks him on orbit 700 with a REFER whose Referred-By names
Cecilia's extension. The recall went to the extension named in Referred-By (any of the
tenant's), so a phone could make a colleague's phone ring with calls it parked. It goes to
the line the call rang on Anna's phone (the extension our INVITE went to)."""

from __future__ import annotations

import asyncio

import pytest

from tests.telephony.conftest import Running
from tests.telephony.test_attended_transfer_robots import PASSWORD, PEOPLE, Transferor, plan
from tests.telephony.test_robot_phones import wait_for
from vaxel.pbx.park import MIN_RECALL_S, ParkSettings
from vaxel.sip.message import Request, Response
from vaxel.telephony.call import CallState

pytestmark = pytest.mark.interop


async def test_the_recall_rings_the_phone_that_parked_not_the_one_it_names(
    untrusted: Running,
) -> None:
    running, port = untrusted, untrusted.port
    plan(running)
    switch = running.service.switch
    switch.parking.settings = lambda _: ParkSettings(recall_s=MIN_RECALL_S)
    anna = Transferor(port, PEOPLE["anna"][0], PASSWORD)
    bertil = Transferor(port, PEOPLE["bertil"][0], PASSWORD)
    cecilia = Transferor(port, PEOPLE["cecilia"][0], PASSWORD)
    try:
        for phone in (anna, bertil, cecilia):
            await phone.register()
        calling = asyncio.ensure_future(bertil.call(port, PEOPLE["anna"][1]))
        held = await anna.answer_call()
        await calling
        await wait_for(
            lambda: [c.state for c in switch.calls.values()] == [CallState.TRANSFERRED], 15
        )
        cecilia_line = PEOPLE["cecilia"][0]
        anna.request(
            held,
            "REFER",
            extra=f"Refer-To: <sip:700@127.0.0.1:{port}>\r\n"
            f"Referred-By: <sip:{cecilia_line}@127.0.0.1>\r\n",
        )
        answer = await anna.expect(lambda m: isinstance(m, Response) and m.cseq[1] == "REFER")
        assert isinstance(answer, Response) and answer.status == 202
        recall = await anna.expect(
            lambda m: isinstance(m, Request) and m.method == "INVITE", MIN_RECALL_S + 8
        )
        assert isinstance(recall, Request)  # Anna's phone is rung back
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(cecilia.rung(), 0.5)  # never Cecilia's
    finally:
        for call in list(switch.calls.values()):
            switch.hang_up(call)
        switch.drain()
        for phone in (anna, bertil, cecilia):
            phone.close()
