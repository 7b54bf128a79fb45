"""The mobile's answer confirmation on the wire (issue 16, PBX9, Q23): the carrier — a bare
UA behind the tenant's IP trunk — answers Karin's offer on her mobile. A key 1 sent by SIP
INFO in that dialog makes the call hers; a BYE before any key is answered 200 and leaves
the offer unanswered at once, the contact still waiting for the next agent. A callback
picked from the list rings the mobile by the same offer."""

from __future__ import annotations

import time
from itertools import count

from tests.telephony.conftest import AGENT_ID, AGENT_QUEUES, CALLBACK_AGENT_ID, Running
from tests.telephony.test_parallel_ring import BarePhone
from tests.telephony.test_robot_phones import wait_for
from vaxel.acd.events import (
    AgentLoggedIn,
    AgentPaused,
    CallbackRequested,
    ContactArrived,
    ContactPicked,
)
from vaxel.pbx.trunks import Trunk, TrunkMode
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.sip.message import Request, Response

MOBILE = "+46701112233"
CUSTOMER = "+46709998877"
_sequence = count(1)


def in_dialog(carrier: BarePhone, invite: Request, method: str, body: str = "") -> None:
    """A request from the mobile's side in the dialog its 200 made."""
    n = next(_sequence)
    kind = "Content-Type: application/dtmf-relay\r\n" if body else ""
    carrier.send(
        (
            f"{method} sip:vaxel@127.0.0.1:{carrier.server} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP 127.0.0.1:{carrier.port};branch=z9hG4bK{method}{n};rport\r\n"
            f"From: <sip:{MOBILE}@127.0.0.1>;tag={carrier.tag}\r\n"
            f"To: {invite.headers.get('From')}\r\nCall-ID: {invite.call_id}\r\n"
            f"CSeq: {n + 1} {method}\r\nMax-Forwards: 70\r\n{kind}"
            f"Content-Length: {len(body)}\r\n\r\n{body}"
        ).encode()
    )


async def final_to(carrier: BarePhone, method: str) -> Response:
    while True:
        message = await carrier.next(5.0)
        if isinstance(message, Response) and message.cseq[1] == method:
            return message


async def karins_mobile_answers(running: Running, contact_id: str) -> tuple[BarePhone, Request]:
    """Karin ready with her mobile as device; a contact arrives in her queue; the carrier
    answers the INVITE to her mobile, and Växel waits for her key."""
    service, directory = running.service, running.service.directory
    carrier = BarePhone(running.port, "carrier", "")
    directory.outside.trunks[DEMO_TENANT] = Trunk(
        DEMO_TENANT, "127.0.0.1", carrier.port, mode=TrunkMode.IP
    )
    directory.agent_mobiles[(DEMO_TENANT, AGENT_ID)] = MOBILE
    service.switch.acd_commands.submit(AgentLoggedIn(DEMO_TENANT, AGENT_ID, AGENT_QUEUES))
    running.center.submit(ContactArrived(DEMO_TENANT, contact_id, "bygglov"), time.time())
    service.after_external_submit()
    invite = await carrier.rung()
    assert invite.uri.startswith(f"sip:{MOBILE}@127.0.0.1:"), invite.uri  # over the trunk
    carrier.answer(invite)
    await wait_for(lambda: bool(service.switch.ringing.confirms.waiting), 5)
    return carrier, invite


def karin(running: Running) -> tuple[str, int]:
    view = running.center.acd.agent_view(DEMO_TENANT, AGENT_ID)
    return view.state.value, view.unanswered_in_row


async def test_a_1_by_sip_info_makes_the_call_hers(running: Running) -> None:
    carrier, invite = await karins_mobile_answers(running, "mobile-info")
    switch = running.service.switch
    try:
        call = switch.calls["mobile-info"]
        in_dialog(carrier, invite, "INFO", "Signal=5\r\nDuration=160\r\n")  # not 1: ignored
        assert (await final_to(carrier, "INFO")).status == 200
        assert call.agent is None and karin(running)[0] == "offered"
        in_dialog(carrier, invite, "INFO", "Signal=1\r\nDuration=160\r\n")
        assert (await final_to(carrier, "INFO")).status == 200
        await wait_for(lambda: call.agent is not None, 5)
        assert not switch.ringing.confirms.waiting
        contact = running.center.acd.contact_view(DEMO_TENANT, "mobile-info")
        assert contact.agent_id == AGENT_ID and karin(running) == ("busy", 0)
    finally:
        carrier.close()


async def test_a_hang_up_before_the_key_is_an_unanswered_offer(running: Running) -> None:
    carrier, invite = await karins_mobile_answers(running, "mobile-bye")
    switch = running.service.switch
    try:
        in_dialog(carrier, invite, "BYE")  # its voicemail gave up, or a pocket
        assert (await final_to(carrier, "BYE")).status == 200
        await wait_for(lambda: karin(running)[1] == 1, 5)  # long before the ring time (15 s)
        call = switch.calls["mobile-bye"]
        assert call.agent is None and not switch.ringing.confirms.waiting
        contact = running.center.acd.contact_view(DEMO_TENANT, "mobile-bye")
        assert contact.agent_id == "" and contact.state.value in ("waiting", "offered")
    finally:
        carrier.close()


async def test_a_callback_she_picks_rings_her_mobile_and_her_1_dials_the_customer(
    running: Running,
) -> None:
    """CB8, CB9, PBX9: Maria's device is her mobile; she picks a callback from the list. The
    offer rings her mobile over the trunk (not a phone of hers), the carrier's answer is
    not hers yet (no customer dialled), and only her 1 dials the customer — over the trunk
    too, as a callback to a desk phone would after its answer."""
    service, directory = running.service, running.service.directory
    carrier = BarePhone(running.port, "carrier", "")
    directory.outside.trunks[DEMO_TENANT] = Trunk(
        DEMO_TENANT, "127.0.0.1", carrier.port, mode=TrunkMode.IP
    )
    directory.agent_mobiles[(DEMO_TENANT, CALLBACK_AGENT_ID)] = MOBILE
    center, now = running.center, time.time()
    center.submit(AgentLoggedIn(DEMO_TENANT, CALLBACK_AGENT_ID, ("kundtjanst",)), now)
    center.submit(AgentPaused(DEMO_TENANT, CALLBACK_AGENT_ID, "Återuppringningar"), now)
    commands = center.submit(CallbackRequested(DEMO_TENANT, "kundtjanst", CUSTOMER), now)
    contact_id = next(c.contact_id for c in commands if hasattr(c, "eligible_at"))
    center.submit(ContactPicked(DEMO_TENANT, CALLBACK_AGENT_ID, contact_id), now)
    service.after_external_submit()  # as the web app does after "Ring upp"
    try:
        invite = await carrier.rung()
        assert invite.uri.startswith(f"sip:{MOBILE}@127.0.0.1:"), invite.uri
        call = service.switch.calls[contact_id]
        assert call.attempts[CALLBACK_AGENT_ID].confirm  # her key, not the carrier's 200
        carrier.answer(invite)
        await wait_for(lambda: bool(service.switch.ringing.confirms.waiting), 5)
        assert call.agent is None and call.dial_after_answer is not None  # no customer yet
        in_dialog(carrier, invite, "INFO", "Signal=1\r\nDuration=160\r\n")
        customer = await carrier.rung()  # the customer, dialled over the trunk after her 1
        assert customer.uri.startswith(f"sip:{CUSTOMER}@127.0.0.1:"), customer.uri
        assert call.agent is not None and call.dial_after_answer is None
    finally:
        carrier.close()
