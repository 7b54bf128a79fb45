"""The console's blind transfer refuses before anything changes (issue 16 §3, OP3, PBX8):
a call that is not this operator's connected call, a number her class bars or that does
not route. The transfer itself, with robot phones and the browser, is in
tests/web/test_browser_operator.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from vaxel.core.errors import DomainError
from vaxel.pbx.devices import Device, DeviceKind, PersonDevices
from vaxel.pbx.forwarding import ForwardCondition, Forwarding, ForwardRule
from vaxel.pbx.numbering import Target, TargetKind
from vaxel.pbx.reach import Absence
from vaxel.sip.errors import SipError
from vaxel.telephony.call_events import TRANSFER, TransferRequested
from vaxel.telephony.call_states import CallState
from vaxel.telephony.console_divert import Diversion, diversion
from vaxel.telephony.console_transfer import ring_through_from_console, transfer_from_console
from vaxel.telephony.directory import Extension
from vaxel.telephony.internal import Caller

T = "exempelby"


@dataclass
class FakeCall:
    tenant_id: str = T
    agent_id: str = "kristina"
    state: CallState = CallState.BRIDGED
    caller: object | None = "leg"
    transfers: int = 0
    session: None = None
    internal: Any = None


@dataclass
class FakeDialer:
    asked: list[tuple[str, str, str]] = field(default_factory=list)

    def agent_extension(self, call: Any) -> str:
        return "1011"

    def route(self, tenant_id: str, number: str, user: str) -> list[Any]:
        self.asked.append((tenant_id, number, user))
        if number.startswith("0900"):
            raise SipError("Forbidden: barred", 403)
        if number == "12":
            raise SipError("Address Incomplete", 484)
        return [] if number == "9999" else [("sip:1005@127.0.0.1:5070", None, None)]


@dataclass
class FakeRecalls:
    transferred_by: list[str] = field(default_factory=list)

    def transferred(self, call: Any, transferrer: str) -> None:
        self.transferred_by.append(transferrer)


@dataclass
class FakePhoneTransfers:
    recalls: FakeRecalls = field(default_factory=FakeRecalls)


@dataclass
class FakeInDialog:
    phone_transfers: FakePhoneTransfers = field(default_factory=FakePhoneTransfers)

    def agent_transfer(self, call: Any, number: str = "") -> TransferRequested:
        # rung back to her extension after 30 s; the number for her card (issue 16 §3)
        return TransferRequested("1011", 30.0, number)


@dataclass
class FakeHandler:
    started: list[tuple[Any, Target, Caller]] = field(default_factory=list)

    def start(self, call: Any, target: Target, caller: Caller) -> None:
        self.started.append((call, target, caller))


PLAN = {
    "4601": Target(TargetKind.PERSON, "olle"),
    "4700": Target(TargetKind.GROUP, "reception"),
    "1005": Target(TargetKind.PERSON, "maria"),  # also her phone's extension
    "700": Target(TargetKind.PARK_ORBIT, "700"),
}


OLLES = PersonDevices(
    T, "olle", (Device(DeviceKind.SIP, "3102"), Device(DeviceKind.MOBILE, "0701"))
)


@dataclass
class FakePbx:
    def resolve(self, tenant_id: str, number: str) -> Target | None:
        return PLAN.get(number) if tenant_id == T else None

    def devices(self, tenant_id: str, person_id: str) -> PersonDevices | None:
        return OLLES if (tenant_id, person_id) == (T, "olle") else None


@dataclass
class FakeDirectory:
    pbx: FakePbx = field(default_factory=FakePbx)
    extensions: dict[str, Any] = field(
        default_factory=lambda: {"1005": Extension(T, "1005", "secret", "", "Maria")}
    )


@dataclass
class FakeReach:
    """Maria's forwarding and presence (PBX5), as the runtime keeps them."""

    rules: Forwarding | None = None
    away: Absence | None = None

    def forwarding(self, tenant_id: str, person_id: str) -> Forwarding | None:
        return self.rules if person_id == "maria" else None

    def absence(self, tenant_id: str, person_id: str) -> Absence | None:
        return self.away if person_id == "maria" else None


@dataclass
class FakePeople:
    reach: FakeReach = field(default_factory=FakeReach)

    def person_of_phone(self, tenant: str, extension: str) -> str | None:
        return "maria" if (tenant, extension) == (T, "1005") else None


@dataclass
class FakeInternal:
    directory: FakeDirectory = field(default_factory=FakeDirectory)
    person: FakeHandler = field(default_factory=FakeHandler)
    group: FakeHandler = field(default_factory=FakeHandler)
    person_reach: FakePeople = field(default_factory=FakePeople)

    def destinations(self, tenant_id: str, devices: tuple[Device, ...]) -> list[Any]:
        return [(f"sip:{d.address}@127.0.0.1", ("127.0.0.1", 5062), "udp") for d in devices]

    @property
    def handlers(self) -> dict[TargetKind, FakeHandler]:
        return {TargetKind.PERSON: self.person, TargetKind.GROUP: self.group}


@dataclass
class FakeSwitch:
    calls: dict[str, Any]
    dialer: FakeDialer = field(default_factory=FakeDialer)
    in_dialog: FakeInDialog = field(default_factory=FakeInDialog)
    internal: FakeInternal = field(default_factory=FakeInternal)
    steps: list[Any] = field(default_factory=list)
    rung: list[Any] = field(default_factory=list)

    def step(self, call: Any, event: Any) -> None:
        self.steps.append(event)
        if isinstance(event, TransferRequested) and event.internal:
            call.state = CallState.CONNECTING  # as the call machine does

    def ring(self, call: Any, offer: str, targets: list[Any], from_user: str, role: str) -> None:
        self.rung.append((offer, targets, from_user, role))


def test_her_connected_call_goes_on_to_the_number_under_her_extensions_class() -> None:
    switch = FakeSwitch({"c1": FakeCall()})
    transfer_from_console(switch, T, "kristina", "c1", "1005")  # type: ignore[arg-type]
    assert switch.dialer.asked == [(T, "1005", "1011")]
    assert switch.steps == [TransferRequested("1011", 30.0, "1005")]  # the number for her card
    assert switch.rung == [
        (TRANSFER, [("sip:1005@127.0.0.1:5070", None, None)], "vaxel", "transfer")
    ]
    assert switch.calls["c1"].transfers == 1


@pytest.mark.parametrize(
    ("call", "agent", "number", "code"),
    [
        (None, "kristina", "1005", "console-no-call"),
        (FakeCall(agent_id="anna"), "kristina", "1005", "console-no-call"),
        (FakeCall(tenant_id="annanstad"), "kristina", "1005", "console-no-call"),
        (FakeCall(state=CallState.IVR), "kristina", "1005", "console-no-call"),
        (FakeCall(transfers=20), "kristina", "1005", "console-transfers"),
        (FakeCall(), "kristina", "0900123456", "console-barred"),
        (FakeCall(), "kristina", "12", "console-number"),
        (FakeCall(), "kristina", "9999", "console-no-route"),
    ],
)
def test_a_refused_transfer_changes_nothing(
    call: FakeCall | None, agent: str, number: str, code: str
) -> None:
    switch = FakeSwitch({"c1": call} if call is not None else {})
    with pytest.raises(DomainError) as refused:
        transfer_from_console(switch, T, agent, "c1", number)  # type: ignore[arg-type]
    assert refused.value.code == code
    assert switch.steps == [] and switch.rung == []
    assert call is None or call.transfers == (20 if code == "console-transfers" else 0)


@pytest.mark.parametrize(("number", "kind"), [("4601", "person"), ("4700", "group")])
def test_a_number_of_the_plan_is_rung_as_an_internal_call_to_it(number: str, kind: str) -> None:
    """Issue 16 §3, PBX1: a person's short number that is no phone of hers (or a group's)
    goes to the plan's handler — forwarding, presence, devices — not to the dial policy."""
    call = FakeCall()
    switch = FakeSwitch({"c1": call})
    transfer_from_console(switch, T, "kristina", "c1", number)  # type: ignore[arg-type]
    assert switch.dialer.asked == [], "not dialled as a phone's or an outside number"
    assert switch.steps == [TransferRequested(number=number, internal=True)]
    handler = switch.internal.person if kind == "person" else switch.internal.group
    ((started, target, caller),) = handler.started
    assert started is call and target == PLAN[number]
    assert caller == Caller(T, "anonymous"), "the caller's own identity, not the operator's"
    assert call.internal is not None and call.internal.target == PLAN[number]
    assert switch.in_dialog.phone_transfers.recalls.transferred_by == ["1011"], "rung back"
    assert switch.rung == [] and call.transfers == 1


@pytest.mark.parametrize("number", ["1005", "700"])
def test_a_phone_of_the_tenant_or_a_park_orbit_keeps_the_queue_transfer(number: str) -> None:
    """Her registrar extension keeps the recall with a note on her card; a park orbit
    is never where a caller is sent as an internal call."""
    switch = FakeSwitch({"c1": FakeCall()})
    transfer_from_console(switch, T, "kristina", "c1", number)  # type: ignore[arg-type]
    assert switch.dialer.asked == [(T, number, "1011")]
    assert switch.steps == [TransferRequested("1011", 30.0, number)]
    assert switch.internal.person.started == []


MEETING = Absence("meeting", None)
ALWAYS = Forwarding((ForwardRule(ForwardCondition.ALWAYS, "2042"),))
ON_BUSY = Forwarding((ForwardRule(ForwardCondition.BUSY, "2042"),))


@pytest.mark.parametrize(
    ("rules", "away", "said"),
    [
        (None, MEETING, Diversion("maria", "absent")),
        (ALWAYS, None, Diversion("maria", "forwarded", "2042")),
        (ON_BUSY, MEETING, Diversion("maria", "conditional", "2042")),
    ],
)
def test_an_extension_whose_person_diverts_follows_the_diversion(
    rules: Forwarding | None, away: Absence | None, said: Diversion
) -> None:
    """OP5, spec §66: Maria's own extension, she absent or forwarded — the caller goes to
    her as an internal call (her presence or forwarding applies), not to her desk phone."""
    call = FakeCall()
    switch = FakeSwitch({"c1": call})
    switch.internal.person_reach.reach = FakeReach(rules, away)
    assert diversion(switch, T, "1005") == said  # type: ignore[arg-type]
    assert diversion(switch, T, "4700") is None, "a group: no person's diversion"  # type: ignore[arg-type]
    transfer_from_console(switch, T, "kristina", "c1", "1005")  # type: ignore[arg-type]
    assert switch.dialer.asked == [], "her phone is not rung directly"
    assert switch.steps == [TransferRequested(number="1005", internal=True)]
    ((_, target, _),) = switch.internal.person.started
    assert target == Target(TargetKind.PERSON, "maria")
    assert switch.in_dialog.phone_transfers.recalls.transferred_by == ["1011"], "rung back"


def test_ring_through_rings_her_own_phones_whatever_her_diversion() -> None:
    """Alt+G: Maria absent and forwarded — her extension rings as the queue transfer (the
    recall behind it); Olle's short number rings every device of his at once."""
    switch = FakeSwitch({"c1": FakeCall()})
    switch.internal.person_reach.reach = FakeReach(ALWAYS, MEETING)
    ring_through_from_console(switch, T, "kristina", "c1", "1005")  # type: ignore[arg-type]
    assert switch.steps == [TransferRequested("1011", 30.0, "1005")]
    assert switch.rung == [
        (TRANSFER, [("sip:1005@127.0.0.1:5070", None, None)], "vaxel", "transfer")
    ]
    assert switch.internal.person.started == []
    olle = FakeSwitch({"c1": FakeCall()})
    ring_through_from_console(olle, T, "kristina", "c1", "4601")  # type: ignore[arg-type]
    ((offer, targets, _, _),) = olle.rung
    assert offer == TRANSFER and [t[0] for t in targets] == [
        "sip:3102@127.0.0.1",
        "sip:0701@127.0.0.1",
    ]


@pytest.mark.parametrize("number", ["4700", "0701234567", "700"])
def test_ring_through_to_no_persons_number_is_refused_and_changes_nothing(number: str) -> None:
    call = FakeCall()
    switch = FakeSwitch({"c1": call})
    with pytest.raises(DomainError) as refused:
        ring_through_from_console(switch, T, "kristina", "c1", number)  # type: ignore[arg-type]
    assert refused.value.code == "console-through-person"
    assert switch.steps == [] and switch.rung == [] and call.transfers == 0
