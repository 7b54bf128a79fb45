"""SIPp scenarios against a running Växel (issue 3): real SIP over 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.telephony.conftest import Running, sipp
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
