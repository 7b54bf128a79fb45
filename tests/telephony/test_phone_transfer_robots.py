"""Blind transfer in a PBX call with baresip robot phones (issue 14 §6, RFC 3515; PBX8):
Anna and Bertil talk — whoever called whom — and Bertil's phone transfers Anna to
Cecilia's short number with its own transfer command (a REFER); Anna hears ringback, then
talks with Cecilia (each hears the other's tone). A transfer abroad, which Bertil's class
of service bars, is refused 403 and Anna stays with Bertil (PBX8)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.telephony.conftest import Running
from tests.telephony.robots import Robot, read_wav, tone_share
from tests.telephony.test_attended_transfer_robots import PASSWORD, PEOPLE, Transferor, plan
from tests.telephony.test_robot_phones import phone_robot, wait_for
from vaxel.sip.message import Request, Response
from vaxel.telephony.call import CallState

pytestmark = pytest.mark.interop
TONES = {"anna": 700.0, "bertil": 1100.0, "cecilia": 1700.0}


async def robots(running: Running, tmp_path: Path) -> dict[str, Robot]:
    plan(running)
    found = {
        name: await phone_robot(tmp_path, name, running.port, PEOPLE[name][0], PASSWORD, hz)
        for name, hz in TONES.items()
    }
    service = running.service
    await wait_for(
        lambda: all(
            service.registration.bindings(service.directory.extensions[ext])
            for ext, _ in PEOPLE.values()
        ),
        20,
    )
    return found


def talking(running: Running) -> list[CallState]:
    return [c.state for c in running.service.switch.calls.values()]


def with_cecilia(running: Running) -> bool:
    """The one call is Anna's (or the one Bertil placed), now talking with Cecilia."""
    calls = list(running.service.switch.calls.values())
    internal = calls[0].internal if len(calls) == 1 else None
    talks = calls[0].state is CallState.TRANSFERRED if calls else False
    return talks and internal is not None and internal.target.ref == "cecilia"


@pytest.mark.parametrize("bertil_is", ["called", "calling"])
async def test_bertil_transfers_anna_to_cecilia_blind(
    untrusted: Running, tmp_path: Path, bertil_is: str
) -> None:
    running, port = untrusted, untrusted.port
    switch = running.service.switch
    phones = await robots(running, tmp_path)
    anna, bertil = phones["anna"], phones["bertil"]
    logs: dict[str, str] = {}
    try:
        if bertil_is == "called":
            await anna.command("dial", f"sip:4501@127.0.0.1:{port}")
        else:
            await bertil.command("dial", f"sip:4500@127.0.0.1:{port}")
        await wait_for(lambda: talking(running) == [CallState.TRANSFERRED], 15)
        await asyncio.sleep(1.5)  # Anna and Bertil talk
        await bertil.command("transfer", f"sip:4502@127.0.0.1:{port}")
        await wait_for(lambda: with_cecilia(running), 20)  # rung (ringback), answered
        assert talking(running) == [CallState.TRANSFERRED]
        await asyncio.sleep(3.0)  # Anna and Cecilia talk
        await anna.command("hangup")
        await wait_for(lambda: not switch.calls, 10)
    finally:
        for name, robot in phones.items():
            logs[name] = await robot.stop()
    heard, rate = read_wav(anna.heard)
    assert tone_share(heard, TONES["cecilia"], rate) > 0.5, logs["anna"][-2000:]
    heard, rate = read_wav(phones["cecilia"].heard)
    assert tone_share(heard, TONES["anna"], rate) > 0.5, logs["cecilia"][-2000:]
    assert tone_share(heard, TONES["bertil"], rate) < 0.1  # Bertil was gone before


async def test_a_transfer_abroad_that_bertil_s_class_bars_is_refused(
    untrusted: Running, tmp_path: Path
) -> None:
    """Bertil's phone is a scripted one here: baresip hangs up itself after a failed
    transfer, and whether Anna stays with Bertil is what is shown."""
    running, port = untrusted, untrusted.port
    switch = running.service.switch
    plan(running)
    anna = await phone_robot(tmp_path, "anna", port, PEOPLE["anna"][0], PASSWORD, TONES["anna"])
    bertil = Transferor(port, PEOPLE["bertil"][0], PASSWORD)
    try:
        await bertil.register()
        await anna.command("dial", f"sip:4501@127.0.0.1:{port}")
        held = await bertil.answer_call()
        await wait_for(lambda: talking(running) == [CallState.TRANSFERRED], 15)
        bertil.request(held, "REFER", extra=f"Refer-To: <sip:+442079460000@127.0.0.1:{port}>\r\n")
        refused = await bertil.expect(lambda m: isinstance(m, Response) and m.cseq[1] == "REFER")
        assert isinstance(refused, Response) and refused.status == 403  # abroad: barred
        assert "barred" in refused.reason
        await asyncio.sleep(1.0)
        assert talking(running) == [CallState.TRANSFERRED]  # Anna stays with Bertil
        [call] = switch.calls.values()
        assert call.agent is not None and not call.agent.machine.ended
        assert len(call.attempts) == 1  # nothing else was rung
        await anna.command("hangup")
        await bertil.expect(lambda m: isinstance(m, Request) and m.method == "BYE")
        await wait_for(lambda: not switch.calls, 10)
    finally:
        await anna.stop()
        bertil.close()
