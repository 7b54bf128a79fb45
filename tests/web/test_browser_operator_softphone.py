"""The operator works with nothing but a browser (issue 15 §4 and "Done means", issue 16,
PBX9): in Chromium (fake microphone at 1000 Hz) Kristina opens the operator console, logs
in to the operator queue and presses F7, follows the console's "Använd webbläsaren som
telefon" to the phone page in a tab of its own and turns it on — her extension 1011 now
rings there, no desk phone registered. A baresip robot calls the main number and presses 0;
the browser phone rings, she answers in the page and the caller hears the browser's tone;
in the console she types "karlson" and presses Enter — or, in the second test, types Karin's
extension into the phone page's "Koppla samtalet till nummer" and presses Enter: the switch
transfers the caller to Karin's robot phone, the browser's call ends, and caller and Karin
hear each other."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from tests.telephony.conftest import AGENT_EXTENSION, AGENT_PASSWORD, Running, start
from tests.telephony.robots import Robot, read_wav, tone_share
from tests.telephony.test_robot_phones import phone_robot, wait_for
from tests.web.browsing import signed_in
from tests.web.conftest import PASSWORD
from tests.web.operator_scene import choose
from tests.web.test_browser_softphone_calls import BROWSER_HZ, WAIT_MS, chromium
from vaxel.app.console_calls import console_consults, console_transfer, dialled_of
from vaxel.sim.demo_tenant import DEMO_TENANT, MAIN_NUMBER
from vaxel.telephony.call import CallState
from vaxel.telephony.directory import Extension
from vaxel.web.app import WebSettings, create_app
from vaxel.web.passwords import PasswordHashing
from vaxel.webrtc.link import RegistrarLink
from vaxel.webrtc.phones import BrowserPhones

__all__ = ["chromium"]  # the fixture with the fake microphone
pytestmark = [pytest.mark.interop, pytest.mark.timeout(240)]
OPERATOR_EXT = "1011"
CALLER_HZ, KARIN_HZ = 1500.0, 1700.0


@pytest.fixture
async def console(tmp_path: Path) -> AsyncIterator[tuple[Running, str, BrowserPhones]]:
    """The switch and the web app over one ContactCenter, wired as the composition root
    does: the console's transfer reaches the switch, and Kristina's browser phone is bound
    to her extension 1011 (which has no desk phone)."""
    running = await start(tmp_path)
    running.service.directory.extensions[OPERATOR_EXT] = Extension(
        DEMO_TENANT, OPERATOR_EXT, "unused-desk-phone-secret", "kristina"
    )
    center = running.center
    from vaxel.store.accounts import Accounts

    Accounts(center.database).add_user(
        DEMO_TENANT,
        "kristina",
        "Kristina Olsson",
        "operator",
        PasswordHashing().hash(PASSWORD),
        "kristina",
    )
    app = create_app(
        center,
        center.database,
        WebSettings(),
        after_submit=running.service.after_external_submit,
        on_phone=lambda contact_id: contact_id in running.service.switch.calls,
    )
    app.state.context.console_transfer = console_transfer(running.service)
    app.state.context.dialled_of = dialled_of(running.service)
    app.state.context.console_consults = console_consults(  # announced transfer too
        running.service, app.state.context.hub.wake
    )

    def extension_of(tenant_id: str, username: str) -> str | None:
        return OPERATOR_EXT if (tenant_id, username) == (DEMO_TENANT, "kristina") else None

    registration = running.service.switch.registration
    phones = BrowserPhones(link=RegistrarLink(registration, "127.0.0.1", extension_of))
    app.state.softphone = phones
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield running, f"http://127.0.0.1:{port}", phones
    server.should_exit = True
    await task
    await running.service.close()


async def browser_operator(chromium: Any, site: str, running: Running) -> tuple[Any, Any]:
    """Kristina in the console, logged in to the operator queue and ready, with the phone
    opened from the console's link in a tab of its own and turned on."""
    center, switch = running.center, running.service.switch
    console_page: Any = await signed_in(chromium, site, "kristina")
    await console_page.goto(f"{site}/telefonist")
    await console_page.check("input[name=queue][value=vaxel]")
    await console_page.click("text=Spara inloggning")
    await wait_for(lambda: bool(center.acd.agent_view(DEMO_TENANT, "kristina").queue_ids), 20)
    await console_page.keyboard.press("F7")
    await wait_for(
        lambda: center.acd.agent_view(DEMO_TENANT, "kristina").state.value == "ready", 20
    )
    link = console_page.locator("#browser-phone a")
    assert await link.inner_text() == "Använd webbläsaren som telefon"
    async with console_page.context.expect_page() as opened:
        await link.click()  # a tab of its own, kept open while she works
    phone: Any = await opened.value
    await phone.wait_for_load_state()
    await phone.click("#softphone-start")
    await phone.wait_for_selector("#softphone-state[data-state=connected]", timeout=WAIT_MS)
    operator = running.service.directory.extensions[OPERATOR_EXT]
    await wait_for(lambda: bool(switch.registration.bindings(operator)), 15)
    assert "anknytning 1011" in await phone.inner_text("#softphone-state")
    return console_page, phone


async def answer_queue_call(phone: Any, caller: Robot, running: Running) -> str:
    """The caller reaches the operator queue; the browser phone rings and is answered."""
    switch = running.service.switch
    await caller.command("dial", f"sip:{MAIN_NUMBER}@127.0.0.1:{running.port}")
    await asyncio.sleep(3.5)  # the welcome prompt cannot be interrupted (IVR2)
    await caller.keys("0")  # the switchboard: the operator queue
    await phone.wait_for_selector("#softphone-call:not([hidden])", timeout=WAIT_MS)
    assert "0701234567" in await phone.inner_text("#softphone-call-text")
    await phone.click("#softphone-accept")
    await phone.wait_for_selector("#softphone-talk:not([hidden])", timeout=WAIT_MS)
    await wait_for(lambda: any(c.bridged for c in switch.calls.values()), 20)
    [contact_id] = list(switch.calls)
    assert running.center.acd.agent_view(DEMO_TENANT, "kristina").contact_id == contact_id
    await asyncio.sleep(2.0)  # the caller hears the browser
    return contact_id


async def karin_talks_with_the_caller(
    running: Running, phones: BrowserPhones, phone: Any, contact_id: str
) -> None:
    """The caller is now with Karin; the browser's leg is free; they talk, the caller ends."""
    switch = running.service.switch

    def with_karin() -> bool:
        call = switch.calls.get(contact_id)
        return call is not None and call.state is CallState.TRANSFERRED

    await wait_for(with_karin, 20)
    await phone.wait_for_selector("#softphone-call", state="hidden", timeout=WAIT_MS)
    line = phones.open_phones[(DEMO_TENANT, "kristina")].line
    assert line is not None and line.call is None  # the browser's leg is free
    await asyncio.sleep(3.0)  # the caller and Karin talk


def heard_the_transfer(caller: Robot, karin: Robot, logs: dict[str, str]) -> None:
    heard, rate = read_wav(caller.heard)
    assert tone_share(heard, BROWSER_HZ, rate) > 0.5, logs["caller"][-2000:]  # the operator
    assert tone_share(heard, KARIN_HZ, rate) > 0.5, logs["caller"][-2000:]  # then Karin
    heard, rate = read_wav(karin.heard)
    assert tone_share(heard, CALLER_HZ, rate) > 0.5, logs["karin"][-2000:]
    assert tone_share(heard, BROWSER_HZ, rate) < 0.1  # the operator had left the call


async def test_the_operator_takes_and_transfers_a_call_with_only_a_browser(
    console: tuple[Running, str, BrowserPhones], chromium: Any, tmp_path: Path
) -> None:
    """The transfer from the console's search (OP3): "karlson", Karin chosen, Enter."""
    running, site, phones = console
    port = running.port
    karin = await phone_robot(tmp_path, "karin", port, AGENT_EXTENSION, AGENT_PASSWORD, KARIN_HZ)
    caller = await Robot.start(tmp_path, "caller", "<sip:0701234567@127.0.0.1>;regint=0", CALLER_HZ)
    logs: dict[str, str] = {}
    try:
        karin_ext = running.service.directory.extensions[AGENT_EXTENSION]
        bindings = running.service.switch.registration.bindings
        await wait_for(lambda: bool(bindings(karin_ext)), 20)
        console_page, phone = await browser_operator(chromium, site, running)
        contact_id = await answer_queue_call(phone, caller, running)

        await console_page.bring_to_front()
        card = console_page.locator("#op-card")
        await card.get_by_text("0701234567").first.wait_for(timeout=WAIT_MS)
        await console_page.focus("#op-q")
        await choose(console_page, "karlson", "Karin Carlsson")
        await console_page.keyboard.press("Enter")

        await karin_talks_with_the_caller(running, phones, phone, contact_id)
        await caller.command("hangup")
        await wait_for(lambda: not running.service.switch.calls, 10)
    finally:
        for name, robot in (("caller", caller), ("karin", karin)):
            logs[name] = await robot.stop()
    heard_the_transfer(caller, karin, logs)


async def test_the_operator_transfers_a_queue_call_from_the_phone_page(
    console: tuple[Running, str, BrowserPhones], chromium: Any, tmp_path: Path
) -> None:
    """The transfer from the phone page's own field: the line's REFER takes the switch's
    agent transfer of a queue call (in_dialog), as her desk phone's transfer key would."""
    running, site, phones = console
    port = running.port
    karin = await phone_robot(tmp_path, "karin", port, AGENT_EXTENSION, AGENT_PASSWORD, KARIN_HZ)
    caller = await Robot.start(tmp_path, "caller", "<sip:0701234567@127.0.0.1>;regint=0", CALLER_HZ)
    logs: dict[str, str] = {}
    try:
        karin_ext = running.service.directory.extensions[AGENT_EXTENSION]
        bindings = running.service.switch.registration.bindings
        await wait_for(lambda: bool(bindings(karin_ext)), 20)
        _, phone = await browser_operator(chromium, site, running)
        contact_id = await answer_queue_call(phone, caller, running)

        await phone.fill("#softphone-transfer-number", AGENT_EXTENSION)
        await phone.press("#softphone-transfer-number", "Enter")  # the keyboard suffices
        await karin_talks_with_the_caller(running, phones, phone, contact_id)
        ended = await phone.inner_text("#softphone-call-ended")
        assert f"Samtalet kopplades till {AGENT_EXTENSION}" in ended
        await caller.command("hangup")
        await wait_for(lambda: not running.service.switch.calls, 10)
    finally:
        for name, robot in (("caller", caller), ("karin", karin)):
            logs[name] = await robot.stop()
    heard_the_transfer(caller, karin, logs)
