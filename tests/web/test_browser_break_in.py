"""Break-in from the operator console with robot phones (issue 16 §3, spec §48): in
Chromium the operator types "karlson" and chooses Karin Carlsson; Alt+B while Karin is
free is refused in Swedish; once Karin's robot talks with Maria's, Alt+B rings the
operator's robot, which answers: Karin and Maria hear the warning tone and the operator;
Alt+L leaves and the two talk on. Keyboard only."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from tests.telephony.camp_on_scene import KARIN, KARIN_SHORT, MARIA_HZ, karin_as_a_person
from tests.telephony.conftest import (
    AGENT_EXTENSION,
    AGENT_PASSWORD,
    CALLBACK_EXTENSION,
    CALLBACK_PASSWORD,
    Running,
)
from tests.telephony.robots import read_wav, tone_share
from tests.telephony.test_robot_phones import phone_robot, wait_for
from tests.web.browsing import signed_in
from tests.web.operator_scene import choose
from tests.web.test_browser_axe import _axe
from tests.web.test_browser_camp_on import says
from tests.web.test_browser_operator import (  # noqa: F401  (the fixture)
    CONTEXTS,
    KARIN_HZ,
    OPERATOR_EXT,
    OPERATOR_HZ,
    OPERATOR_PASSWORD,
    WAIT_MS,
    console,
)
from vaxel.app.console_break_in import console_break_ins
from vaxel.directory.presence import LineState
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.telephony.call import CallState

pytestmark = [pytest.mark.interop, pytest.mark.timeout(300)]
WARNING_HZ = 1400.0
"""The break-in warning tone (``vaxel/media/tones.py``)."""


async def test_alt_b_breaks_in_on_karins_call_and_alt_l_leaves(
    console: tuple[Running, str],  # noqa: F811
    browser: Any,
    tmp_path: Path,
) -> None:
    running, site = console
    switch, port = running.service.switch, running.port
    reach = karin_as_a_person(running)
    context = CONTEXTS[site]
    context.directory_views.lines = reach  # the console's statuses: the same lines
    port_of_web = console_break_ins(running.service, context.hub.wake)  # as the root does
    context.console_break_in = port_of_web
    operator = await phone_robot(
        tmp_path, "operator", port, OPERATOR_EXT, OPERATOR_PASSWORD, OPERATOR_HZ
    )
    karin = await phone_robot(tmp_path, "karin", port, AGENT_EXTENSION, AGENT_PASSWORD, KARIN_HZ)
    maria = await phone_robot(
        tmp_path, "maria", port, CALLBACK_EXTENSION, CALLBACK_PASSWORD, MARIA_HZ
    )
    robots = [operator, karin, maria]
    logs: dict[str, str] = {}
    break_ins = port_of_web.break_ins
    try:
        extensions = running.service.directory.extensions
        bound = switch.registration.bindings
        for extension in (AGENT_EXTENSION, CALLBACK_EXTENSION, OPERATOR_EXT):
            await wait_for(lambda e=extension: bool(bound(extensions[e])), 20)
        page: Any = await signed_in(browser, site, "kristina", bypass_csp=True)  # axe-core
        await page.goto(f"{site}/telefonist")
        await page.wait_for_function("document.activeElement.id === 'op-q'")
        error, said = page.locator("#op-error"), page.locator("#op-said")
        karin_hit = await choose(page, "karlson", "Karin Carlsson")
        assert await karin_hit.get_attribute("aria-selected") == "true"
        await page.keyboard.press("Alt+B")  # Karin is free: nothing to break in on
        await says(error, "Personen talar inte i telefon")
        assert not break_ins.active

        await maria.command("dial", f"sip:{KARIN_SHORT}@127.0.0.1:{port}")
        await wait_for(lambda: reach.line(DEMO_TENANT, KARIN) is LineState.BUSY, 20)
        [call] = list(switch.calls.values())
        await asyncio.sleep(2.0)  # Karin and Maria talk alone first
        await page.keyboard.press("Alt+B")
        await says(said, "Inbrytning: svara i telefonen")
        await says(error, "")
        await wait_for(lambda: any(b.leg is not None for b in break_ins.active.values()), 20)
        card = page.locator("#op-break-in")  # her call in hand: whose, which mode, a timer
        await card.get_by_text("Du är i samtalet").wait_for(timeout=WAIT_MS)
        text = await card.inner_text()
        assert "Inbrytning" in text and "Karin Carlsson" in text, text
        assert await card.locator("[data-ticks]").count() == 1
        assert await _axe(page, "/telefonist, inbrytning") == []  # WCAG 2.1 AA
        await asyncio.sleep(4.0)  # the three talk
        await page.wait_for_function("document.activeElement.id === 'op-q'")
        await page.keyboard.press("Alt+L")
        await says(said, "Du har lämnat samtalet")
        assert not break_ins.active
        await card.wait_for(state="detached", timeout=WAIT_MS)
        await asyncio.sleep(4.0)  # Karin and Maria talk on
        assert call.state is CallState.TRANSFERRED
        await page.keyboard.press("Alt+L")  # nothing to leave now
        await says(error, "Du har ingen inbrytning att lämna")
        await maria.command("hangup")
        await wait_for(lambda: not switch.calls, 10)
    finally:
        logs = {robot.name: await robot.stop() for robot in robots}
    heard_karin, rate = read_wav(karin.heard)
    heard_maria, _ = read_wav(maria.heard)
    for name, heard in (("karin", heard_karin), ("maria", heard_maria)):
        assert tone_share(heard, OPERATOR_HZ, rate) > 0.2, (name, logs[name][-2000:])
        assert tone_share(heard, WARNING_HZ, rate) > 0.1, name  # the beeps, in the mix
        assert tone_share(heard[:rate], WARNING_HZ, rate) < 0.01, name  # before she came
    tail = heard_karin[-2 * rate :]  # after she left: Maria alone again
    assert tone_share(tail, MARIA_HZ, rate) > 0.5
    assert tone_share(tail, OPERATOR_HZ, rate) < 0.05
    heard_operator, _ = read_wav(operator.heard)
    assert tone_share(heard_operator, KARIN_HZ, rate) > 0.2, logs["operator"][-2000:]
