"""Call park on the wire (issue 14, OP3): an agent's phone parks the caller with a blind
REFER to an orbit; another extension dialling the orbit retrieves the call, or, nobody
doing so, the call rings back the phone that parked it. SIPp plays every phone."""

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
    free_port,
    keys,
    register_phone,
    sipp,
)
from tests.telephony.test_robot_phones import wait_for
from vaxel.app.telephony import pbx_to_telephony
from vaxel.pbx.park import ParkSettings, RecallTo
from vaxel.runtime.pbx_numbering import PbxNumberingService
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.store import ReadModels, Tenant, Tenants, open_database, upgrade
from vaxel.store.pbx_numbering import PbxNumbering
from vaxel.telephony.call import CallState

pytestmark = pytest.mark.interop


def parked_in(running: Running, state: CallState = CallState.PARKED) -> bool:
    return any(call.state is state for call in running.service.switch.calls.values())


async def park_a_caller(
    running: Running, tmp_path: Path, parked_by: str = AGENT_EXTENSION
) -> tuple[int, asyncio.Task[tuple[int, str]]]:
    """A caller reaches the agent, whose phone parks them on orbit 700; the agent's port and
    the caller's scenario, which ends when Växel hangs the caller up."""
    agent_port = await register_phone(running.port, AGENT_EXTENSION, AGENT_PASSWORD, tmp_path)
    agent = asyncio.create_task(
        sipp(
            "agent_transfers.xml",
            running.port,
            *keys(target="700"),
            cwd=tmp_path,
            local_port=agent_port,
        )
    )
    await asyncio.sleep(0.5)
    caller = asyncio.create_task(sipp("caller_waits.xml", running.port, cwd=tmp_path, timeout_s=60))
    code, output = await agent
    assert code == 0, output  # 202 and NOTIFY to the REFER, then our BYE
    await wait_for(lambda: parked_in(running))
    [parked] = running.service.switch.parking.lot(DEMO_TENANT).parked()
    assert (parked.orbit, parked.parked_by) == ("700", parked_by)
    # the agent is done with the contact at once, as after a blind transfer
    assert running.center.acd.agent_view(DEMO_TENANT, AGENT_ID).state.value == "wrap_up"
    return agent_port, caller


async def test_a_parked_call_is_retrieved_by_dialling_its_orbit(
    running: Running, tmp_path: Path
) -> None:
    _, caller = await park_a_caller(running, tmp_path)
    # the caller came over the trunk; an office phone dialling the orbit authenticates
    running.service.switch.directory.trusted_sources = frozenset()
    code, output = await sipp(
        "retriever.xml",
        running.port,
        *keys(ext=CALLBACK_EXTENSION),
        "-au",
        CALLBACK_EXTENSION,
        "-ap",
        CALLBACK_PASSWORD,
        "-auth_uri",  # SIPp would sign for sip:host:port, not the Request-URI
        f"700@127.0.0.1:{running.port}",
        service="700",
        cwd=tmp_path,
    )
    assert code == 0, output
    code, output = await caller
    assert code == 0, output  # the retriever hung up: Växel said BYE to the caller
    assert running.service.switch.calls == {}
    assert running.service.switch.parking.lot(DEMO_TENANT).parked() == []
    [record] = ReadModels(running.center.database).contacts(DEMO_TENANT)
    assert record.agent_id == AGENT_ID and record.ended_at is not None


async def test_an_empty_orbit_tells_the_caller_the_number_does_not_exist(
    running: Running, tmp_path: Path
) -> None:
    played: list[str] = []
    media = running.service.switch.media
    play = media.play

    def recording(endpoint_id: str, prompts: list[str]) -> str:
        played.extend(prompts)
        return play(endpoint_id, prompts)

    media.play = recording  # type: ignore[method-assign]
    running.service.switch.directory.trusted_sources = frozenset()
    code, output = await sipp(
        "extension_refused.xml",
        running.port,
        *keys(ext=CALLBACK_EXTENSION, rtp_port=str(free_port())),
        "-au",
        CALLBACK_EXTENSION,
        "-ap",
        CALLBACK_PASSWORD,
        "-auth_uri",
        f"701@127.0.0.1:{running.port}",
        service="701",
        cwd=tmp_path,
    )
    assert code == 0, output  # 183, told as early media, then 404: never answered
    assert "sv/system/numret-finns-inte" in played
    await wait_for(lambda: running.service.switch.calls == {})


async def test_an_unretrieved_call_rings_back_the_phone_that_parked_it(
    running: Running, tmp_path: Path
) -> None:
    running.service.switch.parking.settings = lambda _: ParkSettings(recall_s=10.0)
    agent_port, caller = await park_a_caller(running, tmp_path)
    recall = asyncio.create_task(
        sipp("agent_answers.xml", running.port, cwd=tmp_path, local_port=agent_port)
    )
    await wait_for(lambda: parked_in(running, CallState.RECALLING), seconds=20.0)
    code, output = await recall
    assert code == 0, output  # rung back, answered, talked, hung up
    code, output = await caller
    assert code == 0, output
    assert running.service.switch.calls == {}
    assert running.service.switch.parking.lot(DEMO_TENANT).parked() == []


def park_settings_from_a_store(running: Running, tmp_path: Path) -> PbxNumberingService:
    """The admin's side, as the app wires it: a store whose every change replaces
    telephony's snapshot (``vaxel.app.telephony.pbx_to_telephony``)."""
    database = open_database(f"sqlite:///{tmp_path}/park.db")
    upgrade(database)
    Tenants(database).add(Tenant(DEMO_TENANT, "Demo"))
    service = PbxNumberingService(PbxNumbering(database))
    pbx_to_telephony(service, running.service.switch.directory)
    return service


async def test_a_recall_time_changed_by_the_admin_applies_to_the_next_call_parked(
    running: Running, tmp_path: Path
) -> None:
    """OP3: the default 60 s would not ring back within this test's 20 s; the admin's
    10 s, saved in the store, does — no restart."""
    service = park_settings_from_a_store(running, tmp_path)
    assert running.service.switch.parking.lot(DEMO_TENANT).settings.recall_s == 60.0
    service.put_park_recall(DEMO_TENANT, 10.0, RecallTo.PARKER, actor="admin")
    agent_port, caller = await park_a_caller(running, tmp_path)
    parked_at = asyncio.get_running_loop().time()
    recall = asyncio.create_task(
        sipp("agent_answers.xml", running.port, cwd=tmp_path, local_port=agent_port)
    )
    await wait_for(lambda: parked_in(running, CallState.RECALLING), seconds=20.0)
    assert asyncio.get_running_loop().time() - parked_at >= 8.0  # not before its time
    code, output = await recall
    assert code == 0, output  # the parker's phone rung back, answered, talked, hung up
    code, output = await caller
    assert code == 0, output
    assert running.service.switch.calls == {}


async def test_a_recall_to_the_operator_rings_the_operators_phone(
    running: Running, tmp_path: Path
) -> None:
    """OP3: with the recall set to the operator, the operator's extension is rung back,
    not the phone that parked the call."""
    service = park_settings_from_a_store(running, tmp_path)
    service.put_park_recall(DEMO_TENANT, 10.0, RecallTo.OPERATOR, CALLBACK_EXTENSION)
    operator_port = await register_phone(
        running.port, CALLBACK_EXTENSION, CALLBACK_PASSWORD, tmp_path
    )
    operator = asyncio.create_task(
        sipp("agent_answers.xml", running.port, cwd=tmp_path, local_port=operator_port)
    )
    _, caller = await park_a_caller(running, tmp_path, parked_by=CALLBACK_EXTENSION)
    code, output = await operator
    assert code == 0, output  # the operator's phone rung back, answered, talked, hung up
    code, output = await caller
    assert code == 0, output
    assert running.service.switch.calls == {}
