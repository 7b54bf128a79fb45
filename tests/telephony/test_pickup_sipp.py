"""Pickup on the wire (issue 14): one extension calls another, whose phone rings; a third
dials ``**<anknytning>`` (directed) or ``*8#`` (a member of the callee's answer group) and
takes the call — the ringing phone is cancelled and the two are bridged. SIPp plays every
phone."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.telephony.conftest import (
    AGENT_EXTENSION,
    AGENT_PASSWORD,
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
from vaxel.pbx.devices import Device, DeviceKind, PersonDevices
from vaxel.pbx.groups import AnswerGroup, GroupMember
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.telephony.call import CallState

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
