"""What an attended transfer refuses, on the wire (issue 14 §6; RFC 3891 §3): a REFER whose
Replaces names no dialog (481), another phone's dialog (403) or the REFER's own (400)
changes nothing; an INVITE with Replaces is refused (400 malformed, 481 no such dialog,
403 otherwise; 420 when it requires the extension). All phones are scripted UDP phones
(``Transferor``)."""

from __future__ import annotations

import asyncio
from itertools import count
from urllib.parse import quote

import pytest

from tests.telephony.conftest import Running
from tests.telephony.test_attended_transfer_robots import (
    PASSWORD,
    PEOPLE,
    PhoneDialog,
    Transferor,
    plan,
)
from tests.telephony.test_robot_phones import wait_for
from vaxel.sip.message import Response
from vaxel.telephony.call import CallState

pytestmark = pytest.mark.interop
_n = count(1)


async def phones(running: Running) -> dict[str, Transferor]:
    plan(running)
    found = {name: Transferor(running.port, ext, PASSWORD) for name, (ext, _) in PEOPLE.items()}
    for phone in found.values():
        await phone.register()
    return found


async def talking(
    caller: Transferor, callee: Transferor, port: int, number: str
) -> tuple[PhoneDialog, PhoneDialog]:
    """``caller`` dials ``number`` and ``callee`` answers: each one's dialog."""
    answered = asyncio.create_task(callee.answer_call())
    dialled = await caller.call(port, number)
    return dialled, await answered


async def refer_status(phone: Transferor, on: PhoneDialog, replaces: str, port: int) -> int:
    phone.request(
        on,
        "REFER",
        extra=f"Refer-To: <sip:4502@127.0.0.1:{port}?Replaces={replaces}>\r\n",
    )
    answer = await phone.expect(lambda m: isinstance(m, Response) and m.cseq[1] == "REFER")
    assert isinstance(answer, Response)
    return answer.status


def states(running: Running) -> list[CallState]:
    return sorted((c.state for c in running.service.switch.calls.values()), key=lambda s: s.value)


async def test_a_replaces_naming_no_dialog_or_another_phone_s_is_refused(
    untrusted: Running,
) -> None:
    running, port = untrusted, untrusted.port
    group = await phones(running)
    anna, bertil, cecilia = group["anna"], group["bertil"], group["cecilia"]
    try:
        _, held = await talking(anna, bertil, port, "4501")  # Anna calls Bertil
        cecilia_dialog, _ = await talking(cecilia, anna, port, "4500")  # Cecilia calls Anna too
        await wait_for(lambda: sum(c.bridged for c in running.service.switch.calls.values()) == 2)
        before = states(running)
        nowhere = quote("nosuch@host;to-tag=1;from-tag=2", safe="")
        assert await refer_status(bertil, held, nowhere, port) == 481
        # Cecilia's dialog with the switch, as the switch holds it: not Bertil's to join
        switch = running.service.switch
        [theirs] = [
            leg.dialog
            for call in switch.calls.values()
            for leg in (call.caller,)
            if leg is not None
            and leg.dialog is not None
            and leg.dialog.call_id == cecilia_dialog.call_id
        ]
        stolen = quote(
            f"{theirs.call_id};to-tag={theirs.local_tag};from-tag={theirs.remote_tag}", safe=""
        )
        assert await refer_status(bertil, held, stolen, port) == 403
        own = quote(f"{held.call_id};to-tag={held.remote_tag};from-tag={held.local_tag}", safe="")
        assert await refer_status(bertil, held, own, port) == 400
        assert states(running) == before  # nothing changed: both calls talk on
    finally:
        for phone in group.values():
            phone.close()


@pytest.mark.parametrize(
    ("replaces", "require", "status"),
    [
        ("no tags at all", "", 400),
        ("nosuch@host;to-tag=1;from-tag=2", "", 481),
        ("live", "", 403),
        ("live", "Require: replaces\r\n", 420),  # RFC 3261 §8.2.2.3: Unsupported: replaces
    ],
)
async def test_an_invite_with_replaces_is_refused(
    untrusted: Running, replaces: str, require: str, status: int
) -> None:
    running, port = untrusted, untrusted.port
    group = await phones(running)
    anna, bertil, cecilia = group["anna"], group["bertil"], group["cecilia"]
    try:
        if replaces == "live":  # Anna's call with Bertil, named as the switch holds it
            await talking(anna, bertil, port, "4501")
            [call] = running.service.switch.calls.values()
            assert call.caller is not None and call.caller.dialog is not None
            dialog = call.caller.dialog
            replaces = f"{dialog.call_id};to-tag={dialog.local_tag};from-tag={dialog.remote_tag}"
        n = next(_n)
        cecilia.send(
            (
                f"INVITE sip:4501@127.0.0.1:{port} SIP/2.0\r\n"
                f"Via: SIP/2.0/UDP 127.0.0.1:{cecilia.port};branch=z9hG4bKrepl{n};rport\r\n"
                f"From: <sip:3003@127.0.0.1>;tag=repl{n}\r\nTo: <sip:4501@127.0.0.1>\r\n"
                f"Call-ID: replaces-{n}-{cecilia.port}\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n"
                f"Contact: <sip:3003@127.0.0.1:{cecilia.port}>\r\nReplaces: {replaces}\r\n"
                f"{require}Content-Length: 0\r\n\r\n"
            ).encode()
        )
        final = await cecilia.expect(
            lambda m: isinstance(m, Response) and m.status >= 200 and m.cseq[1] == "INVITE"
        )
        assert isinstance(final, Response) and final.status == status
        assert all(c.state is CallState.TRANSFERRED for c in running.service.switch.calls.values())
    finally:
        for phone in group.values():
            phone.close()
