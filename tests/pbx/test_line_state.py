"""Line state per person from telephony's reports (DIR4, PBX5)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from vaxel.directory.presence import LineState
from vaxel.pbx.line_state import LineChange, LineStates


def test_ringing_then_busy_then_idle() -> None:
    lines = LineStates()
    assert lines.ringing("t", "karin", "c1") == [LineChange("t", "karin", LineState.RINGING)]
    assert lines.answered("t", "karin", "c1") == [LineChange("t", "karin", LineState.BUSY)]
    assert lines.state("t", "karin") is LineState.BUSY
    assert lines.ended("c1") == [LineChange("t", "karin", LineState.IDLE)]
    assert lines.state("t", "karin") is LineState.IDLE


def test_a_second_call_ringing_a_busy_person_leaves_them_busy() -> None:
    lines = LineStates()
    lines.answered("t", "karin", "c1")
    assert lines.ringing("t", "karin", "c2") == []
    assert lines.left("t", "karin", "c2") == []
    assert lines.state("t", "karin") is LineState.BUSY


def test_tenants_are_apart_and_an_unknown_call_changes_nothing() -> None:
    lines = LineStates()
    lines.ringing("a", "p", "c1")
    assert lines.state("b", "p") is LineState.IDLE
    assert lines.ended("nope") == []


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["ring", "answer", "leave", "end"]),
            st.sampled_from(["p1", "p2"]),
            st.sampled_from(["c1", "c2", "c3"]),
        ),
        max_size=30,
    )
)
def test_every_change_reported_is_a_real_change_and_all_end_idle(steps: list) -> None:
    lines = LineStates()
    shown = {"p1": LineState.IDLE, "p2": LineState.IDLE}
    for action, person, call in steps:
        if action == "ring":
            changes = lines.ringing("t", person, call)
        elif action == "answer":
            changes = lines.answered("t", person, call)
        elif action == "leave":
            changes = lines.left("t", person, call)
        else:
            changes = lines.ended(call)
        for change in changes:
            assert shown[change.person_id] is not change.state
            shown[change.person_id] = change.state
        assert all(lines.state("t", p) is shown[p] for p in shown)
    for call in ("c1", "c2", "c3"):
        lines.ended(call)
    assert all(lines.state("t", p) is LineState.IDLE for p in shown)
