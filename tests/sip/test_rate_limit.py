"""The per-source rate limit for new calls (issue 10 §8): a token bucket, time stepped by
hand, per source, with bounded memory."""

from __future__ import annotations

import pytest

from vaxel.sip.throttle import RateLimit

FLOODER, CARRIER = "192.0.2.66", "192.0.2.1"


def test_a_burst_then_the_average_rate_and_other_sources_untouched() -> None:
    limit = RateLimit(per_second=5.0, burst=10)
    assert [limit.allow(FLOODER, 100.0) for _ in range(12)] == [True] * 10 + [False] * 2
    assert limit.allow(CARRIER, 100.0)  # per source
    assert not limit.allow(FLOODER, 100.1)  # half a token is not a call
    assert limit.allow(FLOODER, 100.2)  # 0.2 s at 5/s: one more
    assert not limit.allow(FLOODER, 100.2)
    # 400 INVITEs/s for 10 s (issue 10 §8) let through about burst + 5/s, not 4,000
    allowed = sum(limit.allow(FLOODER, 200.0 + n / 400) for n in range(4000))
    assert 55 <= allowed <= 61


def test_a_quiet_source_refills_only_up_to_the_burst() -> None:
    limit = RateLimit(per_second=1.0, burst=3)
    assert all(limit.allow(CARRIER, 0.0) for _ in range(3))
    assert sum(limit.allow(CARRIER, 3600.0) for _ in range(10)) == 3


def test_memory_is_bounded_and_a_forgotten_source_starts_full() -> None:
    limit = RateLimit(per_second=1.0, burst=1, max_sources=100)
    for n in range(1000):
        limit.allow(f"198.51.100.{n}", 0.0)
    assert len(limit._buckets) == 100


def test_nonsense_limits_are_refused() -> None:
    with pytest.raises(ValueError):
        RateLimit(per_second=0.0, burst=1)
    with pytest.raises(ValueError):
        RateLimit(per_second=1.0, burst=0)
