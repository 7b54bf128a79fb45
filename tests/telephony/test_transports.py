"""SIP over TCP against a running Växel, on uvloop as in production (issue 10 §6).

SIPp's ``-t t1`` keeps one TCP connection for the scenario: the REGISTER's challenge and
200, and a call's whole dialog, travel over it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.telephony.conftest import AGENT_EXTENSION, AGENT_PASSWORD, Running, keys, sipp
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.store import ReadModels

pytestmark = pytest.mark.interop


async def test_a_phone_registers_over_tcp(running: Running, tmp_path: Path) -> None:
    code, output = await sipp(
        "register.xml",
        running.port,
        "-t",
        "t1",
        *keys(ext=AGENT_EXTENSION),
        "-au",
        AGENT_EXTENSION,
        "-ap",
        AGENT_PASSWORD,
        cwd=tmp_path,
        timeout_s=8,
    )
    assert code == 0, output
    [binding] = running.service.registration.registrar.lookup(f"{DEMO_TENANT}/{AGENT_EXTENSION}", 0)
    assert binding.transport == "tcp"


async def test_a_call_over_tcp_reaches_the_queue(running: Running, tmp_path: Path) -> None:
    code, output = await sipp("ivr_menu.xml", running.port, "-t", "t1", cwd=tmp_path, timeout_s=8)
    assert code == 0, output
    [record] = ReadModels(running.center.database).contacts(DEMO_TENANT)
    assert record.queue_id == "bygglov" and record.status == "abandoned"
    assert running.service.switch.calls == {}
