"""A phone whose RTP stops is hung up and its agent freed (issue 11 §3, Q22).

The media engine's own detection is tested in tests/media/test_engine_timeout.py; here the
switch receives its MediaTimeout for a bridged call between two baresip robots.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.telephony.conftest import AGENT_EXTENSION, AGENT_ID, AGENT_PASSWORD, Running
from tests.telephony.robots import Robot
from tests.telephony.test_robot_phones import AGENT_HZ, CALLER_HZ, phone_robot, wait_for
from vaxel.media.backend import MediaDirection, MediaTimeout
from vaxel.sim.demo_tenant import DEMO_TENANT, MAIN_NUMBER
from vaxel.store import ReadModels

pytestmark = pytest.mark.interop


@pytest.mark.parametrize("silent", ["caller", "agent"])
async def test_a_phone_gone_silent_mid_call_is_hung_up_and_its_agent_freed(
    running: Running, tmp_path: Path, silent: str
) -> None:
    port = running.port
    agent = await phone_robot(tmp_path, "agent", port, AGENT_EXTENSION, AGENT_PASSWORD, AGENT_HZ)
    caller = await Robot.start(tmp_path, "caller", "<sip:0701234567@127.0.0.1>;regint=0", CALLER_HZ)
    switch = running.service.switch
    try:
        await wait_for(
            lambda: running.center.acd.agent_view(DEMO_TENANT, AGENT_ID).state.value == "ready"
        )
        await caller.command("dial", f"sip:{MAIN_NUMBER}@127.0.0.1:{port}")
        await asyncio.sleep(3.5)  # the welcome cannot be interrupted (IVR2)
        await caller.keys("2")
        await wait_for(lambda: any(c.bridged for c in switch.calls.values()), 15)
        [call] = switch.calls.values()
        leg = call.caller if silent == "caller" else call.agent
        assert leg is not None
        # the phones' SDP said sendrecv, so the media side watches them for silence
        remote = running.service.media._leg(leg.endpoint.endpoint_id).remote
        assert remote is not None and remote.direction is MediaDirection.SENDRECV
        switch.on_media(MediaTimeout(leg.endpoint.endpoint_id, 30.0))
        assert not switch.calls  # both legs hung up at once
        await asyncio.sleep(0.5)  # the BYEs reach the robots
    finally:
        await caller.stop()
        await agent.stop()
    state = running.center.acd.agent_view(DEMO_TENANT, AGENT_ID).state.value
    assert state == "wrap_up", f"the agent is {state} after their call's phone went silent"
    [record] = ReadModels(running.center.database).contacts(DEMO_TENANT)
    assert record.ended_at is not None
