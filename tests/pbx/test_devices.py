"""A person's devices and their ring plan (PBX1, PBX9)."""

from __future__ import annotations

import pytest

from vaxel.core.errors import DomainError
from vaxel.pbx.devices import (
    Device,
    DeviceKind,
    PersonDevices,
    RingOutcome,
    RingStrategy,
    outcome_of,
)

DESK = Device(DeviceKind.SIP, "4500", ring_s=10.0)
MOBILE = Device(DeviceKind.MOBILE, "+46701234567", ring_s=25.0)


def test_parallel_rings_every_device_at_once() -> None:
    person = PersonDevices("t1", "karin", (DESK, MOBILE), ring_s=30.0)
    [step] = person.steps()
    assert step.devices == (DESK, MOBILE) and step.ring_s == 30.0


def test_in_sequence_each_device_rings_for_its_own_seconds() -> None:
    person = PersonDevices("t1", "karin", (DESK, MOBILE), RingStrategy.SEQUENCE)
    assert [(s.devices, s.ring_s) for s in person.steps()] == [((DESK,), 10.0), ((MOBILE,), 25.0)]
    assert person.extensions() == ["4500"]


def test_no_devices_no_steps() -> None:
    assert PersonDevices("t1", "karin", ()).steps() == []


def test_limits_are_refused_with_codes() -> None:
    with pytest.raises(DomainError) as raised:
        Device(DeviceKind.SIP, "4500", ring_s=1.0)
    assert raised.value.code == "pbx-ring-seconds"
    with pytest.raises(DomainError) as raised:
        PersonDevices("t1", "karin", (DESK,) * 11)
    assert raised.value.code == "pbx-too-many-devices"


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (200, RingOutcome.ANSWERED),
        (486, RingOutcome.BUSY),
        (600, RingOutcome.BUSY),
        (0, RingOutcome.NO_ANSWER),
        (480, RingOutcome.NO_ANSWER),
        (487, RingOutcome.NO_ANSWER),
        (503, RingOutcome.FAILED),
    ],
)
def test_outcome_of_a_status(status: int, outcome: RingOutcome) -> None:
    assert outcome_of(status) is outcome
