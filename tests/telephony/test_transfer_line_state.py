"""Transfers keep line states and identities true (issue 14 §6, DIR4, PBX5): whoever
transfers is free at once though the call goes on, the person joined is busy in the call
going on, and a party moved into the caller's seat keeps their own identity — never the
transferring phone's (its voicemail, its class). Scripted UDP phones; the runtime's side
in memory (``Reach``)."""

from __future__ import annotations

import pytest

from tests.telephony.conftest import Running
from tests.telephony.test_attended_refusals import talking
from tests.telephony.test_attended_transfer_robots import Transferor
from tests.telephony.test_pbx_forwarding import PASSWORD, PEOPLE, Reach, plan
from tests.telephony.test_robot_phones import wait_for
from vaxel.directory.presence import LineState
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.sip.message import Response
from vaxel.telephony.call import CallState

pytestmark = pytest.mark.interop


async def phones(running: Running) -> tuple[Reach, dict[str, Transferor]]:
    reach = plan(running)
    found = {name: Transferor(running.port, desk, PASSWORD) for name, (desk, _) in PEOPLE.items()}
    for phone in found.values():
        await phone.register()
    return reach, found


async def refer(phone: Transferor, on, refer_to: str) -> None:  # type: ignore[no-untyped-def]
    phone.request(on, "REFER", extra=f"Refer-To: <{refer_to}>\r\n")
    answer = await phone.expect(lambda m: isinstance(m, Response) and m.cseq[1] == "REFER")
    assert isinstance(answer, Response) and answer.status == 202, answer.status


def line(reach: Reach, person: str) -> LineState:
    return reach.lines.state(DEMO_TENANT, person)


async def test_an_attended_transfer_frees_the_transferor_and_keeps_the_joined_busy(
    untrusted: Running,
) -> None:
    running, port = untrusted, untrusted.port
    reach, group = await phones(running)
    karin, olle, eva = group["karin"], group["olle"], group["eva"]
    try:
        dialled, held = await talking(karin, olle, port, "4601")  # Karin calls Olle
        await olle.hold(held)
        consultation, _ = await talking(olle, eva, port, "4602")  # Olle calls Eva
        assert (line(reach, "olle"), line(reach, "eva")) == (LineState.BUSY, LineState.BUSY)
        await refer(olle, held, f"sip:4602@127.0.0.1:{port}?Replaces={consultation.replaces()}")
        await wait_for(lambda: len(running.service.switch.calls) == 1)
        assert line(reach, "olle") is LineState.IDLE  # free for the next caller
        assert line(reach, "eva") is LineState.BUSY  # talking with Karin
        karin.request(dialled, "BYE")
        await wait_for(lambda: not running.service.switch.calls)
        assert line(reach, "eva") is LineState.IDLE
    finally:
        for phone in group.values():
            phone.close()


async def test_a_blind_transfer_frees_the_transferor_at_once(untrusted: Running) -> None:
    running, port = untrusted, untrusted.port
    reach, group = await phones(running)
    karin, olle, eva = group["karin"], group["olle"], group["eva"]
    try:
        _, held = await talking(karin, olle, port, "4601")
        await refer(olle, held, f"sip:4602@127.0.0.1:{port}")
        invite = await eva.rung()
        assert line(reach, "olle") is LineState.IDLE
        assert "<sip:3101@" in (invite.headers.get("From") or "")  # Karin rings Eva as Karin
        eva.answer(invite)
        await wait_for(lambda: line(reach, "eva") is LineState.BUSY)
    finally:
        for phone in group.values():
            phone.close()


async def test_a_party_moved_into_the_caller_s_seat_is_themselves(untrusted: Running) -> None:
    """Olle called both Karin and Eva; joined, Karin sits in the caller's seat — as 3101,
    so a transfer or forwarding onward never happens as Olle (3102)."""
    running, port = untrusted, untrusted.port
    _, group = await phones(running)
    karin, olle, eva = group["karin"], group["olle"], group["eva"]
    try:
        first, _ = await talking(olle, karin, port, "4600")
        second, _ = await talking(olle, eva, port, "4602")
        await refer(olle, first, f"sip:4602@127.0.0.1:{port}?Replaces={second.replaces()}")
        await wait_for(lambda: len(running.service.switch.calls) == 1)
        [call] = running.service.switch.calls.values()
        assert call.state is CallState.TRANSFERRED
        assert call.internal is not None and call.internal.caller.extension == "3101"
        assert call.caller is not None and call.caller.dialog is not None
        assert call.caller.dialog.remote_tag == karin.tag  # Karin's leg in the caller's seat
    finally:
        for phone in group.values():
            phone.close()
