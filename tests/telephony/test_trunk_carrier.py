"""A tenant's trunk against a carrier played by SIPp on 127.0.0.1 (issue 14 §2): the
registration with digest (and a carrier that refuses it, shown with its answer), and calls
out over the trunk with the INVITE's digest and the right presentation (PBX2), barred by
class of service (PBX8)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.telephony.conftest import (
    AGENT_EXTENSION,
    AGENT_PASSWORD,
    Running,
    directory,
    free_port,
    keys,
    register_phone,
    sipp,
)
from vaxel.demo import seed_demo_tenant
from vaxel.pbx.class_of_service import ClassesOfService, ClassOfService, Reach
from vaxel.pbx.presentation import PresentationMode, Presentations
from vaxel.pbx.trunks import Trunk
from vaxel.runtime import ContactCenter
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.store import open_database, upgrade
from vaxel.telephony.service import TelephonyService
from vaxel.telephony.trunk_registrations import TrunkStatus

pytestmark = pytest.mark.interop

MAIN = "+46101234500"
CARRIER_USER, CARRIER_PASSWORD = "4610123450", "carrier-secret"


async def start_with_trunk(tmp_path: Path, carrier_port: int, password: str) -> Running:
    url = f"sqlite:///{tmp_path}/telephony.db"
    database = open_database(url)
    upgrade(database)
    center = ContactCenter(database)
    seed_demo_tenant(center, url, time.time())
    numbers = directory()
    numbers.outside.trunks[DEMO_TENANT] = Trunk(
        DEMO_TENANT, "127.0.0.1", carrier_port, username=CARRIER_USER, password=password
    )
    numbers.outside.presentations[DEMO_TENANT] = Presentations(
        MAIN,
        users={AGENT_EXTENSION: PresentationMode.DIRECT},
        direct_numbers={AGENT_EXTENSION: "+46101234512"},
    )
    world = ClassOfService("utland", "Utland", Reach.INTERNATIONAL)
    numbers.outside.service_classes[DEMO_TENANT] = ClassesOfService({"utland": world})
    service = TelephonyService(
        center,
        numbers,
        sip_port=0,
        rtp_ports=(32000, 32998),
        voicemail_dir=str(tmp_path / "vm"),
    )
    await service.start()
    return Running(service, center)


async def wait_for_state(running: Running, *states: str) -> TrunkStatus:
    for _ in range(200):
        status = running.service.trunks.status(DEMO_TENANT)
        if status is not None and status.state in states:
            return status
        await asyncio.sleep(0.1)
    raise AssertionError(f"the trunk never got to {states}: {status}")


@pytest.fixture
async def carrier_port() -> AsyncIterator[int]:
    yield free_port()


async def registrar(running: Running, port: int, tmp_path: Path) -> tuple[int, str]:
    return await sipp("carrier_registrar.xml", running.port, cwd=tmp_path, local_port=port)


async def test_the_trunk_registers_with_digest(tmp_path: Path, carrier_port: int) -> None:
    running = await start_with_trunk(tmp_path, carrier_port, CARRIER_PASSWORD)
    try:
        code, output = await registrar(running, carrier_port, tmp_path)
        assert code == 0, output
        status = await wait_for_state(running, "registered")
        assert status.last_answer is not None and status.last_answer.status == 200
        assert status.registered_until is not None
    finally:
        await running.service.close()


async def test_a_carrier_that_refuses_is_shown_with_its_answer(
    tmp_path: Path, carrier_port: int
) -> None:
    running = await start_with_trunk(tmp_path, carrier_port, "not-the-password")
    try:
        code, output = await registrar(running, carrier_port, tmp_path)
        assert code == 0, output
        status = await wait_for_state(running, "refused")
        assert status.last_answer is not None
        assert (status.last_answer.status, status.last_answer.reason) == (
            403,
            "Forbidden: wrong credentials for trunk",
        )
    finally:
        await running.service.close()


def received_invite(tmp_path: Path, scenario: str) -> str:
    """The last INVITE the carrier took, from SIPp's message trace."""
    [trace] = tmp_path.glob(f"{scenario}_*_messages.log")
    text = trace.read_text(encoding="utf-8", errors="replace")
    return text[text.rindex("INVITE sip:") :].split("\n\n", 1)[0]


def header(message: str, name: str) -> str:
    for line in message.splitlines():
        if line.lower().startswith(name.lower() + ":"):
            return line.split(":", 1)[1].strip()
    return ""


async def transfer(
    running: Running, tmp_path: Path, target: str, agent_scenario: str
) -> tuple[int, str]:
    agent_port = await register_phone(running.port, AGENT_EXTENSION, AGENT_PASSWORD, tmp_path)
    agent = asyncio.create_task(
        sipp(
            agent_scenario,
            running.port,
            *keys(target=target),
            cwd=tmp_path,
            local_port=agent_port,
        )
    )
    await asyncio.sleep(0.5)
    caller = await sipp("caller_waits.xml", running.port, cwd=tmp_path)
    code, output = await agent
    assert code == 0, output
    return caller


async def test_a_transfer_out_goes_over_the_trunk_with_the_callers_id_unchanged(
    tmp_path: Path, carrier_port: int
) -> None:
    """The carrier challenges the INVITE (407) and takes it with the trunk's credentials;
    the caller's number is passed on unchanged, our main number asserted (PBX2)."""
    running = await start_with_trunk(tmp_path, carrier_port, CARRIER_PASSWORD)
    try:
        code, output = await registrar(running, carrier_port, tmp_path)
        assert code == 0, output
        await wait_for_state(running, "registered")
        carrier = asyncio.create_task(
            sipp("carrier_answers.xml", running.port, cwd=tmp_path, local_port=carrier_port)
        )
        code, output = await transfer(running, tmp_path, "0812345678", "agent_transfers.xml")
        assert code == 0, output  # the carrier hung up and Växel said BYE to the caller
        code, output = await carrier
        assert code == 0, output
        invite = received_invite(tmp_path, "carrier_answers")
        assert invite.startswith(f"INVITE sip:+46812345678@127.0.0.1:{carrier_port} SIP/2.0")
        assert "Proxy-Authorization: Digest" in invite
        assert header(invite, "From").startswith("<sip:0701234567@127.0.0.1>;tag=")
        assert header(invite, "P-Asserted-Identity") == f"<sip:{MAIN}@127.0.0.1>"
        assert header(invite, "Privacy") == ""
        assert running.service.switch.calls == {}
    finally:
        await running.service.close()


@pytest.mark.parametrize("target", ["+442071234567", "0900123456"])
async def test_a_transfer_to_a_barred_number_is_refused_403(
    tmp_path: Path, carrier_port: int, target: str
) -> None:
    """The agent's extension has the default class: abroad and premium rate barred."""
    running = await start_with_trunk(tmp_path, carrier_port, CARRIER_PASSWORD)
    try:
        code, output = await transfer(running, tmp_path, target, "agent_transfer_barred.xml")
        assert code == 0, output
        assert running.service.switch.calls == {}
    finally:
        await running.service.close()
