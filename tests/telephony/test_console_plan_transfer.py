"""The console's transfer to a number of the tenant's plan goes where an internal call to it
goes (issue 16 §3, PBX1, PBX5, OP3): Olle's short number 4601 is no SIP account — his
desk phone is 3102 — yet the operator's blind transfer of a queue caller to 4601 rings his
phone, and with Olle absent the caller hears his presence instead, as a colleague dialling
4601 would; unanswered, the call rings the operator back (answered, her ACD contact again;
refused too, the front of its queue). The announced transfer asks
Olle's phone first. A baresip caller keys her way into Karin's queue; Karin's and Olle's phones
are phones on the wire."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.telephony.conftest import AGENT_EXTENSION, AGENT_ID, AGENT_PASSWORD, Running
from tests.telephony.robots import Robot, read_wav
from tests.telephony.test_attended_transfer_robots import Transferor
from tests.telephony.test_parallel_ring import BarePhone
from tests.telephony.test_pbx_forwarding import Reach
from tests.telephony.test_robot_phones import CALLER_HZ, find_prompt, wait_for
from tests.telephony.test_transfer_recall import RECALL_AFTER_S, _invite, _recalls
from vaxel.core.clock import STOCKHOLM
from vaxel.pbx.devices import Device, DeviceKind, PersonDevices
from vaxel.pbx.numbering import NumberingPlan, Target, TargetKind
from vaxel.pbx.reach import Absence
from vaxel.sim.demo_tenant import DEMO_TENANT, MAIN_NUMBER
from vaxel.sip.message import Request, response_to
from vaxel.telephony.call import CallState
from vaxel.telephony.console_consult import ConsoleConsults
from vaxel.telephony.console_transfer import transfer_from_console
from vaxel.telephony.directory import Extension
from vaxel.telephony.person_reach import ReachingPeople

pytestmark = pytest.mark.interop
PASSWORD = "robot-plan-secret"
OLLE_DESK, OLLE_SHORT = "3102", "4601"


def olles_plan(running: Running) -> Reach:
    """Olle: short number 4601 in the plan, his one device the desk phone 3102."""
    directory = running.service.directory
    directory.extensions[OLLE_DESK] = Extension(DEMO_TENANT, OLLE_DESK, PASSWORD, "", "Olle")
    directory.pbx.people[(DEMO_TENANT, "olle")] = PersonDevices(
        DEMO_TENANT, "olle", (Device(DeviceKind.SIP, OLLE_DESK),), ring_s=20.0
    )
    olle = Target(TargetKind.PERSON, "olle")
    directory.pbx.plans[DEMO_TENANT] = NumberingPlan.build(DEMO_TENANT, [(OLLE_SHORT, olle)], [])
    reach = Reach()
    ReachingPeople.installed_on(running.service.switch, reach, reach)
    return reach


async def _caller_with_karin(running: Running, tmp_path: Path) -> tuple[Robot, Transferor, str]:
    """The caller in Karin's queue, Karin talking to her: the call's id."""
    switch = running.service.switch
    karin = Transferor(running.port, AGENT_EXTENSION, AGENT_PASSWORD)
    await karin.register()
    caller = await Robot.start(tmp_path, "caller", "<sip:0701234567@127.0.0.1>;regint=0", CALLER_HZ)
    await wait_for(
        lambda: running.center.acd.agent_view(DEMO_TENANT, AGENT_ID).state.value == "ready"
    )
    await caller.command("dial", f"sip:{MAIN_NUMBER}@127.0.0.1:{running.port}")
    await asyncio.sleep(3.5)  # the welcome prompt cannot be interrupted (IVR2)
    answered = asyncio.create_task(karin.answer_call())
    await caller.keys("2")  # bygglov: Karin's queue
    await answered
    await wait_for(lambda: [c.state for c in switch.calls.values()] == [CallState.BRIDGED], 15)
    (call_id,) = switch.calls
    return caller, karin, call_id


async def test_a_console_transfer_to_a_short_number_rings_the_persons_phone(
    running: Running, tmp_path: Path
) -> None:
    olles_plan(running)
    switch = running.service.switch
    olle = BarePhone(running.port, OLLE_DESK, PASSWORD)
    await olle.register()
    caller, karin, call_id = await _caller_with_karin(running, tmp_path)
    try:
        transfer_from_console(switch, DEMO_TENANT, AGENT_ID, call_id, OLLE_SHORT)
        await karin.expect(lambda m: isinstance(m, Request) and m.method == "BYE")  # she is done
        rung = await olle.rung()
        assert "0701234567" in (rung.headers.get("From") or ""), "the caller's own number"
        olle.answer(rung)
        call = switch.calls[call_id]
        await wait_for(lambda: call.state is CallState.TRANSFERRED, 10)
        assert call.caller is not None and not call.caller.machine.ended, "never dropped"
        assert list(switch.calls) == [call_id], "one call: the caller's, now with Olle"
    finally:
        await caller.stop()
        karin.close()
        olle.close()


async def test_a_console_transfer_to_an_absent_person_tells_the_caller_the_presence(
    running: Running, tmp_path: Path
) -> None:
    reach = olles_plan(running)
    back = datetime.now(STOCKHOLM) + timedelta(hours=2)
    reach.absent["olle"] = Absence("mote", back.replace(minute=30, second=0, microsecond=0))
    switch = running.service.switch
    olle = BarePhone(running.port, OLLE_DESK, PASSWORD)
    await olle.register()
    caller, karin, call_id = await _caller_with_karin(running, tmp_path)
    try:
        transfer_from_console(switch, DEMO_TENANT, AGENT_ID, call_id, OLLE_SHORT)
        await wait_for(lambda: not switch.calls, 40)  # the presence, then our BYE
    finally:
        caller_log = await caller.stop()
        karin.close()
        olle.close()
    assert not olle.got("INVITE"), "an absent person's phone does not ring"
    heard, rate = read_wav(caller.heard)
    for prompt in ("sv/presence/reason-mote", "sv/presence/until"):
        match, _end = find_prompt(heard, rate, prompt)
        assert match > 0.9, (prompt, caller_log[-2000:])


async def test_an_announced_transfer_to_a_short_number_asks_the_persons_phone_first(
    running: Running, tmp_path: Path
) -> None:
    """The console's announced transfer to 4601 rings Olle's desk phone 3102 from the
    operator's extension; he answers, she connects: the caller talks to Olle."""
    olles_plan(running)
    switch = running.service.switch
    consults = ConsoleConsults(switch, switch.clock)
    switch.actions.consults = consults.carry_out
    olle = BarePhone(running.port, OLLE_DESK, PASSWORD)
    await olle.register()
    caller, karin, call_id = await _caller_with_karin(running, tmp_path)
    try:
        consults.start(DEMO_TENANT, AGENT_ID, call_id, OLLE_SHORT, "Olle")
        rung = await olle.rung()
        assert f"<sip:{AGENT_EXTENSION}@" in (rung.headers.get("From") or ""), "she asks"
        olle.answer(rung)
        call = switch.calls[call_id]
        await wait_for(lambda: call.state is CallState.CONSULTED, 10)
        consults.connect(DEMO_TENANT, AGENT_ID, call_id)
        await karin.expect(lambda m: isinstance(m, Request) and m.method == "BYE")  # she is done
        assert call.state is CallState.TRANSFERRED
        assert call.caller is not None and not call.caller.machine.ended, "never dropped"
    finally:
        await caller.stop()
        karin.close()
        olle.close()


async def test_an_unanswered_transfer_to_the_plan_rings_the_operator_back(
    running: Running, tmp_path: Path
) -> None:
    """Olle does not answer: after the tenant's recall time (5 s here) his phone stops and
    the operator's own phone rings with the caller, who was never dropped (issue 16 §3)."""
    olles_plan(running)
    _recalls(running)
    switch = running.service.switch
    olle = Transferor(running.port, OLLE_DESK, PASSWORD)
    await olle.register()
    caller, karin, call_id = await _caller_with_karin(running, tmp_path)
    try:
        transfer_from_console(switch, DEMO_TENANT, AGENT_ID, call_id, OLLE_SHORT)
        await olle.rung()  # and never answered
        started = time.monotonic()
        back = await karin.expect(_invite, RECALL_AFTER_S + 10)
        assert time.monotonic() - started >= RECALL_AFTER_S - 1.0, "after the recall time"
        assert "0701234567" in (back.headers.get("From") or ""), "the caller comes back"
        await olle.expect(lambda m: isinstance(m, Request) and m.method == "CANCEL")
        call = switch.calls[call_id]
        assert isinstance(back, Request)
        karin.answer(back)
        await wait_for(lambda: call.state is CallState.BRIDGED, 10)  # her contact again
        view = running.center.acd.agent_view(DEMO_TENANT, AGENT_ID)
        assert (view.state.value, view.contact_id) == ("busy", call_id)
        assert list(switch.calls) == [call_id], "one call: the caller's, with her again"
        assert call.caller is not None and not call.caller.machine.ended
    finally:
        await caller.stop()
        karin.close()
        olle.close()


async def test_a_plan_transfer_nobody_takes_goes_to_the_front_of_its_queue(
    running: Running, tmp_path: Path
) -> None:
    """Olle does not answer and Karin's phone refuses her recall (486): the caller is not
    sent on to the operator number or Olle's voicemail but waits first in Bygglov, the
    queue the call came from, on the line throughout (issue 16 §3, spec §50–52, OP4)."""
    olles_plan(running)
    _recalls(running)
    switch, acd = running.service.switch, running.center.acd
    olle = Transferor(running.port, OLLE_DESK, PASSWORD)
    await olle.register()
    caller, karin, call_id = await _caller_with_karin(running, tmp_path)
    try:
        transfer_from_console(switch, DEMO_TENANT, AGENT_ID, call_id, OLLE_SHORT)
        await olle.rung()  # and never answered
        back = await karin.expect(_invite, RECALL_AFTER_S + 10)
        assert isinstance(back, Request)
        karin.send(response_to(back, 486, "Busy Here"))  # she does not take it back
        call = switch.calls[call_id]
        await wait_for(lambda: call.state is CallState.REQUEUED, 10)
        view = acd.contact_view(DEMO_TENANT, call_id)
        assert view.queue_id == "bygglov" and view.state.value in ("waiting", "offered")
        assert call.internal is None and call.machine.recall_note is not None
        assert call.machine.recall_note.number == OLLE_SHORT, "the card says whom it missed"
        assert call.caller is not None and not call.caller.machine.ended, "never dropped"
        assert list(switch.calls) == [call_id]
    finally:
        await caller.stop()
        karin.close()
        olle.close()
