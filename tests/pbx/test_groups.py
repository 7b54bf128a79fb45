"""Answer groups (PBX3): who is logged in, the ring plan per strategy, refusals by code."""

from __future__ import annotations

import pytest

from vaxel.core.errors import DomainError
from vaxel.pbx.devices import Device, DeviceKind, PersonDevices
from vaxel.pbx.groups import AnswerGroup, GroupMember, GroupStrategy

KARIN = PersonDevices("t1", "karin", (Device(DeviceKind.SIP, "3001"),))
OLLE = PersonDevices(
    "t1", "olle", (Device(DeviceKind.SIP, "3002"), Device(DeviceKind.MOBILE, "+46701234567"))
)
DEVICES = {"karin": KARIN, "olle": OLLE}


def group(strategy: GroupStrategy, *members: GroupMember) -> AnswerGroup:
    return AnswerGroup("t1", "reception", "Receptionen", strategy, members, 30.0, 12.0)


def test_ring_all_rings_every_logged_in_member_s_devices_at_once() -> None:
    found = group(GroupStrategy.RING_ALL, GroupMember("karin"), GroupMember("olle"))
    [step] = found.steps(DEVICES)
    assert step.devices == KARIN.devices + OLLE.devices and step.ring_s == 30.0


def test_in_order_rings_one_member_after_another_and_skips_the_logged_out() -> None:
    found = group(
        GroupStrategy.IN_ORDER, GroupMember("olle"), GroupMember("karin", logged_in=False)
    )
    assert [(s.devices, s.ring_s) for s in found.steps(DEVICES)] == [(OLLE.devices, 12.0)]
    back = found.with_login("karin", True)
    assert back.logged_in() == ["olle", "karin"]
    assert len(back.steps(DEVICES)) == 2


def test_nobody_logged_in_rings_nothing() -> None:
    assert group(GroupStrategy.RING_ALL, GroupMember("karin", logged_in=False)).steps(DEVICES) == []


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda: AnswerGroup("t1", "g", " "), "pbx-group-name"),
        (
            lambda: AnswerGroup("t1", "g", "G", members=(GroupMember("a"), GroupMember("a"))),
            "pbx-group-member-twice",
        ),
        (lambda: AnswerGroup("t1", "g", "G", GroupStrategy.QUEUE), "pbx-group-queue-required"),
        (lambda: AnswerGroup("t1", "g", "G", ring_s=1.0), "pbx-ring-seconds"),
        (lambda: group(GroupStrategy.RING_ALL).with_login("pelle", True), "pbx-not-a-member"),
    ],
)
def test_refusals_carry_codes(make, code: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as raised:
        make()
    assert raised.value.code == code
