"""An agent already ready whose phone can no longer ring is paused saying why, and ready
again once it can (issue 16, PBX8, PBX9, Q24): her class of service narrowed so her mobile
is barred, the tenant's trunk removed, her "Bordstelefon" registration run out. The
switch's sweep (every 15 s) runs the re-check, so whichever route the change took (an
admin's class or trunk, her own device, a phone gone quiet) she is not offered calls that
ring nothing until the unanswered-offer pause; only the rule's own pause is lifted."""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any

from tests.telephony.conftest import AGENT_EXTENSION, AGENT_ID, AGENT_QUEUES, Running
from tests.telephony.test_browser_readiness import karin, karin_ready
from tests.telephony.test_parallel_ring import BarePhone
from vaxel.acd.events import AgentPaused, ContactArrived
from vaxel.app.softphone import browser_phones
from vaxel.pbx.class_of_service import ClassesOfService, ClassOfService, Reach
from vaxel.pbx.trunks import Trunk, TrunkMode
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.telephony.browser_readiness import BARRED, NO_DESK_PHONE, NO_TRUNK

MOBILE = "+46701112233"
INTERNAL_ONLY = ClassesOfService(
    {"intern": ClassOfService("intern", "Bara internt", Reach.INTERNAL)},
    {AGENT_EXTENSION: "intern"},
)


def with_mobile(running: Running) -> Any:
    directory = running.service.directory
    directory.outside.trunks[DEMO_TENANT] = Trunk(DEMO_TENANT, "127.0.0.1", 5999, mode=TrunkMode.IP)
    directory.agent_mobiles[(DEMO_TENANT, AGENT_ID)] = MOBILE
    return directory


async def test_her_class_narrowed_while_ready_pauses_her_and_widened_readies_her(
    running: Running,
) -> None:
    directory = with_mobile(running)
    readiness = karin_ready(running)
    readiness.recheck()
    assert karin(running) == ("ready", "")  # her mobile rings: nothing to do
    directory.outside.service_classes[DEMO_TENANT] = INTERNAL_ONLY  # an admin narrows it
    readiness.recheck()
    assert karin(running) == ("paused", BARRED)
    running.center.submit(ContactArrived(DEMO_TENANT, "c-barred", AGENT_QUEUES[0]), time.time())
    assert karin(running) == ("paused", BARRED)  # no offer ringing nothing
    assert "c-barred" not in running.service.switch.calls
    del directory.outside.service_classes[DEMO_TENANT]  # allowed again
    readiness.recheck()
    view = running.center.acd.agent_view(DEMO_TENANT, AGENT_ID)
    assert (view.state.value, view.contact_id) == ("offered", "c-barred")  # her mobile rings


async def test_the_trunk_removed_pauses_her_and_saved_again_readies_her(running: Running) -> None:
    directory = with_mobile(running)
    readiness = karin_ready(running)
    trunk = directory.outside.trunks.pop(DEMO_TENANT)
    readiness.recheck()
    assert karin(running) == ("paused", NO_TRUNK)
    directory.outside.service_classes[DEMO_TENANT] = INTERNAL_ONLY
    directory.outside.trunks[DEMO_TENANT] = trunk  # back, but her class now bars the mobile
    readiness.recheck()
    assert karin(running) == ("paused", NO_TRUNK)  # still the rule's pause, not offered
    del directory.outside.service_classes[DEMO_TENANT]
    readiness.recheck()
    assert karin(running) == ("ready", "")


async def test_her_own_pause_is_never_lifted_nor_replaced(running: Running) -> None:
    directory = with_mobile(running)
    readiness = karin_ready(running)
    running.service.switch.acd_commands.submit(AgentPaused(DEMO_TENANT, AGENT_ID, "Lunch"))
    directory.outside.service_classes[DEMO_TENANT] = INTERNAL_ONLY
    readiness.recheck()
    assert karin(running) == ("paused", "Lunch")
    del directory.outside.service_classes[DEMO_TENANT]
    readiness.recheck()
    assert karin(running) == ("paused", "Lunch")


async def test_her_desk_phone_s_registration_running_out_pauses_her(running: Running) -> None:
    """'Bordstelefon': the registrar's expiry drops her desk phone; the sweep's re-check
    pauses her; the phone registering again readies her (the registrar tells the rule)."""
    directory = running.service.directory
    directory.agent_phones[(DEMO_TENANT, AGENT_ID)] = "desk"
    extension = directory.extensions[AGENT_EXTENSION]
    registration = running.service.switch.registration
    desk = BarePhone(running.port)  # her desk phone, over SIP
    try:
        await desk.register()
        readiness = karin_ready(running)
        readiness.recheck()
        assert karin(running) == ("ready", "")
        registration.registrar.expire(time.time() + 3600)  # it never registered again
        assert registration.bindings(extension) == []
        readiness.recheck()
        assert karin(running) == ("paused", NO_DESK_PHONE)
        await desk.register()
        readiness.recheck()
        assert karin(running) == ("ready", "")
    finally:
        desk.close()


async def test_the_switch_s_sweep_runs_the_re_check(running: Running) -> None:
    """The composition root installs the rule on the sweep the telephony service runs
    every 15 s beside the registrations' expiry."""
    directory = with_mobile(running)
    platform: Any = SimpleNamespace(
        center=running.center, soon=lambda f: f(), database=running.center.database
    )
    browser_phones(platform, running.service, lambda: [])  # type: ignore[arg-type]
    karin_ready(running)
    directory.outside.trunks.clear()
    for sweep in running.service.switch.actions.sweeps:
        sweep()
    assert karin(running) == ("paused", NO_TRUNK)
