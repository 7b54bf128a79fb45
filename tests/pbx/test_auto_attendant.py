"""The automatic attendant's load rule (issue 16, spec §70): on at the mark, off below the
lower mark after the least time on, never flapping between, and someone's hand wins."""

from __future__ import annotations

import pytest

from vaxel.pbx.auto_attendant import (
    AUTO_ACTOR,
    Load,
    LoadRule,
    LoadRuleError,
    Move,
    SwitchSeen,
    decide,
)

RULE = LoadRule(enabled=True, queue_id="vaxel", wait_s=60, waiting=10, min_on_s=300)
OFF = SwitchSeen(False, "", 0.0)


def auto_on(at: float) -> SwitchSeen:
    return SwitchSeen(True, AUTO_ACTOR, at)


def test_off_by_default_and_an_unusable_setting_is_off() -> None:
    assert LoadRule() == LoadRule.of(None) == LoadRule.of({"enabled": True, "wait_s": 5})
    assert not LoadRule().enabled
    move, _ = decide(LoadRule(), Load(99, 9999.0), OFF, None, 10.0)
    assert move is None


def test_on_at_either_mark_not_below() -> None:
    assert decide(RULE, Load(1, 59.9), OFF, None, 100.0)[0] is None
    assert decide(RULE, Load(1, 60.0), OFF, None, 100.0)[0] is Move.ON  # the wait's mark
    assert decide(RULE, Load(10, 0.0), OFF, None, 100.0)[0] is Move.ON  # the callers' mark
    only_wait = LoadRule(enabled=True, queue_id="vaxel", wait_s=60, waiting=0)
    assert decide(only_wait, Load(400, 10.0), OFF, None, 100.0)[0] is None  # 0: unused


def test_off_only_below_the_lower_mark_and_after_the_least_time_on() -> None:
    on = auto_on(100.0)
    rush = 90.0
    # between the marks (30–60 s wait): nothing changes, however long
    assert decide(RULE, Load(3, 45.0), on, rush, 1000.0) == (None, rush)
    # calm, but on for less than min_on_s: stays on (no flapping at the mark)
    move, rush_after = decide(RULE, Load(0, 0.0), on, rush, 200.0)
    assert (move, rush_after) == (None, None)
    assert decide(RULE, Load(0, 0.0), on, None, 400.0)[0] is Move.OFF
    assert decide(RULE, Load(4, 29.0), on, None, 400.0)[0] is Move.OFF  # below both halves
    assert decide(RULE, Load(5, 0.0), on, None, 400.0)[0] is None  # half the callers: not calm


def test_a_flapping_load_switches_once_each_way() -> None:
    """A queue hovering around the mark for ten minutes: one on, then one off when calm."""
    switch, rush, moves = OFF, None, []
    for second in range(0, 600, 5):
        wait = 61.0 if second % 10 == 0 else 40.0  # above, then between the marks
        move, rush = decide(RULE, Load(2, wait), switch, rush, float(second))
        if move is not None:
            moves.append((second, move))
            switch = SwitchSeen(move is Move.ON, AUTO_ACTOR, float(second))
    for second in range(600, 1200, 5):
        move, rush = decide(RULE, Load(0, 0.0), switch, rush, float(second))
        if move is not None:
            moves.append((second, move))
            switch = SwitchSeen(move is Move.ON, AUTO_ACTOR, float(second))
    assert moves == [(0, Move.ON), (600, Move.OFF)]


def test_an_operators_hand_wins_until_the_load_falls_back() -> None:
    rush = 100.0
    # she switched it off by hand (Alt+T) during the rush: the rule leaves it off
    by_hand_off = SwitchSeen(False, "kristina", 130.0)
    assert decide(RULE, Load(20, 200.0), by_hand_off, rush, 140.0) == (None, rush)
    # the load fell below the lower mark once: a new rush may switch it on again
    move, rush_after = decide(RULE, Load(0, 0.0), by_hand_off, rush, 500.0)
    assert (move, rush_after) == (None, None)
    move, rush_after = decide(RULE, Load(20, 200.0), by_hand_off, None, 900.0)
    assert (move, rush_after) == (Move.ON, 900.0)
    # one switched off by hand before the rush began does not stop the rule
    assert decide(RULE, Load(20, 200.0), SwitchSeen(False, "api", 50.0), rush, 140.0)[0] is Move.ON
    # switched on by hand: the rule never switches it off
    by_hand_on = SwitchSeen(True, "kristina", 10.0)
    assert decide(RULE, Load(0, 0.0), by_hand_on, None, 9999.0)[0] is None
    # a scheduled window is the admin's: left alone
    window = SwitchSeen(False, "", 0.0, window=True)
    assert decide(RULE, Load(20, 200.0), window, None, 10.0)[0] is None


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"wait_s": 5}, "auto-attendant-wait"),
        ({"wait_s": 3601}, "auto-attendant-wait"),
        ({"waiting": 501}, "auto-attendant-waiting"),
        ({"waiting": -1}, "auto-attendant-waiting"),
        ({"min_on_s": 59}, "auto-attendant-min-on"),
        ({"min_on_s": 7201}, "auto-attendant-min-on"),
        ({"wait_s": 0, "waiting": 0}, "auto-attendant-no-mark"),
        ({"queue_id": ""}, "auto-attendant-queue"),
    ],
)
def test_limits_are_refused_with_a_code(fields: dict[str, object], code: str) -> None:
    values: dict[str, object] = {"enabled": True, "queue_id": "vaxel", **fields}
    with pytest.raises(LoadRuleError) as refused:
        LoadRule(**values)  # type: ignore[arg-type]
    assert refused.value.code == code
