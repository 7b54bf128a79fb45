"""Transfer to the person's voicemail from the console, keyboard only, with robot phones
(issue 16 §3, OP3): a baresip caller presses 0 on the main number, the operator's robot
phone answers, in Chromium she types "karlson", arrows to Karin Carlsson and presses
Alt+R — the caller hears the standard greeting at once,
speaks (a tone) and ends with #; the message is in Karin Carlsson's mailbox with the
caller's number and the caller's voice."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest

from tests.telephony.conftest import Running
from tests.telephony.robots import Robot, read_wav, tone_share
from tests.telephony.test_robot_phones import find_prompt, phone_robot, wait_for
from tests.web.browsing import signed_in
from tests.web.test_browser_operator import CONTEXTS, OPERATOR_EXT, OPERATOR_PASSWORD, console
from vaxel.app.console_calls import console_voicemail
from vaxel.runtime.voicemail import VoicemailService
from vaxel.runtime.voicemail_files import VoicemailFiles
from vaxel.sim.demo_tenant import DEMO_TENANT, MAIN_NUMBER
from vaxel.store import open_database
from vaxel.store.pbx_voicemail import VoicemailStore

pytestmark = [pytest.mark.interop, pytest.mark.timeout(240)]
__all__ = ["console"]  # the fixture: the switch and the web app, wired as the root does
CALLER, CALLER_HZ, OPERATOR_HZ = "0701234567", 1000.0, 1300.0
WAIT_MS = 30_000


def _voicemail(running: Running, tmp_path: Path) -> VoicemailService:
    """The runtime's voicemail over the test's database, wired as ``vaxel.app`` does."""
    database = open_database(f"sqlite:///{tmp_path}/telephony.db")
    service = VoicemailService(VoicemailStore(database), VoicemailFiles(tmp_path / "vm"), time.time)
    switch = running.service.switch
    switch.voicemail_calls.port = service
    switch.voicemail_calls.forget_prompt = running.service.prompts.forget
    return service


async def test_alt_r_sends_the_caller_to_the_chosen_persons_mailbox(
    console: tuple[Running, str], browser: Any, tmp_path: Path
) -> None:
    running, site = console
    switch, port = running.service.switch, running.port
    CONTEXTS[site].console_voicemail = console_voicemail(running.service)
    service = _voicemail(running, tmp_path)
    operator = await phone_robot(
        tmp_path, "operator", port, OPERATOR_EXT, OPERATOR_PASSWORD, OPERATOR_HZ
    )
    caller = await Robot.start(tmp_path, "caller", f"<sip:{CALLER}@127.0.0.1>;regint=0", CALLER_HZ)
    logs: dict[str, str] = {}
    try:
        center = running.center
        await wait_for(
            lambda: center.acd.agent_view(DEMO_TENANT, "kristina").state.value == "ready", 20
        )
        page: Any = await signed_in(browser, site, "kristina")
        await page.goto(f"{site}/telefonist")
        await page.wait_for_function("document.activeElement.id === 'op-q'")
        await caller.command("dial", f"sip:{MAIN_NUMBER}@127.0.0.1:{port}")
        await asyncio.sleep(3.5)  # the welcome prompt cannot be interrupted (IVR2)
        await caller.keys("0")  # the operator queue; her robot phone answers
        await wait_for(lambda: any(c.bridged for c in switch.calls.values()), 20)
        [contact_id] = list(switch.calls)
        await page.locator("#op-card").get_by_text(CALLER).first.wait_for(timeout=WAIT_MS)

        await page.keyboard.type("karlson")
        karin = page.locator('#op-results [data-name="Karin Carlsson"]')
        await karin.wait_for(timeout=WAIT_MS)
        person_id = await karin.get_attribute("data-person")
        assert person_id
        # her mailbox, as the runtime makes it from her directory entry on first use
        service.ensure_mailbox(
            DEMO_TENANT, person_id, str(await karin.get_attribute("data-number")), ""
        )
        names = await page.locator("#op-results [role=option]").evaluate_all(
            "nodes => nodes.map(n => n.dataset.name)"
        )
        for _ in range(names.index("Karin Carlsson")):
            await page.keyboard.press("ArrowDown")
        assert await karin.get_attribute("aria-selected") == "true"
        await page.keyboard.press("Alt+r")

        def recording() -> bool:
            call = switch.calls.get(contact_id)
            return call is not None and call.voicemail is not None and call.voicemail.recording

        await wait_for(recording, 30)  # greeting played, the tone, now recording
        said = await page.locator("#op-said").inner_text()
        assert said == "Kopplat till röstbrevlådan hos Karin Carlsson"
        assert await page.locator("#op-error").inner_text() == ""
        await page.locator("#op-card").get_by_text("Inget samtal").wait_for(timeout=WAIT_MS)
        await page.wait_for_function("document.activeElement.id === 'op-q'")
        await asyncio.sleep(2.5)  # the caller speaks
        await caller.keys("#")
        await wait_for(lambda: bool(service.messages(DEMO_TENANT, person_id)), 30)
        await wait_for(lambda: not switch.calls, 20)
    finally:
        for name, robot in (("caller", caller), ("operator", operator)):
            logs[name] = await robot.stop()
    heard, rate = read_wav(caller.heard)
    greeting = find_prompt(heard, rate, "sv/voicemail/standard-halsning")[0]
    assert greeting > 0.9, logs["caller"][-2000:]
    (message,) = service.messages(DEMO_TENANT, person_id)
    assert message.caller == CALLER and 1.5 < message.duration_s < 20, message
    recorded, rate = read_wav(
        tmp_path / "vm" / DEMO_TENANT / person_id / f"{message.message_id}.wav"
    )
    assert tone_share(recorded, CALLER_HZ, rate) > 0.5, "the caller's voice is in the message"
    assert center.acd.agent_view(DEMO_TENANT, "kristina").state.value in ("wrap_up", "ready")
