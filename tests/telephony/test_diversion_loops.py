"""Forwarding loops through the public network end (task R; issue 14 §4, PBX5, RFC 5806).

Karin forwards every call to a mobile number. If that number is a direct number at another
switch (or another tenant's) that forwards back to Karin's, each turn is a new call over
the trunk and the hop bound of one call never sees it: the loop would go on, a trunk channel
more each turn. The carrier passes Diversion headers on; Växel counts them as forwardings
already made and adds its own, so the loop ends after MAX_HOPS turns in all."""

from __future__ import annotations

import asyncio
import socket

import pytest

from tests.telephony.conftest import Running
from tests.telephony.test_media_admission import SDP
from tests.telephony.test_parallel_ring import BarePhone
from tests.telephony.test_pbx_attacks import SpoofingCaller
from tests.telephony.test_pbx_calls import KARIN_EXT, PASSWORD, plan_people
from tests.telephony.test_pbx_forwarding import Reach
from vaxel.pbx.devices import Device, DeviceKind, PersonDevices
from vaxel.pbx.forwarding import MAX_HOPS, ForwardCondition, Forwarding, ForwardRule
from vaxel.pbx.trunks import Trunk, TrunkMode
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.sip.message import Request
from vaxel.sip.parser import parse_message
from vaxel.telephony.person_reach import ReachingPeople

pytestmark = pytest.mark.interop
KARIN_DID = "+46101234500"


class DivertedCaller(SpoofingCaller):
    """A carrier's call to a direct number that was forwarded ``counter`` times already."""

    def invite_diverted(self, server: int, number: str, counter: int) -> None:
        self.count += 1
        body = SDP.format(ip=self.host, port=self.media_port())
        call_id = f"div-{self.port}-{self.count}"
        data = (
            f"INVITE sip:{number}@127.0.0.1 SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP {self.host}:{self.port};branch=z9hG4bKdv{self.count};rport\r\n"
            f'From: "Kund" <sip:0701112233@{self.host}>;tag=dv{self.count}\r\n'
            f"To: <sip:{number}@127.0.0.1>\r\nCall-ID: {call_id}\r\n"
            f"CSeq: 1 INVITE\r\nMax-Forwards: 70\r\n"
            f"Diversion: <sip:+46812345678@{self.host}>;reason=unconditional;counter={counter}\r\n"
            f"Contact: <sip:0701112233@{self.host}:{self.port}>\r\n"
            f"Content-Type: application/sdp\r\nContent-Length: {len(body)}\r\n\r\n{body}"
        ).encode()
        self.sock.sendto(data, ("127.0.0.1", server))


async def _forwarded_out(running: Running, counter: int) -> Request | None:
    """Karin forwards every call to 070-123 45 67; a carrier's call to her direct number
    arrives forwarded ``counter`` times: the INVITE our trunk sends, or None within 1.5 s."""
    plan_people(running)
    reach = Reach()
    reach.rules["karin"] = Forwarding((ForwardRule(ForwardCondition.ALWAYS, "0701234567"),))
    ReachingPeople.installed_on(running.service.switch, reach, reach)
    directory = running.service.directory
    carrier = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    carrier.bind(("127.0.0.1", 0))
    carrier.setblocking(False)
    directory.outside.trunks[DEMO_TENANT] = Trunk(
        DEMO_TENANT, "127.0.0.1", carrier.getsockname()[1], mode=TrunkMode.IP
    )
    caller = DivertedCaller()
    switch = running.service.switch
    loop = asyncio.get_running_loop()
    try:
        caller.invite_diverted(running.port, KARIN_DID, counter)
        try:
            data = await asyncio.wait_for(loop.sock_recv(carrier, 65535), 1.5)
        except TimeoutError:
            return None
        message = parse_message(data)
        assert isinstance(message, Request)
        return message
    finally:
        for call in list(switch.calls.values()):
            switch.hang_up(call)
        switch.drain()
        carrier.close()
        caller.close()


async def test_a_call_forwarded_out_tells_the_carrier_how_often_it_was_forwarded(
    running: Running,
) -> None:
    invite = await _forwarded_out(running, MAX_HOPS - 2)
    assert invite is not None and invite.method == "INVITE"
    assert "+46701234567@" in invite.uri
    diversion = invite.headers.get("Diversion") or ""
    assert f"<sip:{KARIN_DID}@127.0.0.1>" in diversion, diversion
    assert f"counter={MAX_HOPS - 1}" in diversion, diversion


async def test_a_call_that_went_round_enough_is_not_forwarded_out_again(
    running: Running,
) -> None:
    assert await _forwarded_out(running, MAX_HOPS) is None


async def _mobile_rung(running: Running, counter: int) -> Request | None:
    """Karin's devices are her desk phone and a mobile; a carrier's call to her direct
    number arrives forwarded ``counter`` times: the INVITE to her mobile, or None."""
    plan_people(running)
    directory = running.service.directory
    directory.pbx.people[(DEMO_TENANT, "karin")] = PersonDevices(
        DEMO_TENANT,
        "karin",
        (Device(DeviceKind.SIP, KARIN_EXT), Device(DeviceKind.MOBILE, "+46701234567")),
        ring_s=20.0,
    )
    carrier = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    carrier.bind(("127.0.0.1", 0))
    carrier.setblocking(False)
    directory.outside.trunks[DEMO_TENANT] = Trunk(
        DEMO_TENANT, "127.0.0.1", carrier.getsockname()[1], mode=TrunkMode.IP
    )
    karin = BarePhone(running.port, KARIN_EXT, PASSWORD)
    caller = DivertedCaller()
    switch = running.service.switch
    loop = asyncio.get_running_loop()
    try:
        await karin.register()
        caller.invite_diverted(running.port, KARIN_DID, counter)
        await karin.rung()  # her desk phone rings whatever the count
        try:
            data = await asyncio.wait_for(loop.sock_recv(carrier, 65535), 1.5)
        except TimeoutError:
            return None
        message = parse_message(data)
        assert isinstance(message, Request)
        return message
    finally:
        for call in list(switch.calls.values()):
            switch.hang_up(call)
        switch.drain()
        carrier.close()
        caller.close()
        karin.close()


async def test_a_mobile_rung_over_the_trunk_counts_as_a_forwarding(running: Running) -> None:
    """Two people whose mobiles are each other's direct numbers at other switches (or in
    other tenants) would ring each other's mobiles without end: no forwarding is involved.
    The INVITE to a mobile carries the count plus one, and a call that came round
    MAX_HOPS times rings the desk phone only."""
    invite = await _mobile_rung(running, 1)
    assert invite is not None and "+46701234567@" in invite.uri
    diversion = invite.headers.get("Diversion") or ""
    assert f"<sip:{KARIN_DID}@127.0.0.1>" in diversion and "counter=2" in diversion, diversion
    assert await _mobile_rung(running, MAX_HOPS) is None
