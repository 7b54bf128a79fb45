"""Announced transfer whatever the operator's audio device (issue 16 §3 and §7, OP3, PBX9):
her device is the browser phone itself (WebRTC, Chromium's fake microphone), no desk phone.
A baresip caller reaches the operator queue, she answers in the phone page; in the console
she types "karlson", chooses Karin Carlsson and presses Shift+Enter: the caller waits with
music while Karin's robot rings and answers and Karin hears the browser; F3 connects
caller and Karin, the browser's call ends. The console orders every step (third-party
control), so nothing of it needs the browser phone's own transfer."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from tests.telephony.conftest import AGENT_EXTENSION, AGENT_PASSWORD, Running
from tests.telephony.robots import Robot, read_wav
from tests.telephony.test_robot_phones import phone_robot, wait_for
from tests.web.operator_scene import choose
from tests.web.test_browser_operator_consult import share, tail
from tests.web.test_browser_operator_softphone import (
    BROWSER_HZ,
    CALLER_HZ,
    KARIN_HZ,
    WAIT_MS,
    answer_queue_call,
    browser_operator,
    chromium,
    console,
    karin_talks_with_the_caller,
)
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.telephony.call import CallState
from vaxel.webrtc.phones import BrowserPhones

__all__ = ["chromium", "console"]  # the fixtures: fake microphone, the browser phone wired
pytestmark = [pytest.mark.interop, pytest.mark.timeout(240)]


async def test_announced_transfer_with_only_a_browser_as_her_phone(
    console: tuple[Running, str, BrowserPhones], chromium: Any, tmp_path: Path
) -> None:
    running, site, phones = console
    port, switch = running.port, running.service.switch
    karin = await phone_robot(tmp_path, "karin", port, AGENT_EXTENSION, AGENT_PASSWORD, KARIN_HZ)
    caller = await Robot.start(tmp_path, "caller", "<sip:0701234567@127.0.0.1>;regint=0", CALLER_HZ)
    logs: dict[str, str] = {}
    try:
        karin_ext = running.service.directory.extensions[AGENT_EXTENSION]
        await wait_for(lambda: bool(switch.registration.bindings(karin_ext)), 20)
        console_page, phone = await browser_operator(chromium, site, running)
        contact_id = await answer_queue_call(phone, caller, running)

        await console_page.bring_to_front()
        await (
            console_page.locator("#op-card")
            .get_by_text("0701234567")
            .first.wait_for(timeout=WAIT_MS)
        )
        await console_page.focus("#op-q")
        await choose(console_page, "karlson", "Karin Carlsson")
        await console_page.keyboard.press("Shift+Enter")
        await wait_for(lambda: switch.calls[contact_id].state is CallState.CONSULTED, 30)
        consult = console_page.locator("#op-consult")
        await consult.get_by_text("I samtal med").wait_for(timeout=WAIT_MS)
        assert "Karin Carlsson" in await consult.inner_text()
        line = phones.open_phones[(DEMO_TENANT, "kristina")].line
        assert line is not None and line.call is not None  # her browser call stays up
        await asyncio.sleep(3.0)  # she and Karin talk; the caller hears music
        await console_page.keyboard.press("F3")
        await karin_talks_with_the_caller(running, phones, phone, contact_id)
        await caller.command("hangup")
        await wait_for(lambda: not switch.calls, 10)
    finally:
        for name, robot in (("caller", caller), ("karin", karin)):
            logs[name] = await robot.stop()
    karin_heard = read_wav(karin.heard)
    caller_heard = read_wav(caller.heard)
    assert share(karin_heard, BROWSER_HZ) > 0.5, logs["karin"][-2000:]  # she asked first
    assert share(tail(karin_heard), CALLER_HZ) > 0.5  # then the caller talks with Karin
    assert share(tail(karin_heard), BROWSER_HZ) < 0.1  # and the operator is gone
    assert share(tail(caller_heard), KARIN_HZ) > 0.5, logs["caller"][-2000:]
