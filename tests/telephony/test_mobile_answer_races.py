"""Bad days for the mobile's answer confirmation (issue 16, PBX9, PBX8, Q23), on the wire
with a bare carrier behind the tenant's IP trunk: the carrier's 200 again, the caller giving
up while she listens, a hang-up right after the 1 —
and the number dialled under her class of service even with no extension of hers."""

from __future__ import annotations

import time

from tests.telephony.conftest import AGENT_EXTENSION, AGENT_ID, AGENT_QUEUES, Running
from tests.telephony.test_mobile_answer_sip import (
    MOBILE,
    in_dialog,
    karin,
    karins_mobile_answers,
)
from tests.telephony.test_robot_phones import wait_for
from vaxel.acd.events import AgentLoggedIn, ContactAbandoned, ContactArrived
from vaxel.core.dial_policy import DialPolicy
from vaxel.pbx.trunks import Trunk, TrunkMode
from vaxel.sim.demo_tenant import DEMO_TENANT


async def test_the_carriers_200_again_is_acked_and_she_still_may_press_1(running: Running) -> None:
    carrier, invite = await karins_mobile_answers(running, "mobile-twice")
    switch = running.service.switch
    try:
        carrier.answer(invite)  # our ACK lost: its 200 again
        while len(carrier.got("ACK")) < 2:  # ACKed again (§13.2.2.4), not hung up
            await carrier.next(5.0)
        assert not carrier.got("BYE"), carrier.seen
        assert switch.ringing.confirms.waiting
        in_dialog(carrier, invite, "INFO", "Signal=1\r\nDuration=160\r\n")
        await wait_for(lambda: switch.calls["mobile-twice"].agent is not None, 5)
    finally:
        carrier.close()


async def test_the_caller_giving_up_while_she_waits_hangs_up_her_mobile(running: Running) -> None:
    carrier, _ = await karins_mobile_answers(running, "mobile-gone")
    service = running.service
    try:
        running.center.submit(ContactAbandoned(DEMO_TENANT, "mobile-gone"), time.time())
        service.after_external_submit()
        await carrier.listen(3, until_bye=True)
        assert carrier.got("BYE"), carrier.seen
        await wait_for(lambda: not service.switch.ringing.confirms.waiting, 5)
        await wait_for(lambda: "mobile-gone" not in service.switch.calls, 5)
    finally:
        carrier.close()


async def test_bye_right_after_1_ends_the_call(running: Running) -> None:
    carrier, invite = await karins_mobile_answers(running, "mobile-quick")
    switch = running.service.switch
    try:
        in_dialog(carrier, invite, "INFO", "Signal=1\r\nDuration=160\r\n")
        in_dialog(carrier, invite, "BYE")
        await wait_for(lambda: "mobile-quick" not in switch.calls, 5)
        assert not switch.ringing.confirms.waiting
        assert karin(running)[0] in ("wrap_up", "ready"), karin(running)
    finally:
        carrier.close()


async def test_an_agent_without_an_extension_rings_her_mobile_under_her_class(
    running: Running,
) -> None:
    """The mobile is checked again when it is dialled (PBX8): an agent with no extension of
    her own is under the default class, never the tenant's bare policy — abroad stays
    barred for her though the organisation may call abroad, Sweden rings."""
    service, directory = running.service, running.service.directory
    directory.extensions.pop(AGENT_EXTENSION)  # Karin with no desk or browser phone
    directory.dial_policies[DEMO_TENANT] = DialPolicy(international_allowed=True)
    directory.outside.trunks[DEMO_TENANT] = Trunk(DEMO_TENANT, "127.0.0.1", 9, mode=TrunkMode.IP)
    service.switch.acd_commands.submit(AgentLoggedIn(DEMO_TENANT, AGENT_ID, AGENT_QUEUES))
    for contact_id, mobile, rung in (("abroad", "+447911123456", False), ("home", MOBILE, True)):
        directory.agent_mobiles[(DEMO_TENANT, AGENT_ID)] = mobile
        running.center.submit(ContactArrived(DEMO_TENANT, contact_id, "bygglov"), time.time())
        service.after_external_submit()
        call = service.switch.calls.get(contact_id)
        assert (call is not None and AGENT_ID in call.attempts) is rung, mobile
        running.center.submit(ContactAbandoned(DEMO_TENANT, contact_id), time.time())
        service.after_external_submit()
