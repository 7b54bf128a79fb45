"""Forwarding, presence heard by callers and feature codes on the wire (issue 14 §4, PBX5,
DIR3, DIR4): Karin's baresip robot calls Olle's short number; Olle's phone is busy (486)
or does not answer, and Eva's phone rings instead; an absent Olle's caller hears his
presence in Swedish; Karin sets forwarding with *21*…# and hears it confirmed."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.telephony.conftest import Running
from tests.telephony.robots import Robot, read_wav
from tests.telephony.test_parallel_ring import BarePhone
from tests.telephony.test_robot_phones import find_prompt, wait_for
from vaxel.core.clock import STOCKHOLM
from vaxel.directory.presence import LineState
from vaxel.pbx.devices import Device, DeviceKind, PersonDevices
from vaxel.pbx.feature_codes import ClearForwarding, FeatureCode, SetForwarding
from vaxel.pbx.forwarding import ForwardCondition, Forwarding, ForwardRule
from vaxel.pbx.line_state import LineStates
from vaxel.pbx.numbering import NumberingPlan, Target, TargetKind
from vaxel.pbx.reach import Absence, AbsentOffer
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.sip.message import response_to
from vaxel.telephony.calls import LegState
from vaxel.telephony.directory import Extension
from vaxel.telephony.person_reach import ReachingPeople

pytestmark = pytest.mark.interop
PASSWORD = "robot-forward-secret"
PEOPLE = {"karin": ("3101", "4600"), "olle": ("3102", "4601"), "eva": ("3103", "4602")}


class Reach:
    """The runtime's side, in memory: forwarding, absence and line states."""

    def __init__(self) -> None:
        self.rules: dict[str, Forwarding] = {}
        self.absent: dict[str, Absence] = {}
        self.lines = LineStates()
        self.changes: list[tuple[str, LineState]] = []

    def forwarding(self, tenant_id: str, person_id: str) -> Forwarding | None:
        return self.rules.get(person_id)

    def line(self, tenant_id: str, person_id: str) -> LineState:
        return self.lines.state(tenant_id, person_id)

    def absence(self, tenant_id: str, person_id: str) -> Absence | None:
        return self.absent.get(person_id)

    def extension(self, tenant_id: str, person_id: str) -> str | None:
        return PEOPLE[person_id][1] if person_id in PEOPLE else None

    def person_on(self, tenant_id: str, extension: str) -> str | None:
        return next((p for p, (desk, _) in PEOPLE.items() if desk == extension), None)

    def absent_offer(self, tenant_id: str) -> AbsentOffer:
        return AbsentOffer()

    def carry_out(self, tenant_id: str, person_id: str, command: FeatureCode) -> str:
        held = self.rules.get(person_id, Forwarding())
        if isinstance(command, SetForwarding):
            rule = ForwardRule(command.condition, command.destination, command.after_s)
            self.rules[person_id] = held.with_rule(rule)
            return "sv/pbx/forwarding-set"
        if isinstance(command, ClearForwarding):
            self.rules[person_id] = held.without(command.condition)
            return "sv/pbx/forwarding-cleared"
        return "sv/pbx/not-allowed"

    def ringing(self, tenant_id: str, person_id: str, call_id: str) -> None:
        self._log(self.lines.ringing(tenant_id, person_id, call_id))

    def answered(self, tenant_id: str, person_id: str, call_id: str) -> None:
        self._log(self.lines.answered(tenant_id, person_id, call_id))

    def left(self, tenant_id: str, person_id: str, call_id: str) -> None:
        self._log(self.lines.left(tenant_id, person_id, call_id))

    def ended(self, call_id: str) -> None:
        self._log(self.lines.ended(call_id))

    def _log(self, changes: list) -> None:
        self.changes += [(c.person_id, c.state) for c in changes]


def plan(running: Running) -> Reach:
    """Karin, Olle and Eva: desk phones 3101–3103 on short numbers 4600–4602."""
    directory = running.service.directory
    numbers = []
    for person, (desk, short) in PEOPLE.items():
        directory.extensions[desk] = Extension(DEMO_TENANT, desk, PASSWORD, "", person.title())
        directory.pbx.people[(DEMO_TENANT, person)] = PersonDevices(
            DEMO_TENANT, person, (Device(DeviceKind.SIP, desk),), ring_s=20.0
        )
        numbers.append((short, Target(TargetKind.PERSON, person)))
    directory.pbx.plans[DEMO_TENANT] = NumberingPlan.build(DEMO_TENANT, numbers, [])
    reach = Reach()
    ReachingPeople.installed_on(running.service.switch, reach, reach)
    return reach


async def karin_robot(tmp_path: Path, port: int) -> Robot:
    account = f"<sip:3101@127.0.0.1:{port}>;auth_pass={PASSWORD};regint=0"
    return await Robot.start(tmp_path, "karin", account, 1000.0)


async def test_forward_on_busy_rings_eva(untrusted: Running, tmp_path: Path) -> None:
    running = untrusted
    reach = plan(running)
    reach.rules["olle"] = Forwarding((ForwardRule(ForwardCondition.BUSY, "4602"),))
    olle, eva = BarePhone(running.port, "3102", PASSWORD), BarePhone(running.port, "3103", PASSWORD)
    karin = await karin_robot(tmp_path, running.port)
    switch = running.service.switch
    try:
        await olle.register()
        await eva.register()
        await karin.command("dial", f"sip:4601@127.0.0.1:{running.port}")
        invite = await olle.rung()
        olle.send(response_to(invite, 486, "Busy Here", to_tag=olle.tag))
        forwarded = await eva.rung()
        assert "<sip:3101@" in (forwarded.headers.get("From") or ""), "Karin, still"
        eva.answer(forwarded)
        await wait_for(lambda: any(c.bridged for c in switch.calls.values()), 10)
        assert ("eva", LineState.BUSY) in reach.changes
        await karin.command("hangup")
        await wait_for(lambda: not switch.calls, 10)
    finally:
        await karin.stop()
        olle.close()
        eva.close()
    assert ("olle", LineState.RINGING) in reach.changes
    assert reach.lines.state(DEMO_TENANT, "eva") is LineState.IDLE


async def test_forward_on_no_answer_after_its_seconds(untrusted: Running, tmp_path: Path) -> None:
    running = untrusted
    reach = plan(running)
    reach.rules["olle"] = Forwarding((ForwardRule(ForwardCondition.NO_ANSWER, "4602", 5),))
    olle, eva = BarePhone(running.port, "3102", PASSWORD), BarePhone(running.port, "3103", PASSWORD)
    karin = await karin_robot(tmp_path, running.port)
    switch = running.service.switch
    try:
        await olle.register()
        await eva.register()
        await karin.command("dial", f"sip:4601@127.0.0.1:{running.port}")
        await olle.rung()  # and never answered
        rung_at = asyncio.get_running_loop().time()
        forwarded = await eva.rung()
        waited = asyncio.get_running_loop().time() - rung_at
        assert waited >= 4.0, f"Eva rang after {waited:.1f} s, before the 5 s rule"
        assert forwarded.method == "INVITE"
        [call] = switch.calls.values()  # forwarded, still ringing: Karin is not answered
        assert call.caller is not None and call.caller.state is LegState.EARLY_MEDIA
        await karin.command("hangup")
        await wait_for(lambda: not switch.calls, 10)
    finally:
        await karin.stop()
        olle.close()
        eva.close()


async def test_the_absent_persons_caller_hears_the_presence(
    untrusted: Running, tmp_path: Path
) -> None:
    running = untrusted
    reach = plan(running)
    back = datetime.now(STOCKHOLM) + timedelta(hours=2)
    reach.absent["olle"] = Absence("mote", back.replace(minute=30, second=0, microsecond=0))
    olle = BarePhone(running.port, "3102", PASSWORD)
    karin = await karin_robot(tmp_path, running.port)
    switch = running.service.switch
    try:
        await olle.register()
        await karin.command("dial", f"sip:4601@127.0.0.1:{running.port}")
        await wait_for(lambda: bool(switch.calls), 10)
        await wait_for(lambda: not switch.calls, 30)  # the presence, then our BYE
    finally:
        karin_log = await karin.stop()
        olle.close()
    assert not olle.got("INVITE"), "an absent person's phone does not ring"
    heard, rate = read_wav(karin.heard)
    for prompt in ("sv/presence/extension", "sv/presence/reason-mote", "sv/presence/until"):
        match, _end = find_prompt(heard, rate, prompt)
        assert match > 0.9, (prompt, karin_log[-2000:])
    _m, named = find_prompt(heard, rate, "sv/presence/extension")
    _m, reason = find_prompt(heard, rate, "sv/presence/reason-mote")
    assert named < reason, "the name comes before the reason"


async def test_a_feature_code_sets_forwarding(untrusted: Running, tmp_path: Path) -> None:
    running = untrusted
    reach = plan(running)
    karin = await karin_robot(tmp_path, running.port)
    switch = running.service.switch
    try:
        await karin.command("dial", f"sip:*21*4602%23@127.0.0.1:{running.port}")
        await wait_for(lambda: bool(reach.rules.get("karin")), 15)
        await wait_for(lambda: not switch.calls, 20)  # the confirmation, then our BYE
    finally:
        karin_log = await karin.stop()
    assert reach.rules["karin"].forwarded_to == "4602", karin_log[-2000:]
    heard, rate = read_wav(karin.heard)
    match, _end = find_prompt(heard, rate, "sv/pbx/forwarding-set")
    assert match > 0.9, karin_log[-2000:]
