"""Feature codes from a mobile over the trunk, with real peers (PBX1 "mobile extension",
PBX9): a robot phone (baresip) calls in as the carrier would deliver a mobile — caller id
0701234567, from the trusted carrier address, to the tenant's feature-code number (a
direct number) — keys the person's voicemail PIN and ``*21*0701112233#``; the person's
forwarding is on. The same from a number that is nobody's mobile is told so and ended."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest

from tests.telephony.conftest import free_port
from tests.telephony.robots import Robot, read_wav
from tests.telephony.test_robot_phones import find_prompt, wait_for
from vaxel.app import Platform, build_platform
from vaxel.demo import seed_demo_tenant
from vaxel.pbx.devices import Device, DeviceKind
from vaxel.pbx.numbering import DidRange, Target, TargetKind
from vaxel.settings import ServeSettings
from vaxel.sim.demo_tenant import DEMO_TENANT

pytestmark = pytest.mark.interop

PERSON, PIN, MOBILE = "demo-0007", "4711", "+46701234567"
ACCESS = "+46812349000"
"""The feature-code number's direct number (short 9000, a direct number range of its own)."""


@pytest.fixture
async def platform(tmp_path: Path) -> AsyncIterator[Platform]:
    """The demo over SIP with 127.0.0.1 as the trusted carrier; the person (no admin) has
    a mobile device and voicemail PIN 4711; +46 8 1234 9000 (9000) is the feature-code number."""
    url = f"sqlite:///{tmp_path}/mobile.db"
    settings = ServeSettings(
        database_url=url,
        http_port=None,
        sip_port=free_port(),
        sip_trusted=("127.0.0.1",),
        rtp_port_low=27000,
        rtp_port_high=27998,
        voicemail_dir=str(tmp_path / "vm"),
    )
    running = build_platform(
        settings, seed=lambda p: seed_demo_tenant(p.center, url, time.time()), always_open=True
    )
    assert running.voicemail is not None and running.numbering is not None
    mailbox = running.voicemail.open_mailbox(DEMO_TENANT, PERSON)
    assert mailbox is not None
    running.voicemail.set_pin(mailbox, PIN)
    numbering = running.numbering
    devices = numbering.devices(DEMO_TENANT, PERSON)
    assert devices is not None
    numbering.put_devices(
        replace(devices, devices=(*devices.devices, Device(DeviceKind.MOBILE, MOBILE)))
    )
    numbering.put_did_range(DEMO_TENANT, DidRange.parse(ACCESS, "+46812349009", "9000"))
    numbering.put_number(DEMO_TENANT, "9000", Target(TargetKind.FEATURE_CODES, "koder"))
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


async def _mobile(platform: Platform, tmp_path: Path, number: str) -> Robot:
    assert platform.telephony is not None
    port = platform.telephony.address[1]
    return await Robot.start(tmp_path, number, f"<sip:{number}@127.0.0.1:{port}>;regint=0", 900.0)


async def test_a_persons_mobile_with_the_pin_sets_their_forwarding(
    platform: Platform, tmp_path: Path
) -> None:
    assert platform.telephony is not None and platform.forwarding is not None
    port, switch = platform.telephony.address[1], platform.telephony.switch
    mobile = await _mobile(platform, tmp_path, "0701234567")
    try:
        await mobile.command("dial", f"sip:{ACCESS}@127.0.0.1:{port}")
        await wait_for(lambda: bool(switch.calls), 30)
        await asyncio.sleep(4.0)  # "Slå din PIN-kod …" heard to its end
        await mobile.keys(f"{PIN}#")
        await asyncio.sleep(4.0)  # "Slå koden …"
        await mobile.keys("*21*0701112233#")
        forwarding = platform.forwarding
        await wait_for(lambda: forwarding.forwarded_to(DEMO_TENANT, PERSON) == "+46701112233", 30)
        await wait_for(lambda: not switch.calls, 30)  # confirmed, goodbye, our BYE
    finally:
        log = await mobile.stop()
    heard, rate = read_wav(mobile.heard)
    for prompt in ("sv/pbx/enter-pin", "sv/pbx/enter-code", "sv/pbx/forwarding-set"):
        assert find_prompt(heard, rate, prompt)[0] > 0.9, (prompt, log[-2000:])


async def test_a_number_that_is_nobodys_mobile_is_told_so(
    platform: Platform, tmp_path: Path
) -> None:
    assert platform.telephony is not None and platform.forwarding is not None
    port, switch = platform.telephony.address[1], platform.telephony.switch
    stranger = await _mobile(platform, tmp_path, "0709999999")
    try:
        await stranger.command("dial", f"sip:{ACCESS}@127.0.0.1:{port}")
        await wait_for(lambda: bool(switch.calls), 30)
        await wait_for(lambda: not switch.calls, 30)  # told, and hung up by Växel
    finally:
        log = await stranger.stop()
    heard, rate = read_wav(stranger.heard)
    assert find_prompt(heard, rate, "sv/pbx/not-a-mobile")[0] > 0.9, log[-2000:]
    assert platform.forwarding.forwarded_to(DEMO_TENANT, PERSON) is None
