"""Early media with a real caller (issue 14, PBX1): a carrier's caller (SIPp on a trusted
trunk) dials a direct number and is not answered while the person's phone rings — 100,
then 183 with our SDP, and 200 only when the phone answers; a caller who gives up with
CANCEL gets 487 and the person's phone stops ringing (our CANCEL), nothing left behind;
a caller nobody answers is answered when the no-answer forwarding hands the call to
voicemail, before its greeting (PBX4, PBX5)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.telephony.conftest import Running, free_port, keys, sipp
from tests.telephony.test_parallel_ring import BarePhone
from tests.telephony.test_pbx_calls import KARIN_EXT, PASSWORD, plan_people
from tests.telephony.test_pbx_forwarding import Reach
from tests.telephony.test_robot_phones import wait_for
from tests.telephony.test_voicemail_robot import PASSWORD as VM_PASSWORD
from tests.telephony.test_voicemail_robot import _voicemail
from vaxel.pbx.forwarding import ForwardCondition, Forwarding, ForwardRule
from vaxel.pbx.numbering import DidRange, NumberingPlan, Target, TargetKind
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.sip.message import Request, response_to
from vaxel.telephony.calls import LegState
from vaxel.telephony.person_reach import ReachingPeople

pytestmark = pytest.mark.interop
KARIN_DID = "+46101234500"


async def test_the_caller_hears_early_media_and_gets_200_only_when_the_phone_answers(
    running: Running, tmp_path: Path
) -> None:
    plan_people(running)
    karin = BarePhone(running.port, KARIN_EXT, PASSWORD)
    switch = running.service.switch
    try:
        await karin.register()
        carrier = asyncio.create_task(
            sipp(
                "caller_early_media.xml",
                running.port,
                *keys(rtp_port=str(free_port())),
                service=KARIN_DID,
                cwd=tmp_path,
            )
        )
        invite = await karin.rung()
        await asyncio.sleep(1.0)  # ringing: the caller must still be unanswered
        [call] = switch.calls.values()
        assert call.caller is not None and call.caller.state is LegState.EARLY_MEDIA
        karin.answer(invite)
        await wait_for(lambda: any(c.bridged for c in switch.calls.values()), 10)
        assert call.caller.state in (LegState.ANSWERED, LegState.CONFIRMED)
        switch.hang_up(call)  # BYE to both
        switch.drain()
        await karin.listen(5.0, until_bye=True)
        code, output = await carrier
    finally:
        karin.close()
    assert code == 0, output  # 183 with SDP came, then the 200 (the scenario's order)


async def test_a_caller_who_cancels_gets_487_and_the_phone_stops_ringing(
    running: Running, tmp_path: Path
) -> None:
    plan_people(running)
    karin = BarePhone(running.port, KARIN_EXT, PASSWORD)
    switch = running.service.switch
    try:
        await karin.register()
        carrier = asyncio.create_task(
            sipp(
                "caller_cancels_ringing.xml",
                running.port,
                *keys(rtp_port=str(free_port())),
                service=KARIN_DID,
                cwd=tmp_path,
            )
        )
        invite = await karin.rung()
        while not karin.got("CANCEL"):  # the caller's CANCEL reaches the ringing phone
            await karin.next(5.0)
        cancel = karin.got("CANCEL")[0]
        assert cancel.headers.get("Call-ID") == invite.headers.get("Call-ID")
        karin.send(response_to(cancel, 200, "OK"))
        karin.send(response_to(invite, 487, "Request Terminated", to_tag=karin.tag))
        await wait_for(lambda: not switch.calls, 10)  # nothing half-open
        code, output = await carrier
        await karin.listen(1.0)
    finally:
        karin.close()
    assert code == 0, output  # 200 to the CANCEL, 487 to the INVITE, never a 200
    assert isinstance(invite, Request)
    assert not karin.got("BYE")  # the phone never answered: nothing to hang up


async def test_no_answer_forwarded_to_voicemail_answers_the_caller_then_before_the_greeting(
    running: Running, tmp_path: Path
) -> None:
    _voicemail(running, tmp_path)  # Karin (4500, desk 3001) and her mailbox (4590)
    running.service.directory.pbx.plans[DEMO_TENANT] = NumberingPlan.build(
        DEMO_TENANT,
        [
            ("4500", Target(TargetKind.PERSON, "karin")),
            ("4590", Target(TargetKind.VOICEMAIL, "karin")),
        ],
        [DidRange.parse("010-123 45 00", "010-123 45 99", "4500")],
    )
    reach = Reach()
    reach.rules["karin"] = Forwarding((ForwardRule(ForwardCondition.NO_ANSWER, "4590", 5),))
    ReachingPeople.installed_on(running.service.switch, reach, reach)
    karin = BarePhone(running.port, "3001", VM_PASSWORD)
    switch = running.service.switch
    try:
        await karin.register()
        carrier = asyncio.create_task(
            sipp(
                "caller_early_media.xml",
                running.port,
                *keys(rtp_port=str(free_port())),
                service=KARIN_DID,
                cwd=tmp_path,
            )
        )
        invite = await karin.rung()  # and never answered
        [call] = switch.calls.values()
        await asyncio.sleep(1.0)
        assert call.caller is not None and call.caller.state is LegState.EARLY_MEDIA
        while not karin.got("CANCEL"):  # 5 s of ringing: the rule's time is up
            await karin.next(10.0)
        karin.send(response_to(karin.got("CANCEL")[0], 200, "OK"))
        karin.send(response_to(invite, 487, "Request Terminated", to_tag=karin.tag))
        await wait_for(lambda: call.voicemail is not None, 5)  # the mailbox took the call
        assert call.caller.state in (LegState.ANSWERED, LegState.CONFIRMED)  # 200 already
        assert call.voicemail is not None and not call.voicemail.recording  # greeting first
        switch.hang_up(call)
        switch.drain()
        code, output = await carrier
        await wait_for(lambda: not switch.calls, 10)
    finally:
        karin.close()
    assert code == 0, output  # 183 with SDP, then (after the forwarding) 200, ACK, our BYE
