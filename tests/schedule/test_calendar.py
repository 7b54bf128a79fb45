"""Temporary closures over many queues (Q2) with closed messages (Q3)."""

from __future__ import annotations

from datetime import datetime

import pytest

from vaxel.core.clock import from_local
from vaxel.core.errors import ConfigError
from vaxel.schedule import Calendar, UnknownSchedule, closure_from_dict, schedule_from_dict


def at(text: str) -> float:
    return from_local(datetime.fromisoformat(text))


def calendar() -> Calendar:
    office = schedule_from_dict({"id": "kontor", "weekly": {"mon-fri": ["08:00-16:00"]}})
    return Calendar([office])


def test_one_closure_closes_three_queues_and_not_a_fourth() -> None:
    cal = calendar()
    cal.close(
        closure_from_dict(
            {
                "id": "storm",
                "queues": ["vaxel", "bygglov", "barnomsorg"],
                "start": at("2026-11-23 10:00"),
                "end": at("2026-11-23 12:00"),
                "message": "sv/driftstorning",
                "reason": "Driftstörning",
            }
        )
    )
    during = at("2026-11-23 11:00")
    for queue in ("vaxel", "bygglov", "barnomsorg"):
        state = cal.queue_state(queue, "kontor", during)
        assert (state.open, state.reason, state.message) == (False, "closure", "sv/driftstorning")
    assert cal.queue_state("kundtjanst", "kontor", during).open
    assert cal.queue_state("vaxel", "kontor", at("2026-11-23 12:00")).open
    assert cal.next_change("vaxel", "kontor", at("2026-11-23 09:00")) == at("2026-11-23 10:00")
    assert cal.next_change("vaxel", "kontor", during) == at("2026-11-23 12:00")


def test_open_ended_closure_lasts_until_lifted() -> None:
    cal = calendar()
    cal.close(closure_from_dict({"id": "x", "queues": ["vaxel"], "start": at("2026-11-23 09:00")}))
    assert not cal.queue_state("vaxel", "kontor", at("2026-11-25 10:00")).open
    cal.lift("x", at("2026-11-25 10:30"))
    assert cal.queue_state("vaxel", "kontor", at("2026-11-25 10:31")).open
    assert cal.closures(at("2026-11-25 11:00")) == []


def test_closure_boundary_inside_closed_hours_is_not_a_change() -> None:
    cal = calendar()
    cal.close(
        closure_from_dict(
            {
                "id": "kväll",
                "queues": ["vaxel"],
                "start": at("2026-11-23 15:00"),
                "end": at("2026-11-23 20:00"),
            }
        )
    )
    # closed from 15:00 by the closure, the schedule keeps it closed after 20:00 → next open is
    # Tuesday 08:00
    assert cal.next_change("vaxel", "kontor", at("2026-11-23 15:30")) == at("2026-11-24 08:00")


def test_queue_without_schedule_is_always_open() -> None:
    assert calendar().queue_state("jour", None, at("2026-12-24 23:00")).open


def test_unknown_schedule_and_bad_closures_are_refused() -> None:
    with pytest.raises(UnknownSchedule):
        calendar().queue_state("vaxel", "saknas", 0.0)
    with pytest.raises(ConfigError) as error:
        closure_from_dict({"id": "x", "queues": [], "start": 10})
    assert error.value.field == "queue_ids"
    with pytest.raises(ConfigError) as error:
        closure_from_dict({"id": "x", "queues": ["a"], "start": 10, "end": 5})
    assert error.value.field == "end"
    with pytest.raises(ConfigError) as error:
        closure_from_dict({"queues": ["a"], "start": 10})
    assert error.value.field == "id"
