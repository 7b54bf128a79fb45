"""A trunk's host is trusted for its own tenant only (issue 14 §2): the carrier played by
SIPp on 127.0.0.1 is tenant A's IP-trusted trunk; its INVITE to tenant B's direct number
or B's service number is refused (403/404) and nothing of B's rings, while A's own direct
number still reaches A's phone with the caller id passed on (PBX2). No node-wide trusted
source is set (``untrusted``), as on a node with several tenants' carriers. (Phones on the
carrier's address — 127.0.0.1 here — still sign in with digest for anything not the
tenant's own numbers: ``test_trunk_carrier``'s calls out.)"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.telephony.conftest import Running, free_port, keys, sipp
from tests.telephony.test_parallel_ring import BarePhone
from tests.telephony.test_pbx_calls import KARIN_EXT, PASSWORD, plan_people
from tests.telephony.test_robot_phones import wait_for
from vaxel.pbx.devices import Device, DeviceKind, PersonDevices
from vaxel.pbx.numbering import DidRange, NumberingPlan, Target, TargetKind
from vaxel.pbx.trunks import Trunk, TrunkMode
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.sip.message import Request, Response
from vaxel.telephony.directory import Extension, ServiceNumber
from vaxel.webrtc.link import RegistrarLink

pytestmark = pytest.mark.interop

OTHER = "grannby"
OTHER_EXT = "3101"
OTHER_DID = "+46101234600"  # 010-123 46 00 → 4600 (Berit): Grannby's, not the demo's
OTHER_SERVICE = "+46101234699"


def two_tenants(running: Running) -> None:
    """The demo tenant with its people and DIDs (``plan_people``) and its carrier's trunk
    on 127.0.0.1; Grannby with a person on 3101, DIDs 010-123 46 00–98 and a service
    number, and no trunk of its own."""
    plan_people(running)
    directory = running.service.directory
    directory.outside.trunks[DEMO_TENANT] = Trunk(
        DEMO_TENANT, "127.0.0.1", free_port(), mode=TrunkMode.IP
    )
    directory.extensions[OTHER_EXT] = Extension(OTHER, OTHER_EXT, PASSWORD, "", "Berit Ek")
    directory.pbx.plans[OTHER] = NumberingPlan.build(
        OTHER,
        [("4600", Target(TargetKind.PERSON, "berit"))],
        [DidRange.parse("010-123 46 00", "010-123 46 98", "4600")],
    )
    directory.pbx.people[(OTHER, "berit")] = PersonDevices(
        OTHER, "berit", (Device(DeviceKind.SIP, OTHER_EXT),), ring_s=20.0
    )
    demo_service = next(iter(directory.numbers.values()))
    directory.numbers[OTHER_SERVICE] = ServiceNumber(
        OTHER_SERVICE, OTHER, demo_service.flow, demo_service.hours
    )


async def nothing_rings(phone: BarePhone, seconds: float) -> list[Request]:
    """The INVITEs ``phone`` got within ``seconds`` (none expected)."""
    await phone.listen(seconds)
    return [m for m in phone.seen if isinstance(m, Request) and m.method == "INVITE"]


@pytest.mark.parametrize("dialled", [OTHER_DID, OTHER_SERVICE])
async def test_another_tenant_s_number_from_a_tenant_s_carrier_is_refused(
    untrusted: Running, tmp_path: Path, dialled: str
) -> None:
    running = untrusted
    two_tenants(running)
    berit = BarePhone(running.port, OTHER_EXT, PASSWORD)
    try:
        await berit.register()
        code, output = await sipp(
            "carrier_refused.xml", running.port, service=dialled, cwd=tmp_path
        )
        assert code == 0, output  # 403 or 404, ACKed
        assert await nothing_rings(berit, 2.0) == []
        assert not running.service.switch.calls
    finally:
        berit.close()


async def test_the_tenant_s_own_direct_number_from_its_carrier_rings(
    untrusted: Running, tmp_path: Path
) -> None:
    running = untrusted
    two_tenants(running)
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
        invite = await karin.next(10.0)
        assert isinstance(invite, Request) and invite.method == "INVITE"
        shown = invite.headers.get("From") or ""
        assert shown.startswith('"Robot" <sip:0701234567@'), shown  # unchanged (PBX2)
        karin.answer(invite)
        switch = running.service.switch
        await wait_for(lambda: any(c.bridged for c in switch.calls.values()), 10)
        [call] = switch.calls.values()
        assert call.tenant_id == DEMO_TENANT
        switch.hang_up(call)
        switch.drain()
        await karin.listen(5.0, until_bye=True)
        code, output = await carrier
    finally:
        karin.close()
    assert code == 0, output


async def test_a_host_that_two_tenants_claim_is_trusted_for_neither(
    untrusted: Running, tmp_path: Path
) -> None:
    """Older data (or two saves racing the admin's check): the demo's own DID is then
    challenged like any stranger's call, not rung."""
    running = untrusted
    two_tenants(running)
    outside = running.service.directory.outside
    outside.trunks[OTHER] = Trunk(OTHER, "127.0.0.1", free_port(), mode=TrunkMode.IP)
    assert running.service.directory.trust("127.0.0.1", "+46101234500") == (False, None)
    karin = BarePhone(running.port, KARIN_EXT, PASSWORD)
    try:
        await karin.register()
        code, output = await sipp(
            "carrier_refused.xml", running.port, service="+46101234500", cwd=tmp_path, timeout_s=5
        )
        assert code != 0, output  # not the refusal the scenario waits for, but:
        [trace] = tmp_path.glob("carrier_refused_*_messages.log")
        assert "SIP/2.0 407 " in trace.read_text(errors="replace")  # a stranger's challenge
        assert await nothing_rings(karin, 1.0) == []
    finally:
        karin.close()


async def test_a_browser_phone_s_line_on_the_carrier_s_host_is_never_the_carrier(
    untrusted: Running,
) -> None:
    """The demo's trunk host is 127.0.0.1, where the browser phone's SIP line sends from:
    the line's INVITE to the tenant's own DID is challenged (407) as its extension's call,
    not taken as the carrier's without digest (issue 14 §2, security review of issue 16).
    The line is bound as the web app binds it (``RegistrarLink``); nothing rings."""
    running = untrusted
    two_tenants(running)
    switch = running.service.switch
    extension = switch.directory.extensions[KARIN_EXT]
    line, karin = BarePhone(running.port, KARIN_EXT, PASSWORD), BarePhone(running.port)
    try:
        link = RegistrarLink(switch.registration, "127.0.0.1", lambda tenant, user: KARIN_EXT)
        link.bind(extension, f"sip:webbtelefon@127.0.0.1:{line.port}", ("127.0.0.1", line.port), 60)
        line.send(
            (
                f"INVITE sip:+46101234500@127.0.0.1:{running.port} SIP/2.0\r\n"
                f"Via: SIP/2.0/UDP 127.0.0.1:{line.port};branch=z9hG4bKline1;rport\r\n"
                f"From: <sip:0701234567@127.0.0.1>;tag=line1\r\n"
                "To: <sip:+46101234500@127.0.0.1>\r\n"
                f"Call-ID: line-{line.port}\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n"
                f"Contact: <sip:webbtelefon@127.0.0.1:{line.port}>\r\n"
                "Content-Length: 0\r\n\r\n"
            ).encode()
        )
        reply = await line.next(5.0)
        while isinstance(reply, Response) and reply.status < 200:
            reply = await line.next(5.0)
        assert isinstance(reply, Response) and reply.status == 407, reply
        assert not switch.calls
        link.bind(extension, f"sip:webbtelefon@127.0.0.1:{line.port}", ("127.0.0.1", line.port), 0)
        assert switch.directory.trust("127.0.0.1", "+46101234500", line.port) == (True, DEMO_TENANT)
    finally:
        line.close()
        karin.close()
