"""Blind transfer from the browser phone (issue 15, "takes, transfers and ends calls"):
Chromium (fake microphone, 1000 Hz) answers Karin's baresip robot (1500 Hz) as Maria, then
types a number into "Koppla samtalet till nummer" and presses Koppla. The line REFERs the
switch exactly as a desk phone does (``vaxel/webrtc/line_transfer.py`` → the switch's own
transfer in ``vaxel.telephony.in_dialog``): a number that is none, and one the switch does
not know, are refused in Swedish and the call goes on; Per's short number puts Karin through
to Per's auto-answering robot (2000 Hz) — Per hears Karin, Karin hears Per — and the
browser's leg is free: the page says the call was transferred and the line has no call."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from tests.telephony.conftest import Running
from tests.telephony.robots import read_wav, tone_share
from tests.telephony.test_robot_phones import phone_robot, wait_for
from tests.web.browsing import SHOTS
from tests.web.conftest import Web
from tests.web.test_browser_softphone_calls import (
    BROWSER_HZ,
    MARIA_SHORT,
    ROBOT_HZ,
    WAIT_MS,
    answer,
    chromium,
    ringing_page,
    switch,
)
from vaxel.pbx.devices import Device, DeviceKind, PersonDevices
from vaxel.pbx.numbering import NumberingPlan, Target, TargetKind
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.telephony.directory import Extension

__all__ = ["chromium", "switch"]  # the fixtures, shared with the calls' test
pytestmark = [pytest.mark.interop, pytest.mark.timeout(240)]
PER_EXT, PER_PASSWORD, PER_SHORT, PER_HZ = "3002", "robot-per-secret", "4504", 2000.0


def add_per(switch: Running) -> None:
    """Per, a second person with a desk phone (3002) on short number 4504."""
    directory = switch.service.directory
    directory.extensions[PER_EXT] = Extension(DEMO_TENANT, PER_EXT, PER_PASSWORD, "", "Per")
    directory.pbx.plans[DEMO_TENANT] = NumberingPlan.build(
        DEMO_TENANT,
        [
            (MARIA_SHORT, Target(TargetKind.PERSON, "maria")),
            (PER_SHORT, Target(TargetKind.PERSON, "per")),
        ],
        [],
    )
    directory.pbx.people[(DEMO_TENANT, "per")] = PersonDevices(
        DEMO_TENANT, "per", (Device(DeviceKind.SIP, PER_EXT),), ring_s=30.0
    )


async def transfer_to(page: Any, number: str) -> None:
    await page.fill("#softphone-transfer-number", number)
    await page.click("#softphone-transfer-go")


async def test_the_browser_transfers_the_caller_to_a_number_and_its_leg_is_freed(
    web: Web, site: str, switch: Running, chromium: Any, tmp_path: Path
) -> None:
    add_per(switch)
    per = await phone_robot(tmp_path, "per", switch.port, PER_EXT, PER_PASSWORD, PER_HZ)
    registration = switch.service.switch.registration
    per_ext = switch.service.directory.extensions[PER_EXT]
    await wait_for(lambda: bool(registration.bindings(per_ext)), 15)
    page, karin = await ringing_page(web, site, switch, chromium, tmp_path)
    phone = web.app.state.softphone.open_phones[(DEMO_TENANT, "maria")]  # type: ignore[attr-defined]
    calls = switch.service.switch.calls
    try:
        await answer(page, switch)
        await asyncio.sleep(1.0)  # Karin hears the browser
        await page.fill("#softphone-transfer-number", PER_SHORT)
        await page.screenshot(path=str(SHOTS / "softphone-call.png"), full_page=True)  # README

        await transfer_to(page, "12ab")  # no number: refused in Swedish, the call goes on
        await page.wait_for_selector("#softphone-error:not([hidden])", timeout=WAIT_MS)
        assert "Skriv numret att koppla till med siffror" in await page.inner_text(
            "#softphone-error"
        )
        await transfer_to(page, "4599")  # the switch knows no such number: 404
        refusal = page.locator("#softphone-error", has_text="Numret 4599 finns inte.")
        await refusal.wait_for(timeout=WAIT_MS)
        assert await page.is_visible("#softphone-talk")
        assert "Samtal med" in await page.inner_text("#softphone-call-text")
        assert phone.line is not None and phone.line.call is not None

        await transfer_to(page, PER_SHORT)
        await page.wait_for_selector("#softphone-call", state="hidden", timeout=WAIT_MS)
        ended = await page.inner_text("#softphone-call-ended")
        assert f"Samtalet kopplades till {PER_SHORT}" in ended
        assert phone.line.call is None and phone.line.rtp.remote is None  # the leg is free
        await wait_for(lambda: len(calls) == 1 and all(c.bridged for c in calls.values()), 20)
        await asyncio.sleep(3.0)  # Karin and Per talk
        await karin.command("hangup")
        await wait_for(lambda: not calls, 10)
    finally:
        karin_log = await karin.stop()
        per_log = await per.stop()
    heard, rate = read_wav(per.heard)
    assert tone_share(heard, ROBOT_HZ, rate) > 0.5, per_log[-2000:]  # Per heard Karin
    heard, rate = read_wav(karin.heard)
    assert tone_share(heard, PER_HZ, rate) > 0.5, karin_log[-2000:]  # Karin heard Per
    assert tone_share(heard, BROWSER_HZ, rate) > 0.5  # and the browser before
