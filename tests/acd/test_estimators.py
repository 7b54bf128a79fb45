"""Wait estimators (Q8): the baselines do what they claim, ours learns what it needs."""

from __future__ import annotations

import math

import pytest

from vaxel.acd.estimation import QueueLengthEstimator, WaitSituation
from vaxel.acd.estimators import AsteriskEstimator, VaxelEstimator


def situation(
    ahead: int,
    agents: int = 2,
    queue: str = "q",
    busy: int = 2,
    overtaking: tuple[str, ...] = (),
    now: float = 1000.0,
) -> WaitSituation:
    return WaitSituation(queue, now, ahead, agents, (30.0,) * busy, 0.0, overtaking)


def test_asterisk_smooths_three_old_to_one_new() -> None:
    estimator = AsteriskEstimator()
    estimator.record_answer("q", 40.0, 1.0)
    assert estimator.estimate(situation(5)) == 10.0
    estimator.record_answer("q", 10.0, 2.0)
    assert estimator.estimate(situation(0)) == 10.0  # (3·10 + 10)/4, same for every position
    estimator.record_answer("q", 50.0, 3.0)
    assert estimator.estimate(situation(9)) == 20.0


def test_queue_length_uses_learned_mean_handle_time() -> None:
    estimator = QueueLengthEstimator()
    for handle in (100.0, 200.0, 300.0):
        estimator.record_handled("q", handle, 0.0)
    assert estimator.estimate(situation(3, agents=4)) == pytest.approx(4 * 200.0 / 4)
    assert estimator.estimate(situation(0, agents=0)) == math.inf


def test_a_contact_handled_in_stretches_is_one_sample_for_both_models() -> None:
    """Q8, issue 16 §3: 100 s, then 50 s more after she took it back — one 150 s contact."""
    ours, baseline = VaxelEstimator(), QueueLengthEstimator()
    for estimator in (ours, baseline):
        estimator.record_handled("q", 100.0, 999.0)
        estimator.record_handled("q", 50.0, 999.0, again=True)
    assert baseline.mean_handle_s("q") == pytest.approx(150.0)
    assert ours.service_rate("q", 999.0) == pytest.approx(1 / 150.0)


def test_ours_equals_queue_length_without_abandonment_or_overtaking() -> None:
    ours, baseline = VaxelEstimator(), QueueLengthEstimator()
    for estimator in (ours, baseline):
        for handle in (120.0, 240.0):
            estimator.record_handled("q", handle, 999.0)
    for ahead in (0, 1, 7):
        assert ours.estimate(situation(ahead)) == pytest.approx(
            baseline.estimate(situation(ahead)), rel=1e-3
        )


def test_free_agents_mean_no_wait() -> None:
    assert VaxelEstimator().estimate(situation(0, agents=3, busy=2)) == 0.0


def test_abandonment_rate_is_learned_from_censored_waits() -> None:
    estimator = VaxelEstimator()
    # 4 callers gave up after 30 s each, 6 were answered after 20 s: 4 / 240 s exposure
    for _ in range(4):
        estimator.record_abandon("q", 30.0, 10.0)
    for _ in range(6):
        estimator.record_answer("q", 20.0, 10.0)
    assert estimator.abandon_rate("q", 10.0) == pytest.approx(4 / 240)
    estimator.record_handled("q", 180.0, 10.0)
    without = QueueLengthEstimator()
    without.record_handled("q", 180.0, 10.0)
    # those ahead give up too, so the line moves faster than (n+1)/(sμ)
    assert estimator.estimate(situation(10, now=10.0)) < 0.6 * without.estimate(situation(10))


def test_overtaking_queues_lengthen_the_wait() -> None:
    estimator = VaxelEstimator()
    estimator.record_handled("lag", 100.0, 0.0)
    for second in range(0, 3600, 360):  # "hog" gets one contact every 6 minutes
        estimator.record_arrival("hog", float(second))
    alone = estimator.estimate(situation(2, queue="lag", now=3600.0))
    overtaken = estimator.estimate(situation(2, queue="lag", overtaking=("hog",), now=3600.0))
    assert overtaken > alone
    assert estimator.arrival_rate("hog", 3600.0) == pytest.approx(1 / 360, rel=0.15)
