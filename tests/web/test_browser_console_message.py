"""A message to a person from the console card, keyboard only, in Chromium (OP7, issue 16
§4): with Elin Carlsson's call in hand the operator chooses Karin Carlsson and presses
Alt+S; the form has the tenant's template and is filled from the call (Elin's name and
number, the time, the operator's name); she types the matter and Enter sends it — Karin's
presence view has the filled text. SMS to Karin, who has no mobile number, is refused in
Swedish inside the form, nothing sent; Esc closes it and the search has the focus again."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.web.browsing import signed_in
from tests.web.conftest import PASSWORD, Web
from tests.web.test_browser_axe import _axe
from tests.web.test_browser_console_forwarding import _karin
from vaxel.acd.events import AgentLoggedIn, AgentPaused, ContactArrived
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.web.passwords import PasswordHashing

pytestmark = pytest.mark.timeout(120)
BODY = "{namn} ({nummer}) ringde kl {tid} om {ärende}. /{telefonist}"


async def test_alt_s_sends_a_message_filled_from_the_call_to_the_chosen_person(
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
    context: Any = web.app.state.context  # type: ignore[attr-defined]
    messaging = context.person_messaging
    messaging.save_template(DEMO_TENANT, "", "Ring tillbaka", BODY, "admin")
    karin = _karin(web)
    now = time.time()
    for event in (
        AgentLoggedIn(DEMO_TENANT, "kristina", ("vaxel",)),
        AgentPaused(DEMO_TENANT, "kristina", "Lunch"),
        ContactArrived(DEMO_TENANT, "c-elin", "vaxel", caller_number="0709220690"),
    ):
        web.center.submit(event, now)

    page: Any = await signed_in(browser, site, "kristina", bypass_csp=True)
    await page.goto(f"{site}/telefonist")
    await page.wait_for_function("document.activeElement.id === 'op-q'")
    await page.keyboard.press("F2")  # Elin's call in hand
    await page.locator('#op-live[data-caller-name="Elin Carlsson"]').wait_for()
    await page.keyboard.type("karlson")
    hit = page.locator('#op-results [data-name="Karin Carlsson"]')
    await hit.wait_for()
    names = await page.locator("#op-results [role=option]").evaluate_all(
        "nodes => nodes.map(n => n.dataset.name)"
    )
    for _ in range(names.index("Karin Carlsson")):
        await page.keyboard.press("ArrowDown")

    await page.keyboard.press("Alt+s")
    dialog = page.locator("#op-message")
    await dialog.wait_for(state="visible")
    assert "Meddelande till Karin Carlsson" in await dialog.inner_text()
    values = await dialog.locator("[data-field]").evaluate_all(
        "nodes => Object.fromEntries(nodes.map(n => [n.dataset.field, n.value]))"
    )
    assert (values["namn"], values["nummer"], values["telefonist"]) == (
        "Elin Carlsson",
        "0709220690",
        "Kristina Olsson",
    )
    assert await page.evaluate("document.activeElement.dataset.field") == "ärende"
    assert await _axe(page, "/telefonist (message form)") == []
    await page.keyboard.type("bygglovet")
    await page.keyboard.press("Enter")  # send
    await page.locator("#op-said").get_by_text("Meddelandet till Karin Carlsson").wait_for()
    await dialog.wait_for(state="hidden")
    await page.wait_for_function("document.activeElement.id === 'op-q'")
    [sent] = messaging.messages(DEMO_TENANT, karin)
    assert sent.text == (
        f"Elin Carlsson (0709220690) ringde kl {values['tid']} om bygglovet. /Kristina Olsson"
    )

    await page.keyboard.press("Alt+s")  # by SMS: no gateway here, refused in the form
    await dialog.wait_for(state="visible")
    await page.keyboard.type("avgiften")
    await dialog.locator('[value="presence"]').uncheck()
    await dialog.locator('[value="sms"]').check()
    await dialog.locator('[data-field="ärende"]').press("Enter")
    refusal = dialog.locator("#op-message-error").get_by_text("inget mobilnummer")
    await refusal.wait_for()  # Karin has none: "Personen har inget mobilnummer …"
    assert len(messaging.messages(DEMO_TENANT, karin)) == 1, "nothing sent"
    await page.keyboard.press("Escape")
    await dialog.wait_for(state="hidden")
    await page.wait_for_function("document.activeElement.id === 'op-q'")
