"""Announced transfer from the console, both ways, with Chromium and three baresip robots
(issue 16 §3, OP3; spec §46 "förmedling med avisering"), keyboard only.

A caller presses 0 (the operator queue); the operator's robot phone answers; she types
"karlson", arrows to Karin Carlsson and presses Shift+Enter: the caller waits with music
while Karin's robot rings and answers, and the card shows both legs with their timers.
- Back (F4): Karin's leg is hung up and the operator has the caller again — Karin never
  heard the caller, nor the caller Karin, and the operator and the caller talk on.
- Connect (F3), on a second call: the caller and Karin talk, the operator's leg is hung up
  and her contact ends (wrap-up).
A barred number asked first is refused in Swedish and changes nothing. Karin busy, or not
answering within the recall time, brings the operator back to the caller with the reason;
F3 while Karin still rings (semi-attended) sends the caller on to her ringing phone, and
unanswered the call rings the operator back with "Ej svar hos Karin Carlsson".
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest

from tests.telephony.conftest import AGENT_EXTENSION, AGENT_PASSWORD, Running
from tests.telephony.robots import Robot, read_wav, tone_share
from tests.telephony.test_attended_transfer_robots import Transferor
from tests.telephony.test_pbx_forwarding import Reach
from tests.telephony.test_robot_phones import phone_robot, wait_for
from tests.telephony.test_transfer_recall import RECALL_AFTER_S, _recalls
from tests.web.browsing import SHOTS, signed_in
from tests.web.operator_scene import caller_to_operator, choose, console_scene
from tests.web.test_browser_axe import _axe
from tests.web.test_browser_operator import (
    CALLER_HZ,
    KARIN_HZ,
    OPERATOR_EXT,
    OPERATOR_HZ,
    OPERATOR_PASSWORD,
    WAIT_MS,
    console,
)
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.sip.message import Request, response_to
from vaxel.telephony.call import CallState
from vaxel.telephony.consult_events import CONSULT
from vaxel.telephony.person_reach import ReachingPeople

pytestmark = [pytest.mark.interop, pytest.mark.timeout(300)]
__all__ = ["console"]  # the fixture, shared with the keyboard test
TALK_S = 3.0
TAIL_S = 2.0
"""The end of a recording: what a robot heard just before its call ended."""


def dumps(robot: Robot) -> list[tuple[list[int], int]]:
    """What ``robot`` heard in each of its calls, oldest first."""
    found = sorted(robot.directory.glob("dump-*-dec.wav"), key=lambda p: p.stat().st_mtime)
    return [read_wav(path) for path in found]


def tail(heard: tuple[list[int], int]) -> tuple[list[int], int]:
    """The last ``TAIL_S`` seconds but the final 200 ms (the hang-up itself)."""
    samples, rate = heard
    end = len(samples) - rate // 5
    return samples[max(0, end - int(TAIL_S * rate)) : end], rate


def share(heard: tuple[list[int], int], hz: float) -> float:
    return tone_share(heard[0], hz, heard[1])


async def test_announced_transfer_back_to_the_caller_and_connected(
    console: tuple[Running, str], browser: Any, tmp_path: Path
) -> None:
    switch = console[0].service.switch
    async with console_scene(console, browser, tmp_path) as scene:
        page, state, caller = scene.page, scene.state, scene.caller
        field, card = page.locator("#op-q"), page.locator("#op-card")

        async def ask_karin_first(contact_id: str) -> None:
            karin_hit = await choose(page, "karlson", "Karin Carlsson")
            assert await karin_hit.get_attribute("aria-selected") == "true"
            await page.keyboard.press("Shift+Enter")
            await wait_for(lambda: switch.calls[contact_id].state is CallState.CONSULTED, 30)
            consult = page.locator("#op-consult")  # both legs, each with its timer
            await consult.get_by_text("I samtal med").wait_for(timeout=WAIT_MS)
            text = await consult.inner_text()
            assert "Karin Carlsson" in text and "väntar med musik" in text, text
            assert await consult.locator("[data-ticks]").count() == 2
            assert await _axe(page, "/telefonist, förfrågan") == []  # WCAG 2.1 AA
            await page.wait_for_function("document.activeElement.id === 'op-q'")

        # -- 1: a barred number is refused in Swedish; then Karin asked first, and back (F4)
        contact_id = await scene.caller_in_hand()
        await field.fill("0900123456")
        await page.keyboard.press("Shift+Enter")
        error = page.locator("#op-error")
        await error.get_by_text("spärrat").wait_for(timeout=WAIT_MS)
        assert switch.calls[contact_id].state is CallState.BRIDGED  # nothing changed
        await page.keyboard.press("Escape")
        await ask_karin_first(contact_id)
        await asyncio.sleep(TALK_S)  # the operator and Karin talk; the caller hears music
        await page.screenshot(path=str(SHOTS / "operator-consult.png"))  # timers ticking
        await page.keyboard.press("F4")
        await wait_for(lambda: switch.calls[contact_id].state is CallState.BRIDGED, 20)
        await wait_for(lambda: switch.calls[contact_id].consulted is None, 5)
        await (
            page.locator("#op-consult-outcome")
            .get_by_text("Tillbaka från")
            .wait_for(timeout=WAIT_MS)
        )
        assert await error.inner_text() == ""
        assert state() == "busy"  # the contact is still hers
        assert await _axe(page, "/telefonist, tillbaka") == []
        await asyncio.sleep(TALK_S)  # the operator and the caller talk again
        await caller.command("hangup")
        await wait_for(lambda: not switch.calls, 15)

        # -- 2: a second caller; Karin asked first, then connected (F3)
        await wait_for(lambda: state() == "ready", 30)  # after the queue's wrap-up
        contact_id = await scene.caller_in_hand()
        await ask_karin_first(contact_id)
        await asyncio.sleep(TALK_S)
        await page.keyboard.press("F3")
        await wait_for(lambda: switch.calls[contact_id].state is CallState.TRANSFERRED, 20)
        assert await error.inner_text() == ""
        await card.get_by_text("Inget samtal").wait_for(timeout=WAIT_MS)  # she is free
        assert state() in ("wrap_up", "ready")
        await asyncio.sleep(TALK_S)  # the caller and Karin talk
        await caller.command("hangup")
        await wait_for(lambda: not switch.calls, 15)

    logs, operator, karin = scene.logs, scene.operator, scene.karin
    (caller_1, caller_2), (karin_1, karin_2) = dumps(caller), dumps(karin)
    (operator_1, operator_2) = dumps(operator)
    # back: Karin heard the operator only; the caller never heard Karin, and at the end
    # talked with the operator again
    assert share(karin_1, OPERATOR_HZ) > 0.5, logs["karin"][-2000:]
    assert share(karin_1, CALLER_HZ) < 0.1
    assert share(caller_1, KARIN_HZ) < 0.1
    assert share(tail(caller_1), OPERATOR_HZ) > 0.5, logs["caller"][-2000:]
    assert share(tail(operator_1), CALLER_HZ) > 0.5
    # connected: the operator talked with Karin first; then caller and Karin talk, the
    # operator is out of their call
    assert share(operator_2, KARIN_HZ) > 0.5, logs["operator"][-2000:]
    assert share(karin_2, OPERATOR_HZ) > 0.5
    assert share(tail(caller_2), KARIN_HZ) > 0.5
    assert share(tail(karin_2), CALLER_HZ) > 0.5
    assert share(tail(karin_2), OPERATOR_HZ) < 0.1
    assert share(tail(caller_2), OPERATOR_HZ) < 0.1


async def test_karin_busy_or_not_answering_brings_the_operator_back_with_the_reason(
    console: tuple[Running, str], browser: Any, tmp_path: Path
) -> None:
    """Karin's desk phone (a scripted SIP phone) first answers 486 Busy Here, then rings
    and is never answered: each time the operator has the caller again — at once, then
    after the tenant's recall time (5 s here) — and her card says why, live."""
    running, site = console
    switch, port, center = running.service.switch, running.port, running.center
    reach = Reach()  # people's forwarding and presence, in memory
    ReachingPeople.installed_on(switch, reach, reach)
    _recalls(running)  # the tenant's recall time: how long Karin rings
    operator = await phone_robot(
        tmp_path, "operator", port, OPERATOR_EXT, OPERATOR_PASSWORD, OPERATOR_HZ
    )
    karin = Transferor(port, AGENT_EXTENSION, AGENT_PASSWORD)
    await karin.register()
    caller = await Robot.start(tmp_path, "caller", "<sip:0701234567@127.0.0.1>;regint=0", CALLER_HZ)
    try:
        await wait_for(
            lambda: center.acd.agent_view(DEMO_TENANT, "kristina").state.value == "ready", 20
        )
        page: Any = await signed_in(browser, site, "kristina")
        await page.goto(f"{site}/telefonist")
        await page.wait_for_function("document.activeElement.id === 'op-q'")
        contact_id = await caller_to_operator(caller, running, page)
        call = switch.calls[contact_id]
        outcome = page.locator("#op-consult-outcome")

        async def ask_karin() -> Request:
            await choose(page, "karlson", "Karin Carlsson")
            await page.keyboard.press("Shift+Enter")
            invite = await karin.rung()
            assert call.state is CallState.CONSULTING
            return invite

        # busy: back at once, "Upptaget hos Karin Carlsson"
        invite = await ask_karin()
        karin.send(response_to(invite, 486, "Busy Here", to_tag=karin.tag))
        await wait_for(lambda: call.state is CallState.BRIDGED, 10)
        await outcome.get_by_text("Upptaget hos Karin Carlsson").wait_for(timeout=WAIT_MS)

        # no answer: back after the recall time, "Ej svar hos Karin Carlsson, 5 s"
        busy = call.attempts[CONSULT]  # Karin's phone that said busy is done with
        assert all(fork.machine.ended for fork in busy.forks.values())
        invite = await ask_karin()
        started = time.monotonic()
        cancel = await karin.expect(
            lambda m: isinstance(m, Request) and m.method == "CANCEL", RECALL_AFTER_S + 15
        )
        assert isinstance(cancel, Request)
        assert time.monotonic() - started >= RECALL_AFTER_S - 1.0, "after the recall time"
        karin.send(response_to(cancel, 200, "OK", to_tag=karin.tag))
        karin.send(response_to(invite, 487, "Request Terminated", to_tag=karin.tag))
        await wait_for(lambda: call.state is CallState.BRIDGED, 10)
        text = await outcome.get_by_text("Ej svar hos Karin Carlsson").inner_text(timeout=WAIT_MS)
        assert f"{int(RECALL_AFTER_S)} s" in text or f"{int(RECALL_AFTER_S) + 1} s" in text, text
        assert list(switch.calls) == [contact_id], "one call: the caller's, never dropped"
        assert call.caller is not None and not call.caller.machine.ended
        assert call.agent is not None and not call.agent.machine.ended  # she has the caller
        assert center.acd.agent_view(DEMO_TENANT, "kristina").contact_id == contact_id

        # semi-attended, answered: F3 while Karin still rings — the operator's leg leaves
        # and the caller waits for Karin, who answers and talks with the caller
        await page.keyboard.press("Escape")
        invite = await ask_karin()
        await page.keyboard.press("F3")
        await wait_for(lambda: call.state is CallState.TRANSFERRING, 10)
        assert call.agent is None, "her leg left the call"
        karin.answer(invite)
        await karin.expect(lambda m: isinstance(m, Request) and m.method == "ACK")
        await wait_for(lambda: call.state is CallState.TRANSFERRED, 10)
        assert call.agent is not None and call.agent.destination[1] == karin.port
        await caller.command("hangup")
        await karin.expect(lambda m: isinstance(m, Request) and m.method == "BYE")
        await wait_for(lambda: not switch.calls, 10)

        # semi-attended, unanswered (a second caller): her own phone rings back with
        # "Ej svar hos Karin Carlsson"
        await wait_for(
            lambda: center.acd.agent_view(DEMO_TENANT, "kristina").state.value == "ready", 30
        )
        contact_id = await caller_to_operator(caller, running, page)
        call = switch.calls[contact_id]
        await page.keyboard.press("Escape")
        invite = await ask_karin()
        await page.keyboard.press("F3")
        await wait_for(lambda: call.state is CallState.TRANSFERRING, 10)
        assert call.agent is None, "her leg left the call"
        assert center.acd.agent_view(DEMO_TENANT, "kristina").state.value != "busy", "ended"
        cancel = await karin.expect(
            lambda m: isinstance(m, Request) and m.method == "CANCEL", RECALL_AFTER_S + 15
        )
        assert isinstance(cancel, Request)
        karin.send(response_to(cancel, 200, "OK", to_tag=karin.tag))
        karin.send(response_to(invite, 487, "Request Terminated", to_tag=karin.tag))
        recall = page.locator("#op-recalls [data-recall]")  # her robot answers the recall
        await recall.get_by_text("Ej svar hos Karin Carlsson").wait_for(timeout=WAIT_MS)
        await wait_for(lambda: call.state is CallState.BRIDGED, 20)  # hers again (issue 16 §3)
        assert call.agent is not None and not call.agent.machine.ended
        assert center.acd.agent_view(DEMO_TENANT, "kristina").contact_id == contact_id
        await caller.command("hangup")
        await wait_for(lambda: not switch.calls, 10)
    finally:
        await caller.stop()
        await operator.stop()
        karin.close()
