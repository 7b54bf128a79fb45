"""The one definition of the service level (ST1, issue 9 §2)."""

from __future__ import annotations

from vaxel.stats import ServiceLevelCounts, waiting_past_target


def test_a_caller_counts_as_missed_the_moment_the_wait_crosses_the_target() -> None:
    answered_in_time = ServiceLevelCounts(answered=1, in_target=1)
    arrived = 1000.0
    for now, late, level in ((1019.0, 0, 1.0), (1020.0, 0, 1.0), (1020.5, 1, 0.5)):
        waiting = waiting_past_target([arrived], now, target_s=20)
        counts = ServiceLevelCounts(answered=1, in_target=1, waiting_past_target=waiting)
        assert (waiting, counts.level) == (late, level), now
    assert answered_in_time.level == 1.0


def test_short_abandons_are_left_out_and_the_rest_count_against_the_level() -> None:
    # 3 answered in time, 1 late; 2 hung up, 1 of them before the short-abandon threshold.
    counts = ServiceLevelCounts(answered=4, in_target=3, abandoned=2, short_abandoned=1)
    assert counts.counted == 5 and counts.level == 0.6
    assert counts.below(0.8) and not counts.below(0.6)


def test_nothing_counted_claims_no_level_and_queues_add_up() -> None:
    assert ServiceLevelCounts(abandoned=1, short_abandoned=1).level is None
    assert not ServiceLevelCounts().below(0.8)
    total = ServiceLevelCounts(2, 2, 1, 0, 0) + ServiceLevelCounts(1, 0, 0, 0, 1)
    assert total == ServiceLevelCounts(3, 2, 1, 0, 1) and total.level == 0.4
