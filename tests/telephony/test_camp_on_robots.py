"""Camp-on on the wire (issue 16 §3, OP4, spec §52): the operator's queue call camped on
Karin's busy extension is never lost — waiting longer than the tenant's wait time it rings
the operator who camped it, with what happened on her board ("Väntade hos Karin Carlsson,
10 s"), and she has the caller again; the caller hanging up while camped removes the call
from Karin's queue. Baresip robots: the caller, the operator's phone, Karin (in a call with
Maria, so busy) and Maria. The web's part is ``tests/web/test_browser_camp_on.py``."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.telephony.camp_on_scene import KARIN, KARIN_SHORT, MARIA_HZ, karin_as_a_person
from tests.telephony.conftest import (
    AGENT_EXTENSION,
    AGENT_PASSWORD,
    CALLBACK_EXTENSION,
    CALLBACK_PASSWORD,
    Running,
)
from tests.telephony.robots import Robot, read_wav, tone_share
from tests.telephony.test_robot_phones import phone_robot, wait_for
from vaxel.core.errors import DomainError
from vaxel.directory.presence import LineState
from vaxel.pbx.camp_on import CampedState, CampOnSettings
from vaxel.sim.demo_tenant import DEMO_TENANT, MAIN_NUMBER
from vaxel.telephony.call import CallState
from vaxel.telephony.camp_on import CampOns
from vaxel.telephony.directory import Extension
from vaxel.web.console_camp_view import recall_text

pytestmark = [pytest.mark.interop, pytest.mark.timeout(180)]
OPERATOR_EXT, OPERATOR_PASSWORD = "1011", "robot-1011-secret"
CALLER_HZ, OPERATOR_HZ, KARIN_HZ = 1000.0, 1300.0, 1700.0
WAIT_S = 10.0
"""The tenant's camp-on wait, its least allowed value."""


class Scene:
    """The caller in the operator's hand, Karin busy with Maria; camp-on on the switch."""

    def __init__(self, running: Running, tmp_path: Path, *, karin_answers: bool = True) -> None:
        self.running, self.tmp_path = running, tmp_path
        self.karin_answers = karin_answers
        """Karin's robot answers by itself, or only when told ("accept")."""
        self.switch = running.service.switch
        self.reach = karin_as_a_person(running)
        running.service.directory.extensions[OPERATOR_EXT] = Extension(
            DEMO_TENANT, OPERATOR_EXT, OPERATOR_PASSWORD, "kristina", auto_login_queues=("vaxel",)
        )
        self.camp_ons = CampOns(self.switch)  # as the composition root makes it
        self.camp_ons.settings = lambda tenant_id: CampOnSettings(WAIT_S, 1)
        self.robots: list[Robot] = []

    async def start(self) -> tuple[Robot, Robot, str]:
        """The robots up, Karin busy, the caller with the operator: (caller, operator, id)."""
        port, center = self.running.port, self.running.center
        tmp = self.tmp_path
        account = f"<sip:{OPERATOR_EXT}@127.0.0.1:{port}>;auth_pass={OPERATOR_PASSWORD};regint=300"
        operator = await Robot.start(tmp, "operator", account, OPERATOR_HZ)  # she answers
        if self.karin_answers:
            karin = await phone_robot(tmp, "karin", port, AGENT_EXTENSION, AGENT_PASSWORD, KARIN_HZ)
        else:
            desk = f"<sip:{AGENT_EXTENSION}@127.0.0.1:{port}>;auth_pass={AGENT_PASSWORD};regint=300"
            karin = await Robot.start(tmp, "karin", desk, KARIN_HZ)
        maria = await phone_robot(
            tmp, "maria", port, CALLBACK_EXTENSION, CALLBACK_PASSWORD, MARIA_HZ
        )
        caller = await Robot.start(tmp, "caller", "<sip:0701234567@127.0.0.1>;regint=0", CALLER_HZ)
        self.robots = [caller, operator, karin, maria]
        await wait_for(
            lambda: center.acd.agent_view(DEMO_TENANT, "kristina").state.value == "ready", 20
        )
        extensions = self.running.service.directory.extensions
        for extension in (AGENT_EXTENSION, CALLBACK_EXTENSION):
            await wait_for(
                lambda e=extension: bool(self.switch.registration.bindings(extensions[e])), 20
            )
        await maria.command("dial", f"sip:{KARIN_SHORT}@127.0.0.1:{port}")
        for _ in range(0 if self.karin_answers else 40):
            await karin.command("accept")
            if self.reach.line(DEMO_TENANT, KARIN) is LineState.BUSY:
                break
            await asyncio.sleep(0.5)
        await wait_for(lambda: self.reach.line(DEMO_TENANT, KARIN) is LineState.BUSY, 20)
        await caller.command("dial", f"sip:{MAIN_NUMBER}@127.0.0.1:{port}")
        await asyncio.sleep(3.5)  # the welcome prompt cannot be interrupted (IVR2)
        await caller.keys("0")  # the switchboard
        view = center.acd.agent_view
        await wait_for(lambda: view(DEMO_TENANT, "kristina").contact_id != "", 20)
        contact_id = view(DEMO_TENANT, "kristina").contact_id
        for _ in range(40):  # her phone rings: she answers
            await operator.command("accept")
            if self.switch.calls[contact_id].state is CallState.BRIDGED:
                break
            await asyncio.sleep(0.5)
        await wait_for(lambda: self.switch.calls[contact_id].state is CallState.BRIDGED, 20)
        return caller, operator, contact_id

    async def stop(self) -> dict[str, str]:
        return {robot.name: await robot.stop() for robot in self.robots}


async def test_a_camped_call_waiting_too_long_rings_the_operator_again(
    untrusted: Running, tmp_path: Path
) -> None:
    scene = Scene(untrusted, tmp_path)
    camp_ons, switch = scene.camp_ons, scene.switch
    logs: dict[str, str] = {}
    try:
        caller, operator, contact_id = await scene.start()
        call = switch.calls[contact_id]
        assert (
            camp_ons.camp(DEMO_TENANT, "kristina", contact_id, AGENT_EXTENSION, "Karin Carlsson")
            == 1
        )
        assert call.state is CallState.PARKED and call.caller is not None
        [camped] = camp_ons.board
        assert (camped.extension, camped.state) == (AGENT_EXTENSION, CampedState.WAITING)
        with pytest.raises(DomainError) as twice:  # the tenant allows one call per extension
            camp_ons.camp(DEMO_TENANT, "kristina", contact_id, AGENT_EXTENSION)
        assert twice.value.code == "console-no-call"  # it is no longer in her hand

        # Karin stays busy: after the wait the operator's phone rings with the caller
        await wait_for(lambda: call.state is CallState.RECALLING, WAIT_S + 5)
        await wait_for(lambda: [c.state for c in camp_ons.board] == [CampedState.RECALLED], 5)
        [recalled] = camp_ons.board
        assert recall_text(recalled, switch.clock()) == "Väntade hos Karin Carlsson, 10 s"
        await asyncio.sleep(1.0)  # it rings her phone, the caller on music
        await operator.command("accept")
        await wait_for(lambda: call.state is CallState.BRIDGED, 15)  # her contact again
        await wait_for(lambda: not camp_ons.board, 5)
        await asyncio.sleep(3.0)  # she talks with the caller again
        await caller.command("hangup")
        await wait_for(lambda: contact_id not in switch.calls, 10)
    finally:
        logs = await scene.stop()
    heard, rate = read_wav(operator.heard)  # her phone's last call: the recall
    assert tone_share(heard, CALLER_HZ, rate) > 0.5, logs["operator"][-2000:]


async def test_the_caller_hanging_up_leaves_the_camp_on_queue(
    untrusted: Running, tmp_path: Path
) -> None:
    scene = Scene(untrusted, tmp_path)
    camp_ons, switch = scene.camp_ons, scene.switch
    try:
        caller, _operator, contact_id = await scene.start()
        camp_ons.camp(DEMO_TENANT, "kristina", contact_id, AGENT_EXTENSION, "Karin Carlsson")
        assert len(camp_ons.board) == 1
        await asyncio.sleep(2.0)
        await caller.command("hangup")
        await wait_for(lambda: contact_id not in switch.calls, 10)
        assert camp_ons.board == ()
        assert len(camp_ons.queues) == 0
        assert scene.reach.line(DEMO_TENANT, KARIN) is LineState.BUSY  # still with Maria
    finally:
        await scene.stop()


async def test_the_operator_takes_a_camped_call_back_and_her_phone_rings(
    untrusted: Running, tmp_path: Path
) -> None:
    """Spec §49: a call camped by mistake is hers again at once, never someone else's."""
    scene = Scene(untrusted, tmp_path)
    camp_ons, switch = scene.camp_ons, scene.switch
    try:
        caller, operator, contact_id = await scene.start()
        call = switch.calls[contact_id]
        camp_ons.camp(DEMO_TENANT, "kristina", contact_id, AGENT_EXTENSION, "Karin Carlsson")
        for tenant_id, agent_id in ((DEMO_TENANT, "karin"), ("annan", "kristina")):
            with pytest.raises(DomainError) as refused:
                camp_ons.take_back(tenant_id, agent_id, contact_id)
            assert refused.value.code == "camp-on-not-yours"
        assert call.state is CallState.PARKED  # nothing changed
        camp_ons.take_back(DEMO_TENANT, "kristina", contact_id)
        assert call.state is CallState.RECALLING
        assert [c.state for c in camp_ons.board] == [CampedState.RECALLED]
        await asyncio.sleep(1.0)
        await operator.command("accept")
        await wait_for(lambda: call.state is CallState.BRIDGED, 15)  # her contact again
        await wait_for(lambda: not camp_ons.board, 5)
        await caller.command("hangup")
        await wait_for(lambda: contact_id not in switch.calls, 10)
    finally:
        await scene.stop()


async def test_a_free_extension_that_rejects_the_camped_call_sends_it_back_to_the_operator(
    untrusted: Running, tmp_path: Path
) -> None:
    """The free line rings for the camped call and Karin rejects it: the call goes back to
    the operator at once (not after the wait), and Karin's line is free again."""
    scene = Scene(untrusted, tmp_path, karin_answers=False)
    camp_ons, switch = scene.camp_ons, scene.switch
    try:
        caller, operator, contact_id = await scene.start()
        karin = scene.robots[2]
        call = switch.calls[contact_id]
        camp_ons.camp(DEMO_TENANT, "kristina", contact_id, AGENT_EXTENSION, "Karin Carlsson")
        await karin.command("hangup")  # Karin and Maria are done: her line is free
        await wait_for(lambda: [c.state for c in camp_ons.board] == [CampedState.RINGING], 10)
        assert call.state is CallState.RECALLING
        assert scene.reach.line(DEMO_TENANT, KARIN) is LineState.RINGING
        await asyncio.sleep(1.0)
        await karin.command("hangup")  # she rejects the ringing call
        await wait_for(lambda: [c.state for c in camp_ons.board] == [CampedState.RECALLED], 10)
        await wait_for(lambda: call.state is CallState.RECALLING, 5)  # her phone now
        assert scene.reach.line(DEMO_TENANT, KARIN) is LineState.IDLE
        await asyncio.sleep(1.0)
        await operator.command("accept")
        await wait_for(lambda: call.state is CallState.BRIDGED, 15)  # her contact again
        await wait_for(lambda: not camp_ons.board, 5)
        await caller.command("hangup")
        await wait_for(lambda: contact_id not in switch.calls, 10)
    finally:
        await scene.stop()
