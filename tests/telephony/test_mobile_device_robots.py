"""The operator's mobile over the trunk as her audio device (issue 16, PBX9, Q23), with
baresip robots: a caller in the operator queue, Kristina's offers ringing her mobile — a
robot reached through the tenant's IP trunk. Only the key 1 makes the answer hers: then
caller and mobile hear each other, and the console's blind transfer sends the caller on to
Karin's desk phone. A mobile that answers but never presses 1 (a voicemail, a pocket)
leaves the offer unanswered, and the caller waits on in the queue."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.telephony.conftest import AGENT_EXTENSION, AGENT_PASSWORD, Running
from tests.telephony.robots import Robot, read_wav, tone_share
from tests.telephony.test_robot_phones import find_prompt, phone_robot, wait_for
from vaxel.acd.events import AgentLoggedIn
from vaxel.pbx.trunks import Trunk, TrunkMode
from vaxel.sim.demo_tenant import DEMO_TENANT, MAIN_NUMBER
from vaxel.telephony.call import CallState
from vaxel.telephony.console_transfer import transfer_from_console

pytestmark = pytest.mark.interop
OPERATOR, MOBILE = "kristina", "+46701112233"
CALLER_HZ, MOBILE_HZ, KARIN_HZ = 1000.0, 1500.0, 700.0


@dataclass
class Scene:
    running: Running
    caller: Robot
    mobile: Robot

    def state(self) -> str:
        return self.running.center.acd.agent_view(DEMO_TENANT, OPERATOR).state.value

    async def caller_queues(self) -> str:
        """The caller dials the main number and presses 0: the operator queue; her mobile
        is rung over the trunk and answers (the robot answers by itself)."""
        switch = self.running.service.switch
        await self.caller.command("dial", f"sip:{MAIN_NUMBER}@127.0.0.1:{self.running.port}")
        await asyncio.sleep(3.5)  # the welcome prompt cannot be interrupted (IVR2)
        await self.caller.keys("0")
        await wait_for(lambda: bool(switch.ringing.confirms.waiting), 30)
        [contact_id] = list(switch.calls)
        return contact_id


@asynccontextmanager
async def scene(running: Running, tmp_path: Path) -> AsyncIterator[Scene]:
    """Kristina's device is her mobile, a robot behind the tenant's IP trunk; she is
    logged in to the operator queue, ready."""
    mobile = await Robot.start(
        tmp_path, "mobile", f"<sip:{MOBILE}@127.0.0.1>;regint=0;answermode=auto", MOBILE_HZ
    )
    caller = await Robot.start(tmp_path, "caller", "<sip:0701234567@127.0.0.1>;regint=0", CALLER_HZ)
    directory, switch = running.service.directory, running.service.switch
    directory.outside.trunks[DEMO_TENANT] = Trunk(
        DEMO_TENANT, "127.0.0.1", mobile.sip_port, mode=TrunkMode.IP
    )
    directory.agent_mobiles[(DEMO_TENANT, OPERATOR)] = MOBILE
    switch.acd_commands.submit(AgentLoggedIn(DEMO_TENANT, OPERATOR, ("vaxel",), actor=OPERATOR))
    switch.drain()
    made = Scene(running, caller, mobile)
    try:
        await wait_for(lambda: made.state() == "ready", 10)
        yield made
    finally:
        await caller.stop()
        await mobile.stop()


async def test_the_mobile_takes_the_call_with_1_and_the_console_transfers_it(
    running: Running, tmp_path: Path
) -> None:
    switch = running.service.switch
    karin = await phone_robot(
        tmp_path, "karin", running.port, AGENT_EXTENSION, AGENT_PASSWORD, KARIN_HZ
    )
    try:
        async with scene(running, tmp_path) as made:
            contact_id = await made.caller_queues()
            call = switch.calls[contact_id]
            assert call.agent is None  # answered by the network: not hers yet
            [waiting] = switch.ringing.confirms.waiting.values()
            first = waiting.playback_id  # she hears it all once; it plays again until her 1
            await wait_for(lambda: waiting.playback_id != first, 10)
            await made.mobile.keys("1")
            await wait_for(lambda: call.bridged, 15)
            assert made.state() == "busy"
            invite = call.agent.invite if call.agent is not None else None
            assert invite is not None and invite.uri.startswith(f"sip:{MOBILE}@127.0.0.1:")
            await asyncio.sleep(2.5)  # caller and mobile talk
            transfer_from_console(switch, DEMO_TENANT, OPERATOR, contact_id, AGENT_EXTENSION)
            await wait_for(lambda: call.state is CallState.TRANSFERRED and call.bridged, 15)
            await asyncio.sleep(2.0)  # caller and Karin talk
            await made.caller.command("hangup")
            await wait_for(lambda: not switch.calls, 10)
            caller_heard, rate = read_wav(made.caller.heard)
            mobile_heard, mobile_rate = read_wav(made.mobile.heard)
    finally:
        await karin.stop()
    assert tone_share(caller_heard, MOBILE_HZ, rate) > 0.5, "the caller never heard the mobile"
    assert tone_share(mobile_heard, CALLER_HZ, mobile_rate) > 0.5, "the mobile never heard them"
    assert tone_share(caller_heard, KARIN_HZ, rate) > 0.5, "the transfer never reached Karin"
    for prompt in ("sv/system/samtal-fran-kon", "sv/system/tryck-1-for-att-svara"):
        assert find_prompt(mobile_heard, mobile_rate, prompt)[0] > 0.9, prompt  # before her 1


async def test_a_mobile_that_never_presses_1_leaves_the_offer_unanswered(
    running: Running, tmp_path: Path
) -> None:
    switch = running.service.switch
    async with scene(running, tmp_path) as made:
        contact_id = await made.caller_queues()
        call = switch.calls[contact_id]
        [waiting] = switch.ringing.confirms.waiting.values()
        await made.mobile.keys("2")  # any other key is no answer
        # the queue's ring time (15 s) ends: the mobile is hung up, the offer unanswered
        acd = running.center.acd
        await wait_for(lambda: acd.agent_view(DEMO_TENANT, OPERATOR).unanswered_in_row >= 1, 25)
        assert waiting.fork.machine.ended and not waiting.fork.won
        assert call.agent is None and not call.bridged
        assert contact_id in switch.calls and call.state is CallState.IVR  # still queued
        view = running.center.acd.contact_view(DEMO_TENANT, contact_id)
        assert view.state.value in ("waiting", "offered"), view.state
        await made.caller.command("hangup")
        await wait_for(lambda: not switch.calls, 10)
