"""Crisis operation (issue 14 §8, PBX9): a person whose phone is a mobile reached over the
trunk is reached like any other — the direct number from outside rings the desk phone and
the mobile at once (or in turn, PBX1), the mobile answers over the carrier, the desk phone
stops ringing, and the caller's hang-up reaches the mobile. The carrier is a bare UA on
127.0.0.1 (an IP-trusted trunk); the caller's number is passed on unchanged (PBX2)."""

from __future__ import annotations

import asyncio

import pytest

from tests.telephony.conftest import Running
from tests.telephony.test_parallel_ring import BarePhone
from tests.telephony.test_pbx_attacks import SpoofingCaller
from tests.telephony.test_pbx_calls import KARIN_EXT, PASSWORD, plan_people
from tests.telephony.test_robot_phones import wait_for
from vaxel.pbx.devices import Device, DeviceKind, PersonDevices, RingStrategy
from vaxel.pbx.trunks import Trunk, TrunkMode
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.sip.message import Request, response_to

pytestmark = pytest.mark.interop
MOBILE = "+46701112233"
DESK_S = 5.0  # the shortest ring a device may have (RING_S_RANGE)


async def invite_for(phone: BarePhone) -> Request:
    """The INVITE that reaches ``phone``, answered 180 (the carrier's or the desk phone's)."""
    invite = await phone.rung()
    assert invite.method == "INVITE"
    return invite


async def test_the_direct_number_is_answered_on_the_mobile_over_the_trunk(
    running: Running,
) -> None:
    plan_people(running)
    directory = running.service.directory
    carrier = BarePhone(running.port, "carrier", "")
    directory.outside.trunks[DEMO_TENANT] = Trunk(
        DEMO_TENANT, "127.0.0.1", carrier.port, mode=TrunkMode.IP
    )
    directory.pbx.people[(DEMO_TENANT, "karin")] = PersonDevices(
        DEMO_TENANT,
        "karin",
        (Device(DeviceKind.SIP, KARIN_EXT), Device(DeviceKind.MOBILE, MOBILE)),
        ring_s=20.0,
    )
    desk = BarePhone(running.port, KARIN_EXT, PASSWORD)
    caller = SpoofingCaller()
    switch = running.service.switch
    try:
        await desk.register()
        call_id = caller.invite_as(running.port, "+46101234500", "0701234567", display='"Kund"')
        _desk_invite, mobile_invite = await asyncio.gather(invite_for(desk), invite_for(carrier))
        # dialled over the trunk:
        assert mobile_invite.uri.startswith(f"sip:{MOBILE}@"), mobile_invite.uri
        shown = mobile_invite.headers.get("From") or ""
        assert "0701234567" in shown, shown  # the caller's number, not the switch's (PBX2)
        carrier.answer(mobile_invite)
        ok = await caller.final(call_id, 10.0)
        assert ok.status == 200  # the caller is through to Karin's mobile
        while not desk.got("CANCEL"):  # the desk phone stops ringing
            await desk.next(5.0)
        desk.send(response_to(desk.got("CANCEL")[0], 200, "OK"))
        await wait_for(lambda: any(c.bridged for c in switch.calls.values()), 10)
        caller.bye(running.port, ok)  # the caller hangs up: the mobile is told
        while not carrier.got("BYE"):
            await carrier.next(5.0)
        carrier.send(response_to(carrier.got("BYE")[0], 200, "OK"))
        await wait_for(lambda: not switch.calls, 10)
    finally:
        carrier.close()
        caller.close()
        desk.close()


async def test_in_sequence_the_desk_phone_rings_first_then_the_mobile_answers(
    running: Running,
) -> None:
    """PBX1: "in sequence, per person" on the wire — the desk phone rings its own seconds
    and is cancelled; only then is the mobile dialled over the trunk, and it answers."""
    plan_people(running)
    directory = running.service.directory
    carrier = BarePhone(running.port, "carrier", "")
    directory.outside.trunks[DEMO_TENANT] = Trunk(
        DEMO_TENANT, "127.0.0.1", carrier.port, mode=TrunkMode.IP
    )
    directory.pbx.people[(DEMO_TENANT, "karin")] = PersonDevices(
        DEMO_TENANT,
        "karin",
        (Device(DeviceKind.SIP, KARIN_EXT, ring_s=DESK_S), Device(DeviceKind.MOBILE, MOBILE)),
        strategy=RingStrategy.SEQUENCE,
    )
    desk = BarePhone(running.port, KARIN_EXT, PASSWORD)
    caller = SpoofingCaller()
    loop = asyncio.get_running_loop()
    try:
        await desk.register()
        call_id = caller.invite_as(running.port, "+46101234500", "0701234567")
        await invite_for(desk)
        rung_at = loop.time()
        with pytest.raises(TimeoutError):  # the mobile waits for the desk phone's turn
            await carrier.next(DESK_S - 0.5)
        while not desk.got("CANCEL"):
            await desk.next(5.0)
        desk.send(response_to(desk.got("CANCEL")[0], 200, "OK"))
        mobile_invite = await invite_for(carrier)
        assert loop.time() - rung_at >= DESK_S - 0.1
        assert mobile_invite.uri.startswith(f"sip:{MOBILE}@"), mobile_invite.uri
        carrier.answer(mobile_invite)
        ok = await caller.final(call_id, 10.0)
        assert ok.status == 200
        caller.bye(running.port, ok)
        while not carrier.got("BYE"):
            await carrier.next(5.0)
        carrier.send(response_to(carrier.got("BYE")[0], 200, "OK"))
        await wait_for(lambda: not running.service.switch.calls, 10)
    finally:
        carrier.close()
        caller.close()
        desk.close()
