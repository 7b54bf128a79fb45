"""The simulator against queueing theory, and the `vaxel simulate` command."""

from __future__ import annotations

import json
import math
import statistics

import pytest

from vaxel.cli import main
from vaxel.sim.scenarios import erlang_c, kommun
from vaxel.sim.simulator import Simulator


def erlang_c_figures(
    rate_per_s: float, aht_s: float, agents: int, target_s: float
) -> tuple[float, float, float]:
    """P(wait), ASA and service level of M/M/n, from the Erlang B recursion (textbook)."""
    load = rate_per_s * aht_s
    blocking = 1.0
    for n in range(1, agents + 1):
        blocking = load * blocking / (n + load * blocking)
    p_wait = agents * blocking / (agents - load * (1 - blocking))
    asa = p_wait * aht_s / (agents - load)
    service_level = 1 - p_wait * math.exp(-(agents - load) * target_s / aht_s)
    return p_wait, asa, service_level


@pytest.mark.slow
def test_no_abandonment_day_agrees_with_erlang_c() -> None:
    """With Poisson arrivals, exponential handling and no abandonment the engine + simulator
    is an M/M/n queue: P(wait), ASA and service level must match Erlang C within statistical
    error. Each seed is one independent day (a batch); the tolerance is 4 standard errors of
    the batch means."""
    runs = [Simulator(erlang_c(), seed=seed).run().total for seed in range(1, 13)]
    p_wait, asa, service_level = erlang_c_figures(200 / 3600, 180.0, 12, 20.0)
    for measured, expected in (
        ([r.probability_of_waiting for r in runs], p_wait),
        ([r.asa_s for r in runs], asa),
        ([r.service_level for r in runs], service_level),
    ):
        mean = statistics.fmean(measured)
        standard_error = statistics.stdev(measured) / math.sqrt(len(measured))
        assert abs(mean - expected) < 4 * standard_error, (mean, expected, standard_error)
        assert standard_error < 0.1 * expected  # the check is sharp enough to mean something


def test_understaffing_shows_in_every_kpi() -> None:
    """Fewer agents for the same traffic: more waiting, lower service level, higher ASA."""
    well = Simulator(erlang_c(agents=14, hours=8), seed=3).run().total
    poor = Simulator(erlang_c(agents=11, hours=8), seed=3).run().total
    assert poor.asa_s > well.asa_s
    assert poor.service_level < well.service_level
    assert poor.probability_of_waiting > well.probability_of_waiting


def test_municipality_day_handles_every_contact_once() -> None:
    report = Simulator(kommun(), seed=5).run()
    total = report.total
    assert total.offered > 800
    gone = total.answered + total.abandoned + total.overflowed
    took_callback = sum(f.took_callback for f in report.queues.values())
    assert gone + took_callback == total.offered  # everybody is accounted for, nobody twice
    assert total.callbacks_created > 0 and total.callbacks_done > 0  # CB1, CB9, CB10
    assert 0.2 < report.occupancy < 1.0
    assert set(report.queues) == {"vaxel", "kundtjanst", "bygglov", "barnomsorg"}


def test_simulate_command_prints_kpis(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "kommun", "--seed", "2", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["scenario"] == "kommun"
    assert set(data["total"]) >= {"service_level", "asa_s", "abandon_rate", "offered"}
    assert 0 <= data["occupancy"] <= 1
    assert main(["simulate", "kommun"]) == 0
    table = capsys.readouterr().out
    assert "Kundtjänst" in table or "kundtjanst" in table


def test_unknown_scenario_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "storstad"]) == 2
    error = capsys.readouterr().err
    assert "storstad" in error and "kommun" in error


def test_a_released_agent_keeps_the_callback_they_hold_for_the_person_to_close() -> None:
    """Issue 9 §8: once a person takes an agent over, the simulator no longer writes
    the agent's note and closes their callback for them (CB10); the others go on."""
    from vaxel.acd.model import AgentState, CallbackStatus

    simulator = Simulator(kommun(), seed=5)
    simulator.start()
    tenant = simulator.scenario.tenant_id
    agent_ids = [plan.profile.agent_id for plan in simulator.scenario.agents]
    held = None
    now = simulator.scenario.start
    while held is None and now < simulator.scenario.end:
        now += 5.0
        simulator.advance_to(now)
        for agent_id in agent_ids:
            view = simulator.engine.agent_view(tenant, agent_id)
            row = (
                simulator.engine.callback_row(tenant, view.contact_id) if view.contact_id else None
            )
            if view.state is AgentState.BUSY and row is not None:
                held = (agent_id, view.contact_id)
                break
    assert held is not None, "a simulated agent took a callback"
    agent_id, contact_id = held
    simulator.release_agent(agent_id)
    simulator.advance_to(now + 2 * 3600)
    row = simulator.engine.callback_row(tenant, contact_id)
    assert row is not None and row.status is CallbackStatus.IN_PROGRESS
    assert simulator.report().total.callbacks_done > 0, "the other agents close theirs"
