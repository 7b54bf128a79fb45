"""Invariants under random event sequences (hypothesis), and determinism of replay.

Offers go only to eligible, ready, logged-in agents of the contact's own tenant; a contact is
answered at most once; no agent holds two contacts; a new arrival never raises anyone's
position (Q6); with equal priorities positions in a pool are exactly 1..n (Q5, Q7).
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vaxel.acd import index
from vaxel.acd.commands import Command, ConnectContact, OfferContact
from vaxel.acd.engine import Engine
from vaxel.acd.events import (
    AgentAnswered,
    AgentConfigured,
    AgentDeclined,
    AgentLoggedIn,
    AgentLoggedOut,
    AgentPaused,
    AgentReady,
    CallbackClosed,
    CallbackRequested,
    ContactAbandoned,
    ContactArrived,
    ContactEnded,
    Event,
    QueueConfigured,
    TimerTick,
    WrapUpCancelled,
)
from vaxel.acd.model import (
    AgentProfile,
    AgentState,
    CallbackSettings,
    ContactState,
    QueueConfig,
    Strategy,
)
from vaxel.acd.queries import pool_queues, position
from vaxel.acd.routing import eligible
from vaxel.core.errors import VaxelError

from .conftest import make_engine

TENANTS = ("A", "B")
QUEUES = ("q1", "q2", "q3")
AGENTS = ("a1", "a2", "a3", "a4")
STRATEGIES = list(Strategy)


def _world(engine: Engine, strategies: list[Strategy]) -> None:
    for tenant in TENANTS:
        for i, queue_id in enumerate(QUEUES):
            config = QueueConfig(
                tenant,
                queue_id,
                strategy=strategies[i],
                offer_timeout_s=15,
                wrap_up_s=5 * i,
                callback=CallbackSettings(
                    enabled=queue_id == "q2",
                    create_on_abandon=True,
                    retry_delay_s=30,
                    max_attempts=2,
                ),
                priority=1 if queue_id == "q3" else 0,
                ring_count=2,
            )
            engine.handle(QueueConfigured(config), 0.0)
        for j, agent_id in enumerate(AGENTS):
            profile = AgentProfile(
                tenant,
                agent_id,
                language="sv" if j % 2 == 0 else "en",
                languages=("sv",) if j == 3 else (),
                skills={"s": j % 3},
                permitted_queues=QUEUES,
            )
            engine.handle(AgentConfigured(profile), 0.0)


def _event(engine: Engine, step: tuple[int, int, int, int, int], counter: int) -> Event:
    """Build an event from a random step; answer/decline/end mostly aim at the agent's own
    contact (read from the engine) so conversations really happen."""
    kind, t, a, b, c = step
    tenant = TENANTS[t % 2]
    agent = AGENTS[a % 4]
    held = engine.tenants[tenant].agents[agent].contact_id
    contact = held if held and c % 4 else f"c{b % 12}"
    if kind == 0:
        return ContactArrived(
            tenant,
            f"c{counter}",
            QUEUES[a % 3],
            priority=c % 3 if b % 2 else 0,
            skills={"s": c % 3} if b % 3 == 0 else {},
            language=("", "", "sv", "en")[c % 4] if b % 2 else "",
        )
    if kind == 1:
        return AgentLoggedIn(tenant, agent, tuple(QUEUES[: 1 + b % 3]))
    if kind == 2:
        return AgentLoggedOut(tenant, agent)
    if kind == 3 or kind > 11:
        return AgentAnswered(tenant, agent, contact)
    if kind == 4:
        return AgentDeclined(tenant, agent, contact)
    if kind == 5:
        return ContactEnded(tenant, contact)
    if kind == 6:
        return ContactAbandoned(tenant, contact)
    if kind == 7:
        return AgentPaused(tenant, agent, "break")
    if kind == 8:
        return AgentReady(tenant, agent)
    if kind == 9:
        return WrapUpCancelled(tenant, agent)
    if kind == 10:
        return CallbackRequested(tenant, "q2", f"+4670{b % 5}")
    if kind == 13:
        return CallbackClosed(tenant, contact, agent, ("done", "unanswered")[c % 2], "note")
    return TimerTick()


def _check_commands(
    engine: Engine, out: list[Command], now: float, answered: set[tuple[str, str]]
) -> None:
    for command in out:
        if isinstance(command, OfferContact):
            tenant = engine.tenants[command.tenant_id]
            agent = tenant.agents[command.agent_id]
            contact = tenant.contacts[command.contact_id]
            queue = tenant.queues[contact.queue_id]
            assert contact.tenant_id == command.tenant_id
            assert contact.queue_id in agent.queue_ids
            assert eligible(agent, contact, queue, now)
        if isinstance(command, ConnectContact):
            key = (command.tenant_id, command.contact_id)
            assert key not in answered
            answered.add(key)


def _check_state(engine: Engine) -> None:
    for tenant in engine.tenants.values():
        holding: dict[str, int] = {}
        for contact in tenant.contacts.values():
            if contact.state is ContactState.OFFERED:
                assert contact.offered_to
                for agent_id in contact.offered_to:
                    holding[agent_id] = holding.get(agent_id, 0) + 1
                    assert tenant.agents[agent_id].state is AgentState.OFFERED
            if contact.state is ContactState.CONNECTED:
                holding[contact.agent_id] = holding.get(contact.agent_id, 0) + 1
        assert all(count == 1 for count in holding.values())
        for queue in tenant.queues.values():
            for agent_id in queue.ready:
                assert tenant.agents[agent_id].state is AgentState.READY
            for skill, having in queue.ready_by_skill.items():
                expected = [a for a in queue.ready if skill in tenant.agents[a].profile.skills]
                assert sorted(having) == sorted(expected)
            assert sum(len(b) for b in queue.buckets.values()) == len(queue.entries)
            assert all(queue.buckets.values())


def _positions(engine: Engine) -> dict[tuple[str, str], int]:
    result = {}
    for tenant in engine.tenants.values():
        for queue in tenant.queues.values():
            for contact_id in queue.entries:
                result[(tenant.tenant_id, contact_id)] = position(
                    tenant, tenant.contacts[contact_id]
                )
    return result


steps_strategy = st.lists(
    st.tuples(*(st.integers(0, 15) for _ in range(1)), *(st.integers(0, 50) for _ in range(4))),
    max_size=60,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    steps=steps_strategy, strategies=st.lists(st.sampled_from(STRATEGIES), min_size=3, max_size=3)
)
def test_invariants_hold_under_random_events(
    steps: list[tuple[int, int, int, int, int]], strategies: list[Strategy]
) -> None:
    engine = make_engine()
    _world(engine, strategies)
    answered: set[tuple[str, str]] = set()
    now = 0.0
    for counter, step in enumerate(steps):
        now += step[4] % 7
        event = _event(engine, step, counter)
        before = _positions(engine) if isinstance(event, ContactArrived) else {}
        try:
            out = engine.handle(event, now)
        except VaxelError:
            continue
        _check_commands(engine, out, now, answered)
        _check_state(engine)
        if isinstance(event, ContactArrived):
            after = _positions(engine)
            for key, pos in before.items():
                if key in after:
                    assert after[key] <= pos, "Q6: a later arrival raised a position"


@settings(max_examples=30, deadline=None)
@given(arrivals=st.lists(st.tuples(st.integers(0, 2), st.integers(0, 5)), min_size=1, max_size=25))
def test_equal_priority_positions_are_one_to_n_per_pool(arrivals: list[tuple[int, int]]) -> None:
    engine = make_engine()
    _world(engine, [Strategy.LONGEST_IDLE] * 3)
    engine.handle(AgentLoggedIn("A", "a1", ("q1", "q2")), 0.0)
    engine.handle(AgentPaused("A", "a1", "x"), 0.0)
    now = 0.0
    for i, (queue_index, gap) in enumerate(arrivals):
        now += gap
        engine.handle(ContactArrived("A", f"c{i}", QUEUES[queue_index]), now)
    tenant = engine.tenants["A"]
    for queue in tenant.queues.values():
        pool = pool_queues(tenant, queue)
        ids = [c for q in pool for c in q.entries]
        got = sorted(position(tenant, tenant.contacts[c]) for c in ids)
        assert got == list(range(1, len(ids) + 1))


def _run(steps: list[tuple[int, int, int, int, int]], seed: int) -> list[object]:
    engine = make_engine(seed)
    _world(engine, [Strategy.RANDOM, Strategy.RING_ALL, Strategy.ROUND_ROBIN])
    log: list[object] = []
    now = 0.0
    for counter, step in enumerate(steps):
        now += step[4] % 7
        try:
            log.extend(engine.handle(_event(engine, step, counter), now))
        except VaxelError as error:
            log.append(type(error).__name__)
    log.append(engine.next_deadline())
    return log


@settings(max_examples=20, deadline=None)
@given(steps=steps_strategy, seed=st.integers(0, 2**16))
def test_same_events_give_same_commands_and_ids(
    steps: list[tuple[int, int, int, int, int]], seed: int
) -> None:
    assert _run(steps, seed) == _run(steps, seed)


@settings(max_examples=40, deadline=None)
@given(steps=steps_strategy)
def test_longest_idle_fast_path_picks_what_the_full_scan_picks(
    steps: list[tuple[int, int, int, int, int]],
) -> None:
    """The ready-agent indexes (hot path) must choose exactly as the scan of ready agents."""
    fast = _run_with(steps, [Strategy.LONGEST_IDLE, Strategy.SKILLS, Strategy.LONGEST_IDLE])
    original = index.indexed_choice
    index.indexed_choice = lambda tenant, queue, contact: (False, None)  # type: ignore[assignment]
    try:
        slow = _run_with(steps, [Strategy.LONGEST_IDLE, Strategy.SKILLS, Strategy.LONGEST_IDLE])
    finally:
        index.indexed_choice = original
    assert fast == slow


def _run_with(
    steps: list[tuple[int, int, int, int, int]], strategies: list[Strategy]
) -> list[object]:
    engine = make_engine()
    _world(engine, strategies)
    for tenant in TENANTS:
        for agent in AGENTS:
            engine.handle(AgentLoggedIn(tenant, agent, QUEUES), 0.0)
    log: list[object] = []
    now = 0.0
    for counter, step in enumerate(steps):
        now += step[4] % 7
        try:
            log.extend(engine.handle(_event(engine, step, counter), now))
        except VaxelError as error:
            log.append(type(error).__name__)
    return log
