"""Two operators pick from the same operator queue at once (issue 16 §1, OP1, Q28): the
ACD engine behind the console lets exactly one of them have each call, however the two
web requests interleave — the other is refused and keeps her hands free."""

from __future__ import annotations

import threading
from pathlib import Path

from vaxel.acd.events import (
    AgentConfigured,
    AgentLoggedIn,
    AgentPaused,
    ContactArrived,
    ContactEnded,
    ContactPicked,
    QueueConfigured,
)
from vaxel.acd.model import AgentProfile, AgentState, QueueConfig
from vaxel.core.errors import VaxelError
from vaxel.runtime import ContactCenter
from vaxel.store import open_database, upgrade

T = "t1"
ROUNDS = 30


def race(
    center: ContactCenter, operators: tuple[str, ...], contact: str, at: float
) -> dict[str, str]:
    """Each operator picks ``contact`` on a thread of her own, released together: what
    each was told ('answered', or the refusal's code)."""
    barrier = threading.Barrier(len(operators))
    outcome: dict[str, str] = {}

    def pick(op: str) -> None:
        barrier.wait()
        try:
            center.submit(ContactPicked(T, op, contact), at)
            outcome[op] = "answered"
        except VaxelError as error:
            outcome[op] = error.code or "refused"

    threads = [threading.Thread(target=pick, args=(op,)) for op in operators]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    return outcome


def test_two_operators_never_answer_the_same_call(tmp_path: Path) -> None:
    database = open_database(f"sqlite:///{tmp_path / 'pick.db'}")
    upgrade(database)
    center = ContactCenter(database)
    now = 1_000.0
    center.submit(QueueConfigured(QueueConfig(T, "telefonist", "Telefonist")), now)
    center.submit(QueueConfigured(QueueConfig(T, "reserv", "Reserv")), now)
    operators = ("op1", "op2")
    for op in operators:
        profile = AgentProfile(T, op, permitted_queues=("telefonist", "reserv"))
        center.submit(AgentConfigured(profile), now)
        center.submit(AgentLoggedIn(T, op, ("telefonist", "reserv")), now)  # several queues
        center.submit(AgentPaused(T, op, "lista"), now)  # picks from the list (Q28)
    winners: list[str] = []
    for n in range(ROUNDS):
        now += 10.0
        contact = f"c{n}"
        center.submit(ContactArrived(T, contact, "telefonist", caller_number="0701234567"), now)
        outcome = race(center, operators, contact, now + 1.0)
        answered = [op for op, result in outcome.items() if result == "answered"]
        assert len(outcome) == 2 and len(answered) == 1, outcome
        winner = answered[0]
        loser = next(op for op in operators if op != winner)
        assert center.agent_view(T, winner, now + 1.0).contact_id == contact
        assert center.agent_view(T, winner, now + 1.0).state is AgentState.BUSY
        assert center.agent_view(T, loser, now + 1.0).contact_id == ""
        assert center.agent_view(T, loser, now + 1.0).state is AgentState.PAUSED
        winners.append(winner)
        center.submit(ContactEnded(T, contact), now + 2.0)  # no wrap-up: she is ready
        center.submit(AgentPaused(T, winner, "lista"), now + 2.0)
    assert set(winners) <= set(operators)


def test_the_demo_main_number_reaches_an_operator_queue_with_an_operator() -> None:
    """The demo's main number flow sends 0 and no choice to the Växel queue (through the
    automatic attendant's switch, off by default), and that
    queue's own agent signs in as an operator (the console's role), with her agent."""
    import yaml

    from vaxel.demo.seed import FLOW_FILE, OPERATOR_QUEUES, demo_web_users

    flow = yaml.safe_load(FLOW_FILE.read_text(encoding="utf-8"))
    nodes = flow["nodes"]
    operator_node = nodes[flow["operator"]]  # the automatic attendant's switch (§70) first
    assert operator_node["type"] == "switch" and operator_node["switch"] == "telefonistmeny"
    for queue_node in (nodes[operator_node["off"]], nodes[nodes["telefonistmeny"]["no_input"]]):
        assert queue_node["type"] == "queue" and (queue_node["queue"],) == OPERATOR_QUEUES
    assert flow["nodes"]["huvudmeny"]["no_input"] == flow["operator"]
    roles = {username: role for username, _password, role in demo_web_users()}
    assert roles["kristina"] == "operator"
    assert roles["anna"] == "agent"  # Växel and Kundtjänst: an agent who also answers 0
