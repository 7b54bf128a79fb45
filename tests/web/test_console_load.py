"""Queue load on the operator console (issue 16 §6, OP8): the tenant's agent queues — not
only her operator queues — with waiting callers, the longest wait and the agents free, the
wallboard's own figures, in the console's live part (``/telefonist/lage``)."""

from __future__ import annotations

import re
import time
from typing import Any

from tests.web.browsing import signed_in
from tests.web.conftest import PASSWORD, Web, sign_in
from vaxel.acd.events import AgentLoggedIn, AgentPaused, ContactArrived
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.web.passwords import PasswordHashing


def _row(html: str, queue_id: str) -> str:
    found = re.search(rf'<tr data-queue="{queue_id}">(.*?)</tr>', html, re.S)
    assert found, f"no load row for {queue_id}"
    return found.group(1)


def _field(row: str, name: str) -> int:
    found = re.search(rf'data-field="{name}">(\d+)<', row)
    assert found, name
    return int(found.group(1))


def test_a_caller_waiting_in_an_agent_queue_shows_on_her_console(web: Web) -> None:
    web.accounts.add_user(
        DEMO_TENANT,
        "kristina",
        "Kristina Olsson",
        "operator",
        PasswordHashing().hash(PASSWORD),
        "kristina",
    )
    client = web.client()
    assert sign_in(client, DEMO_TENANT, "kristina")
    now = time.time()
    web.center.submit(AgentLoggedIn(DEMO_TENANT, "kristina", ("vaxel",)), now)
    web.center.submit(AgentPaused(DEMO_TENANT, "kristina", "Lunch"), now)
    before = client.get("/telefonist/lage").text
    assert "Köläge" in before and "Lediga agenter" in before
    assert _field(_row(before, "bygglov"), "waiting") == 0

    web.center.submit(
        ContactArrived(DEMO_TENANT, "c-load", "bygglov", caller_number="0709220690"),
        time.time() - 42,  # the caller has waited 42 s
    )
    after = client.get("/telefonist/lage").text
    row = _row(after, "bygglov")  # an agent queue she is not an operator of
    board = {q["id"]: q for q in web.center.tenant_board(DEMO_TENANT, time.time())["queues"]}
    assert "Bygglov" in row
    assert _field(row, "waiting") == board["bygglov"]["waiting"] == 1
    assert _field(row, "free") == board["bygglov"]["ready"]
    longest = int(re.search(r'data-seconds="(\d+)"', row).group(1))  # type: ignore[union-attr]
    assert 40 <= longest <= board["bygglov"]["longest_wait_s"] + 1
    assert 'data-queue="kundtjanst"' in after and 'data-queue="vaxel"' in after  # every queue
    # the busiest queue comes first
    assert after.index('data-queue="bygglov"') < after.index('data-queue="kundtjanst"')


async def test_the_load_follows_live_without_a_reload(web: Web, site: str, browser: Any) -> None:
    """In Chromium: a caller arriving in an agent queue shows in *Köläge* from the console's
    live stream, no reload (issue 16 §6, §8)."""
    web.accounts.add_user(
        DEMO_TENANT,
        "kristina",
        "Kristina Olsson",
        "operator",
        PasswordHashing().hash(PASSWORD),
        "kristina",
    )
    now = time.time()
    web.center.submit(AgentLoggedIn(DEMO_TENANT, "kristina", ("vaxel",)), now)
    web.center.submit(AgentPaused(DEMO_TENANT, "kristina", "Lunch"), now)
    page: Any = await signed_in(browser, site, "kristina")
    await page.goto(f"{site}/telefonist")
    waiting = page.locator('#op-load tr[data-queue="bygglov"] [data-field="waiting"]')
    assert await waiting.inner_text() == "0"
    loads: list[str] = []
    page.on("load", lambda _: loads.append("reload"))
    web.center.submit(
        ContactArrived(DEMO_TENANT, "c-live", "bygglov", caller_number="0709220690"), time.time()
    )
    one = page.locator('#op-load tr[data-queue="bygglov"] td[data-field="waiting"]:text-is("1")')
    await one.wait_for(timeout=15_000)
    assert loads == [], "drawn from the live stream, not a reload"
