"""A queue caller the agent blind-transfers is never lost (issue 16 §3): the target does not
answer within the tenant's recall time and the call rings the agent's own phone again,
with the caller on the line throughout. A baresip caller keys her way into the queue;
Karin's desk phone (scripted UDP, it REFERs) and Maria's (rings, never answers) are phones
on the wire. The console's transfer takes the same step (``console_transfer.py``)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from tests.telephony.conftest import (
    AGENT_EXTENSION,
    AGENT_ID,
    AGENT_PASSWORD,
    CALLBACK_EXTENSION,
    CALLBACK_PASSWORD,
    Running,
)
from tests.telephony.robots import Robot
from tests.telephony.test_attended_transfer_robots import Transferor
from tests.telephony.test_pbx_forwarding import Reach
from tests.telephony.test_robot_phones import CALLER_HZ, wait_for
from tests.telephony.test_transfer_recall import RECALL_AFTER_S, _invite, _recalls
from vaxel.acd.events import AgentReady
from vaxel.sim.demo_tenant import DEMO_TENANT, MAIN_NUMBER
from vaxel.sip.message import Request, Response, response_to
from vaxel.telephony.call import CallState
from vaxel.telephony.person_reach import ReachingPeople

pytestmark = pytest.mark.interop


async def test_an_agents_unanswered_transfer_rings_her_phone_back(
    running: Running, tmp_path: Path
) -> None:
    port, switch = running.port, running.service.switch
    reach = Reach()  # the runtime's people and settings, in memory
    ReachingPeople.installed_on(switch, reach, reach)
    _recalls(running)  # the tenant's recall time: 5 s
    karin = Transferor(port, AGENT_EXTENSION, AGENT_PASSWORD)
    maria = Transferor(port, CALLBACK_EXTENSION, CALLBACK_PASSWORD)
    await karin.register()
    await maria.register()
    caller = await Robot.start(tmp_path, "caller", "<sip:0701234567@127.0.0.1>;regint=0", CALLER_HZ)
    try:
        await wait_for(
            lambda: running.center.acd.agent_view(DEMO_TENANT, AGENT_ID).state.value == "ready"
        )
        await caller.command("dial", f"sip:{MAIN_NUMBER}@127.0.0.1:{port}")
        await asyncio.sleep(3.5)  # the welcome prompt cannot be interrupted (IVR2)
        answered = asyncio.create_task(karin.answer_call())
        await caller.keys("2")  # bygglov: Karin's queue
        held = await answered
        await wait_for(lambda: [c.state for c in switch.calls.values()] == [CallState.BRIDGED], 15)
        refer_to = f"Refer-To: <sip:{CALLBACK_EXTENSION}@127.0.0.1:{port}>\r\n"
        karin.request(held, "REFER", extra=refer_to)
        accepted = await karin.expect(lambda m: isinstance(m, Response) and m.cseq[1] == "REFER")
        assert isinstance(accepted, Response) and accepted.status == 202
        await maria.rung()  # Maria does not answer
        started = time.monotonic()
        back = await karin.expect(_invite, RECALL_AFTER_S + 10)
        assert time.monotonic() - started >= RECALL_AFTER_S - 1.0, "after the recall time"
        assert "0701234567" in (back.headers.get("From") or ""), "the caller comes back"
        await maria.expect(lambda m: isinstance(m, Request) and m.method == "CANCEL")
        (call,) = switch.calls.values()
        assert call.state is CallState.RECALLING, "the caller still on the line, never dropped"
        assert isinstance(back, Request)
        karin.answer(back)
        await wait_for(lambda: call.state is CallState.BRIDGED)  # her ACD contact again
        view = running.center.acd.agent_view(DEMO_TENANT, AGENT_ID)
        assert (view.state.value, view.contact_id) == ("busy", call.call_id)
        assert list(switch.calls.values()) == [call], "one call: the caller's, with Karin again"
        assert call.caller is not None and not call.caller.machine.ended
    finally:
        await caller.stop()
        karin.close()
        maria.close()


async def test_a_recall_she_refuses_waits_first_in_her_queue_and_is_offered_again(
    running: Running, tmp_path: Path
) -> None:
    """Spec §50–52, OP4: Karin's phone refuses her recall (486, she is busy): the caller is
    not rung back to her again but waits in Bygglov, first, hearing music — the ACD's
    contact waiting again — and the queue offers it the moment an agent is ready; she
    answers and it is an ACD contact again, the caller on the line throughout."""
    port, switch = running.port, running.service.switch
    acd = running.center.acd
    reach = Reach()
    ReachingPeople.installed_on(switch, reach, reach)
    _recalls(running)
    karin = Transferor(port, AGENT_EXTENSION, AGENT_PASSWORD)
    maria = Transferor(port, CALLBACK_EXTENSION, CALLBACK_PASSWORD)
    await karin.register()
    await maria.register()
    caller = await Robot.start(tmp_path, "caller", "<sip:0701234567@127.0.0.1>;regint=0", CALLER_HZ)
    try:
        await wait_for(lambda: acd.agent_view(DEMO_TENANT, AGENT_ID).state.value == "ready")
        await caller.command("dial", f"sip:{MAIN_NUMBER}@127.0.0.1:{port}")
        await asyncio.sleep(3.5)  # the welcome prompt cannot be interrupted (IVR2)
        answered = asyncio.create_task(karin.answer_call())
        await caller.keys("2")  # bygglov: Karin's queue
        held = await answered
        await wait_for(lambda: [c.state for c in switch.calls.values()] == [CallState.BRIDGED], 15)
        (call,) = switch.calls.values()
        refer_to = f"Refer-To: <sip:{CALLBACK_EXTENSION}@127.0.0.1:{port}>\r\n"
        karin.request(held, "REFER", extra=refer_to)
        await maria.rung()  # Maria does not answer
        back = await karin.expect(_invite, RECALL_AFTER_S + 10)
        assert isinstance(back, Request)
        karin.send(response_to(back, 486, "Busy Here"))  # Karin does not take it back
        await wait_for(lambda: call.state is CallState.REQUEUED, 10)
        view = acd.contact_view(DEMO_TENANT, call.call_id)
        assert view.state.value == "waiting", "back in its queue, not rung at Karin again"
        assert view.queue_id == "bygglov"
        assert acd.waiting_view(DEMO_TENANT, call.call_id, switch.clock()).position == 1
        assert call.caller is not None and not call.caller.machine.ended, "never dropped"
        assert acd.agent_view(DEMO_TENANT, AGENT_ID).state.value == "paused"  # away
        offered = asyncio.create_task(karin.answer_call())
        switch.acd_commands.submit(AgentReady(DEMO_TENANT, AGENT_ID))  # ready: offered first
        switch.drain()
        await asyncio.wait_for(offered, 15)
        await wait_for(lambda: call.state is CallState.BRIDGED, 10)
        assert acd.contact_view(DEMO_TENANT, call.call_id).agent_id == AGENT_ID
        assert list(switch.calls.values()) == [call], "one call: the caller's"
    finally:
        await caller.stop()
        karin.close()
        maria.close()
