"""Calls to the PBX's numbers (PBX1, issue 14): two registered baresip phones call each
other by short number and hear each other; an unknown short number is refused 404; a busy
callee's caller is told so in Swedish; a carrier (SIPp, trusted trunk) reaches an
extension on its direct number with the caller id passed on unchanged."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.telephony.conftest import Running, free_port, keys, sipp
from tests.telephony.robots import Robot, read_wav, tone_share
from tests.telephony.test_media_admission import Caller
from tests.telephony.test_parallel_ring import BarePhone
from tests.telephony.test_robot_phones import find_prompt, phone_robot, wait_for
from vaxel.pbx.devices import Device, DeviceKind, PersonDevices
from vaxel.pbx.numbering import DidRange, NumberingPlan, Target, TargetKind
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.sip.message import Request, response_to
from vaxel.telephony.directory import Extension

pytestmark = pytest.mark.interop
KARIN_HZ, OLLE_HZ = 1000.0, 1500.0
KARIN_EXT, OLLE_EXT = "3001", "3002"
PASSWORD = "robot-pbx-secret"


def plan_people(running: Running) -> None:
    """Karin (short 4500, desk phone 3001) and Olle (4501, desk phone 3002); the direct
    numbers 010-123 45 00–99 reach 4500–4599."""
    directory = running.service.directory
    for extension, name in ((KARIN_EXT, "Karin Carlsson"), (OLLE_EXT, "Olle Ek")):
        directory.extensions[extension] = Extension(DEMO_TENANT, extension, PASSWORD, "", name)
    directory.pbx.plans[DEMO_TENANT] = NumberingPlan.build(
        DEMO_TENANT,
        [
            ("4500", Target(TargetKind.PERSON, "karin")),
            ("4501", Target(TargetKind.PERSON, "olle")),
        ],
        [DidRange.parse("010-123 45 00", "010-123 45 99", "4500")],
    )
    for person, extension in (("karin", KARIN_EXT), ("olle", OLLE_EXT)):
        directory.pbx.people[(DEMO_TENANT, person)] = PersonDevices(
            DEMO_TENANT, person, (Device(DeviceKind.SIP, extension),), ring_s=20.0
        )


def registered(running: Running, extension: str) -> bool:
    service = running.service
    return bool(service.registration.bindings(service.directory.extensions[extension]))


async def test_two_phones_call_each_other_by_short_number_and_hear_each_other(
    untrusted: Running, tmp_path: Path
) -> None:
    running = untrusted
    plan_people(running)
    port = running.port
    karin = await phone_robot(tmp_path, "karin", port, KARIN_EXT, PASSWORD, KARIN_HZ)
    olle = await phone_robot(tmp_path, "olle", port, OLLE_EXT, PASSWORD, OLLE_HZ)
    switch = running.service.switch
    try:
        await wait_for(lambda: registered(running, KARIN_EXT) and registered(running, OLLE_EXT))
        await karin.command("dial", f"sip:4501@127.0.0.1:{port}")
        await wait_for(lambda: any(c.bridged for c in switch.calls.values()), 15)
        [call] = switch.calls.values()
        assert call.internal is not None and call.internal.caller.extension == KARIN_EXT
        await asyncio.sleep(3.0)  # talk
        await olle.command("hangup")  # either hang-up ends both
        await wait_for(lambda: not switch.calls, 10)
    finally:
        karin_log = await karin.stop()
        olle_log = await olle.stop()
    heard, rate = read_wav(karin.heard)
    assert tone_share(heard, OLLE_HZ, rate) > 0.5, karin_log[-2000:]
    heard, rate = read_wav(olle.heard)
    assert tone_share(heard, KARIN_HZ, rate) > 0.5, olle_log[-2000:]


async def test_an_unknown_short_number_is_not_found(running: Running) -> None:
    plan_people(running)
    caller = Caller()
    try:
        call_id = caller.invite(running.port, number="4599")
        final = await caller.final(call_id, 5.0)
    finally:
        caller.close()
    assert final.status == 404


async def test_a_busy_person_s_caller_is_told_in_swedish(
    untrusted: Running, tmp_path: Path
) -> None:
    running = untrusted
    plan_people(running)
    port = running.port
    olle = BarePhone(port, OLLE_EXT, PASSWORD)
    karin = await Robot.start(
        tmp_path,
        "karin",
        f"<sip:{KARIN_EXT}@127.0.0.1:{port}>;auth_pass={PASSWORD};regint=0",
        KARIN_HZ,
    )
    switch = running.service.switch
    try:
        await olle.register()
        await karin.command("dial", f"sip:4501@127.0.0.1:{port}")
        invite = await olle.rung()
        olle.send(response_to(invite, 486, "Busy Here", to_tag=olle.tag))
        await wait_for(lambda: not switch.calls, 20)  # the prompt as early media, then 486
    finally:
        karin_log = await karin.stop()
        olle.close()
    heard, rate = read_wav(karin.heard)
    match, _end = find_prompt(heard, rate, "sv/system/upptaget")
    assert match > 0.9, karin_log[-2000:]


async def test_a_direct_number_from_the_trunk_reaches_the_extension_with_the_caller_id(
    running: Running, tmp_path: Path
) -> None:
    plan_people(running)
    karin = BarePhone(running.port, KARIN_EXT, PASSWORD)
    try:
        await karin.register()
        carrier = asyncio.create_task(
            sipp(
                "caller_listens.xml",
                running.port,
                *keys(rtp_port=str(free_port())),
                service="+46101234500",
                cwd=tmp_path,
            )
        )
        invite = await karin.rung()
        assert isinstance(invite, Request)
        shown = invite.headers.get("From") or ""
        assert shown.startswith('"Robot" <sip:0701234567@'), shown  # unchanged (PBX2)
        karin.answer(invite)
        switch = running.service.switch
        await wait_for(lambda: any(c.bridged for c in switch.calls.values()), 10)
        [call] = switch.calls.values()
        switch.hang_up(call)  # BYE to both
        switch.drain()
        await karin.listen(5.0, until_bye=True)
        code, output = await carrier
    finally:
        karin.close()
    assert code == 0, output
