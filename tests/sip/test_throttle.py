"""Failure throttling per source (security by default): window, block, expiry, bounded memory.

Time is stepped by hand; nothing here sleeps.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from vaxel.sip.throttle import AuthThrottle, FailureThrottle

GUESSER = "192.0.2.9"
NEIGHBOUR = "192.0.2.10"


def test_the_fifth_failure_within_a_minute_blocks_the_source_by_default() -> None:
    throttle = FailureThrottle()
    for second in range(4):
        throttle.record_failure(GUESSER, float(second))
        assert not throttle.is_blocked(GUESSER, second + 0.5)
    throttle.record_failure(GUESSER, 4.0)
    assert throttle.is_blocked(GUESSER, 4.0)
    assert not throttle.is_blocked(NEIGHBOUR, 4.0)  # the block is per source


def test_a_block_lasts_block_s_and_then_starts_afresh() -> None:
    throttle = FailureThrottle(max_failures=2, window_s=60.0, block_s=300.0)
    throttle.record_failure(GUESSER, 10.0)
    throttle.record_failure(GUESSER, 20.0)
    assert throttle.is_blocked(GUESSER, 20.0)
    assert throttle.is_blocked(GUESSER, 319.9)
    assert not throttle.is_blocked(GUESSER, 320.0)
    # After the block the old failures are forgotten: one more slip does not re-block.
    throttle.record_failure(GUESSER, 321.0)
    assert not throttle.is_blocked(GUESSER, 321.0)
    throttle.record_failure(GUESSER, 322.0)
    assert throttle.is_blocked(GUESSER, 322.0)


def test_failures_older_than_the_window_do_not_count() -> None:
    throttle = FailureThrottle(max_failures=3, window_s=60.0, block_s=300.0)
    throttle.record_failure(GUESSER, 0.0)
    throttle.record_failure(GUESSER, 30.0)
    throttle.record_failure(GUESSER, 60.0)  # the one at 0.0 is exactly a window old
    assert not throttle.is_blocked(GUESSER, 60.0)
    throttle.record_failure(GUESSER, 89.0)  # 30, 60, 89: three inside one window
    assert throttle.is_blocked(GUESSER, 89.0)


def test_a_success_forgets_earlier_failures() -> None:
    throttle = FailureThrottle(max_failures=3, window_s=60.0, block_s=300.0)
    throttle.record_failure(GUESSER, 0.0)
    throttle.record_failure(GUESSER, 1.0)
    throttle.record_success(GUESSER)  # the phone's user typed the password right at last
    throttle.record_failure(GUESSER, 2.0)
    throttle.record_failure(GUESSER, 3.0)
    assert not throttle.is_blocked(GUESSER, 3.0)
    throttle.record_failure(GUESSER, 4.0)
    assert throttle.is_blocked(GUESSER, 4.0)


def test_a_success_does_not_lift_a_block_in_force() -> None:
    throttle = FailureThrottle(max_failures=1, window_s=60.0, block_s=300.0)
    throttle.record_failure(GUESSER, 0.0)
    throttle.record_success(GUESSER)
    assert throttle.is_blocked(GUESSER, 1.0)


def test_memory_is_bounded_by_evicting_the_oldest_source() -> None:
    throttle = FailureThrottle(max_failures=2, window_s=60.0, block_s=300.0, max_sources=100)
    throttle.record_failure("198.51.100.0", 0.0)
    for n in range(1, 1000):
        throttle.record_failure(f"203.0.{n // 256}.{n % 256}", float(n) / 100)
    assert len(throttle._failures) == 100
    # The first source was evicted, so its earlier failure no longer counts.
    throttle.record_failure("198.51.100.0", 10.0)
    assert not throttle.is_blocked("198.51.100.0", 10.0)
    # The newest ones are still tracked.
    throttle.record_failure("203.0.3.231", 10.0)
    assert throttle.is_blocked("203.0.3.231", 10.0)


@given(
    st.lists(
        st.tuples(st.sampled_from(["a", "b", "c"]), st.floats(0.0, 5.0)),
        max_size=40,
    )
)
def test_blocked_exactly_when_a_model_of_the_rules_says_so(steps: list[tuple[str, float]]) -> None:
    """Compare with a direct reading of the rule: max_failures in window → block for block_s."""
    throttle = FailureThrottle(max_failures=3, window_s=10.0, block_s=20.0)
    failures: dict[str, list[float]] = {}
    blocked_until: dict[str, float] = {}
    now = 0.0
    for source, step in steps:
        now += step
        expected = blocked_until.get(source, -1.0) > now
        assert throttle.is_blocked(source, now) is expected
        if expected:
            continue  # a blocked source is refused before its credentials are checked
        if blocked_until.pop(source, None) is not None:
            failures[source] = []  # the block expired: start afresh
        recent = [t for t in failures.get(source, []) if now - t < 10.0] + [now]
        failures[source] = recent
        throttle.record_failure(source, now)
        if len(recent) >= 3:
            blocked_until[source] = now + 20.0


def test_blocks_that_follow_each_other_double_up_to_the_maximum() -> None:
    throttle = FailureThrottle(max_failures=2, window_s=60.0, block_s=60.0, max_block_s=200.0)
    now, lengths = 0.0, []
    for _ in range(4):
        throttle.record_failure(GUESSER, now)
        throttle.record_failure(GUESSER, now)
        start = now
        while throttle.is_blocked(GUESSER, now):
            now += 1.0
        lengths.append(now - start)
    assert lengths == [60.0, 120.0, 200.0, 200.0]
    # A quiet spell longer than the maximum block starts the doubling afresh.
    now += 201.0
    throttle.record_failure(GUESSER, now)
    throttle.record_failure(GUESSER, now)
    assert throttle.is_blocked(GUESSER, now + 59.0) and not throttle.is_blocked(GUESSER, now + 60)


def test_auth_throttle_blocks_per_source_and_per_username_but_spares_known_phones() -> None:
    throttle = AuthThrottle()
    throttle.record_success(NEIGHBOUR, "1001", 0.0)
    for n in range(10):  # ten guesses at 1001 from ten addresses
        throttle.record_failure(f"198.51.100.{n}", "1001", float(n))
    assert throttle.refuses("203.0.113.1", "1001", 10.0)  # 1001 backs off for everyone…
    assert not throttle.refuses(NEIGHBOUR, "1001", 10.0)  # …but the phone known there
    assert not throttle.refuses("203.0.113.1", "1002", 10.0)  # other extensions are open
    assert not throttle.refuses("203.0.113.1", "1001", 70.0)  # a short back-off
    for _ in range(5):
        throttle.record_failure(GUESSER, "1003", 100.0)
    assert throttle.refuses(GUESSER, "1004", 100.0)  # the source is blocked
    throttle.record_failure(NEIGHBOUR, "1001", 100.0)  # the known pair fails: no longer spared
    assert not throttle.known_good(NEIGHBOUR, "1001", 100.0)
