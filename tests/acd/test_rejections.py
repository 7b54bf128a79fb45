"""Rejected events raise typed errors and leave the engine exactly as it was."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from vaxel.acd.engine import Engine
from vaxel.acd.events import (
    AgentAnswered,
    AgentLoggedIn,
    AgentReady,
    AgentRemoved,
    CallbackClosed,
    CallbackRequested,
    ContactArrived,
    ContactEnded,
    Event,
    QueueRemoved,
    WrapUpCancelled,
)
from vaxel.acd.model import AgentProfile, CallbackSettings, QueueConfig
from vaxel.core.errors import (
    DomainError,
    UnknownAgent,
    UnknownContact,
    UnknownQueue,
    UnknownTenant,
    VaxelError,
)

from .conftest import T, setup


def snapshot(engine: Engine) -> str:
    return repr(
        (engine.tenants, engine._deadlines, engine.contact_seq, engine.ids._counters)  # type: ignore[attr-defined]
    )


def _busy_engine(engine: Engine) -> Engine:
    setup(
        engine,
        [QueueConfig(T, "q", callback=CallbackSettings(enabled=True)), QueueConfig(T, "other")],
        [AgentProfile(T, f"a{i}", permitted_queues=("q",)) for i in (1, 2)],
        {"a1": ("q",)},
    )
    engine.handle(ContactArrived(T, "c1", "q"), 1.0)  # offered to a1
    engine.handle(ContactArrived(T, "c2", "q"), 2.0)  # waiting
    engine.handle(CallbackRequested(T, "q", "+46701"), 3.0)
    return engine


CASES: list[tuple[Event, type[VaxelError]]] = [
    (ContactArrived("nobody", "c9", "q"), UnknownTenant),
    (ContactArrived(T, "c9", "nope"), UnknownQueue),
    (ContactArrived(T, "c1", "q"), DomainError),  # duplicate id
    (ContactArrived(T, "c9", "q", target_agent_id="ghost"), UnknownAgent),
    (AgentAnswered(T, "a2", "c1"), DomainError),  # not offered to a2
    (AgentAnswered(T, "a1", "c2"), DomainError),  # c2 not offered
    (AgentAnswered(T, "a1", "c404"), UnknownContact),
    (AgentLoggedIn(T, "a2", ("q", "other")), DomainError),  # other not permitted
    (AgentLoggedIn(T, "a2", ("q", "missing")), UnknownQueue),
    (AgentReady(T, "a1"), DomainError),
    (WrapUpCancelled(T, "a1"), DomainError),
    (ContactEnded(T, "c2"), DomainError),
    (AgentRemoved(T, "a1"), DomainError),
    (QueueRemoved(T, "q"), DomainError),
    (CallbackRequested(T, "other", "+46701"), DomainError),
    (CallbackRequested(T, "q", "+46701", interval_id="never"), DomainError),
    (CallbackRequested(T, "q", "+46701", from_contact_id="c404"), UnknownContact),
    (CallbackClosed(T, "callback-1", "a1", "done", "x"), DomainError),
]


@pytest.mark.parametrize(("event", "error"), CASES)
def test_rejected_event_leaves_state_unchanged(
    engine: Engine, event: Event, error: type[VaxelError]
) -> None:
    _busy_engine(engine)
    before = snapshot(engine)
    with pytest.raises(error):
        engine.handle(event, 10.0)
    assert snapshot(engine) == before


def test_invalid_first_config_does_not_create_tenant(engine: Engine) -> None:
    make: Callable[[], object] = lambda: QueueConfig("new", "q", wrap_up_s=-1)  # noqa: E731
    with pytest.raises(VaxelError):
        make()
    with pytest.raises(UnknownTenant):
        engine.queue_status("new", "q", 0.0)
