"""Pickup on the wire (issue 14): one extension calls another, whose phone rings; a third
dials ``**<anknytning>`` (directed) or ``*8#`` (a member of the callee's answer group) and
takes the call — the ringing phone is cancelled and the two are bridged; the same for a
queue call ringing an agent's phone, picked up by another agent (the ACD told who
answered). SIPp plays every phone."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from tests.telephony.conftest import (
    AGENT_EXTENSION,
    AGENT_ID,
    AGENT_PASSWORD,
    AGENT_QUEUES,
    CALLBACK_AGENT_ID,
    CALLBACK_EXTENSION,
    CALLBACK_PASSWORD,
    CUSTOMER_EXTENSION,
    CUSTOMER_PASSWORD,
    Running,
    keys,
    register_phone,
    sipp,
)
from tests.telephony.test_robot_phones import wait_for
from vaxel.acd.events import AgentLoggedIn, AgentLoggedOut, AgentPaused
from vaxel.pbx.devices import Device, DeviceKind, PersonDevices
from vaxel.pbx.groups import AnswerGroup, GroupMember, GroupStrategy
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.store import ReadModels
from vaxel.telephony.call import CallState, OfferState

pytestmark = pytest.mark.interop


def dialling(running: Running, extension: str, password: str, number: str) -> list[str]:
    """SIPp options for an extension placing a call to ``number`` with digest auth."""
    return [
        *keys(ext=extension),
        "-au",
        extension,
        "-ap",
        password,
        "-auth_uri",  # SIPp would sign for sip:host:port, not the Request-URI
        f"{number}@127.0.0.1:{running.port}",
    ]


@pytest.mark.parametrize("code", [f"**{CUSTOMER_EXTENSION}", "*8#"])
async def test_a_ringing_extension_is_picked_up_from_another_phone(
    running: Running, tmp_path: Path, code: str
) -> None:
    running.service.switch.directory.trusted_sources = frozenset()  # office phones sign in
    pbx = running.service.switch.directory.pbx
    pbx.people[(DEMO_TENANT, "olle")] = PersonDevices(
        DEMO_TENANT, "olle", (Device(DeviceKind.SIP, AGENT_EXTENSION),)
    )
    members = (GroupMember(f"extension:{CUSTOMER_EXTENSION}"), GroupMember("olle"))
    pbx.groups[(DEMO_TENANT, "vaxeln")] = AnswerGroup(
        DEMO_TENANT, "vaxeln", "Växeln", members=members
    )
    callee_port = await register_phone(
        running.port, CUSTOMER_EXTENSION, CUSTOMER_PASSWORD, tmp_path
    )
    callee = asyncio.create_task(
        sipp("agent_rings_cancelled.xml", running.port, cwd=tmp_path, local_port=callee_port)
    )
    caller = asyncio.create_task(
        sipp(
            "extension_calls.xml",
            running.port,
            *dialling(running, CALLBACK_EXTENSION, CALLBACK_PASSWORD, CUSTOMER_EXTENSION),
            service=CUSTOMER_EXTENSION,
            cwd=tmp_path,
        )
    )
    switch = running.service.switch
    await wait_for(
        lambda: any(
            c.state is CallState.CONNECTING and c.machine.offers for c in switch.calls.values()
        )
    )
    status, output = await sipp(
        "retriever.xml",
        running.port,
        *dialling(running, AGENT_EXTENSION, AGENT_PASSWORD, code),
        service=code,
        cwd=tmp_path,
    )
    assert status == 0, output  # answered, talked, hung up
    status, output = await callee
    assert status == 0, output  # its ringing was cancelled: 487, ACK
    status, output = await caller
    assert status == 0, output  # bridged to the picker, then hung up by Växel
    assert switch.calls == {}


async def test_nothing_ringing_there_is_not_found(running: Running, tmp_path: Path) -> None:
    """Directed at an idle extension, or a group code with no groups: 404, nothing answered."""
    running.service.switch.directory.trusted_sources = frozenset()
    code, output = await sipp(
        "retriever.xml",
        running.port,
        *dialling(running, AGENT_EXTENSION, AGENT_PASSWORD, f"**{CUSTOMER_EXTENSION}"),
        service=f"**{CUSTOMER_EXTENSION}",
        cwd=tmp_path,
        timeout_s=8,
    )
    assert code != 0 and "404" in output, output
    assert running.service.switch.calls == {}


@pytest.mark.parametrize("code", [f"**{AGENT_EXTENSION}", "*8#"])
async def test_a_queue_call_ringing_an_agent_is_picked_up_by_another_agent(
    running: Running, tmp_path: Path, code: str
) -> None:
    """A caller in the queue rings Karin's phone (the ACD's offer); Maria, a paused agent,
    picks it up from her own phone. Karin's phone is cancelled (never answered: no double
    answer), the ACD has Maria as the one who answered the contact and counts nothing
    against Karin, and Maria is bridged to the caller until she hangs up."""
    pbx = running.service.switch.directory.pbx
    pbx.people[(DEMO_TENANT, "karin")] = PersonDevices(
        DEMO_TENANT, "karin", (Device(DeviceKind.SIP, AGENT_EXTENSION),)
    )
    pbx.people[(DEMO_TENANT, "maria")] = PersonDevices(
        DEMO_TENANT, "maria", (Device(DeviceKind.SIP, CALLBACK_EXTENSION),)
    )
    members = (GroupMember("karin"), GroupMember("maria"))
    pbx.groups[(DEMO_TENANT, "vaxeln")] = AnswerGroup(
        DEMO_TENANT, "vaxeln", "Växeln", members=members
    )
    now = time.time()
    running.center.submit(AgentLoggedIn(DEMO_TENANT, CALLBACK_AGENT_ID, ("kundtjanst",)), now)
    running.center.submit(AgentPaused(DEMO_TENANT, CALLBACK_AGENT_ID, "lunch"), now)
    karin_port = await register_phone(running.port, AGENT_EXTENSION, AGENT_PASSWORD, tmp_path)
    karin = asyncio.create_task(
        sipp("agent_rings_cancelled.xml", running.port, cwd=tmp_path, local_port=karin_port)
    )
    await asyncio.sleep(0.5)
    caller = asyncio.create_task(sipp("caller_waits.xml", running.port, cwd=tmp_path))
    switch = running.service.switch
    await wait_for(
        lambda: any(
            c.state is CallState.IVR
            and any(
                o.name == AGENT_ID and o.state is OfferState.RINGING
                for o in c.machine.offers.values()
            )
            for c in switch.calls.values()
        ),
        seconds=20.0,
    )
    [contact_id] = list(switch.calls)
    switch.directory.trusted_sources = frozenset()  # the picker's phone signs in
    status, output = await sipp(
        "retriever.xml",
        running.port,
        *dialling(running, CALLBACK_EXTENSION, CALLBACK_PASSWORD, code),
        service=code,
        cwd=tmp_path,
    )
    assert status == 0, output  # answered, talked, hung up
    status, output = await karin
    assert status == 0, output  # her ringing was cancelled: 487, ACK
    status, output = await caller
    assert status == 0, output  # talked with Maria, then hung up by Växel
    await wait_for(lambda: switch.calls == {})
    view = running.center.acd.contact_view(DEMO_TENANT, contact_id)
    assert view.agent_id == CALLBACK_AGENT_ID  # Maria answered it
    karin_view = running.center.acd.agent_view(DEMO_TENANT, AGENT_ID)
    assert karin_view.state.value == "ready" and karin_view.contact_id == ""
    [record] = ReadModels(running.center.database).contacts(DEMO_TENANT)
    assert record.agent_id == CALLBACK_AGENT_ID and record.ended_at is not None


async def test_a_queue_call_is_not_picked_up_by_a_phone_without_an_agent(
    running: Running, tmp_path: Path
) -> None:
    """Only an agent can take an ACD offer (the ACD must know who answered): a plain
    extension dialling the pickup code gets 404 and Karin's phone rings on."""
    karin_port = await register_phone(running.port, AGENT_EXTENSION, AGENT_PASSWORD, tmp_path)
    karin = asyncio.create_task(
        sipp("agent_rings_cancelled.xml", running.port, cwd=tmp_path, local_port=karin_port)
    )
    await asyncio.sleep(0.5)
    caller = asyncio.create_task(sipp("caller_waits.xml", running.port, cwd=tmp_path))
    switch = running.service.switch
    await wait_for(lambda: any(c.machine.offers for c in switch.calls.values()), seconds=20.0)
    switch.directory.trusted_sources = frozenset()
    status, output = await sipp(
        "retriever.xml",
        running.port,
        *dialling(running, CUSTOMER_EXTENSION, CUSTOMER_PASSWORD, f"**{AGENT_EXTENSION}"),
        service=f"**{AGENT_EXTENSION}",
        cwd=tmp_path,
        timeout_s=8,
    )
    assert status != 0 and "404" in output, output
    [call] = switch.calls.values()
    assert call.state is CallState.IVR and call.machine.offers[AGENT_ID].state is OfferState.RINGING
    for task in (karin, caller):
        task.cancel()


async def test_who_is_in_a_queue_group_for_pickup_is_the_engine_s_word(running: Running) -> None:
    """*8#'s groups for a group answered through a queue (PBX3) are read from the ACD
    engine, as the group's page reads them: Karin's stored flag says logged in, but her
    agent is out of the group's queue, so she is not in it; logged in to the queue (as from
    the workspace) she is, whatever the flag says; the engine logging her out takes her
    out again. A ring-all group's members stay members."""
    pbx = running.service.switch.directory.pbx
    [QUEUE] = AGENT_QUEUES  # the queue Karin's profile permits (Q21)
    pickups = running.service.switch.pickups
    pbx.people[(DEMO_TENANT, "karin")] = PersonDevices(
        DEMO_TENANT, "karin", (Device(DeviceKind.SIP, AGENT_EXTENSION),)
    )
    queued = AnswerGroup(
        DEMO_TENANT,
        "kund",
        "Kundgruppen",
        members=(GroupMember("karin", logged_in=True),),  # the stored flag
        strategy=GroupStrategy.QUEUE,
        queue_id=QUEUE,
    )
    pbx.groups[(DEMO_TENANT, "kund")] = queued
    pbx.groups[(DEMO_TENANT, "alla")] = AnswerGroup(
        DEMO_TENANT, "alla", "Alla", members=(GroupMember("karin", logged_in=False),)
    )
    center, now = running.center, time.time()
    assert center.acd.agent_view(DEMO_TENANT, AGENT_ID).state.value == "logged_out"
    assert pickups.groups_of_extension(DEMO_TENANT, AGENT_EXTENSION) == {"alla"}
    assert pickups.answering(queued) == []
    pbx.groups[(DEMO_TENANT, "kund")] = queued = AnswerGroup(
        DEMO_TENANT,
        "kund",
        "Kundgruppen",
        members=(GroupMember("karin", logged_in=False),),
        strategy=GroupStrategy.QUEUE,
        queue_id=QUEUE,
    )
    center.submit(AgentLoggedIn(DEMO_TENANT, AGENT_ID, (QUEUE,)), now + 1)
    assert pickups.groups_of_extension(DEMO_TENANT, AGENT_EXTENSION) == {"alla", "kund"}
    assert pickups.answering(queued) == ["karin"]
    center.submit(AgentLoggedOut(DEMO_TENANT, AGENT_ID, (QUEUE,)), now + 2)
    assert pickups.groups_of_extension(DEMO_TENANT, AGENT_EXTENSION) == {"alla"}
