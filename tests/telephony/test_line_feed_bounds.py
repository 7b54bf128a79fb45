"""The line feed's memory is bounded by live calls and heals what a dropped call left
(issue 16, DIR4, OP4): 500 short calls leave nothing behind; calls the switch let go of
without saying so are forgotten by the feed's reconciliation, freeing their lines; one
tenant's calls never touch another tenant's person of the same id and number. Real call
machines and line states; the calls are ``test_line_feed``'s stand-ins."""

from __future__ import annotations

from types import SimpleNamespace

from tests.telephony.test_line_feed import DESK, KARIN, T, call, feed
from vaxel.directory.presence import LineState
from vaxel.pbx.line_state import LineStates
from vaxel.telephony.call_events import Party, PartyLeft
from vaxel.telephony.line_feed import LineFeed


def placed(call_id: str, tenant: str = T):  # type: ignore[no-untyped-def]
    """A call Karin placed from her desk phone, followed once: her line is busy."""
    found = call(call_id, internal=SimpleNamespace(caller=SimpleNamespace(extension=DESK)))
    found.tenant_id = tenant
    return found


def test_a_flood_of_500_short_calls_leaves_no_entry_behind() -> None:
    lines, lines_feed = feed()
    for n in range(500):
        short = placed(f"c{n}")
        lines_feed.follow(short)
        assert lines.state(T, KARIN) is LineState.BUSY
        short.machine.handle(PartyLeft(Party.CALLER), float(n))
        lines_feed.follow(short)  # the switch's last step, then it forgets the call
        lines_feed.forgotten(short.call_id)
    assert lines_feed.held() == 0
    assert lines.state(T, KARIN) is LineState.IDLE
    assert lines._calls == {}  # no person's line keeps a key of a call gone


def test_calls_the_switch_dropped_unannounced_are_forgotten_at_the_next_sweep() -> None:
    lines, lines_feed = feed()
    for n in range(500):
        lines_feed.follow(placed(f"c{n}"))
    assert lines_feed.held() == 500
    assert lines_feed.reconcile({"c7"}) == 499  # only c7 is still held by the switch
    assert lines_feed.held() == 1
    assert lines.state(T, KARIN) is LineState.BUSY  # c7 is a real call of hers
    assert lines_feed.reconcile(set()) == 1
    assert (lines_feed.held(), lines.state(T, KARIN)) == (0, LineState.IDLE)
    assert lines._calls == {}


def test_one_tenant_s_calls_never_touch_another_tenant_s_person() -> None:
    """Both organisations have a Karin (same person id) at desk 1005: only the tenant
    whose call it is sees her busy."""
    lines = LineStates()
    both = LineFeed(
        lines,  # type: ignore[arg-type]
        lambda tenant, agent: None,
        lambda tenant, extension: KARIN if extension == DESK else None,
    )
    both.follow(placed("a1", "annat-bolag"))
    assert lines.state("annat-bolag", KARIN) is LineState.BUSY
    assert lines.state(T, KARIN) is LineState.IDLE
    both.forgotten("a1")
    assert lines.state("annat-bolag", KARIN) is LineState.IDLE
