"""A blind transfer nobody answers rings back whoever transferred it (issue 14 §6): the
caller is never dropped. Scripted UDP phones; the runtime's side in memory (``Reach``)."""

from __future__ import annotations

import time

import pytest

from tests.telephony.conftest import Running
from tests.telephony.test_attended_refusals import talking
from tests.telephony.test_attended_transfer_robots import Transferor
from tests.telephony.test_pbx_forwarding import PASSWORD
from tests.telephony.test_robot_phones import wait_for
from tests.telephony.test_transfer_line_state import line, phones, refer
from vaxel.directory.presence import LineState
from vaxel.pbx.devices import Device, DeviceKind, PersonDevices
from vaxel.pbx.numbering import NumberingPlan, Target, TargetKind
from vaxel.pbx.reach import AbsentOffer
from vaxel.pbx.transfer_recall import RecallSettings
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.sip.message import Request, response_to
from vaxel.telephony.call import CallState
from vaxel.telephony.directory import Extension
from vaxel.telephony.person_reach import ReachingPeople

pytestmark = pytest.mark.interop

RECALL_AFTER_S = 5.0  # the shortest a tenant may set


def _invite(message: object) -> bool:
    return isinstance(message, Request) and message.method == "INVITE"


def _recalls(running: Running) -> ReachingPeople:
    people = running.service.switch.internal.person_reach
    assert isinstance(people, ReachingPeople)
    people.recalls.settings = lambda tenant_id: RecallSettings(RECALL_AFTER_S)
    return people


async def test_an_unanswered_blind_transfer_rings_back_the_transferrer(untrusted: Running) -> None:
    running, port = untrusted, untrusted.port
    reach, group = await phones(running)
    _recalls(running)
    karin, olle, eva = group["karin"], group["olle"], group["eva"]
    try:
        _, held = await talking(karin, olle, port, "4601")  # Karin calls Olle
        await refer(olle, held, f"sip:4602@127.0.0.1:{port}")  # Olle sends her to Eva
        started = time.monotonic()
        await eva.rung()  # Eva does not answer (her phone would ring 20 s)
        back = await olle.expect(_invite, RECALL_AFTER_S + 10)
        assert time.monotonic() - started >= RECALL_AFTER_S - 0.5
        assert "<sip:3101@" in (back.headers.get("From") or ""), "Karin comes back as Karin"
        await eva.expect(lambda m: isinstance(m, Request) and m.method == "CANCEL")
        assert isinstance(back, Request)
        olle.answer(back)
        switch = running.service.switch
        await wait_for(lambda: any(c.state is CallState.TRANSFERRED for c in switch.calls.values()))
        assert len(switch.calls) == 1, "one call: Karin's, never dropped"
        assert line(reach, "olle") is LineState.BUSY
        assert line(reach, "eva") is LineState.IDLE
    finally:
        for phone in group.values():
            phone.close()


async def test_a_busy_target_rings_back_the_transferrer_at_once(untrusted: Running) -> None:
    running, port = untrusted, untrusted.port
    _, group = await phones(running)
    _recalls(running)
    karin, olle, eva = group["karin"], group["olle"], group["eva"]
    try:
        _, held = await talking(karin, olle, port, "4601")
        await refer(olle, held, f"sip:4602@127.0.0.1:{port}")
        invite = await eva.rung()
        started = time.monotonic()
        eva.send(response_to(invite, 486, "Busy Here", to_tag=eva.tag))
        back = await olle.expect(_invite, RECALL_AFTER_S)
        assert time.monotonic() - started < RECALL_AFTER_S, "not after the recall time"
        assert "<sip:3101@" in (back.headers.get("From") or "")
    finally:
        for phone in group.values():
            phone.close()


async def test_a_busy_transferrer_is_skipped_for_the_operator_number(untrusted: Running) -> None:
    """Olle is on another call when Eva turns the transfer down: the switchboard's
    operator number (the tenant's ``operator_number``) rings with Karin's number, and
    answering it joins her — the caller still in the one call, never dropped."""
    running, port = untrusted, untrusted.port
    reach, group = await phones(running)
    _recalls(running)
    directory = running.service.directory
    directory.extensions["3109"] = Extension(DEMO_TENANT, "3109", PASSWORD, "", "Växeln")
    plan = directory.pbx.plans[DEMO_TENANT]
    directory.pbx.plans[DEMO_TENANT] = NumberingPlan.build(
        DEMO_TENANT, [*plan.numbers.items(), ("4609", Target(TargetKind.PERSON, "vaxeln"))], []
    )
    directory.pbx.people[(DEMO_TENANT, "vaxeln")] = PersonDevices(
        DEMO_TENANT, "vaxeln", (Device(DeviceKind.SIP, "3109"),), ring_s=20.0
    )
    reach.absent_offer = lambda tenant_id: AbsentOffer(operator_number="4609")  # type: ignore[method-assign]
    operator = Transferor(port, "3109", PASSWORD)
    await operator.register()
    karin, olle, eva = group["karin"], group["olle"], group["eva"]
    try:
        _, held = await talking(karin, olle, port, "4601")
        await refer(olle, held, f"sip:4602@127.0.0.1:{port}")
        reach.lines.answered(DEMO_TENANT, "olle", "another-call")  # Olle took another call
        invite = await eva.rung()
        eva.send(response_to(invite, 486, "Busy Here", to_tag=eva.tag))
        back = await operator.expect(_invite, RECALL_AFTER_S)
        assert "<sip:3101@" in (back.headers.get("From") or ""), "Karin, to the switchboard"
        assert isinstance(back, Request)
        operator.answer(back)
        switch = running.service.switch
        await wait_for(lambda: any(c.state is CallState.TRANSFERRED for c in switch.calls.values()))
        assert len(switch.calls) == 1
        with pytest.raises(TimeoutError):  # Olle, busy, was not rung back
            await olle.expect(_invite, 0.5)
    finally:
        operator.close()
        for phone in group.values():
            phone.close()
