"""Erlang C and Erlang A staffing figures and `vaxel erlang`."""

from __future__ import annotations

import json
import math
import statistics
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vaxel.cli import main
from vaxel.core.errors import ConfigError
from vaxel.sim.scenarios import erlang_c as erlang_c_scenario
from vaxel.sim.simulator import Simulator
from vaxel.stats import agents_needed, erlang_a, erlang_b, erlang_c


def test_textbook_erlang_c_value() -> None:
    # 8 Erlang offered to 10 agents: P(wait) = 0.4092 (standard tables)
    figures = erlang_c(calls_per_hour=8 * 3600 / 180, aht_s=180, agents=10)
    assert figures.probability_of_waiting == pytest.approx(0.4092, abs=5e-4)
    assert figures.occupancy == pytest.approx(0.8)
    assert figures.asa_s == pytest.approx(0.4092 * 180 / 2, rel=1e-3)
    assert erlang_b(8.0, 10) == pytest.approx(0.1217, abs=5e-4)


def test_large_centres_do_not_overflow() -> None:
    figures = erlang_c(calls_per_hour=19_000, aht_s=180, agents=1_000)
    assert 0 <= figures.probability_of_waiting <= 1 and math.isfinite(figures.asa_s)
    assert 0 <= erlang_a(19_000, 180, 1_000, 300).service_level <= 1


def test_unstable_erlang_c_is_said_plainly() -> None:
    figures = erlang_c(200, 180, 10)  # exactly 10 Erlang on 10 agents
    assert (figures.probability_of_waiting, figures.service_level) == (1.0, 0.0)
    assert math.isinf(figures.asa_s)


@given(st.floats(10, 2000), st.floats(30, 600), st.integers(1, 200))
def test_more_agents_never_make_it_worse(calls: float, aht: float, agents: int) -> None:
    fewer, more = erlang_c(calls, aht, agents), erlang_c(calls, aht, agents + 1)
    assert more.probability_of_waiting <= fewer.probability_of_waiting + 1e-12
    assert more.service_level >= fewer.service_level - 1e-12


def test_erlang_a_tends_to_erlang_c_as_patience_grows() -> None:
    c = erlang_c(200, 180, 13, 20)
    a = erlang_a(200, 180, 13, patience_s=1e7, target_s=20)
    assert a.probability_of_waiting == pytest.approx(c.probability_of_waiting, rel=1e-3)
    assert a.service_level == pytest.approx(c.service_level, rel=1e-3)
    assert a.asa_s == pytest.approx(c.asa_s, rel=1e-3)


def test_erlang_a_is_stable_when_erlang_c_is_not() -> None:
    a = erlang_a(250, 180, 10, patience_s=120)  # 12.5 Erlang on 10 agents
    assert 0.1 < (a.probability_of_abandoning or 0) < 0.5
    assert a.occupancy < 1 and math.isfinite(a.asa_s)


@pytest.mark.slow
def test_erlang_a_agrees_with_a_simulated_queue() -> None:
    """Independent check: the simulator (real ACD engine) with exponential patience."""
    base = erlang_c_scenario(calls_per_hour=200, aht_s=180, agents=10, hours=12)
    patient = replace(base, traffic=[replace(base.traffic[0], patience_mean_s=120.0)])
    runs = [Simulator(patient, seed=seed).run().total for seed in range(1, 11)]
    theory = erlang_a(200, 180, 10, patience_s=120, target_s=20)
    for measured, expected in (
        ([r.abandon_rate for r in runs], theory.probability_of_abandoning),
        ([r.service_level for r in runs], theory.service_level),
        ([r.asa_s for r in runs], theory.asa_s),
    ):
        mean = statistics.fmean(measured)
        error = statistics.stdev(measured) / math.sqrt(len(measured))
        assert abs(mean - expected) < 4 * error + 0.01 * expected, (mean, expected, error)


def test_agents_needed_meets_the_goal_with_the_fewest_agents() -> None:
    n = agents_needed(200, 180, 20, 0.8)
    assert erlang_c(200, 180, n, 20).service_level >= 0.8
    assert erlang_c(200, 180, n - 1, 20).service_level < 0.8
    with_patience = agents_needed(200, 180, 20, 0.8, patience_s=300)
    assert with_patience <= n


def test_bad_input_names_the_parameter() -> None:
    with pytest.raises(ConfigError) as error:
        erlang_c(200, 0, 10)
    assert error.value.field == "aht_s"
    with pytest.raises(ConfigError) as error:
        agents_needed(200, 180, 20, 1.5)
    assert error.value.field == "service_level"


def test_cli_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "erlang",
                "--calls-per-hour",
                "200",
                "--aht",
                "180",
                "--target",
                "20",
                "--agents",
                "14",
                "--json",
            ]
        )
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    expected = erlang_c(200, 180, 14, 20)
    assert data["probability_of_waiting"] == pytest.approx(
        expected.probability_of_waiting, abs=1e-6
    )
    assert data["service_level"] == pytest.approx(expected.service_level, abs=1e-6)
    assert data["asa_s"] == pytest.approx(expected.asa_s, abs=1e-3)
    assert data["occupancy"] == pytest.approx(expected.occupancy, abs=1e-6)
    assert data["agents_needed"] == agents_needed(200, 180, 20, 0.8)
    assert "probability_of_abandoning" not in data
    assert (
        main(
            [
                "erlang",
                "--calls-per-hour",
                "200",
                "--aht",
                "180",
                "--service-level",
                "0.9",
                "--patience",
                "300",
                "--json",
            ]
        )
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["agents"] == data["agents_needed"] and data["service_level"] >= 0.9
    assert 0 < data["probability_of_abandoning"] < 0.1


def test_cli_rejects_bad_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["erlang", "--calls-per-hour", "200", "--aht", "-5"]) == 2
    assert "--aht" in capsys.readouterr().err
