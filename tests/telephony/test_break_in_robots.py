"""Break-in on the wire (issue 16 §3, spec §48, OP3): Karin Carlsson talks with Maria; the
operator breaks in from the console — her own phone rings, she answers, Karin and Maria
both hear the warning tone and then her voice; she leaves and the two talk on as before.
Baresip robots: the operator's phone, Karin (busy) and Maria, each sending its own tone.
The web's part is ``tests/web/test_console_break_in.py``."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.telephony.camp_on_scene import KARIN, KARIN_SHORT, MARIA_HZ, karin_as_a_person
from tests.telephony.conftest import (
    AGENT_EXTENSION,
    AGENT_PASSWORD,
    CALLBACK_EXTENSION,
    CALLBACK_PASSWORD,
    Running,
)
from tests.telephony.robots import Robot, read_wav, tone_share
from tests.telephony.test_robot_phones import phone_robot, wait_for
from vaxel.core.errors import DomainError
from vaxel.directory.presence import LineState
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.telephony.break_in import BreakIn, BreakIns
from vaxel.telephony.call import CallState
from vaxel.telephony.directory import Extension

pytestmark = [pytest.mark.interop, pytest.mark.timeout(180)]
OPERATOR_EXT, OPERATOR_PASSWORD = "1011", "robot-1011-secret"
OPERATOR_HZ, KARIN_HZ = 1300.0, 1700.0
WARNING_HZ = 1400.0
"""The break-in warning tone (``vaxel/media/tones.py``)."""


async def test_the_operator_breaks_in_both_hear_the_tone_and_her_then_she_leaves(
    untrusted: Running, tmp_path: Path
) -> None:
    running = untrusted
    switch = running.service.switch
    reach = karin_as_a_person(running)
    extensions = running.service.directory.extensions
    extensions[OPERATOR_EXT] = Extension(DEMO_TENANT, OPERATOR_EXT, OPERATOR_PASSWORD, "kristina")
    break_ins = BreakIns(switch)  # as the composition root makes it
    port = running.port
    account = f"<sip:{OPERATOR_EXT}@127.0.0.1:{port}>;auth_pass={OPERATOR_PASSWORD};regint=300"
    operator = await Robot.start(tmp_path, "operator", account, OPERATOR_HZ)
    karin = await phone_robot(tmp_path, "karin", port, AGENT_EXTENSION, AGENT_PASSWORD, KARIN_HZ)
    maria = await phone_robot(
        tmp_path, "maria", port, CALLBACK_EXTENSION, CALLBACK_PASSWORD, MARIA_HZ
    )
    robots = [operator, karin, maria]
    logs: dict[str, str] = {}
    try:
        for extension in (AGENT_EXTENSION, CALLBACK_EXTENSION, OPERATOR_EXT):
            await wait_for(
                lambda e=extension: bool(switch.registration.bindings(extensions[e])), 20
            )
        with pytest.raises(DomainError) as idle:  # nobody talks yet
            break_ins.start(DEMO_TENANT, OPERATOR_EXT, KARIN_SHORT)
        assert idle.value.code == "break-in-not-busy"

        await maria.command("dial", f"sip:{KARIN_SHORT}@127.0.0.1:{port}")
        await wait_for(lambda: reach.line(DEMO_TENANT, KARIN) is LineState.BUSY, 20)
        [call] = [c for c in switch.calls.values() if c.state is CallState.TRANSFERRED]
        with pytest.raises(DomainError) as other:  # another tenant's call is never found
            break_ins.start("annan", OPERATOR_EXT, AGENT_EXTENSION)
        assert other.value.code == "break-in-not-busy"
        for number in ("1011", "4699"):  # her own line; a number that is nobody's
            with pytest.raises(DomainError) as refused:
                break_ins.start(DEMO_TENANT, OPERATOR_EXT, number)
            assert refused.value.code == (
                "break-in-own" if number == "1011" else "break-in-no-person"
            )
        with pytest.raises(DomainError) as own:  # Karin breaking in on her own call
            break_ins.start(DEMO_TENANT, AGENT_EXTENSION, KARIN_SHORT)
        assert own.value.code == "break-in-own"
        assert not break_ins.active
        await asyncio.sleep(2.0)  # Karin and Maria talk alone first

        break_ins.start(DEMO_TENANT, OPERATOR_EXT, KARIN_SHORT)
        with pytest.raises(DomainError) as twice:
            break_ins.start(DEMO_TENANT, OPERATOR_EXT, KARIN_SHORT)
        assert twice.value.code == "break-in-twice"
        found = break_ins.of(DEMO_TENANT, OPERATOR_EXT)
        assert found is not None and found.call_id == call.call_id
        for _ in range(40):  # her phone rings: she answers
            await operator.command("accept")
            if found.leg is not None:
                break
            await asyncio.sleep(0.5)
        await wait_for(lambda: found.leg is not None, 20)
        await asyncio.sleep(4.0)  # the three talk
        break_ins.leave(DEMO_TENANT, OPERATOR_EXT)
        assert break_ins.of(DEMO_TENANT, OPERATOR_EXT) is None
        with pytest.raises(DomainError) as none:
            break_ins.leave(DEMO_TENANT, OPERATOR_EXT)
        assert none.value.code == "break-in-none"
        await asyncio.sleep(4.0)  # Karin and Maria talk on
        assert call.state is CallState.TRANSFERRED and call.call_id in switch.calls
        await maria.command("hangup")
        await wait_for(lambda: call.call_id not in switch.calls, 10)
    finally:
        logs = {robot.name: await robot.stop() for robot in robots}
    heard_karin, rate = read_wav(karin.heard)
    heard_maria, _ = read_wav(maria.heard)
    heard_operator, _ = read_wav(operator.heard)
    for name, heard in (("karin", heard_karin), ("maria", heard_maria)):
        assert tone_share(heard, OPERATOR_HZ, rate) > 0.2, (name, logs[name][-2000:])
        # the beeps share the mix with two robots' steady tones; nothing else is at 1400 Hz
        assert tone_share(heard, WARNING_HZ, rate) > 0.1, name
        assert tone_share(heard[:rate], WARNING_HZ, rate) < 0.01, name  # before she came
    assert tone_share(heard_operator, KARIN_HZ, rate) > 0.2, logs["operator"][-2000:]
    assert tone_share(heard_operator, MARIA_HZ, rate) > 0.2
    tail = heard_karin[-2 * rate :]  # after she left: Maria alone again
    assert tone_share(tail, MARIA_HZ, rate) > 0.5
    assert tone_share(tail, OPERATOR_HZ, rate) < 0.05


async def test_her_hanging_up_leaves_and_the_call_ending_hangs_her_up(
    untrusted: Running, tmp_path: Path
) -> None:
    """She hangs up her phone instead of Alt+L: Karin and Maria talk on. She breaks in
    again and Maria hangs up: the call is over, her phone is hung up, nothing is left."""
    running = untrusted
    switch = running.service.switch
    reach = karin_as_a_person(running)
    extensions = running.service.directory.extensions
    extensions[OPERATOR_EXT] = Extension(DEMO_TENANT, OPERATOR_EXT, OPERATOR_PASSWORD, "kristina")
    break_ins = BreakIns(switch)
    port = running.port
    account = f"<sip:{OPERATOR_EXT}@127.0.0.1:{port}>;auth_pass={OPERATOR_PASSWORD};regint=300"
    operator = await Robot.start(tmp_path, "operator", account, OPERATOR_HZ)
    karin = await phone_robot(tmp_path, "karin", port, AGENT_EXTENSION, AGENT_PASSWORD, KARIN_HZ)
    maria = await phone_robot(
        tmp_path, "maria", port, CALLBACK_EXTENSION, CALLBACK_PASSWORD, MARIA_HZ
    )
    robots = [operator, karin, maria]

    async def answered() -> BreakIn:
        found = break_ins.of(DEMO_TENANT, OPERATOR_EXT)
        assert found is not None
        for _ in range(40):
            await operator.command("accept")
            if found.leg is not None:
                break
            await asyncio.sleep(0.5)
        await wait_for(lambda: found.leg is not None, 20)
        return found

    try:
        bound = switch.registration.bindings
        for extension in (AGENT_EXTENSION, CALLBACK_EXTENSION, OPERATOR_EXT):
            await wait_for(lambda e=extension: bool(bound(extensions[e])), 20)
        await maria.command("dial", f"sip:{KARIN_SHORT}@127.0.0.1:{port}")
        await wait_for(lambda: reach.line(DEMO_TENANT, KARIN) is LineState.BUSY, 20)
        [call] = [c for c in switch.calls.values() if c.state is CallState.TRANSFERRED]
        break_ins.start(DEMO_TENANT, OPERATOR_EXT, KARIN_SHORT)
        await answered()
        await asyncio.sleep(2.0)
        await operator.command("hangup")  # she hangs up her phone
        await wait_for(lambda: break_ins.of(DEMO_TENANT, OPERATOR_EXT) is None, 10)
        await asyncio.sleep(3.0)
        assert call.state is CallState.TRANSFERRED  # Karin and Maria still talk

        break_ins.start(DEMO_TENANT, OPERATOR_EXT, KARIN_SHORT)  # again, on the same call
        second = await answered()
        her_leg = second.leg
        assert her_leg is not None
        await asyncio.sleep(2.0)
        await maria.command("hangup")
        await wait_for(lambda: call.call_id not in switch.calls, 10)
        await wait_for(lambda: her_leg.machine.ended, 10)  # her phone was hung up
        assert break_ins.active == {}
        assert reach.line(DEMO_TENANT, KARIN) is LineState.IDLE
    finally:
        logs = {robot.name: await robot.stop() for robot in robots}
    heard_karin, rate = read_wav(karin.heard)
    tail = heard_karin[-2 * rate :]  # the second break-in, just before Maria hung up
    assert tone_share(heard_karin, MARIA_HZ, rate) > 0.5, logs["karin"][-2000:]
    assert tone_share(tail, OPERATOR_HZ, rate) > 0.2  # the operator was heard again


async def test_she_ends_the_persons_other_call_and_talks_with_the_person(
    untrusted: Running, tmp_path: Path
) -> None:
    """Spec §48 "avsluta": in Karin's call she ends Maria's part; Maria's phone is hung up,
    she and Karin talk on, and her hanging up then ends the call and frees Karin's line."""
    running = untrusted
    switch = running.service.switch
    reach = karin_as_a_person(running)
    extensions = running.service.directory.extensions
    extensions[OPERATOR_EXT] = Extension(DEMO_TENANT, OPERATOR_EXT, OPERATOR_PASSWORD, "kristina")
    break_ins = BreakIns(switch)
    port = running.port
    account = f"<sip:{OPERATOR_EXT}@127.0.0.1:{port}>;auth_pass={OPERATOR_PASSWORD};regint=300"
    operator = await Robot.start(tmp_path, "operator", account, OPERATOR_HZ)
    karin = await phone_robot(tmp_path, "karin", port, AGENT_EXTENSION, AGENT_PASSWORD, KARIN_HZ)
    maria = await phone_robot(
        tmp_path, "maria", port, CALLBACK_EXTENSION, CALLBACK_PASSWORD, MARIA_HZ
    )
    robots = [operator, karin, maria]
    try:
        bound = switch.registration.bindings
        for extension in (AGENT_EXTENSION, CALLBACK_EXTENSION, OPERATOR_EXT):
            await wait_for(lambda e=extension: bool(bound(extensions[e])), 20)
        await maria.command("dial", f"sip:{KARIN_SHORT}@127.0.0.1:{port}")
        await wait_for(lambda: reach.line(DEMO_TENANT, KARIN) is LineState.BUSY, 20)
        [call] = [c for c in switch.calls.values() if c.state is CallState.TRANSFERRED]
        maria_leg = call.caller
        assert maria_leg is not None
        with pytest.raises(DomainError) as not_in:  # nothing to end before she is in
            break_ins.end_other(DEMO_TENANT, OPERATOR_EXT)
        assert not_in.value.code == "break-in-none"
        break_ins.start(DEMO_TENANT, OPERATOR_EXT, KARIN_SHORT)
        found = break_ins.of(DEMO_TENANT, OPERATOR_EXT)
        assert found is not None
        with pytest.raises(DomainError) as ringing:  # her phone still rings
            break_ins.end_other(DEMO_TENANT, OPERATOR_EXT)
        assert ringing.value.code == "break-in-none"
        for _ in range(40):
            await operator.command("accept")
            if found.leg is not None:
                break
            await asyncio.sleep(0.5)
        await wait_for(lambda: found.leg is not None, 20)
        await asyncio.sleep(2.0)
        with pytest.raises(DomainError) as other:  # another tenant's operator: nothing
            break_ins.end_other("annan", OPERATOR_EXT)
        assert other.value.code == "break-in-none"
        break_ins.end_other(DEMO_TENANT, OPERATOR_EXT)
        assert call.caller is found.leg and not break_ins.active
        await wait_for(lambda: maria_leg.machine.ended, 10)  # Maria was hung up
        await asyncio.sleep(4.0)  # she and Karin talk
        assert call.state is CallState.TRANSFERRED
        assert reach.line(DEMO_TENANT, KARIN) is LineState.BUSY
        await operator.command("hangup")
        await wait_for(lambda: call.call_id not in switch.calls, 10)
        assert reach.line(DEMO_TENANT, KARIN) is LineState.IDLE
    finally:
        logs = {robot.name: await robot.stop() for robot in robots}
    heard_karin, rate = read_wav(karin.heard)
    tail = heard_karin[-2 * rate :]  # after Maria was hung up: the operator alone
    assert tone_share(tail, OPERATOR_HZ, rate) > 0.5, logs["karin"][-2000:]
    assert tone_share(tail, MARIA_HZ, rate) < 0.05
    heard_operator, _ = read_wav(operator.heard)
    assert tone_share(heard_operator[-2 * rate :], KARIN_HZ, rate) > 0.5


async def test_listening_in_she_hears_both_and_neither_hears_her_nor_a_tone(
    untrusted: Running, tmp_path: Path
) -> None:
    """OP6, listen-in for training: silent to both parties — no warning tone, her voice
    out of the mix — while she hears Karin and Maria."""
    running = untrusted
    switch = running.service.switch
    reach = karin_as_a_person(running)
    extensions = running.service.directory.extensions
    extensions[OPERATOR_EXT] = Extension(DEMO_TENANT, OPERATOR_EXT, OPERATOR_PASSWORD, "kristina")
    break_ins = BreakIns(switch)
    port = running.port
    account = f"<sip:{OPERATOR_EXT}@127.0.0.1:{port}>;auth_pass={OPERATOR_PASSWORD};regint=300"
    operator = await Robot.start(tmp_path, "operator", account, OPERATOR_HZ)
    karin = await phone_robot(tmp_path, "karin", port, AGENT_EXTENSION, AGENT_PASSWORD, KARIN_HZ)
    maria = await phone_robot(
        tmp_path, "maria", port, CALLBACK_EXTENSION, CALLBACK_PASSWORD, MARIA_HZ
    )
    robots = [operator, karin, maria]
    try:
        bound = switch.registration.bindings
        for extension in (AGENT_EXTENSION, CALLBACK_EXTENSION, OPERATOR_EXT):
            await wait_for(lambda e=extension: bool(bound(extensions[e])), 20)
        await maria.command("dial", f"sip:{KARIN_SHORT}@127.0.0.1:{port}")
        await wait_for(lambda: reach.line(DEMO_TENANT, KARIN) is LineState.BUSY, 20)
        [call] = [c for c in switch.calls.values() if c.state is CallState.TRANSFERRED]
        break_ins.start(DEMO_TENANT, OPERATOR_EXT, KARIN_SHORT, listen=True)
        found = break_ins.of(DEMO_TENANT, OPERATOR_EXT)
        assert found is not None and found.listen
        for _ in range(40):
            await operator.command("accept")
            if found.leg is not None:
                break
            await asyncio.sleep(0.5)
        await wait_for(lambda: found.leg is not None, 20)
        await asyncio.sleep(4.0)  # she listens
        break_ins.leave(DEMO_TENANT, OPERATOR_EXT)
        await asyncio.sleep(1.0)
        assert call.state is CallState.TRANSFERRED
        await maria.command("hangup")
        await wait_for(lambda: call.call_id not in switch.calls, 10)
    finally:
        logs = {robot.name: await robot.stop() for robot in robots}
    heard_karin, rate = read_wav(karin.heard)
    heard_maria, _ = read_wav(maria.heard)
    for name, heard in (("karin", heard_karin), ("maria", heard_maria)):
        assert tone_share(heard, OPERATOR_HZ, rate) < 0.02, (name, logs[name][-2000:])
        assert tone_share(heard, WARNING_HZ, rate) < 0.02, name
    assert tone_share(heard_karin, MARIA_HZ, rate) > 0.5
    heard_operator, _ = read_wav(operator.heard)
    assert tone_share(heard_operator, KARIN_HZ, rate) > 0.2, logs["operator"][-2000:]
    assert tone_share(heard_operator, MARIA_HZ, rate) > 0.2
