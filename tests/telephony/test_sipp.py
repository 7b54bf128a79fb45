"""SIPp scenarios against a running Växel (issue 3): real SIP over 127.0.0.1."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.telephony.conftest import (
    AGENT_EXTENSION,
    AGENT_ID,
    AGENT_PASSWORD,
    CALLBACK_EXTENSION,
    CALLBACK_PASSWORD,
    Running,
    keys,
    register_phone,
    sipp,
)
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.store import ReadModels

pytestmark = pytest.mark.interop


async def test_ivr_answers_and_a_menu_key_puts_the_caller_in_the_queue(
    running: Running, tmp_path: Path
) -> None:
    code, output = await sipp("ivr_menu.xml", running.port, cwd=tmp_path)
    assert code == 0, output
    [record] = ReadModels(running.center.database).contacts(DEMO_TENANT)
    assert record.queue_id == "bygglov"  # key 2 in the main menu (IVR1)
    assert record.caller_number == "0701234567" and record.channel == "call"
    assert record.status == "abandoned" and record.ended_at is not None
    assert running.service.switch.calls == {}  # nothing left behind


async def test_a_registered_agent_phone_rings_answers_and_talks_then_hangs_up(
    running: Running, tmp_path: Path
) -> None:
    phone_port = await register_phone(running.port, AGENT_EXTENSION, AGENT_PASSWORD, tmp_path)
    agent = running.center.acd.agent_view(DEMO_TENANT, AGENT_ID)
    assert agent.state.value == "ready"  # the phone's registration logged the agent in

    phone = asyncio.create_task(
        sipp(
            "agent_answers.xml",
            running.port,
            "-rsa",
            f"127.0.0.1:{running.port}",
            cwd=tmp_path,
            local_port=phone_port,
        )
    )
    await asyncio.sleep(0.5)
    code, output = await sipp("caller_waits.xml", running.port, cwd=tmp_path)
    assert code == 0, output
    code, phone_output = await phone
    assert code == 0, phone_output
    [record] = ReadModels(running.center.database).contacts(DEMO_TENANT)
    assert record.queue_id == "bygglov" and record.agent_id == AGENT_ID
    assert record.answered_at is not None and record.ended_at is not None
    assert running.center.acd.agent_view(DEMO_TENANT, AGENT_ID).state.value == "wrap_up"


async def test_malformed_requests_get_400_with_a_reason_and_the_server_carries_on(
    running: Running, tmp_path: Path
) -> None:
    code, output = await sipp("malformed.xml", running.port, cwd=tmp_path)
    assert code == 0, output


async def test_a_ringing_agent_phone_is_cancelled_when_the_caller_hangs_up(
    running: Running, tmp_path: Path
) -> None:
    phone_port = await register_phone(running.port, AGENT_EXTENSION, AGENT_PASSWORD, tmp_path)
    phone = asyncio.create_task(
        sipp("agent_rings_cancelled.xml", running.port, cwd=tmp_path, local_port=phone_port)
    )
    await asyncio.sleep(0.5)
    code, output = await sipp("caller_gives_up.xml", running.port, cwd=tmp_path)
    assert code == 0, output
    code, phone_output = await phone
    assert code == 0, phone_output  # CANCEL arrived, 487 was ACKed
    [record] = ReadModels(running.center.database).contacts(DEMO_TENANT)
    assert record.status == "abandoned" and record.agent_id is None
    assert running.center.acd.agent_view(DEMO_TENANT, AGENT_ID).state.value == "ready"


async def test_a_hold_reinvite_is_answered_with_the_mirrored_direction(
    running: Running, tmp_path: Path
) -> None:
    code, output = await sipp("reinvite_hold.xml", running.port, cwd=tmp_path)
    assert code == 0, output
    assert running.service.switch.calls == {}


async def test_the_agent_transfers_the_caller_blind_to_another_phone(
    running: Running, tmp_path: Path
) -> None:
    """REFER (RFC 3515): the agent is released to wrap-up, the caller talks to the target."""
    agent_port = await register_phone(running.port, AGENT_EXTENSION, AGENT_PASSWORD, tmp_path)
    target_port = await register_phone(
        running.port, CALLBACK_EXTENSION, CALLBACK_PASSWORD, tmp_path
    )
    target = asyncio.create_task(
        sipp("agent_answers.xml", running.port, cwd=tmp_path, local_port=target_port)
    )
    agent = asyncio.create_task(
        sipp(
            "agent_transfers.xml",
            running.port,
            *keys(target=CALLBACK_EXTENSION),
            cwd=tmp_path,
            local_port=agent_port,
        )
    )
    await asyncio.sleep(0.5)
    code, output = await sipp("caller_waits.xml", running.port, cwd=tmp_path)
    assert code == 0, output  # the target hung up and Växel said BYE to the caller
    for task in (agent, target):
        code, output = await task
        assert code == 0, output
    [record] = ReadModels(running.center.database).contacts(DEMO_TENANT)
    assert record.agent_id == AGENT_ID and record.ended_at is not None
    assert running.center.acd.agent_view(DEMO_TENANT, AGENT_ID).state.value == "wrap_up"
    assert running.service.switch.calls == {}
