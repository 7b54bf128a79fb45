"""A caller through the demo IVR into the durable ACD and out to an agent or a callback."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import yaml

from vaxel import speech
from vaxel.acd.commands import ConnectContact, OfferContact
from vaxel.acd.events import AgentAnswered, AgentLoggedIn, ContactEnded
from vaxel.acd.events import TimerTick as AcdTick
from vaxel.core.clock import from_local
from vaxel.demo import seed_demo_tenant
from vaxel.flow import (
    CallerHungUp,
    CallInfo,
    ConnectAgent,
    DigitPressed,
    FlowCommand,
    Hangup,
    PlayPrompts,
    PromptFinished,
    StartMusic,
    TimerTick,
    flow_from_dict,
)
from vaxel.runtime import ContactCenter
from vaxel.runtime.call_session import CallSession
from vaxel.schedule import Calendar, schedule_from_dict
from vaxel.sim.demo_tenant import DEMO_TENANT, demo_schedule
from vaxel.store import ReadModels, open_database, upgrade

FLOW = flow_from_dict(
    yaml.safe_load(
        (Path(__file__).parents[2] / "vaxel/flow/demo_flow.yaml").read_text(encoding="utf-8")
    )
)
MONDAY_10 = from_local(datetime(2026, 11, 23, 10, 0))


class OfficeHours:
    def __init__(self) -> None:
        self.calendar = Calendar([schedule_from_dict(demo_schedule())])

    def is_open(self, schedule_id: str, now: float) -> bool:
        return self.calendar.queue_state("", schedule_id, now).open


def started(url: str) -> tuple[ContactCenter, str]:
    database = open_database(url)
    upgrade(database)
    center = ContactCenter(database)
    seed_demo_tenant(center, url, MONDAY_10 - 3600)
    return center, url


def call(center: ContactCenter, contact_id: str) -> CallSession:
    return CallSession(center, DEMO_TENANT, contact_id, FLOW, CallInfo("0701234567"), OfficeHours())


def prompts(commands: list[FlowCommand]) -> list[tuple[str, ...]]:
    return [c.prompt_ids for c in commands if isinstance(c, PlayPrompts)]


def press(session: CallSession, keys: str, now: float) -> list[FlowCommand]:
    out: list[FlowCommand] = []
    for key in keys:
        out += session.handle(DigitPressed(key), now)
    return out


def test_caller_reaches_kundtjanst_and_an_agent(database_url: str) -> None:
    center, _ = started(database_url)
    center.submit(AgentLoggedIn(DEMO_TENANT, "maria", ("kundtjanst",)), MONDAY_10 - 60)
    center.submit(AgentLoggedIn(DEMO_TENANT, "erik", ("kundtjanst",)), MONDAY_10 - 60)
    center.submit(AgentLoggedIn(DEMO_TENANT, "anna", ("kundtjanst",)), MONDAY_10 - 60)
    # keep every agent busy with earlier callers so ours has to wait
    for n in range(3):
        earlier = call(center, f"tidigare-{n}")
        earlier.start(MONDAY_10 - 50)
        earlier.handle(PromptFinished(), MONDAY_10 - 45)
        press(earlier, "12", MONDAY_10 - 40)
        offer = next(c for c in earlier.acd_commands if isinstance(c, OfferContact))
        center.submit(AgentAnswered(DEMO_TENANT, offer.agent_id, offer.contact_id), MONDAY_10 - 35)
    dialled = "+46812345000" + "9" * 60  # the number the caller dialled, oversized
    info = CallInfo("0701234567", dialled)
    session = CallSession(center, DEMO_TENANT, "samtal-1", FLOW, info, OfficeHours())
    session.start(MONDAY_10)
    session.handle(PromptFinished(), MONDAY_10 + 4)
    out = press(session, "12", MONDAY_10 + 6)  # Kundtjänst → övrigt: queued (IVR1)
    assert session.waiting
    # the contact keeps whom the caller dialled, bounded (issue 16, OP2)
    assert center.acd.contact_view(DEMO_TENANT, "samtal-1").dialled_number == dialled[:40]
    assert prompts(out)[-1] == ("sv/exempelby/kundtjanst-valkommen",)
    first = prompts(session.handle(PromptFinished(), MONDAY_10 + 9))[0]
    assert first[1:4] == speech.position(1)  # Q5: the three before are with agents
    assert session.handle(PromptFinished(), MONDAY_10 + 20) == [
        StartMusic("music/exempelby", False)
    ]  # Q10
    # the first agent finishes and, after wrap-up (30 s), takes our caller
    center.submit(ContactEnded(DEMO_TENANT, "tidigare-0"), MONDAY_10 + 30)
    commands = center.submit(AcdTick(), MONDAY_10 + 60)
    offer = next(c for c in commands if isinstance(c, OfferContact))
    assert offer.contact_id == "samtal-1"
    answered = center.submit(AgentAnswered(DEMO_TENANT, offer.agent_id, "samtal-1"), MONDAY_10 + 63)
    out = session.agent_commands(answered, MONDAY_10 + 63)
    assert any(isinstance(c, ConnectContact) for c in answered)
    assert out[-1] == ConnectAgent(("sv/exempelby/whisper-kundtjanst",))  # Q12


def test_caller_leaves_a_callback_request_that_is_durable(database_url: str) -> None:
    center, url = started(database_url)  # nobody logged in: the estimated wait is long (CB5)
    session = call(center, "samtal-2")
    session.start(MONDAY_10)
    session.handle(PromptFinished(), MONDAY_10 + 4)
    press(session, "12", MONDAY_10 + 6)
    first = prompts(session.handle(PromptFinished(), MONDAY_10 + 9))[0]
    assert first[-1] == "sv/callback/offer"  # CB5: long wait, so the offer is made (CB1)
    session.handle(PromptFinished(), MONDAY_10 + 10)
    session.refresh(MONDAY_10 + 10)
    press(session, "*", MONDAY_10 + 12)  # Q13: key the customer number first
    session.handle(PromptFinished(), MONDAY_10 + 14)
    press(session, "4711", MONDAY_10 + 16)
    session.handle(TimerTick(), MONDAY_10 + 20)
    assert center.acd.contact_view(DEMO_TENANT, "samtal-2").caller_data == {"kundnummer": "4711"}
    session.handle(PromptFinished(), MONDAY_10 + 21)
    out = press(session, "1", MONDAY_10 + 30)  # CB1: take the callback
    assert prompts(out)[0][0] == "sv/callback/choose-interval"
    session.handle(PromptFinished(), MONDAY_10 + 36)
    press(session, "2", MONDAY_10 + 37)  # CB2: 13–16
    session.handle(PromptFinished(), MONDAY_10 + 45)
    press(session, "1", MONDAY_10 + 46)  # CB3: the presented number is right
    assert session.callback_id
    assert not session.waiting  # the live call left the queue
    [row] = ReadModels(open_database(url)).callbacks(DEMO_TENANT)
    assert (row.contact_id, row.number, row.interval_id) == (
        session.callback_id,
        "0701234567",
        "em",
    )
    assert row.caller_data == {"kundnummer": "4711"}
    restarted = ContactCenter(open_database(url))
    restarted.recover()
    assert [c.contact_id for c in restarted.acd.callback_list(DEMO_TENANT)] == [session.callback_id]


def test_a_caller_booking_while_the_database_is_away_hears_a_technical_fault(
    tmp_path: Path,
) -> None:
    """Issue 10 §1: the store cannot take the booking (another process holds SQLite's write
    lock) — the caller hears the technical-fault prompt, not "we will call you back", not
    silence, and the call then ends as the flow ends it; nothing is booked."""
    url = f"sqlite:///{tmp_path / 'vaxel.db'}"
    center, _ = started(url)
    session = call(center, "samtal-3")
    session.start(MONDAY_10)
    session.handle(PromptFinished(), MONDAY_10 + 4)
    press(session, "12", MONDAY_10 + 6)
    session.handle(PromptFinished(), MONDAY_10 + 9)  # the callback offer (CB1)
    press(session, "1", MONDAY_10 + 12)
    session.handle(PromptFinished(), MONDAY_10 + 16)
    press(session, "2", MONDAY_10 + 17)  # CB2: 13–16
    session.handle(PromptFinished(), MONDAY_10 + 25)
    holder = sqlite3.connect(tmp_path / "vaxel.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        out = press(session, "1", MONDAY_10 + 26)  # CB3: the number is right — book it
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert prompts(out) == [("sv/callback/technical-fault",)]
    assert not session.callback_id
    assert session.handle(PromptFinished(), MONDAY_10 + 33) == [Hangup()]
    assert ReadModels(open_database(url)).callbacks(DEMO_TENANT) == []


def test_a_satellite_caller_who_hangs_up_in_the_queue_gets_no_callback(
    database_url: str,
) -> None:
    """Issue 10 §11, PBX8: Kundtjänst creates a callback for whoever hangs up while queued
    (create_on_abandon); the dial policy decides that number too. A caller id of 00881…
    (a satellite range) gets none — no agent is offered it — and a Swedish caller's callback
    is stored in the E.164 form the policy dials."""
    center, url = started(database_url)
    numbers = {"satellit": "00881234567890", "svensk": "0701234567"}
    for contact_id, number in numbers.items():
        session = CallSession(
            center, DEMO_TENANT, contact_id, FLOW, CallInfo(number), OfficeHours()
        )
        session.start(MONDAY_10)
        session.handle(PromptFinished(), MONDAY_10 + 4)
        press(session, "12", MONDAY_10 + 6)
        assert session.waiting
        session.handle(CallerHungUp(), MONDAY_10 + 20)
    rows = ReadModels(open_database(url)).callbacks(DEMO_TENANT)
    assert [row.number for row in rows] == ["+46701234567"]
    listed = center.read(lambda acd: [c.number for c in acd.callback_list(DEMO_TENANT)])
    assert listed == ["+46701234567"]
