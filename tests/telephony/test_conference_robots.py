"""A conference room with baresip robot phones (PBX6, issue 14 "Tests with real peers"):
three robots dial the room, key the PIN, and each hears the other two (tone detection at
distinct frequencies) and not itself; the host removes one; a wrong PIN three times is
refused and the caller hung up, never let in."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.telephony.conftest import CUSTOMER_EXTENSION, CUSTOMER_PASSWORD, Running
from tests.telephony.robots import Robot, read_wav, tone_share
from vaxel.pbx.conference import ConferenceRoom
from vaxel.pbx.numbering import NumberingPlan, Target, TargetKind
from vaxel.sim.demo_tenant import DEMO_TENANT

pytestmark = pytest.mark.interop
ROOM = ConferenceRoom("ledning", DEMO_TENANT, "7000", "Ledningsgruppen", pin="2468")
TONES = {"anna": 700.0, "bertil": 1100.0, "cecilia": 1700.0}
"""Apart from each other and from the join and leave tones (600 and 900 Hz)."""


async def wait_for(condition, seconds: float = 15.0) -> None:  # type: ignore[no-untyped-def]
    for _ in range(int(seconds * 20)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not met in time")


async def caller_robot(base: Path, name: str) -> Robot:
    """An unregistered robot on the trusted 127.0.0.1, as a caller from a trunk."""
    return await Robot.start(base, name, f"<sip:07011{len(name)}@127.0.0.1>;regint=0", TONES[name])


async def test_three_robots_each_hear_the_other_two_and_the_host_removes_one(
    running: Running, tmp_path: Path
) -> None:
    switch = running.service.switch
    switch.directory.conference_rooms[ROOM.number] = ROOM
    robots = {name: await caller_robot(tmp_path, name) for name in TONES}
    logs: dict[str, str] = {}
    try:
        for count, robot in enumerate(robots.values(), start=1):
            await robot.command("dial", f"sip:{ROOM.number}@127.0.0.1:{running.port}")
            await wait_for(lambda count=count: len(switch.calls) == count)
            await asyncio.sleep(0.5)
            await robot.keys("2468#")
            await wait_for(
                lambda count=count: (
                    len(switch.conferences.participants(DEMO_TENANT, "ledning")) == count
                )
            )
        await asyncio.sleep(3.0)  # talk, all three
        participants = switch.conferences.participants(DEMO_TENANT, "ledning")
        assert [p.caller for p in participants] == ["070114", "070116", "070117"]
        switch.conferences.remove(DEMO_TENANT, "ledning", participants[2].participant_id)
        await wait_for(lambda: len(switch.calls) == 2)
        for robot in robots.values():
            await robot.command("hangup")
        await wait_for(lambda: not switch.calls)
        assert switch.conferences.rooms == {}
    finally:
        for name, robot in robots.items():
            logs[name] = await robot.stop()
    for name, robot in robots.items():
        heard, rate = read_wav(robot.heard)
        assert tone_share(heard, TONES[name], rate) < 0.1, f"{name} heard itself"
        for other, frequency in TONES.items():
            if other != name:
                share = tone_share(heard, frequency, rate)
                assert share > 0.2, f"{name} missed {other} ({share:.2f}): {logs[name][-1500:]}"


async def test_a_wrong_pin_three_times_is_refused_and_hung_up(
    running: Running, tmp_path: Path
) -> None:
    switch = running.service.switch
    switch.directory.conference_rooms[ROOM.number] = ROOM
    robot = await caller_robot(tmp_path, "anna")
    try:
        await robot.command("dial", f"sip:{ROOM.number}@127.0.0.1:{running.port}")
        await wait_for(lambda: len(switch.calls) == 1)
        await asyncio.sleep(0.5)
        await robot.keys("1111#")
        await robot.keys("2469#")
        await robot.keys("0000#")
        await wait_for(lambda: not switch.calls, 20)  # told "Fel PIN-kod. Hej då.", then BYE
        assert switch.conferences.rooms == {}
    finally:
        print(await robot.stop())


async def test_an_extension_reaches_the_room_through_its_numbering_plan(
    untrusted: Running, tmp_path: Path
) -> None:
    """PBX1's plan routes a CONFERENCE target (its own short number 4500) into the room;
    the extension authenticates (127.0.0.1 is no trusted trunk here)."""
    running = untrusted
    switch = running.service.switch
    switch.directory.conference_rooms[ROOM.number] = ROOM
    switch.directory.pbx.plans[DEMO_TENANT] = NumberingPlan.build(
        DEMO_TENANT, [("4500", Target(TargetKind.CONFERENCE, ROOM.room_id))]
    )
    account = (
        f"<sip:{CUSTOMER_EXTENSION}@127.0.0.1:{running.port}>;auth_pass={CUSTOMER_PASSWORD};"
        "regint=300"
    )
    robot = await Robot.start(tmp_path, "anna", account, TONES["anna"])
    try:
        await robot.command("dial", f"sip:4500@127.0.0.1:{running.port}")
        await wait_for(lambda: len(switch.calls) == 1)
        await asyncio.sleep(0.5)
        await robot.keys("2468#")
        await wait_for(lambda: len(switch.conferences.participants(DEMO_TENANT, "ledning")) == 1)
        [participant] = switch.conferences.participants(DEMO_TENANT, "ledning")
        assert participant.caller == CUSTOMER_EXTENSION
        await robot.command("hangup")
        await wait_for(lambda: not switch.calls)
        assert switch.conferences.rooms == {}
    finally:
        await robot.stop()
