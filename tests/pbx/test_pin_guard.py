"""The bound on guessing a PIN across calls (task R; PBX4, PBX6): time stepped by hand."""

from __future__ import annotations

from vaxel.pbx.pin_guard import PinGuard


def test_a_key_is_refused_while_its_failures_fill_the_window() -> None:
    guard = PinGuard(max_failures=3, window_s=600.0)
    for second in (0.0, 10.0, 20.0):
        assert not guard.refuses("room", second)
        guard.failed("room", second)
    assert guard.refuses("room", 21.0)
    assert guard.refuses("room", 599.0)
    assert not guard.refuses("other-room", 21.0), "one key's guessing locks only that key"
    assert not guard.refuses("room", 600.0), "the oldest failure aged out"
    guard.failed("room", 600.0)
    assert guard.refuses("room", 601.0)


def test_memory_stays_bounded_under_many_keys() -> None:
    guard = PinGuard(max_failures=5, window_s=60.0, max_keys=100)
    for number in range(10_000):
        guard.failed(f"mailbox-{number}", float(number) / 1000)
    assert len(guard._failures) <= 100
    for _ in range(50):
        guard.failed("mailbox-9999", 10.0)
    assert len(guard._failures["mailbox-9999"]) == 5
