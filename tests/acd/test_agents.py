"""Agent life (Q21-Q26, Q28): permitted queues, pause codes, wrap-up cancel, auto-pause or
auto-logout after unanswered offers, stand-by with hysteresis, classification, picking."""

from __future__ import annotations

import pytest

from vaxel.acd.commands import (
    CancelOffer,
    ConnectContact,
    NotifyAgentState,
    NotifyStandby,
    OfferContact,
)
from vaxel.acd.engine import Engine
from vaxel.acd.events import (
    AgentAnswered,
    AgentDeclined,
    AgentLoggedIn,
    AgentLoggedOut,
    AgentPaused,
    AgentReady,
    ContactAbandoned,
    ContactArrived,
    ContactClassified,
    ContactEnded,
    ContactPicked,
    OfferPickedUp,
    TimerTick,
    WrapUpCancelled,
)
from vaxel.acd.model import (
    AgentProfile,
    AgentState,
    QueueConfig,
    StandbyThresholds,
    UnansweredAction,
)
from vaxel.core.errors import DomainError, IllegalTransition

from .conftest import T, of_type, setup


def offered(out: list[object]) -> list[tuple[str, str]]:
    return [(c.contact_id, c.agent_id) for c in out if isinstance(c, OfferContact)]


def test_login_only_to_permitted_queues_and_many_at_once(engine: Engine) -> None:
    setup(
        engine,
        [QueueConfig(T, "q1"), QueueConfig(T, "q2"), QueueConfig(T, "secret")],
        [AgentProfile(T, "a1", permitted_queues=("q1", "q2"))],
    )
    with pytest.raises(DomainError):
        engine.handle(AgentLoggedIn(T, "a1", ("q1", "secret")), 1.0)
    engine.handle(AgentLoggedIn(T, "a1", ("q1", "q2")), 1.0)
    assert engine.agent_view(T, "a1").queue_ids == ("q1", "q2")
    assert engine.queue_status(T, "q2", 1.0).logged_in_agents == ("a1",)
    engine.handle(AgentLoggedOut(T, "a1", ("q1",)), 2.0)
    assert engine.agent_view(T, "a1").queue_ids == ("q2",)
    assert engine.queue_status(T, "q1", 2.0).agents_logged_in == 0
    engine.handle(AgentLoggedOut(T, "a1"), 3.0)
    assert engine.agent_view(T, "a1").state is AgentState.LOGGED_OUT


def test_pause_with_reason_code_blocks_offers_until_ready(engine: Engine) -> None:
    setup(
        engine,
        [QueueConfig(T, "q")],
        [AgentProfile(T, "a1", permitted_queues=("q",))],
        {"a1": ("q",)},
    )
    out = engine.handle(AgentPaused(T, "a1", "lunch"), 1.0)
    assert out == [NotifyAgentState(T, "a1", AgentState.PAUSED, "lunch")]
    assert engine.agent_view(T, "a1").pause_reason == "lunch"
    assert offered(engine.handle(ContactArrived(T, "c1", "q"), 2.0)) == []
    assert offered(engine.handle(AgentReady(T, "a1"), 3.0)) == [("c1", "a1")]


def test_login_with_a_pause_reason_makes_no_offer_until_ready(engine: Engine) -> None:
    """Issue 15: logged in paused (no phone could ring) — a waiting contact is not offered
    in the login's step; a pause reason given when already logged in changes nothing."""
    setup(engine, [QueueConfig(T, "q")], [AgentProfile(T, "a1", permitted_queues=("q",))])
    engine.handle(ContactArrived(T, "c1", "q"), 1.0)
    out = engine.handle(AgentLoggedIn(T, "a1", ("q",), pause_reason="softphone_closed"), 2.0)
    assert out == [NotifyAgentState(T, "a1", AgentState.PAUSED, "softphone_closed")]
    assert engine.agent_view(T, "a1").pause_reason == "softphone_closed"
    assert offered(engine.handle(AgentReady(T, "a1"), 3.0)) == [("c1", "a1")]
    engine.handle(AgentLoggedIn(T, "a1", ("q",), pause_reason="softphone_closed"), 4.0)
    assert engine.agent_view(T, "a1").state is AgentState.OFFERED


def test_wrap_up_per_queue_and_cancel_early(engine: Engine) -> None:
    setup(
        engine,
        [QueueConfig(T, "q", wrap_up_s=60)],
        [AgentProfile(T, "a1", permitted_queues=("q",))],
        {"a1": ("q",)},
    )
    engine.handle(ContactArrived(T, "c1", "q"), 0.0)
    engine.handle(AgentAnswered(T, "a1", "c1"), 1.0)
    engine.handle(ContactArrived(T, "c2", "q"), 2.0)
    engine.handle(ContactEnded(T, "c1"), 10.0)
    assert engine.agent_view(T, "a1").state is AgentState.WRAP_UP
    out = engine.handle(WrapUpCancelled(T, "a1"), 20.0)
    assert offered(out) == [("c2", "a1")]
    engine.handle(AgentAnswered(T, "a1", "c2"), 21.0)
    assert engine.handle(TimerTick(), 70.0) == []  # the cancelled wrap-up timer is dead
    assert engine.agent_view(T, "a1").state is AgentState.BUSY


@pytest.mark.parametrize(
    ("action", "state"),
    [(UnansweredAction.PAUSE, AgentState.PAUSED), (UnansweredAction.LOGOUT, AgentState.LOGGED_OUT)],
)
def test_auto_pause_or_logout_after_consecutive_unanswered(
    engine: Engine, action: UnansweredAction, state: AgentState
) -> None:
    setup(
        engine,
        [QueueConfig(T, "q", offer_timeout_s=10)],
        [
            AgentProfile(
                T, "a1", permitted_queues=("q",), max_unanswered=2, unanswered_action=action
            )
        ],
        {"a1": ("q",)},
    )
    engine.handle(ContactArrived(T, "c1", "q"), 0.0)
    engine.handle(TimerTick(), 10.0)  # miss 1, offered again
    assert engine.agent_view(T, "a1").state is AgentState.OFFERED
    engine.handle(AgentDeclined(T, "a1", "c1"), 12.0)  # miss 2
    assert engine.agent_view(T, "a1").state is state


def test_answer_resets_unanswered_count(engine: Engine) -> None:
    setup(
        engine,
        [QueueConfig(T, "q", offer_timeout_s=10)],
        [AgentProfile(T, "a1", permitted_queues=("q",), max_unanswered=2)],
        {"a1": ("q",)},
    )
    engine.handle(ContactArrived(T, "c1", "q"), 0.0)
    engine.handle(TimerTick(), 10.0)
    engine.handle(AgentAnswered(T, "a1", "c1"), 11.0)
    engine.handle(ContactEnded(T, "c1"), 12.0)
    engine.handle(ContactArrived(T, "c2", "q"), 13.0)
    engine.handle(TimerTick(), 23.0)
    assert engine.agent_view(T, "a1").state is AgentState.OFFERED


def test_standby_agents_activate_over_threshold_and_release_under_lower_one(engine: Engine) -> None:
    standby = StandbyThresholds(activate_waiting=3, release_waiting=1)
    setup(
        engine,
        [QueueConfig(T, "q", standby=standby)],
        [AgentProfile(T, "s1", permitted_queues=("q",))],
    )
    engine.handle(AgentLoggedIn(T, "s1", ("q",), standby=True), 0.0)
    assert offered(engine.handle(ContactArrived(T, "c1", "q"), 1.0)) == []
    engine.handle(ContactArrived(T, "c2", "q"), 2.0)
    out = engine.handle(ContactArrived(T, "c3", "q"), 3.0)
    assert NotifyStandby(T, "q", True, ("s1",)) in out
    assert offered(out) == [("c1", "s1")]
    engine.handle(AgentAnswered(T, "s1", "c1"), 4.0)  # 2 waiting: still active
    assert engine.queue_status(T, "q", 4.0).standby_active
    out = engine.handle(ContactAbandoned(T, "c2"), 5.0)
    assert NotifyStandby(T, "q", False, ("s1",)) in out
    engine.handle(ContactEnded(T, "c1"), 6.0)
    assert engine.agent_view(T, "s1").state is AgentState.READY
    assert engine.queue_status(T, "q", 6.0).waiting == 1  # c3 waits: s1 is passive again


def test_classification_only_by_answering_agent(engine: Engine) -> None:
    setup(
        engine,
        [QueueConfig(T, "q")],
        [AgentProfile(T, f"a{i}", permitted_queues=("q",)) for i in (1, 2)],
        {"a1": ("q",)},
    )
    engine.handle(ContactArrived(T, "c1", "q"), 0.0)
    engine.handle(AgentAnswered(T, "a1", "c1"), 1.0)
    with pytest.raises(DomainError):
        engine.handle(ContactClassified(T, "c1", "a2", "invoice"), 2.0)
    engine.handle(ContactEnded(T, "c1"), 3.0)
    engine.handle(ContactClassified(T, "c1", "a1", "invoice", "asked about due date"), 4.0)
    view = engine.contact_view(T, "c1")
    assert (view.classification, view.note) == ("invoice", "asked about due date")


def test_ringing_agent_cannot_pick_another_contact(engine: Engine) -> None:
    setup(engine, [QueueConfig(T, "q")], [AgentProfile(T, "a1", permitted_queues=("q",))])
    engine.handle(ContactArrived(T, "c1", "q"), 0.0)
    engine.handle(ContactArrived(T, "c2", "q"), 1.0)
    engine.handle(AgentLoggedIn(T, "a1", ("q",)), 2.0)  # c1 offered automatically
    with pytest.raises(IllegalTransition):
        engine.handle(ContactPicked(T, "a1", "c2"), 3.0)
    assert engine.agent_view(T, "a1").contact_id == "c1"


def test_paused_agent_picks_a_contact_further_back(engine: Engine) -> None:
    setup(engine, [QueueConfig(T, "q")], [AgentProfile(T, "a1", permitted_queues=("q",))])
    engine.handle(AgentLoggedIn(T, "a1", ("q",)), 0.0)
    engine.handle(AgentPaused(T, "a1", "picking"), 0.5)
    engine.handle(ContactArrived(T, "c1", "q"), 1.0)
    engine.handle(ContactArrived(T, "c2", "q"), 2.0)
    out = engine.handle(ContactPicked(T, "a1", "c2"), 3.0)
    assert of_type(out, ConnectContact) == [ConnectContact(T, "c2", "a1", "q")]
    assert engine.waiting_view(T, "c1", 3.0).position == 1


def test_an_offer_picked_up_by_another_agent_is_theirs_and_nobodys_miss(
    engine: Engine,
) -> None:
    """Call pickup (issue 14): a1's phone rings c1; a2 (paused, in another queue) takes it
    from their own phone. a2 answered it (the connect names a2, and so will statistics);
    a1's offer is withdrawn, not counted unanswered (Q23), and a1 is free for the next."""
    setup(
        engine,
        [QueueConfig(T, "q"), QueueConfig(T, "other")],
        [
            AgentProfile(T, "a1", permitted_queues=("q",), max_unanswered=1),
            AgentProfile(T, "a2", permitted_queues=("other",)),
        ],
    )
    engine.handle(AgentLoggedIn(T, "a1", ("q",)), 0.0)
    engine.handle(AgentLoggedIn(T, "a2", ("other",)), 0.0)
    engine.handle(AgentPaused(T, "a2", "lunch"), 0.5)
    engine.handle(ContactArrived(T, "c1", "q"), 1.0)
    engine.handle(ContactArrived(T, "c2", "q"), 1.5)  # waits behind c1
    out = engine.handle(OfferPickedUp(T, "a2", "c1"), 3.0)
    assert of_type(out, CancelOffer) == [CancelOffer(T, "c1", "a1", "picked_up")]
    assert of_type(out, ConnectContact) == [ConnectContact(T, "c1", "a2", "q")]
    assert offered(out) == [("c2", "a1")]  # a1, not paused for a miss, gets the next
    assert engine.contact_view(T, "c1").agent_id == "a2"
    assert engine.agent_view(T, "a2").state is AgentState.BUSY
    assert engine.agent_view(T, "a1").state is AgentState.OFFERED
    with pytest.raises(IllegalTransition):  # once: it is no longer ringing anyone
        engine.handle(OfferPickedUp(T, "a1", "c1"), 4.0)


def test_a_busy_or_logged_out_agent_cannot_pick_up_an_offer(engine: Engine) -> None:
    setup(
        engine,
        [QueueConfig(T, "q")],
        [AgentProfile(T, "a1", permitted_queues=("q",)), AgentProfile(T, "a2")],
    )
    engine.handle(AgentLoggedIn(T, "a1", ("q",)), 0.0)
    engine.handle(ContactArrived(T, "c1", "q"), 1.0)
    with pytest.raises(IllegalTransition):
        engine.handle(OfferPickedUp(T, "a2", "c1"), 2.0)  # a2 is not logged in
    assert engine.contact_view(T, "c1").state.value == "offered"
