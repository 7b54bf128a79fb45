"""Barring can never be bypassed (issue 14 "Bad input", PBX8): whoever causes a call out —
an extension dialling, an agent's blind transfer, a person's forwarding followed by a call
— is barred by *their* class of service, however the class was given (to the person, to
one of their phones, to their answer group). Each test opens the tenant wide (calls abroad
and premium rate allowed, a default class that allows them) so that only the class under
test can bar. There is no conference dial-out yet (rooms are dial-in only, PBX6)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.telephony.conftest import AGENT_EXTENSION, CUSTOMER_EXTENSION, Running
from tests.telephony.test_parallel_ring import BarePhone
from tests.telephony.test_pbx_forwarding import PASSWORD, karin_robot, plan
from tests.telephony.test_robot_phones import wait_for
from tests.telephony.test_trunk_carrier import Phone, transfer
from vaxel.core.dial_policy import DialPolicy
from vaxel.pbx.class_of_service import ClassesOfService, ClassOfService, Reach
from vaxel.pbx.devices import Device, DeviceKind, PersonDevices
from vaxel.pbx.forwarding import ForwardCondition, Forwarding, ForwardRule
from vaxel.pbx.groups import AnswerGroup, GroupMember
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.sip.message import Request
from vaxel.telephony.directory import TelephonyDirectory

pytestmark = pytest.mark.interop

OPEN = ClassOfService("oppen", "Öppen", Reach.INTERNATIONAL, premium_allowed=True)
SWEDEN = ClassOfService("sverige", "Sverige", Reach.NATIONAL)


def open_tenant(
    directory: TelephonyDirectory,
    users: dict[str, str] | None = None,
    groups: dict[str, str] | None = None,
) -> None:
    """Abroad and premium rate allowed by the tenant and by the default class."""
    directory.dial_policies[DEMO_TENANT] = DialPolicy(international_allowed=True)
    directory.outside.service_classes[DEMO_TENANT] = ClassesOfService(
        {c.class_id: c for c in (OPEN, SWEDEN)}, users or {}, groups or {}, default=OPEN
    )


@pytest.mark.parametrize("barred", [True, False])
async def test_a_class_given_to_the_person_bars_their_desk_phones_call_abroad(
    untrusted: Running, barred: bool
) -> None:
    """The class is given to the person id; their desk phone (another key) dials +44."""
    directory = untrusted.service.directory
    directory.pbx.people[(DEMO_TENANT, "eva")] = PersonDevices(
        DEMO_TENANT, "eva", (Device(DeviceKind.SIP, CUSTOMER_EXTENSION),)
    )
    open_tenant(directory, users={"eva": "sverige"} if barred else {})
    phone = Phone(untrusted.port)
    try:
        answer = await phone.call("+442071234567")
    finally:
        phone.close()
    if barred:
        assert answer.status == 403, answer.reason
        assert "International" in answer.reason
    else:  # the tenant lets it out; only the missing trunk stops it
        assert answer.status == 404, answer.reason


async def test_a_groups_class_bars_a_members_blind_transfer_abroad(
    running: Running, tmp_path: Path
) -> None:
    """The agent's person is in an answer group whose class reaches Sweden only: their
    REFER to an international number is refused 403 and the caller stays with them."""
    directory = running.service.directory
    directory.pbx.people[(DEMO_TENANT, "karin")] = PersonDevices(
        DEMO_TENANT, "karin", (Device(DeviceKind.SIP, AGENT_EXTENSION),)
    )
    directory.pbx.groups[(DEMO_TENANT, "reception")] = AnswerGroup(
        DEMO_TENANT, "reception", "Receptionen", members=(GroupMember("karin"),)
    )
    open_tenant(directory, groups={"reception": "sverige"})
    code, output = await transfer(running, tmp_path, "+442071234567", "agent_transfer_barred.xml")
    assert code == 0, output  # 403 to the REFER, then the agent hung up
    assert running.service.switch.calls == {}


@pytest.mark.parametrize(("destination", "dialled"), [("0900123456", False), ("0812345678", True)])
async def test_a_forwarding_is_barred_again_when_a_call_follows_it(
    untrusted: Running, tmp_path: Path, destination: str, dialled: bool
) -> None:
    """Olle forwards every call to a premium-rate number (set before his group lost
    premium rate): Karin's call is not sent there — Olle's own phone rings instead, and the
    carrier gets no INVITE. A national number under the same rule does go out."""
    running = untrusted
    reach = plan(running)
    directory = running.service.directory
    directory.pbx.groups[(DEMO_TENANT, "vaktmastare")] = AnswerGroup(
        DEMO_TENANT, "vaktmastare", "Vaktmästare", members=(GroupMember("olle"),)
    )
    open_tenant(directory, groups={"vaktmastare": "sverige"})
    reach.rules["olle"] = Forwarding((ForwardRule(ForwardCondition.ALWAYS, destination),))
    olle = BarePhone(running.port, "3102", PASSWORD)
    carrier = BarePhone(running.port)  # the node's outbound trunk: a socket that listens
    directory.outbound_trunk = ("127.0.0.1", carrier.port)
    karin = await karin_robot(tmp_path, running.port)
    switch = running.service.switch
    try:
        await olle.register()
        await karin.command("dial", f"sip:4601@127.0.0.1:{running.port}")
        if dialled:
            invite = await carrier.next(10.0)
            assert isinstance(invite, Request) and invite.method == "INVITE"
            assert invite.uri.startswith("sip:+46812345678@")
        else:
            invite = await olle.rung()
            assert "<sip:3101@" in (invite.headers.get("From") or "")
            with pytest.raises(TimeoutError):
                await carrier.next(1.0)
        await karin.command("hangup")
        await wait_for(lambda: not switch.calls, 10)
    finally:
        await karin.stop()
        olle.close()
        carrier.close()
    assert not any(b"0900" in m.to_bytes() for m in carrier.seen)
