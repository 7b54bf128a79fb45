"""Park orbits as telephony keeps them (OP3): the console's way in (``park_call``), refusals
by code, and an orbit whose call was forgotten freed at the next park."""

from __future__ import annotations

import pytest

from vaxel.media.backend import Endpoint
from vaxel.pbx.park import ParkError, ParkSettings
from vaxel.telephony.call import CallMachine
from vaxel.telephony.call_events import (
    AgentConnected,
    PhoneAnswered,
    PhonesRung,
)
from vaxel.telephony.call_index import CallIndex
from vaxel.telephony.calls import Call, Leg
from vaxel.telephony.directory import TelephonyDirectory
from vaxel.telephony.park_events import CallParked
from vaxel.telephony.parking import Parking
from vaxel.telephony.timers import CallTimers


def talking_call(call_id: str) -> Call:
    machine = CallMachine()
    machine.handle(PhonesRung("karin", ("desk",)), 0.0)
    machine.handle(PhoneAnswered("karin", "desk"), 1.0)
    machine.handle(AgentConnected(whisper=False), 1.1)
    call = Call(call_id, "t1", machine)
    call.caller = Leg(
        "caller", Endpoint(f"{call_id}-a", "127.0.0.1", 4000), ("127.0.0.1", 5060), "udp"
    )
    call.agent = Leg(
        "agent", Endpoint(f"{call_id}-b", "127.0.0.1", 4002), ("127.0.0.1", 5062), "udp"
    )
    return call


def parking(index: CallIndex) -> Parking:
    steps: list[object] = []
    return Parking(
        index,
        CallTimers(lambda: 50.0, lambda call, due: None),
        TelephonyDirectory(),
        lambda: 50.0,
        type("Port", (), {"step": lambda self, call, event: steps.append(event)})(),
        settings=lambda tenant: ParkSettings(first=70, count=2, recall_s=30.0),
    )


def test_the_console_parks_a_talking_call_on_the_lowest_free_orbit() -> None:
    index = CallIndex()
    lots = parking(index)
    for call_id in ("c1", "c2", "c3"):
        index.calls[call_id] = talking_call(call_id)
    assert lots.park_call(index.calls["c1"], by="1001") == CallParked("1001", 30.0)
    lots.park_call(index.calls["c2"], by="1001", orbit="71")
    assert [(p.orbit, p.call_id, p.recall_at) for p in lots.lot("t1").parked()] == [
        ("70", "c1", 80.0),
        ("71", "c2", 80.0),
    ]
    with pytest.raises(ParkError) as full:
        lots.park_call(index.calls["c3"], by="1001")
    assert full.value.code == "park-full"
    del index.calls["c1"]  # forgotten without leaving its orbit
    lots.park_call(index.calls["c3"], by="1001")
    assert lots.lot("t1").orbit_of("c3") == "70"


def test_only_a_talking_call_is_parked() -> None:
    index = CallIndex()
    call = Call("c1", "t1", CallMachine())  # still in the IVR
    index.calls["c1"] = call
    with pytest.raises(ParkError) as refused:
        parking(index).park_call(call, by="1001")
    assert refused.value.code == "park-not-talking"
