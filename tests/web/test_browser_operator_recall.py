"""A blind transfer from the console that nobody answers comes back to the same operator with
what happened on her card (issue 16 §3, spec §50–52, OP3–OP5): a baresip caller presses 0
(the operator queue); the operator's robot phone answers; in Chromium she types "karlson",
arrows to Karin Carlsson and presses Enter. Karin's desk phone (a scripted SIP phone on the
wire) rings and never answers; after the tenant's recall time (5 s here) Karin's phone stops,
the operator's own phone rings again with the caller, and her card says "Ej svar hos Karin
Carlsson, 5 s" — live, without a reload. The caller is never dropped, and while the recall
rings her the queues offer her nothing new (paused "Återringning"). Answered, the call is
her ACD contact again (issue 16 §3, spec §49–52): she types 2001 and presses Enter, a
second robot phone answers and hears the caller; her contact ends with wrap-up as usual.

Karin is away (a presence), so Enter would follow her diversion (OP5, spec §66); the
operator rings through with Alt+G instead (*genomringning*) and Karin's own phone rings."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest

from tests.telephony.conftest import (
    AGENT_EXTENSION,
    AGENT_PASSWORD,
    CUSTOMER_EXTENSION,
    CUSTOMER_PASSWORD,
    Running,
)
from tests.telephony.robots import Robot, read_wav, tone_share
from tests.telephony.test_attended_transfer_robots import Transferor
from tests.telephony.test_pbx_forwarding import Reach
from tests.telephony.test_robot_phones import phone_robot, wait_for
from tests.telephony.test_transfer_recall import RECALL_AFTER_S, _recalls
from tests.web.browsing import SHOTS, signed_in
from tests.web.operator_scene import choose
from tests.web.test_browser_operator import (
    CALLER_HZ,
    CONTEXTS,
    OPERATOR_EXT,
    OPERATOR_HZ,
    OPERATOR_PASSWORD,
    WAIT_MS,
    console,
)
from vaxel.app.console_calls import console_diversion, console_ring_through
from vaxel.pbx.reach import Absence
from vaxel.sim.demo_tenant import DEMO_TENANT, MAIN_NUMBER
from vaxel.sip.message import Request
from vaxel.telephony.call import CallState
from vaxel.telephony.console_divert import diversion
from vaxel.telephony.person_reach import ReachingPeople
from vaxel.telephony.recall_priority import REASON

pytestmark = [pytest.mark.interop, pytest.mark.timeout(240)]
OTHER_HZ = 1900.0


class AwayReach(Reach):
    """Everyone is away (on a meeting, until further notice); Karin is on her extension."""

    def absence(self, tenant_id: str, person_id: str) -> Absence | None:
        return Absence("meeting", None)

    def person_on(self, tenant_id: str, extension: str) -> str | None:
        return "karin" if extension == AGENT_EXTENSION else super().person_on(tenant_id, extension)


__all__ = ["console"]  # the fixture, shared with the keyboard test


async def test_an_unanswered_console_transfer_comes_back_with_the_reason_on_her_card(
    console: tuple[Running, str], browser: Any, tmp_path: Path
) -> None:
    running, site = console
    switch, port = running.service.switch, running.port
    reach = AwayReach()  # people's forwarding and presence, in memory: everyone away
    ReachingPeople.installed_on(switch, reach, reach)
    _recalls(running)  # the tenant's recall time: 5 s
    operator = await phone_robot(
        tmp_path, "operator", port, OPERATOR_EXT, OPERATOR_PASSWORD, OPERATOR_HZ
    )
    karin = Transferor(port, AGENT_EXTENSION, AGENT_PASSWORD)  # rings, never answers
    await karin.register()
    other = await phone_robot(  # a plain desk phone that answers: the second transfer's
        tmp_path, "other", port, CUSTOMER_EXTENSION, CUSTOMER_PASSWORD, OTHER_HZ
    )
    caller = await Robot.start(tmp_path, "caller", "<sip:0701234567@127.0.0.1>;regint=0", CALLER_HZ)
    try:
        center = running.center
        await wait_for(
            lambda: center.acd.agent_view(DEMO_TENANT, "kristina").state.value == "ready", 20
        )
        context = CONTEXTS[site]  # ring-through (OP5), as the composition root wires it
        context.console_ring_through = console_ring_through(running.service)
        context.console_diversion = console_diversion(running.service)
        assert diversion(switch, DEMO_TENANT, AGENT_EXTENSION) is not None, "Enter would divert"
        page: Any = await signed_in(browser, site, "kristina")
        await page.goto(f"{site}/telefonist")
        await page.wait_for_function("document.activeElement.id === 'op-q'")
        await caller.command("dial", f"sip:{MAIN_NUMBER}@127.0.0.1:{port}")
        await asyncio.sleep(3.5)  # the welcome prompt cannot be interrupted (IVR2)
        await caller.keys("0")
        await wait_for(lambda: any(c.bridged for c in switch.calls.values()), 20)
        [contact_id] = list(switch.calls)
        card = page.locator("#op-card")
        await card.get_by_text("0701234567").first.wait_for(timeout=WAIT_MS)
        assert await page.locator("#op-recalls").count() == 0, "nothing came back yet"

        await choose(page, "karlson", "Karin Carlsson")
        await page.keyboard.press("Alt+g")  # ring through her presence
        await karin.rung()  # Karin's own phone rings, away or not; she does not answer
        said = page.locator("#op-said", has_text="Genomringning: Karin Carlsson rings")
        await said.wait_for(timeout=WAIT_MS)  # the answer's words, once the post came back
        started = time.monotonic()
        call = switch.calls[contact_id]
        paused_for: list[str] = []  # her pause reason while her recall rings
        switch.actions.recall_hooks.append(
            lambda _: paused_for.append(center.acd.agent_view(DEMO_TENANT, "kristina").pause_reason)
        )
        assert call.state is CallState.TRANSFERRING

        def back_with_her() -> bool:  # her phone rang with the caller and answered: hers
            return call.state is CallState.BRIDGED and call.machine.recall_note is not None

        await wait_for(back_with_her, RECALL_AFTER_S + 20)
        assert time.monotonic() - started >= RECALL_AFTER_S - 1.0, "after the recall time"
        await karin.expect(lambda m: isinstance(m, Request) and m.method == "CANCEL")
        recall = page.locator("#op-recalls [data-recall]")
        await recall.first.wait_for(timeout=WAIT_MS)  # live, no reload
        text = await recall.first.inner_text()
        assert "Ej svar hos Karin Carlsson" in text, text
        assert f"{int(RECALL_AFTER_S)} s" in text or f"{int(RECALL_AFTER_S) + 1} s" in text, text
        assert "0701234567" in text, "whose call came back"
        assert await recall.first.get_attribute("data-reason") == "no-answer"
        await page.screenshot(path=str(SHOTS / "operator-recall.png"))  # the README's
        assert list(switch.calls) == [contact_id], "one call: the caller's, never dropped"
        assert call.caller is not None and not call.caller.machine.ended
        # offered before new queue calls: paused while the recall rang, and answered it
        # is her ACD contact again — the same contact, answered once (issue 16 §3)
        assert REASON in paused_for, "paused for the recall while it rang"
        view = center.acd.agent_view(DEMO_TENANT, "kristina")
        assert (view.state.value, view.contact_id) == ("busy", contact_id)
        assert view.answered_today == 1, "one contact, not answered twice"

        # so every console action works on it: she sends the caller on again, to 2001
        await page.locator("#op-q").fill(CUSTOMER_EXTENSION)
        await page.keyboard.press("Enter")

        def with_2001() -> bool:  # the second target answered: caller and 2001 talk
            return call.state is CallState.TRANSFERRED and call.machine.recall_note is not None

        await wait_for(with_2001, 20)
        assert await page.locator("#op-error").inner_text() == ""
        await page.locator("#op-recalls").wait_for(state="detached", timeout=WAIT_MS)
        await asyncio.sleep(3.0)  # the caller and 2001 talk
        await caller.command("hangup")
        await wait_for(lambda: not switch.calls, 10)
        state = center.acd.agent_view(DEMO_TENANT, "kristina").state.value
        assert state in ("wrap_up", "ready"), "her contact ended again: wrap-up, as usual"
    finally:
        logs = {"caller": await caller.stop(), "operator": await operator.stop()}
        logs["other"] = await other.stop()
        karin.close()
    heard, rate = read_wav(other.heard)
    assert tone_share(heard, CALLER_HZ, rate) > 0.5, logs["other"][-2000:]
    assert tone_share(heard, OPERATOR_HZ, rate) < 0.1  # the operator had left the call
