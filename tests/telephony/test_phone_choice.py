"""Her audio device "Webbläsaren" or "Bordstelefon" (issue 16, PBX9, spec §37 §46): an ACD
offer rings only the phones of the kind she chose — her browser phone's binding, or her
extension's SIP desk phones — and readiness judges that kind only (she chose the desk
phone and none is registered: paused saying so, even with the browser phone connected).
No choice stored rings all her registered phones, as before; a call to her extension
(not a queue's offer) rings them all whatever she chose.

Against a running switch: the desk phone a bare UA that registers with digest, the browser
phone's binding made by the browser phones' own registrar link."""

from __future__ import annotations

import time

import pytest

from tests.telephony.conftest import AGENT_EXTENSION, AGENT_ID, AGENT_QUEUES, Running
from tests.telephony.test_parallel_ring import BarePhone
from vaxel.acd.events import AgentLoggedIn, ContactArrived
from vaxel.pbx.class_of_service import ClassesOfService, ClassOfService, Reach
from vaxel.pbx.trunks import Trunk, TrunkMode
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.telephony.browser_readiness import NO_DESK_PHONE, REASONS, BrowserReadiness
from vaxel.webrtc.link import RegistrarLink

BROWSER = ("sip:1005@127.0.0.1:5251", ("127.0.0.1", 5251))


async def _phones(running: Running, *, desk: bool = True, browser: bool = True) -> BarePhone:
    """Karin's desk phone registered (a real REGISTER with digest), her browser phone bound."""
    phone = BarePhone(running.port)
    if desk:
        await phone.register()
    if browser:
        link = RegistrarLink(running.service.switch.registration, "127.0.0.1", lambda t, u: None)
        link.bind(running.service.directory.extensions[AGENT_EXTENSION], *BROWSER, 300)
    return phone


def karin(running: Running) -> tuple[str, str]:
    view = running.center.acd.agent_view(DEMO_TENANT, AGENT_ID)
    return view.state.value, view.pause_reason


@pytest.mark.parametrize("kind", ["", "browser", "desk"])
async def test_an_offer_rings_only_the_kind_she_chose(running: Running, kind: str) -> None:
    desk = await _phones(running)
    try:
        if kind:
            running.service.directory.agent_phones[(DEMO_TENANT, AGENT_ID)] = kind
        center, service = running.center, running.service
        center.submit(AgentLoggedIn(DEMO_TENANT, AGENT_ID, AGENT_QUEUES), time.time())
        center.submit(ContactArrived(DEMO_TENANT, "c-val", AGENT_QUEUES[0]), time.time())
        service.after_external_submit()
        forks = service.switch.calls["c-val"].attempts[AGENT_ID].forks.values()
        rung = {fork.destination[1] for fork in forks}
        wanted = {"": {desk.port, 5251}, "browser": {5251}, "desk": {desk.port}}[kind]
        assert rung == wanted
        # a call to her extension is no queue's offer: all her phones, whatever she chose
        targets = service.switch.dialer.route(DEMO_TENANT, AGENT_EXTENSION)
        assert {address[1] for _, address, _ in targets} == {desk.port, 5251}
    finally:
        desk.close()


async def test_the_desk_phone_chosen_and_not_registered_pauses_her(running: Running) -> None:
    """The browser phone connected counts for nothing then; its connecting again does not
    make her ready, the desk phone registering does."""
    desk = await _phones(running, desk=False)
    try:
        switch = running.service.switch
        switch.directory.agent_phones[(DEMO_TENANT, AGENT_ID)] = "desk"
        readiness = BrowserReadiness(switch)
        switch.registration.registered_listeners.append(readiness.can_take_calls)
        switch.acd_commands.submit(AgentLoggedIn(DEMO_TENANT, AGENT_ID, AGENT_QUEUES))
        assert readiness.no_phone(DEMO_TENANT, AGENT_ID) == NO_DESK_PHONE
        readiness.went_ready(DEMO_TENANT, AGENT_ID)
        assert karin(running) == ("paused", NO_DESK_PHONE)
        extension = switch.directory.extensions[AGENT_EXTENSION]
        readiness.can_take_calls(extension)  # her browser phone connected: not her device
        readiness.cannot_take_calls(extension, "closed")
        assert karin(running) == ("paused", NO_DESK_PHONE)
        await desk.register()
        assert karin(running) == ("ready", "")
        assert readiness.no_phone(DEMO_TENANT, AGENT_ID) == ""
    finally:
        desk.close()


async def test_the_browser_chosen_a_desk_phone_does_not_count(running: Running) -> None:
    desk = await _phones(running, browser=False)
    try:
        switch = running.service.switch
        switch.directory.agent_phones[(DEMO_TENANT, AGENT_ID)] = "browser"
        readiness = BrowserReadiness(switch)
        switch.acd_commands.submit(AgentLoggedIn(DEMO_TENANT, AGENT_ID, AGENT_QUEUES))
        assert readiness.no_phone(DEMO_TENANT, AGENT_ID) == REASONS["closed"]
        readiness.went_ready(DEMO_TENANT, AGENT_ID)
        assert karin(running) == ("paused", REASONS["closed"])
        readiness.can_take_calls(switch.directory.extensions[AGENT_EXTENSION])  # the desk's
        assert karin(running) == ("paused", REASONS["closed"])
    finally:
        desk.close()


@pytest.mark.parametrize("barred", [True, False])
async def test_her_mobile_is_dialled_under_her_persons_class_too(
    running: Running, barred: bool
) -> None:
    """PBX8, PBX9: a class given to her person only (her extension is no device of that
    person) bars the mobile on the switch as on the web (``mobile_users``, each of her
    users must be allowed it): the offer rings nothing; without it the mobile rings."""
    directory, center = running.service.directory, running.center
    directory.outside.trunks[DEMO_TENANT] = Trunk(DEMO_TENANT, "127.0.0.1", 5999, mode=TrunkMode.IP)
    intern = ClassOfService("intern", "Bara interna", Reach.INTERNAL)
    directory.outside.service_classes[DEMO_TENANT] = ClassesOfService(
        {"intern": intern}, {"p-karin": "intern"} if barred else {}
    )
    directory.agent_mobiles[(DEMO_TENANT, AGENT_ID)] = "+46701112233"
    directory.agent_persons[(DEMO_TENANT, AGENT_ID)] = "p-karin"
    assert directory.mobile_dialler(DEMO_TENANT, AGENT_ID) == ("p-karin", AGENT_EXTENSION)
    center.submit(AgentLoggedIn(DEMO_TENANT, AGENT_ID, AGENT_QUEUES), time.time())
    center.submit(ContactArrived(DEMO_TENANT, "c-klass", AGENT_QUEUES[0]), time.time())
    running.service.after_external_submit()
    call = running.service.switch.calls.get("c-klass")
    rung = call is not None and AGENT_ID in call.attempts
    assert rung is not barred
