"""Answer groups on the wire (issue 14 §3, PBX3): a caller on the group's direct number
rings every logged-in member's phone at once (ring-all) — the first to answer takes the
call, the others stop ringing — or one member after another (in order), skipping who is
logged out. Phones are bare UAs that register with digest; the caller comes in on the
trusted trunk with its number passed on (PBX2)."""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from tests.telephony.conftest import AGENT_QUEUES, Running
from tests.telephony.test_parallel_ring import BarePhone
from tests.telephony.test_pbx_attacks import SpoofingCaller
from tests.telephony.test_pbx_calls import KARIN_EXT, OLLE_EXT, PASSWORD, plan_people
from tests.telephony.test_pbx_forwarding import Reach
from tests.telephony.test_register_limits import _register as register_contacts
from tests.telephony.test_robot_phones import wait_for
from vaxel.core.errors import VaxelError
from vaxel.pbx.devices import Device, DeviceKind, PersonDevices
from vaxel.pbx.forwarding import ForwardCondition, Forwarding, ForwardRule
from vaxel.pbx.groups import AnswerGroup, GroupMember, GroupStrategy
from vaxel.pbx.numbering import DidRange, NumberingPlan, Target, TargetKind
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.sip.message import Request, response_to
from vaxel.telephony.dialout import MAX_FORKS
from vaxel.telephony.directory import Extension
from vaxel.telephony.group_diversion import DivertedGroups
from vaxel.telephony.person_reach import ReachingPeople

pytestmark = pytest.mark.interop
GROUP_DID = "+46101234590"  # 4590, the group's short number
MEMBER_S = 5.0  # the shortest ring a member may have (RING_S_RANGE)


def plan_group(running: Running, group: AnswerGroup) -> None:
    plan_people(running)
    pbx = running.service.directory.pbx
    pbx.plans[DEMO_TENANT] = NumberingPlan.build(
        DEMO_TENANT,
        [
            ("4500", Target(TargetKind.PERSON, "karin")),
            ("4501", Target(TargetKind.PERSON, "olle")),
            ("4590", Target(TargetKind.GROUP, group.group_id)),
        ],
        [DidRange.parse("010-123 45 00", "010-123 45 99", "4500")],
    )
    pbx.groups[(DEMO_TENANT, group.group_id)] = group


async def cancelled(phone: BarePhone) -> None:
    """Wait for the CANCEL that stops ``phone`` ringing, and answer it."""
    while not phone.got("CANCEL"):
        await phone.next(8.0)
    phone.send(response_to(phone.got("CANCEL")[0], 200, "OK"))


async def talk_and_hang_up(
    running: Running, caller: SpoofingCaller, call_id: str, answerer: BarePhone
) -> None:
    ok = await caller.final(call_id, 10.0)
    assert ok.status == 200
    shown = answerer.got("INVITE")[-1].headers.get("From") or ""
    assert "0701234567" in shown, shown  # the caller's number on the member's phone
    await wait_for(lambda: any(c.bridged for c in running.service.switch.calls.values()), 10)
    caller.bye(running.port, ok)
    await answerer.listen(5.0, until_bye=True)
    await wait_for(lambda: not running.service.switch.calls, 10)


async def test_ring_all_rings_both_members_and_the_first_to_answer_takes_it(
    running: Running,
) -> None:
    members = (GroupMember("karin"), GroupMember("olle"))
    plan_group(running, AnswerGroup(DEMO_TENANT, "kansli", "Kansliet", members=members))
    karin = BarePhone(running.port, KARIN_EXT, PASSWORD)
    olle = BarePhone(running.port, OLLE_EXT, PASSWORD)
    caller = SpoofingCaller()
    try:
        await asyncio.gather(karin.register(), olle.register())
        call_id = caller.invite_as(running.port, GROUP_DID, "0701234567", display='"Kund"')
        _karin_invite, olle_invite = await asyncio.gather(karin.rung(), olle.rung())
        olle.answer(olle_invite)
        await cancelled(karin)
        await talk_and_hang_up(running, caller, call_id, olle)
    finally:
        for ua in (karin, olle, caller):
            ua.close()


async def test_a_diverted_group_sends_its_caller_to_the_diversions_number(
    running: Running,
) -> None:
    """Spec §67: the whole group diverted ("Lunch till 13:00 — till 4501"): its member's
    phone does not ring, the diversion's number does and takes the call."""
    members = (GroupMember("karin"),)
    plan_group(running, AnswerGroup(DEMO_TENANT, "kansli", "Kansliet", members=members))
    groups = running.service.switch.internal.handlers[TargetKind.GROUP]
    assert isinstance(groups, DivertedGroups)
    groups.diverted_to = lambda tenant, group: (
        "4501" if (tenant, group) == (DEMO_TENANT, "kansli") else ""
    )
    karin = BarePhone(running.port, KARIN_EXT, PASSWORD)
    olle = BarePhone(running.port, OLLE_EXT, PASSWORD)
    caller = SpoofingCaller()
    try:
        await asyncio.gather(karin.register(), olle.register())
        call_id = caller.invite_as(running.port, GROUP_DID, "0701234567")
        olle.answer(await olle.rung())
        await talk_and_hang_up(running, caller, call_id, olle)
        with contextlib.suppress(TimeoutError):  # read whatever reached her phone
            while True:
                await karin.next(0.3)
        assert not karin.got("INVITE")  # the member of the diverted group never rang
    finally:
        for ua in (karin, olle, caller):
            ua.close()


async def test_a_persons_direct_number_forwarded_to_a_queue_keeps_whom_the_caller_wanted(
    running: Running,
) -> None:
    """Issue 16 (OP2): Karin forwards every call to the operator queue's number; a trunk
    caller on her direct number waits in that queue as a contact whose record says the
    number dialled was Karin's — the operator's card shows her, also after a restart."""
    plan_people(running)
    queue_id = AGENT_QUEUES[0]
    pbx = running.service.directory.pbx
    pbx.plans[DEMO_TENANT] = NumberingPlan.build(
        DEMO_TENANT,
        [
            ("4500", Target(TargetKind.PERSON, "karin")),
            ("4710", Target(TargetKind.QUEUE, queue_id)),
        ],
        [DidRange.parse("010-123 45 00", "010-123 45 99", "4500")],
    )
    reach = Reach()
    reach.rules["karin"] = Forwarding((ForwardRule(ForwardCondition.ALWAYS, "4710"),))
    ReachingPeople.installed_on(running.service.switch, reach, reach)
    caller = SpoofingCaller()
    try:
        caller.invite_as(running.port, "+46101234500", "0701234567")
        acd = running.center.acd

        def waiting() -> list[str]:  # the queued calls' contacts (a call's id is its contact's)
            found = []
            for call_id in list(running.service.switch.calls):
                with contextlib.suppress(VaxelError):
                    found.append(acd.contact_view(DEMO_TENANT, call_id).dialled_number)
            return found

        await wait_for(lambda: bool(waiting()), 10)
        assert waiting() == ["+46101234500"]  # Karin's direct number, not the queue's 4710
    finally:
        caller.close()


async def test_in_order_rings_one_member_then_the_next_and_skips_the_logged_out(
    running: Running,
) -> None:
    members = (GroupMember("per", logged_in=False), GroupMember("karin"), GroupMember("olle"))
    group = AnswerGroup(
        DEMO_TENANT,
        "kansli",
        "Kansliet",
        strategy=GroupStrategy.IN_ORDER,
        members=members,
        member_ring_s=MEMBER_S,
    )
    plan_group(running, group)
    karin = BarePhone(running.port, KARIN_EXT, PASSWORD)
    olle = BarePhone(running.port, OLLE_EXT, PASSWORD)
    caller = SpoofingCaller()
    loop = asyncio.get_running_loop()
    try:
        await asyncio.gather(karin.register(), olle.register())
        call_id = caller.invite_as(running.port, GROUP_DID, "0701234567")
        called_at = loop.time()
        invite = await karin.rung()
        assert isinstance(invite, Request)
        rung_at = loop.time()
        assert rung_at - called_at < MEMBER_S - 1  # the logged-out first member is skipped
        with pytest.raises(TimeoutError):  # Olle waits for Karin's turn
            await olle.next(MEMBER_S - 0.5)
        await cancelled(karin)
        olle_invite = await olle.rung()
        assert loop.time() - rung_at >= MEMBER_S - 0.1
        olle.answer(olle_invite)
        await talk_and_hang_up(running, caller, call_id, olle)
    finally:
        for ua in (karin, olle, caller):
            ua.close()


async def test_a_ring_all_group_rings_at_most_max_forks_phones_for_one_call(
    running: Running,
) -> None:
    """Twelve members, each of whose desk extension has ten registered phones, are 120
    phones: one call would be 120 INVITE transactions (with devices and bindings at their
    limits, 10,000). One attempt sends at most ``MAX_FORKS`` INVITEs (task R's review)."""
    directory = running.service.directory
    sink = BarePhone(running.port, "sink", "")  # every registered phone points here
    people = [f"p{n}" for n in range(12)]
    for n, person in enumerate(people):
        extension = f"31{n:02d}"
        directory.extensions[extension] = Extension(DEMO_TENANT, extension, PASSWORD, "", person)
        directory.pbx.people[(DEMO_TENANT, person)] = PersonDevices(
            DEMO_TENANT, person, (Device(DeviceKind.SIP, extension),), ring_s=20.0
        )
    group = AnswerGroup(DEMO_TENANT, "alla", "Alla", members=tuple(GroupMember(p) for p in people))
    plan_group(running, group)
    for n in range(12):  # Växel sends to where the REGISTER came from: the sink
        sink.extension, sink.password = f"31{n:02d}", PASSWORD
        contacts = [f"sip:{sink.extension}-{i}@127.0.0.1:{sink.port}" for i in range(10)]
        assert (await register_contacts(sink, contacts)).status == 200
    caller = SpoofingCaller()
    switch = running.service.switch
    try:
        caller.invite_as(running.port, GROUP_DID, "0701234567")
        invites: set[str] = set()
        with contextlib.suppress(TimeoutError):
            while True:
                message = await sink.next(2.0)
                if isinstance(message, Request) and message.method == "INVITE":
                    invites.add(message.uri)
        assert len(invites) == MAX_FORKS < 120
        for call in list(switch.calls.values()):
            switch.hang_up(call)
        switch.drain()
    finally:
        caller.close()
        sink.close()
