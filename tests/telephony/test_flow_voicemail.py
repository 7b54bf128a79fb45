"""The IVR's voicemail node leaves the message in a person's real mailbox (IVR7, PBX4): a
robot caller (baresip, from the carrier) reaches a service number whose flow sends it to
voicemail; it hears Karin's greeting and the tone, speaks (a tone) and ends with #; the
message is in Karin's mailbox, with the caller's number, as one left by a colleague would
be. The node's box names the mailbox by short number or by person id."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.telephony.conftest import AlwaysOpen, Running
from tests.telephony.robots import Robot, read_wav, tone_share
from tests.telephony.test_robot_phones import find_prompt, wait_for
from tests.telephony.test_voicemail_robot import _in_call, _voicemail
from vaxel.flow import flow_from_dict
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.telephony.directory import ServiceNumber

pytestmark = pytest.mark.interop
LINE = "0812345077"
CALLER, CALLER_HZ = "0701234567", 1300.0


@pytest.mark.parametrize("box", ["4500", "karin"])
async def test_a_flow_s_voicemail_node_leaves_the_message_in_the_person_s_mailbox(
    running: Running, tmp_path: Path, box: str
) -> None:
    service = _voicemail(running, tmp_path)
    flow = flow_from_dict(
        {
            "id": "bygg-meddelande",
            "language": "sv",
            "start": "vm",
            "nodes": {"vm": {"type": "voicemail", "box": box}},
        }
    )
    directory = running.service.directory
    directory.numbers[LINE] = ServiceNumber(LINE, DEMO_TENANT, flow, AlwaysOpen())
    switch = running.service.switch
    caller = await Robot.start(tmp_path, "caller", f"<sip:{CALLER}@127.0.0.1>;regint=0", CALLER_HZ)
    try:
        await caller.command("dial", f"sip:{LINE}@127.0.0.1:{running.port}")
        await _in_call(running, lambda session: bool(session.recording))
        await asyncio.sleep(2.5)
        await caller.keys("#")
        await wait_for(lambda: bool(service.messages(DEMO_TENANT, "karin")), 30)
        await wait_for(lambda: not switch.calls, 20)  # thanked, then our BYE
    finally:
        caller_log = await caller.stop()
    heard, rate = read_wav(caller.heard)
    assert find_prompt(heard, rate, "sv/voicemail/standard-halsning")[0] > 0.9, caller_log[-2000:]
    (message,) = service.messages(DEMO_TENANT, "karin")
    assert message.caller == CALLER and 1.5 < message.duration_s < 20, message
    recorded, rate = read_wav(tmp_path / "vm" / DEMO_TENANT / "karin" / f"{message.message_id}.wav")
    assert tone_share(recorded, CALLER_HZ, rate) > 0.5, "the caller's voice is in the message"
