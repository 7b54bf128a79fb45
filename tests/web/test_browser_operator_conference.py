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
- Past three (spec §46), on a third call: in the conference with Karin she asks Maria
  Johansson (Shift+Enter) — the caller and Karin talk on while she talks with Maria — and
  adds her (Alt+K): four in the mix, each robot hearing the other three. She leaves
  (Alt+L): the caller, Karin and Maria talk on; Karin hangs up: the caller and Maria talk
  on; the caller hangs up: Maria, alone, is hung up.
The refusals (no consultation, Karin not answered yet) are tests/telephony/
test_console_conference.py and tests/web/test_console_conference.py.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from tests.telephony.conftest import CALLBACK_EXTENSION, CALLBACK_PASSWORD, Running
from tests.telephony.test_robot_phones import phone_robot, wait_for
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
HEARD_OF_THREE = 0.12
"""Each of three tones mixed holds about a third of the power."""
MARIA_HZ = 2100.0


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

        # -- 4 (§46): asked from the conference, added, then the parties leave one by one
        maria = await phone_robot(
            tmp_path, "maria", running.port, CALLBACK_EXTENSION, CALLBACK_PASSWORD, MARIA_HZ
        )
        try:
            extensions = running.service.directory.extensions
            await wait_for(
                lambda: bool(switch.registration.bindings(extensions[CALLBACK_EXTENSION])), 20
            )
            await wait_for(lambda: state() == "ready", 30)
            contact_id = await caller_in_hand()
            await conference_with_karin(contact_id)
            call = switch.calls[contact_id]
            await page.keyboard.press("Escape")
            await choose(page, "johansson", "Maria Johansson")
            await page.keyboard.press("Shift+Enter")  # one more, asked from the conference
            await wait_for(lambda: call.state is CallState.CONSULTED, 30)
            await page.locator("#op-conference-on").wait_for(timeout=WAIT_MS)  # they talk on
            assert len(call.guests) == 1  # Karin, in the mix with the caller
            assert await _axe(page, "/telefonist, fråga från konferens") == []  # WCAG 2.1 AA
            await asyncio.sleep(TALK_S)
            await page.keyboard.press("Alt+K")  # Maria added: four
            await wait_for(lambda: call.state is CallState.CONFERENCE, 10)
            await page.locator("#op-conference").wait_for(timeout=WAIT_MS)
            parties = await page.locator("#op-consult ul").inner_text()
            assert "Karin Carlsson" in parties and "Maria Johansson" in parties, parties
            await asyncio.sleep(TALK_S)  # the four talk
            await page.keyboard.press("Alt+L")  # she leaves: the three talk on
            await wait_for(lambda: call.state is CallState.TRANSFERRED, 10)
            await card.get_by_text("Inget samtal").wait_for(timeout=WAIT_MS)
            assert len(call.guests) == 2 and call.caller is not None
            await asyncio.sleep(TALK_S)
            await karin.command("hangup")  # the caller and Maria talk on
            await wait_for(lambda: len(call.guests) == 1, 10)
            assert contact_id in switch.calls
            await asyncio.sleep(TALK_S)
            await caller.command("hangup")  # Maria, alone, is hung up
            await wait_for(lambda: not switch.calls, 15)
        finally:
            scene.logs["maria"] = await maria.stop()

    logs, operator = scene.logs, scene.operator

    (caller_1, caller_2, caller_3) = dumps(caller)
    (karin_1, karin_2, karin_3, karin_4) = dumps(karin)
    operator_1, operator_2, operator_3 = dumps(operator)  # her leg of each call
    [maria_1] = dumps(maria)
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
    # §46: she left the four hearing the other three; Karin left the three hearing the
    # caller and Maria (not her); the caller and Maria talked to the end
    for hz in (CALLER_HZ, KARIN_HZ, MARIA_HZ):
        assert share(tail(operator_3), hz) > HEARD_OF_THREE, (hz, logs["operator"][-2000:])
    assert share(tail(karin_4), CALLER_HZ) > HEARD, logs["karin"][-2000:]
    assert share(tail(karin_4), MARIA_HZ) > HEARD
    assert share(tail(karin_4), OPERATOR_HZ) < 0.1
    assert share(tail(caller_3), MARIA_HZ) > 0.5, logs["caller"][-2000:]
    assert share(tail(maria_1), CALLER_HZ) > 0.5, logs["maria"][-2000:]
