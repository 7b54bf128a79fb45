"""An answer group answered through an ACD queue (PBX3, strategy QUEUE): a colleague's
robot phone dials the group's short number, the one queue engine offers the call to the
queue's agent, whose robot phone answers, and each hears the other; the contact is the
queue's like any queued caller's; so is a short number reaching the queue itself (PBX1).
A group whose queue the tenant does not run tells its
caller that nobody answers."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.telephony.conftest import (
    AGENT_EXTENSION,
    AGENT_ID,
    AGENT_PASSWORD,
    AGENT_QUEUES,
    CUSTOMER_EXTENSION,
    CUSTOMER_PASSWORD,
    Running,
)
from tests.telephony.robots import Robot, read_wav, tone_share
from tests.telephony.test_robot_phones import find_prompt, phone_robot, wait_for
from vaxel.pbx.groups import AnswerGroup, GroupMember, GroupStrategy
from vaxel.pbx.numbering import NumberingPlan, Target, TargetKind
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.store import ReadModels

pytestmark = pytest.mark.interop
CALLER_HZ, AGENT_HZ = 1000.0, 1500.0
GROUP_NUMBER, QUEUE_NUMBER = "4700", "4710"


def plan_group(running: Running, queue_id: str) -> None:
    """The group "Bygglovsgruppen" on 4700, answered through ``queue_id``; 4710 reaches the
    queue itself (PBX1)."""
    pbx = running.service.directory.pbx
    group, queue = Target(TargetKind.GROUP, "bygglovsgruppen"), Target(TargetKind.QUEUE, queue_id)
    pbx.plans[DEMO_TENANT] = NumberingPlan.build(
        DEMO_TENANT, [(GROUP_NUMBER, group), (QUEUE_NUMBER, queue)]
    )
    pbx.groups[(DEMO_TENANT, "bygglovsgruppen")] = AnswerGroup(
        DEMO_TENANT,
        "bygglovsgruppen",
        "Bygglovsgruppen",
        GroupStrategy.QUEUE,
        members=(GroupMember(AGENT_ID),),
        queue_id=queue_id,
    )


async def caller_robot(base: Path, port: int) -> Robot:
    account = f"<sip:{CUSTOMER_EXTENSION}@127.0.0.1:{port}>;auth_pass={CUSTOMER_PASSWORD};regint=0"
    return await Robot.start(base, "caller", account, CALLER_HZ)


@pytest.mark.parametrize("number", [GROUP_NUMBER, QUEUE_NUMBER])
async def test_a_group_call_is_answered_by_the_queue_s_agent(
    untrusted: Running, tmp_path: Path, number: str
) -> None:
    running = untrusted
    queue_id = AGENT_QUEUES[0]
    plan_group(running, queue_id)
    port = running.port
    agent = await phone_robot(tmp_path, "agent", port, AGENT_EXTENSION, AGENT_PASSWORD, AGENT_HZ)
    caller = await caller_robot(tmp_path, port)
    switch = running.service.switch
    try:
        await wait_for(
            lambda: running.center.acd.agent_view(DEMO_TENANT, AGENT_ID).state.value == "ready",
            20,
        )
        await caller.command("dial", f"sip:{number}@127.0.0.1:{port}")
        await wait_for(lambda: any(c.bridged for c in switch.calls.values()), 20)
        [call] = switch.calls.values()
        assert call.session is not None and call.session.queue_id == queue_id  # the one engine
        await asyncio.sleep(3.0)  # talk
        await caller.command("hangup")
        await wait_for(lambda: not switch.calls, 10)
    finally:
        caller_log = await caller.stop()
        agent_log = await agent.stop()
    heard, rate = read_wav(caller.heard)
    assert tone_share(heard, AGENT_HZ, rate) > 0.5, caller_log[-2000:]
    heard, rate = read_wav(agent.heard)
    assert tone_share(heard, CALLER_HZ, rate) > 0.5, agent_log[-2000:]
    [record] = ReadModels(running.center.database).contacts(DEMO_TENANT)
    assert (record.queue_id, record.agent_id, record.caller_number) == (
        queue_id,
        AGENT_ID,
        CUSTOMER_EXTENSION,
    )


async def test_a_group_whose_queue_is_not_run_tells_the_caller_nobody_answers(
    untrusted: Running, tmp_path: Path
) -> None:
    running = untrusted
    plan_group(running, "nedlagd-ko")
    port = running.port
    caller = await caller_robot(tmp_path, port)
    switch = running.service.switch
    try:
        await caller.command("dial", f"sip:{GROUP_NUMBER}@127.0.0.1:{port}")
        await wait_for(lambda: bool(switch.calls), 10)
        await wait_for(lambda: not switch.calls, 20)  # the prompt, then our BYE
    finally:
        caller_log = await caller.stop()
    heard, rate = read_wav(caller.heard)
    match, _end = find_prompt(heard, rate, "sv/system/svarar-inte")
    assert match > 0.9, caller_log[-2000:]
    assert not ReadModels(running.center.database).contacts(DEMO_TENANT)
