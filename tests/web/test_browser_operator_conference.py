"""A three-party conference from the console (issue 16 §3 "a three-party conference", OP3),
with Chromium and three baresip robots, keyboard only.

A caller presses 0; the operator's robot answers; she asks Karin Carlsson first
(Shift+Enter) and, Karin talking, presses Alt+K: the caller, Karin and she are in one mix
and each robot hears the other two's tones; the card shows the conference, its parties and
a timer (axe-core clean). Then:
- Karin hangs up: the operator has the caller again.
- Asked again, Alt+K, then Alt+L: she leaves; the caller and Karin talk on.
- On a second call, in the conference, the caller hangs up: she and Karin talk on as an
  ordinary call of two, still her contact (no queue call is offered her meanwhile).
The refusals (no consultation, Karin not answered yet) are tests/telephony/
test_console_conference.py and tests/web/test_console_conference.py.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from tests.telephony.conftest import Running
from tests.telephony.test_robot_phones import wait_for
from tests.web.operator_scene import choose, console_scene
from tests.web.test_browser_axe import _axe
from tests.web.test_browser_operator import (
    CALLER_HZ,
    CONTEXTS,
    KARIN_HZ,
    OPERATOR_HZ,
    WAIT_MS,
    console,
)
from tests.web.test_browser_operator_consult import dumps, share, tail
from vaxel.app.console_calls import console_conferences
from vaxel.telephony.call import CallState

pytestmark = [pytest.mark.interop, pytest.mark.timeout(300)]
__all__ = ["console"]
TALK_S = 3.0
HEARD = 0.2
"""Each of two tones mixed holds about half the power: a fifth is clearly there."""


async def test_conference_of_three_then_each_party_leaving(
    console: tuple[Running, str], browser: Any, tmp_path: Path
) -> None:
    running = console[0]
    switch = running.service.switch
    CONTEXTS[console[1]].console_conferences = console_conferences(running.service)  # the root's
    async with console_scene(console, browser, tmp_path) as scene:
        page, state, caller, karin = scene.page, scene.state, scene.caller, scene.karin
        card, error = page.locator("#op-card"), page.locator("#op-error")
        caller_in_hand = scene.caller_in_hand

        async def conference_with_karin(contact_id: str, *, check: bool = False) -> None:
            await page.keyboard.press("Escape")
            await choose(page, "karlson", "Karin Carlsson")
            await page.keyboard.press("Shift+Enter")
            call = switch.calls[contact_id]
            await wait_for(lambda: call.state is not CallState.BRIDGED, 10)
            await wait_for(lambda: call.state is CallState.CONSULTED, 30)
            await page.locator("#op-consult").get_by_text("I samtal med").wait_for(timeout=WAIT_MS)
            await page.keyboard.press("Alt+K")
            await wait_for(lambda: call.state is CallState.CONFERENCE, 10)
            conference = page.locator("#op-conference")
            await conference.wait_for(timeout=WAIT_MS)
            parties = await page.locator("#op-consult ul").inner_text()
            assert "0701234567" in parties and "Karin Carlsson" in parties, parties
            assert await page.locator("#op-consult [data-ticks]").count() == 1  # its timer
            if check:
                assert await _axe(page, "/telefonist, konferens") == []  # WCAG 2.1 AA
            await asyncio.sleep(TALK_S)  # the three talk

        # -- 1: Alt+K with no consultation is refused; a conference, then Karin hangs up
        contact_id = await caller_in_hand()
        await page.keyboard.press("Alt+K")
        await error.get_by_text("Du har ingen förfrågan").wait_for(timeout=WAIT_MS)
        await conference_with_karin(contact_id, check=True)
        await karin.command("hangup")
        call = switch.calls[contact_id]
        await wait_for(lambda: call.state is CallState.BRIDGED, 10)  # she has the caller
        await page.locator("#op-consult-outcome").get_by_text("lade på").wait_for(timeout=WAIT_MS)
        # -- 2: again, and she leaves with Alt+L: the caller and Karin talk on
        await conference_with_karin(contact_id)
        await page.keyboard.press("Alt+L")
        await wait_for(lambda: call.state is CallState.TRANSFERRED, 10)
        await card.get_by_text("Inget samtal").wait_for(timeout=WAIT_MS)  # she is free
        assert await error.inner_text() == ""
        await asyncio.sleep(TALK_S)
        await caller.command("hangup")
        await wait_for(lambda: not switch.calls, 15)
        # -- 3: a second call; in the conference the caller hangs up: she and Karin talk on
        await wait_for(lambda: state() == "ready", 30)  # after the queue's wrap-up
        contact_id = await caller_in_hand()
        await conference_with_karin(contact_id)
        call = switch.calls[contact_id]
        await caller.command("hangup")
        await wait_for(lambda: call.state is CallState.BRIDGED, 10)
        assert call.caller is not None and not call.caller.machine.ended  # Karin's leg
        assert call.agent is not None and not call.agent.machine.ended  # hers
        outcome = page.locator("#op-consult-outcome")  # still her call: nothing else offered
        await outcome.get_by_text("Den som ringer lade på").wait_for(timeout=WAIT_MS)
        assert state() == "busy"
        await asyncio.sleep(TALK_S)
        await karin.command("hangup")
        await wait_for(lambda: not switch.calls, 15)
        await wait_for(lambda: state() in ("wrap_up", "ready"), 10)  # over: her wrap-up

    logs, operator = scene.logs, scene.operator

    (caller_1, caller_2), (karin_1, karin_2, karin_3) = dumps(caller), dumps(karin)
    operator_1, operator_2 = dumps(operator)  # her leg of each call
    # each ended in the conference: the one who left heard the other two
    assert share(tail(karin_1), OPERATOR_HZ) > HEARD, logs["karin"][-2000:]
    assert share(tail(karin_1), CALLER_HZ) > HEARD
    assert share(tail(operator_1), CALLER_HZ) > HEARD, logs["operator"][-2000:]
    assert share(tail(operator_1), KARIN_HZ) > HEARD
    assert share(tail(caller_2), OPERATOR_HZ) > HEARD, logs["caller"][-2000:]
    assert share(tail(caller_2), KARIN_HZ) > HEARD
    # after she left, the caller and Karin talked, without her
    assert share(tail(caller_1), KARIN_HZ) > 0.5
    assert share(tail(caller_1), OPERATOR_HZ) < 0.1
    assert share(tail(karin_2), CALLER_HZ) > 0.5
    # after the caller left, she and Karin talked
    assert share(tail(karin_3), OPERATOR_HZ) > 0.5
    assert share(tail(operator_2), KARIN_HZ) > 0.5
