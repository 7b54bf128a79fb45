"""Camp-on's queue rules (issue 16 §3, OP4, spec §52 §54), with explicit time: several calls
wait on one busy extension in order, the first rings it, a full extension refuses in
Swedish, and a recalled call's card says how long it waited and with whom."""

from __future__ import annotations

import pytest

from vaxel.core.errors import VaxelError
from vaxel.pbx.camp_on import (
    Camped,
    CampedState,
    CampOnError,
    CampOnQueues,
    CampOnSettings,
)
from vaxel.web.console_camp_view import recall_text
from vaxel.web.error_text import error_text

T = "exempelby"


def camped(call_id: str, since: float, extension: str = "1005") -> Camped:
    return Camped(call_id, T, extension, "Karin Carlsson", "kristina", "1011", since)


def test_calls_wait_in_order_and_only_the_first_may_ring() -> None:
    queues, settings = CampOnQueues(), CampOnSettings(wait_s=120.0, max_per_extension=3)
    assert queues.camp(camped("a", 100.0), settings) == 1
    assert queues.camp(camped("b", 101.0), settings) == 2
    assert [c.call_id for c in queues.queue(T, "1005")] == ["a", "b"]
    first = queues.next_to_ring(T, "1005")
    assert first is not None and first.call_id == "a"
    first.state = CampedState.RINGING
    assert queues.next_to_ring(T, "1005") is None  # one rings at a time
    assert queues.removed("a") is not None  # answered: the two talk
    second = queues.next_to_ring(T, "1005")
    assert second is not None and second.call_id == "b"


def test_a_full_extension_refuses_in_swedish_and_changes_nothing() -> None:
    queues, settings = CampOnQueues(), CampOnSettings(max_per_extension=2)
    queues.camp(camped("a", 1.0), settings)
    queues.camp(camped("b", 2.0), settings)
    with pytest.raises(CampOnError) as refused:
        queues.camp(camped("c", 3.0), settings)
    assert refused.value.code == "camp-on-full"
    assert error_text(refused.value) == "Väntkön hos anknytningen är full (högst 2 samtal)"
    assert [c.call_id for c in queues.queue(T, "1005")] == ["a", "b"]
    queues.camp(camped("c", 3.0, extension="1006"), settings)  # another extension has room
    with pytest.raises(CampOnError, match="camped already"):
        queues.camp(camped("c", 4.0, extension="1007"), settings)


def test_a_recalled_call_leaves_the_queue_and_says_how_long_it_waited() -> None:
    queues, settings = CampOnQueues(), CampOnSettings(wait_s=120.0)
    queues.camp(camped("a", 1000.0), settings)
    queues.camp(camped("b", 1010.0), settings)
    back = queues.recalled("a", 1121.0)
    assert back is not None and back.state is CampedState.RECALLED
    assert [c.call_id for c in queues.queue(T, "1005")] == ["b"]  # b is first now
    assert recall_text(back, 1500.0) == "Väntade hos Karin Carlsson, 2 min"  # frozen at recall
    assert [c.call_id for c in queues.of_operator(T, "kristina")] == ["a", "b"]
    assert queues.of_operator(T, "someone-else") == []
    assert queues.removed("a") is not None  # she answered the recall
    assert len(queues) == 1
    short = camped("c", 0.0)
    assert recall_text(short, 45.0) == "Väntade hos Karin Carlsson, 45 s"


def test_settings_have_limits_and_a_stored_value_out_of_range_gives_the_default() -> None:
    assert CampOnSettings.of({"wait_s": 60, "max_per_extension": 5}) == CampOnSettings(60.0, 5)
    assert CampOnSettings.of({"wait_s": 5}) == CampOnSettings()
    assert CampOnSettings.of({"max_per_extension": 99}) == CampOnSettings()
    assert CampOnSettings.of(None) == CampOnSettings(120.0, 3)
    for wrong in ({"wait_s": 1.0}, {"max_per_extension": 0}):
        with pytest.raises(VaxelError):
            CampOnSettings(**wrong)  # type: ignore[arg-type]


def test_a_call_is_overdue_once_it_has_waited_its_wait_and_only_while_waiting() -> None:
    queues, settings = CampOnQueues(), CampOnSettings(wait_s=120.0)
    first = camped("a", 100.0)
    first.wait_s = 120.0
    later = camped("b", 150.0)
    later.wait_s = 120.0
    queues.camp(first, settings)
    queues.camp(later, settings)
    assert queues.overdue(219.9) == []
    assert [c.call_id for c in queues.overdue(220.0)] == ["a"]
    first.state = CampedState.RINGING  # ringing the free extension: not recalled meanwhile
    assert queues.overdue(400.0) == [later]
