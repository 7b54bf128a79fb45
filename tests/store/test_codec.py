"""Every ACD event and command survives the journal's JSON round trip (DESIGN "Event journal")."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vaxel.acd import commands, events
from vaxel.acd.model import (
    AgentProfile,
    AgentState,
    AutoClose,
    CallbackInterval,
    CallbackOfferRules,
    CallbackSettings,
    Channel,
    OverflowAction,
    OverflowRule,
    OverflowTarget,
    OverflowTrigger,
    QueueConfig,
    Strategy,
)
from vaxel.store.codec import CodecError, acd_codec

codec = acd_codec()
text = st.text(min_size=1, max_size=12)


def test_registry_knows_every_event_and_command() -> None:
    for module in (events, commands):
        for name in module.__all__:
            value = getattr(module, name)
            if isinstance(value, type) and dataclasses.is_dataclass(value):
                assert name in codec.type_names


QUEUE = QueueConfig(
    tenant_id="kommun",
    queue_id="kundtjanst",
    name="Kundtjänst",
    strategy=Strategy.SKILLS,
    wrap_up_s=30.0,
    overflow=(
        OverflowRule(
            OverflowTrigger.MAX_WAIT,
            OverflowTarget(OverflowAction.NUMBER, number="0812345678"),
            max_wait_s=600.0,
        ),
    ),
    auto_close=AutoClose(close_at_length=20, reopen_below_length=10),
    callback=CallbackSettings(
        enabled=True,
        offer_rules=CallbackOfferRules(more_waiting_than=3, between=("08:00", "16:00")),
        intervals=(CallbackInterval("fm", "08:00", "12:00", "sv/cb/fm"),),
    ),
)

SAMPLES: list[object] = [
    events.QueueConfigured(QUEUE),
    events.AgentConfigured(
        AgentProfile(
            "kommun",
            "anna",
            "Anna Lindqvist",
            skills={"bygglov": 3},
            permitted_queues=("kundtjanst",),
        )
    ),
    events.AgentLoggedIn("kommun", "anna", ("kundtjanst",), standby=True),
    events.CallbackRequested(
        "kommun", "kundtjanst", "0701234567", "fm", {"personnummer": "191212121212"}
    ),
    events.TimerTick(),
    commands.NotifyAgentState("kommun", "anna", AgentState.READY, "ready"),
]


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: type(s).__name__)
def test_round_trip_of_config_events_and_commands(sample: object) -> None:
    assert codec.loads(codec.dumps(sample)) == sample


@given(
    contact_id=text,
    queue_id=text,
    priority=st.integers(-10, 10),
    channel=st.sampled_from(list(Channel)),
    skills=st.dictionaries(text, st.integers(1, 5), max_size=3),
    caller_data=st.dictionaries(text, st.text(max_size=20), max_size=3),
    number=st.text(max_size=15),
)
def test_round_trip_of_arrivals(
    contact_id: str,
    queue_id: str,
    priority: int,
    channel: Channel,
    skills: dict[str, int],
    caller_data: dict[str, str],
    number: str,
) -> None:
    event = events.ContactArrived(
        "kommun", contact_id, queue_id, channel, priority, skills, "sv", number, caller_data
    )
    assert codec.loads(codec.dumps(event)) == event


def test_unknown_types_fail_loudly() -> None:
    with pytest.raises(CodecError, match="unknown stored type"):
        codec.loads('{"__type__": "Teleport"}')
    with pytest.raises(CodecError):
        codec.dumps(object())
