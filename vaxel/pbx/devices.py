"""A person's devices and how they ring (PBX1, PBX9).

Rules kept here:
- A person (a directory person, ``person_id``) has up to ``MAX_DEVICES`` devices: SIP
  extensions (desk phone, softphone: the telephony ``Extension`` accounts, digest auth,
  registrar bindings) and mobile numbers reached over the outbound trunk ("mobile
  extension", dialled through the tenant's dial policy like any external number).
- They ring in parallel (all at once, the first to answer wins, for ``ring_s``) or in
  sequence (one after another, each for its own seconds). A SIP device with no registered
  phone is skipped; when none of the devices can ring at all the outcome is UNREGISTERED.
- How ringing ended is one of :class:`RingOutcome`, from the phones' final SIP status; the
  forwarding rules (PBX5) act on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from vaxel.core.errors import DomainError

__all__ = [
    "MAX_DEVICES",
    "RING_S_RANGE",
    "Device",
    "DeviceKind",
    "PersonDevices",
    "RingOutcome",
    "RingStep",
    "RingStrategy",
    "outcome_of",
]

MAX_DEVICES = 10
RING_S_RANGE = (5.0, 180.0)


class DeviceKind(StrEnum):
    SIP = "sip"
    """``address`` is an extension (its registered phones ring)."""
    MOBILE = "mobile"
    """``address`` is an E.164 number dialled over the outbound trunk."""


class RingStrategy(StrEnum):
    PARALLEL = "parallel"
    SEQUENCE = "sequence"


class RingOutcome(StrEnum):
    ANSWERED = "answered"
    BUSY = "busy"
    NO_ANSWER = "no-answer"
    UNREGISTERED = "unregistered"
    """No device could ring (no phone registered, no route to the mobile)."""
    FAILED = "failed"


def outcome_of(status: int) -> RingOutcome:
    """The outcome a final SIP status means (0: it rang out)."""
    if 200 <= status < 300:
        return RingOutcome.ANSWERED
    if status in (486, 600):
        return RingOutcome.BUSY
    if status in (0, 408, 480, 487, 603):
        return RingOutcome.NO_ANSWER
    return RingOutcome.FAILED


def _check_ring_s(ring_s: float, what: str) -> None:
    low, high = RING_S_RANGE
    if not low <= ring_s <= high:
        raise DomainError(
            f"{what}: ring time {ring_s} s outside {low:g}–{high:g}",
            code="pbx-ring-seconds",
            min=low,
            max=high,
            value=ring_s,
        )


@dataclass(frozen=True, slots=True)
class Device:
    kind: DeviceKind
    address: str
    """The extension number (SIP) or E.164 number (mobile)."""
    ring_s: float = 20.0
    """How long it rings in sequence."""
    label: str = ""

    def __post_init__(self) -> None:
        if not self.address or len(self.address) > 32:
            raise DomainError(
                f"device address {self.address!r}", code="pbx-device-address", value=self.address
            )
        _check_ring_s(self.ring_s, self.address)


@dataclass(frozen=True, slots=True)
class RingStep:
    devices: tuple[Device, ...]
    ring_s: float


@dataclass(frozen=True, slots=True)
class PersonDevices:
    """What rings when someone calls ``person_id`` (through their short or direct number)."""

    tenant_id: str
    person_id: str
    devices: tuple[Device, ...]
    strategy: RingStrategy = RingStrategy.PARALLEL
    ring_s: float = 30.0
    """How long all devices ring in parallel."""
    display_name: str = ""

    def __post_init__(self) -> None:
        if len(self.devices) > MAX_DEVICES:
            raise DomainError(
                f"{self.person_id}: more than {MAX_DEVICES} devices",
                code="pbx-too-many-devices",
                max=MAX_DEVICES,
            )
        _check_ring_s(self.ring_s, self.person_id)

    def steps(self) -> list[RingStep]:
        """The ring plan: one step with every device (parallel), or one per device."""
        if not self.devices:
            return []
        if self.strategy is RingStrategy.PARALLEL:
            return [RingStep(self.devices, self.ring_s)]
        return [RingStep((device,), device.ring_s) for device in self.devices]

    def extensions(self) -> list[str]:
        return [d.address for d in self.devices if d.kind is DeviceKind.SIP]
