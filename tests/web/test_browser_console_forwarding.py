"""See and remove a person's forwarding from the console, keyboard only, in Chromium
(issue 16 §3, OP3, PBX5): Karin Carlsson forwards all her calls; the operator types
"karlson" and Karin's hit says "Vidarekopplad till …"; Alt+V asks "Ta bort
vidarekopplingen …?" — Esc leaves it, Enter removes it: the PBX's forwarding is gone, the
hit no longer says it, and the audit log has it with the operator's name. A person who
does not forward is refused in Swedish; so is a person not in her organisation's directory.
Then a whole group is diverted from its row of the search (spec §67), keyboard only."""

from __future__ import annotations

import html
import time
from typing import Any

import pytest

from tests.web.browsing import signed_in
from tests.web.conftest import PASSWORD, Web, sign_in
from tests.web.test_browser_axe import _axe
from vaxel.pbx.forwarding import ForwardCondition, ForwardRule
from vaxel.runtime.directory_views import Actor
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.web.passwords import PasswordHashing

pytestmark = pytest.mark.timeout(120)
ADMIN = Actor("tenant_admin", None, "admin")


def _karin(web: Web) -> str:
    context = web.app.state.context  # type: ignore[attr-defined]
    [hit] = [
        h
        for h in context.directory_views.search(DEMO_TENANT, "karlson", ADMIN, limit=12)
        if h.person.name == "Karin Carlsson"
    ]
    return str(hit.person.person_id)


async def test_alt_v_removes_the_chosen_persons_forwarding_after_a_confirmation(
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
    forwardings = web.app.state.context.forwardings  # type: ignore[attr-defined]
    karin = _karin(web)
    rule = ForwardRule(ForwardCondition.ALWAYS, "0701234567", 20)
    forwardings.set_rule(DEMO_TENANT, ADMIN, karin, rule)
    to = forwardings.forwarded_to(DEMO_TENANT, karin)
    assert to

    page: Any = await signed_in(browser, site, "kristina", bypass_csp=True)
    await page.goto(f"{site}/telefonist")
    await page.wait_for_function("document.activeElement.id === 'op-q'")
    await page.keyboard.type("karlson")
    hit = page.locator('#op-results [data-name="Karin Carlsson"]')
    await hit.wait_for()
    assert f"Vidarekopplad till {to}" in await hit.inner_text()
    names = await page.locator("#op-results [role=option]").evaluate_all(
        "nodes => nodes.map(n => n.dataset.name)"
    )
    for _ in range(names.index("Karin Carlsson")):
        await page.keyboard.press("ArrowDown")
    assert await hit.get_attribute("aria-selected") == "true"

    await page.keyboard.press("Alt+v")
    dialog = page.locator("#op-confirm")
    await dialog.wait_for(state="visible")
    assert f"Ta bort vidarekopplingen till {to} för Karin Carlsson?" in await dialog.inner_text()
    assert await _axe(page, "/telefonist (forwarding confirmation)") == []
    await page.keyboard.press("Escape")  # changed her mind
    await dialog.wait_for(state="hidden")
    await page.wait_for_timeout(300)
    assert forwardings.forwarded_to(DEMO_TENANT, karin) == to

    await page.keyboard.press("Alt+v")
    await dialog.wait_for(state="visible")
    await page.keyboard.press("Enter")  # yes
    deadline = time.time() + 10
    while forwardings.forwarded_to(DEMO_TENANT, karin) is not None:
        assert time.time() < deadline, "the forwarding is removed"
        await page.wait_for_timeout(100)
    await page.locator("#op-said").get_by_text("är borttagen för Karin Carlsson").wait_for()
    await hit.wait_for()
    await page.wait_for_function(
        "!document.querySelector('#op-results [data-field=\"forwarded\"]')"
    )
    await page.wait_for_function("document.activeElement.id === 'op-q'")

    admin = web.client()
    sign_in(admin, DEMO_TENANT, "admin")
    audit = html.unescape(admin.get("/admin/audit").text)
    assert "Vidarekoppling borttagen" in audit and "kristina" in audit and to in audit

    # spec §67: the whole IT-support group diverted to Växeln's 1900 from its row, by keyboard
    await page.keyboard.press("Escape")  # a new search
    await page.keyboard.type("support")
    row = page.locator('#op-groups [data-group="it-support"]')
    await row.wait_for()
    assert await _axe(page, "/telefonist (a group found)") == []
    for _ in range(40):  # Tab to the row's number field
        if await page.evaluate("!!document.activeElement.closest('#op-groups [name=number]')"):
            break
        await page.keyboard.press("Tab")
    await page.keyboard.type("1900")
    await page.keyboard.press("Enter")
    await page.locator("#op-said").get_by_text("IT-support hänvisas till 1900").wait_for()
    await row.get_by_text("Hänvisad till 1900").wait_for()
    groups = web.app.state.context.group_diversions  # type: ignore[attr-defined]
    assert groups.diverted_to(DEMO_TENANT, "it-support") == "1900"


def test_a_person_not_forwarded_or_of_another_organisation_is_refused(web: Web) -> None:
    web.accounts.add_user(
        DEMO_TENANT, "kristina", "Kristina Olsson", "operator", PasswordHashing().hash(PASSWORD)
    )
    client = web.client()
    csrf = sign_in(client, DEMO_TENANT, "kristina")
    karin = _karin(web)
    path = "/telefonist/vidarekoppling/ta-bort"
    json = {"Accept": "application/json"}
    assert client.post(path, data={"person": karin}, headers=json).status_code == 403  # no CSRF
    refused = client.post(path, data={"csrf": csrf, "person": karin}, headers=json)
    assert refused.status_code == 409
    assert refused.json()["error"] == "Karin Carlsson är inte vidarekopplad"
    unknown = client.post(path, data={"csrf": csrf, "person": "finns-inte"}, headers=json)
    assert unknown.json()["error"] == "Personen finns inte i katalogen"
