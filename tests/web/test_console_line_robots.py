"""One line status for a person, everywhere (issue 16, OP2, OP4, DIR4) with robot phones:
a baresip caller presses 2 (bygglov) and Karin Carlsson's robot phone answers the queue
call as her agent. The operator's search (``/telefonist/sok``) and the directory's live
stream (``/katalog/handelser``, which the console listens to) show her *Upptagen* while
she talks — the switch's calls fed to the same line states camp-on reads — and free again
once the caller hangs up. Then the console's consultation: Kristina, the operator, asks
Karin first and connects her with the caller — Karin's line rings, is busy, and stays busy
with the caller, while Kristina's, whose seat Karin took, is free. Plain HTTP, no
browser."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from pathlib import Path

import httpx
import pytest

from tests.telephony.conftest import AGENT_EXTENSION, AGENT_ID, AGENT_PASSWORD, Running
from tests.telephony.robots import Robot
from tests.telephony.test_robot_phones import phone_robot, wait_for
from tests.web.conftest import PASSWORD
from tests.web.test_browser_operator import (  # noqa: F401  (the fixture)
    CALLER_HZ,
    CONTEXTS,
    KARIN_HZ,
    OPERATOR_EXT,
    OPERATOR_HZ,
    OPERATOR_PASSWORD,
    console,
)
from vaxel.directory.presence import LineState
from vaxel.sim.demo_tenant import DEMO_TENANT, MAIN_NUMBER
from vaxel.telephony.person_reach import ReachingPeople

pytestmark = [pytest.mark.interop, pytest.mark.timeout(120)]
KARIN, KRISTINA = "agent-karin", "agent-kristina"


async def signed_in(site: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=site, timeout=10.0)
    page = await client.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    form = {"organisation": DEMO_TENANT, "username": "kristina", "password": PASSWORD}
    answer = await client.post("/login", data={**form, "csrf": csrf})
    assert answer.status_code == 303, answer.text[:300]
    return client


async def karins_hit(client: httpx.AsyncClient, who: str = KARIN, q: str = "karin carlsson") -> str:
    found = (await client.get("/telefonist/sok", params={"q": q})).text
    hit = re.search(rf'data-person="{who}"(.*?)</li>', found, re.S)
    assert hit is not None, found[:500]
    status = re.search(r'data-field="status"[^>]*>([^<]*)<', hit.group(1))
    assert status is not None
    return status.group(1)


async def pushed(client: httpx.AsyncClient, seen: list[str]) -> None:
    """Karin's statuses as the directory's live stream pushes them."""
    async with client.stream("GET", "/katalog/handelser") as stream:
        async for line in stream.aiter_lines():
            if line.startswith("data:"):
                item = json.loads(line[5:])
                if item.get("person_id") == KARIN:
                    seen.append(item["status"])


async def test_an_agent_in_a_queue_call_is_busy_on_the_console_then_free(
    console: tuple[Running, str],  # noqa: F811
    tmp_path: Path,
) -> None:
    running, site = console
    switch, port = running.service.switch, running.port
    lines = CONTEXTS[site].directory_views.lines  # the app's PbxReach: what the pages read
    ReachingPeople.installed_on(switch, lines, lines)  # as the composition root does
    karin = await phone_robot(tmp_path, "karin", port, AGENT_EXTENSION, AGENT_PASSWORD, KARIN_HZ)
    caller = await Robot.start(tmp_path, "caller", "<sip:0701234567@127.0.0.1>;regint=0", CALLER_HZ)
    client = await signed_in(site)
    seen: list[str] = []
    listening = asyncio.create_task(pushed(client, seen))
    try:
        await wait_for(
            lambda: running.center.acd.agent_view(DEMO_TENANT, AGENT_ID).state.value == "ready", 20
        )
        assert await karins_hit(client) == "Tillgänglig"
        await caller.command("dial", f"sip:{MAIN_NUMBER}@127.0.0.1:{port}")
        await asyncio.sleep(3.5)  # the welcome prompt cannot be interrupted (IVR2)
        await caller.keys("2")  # bygglov: Karin's queue, her phone answers
        await wait_for(lambda: any(c.bridged for c in switch.calls.values()), 20)
        await wait_for(lambda: "busy" in seen, 10)  # pushed live, no reload
        assert lines.line(DEMO_TENANT, KARIN) is LineState.BUSY  # camp-on's truth too
        assert await karins_hit(client) == "Upptagen"

        await caller.command("hangup")
        await wait_for(lambda: not switch.calls, 10)
        await wait_for(lambda: seen[-1] != "busy", 10)
        assert lines.line(DEMO_TENANT, KARIN) is LineState.IDLE
        assert await karins_hit(client) == "Tillgänglig"
    finally:
        listening.cancel()
        with contextlib.suppress(asyncio.CancelledError, httpx.HTTPError):
            await listening
        await client.aclose()
        await caller.stop()
        await karin.stop()


async def test_the_person_asked_first_rings_then_is_busy_and_the_operator_is_free_after(
    console: tuple[Running, str],  # noqa: F811
    tmp_path: Path,
) -> None:
    running, site = console
    switch, port = running.service.switch, running.port
    lines = CONTEXTS[site].directory_views.lines
    ReachingPeople.installed_on(switch, lines, lines)
    operator = await phone_robot(
        tmp_path, "operator", port, OPERATOR_EXT, OPERATOR_PASSWORD, OPERATOR_HZ
    )
    karin = await phone_robot(tmp_path, "karin", port, AGENT_EXTENSION, AGENT_PASSWORD, KARIN_HZ)
    caller = await Robot.start(tmp_path, "caller", "<sip:0701234567@127.0.0.1>;regint=0", CALLER_HZ)
    client = await signed_in(site)

    def line(person: str) -> LineState:
        return lines.line(DEMO_TENANT, person)

    try:
        center = running.center.acd
        await wait_for(
            lambda: center.agent_view(DEMO_TENANT, "kristina").state.value == "ready", 20
        )
        registration, extensions = switch.registration, running.service.directory.extensions
        await wait_for(lambda: bool(registration.bindings(extensions[AGENT_EXTENSION])), 20)
        page = (await client.get("/telefonist")).text
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        await caller.command("dial", f"sip:{MAIN_NUMBER}@127.0.0.1:{port}")
        await asyncio.sleep(3.5)  # the welcome prompt cannot be interrupted (IVR2)
        await caller.keys("0")  # the operator queue: Kristina's robot answers
        await wait_for(lambda: any(c.bridged for c in switch.calls.values()), 30)
        await wait_for(lambda: line(KRISTINA) is LineState.BUSY, 10)
        form = {"csrf": csrf, "number": AGENT_EXTENSION, "name": "Karin Carlsson"}
        asked = await client.post("/telefonist/forfragan", data=form)
        assert asked.status_code < 400, asked.text[:300]
        await wait_for(lambda: line(KARIN) is LineState.BUSY, 20)  # she answered Kristina
        connected = await client.post("/telefonist/forfragan/koppla", data={"csrf": csrf})
        assert connected.status_code < 400, connected.text[:300]
        [call] = list(switch.calls.values())
        await wait_for(lambda: call.agent is not None and call.agent.number == AGENT_EXTENSION, 10)
        await wait_for(lambda: line(KRISTINA) is LineState.IDLE, 10)  # her seat is Karin's
        assert line(KARIN) is LineState.BUSY  # with the caller now
        assert await karins_hit(client) == "Upptagen"
        assert await karins_hit(client, KRISTINA, "kristina olsson") == "Tillgänglig"
        await caller.command("hangup")
        await wait_for(lambda: not switch.calls, 10)
        await wait_for(lambda: line(KARIN) is LineState.IDLE, 10)
    finally:
        await client.aclose()
        await caller.stop()
        await karin.stop()
        await operator.stop()
