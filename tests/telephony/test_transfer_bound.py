"""A call is transferred at most MAX_TRANSFERS times (task R2; issue 14 §6, PBX8).

Each transfer rings a new offer the call keeps for its life, so two phones passing a call
back and forth with REFER — a robot, a pair of auto-transferring phones, a loop — grew it
without bound (memory, one INVITE transaction a turn). Here Anna's phone transfers
Bertil's call to her own number again and again: the first MAX_TRANSFERS are accepted
(202, her phone rung anew each time), the next is 403 and the call goes on with her."""

from __future__ import annotations

import asyncio

import pytest

from tests.telephony.conftest import Running
from tests.telephony.test_attended_transfer_robots import PASSWORD, PEOPLE, Transferor, plan
from tests.telephony.test_robot_phones import wait_for
from vaxel.sip.message import Response
from vaxel.telephony.call import CallState
from vaxel.telephony.in_dialog import MAX_TRANSFERS

pytestmark = pytest.mark.interop


async def test_a_call_passed_back_and_forth_is_transferred_a_bounded_number_of_times(
    untrusted: Running,
) -> None:
    running, port = untrusted, untrusted.port
    plan(running)
    anna = Transferor(port, PEOPLE["anna"][0], PASSWORD)
    bertil = Transferor(port, PEOPLE["bertil"][0], PASSWORD)
    switch = running.service.switch
    try:
        await anna.register()
        await bertil.register()
        task = asyncio.ensure_future(bertil.call(port, PEOPLE["anna"][1]))
        held = await anna.answer_call()
        await task
        refer_to = f"Refer-To: <sip:{PEOPLE['anna'][1]}@127.0.0.1:{port}>\r\n"
        for turn in range(MAX_TRANSFERS + 1):
            await wait_for(
                lambda: [c.state for c in switch.calls.values()] == [CallState.TRANSFERRED], 15
            )
            anna.request(held, "REFER", extra=refer_to)
            answer = await anna.expect(lambda m: isinstance(m, Response) and m.cseq[1] == "REFER")
            assert isinstance(answer, Response)
            if turn == MAX_TRANSFERS:
                assert answer.status == 403, (turn, answer.status)
                break
            assert answer.status == 202, (turn, answer.status)
            held = await anna.answer_call()  # rung again: the call came back to her
        (call,) = switch.calls.values()
        assert call.state is CallState.TRANSFERRED, "the call goes on with Anna"
        assert call.transfers == MAX_TRANSFERS
        assert len(call.machine.offers) <= MAX_TRANSFERS + 2
    finally:
        for call in list(switch.calls.values()):
            switch.hang_up(call)
        switch.drain()
        anna.close()
        bertil.close()
