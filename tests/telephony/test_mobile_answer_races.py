"""Bad days for the mobile's answer confirmation (issue 16, PBX9, PBX8, Q23), on the wire
with a bare carrier behind the tenant's IP trunk: the carrier's 200 again or from a second
branch, the caller giving up while she listens, a 1 forged from another host or dialog, a
hang-up right after the 1 — and the number dialled under her class of service even with no
extension of hers."""

from __future__ import annotations

import socket
import time

from tests.telephony.conftest import AGENT_EXTENSION, AGENT_ID, AGENT_QUEUES, Running
from tests.telephony.test_mobile_answer_sip import (
    MOBILE,
    final_to,
    in_dialog,
    karin,
    karins_mobile_answers,
)
from tests.telephony.test_parallel_ring import BarePhone
from tests.telephony.test_robot_phones import wait_for
from vaxel.acd.events import AgentLoggedIn, ContactAbandoned, ContactArrived
from vaxel.core.dial_policy import DialPolicy
from vaxel.pbx.trunks import Trunk, TrunkMode
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.sip.message import Request


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


async def test_a_forking_carriers_second_200_is_hung_up_and_her_1_still_counts(
    running: Running,
) -> None:
    carrier, invite = await karins_mobile_answers(running, "mobile-fork")
    switch = running.service.switch
    try:
        first, carrier.tag = carrier.tag, "second-branch"
        carrier.answer(invite)  # another branch behind the carrier answers too
        while not carrier.got("BYE"):
            await carrier.next(5.0)
        assert "second-branch" in (carrier.got("BYE")[0].headers.get("To") or "")
        assert switch.ringing.confirms.waiting  # the first branch still waits for her key
        carrier.tag = first
        in_dialog(carrier, invite, "INFO", "Signal=1\r\nDuration=160\r\n")
        await wait_for(lambda: switch.calls["mobile-fork"].agent is not None, 5)
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


async def test_a_1_from_another_host_or_dialog_is_not_her_answer(running: Running) -> None:
    """An INFO "1" with the dialog's Call-ID and tags from another host than the trunk,
    or from the carrier with another remote tag, is no key of hers; her own 1 still is."""
    carrier, invite = await karins_mobile_answers(running, "mobile-forged")
    call = running.service.switch.calls["mobile-forged"]
    stranger = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        stranger.bind(("127.0.0.2", 0))  # another peer: same dialog ids, another host
        stranger.sendto(info_1(carrier, invite, carrier.tag), ("127.0.0.1", running.port))
        carrier.send(info_1(carrier, invite, "another-tag"))  # the carrier, another dialog
        assert (await final_to(carrier, "INFO")).status == 481
        assert call.agent is None and running.service.switch.ringing.confirms.waiting
        in_dialog(carrier, invite, "INFO", "Signal=1\r\nDuration=160\r\n")
        await wait_for(lambda: call.agent is not None, 5)
    finally:
        carrier.close()
        stranger.close()


def info_1(carrier: BarePhone, invite: Request, tag: str) -> bytes:
    body = "Signal=1\r\nDuration=160\r\n"
    return (
        f"INFO sip:vaxel@127.0.0.1:{carrier.server} SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP 127.0.0.1:{carrier.port};branch=z9hG4bKforged{tag};rport\r\n"
        f"From: <sip:{MOBILE}@127.0.0.1>;tag={tag}\r\n"
        f"To: {invite.headers.get('From')}\r\nCall-ID: {invite.call_id}\r\n"
        f"CSeq: 90 INFO\r\nMax-Forwards: 70\r\nContent-Type: application/dtmf-relay\r\n"
        f"Content-Length: {len(body)}\r\n\r\n{body}"
    ).encode()


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
