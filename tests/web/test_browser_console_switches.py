"""Night service and the emergency message from the console page, keyboard only, in
Chromium (issue 16 §5, OP6, spec §69–71): Alt+N asks "Slå på nattservice?", Enter
switches the tenant's flow switch on and the page shows "Nattservice: PÅ"; Esc leaves it
as it was; Alt+D does the same for the emergency message. The page passes axe-core with
the confirmation open and after. That the next caller then hears the night message is the
flow switch's robot test (tests/telephony/test_phone_admin_robot.py): the same switch."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.web.browsing import signed_in
from tests.web.conftest import PASSWORD, Web
from tests.web.test_browser_axe import _axe
from vaxel.runtime.flow_switches import FlowSwitches
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.web.passwords import PasswordHashing

pytestmark = pytest.mark.timeout(120)


def _on(web: Web) -> frozenset[str]:
    context = web.app.state.context  # type: ignore[attr-defined]
    return FlowSwitches(context.configuration, time.time).store.on(DEMO_TENANT)


async def _until(web: Web, page: Any, wanted: frozenset[str]) -> None:
    deadline = time.time() + 10
    while _on(web) != wanted:
        assert time.time() < deadline, (_on(web), wanted)
        await page.wait_for_timeout(100)


async def test_night_service_and_emergency_keys_flip_the_switch_with_a_confirmation(
    web: Web, site: str, browser: Any
) -> None:
    web.accounts.add_user(
        DEMO_TENANT,
        "kristina",
        "Kristina Olsson",
        "operator",
        PasswordHashing().hash(PASSWORD),
        "kristina",
    )
    page: Any = await signed_in(browser, site, "kristina", bypass_csp=True)
    await page.goto(f"{site}/telefonist")
    night = page.locator('#op-switches li[data-switch="nattservice"]')
    assert "Nattservice: AV" in " ".join((await night.inner_text()).split())
    await page.wait_for_function("document.activeElement.id === 'op-q'")

    await page.keyboard.press("Alt+n")  # ask
    dialog = page.locator("#op-confirm")
    await dialog.wait_for(state="visible")
    assert "Slå på nattservice?" in await dialog.inner_text()
    assert await _axe(page, "/telefonist (confirmation open)") == []
    await page.keyboard.press("Escape")  # changed her mind: nothing changes
    await dialog.wait_for(state="hidden")
    await page.wait_for_timeout(300)
    assert _on(web) == frozenset()
    await page.wait_for_function("document.activeElement.id === 'op-q'")

    await page.keyboard.press("Alt+n")
    await dialog.wait_for(state="visible")
    await page.keyboard.press("Enter")  # yes
    await _until(web, page, frozenset({"nattservice"}))
    await page.locator('#op-switches li[data-switch="nattservice"][data-active="on"]').wait_for()
    shown = " ".join((await page.locator("#op-switches").inner_text()).split())
    assert "Nattservice: PÅ" in shown and "Driftstörning: AV" in shown
    await page.wait_for_function("document.activeElement.id === 'op-q'")  # focus back

    await page.keyboard.press("Alt+d")  # the emergency message on
    await dialog.wait_for(state="visible")
    assert "Slå på driftstörning?" in await dialog.inner_text()
    await page.keyboard.press("Enter")
    await _until(web, page, frozenset({"nattservice", "driftstorning"}))
    await page.locator('#op-switches li[data-switch="driftstorning"][data-active="on"]').wait_for()

    await page.keyboard.press("Alt+n")  # night service off again
    await dialog.wait_for(state="visible")
    assert "Slå av nattservice?" in await dialog.inner_text()
    await page.keyboard.press("Enter")
    await _until(web, page, frozenset({"driftstorning"}))
    await page.locator('#op-switches li[data-switch="nattservice"][data-active=""]').wait_for()
    shown = " ".join((await page.locator("#op-switches").inner_text()).split())
    assert "Nattservice: AV" in shown and "Driftstörning: PÅ" in shown

    await page.keyboard.press("Alt+t")  # the automatic attendant at high load (spec §70)
    await dialog.wait_for(state="visible")
    assert "Slå på automatisk telefonist?" in await dialog.inner_text()
    await page.keyboard.press("Enter")
    await _until(web, page, frozenset({"driftstorning", "telefonistmeny"}))
    attendant = page.locator('#op-switches li[data-switch="telefonistmeny"][data-active="on"]')
    await attendant.wait_for()
    assert "Automatisk telefonist: PÅ" in " ".join((await attendant.inner_text()).split())
    assert await _axe(page, "/telefonist (switches)") == []
