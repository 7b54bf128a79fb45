"""Attacks on the PBX's SIP side (issue 14, task R): a caller on a trusted trunk is an
outside caller whatever its From header says — it reaches the direct numbers (DIDs), never
an extension's identity, short numbers or the trunk out."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.telephony.conftest import Running
from tests.telephony.robots import Robot
from tests.telephony.test_conference_robots import ROOM, caller_robot, wait_for
from tests.telephony.test_media_admission import SDP, Caller
from tests.telephony.test_parallel_ring import BarePhone
from tests.telephony.test_pbx_calls import KARIN_EXT, OLLE_EXT, PASSWORD, plan_people
from vaxel.core.dial_policy import DialPolicy
from vaxel.pbx.conference import ConferenceRoom
from vaxel.pbx.devices import Device, DeviceKind, PersonDevices
from vaxel.pbx.pin_guard import PinGuard
from vaxel.pbx.trunks import Trunk, TrunkMode
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.sip.dialog import header_tag
from vaxel.telephony.caller_id import caller_id

pytestmark = pytest.mark.interop


class SpoofingCaller(Caller):
    """A bare UA on the trusted address that writes any From it likes (the PSTN's caller id
    is the caller's to choose)."""

    def invite_as(
        self, server: int, number: str, from_user: str, display: str = '"Olle Ek"'
    ) -> str:
        self.count += 1
        body = SDP.format(ip=self.host, port=self.media_port())
        call_id = f"spoof-{self.port}-{self.count}"
        self.tags[call_id] = f"sp{self.count}"  # for bye()
        data = (
            f"INVITE sip:{number}@127.0.0.1 SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP {self.host}:{self.port};branch=z9hG4bKsp{self.count};rport\r\n"
            f"From: {display} <sip:{from_user}@{self.host}>;tag=sp{self.count}\r\n"
            f"To: <sip:{number}@127.0.0.1>\r\nCall-ID: {call_id}\r\n"
            f"CSeq: 1 INVITE\r\nMax-Forwards: 70\r\n"
            f"Contact: <sip:{from_user}@{self.host}:{self.port}>\r\n"
            f"Content-Type: application/sdp\r\nContent-Length: {len(body)}\r\n\r\n{body}"
        ).encode()
        self.sock.sendto(data, ("127.0.0.1", server))
        return call_id


async def test_a_trunk_caller_claiming_an_extension_reaches_no_short_number(
    running: Running, tmp_path: Path
) -> None:
    """From 127.0.0.1 (a trusted trunk, no digest) with From: Olle's extension, dialling
    Karin's short number: refused 404, Karin's phone never rings, no call is made."""
    plan_people(running)
    karin = BarePhone(running.port, KARIN_EXT, PASSWORD)
    spoofer = SpoofingCaller()
    try:
        await karin.register()
        call_id = spoofer.invite_as(running.port, "4500", OLLE_EXT)
        final = await spoofer.final(call_id, 5.0)
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(karin.rung(), 1.0)
    finally:
        spoofer.close()
        karin.close()
    assert final.status == 404
    assert not running.service.switch.calls


async def test_a_trunk_caller_claiming_an_extension_still_reaches_a_direct_number(
    running: Running, tmp_path: Path
) -> None:
    """The same caller dialling Karin's direct number rings her as an outside caller: the
    number is shown as it came, but the call is no extension's (no internal identity)."""
    plan_people(running)
    karin = BarePhone(running.port, KARIN_EXT, PASSWORD)
    spoofer = SpoofingCaller()
    switch = running.service.switch
    try:
        await karin.register()
        spoofer.invite_as(running.port, "+46101234500", OLLE_EXT)
        invite = await karin.rung()
        [call] = switch.calls.values()
        assert call.internal is not None
        assert call.internal.caller.extension == ""  # an outside caller, not Olle's phone
        assert (invite.headers.get("From") or "").find(f"sip:{OLLE_EXT}@") > 0
        switch.hang_up(call)
        switch.drain()
    finally:
        spoofer.close()
        karin.close()


async def test_another_tenant_s_room_does_not_take_a_colleague_s_short_number(
    untrusted: Running, tmp_path: Path
) -> None:
    """Rooms' numbers are unique among rooms only: another tenant's room 4501 must not
    catch Karin's call to her colleague Olle's short number 4501 (tenant isolation)."""
    running = untrusted
    plan_people(running)
    other = ConferenceRoom("styrelse", "grannkommun", "4501", "Grannkommunens styrelse")
    running.service.directory.conference_rooms[other.number] = other
    port = running.port
    olle = BarePhone(port, OLLE_EXT, PASSWORD)
    karin = await Robot.start(
        tmp_path, "karin", f"<sip:{KARIN_EXT}@127.0.0.1:{port}>;auth_pass={PASSWORD};regint=0", 1000
    )
    switch = running.service.switch
    try:
        await olle.register()
        await karin.command("dial", f"sip:4501@127.0.0.1:{port}")
        invite = await olle.rung()
        assert (invite.headers.get("From") or "").find(f"sip:{KARIN_EXT}@") > 0
        assert switch.conferences.participants("grannkommun", "styrelse") == []
        [call] = switch.calls.values()
        assert call.conference is None and call.tenant_id == DEMO_TENANT
        switch.hang_up(call)
        switch.drain()
    finally:
        await karin.stop()
        olle.close()


async def test_a_room_s_pin_cannot_be_guessed_by_calling_again(
    running: Running, tmp_path: Path
) -> None:
    """A robot keys three wrong PINs and is hung up (the call's own bound); calling again
    with the right PIN it is still refused while the room's wrong PINs fill the window
    (three here; 20 in ten minutes in production), and never joins."""
    switch = running.service.switch
    switch.directory.conference_rooms[ROOM.number] = ROOM
    switch.conferences.pin_guard = PinGuard(max_failures=3, window_s=600.0)
    robot = await caller_robot(tmp_path, "anna")
    try:
        for keyed in (("1111#", "2469#", "0000#"), ("2468#",)):
            await robot.command("dial", f"sip:{ROOM.number}@127.0.0.1:{running.port}")
            await wait_for(lambda: len(switch.calls) == 1)
            await asyncio.sleep(0.5)
            for keys in keyed:
                await robot.keys(keys)
            await wait_for(lambda: not switch.calls, 20)  # "Fel PIN-kod. Hej då.", then BYE
            assert switch.conferences.participants(DEMO_TENANT, ROOM.room_id) == []
    finally:
        await robot.stop()


async def test_a_caller_s_display_name_cannot_rewrite_the_from_a_phone_sees(
    running: Running, tmp_path: Path
) -> None:
    """A display name with a quote in it, passed on to the extension, stays a display name:
    the phone reads the caller's own number, not the 112 the name smuggled in."""
    plan_people(running)
    karin = BarePhone(running.port, KARIN_EXT, PASSWORD)
    spoofer = SpoofingCaller()
    switch = running.service.switch
    hostile = r'"Eve\" <sip:112@evil.example>;x=\""'
    try:
        await karin.register()
        spoofer.invite_as(running.port, "+46101234500", "0701234567", display=hostile)
        invite = await karin.rung()
        shown = caller_id(invite.headers.get("From") or "")
        assert shown.number == "0701234567", invite.headers.get("From")
        assert shown.display_name == 'Eve" <sip:112@evil.example>;x="'
        [call] = switch.calls.values()
        switch.hang_up(call)
        switch.drain()
    finally:
        spoofer.close()
        karin.close()


async def only_the_desk_phone_rings(running: Running, mobile: str) -> None:
    """Karin's devices are her desk phone and ``mobile``; an outside caller rings her direct
    number. Her desk phone rings, and in the next 1.5 s the carrier (a bare socket as the
    tenant's trunk) receives nothing: ``mobile`` was not dialled out."""
    directory = running.service.directory
    carrier = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    carrier.bind(("127.0.0.1", 0))
    carrier.setblocking(False)
    directory.outside.trunks[DEMO_TENANT] = Trunk(
        DEMO_TENANT, "127.0.0.1", carrier.getsockname()[1], mode=TrunkMode.IP
    )
    directory.pbx.people[(DEMO_TENANT, "karin")] = PersonDevices(
        DEMO_TENANT,
        "karin",
        (Device(DeviceKind.SIP, KARIN_EXT), Device(DeviceKind.MOBILE, mobile)),
        ring_s=20.0,
    )
    karin = BarePhone(running.port, KARIN_EXT, PASSWORD)
    caller = SpoofingCaller()
    switch = running.service.switch
    loop = asyncio.get_running_loop()
    try:
        await karin.register()
        caller.invite_as(running.port, "+46101234500", "0701234567", display='"Kund"')
        await karin.rung()  # the desk phone rings
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(loop.sock_recv(carrier, 65535), 1.5)
        for call in list(switch.calls.values()):
            switch.hang_up(call)
        switch.drain()
    finally:
        carrier.close()
        caller.close()
        karin.close()


@pytest.mark.parametrize("mobile", ["112", "+46 11414"])
async def test_a_mobile_device_at_an_emergency_number_is_never_dialled_for_a_caller(
    running: Running, mobile: str
) -> None:
    """No form saves 112 or 114 14 as a person's mobile, but a row written by an import or
    a migration could: then every caller of that person would be put through to the
    emergency centre, which the dial policy always lets out (attack A2, issue 14 PBX8). The
    device is not dialled; her desk phone still rings."""
    plan_people(running)
    await only_the_desk_phone_rings(running, mobile)


async def test_a_mobile_device_abroad_is_not_dialled_for_a_person_barred_abroad(
    running: Running, tmp_path: Path
) -> None:
    """The tenant allows calls abroad, but Karin has no class of service (the default class:
    Sweden only). Her devices are her desk phone and a "mobile" at a UK personal number
    (+44 70…, a favourite of revenue-share fraud). An outside caller ringing her direct
    number must not make Växel dial +44 over the trunk: the device rings under her class,
    as every other call she causes does (PBX8); her desk phone still rings."""
    plan_people(running)
    directory = running.service.directory
    directory.dial_policies[DEMO_TENANT] = DialPolicy(international_allowed=True)
    await only_the_desk_phone_rings(running, "+447012345678")


@pytest.mark.parametrize("mobile", ["+46101234500", "+46101234501"])
async def test_a_mobile_device_at_a_direct_number_of_the_switch_is_not_dialled_out(
    running: Running, mobile: str
) -> None:
    """Karin saves her own direct number (or a colleague's) as her "mobile" on Min telefon.
    Dialled over the trunk, it comes back from the carrier as a new call to that direct
    number, which rings her mobile again: a spiral through the public network, each turn
    another trunk channel, bounded by nothing. A device at a direct number of this switch
    is not dialled out (the carrier socket receives nothing); her desk phone still rings."""
    plan_people(running)
    await only_the_desk_phone_rings(running, mobile)


async def test_a_trunk_cannot_join_two_outside_callers_calls_with_replaces(
    running: Running,
) -> None:
    """Attended transfer joins two calls of one *phone* — checked as one address and
    transport. A carrier's legs share its address too: a REFER from the trunk on one
    outside caller's call, with Replaces naming another outside caller's call through the
    same carrier, bridged Karin and Olle (task R2). The REFERer must be an extension's
    phone in both calls: 403, both calls go on."""
    plan_people(running)
    karin = BarePhone(running.port, KARIN_EXT, PASSWORD)
    olle = BarePhone(running.port, OLLE_EXT, PASSWORD)
    carrier = SpoofingCaller()
    switch = running.service.switch
    try:
        await karin.register()
        await olle.register()
        answered = []
        for phone, did, who in ((karin, "+46101234500", "0701111111"),
                                (olle, "+46101234501", "0702222222")):  # fmt: skip
            call_id = carrier.invite_as(running.port, did, who, '"Ute"')
            invite = await phone.rung()
            phone.answer(invite)
            answered.append(await carrier.final(call_id, 5.0))
        first, second = answered
        assert first.status == second.status == 200
        tags = [header_tag(ok.headers.get("To") or "") for ok in answered]
        replaces = quote(
            f"{second.call_id};to-tag={tags[1]};from-tag={carrier.tags[second.call_id]}", safe=""
        )
        common = (
            f"From: <sip:0701111111@127.0.0.1>;tag={carrier.tags[first.call_id]}\r\n"
            f"To: {first.headers.get('To')}\r\nCall-ID: {first.call_id}\r\nMax-Forwards: 70\r\n"
            f"Contact: <sip:0701111111@127.0.0.1:{carrier.port}>\r\n"
        )
        for cseq, method, extra in (
            (1, "ACK", ""),
            (2, "REFER", f"Refer-To: <sip:x@127.0.0.1?Replaces={replaces}>\r\n"),
        ):
            carrier.sock.sendto(
                (
                    f"{method} sip:vaxel@127.0.0.1:{running.port} SIP/2.0\r\n"
                    f"Via: SIP/2.0/UDP 127.0.0.1:{carrier.port};branch=z9hG4bKr{cseq}\r\n"
                    f"CSeq: {cseq} {method}\r\n{common}{extra}Content-Length: 0\r\n\r\n"
                ).encode(),
                ("127.0.0.1", running.port),
            )
        refused = await carrier.final(first.call_id, 5.0)
        assert (refused.status, refused.cseq[1]) == (403, "REFER"), refused.status
        assert len(switch.calls) == 2 and not any(c.ended for c in switch.calls.values())
    finally:
        for call in list(switch.calls.values()):
            switch.hang_up(call)
        switch.drain()
        carrier.close()
        karin.close()
        olle.close()
