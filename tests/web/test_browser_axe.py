"""Every page passes axe-core's WCAG 2.1 A and AA rules in Chromium, with zero violations,
and a walk through it with Tab: each stop shows its focus and Tab comes round without a trap
(the accessibility standard: WCAG 2.1 AA, usable by keyboard alone; issue 9 §10).

The pages come from the app's own route table, as in the isolation matrix: each GET route
is either a page in ``PAGES`` (visited as the role that uses it) or named in ``NOT_PAGES``
with what it answers instead, and a test fetches each of those to check that it is no HTML
page. So a new page cannot be forgotten: its route fails the test until it gets a visit.

axe-core comes from npm (package.json, installed by ``scripts/setup.sh --test``) and is put
into each page with Playwright's ``add_script_tag``; its code is not in the repository.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fastapi.routing import APIRoute

from tests.web.browsing import signed_in
from tests.web.conftest import PASSWORD, Web, sign_in
from tests.web.test_admin_conference import FakeControl
from tests.web.test_isolation import all_routes
from vaxel.acd.commands import NotifyCallbackCreated
from vaxel.acd.events import (
    AgentAnswered,
    AgentLoggedIn,
    AgentPaused,
    CallbackRequested,
    ContactAbandoned,
    ContactArrived,
    ContactEnded,
)
from vaxel.pbx.voicemail import Mailbox, Message, VoicemailLimits
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.store.pbx_voicemail import VoicemailStore
from vaxel.web.passwords import PasswordHashing

AXE = Path(__file__).parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
ANONYMOUS = ""
"""The visitor who is not signed in."""

PAGES: dict[str, tuple[str, str]] = {
    "/login": (ANONYMOUS, "/login"),
    "/api/docs": (ANONYMOUS, "/api/docs"),
    "/": ("maria", "/"),
    "/callbacks": ("maria", "/callbacks"),
    "/wallboard": ("chef", "/wallboard"),
    "/admin": ("admin", "/admin"),
    "/admin/queues": ("admin", "/admin/queues"),
    "/admin/queues/new": ("admin", "/admin/queues/new"),
    "/admin/queues/{queue_id}": ("admin", "/admin/queues/kundtjanst"),
    "/admin/users": ("admin", "/admin/users"),
    "/admin/users/new": ("admin", "/admin/users/new"),
    "/admin/users/{user_id}": ("admin", "/admin/users/{maria}"),
    "/admin/closures": ("admin", "/admin/closures"),
    "/admin/schedules": ("admin", "/admin/schedules"),
    "/admin/schedules/{schedule_id}": ("admin", "/admin/schedules/kontorstid"),
    "/admin/flows": ("admin", "/admin/flows"),
    "/admin/flows/{flow_id}": ("admin", "/admin/flows/huvudflode"),
    "/admin/prompts": ("admin", "/admin/prompts"),
    "/admin/extensions": ("admin", "/admin/extensions"),
    "/admin/extensions/{number}": ("admin", "/admin/extensions/1003"),
    "/admin/pbx/trunk": ("admin", "/admin/pbx/trunk"),
    "/admin/pbx/numbers": ("admin", "/admin/pbx/numbers"),
    "/admin/pbx/mail-server": ("admin", "/admin/pbx/mail-server"),
    "/admin/pbx/park": ("admin", "/admin/pbx/park"),
    "/admin/webbtelefon": ("admin", "/admin/webbtelefon"),
    "/admin/api-keys": ("admin", "/admin/api-keys"),
    "/admin/skills": ("admin", "/admin/skills"),
    "/admin/telefonister": ("admin", "/admin/telefonister"),  # OP9: kristina's units
    "/admin/lists": ("admin", "/admin/lists"),
    "/admin/audit": ("admin", "/admin/audit"),
    "/admin/numbers": ("admin", "/admin/numbers"),
    "/platform": ("root", "/platform"),
    "/admin/directory": ("admin", "/admin/directory"),
    "/admin/directory/catalogue": ("admin", "/admin/directory/catalogue"),
    "/katalog": ("maria", "/katalog?q=johansson"),
    "/katalog/person/{person_id}": ("admin", "/katalog/person/agent-maria"),
    "/min-hanvisning": ("maria", "/min-hanvisning"),
    "/min-telefon/rostbrevlada": ("maria", "/min-telefon/rostbrevlada"),
    "/min-telefon": ("maria", "/min-telefon"),
    "/min-telefon/vidarekoppling": ("maria", "/min-telefon/vidarekoppling"),
    "/min-telefon/grupper": ("maria", "/min-telefon/grupper"),
    "/min-telefon/webbtelefon": ("maria", "/min-telefon/webbtelefon"),
    "/admin/konferensrum": ("admin", "/admin/konferensrum"),
    "/admin/brytare": ("admin", "/admin/brytare"),
    "/admin/meddelandemallar": ("admin", "/admin/meddelandemallar"),
    "/konferens/{room_id}": ("admin", "/konferens/ledning"),
    "/telefonist": ("kristina", "/telefonist"),
    # OP7 without script: the message page the card links to
    "/telefonist/meddelande/{person_id}": ("kristina", "/telefonist/meddelande/agent-maria"),
}
"""Each page's route → who visits it and where ({maria} is her user id)."""

ERROR_PAGES: list[tuple[str, str, int]] = [
    ("maria", "/finns-inte", 404),
    ("maria", "/admin", 403),
    ("admin", "/admin/queues/finns-inte", 404),
]
"""The error page as people meet it: who, where and the status it answers."""
DRAWN_BY_SCRIPT = {"/api/docs": ".opblock"}
"""Pages whose script draws the content after loading: what to wait for."""

NOT_PAGES: dict[str, str] = {
    "/language": "a redirect back to the page, in the chosen language",
    "/events": "the live event stream (text/event-stream)",
    "/telefon/ice": "the browser phone's ICE servers (JSON for its RTCPeerConnection)",
    "/telefonist/brytare": "night service and the emergency message for the console (JSON)",
    "/telefonist/meddelanden/mallar": "the message templates for the console (JSON)",
    "/callbacks/changes": "the callback list's change stream (text/event-stream)",
    "/callbacks/rows": "the rows inside /callbacks, checked there (a fragment, no page)",
    "/admin/prompts/audio/{prompt_id:path}": "a prompt's sound",
    "/api/v1/snapshot": "the pages' JSON snapshot",
    "/katalog/sok": "the results list inside /katalog, checked there (a fragment, no page)",
    "/katalog/handelser": "the directory's presence stream (text/event-stream)",
    "/admin/directory/catalogue/export": "the directory as a CSV or XML file",
    "/min-telefon/rostbrevlada/{message_id}.wav": "a voicemail message's sound",
    "/konferens/{room_id}/deltagare": "the rows inside a room's host view (a fragment)",
    "/telefonist/lage": "the live part inside /telefonist, checked there (a fragment)",
    "/telefonist/handelser": "the console's live stream (text/event-stream)",
    "/telefonist/sok": "the results list inside /telefonist, checked there (a fragment)",
}
"""GET routes that answer no HTML page, and what they answer; every route under /api/v1/
is the JSON API (besides these)."""

PARAMETERS = {
    "queue_id": "kundtjanst",
    "contact_id": "x",
    "prompt_id": "sv/system/ett-ogonblick",
    "message_id": "x",
    "room_id": "ledning",
}
"""Path values for fetching the routes in NOT_PAGES."""
QUERIES = {"/language": {"lang": "en", "next": "/"}}
"""Query values for fetching the routes in NOT_PAGES that need them."""


def get_routes(web: Web) -> Iterator[APIRoute]:
    app: Any = web.app
    for route in all_routes(app.routes):
        if "GET" in route.methods:
            yield route


def not_a_page(path: str) -> bool:
    return path in NOT_PAGES or path.startswith("/api/v1/")


def test_every_get_route_is_a_visited_page_or_named_as_no_page(web: Web) -> None:
    paths = {route.path for route in get_routes(web)}
    forgotten = sorted(p for p in paths if p not in PAGES and not not_a_page(p))
    assert not forgotten, f"add an axe visit to PAGES (or NOT_PAGES) for {forgotten}"
    gone = sorted(p for p in [*PAGES, *NOT_PAGES] if p not in paths)
    assert not gone, f"no such route any more: {gone}"


def test_the_routes_named_as_no_page_answer_no_html_page(web: Web) -> None:
    client = web.client()
    assert sign_in(client, DEMO_TENANT, "admin")
    _conference(web)  # the host view's rows need a room
    hashed = PasswordHashing().hash(PASSWORD)
    web.accounts.add_user(
        DEMO_TENANT, "kristina", "Kristina Olsson", "operator", hashed, "kristina"
    )
    operator = web.client()  # the console's fragments are hers only (issue 16)
    assert sign_in(operator, DEMO_TENANT, "kristina")
    for route in get_routes(web):
        if not not_a_page(route.path):
            continue
        path = route.path.replace(":path", "")
        for name, value in PARAMETERS.items():
            path = path.replace("{" + name + "}", value)
        reader = operator if path.startswith("/telefonist") else client
        with reader.stream("GET", path, params=QUERIES.get(route.path)) as response:
            kind = response.headers.get("content-type", "")
            if "text/html" in kind:
                text = response.read().decode()
                assert "<html" not in text.lower(), f"{route.path} answers an HTML page"
            else:
                assert (
                    not kind
                    or "json" in kind
                    or kind.split(";")[0]
                    in (
                        "text/event-stream",
                        "audio/wav",
                        "audio/x-wav",
                        "audio/mpeg",
                        "audio/ogg",
                        "text/csv",  # the directory's export file
                    )
                ), (route.path, kind)


def _seed(web: Web) -> dict[str, str]:
    """Content on the pages, so that their tables and every state's badge are drawn and
    checked too: agents ready, paused, offered, busy and in wrap-up, calls waiting and
    abandoned, a callback, and a platform admin."""
    now = time.time()

    def submit(*events: Any) -> list[Any]:
        return [c for e in events for c in web.center.submit(e, now)]

    def arrive(contact_id: str, queue_id: str) -> ContactArrived:
        return ContactArrived(DEMO_TENANT, contact_id, queue_id, caller_number="0701234567")

    gone = ContactArrived(DEMO_TENANT, "c-gone", "kundtjanst")  # no number: no callback
    submit(gone, ContactAbandoned(DEMO_TENANT, "c-gone"))
    for agent, queue in (("karin", "bygglov"), ("sara", "barnomsorg"), ("kristina", "vaxel")):
        submit(AgentLoggedIn(DEMO_TENANT, agent, (queue,)))  # and ready
    submit(arrive("c-busy", "barnomsorg"), AgentAnswered(DEMO_TENANT, "sara", "c-busy"))
    submit(arrive("c-wrap", "vaxel"), AgentAnswered(DEMO_TENANT, "kristina", "c-wrap"))
    submit(ContactEnded(DEMO_TENANT, "c-wrap"))
    submit(AgentLoggedIn(DEMO_TENANT, "johan", ("kundtjanst",)))
    submit(AgentPaused(DEMO_TENANT, "johan", "Lunch"))
    submit(AgentLoggedIn(DEMO_TENANT, "maria", ("kundtjanst",)))
    submit(arrive(MARIAS_CALL, "kundtjanst"), arrive("c-waits", "kundtjanst"))
    commands = submit(CallbackRequested(DEMO_TENANT, "kundtjanst", "0709876543"))
    assert any(isinstance(c, NotifyCallbackCreated) for c in commands)
    states = {a: web.center.acd.agent_view(DEMO_TENANT, a).state.value for a in AGENT_STATES}
    assert states == AGENT_STATES, states
    hashed = PasswordHashing().hash(PASSWORD)
    web.accounts.add_user(DEMO_TENANT, "root", "Driften", "platform_admin", hashed)
    # the switchboard operator (issue 16): her console with a call waiting in her queue
    web.accounts.add_user(
        DEMO_TENANT, "kristina", "Kristina Olsson", "operator", hashed, "kristina"
    )
    submit(arrive("c-operator", "vaxel"))
    maria = web.accounts.find(DEMO_TENANT, "maria")
    assert maria is not None
    _voicemail(web)
    _conference(web)
    return {"maria": str(maria.user_id)}


def _conference(web: Web) -> None:
    """A room with two callers in it, so the host view's rows and buttons are drawn too."""
    service = web.app.state.context.conference_service  # type: ignore[attr-defined]
    service.save(DEMO_TENANT, "ledning", number="7000", name="Ledningsgruppen", pin="2468")
    service.control = FakeControl()


def _voicemail(web: Web) -> None:
    """A new and a heard message in Maria's mailbox, so the voicemail table is drawn too."""
    store = VoicemailStore(web.app.state.context.database)  # type: ignore[attr-defined]
    mailbox = Mailbox(DEMO_TENANT, "agent-maria", "1003", email="maria@exempelby.se")
    store.put_mailbox(mailbox)
    for number, (caller, heard) in enumerate((("0701234567", False), ("", True))):
        message = Message(f"vm-{number}", DEMO_TENANT, "agent-maria", caller, 1.8e9, 12.0, heard)
        store.add_message(mailbox, message, f"x/{number}.wav", VoicemailLimits(), notify_at=None)


MARIAS_CALL = "c-axe"
AGENT_STATES = {
    "karin": "ready",
    "sara": "busy",
    "kristina": "wrap_up",
    "johan": "paused",
    "maria": "offered",
}


async def _violations(page: Any, url: str, status: int = 200) -> list[str]:
    response = await page.goto(url, wait_until="load")
    assert response is not None and response.status == status, (url, response)
    for path, selector in DRAWN_BY_SCRIPT.items():
        if url.endswith(path):
            await page.wait_for_selector(selector)
    return await _axe(page, url)


WATCH_FOCUS = """() => {
  window.tabStops = [];
  const ids = new WeakMap();
  let next = 0;
  document.addEventListener("focusin", event => {
    const e = event.target;
    if (!ids.has(e)) ids.set(e, next++);
    const style = getComputedStyle(e);
    const outlined = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
    const name = (e.getAttribute("aria-label") || e.textContent || e.name || "").trim();
    window.tabStops.push({
      stop: ids.get(e),
      shown: outlined || style.boxShadow !== "none",
      what: `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""} "${name.slice(0, 40)}"`,
    });
  }, true);
  if (document.activeElement) document.activeElement.blur();
}"""
"""Records each element the focus moves to: an identity, whether its focus shows, and a
description for the failure message."""
MAX_TAB_STOPS = 400
TABS_AT_ONCE = 25


def _walked(stops: list[dict[str, Any]], url: str) -> list[str] | None:
    """The problems of a Tab walk so far, or None while it has not come round yet. Tab
    moves on to the next control (a date field's parts are one control) until it comes
    back to the first one; coming back to another one first is a trap."""
    found: list[str] = []
    seen: list[int] = []
    for focused in stops:
        if seen and focused["stop"] == seen[-1]:
            continue  # within one control
        if seen and focused["stop"] == seen[0]:
            return found  # round the whole page
        if focused["stop"] in seen:
            return [*found, f"{url}: Tab circles back to {focused['what']}: a trap"]
        seen.append(focused["stop"])
        if not focused["shown"]:
            found.append(f"{url}: no visible focus on {focused['what']}")
    return None


async def _keyboard(page: Any, url: str) -> list[str]:
    """Tab through the whole page: every stop shows its focus (WCAG 2.4.7) and Tab comes
    round to the first stop again, never circling in a part of the page (2.1.2)."""
    await page.evaluate(WATCH_FOCUS)
    for _ in range(0, MAX_TAB_STOPS, TABS_AT_ONCE):
        for _ in range(TABS_AT_ONCE):
            await page.keyboard.press("Tab")
        found = _walked(await page.evaluate("window.tabStops"), url)
        if found is not None:
            return found
    return [f"{url}: Tab never comes round in {MAX_TAB_STOPS} stops"]


async def _axe(page: Any, url: str) -> list[str]:
    """axe-core's violations on the page as it is now, one line per element."""
    await page.add_script_tag(path=str(AXE))
    result = await page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
    )
    found = []
    for violation in result["violations"]:
        for node in violation["nodes"]:
            found.append(
                f"{url}: {violation['id']} ({violation['impact']}) at {node['target']}: "
                f"{violation['help']} — {node.get('failureSummary', '').splitlines()[-1:]}"
            )
    return found


async def test_every_page_passes_axe_and_a_keyboard_walk(web: Web, site: str, browser: Any) -> None:
    assert AXE.is_file(), f"{AXE} is missing: run scripts/setup.sh --test (npm install)"
    ids = _seed(web)
    visits = [(who, url, 200) for who, url in PAGES.values()] + ERROR_PAGES
    pages: dict[str, Any] = {}
    found: list[str] = []
    for who, url, status in visits:
        if who not in pages:
            if who == ANONYMOUS:
                pages[who] = await browser.new_page(
                    viewport={"width": 1280, "height": 800}, bypass_csp=True
                )
            else:
                pages[who] = await signed_in(browser, site, who, bypass_csp=True)
        found += await _violations(pages[who], site + url.format(**ids), status)
        found += await _keyboard(pages[who], url)
    refused = pages[ANONYMOUS]  # a refused sign-in: the form again, with its alert
    await refused.goto(f"{site}/login")
    await refused.fill("#organisation", DEMO_TENANT)
    await refused.fill("#username", "maria")
    await refused.fill("#password", "fel-losenord")
    await refused.click("button[type=submit]")
    await refused.wait_for_selector("[role=alert]")
    found += await _axe(refused, "/login (refused)")
    maria = pages["maria"]  # her workspace as her call goes on: busy, then wrap-up
    await maria.goto(f"{site}/")
    for event, state in (
        (AgentAnswered(DEMO_TENANT, "maria", MARIAS_CALL), "busy"),
        (ContactEnded(DEMO_TENANT, MARIAS_CALL), "wrap_up"),
    ):
        web.center.submit(event, time.time())
        await maria.wait_for_selector(f"#my-state[data-state={state}]", timeout=10_000)
        found += await _axe(maria, f"/ ({state})")
    for who, url in (("maria", "/"), ("chef", "/wallboard")):  # a phone's narrow layout
        await pages[who].set_viewport_size({"width": 390, "height": 800})
        found += await _violations(pages[who], site + url)
    assert not found, "WCAG 2.1 AA violations (axe-core, keyboard):\n" + "\n".join(found)
