"""Camp-on by the person's short number (issue 16 §3, OP4, spec §52): Karin Carlsson is
reached as a person by 4600 (the numbering plan) while her desk phone is extension 1005. A
call camped on 4600 must ring her desk phone once her line is free and connect — the
camped call used to be rung at the typed number, which is no extension of the registrar,
so it had no route. Baresip robots: the caller, the operator, Karin (busy with Maria)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.telephony.camp_on_scene import KARIN, KARIN_SHORT
from tests.telephony.conftest import Running
from tests.telephony.robots import read_wav, tone_share
from tests.telephony.test_camp_on_robots import CALLER_HZ, Scene
from tests.telephony.test_robot_phones import wait_for
from vaxel.directory.presence import LineState
from vaxel.pbx.camp_on import CampedState
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.telephony.call import CallState

pytestmark = [pytest.mark.interop, pytest.mark.timeout(180)]


async def test_a_call_camped_on_the_short_number_rings_her_desk_phone_when_free(
    untrusted: Running, tmp_path: Path
) -> None:
    scene = Scene(untrusted, tmp_path, karin_answers=False)
    camp_ons, switch = scene.camp_ons, scene.switch
    logs: dict[str, str] = {}
    try:
        caller, _operator, contact_id = await scene.start()
        karin = scene.robots[2]
        call = switch.calls[contact_id]
        camp_ons.camp(DEMO_TENANT, "kristina", contact_id, KARIN_SHORT, "Karin Carlsson")
        await karin.command("hangup")  # Karin and Maria are done: her line is free
        await wait_for(lambda: [c.state for c in camp_ons.board] == [CampedState.RINGING], 10)
        assert call.state is CallState.RECALLING
        for _ in range(40):  # her desk phone rings with the camped call: she answers
            await karin.command("accept")
            if call.state is CallState.TRANSFERRED:
                break
            await asyncio.sleep(0.5)
        await wait_for(lambda: call.state is CallState.TRANSFERRED, 10)
        await wait_for(lambda: not camp_ons.board, 5)
        assert scene.reach.line(DEMO_TENANT, KARIN) is LineState.BUSY
        await asyncio.sleep(3.0)  # caller and Karin talk
        await caller.command("hangup")
        await wait_for(lambda: contact_id not in switch.calls, 10)
    finally:
        logs = await scene.stop()
    heard, rate = read_wav(karin.heard)
    assert tone_share(heard, CALLER_HZ, rate) > 0.5, logs["karin"][-2000:]
