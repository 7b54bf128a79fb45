"""A finished flow session is freed the moment its call lets go of it (issue 11, Benchmarks).

A session's continuations (what follows a prompt, a menu's digits) and its queue visit point
back at the session. Left in place after the call ended, each finished call was a reference
cycle that only a full collection frees: 9,690 sessions waited in the oldest generation after
20 s at 500 calls/s, and that collection paused SIP for hundreds of milliseconds. So the
collector is switched off here: only reference counting may free the session.
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Callable, Iterator

import pytest

from tests.flow.test_session import finish, keys, session
from vaxel.flow import AgentConnected, CallerHungUp, FlowSession


@pytest.fixture
def no_collector() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _hung_up_in_welcome(s: FlowSession) -> None:
    s.start(0.0)  # the welcome plays; what follows it waits in the session
    s.handle(CallerHungUp(), 1.0)


def _hung_up_in_menu(s: FlowSession) -> None:
    s.start(0.0)
    finish(s, 4.0)  # the main menu asks for a digit
    s.handle(CallerHungUp(), 5.0)


def _hung_up_in_queue(s: FlowSession) -> None:
    s.start(0.0)
    finish(s, 4.0)
    keys(s, "2", 5.0)  # bygglov's queue, its announcements pending
    s.handle(CallerHungUp(), 6.0)


def _answered_in_queue(s: FlowSession) -> None:
    s.start(0.0)
    finish(s, 4.0)
    keys(s, "2", 5.0)
    s.handle(AgentConnected(), 6.0)


@pytest.mark.usefixtures("no_collector")
@pytest.mark.parametrize(
    "story", [_hung_up_in_welcome, _hung_up_in_menu, _hung_up_in_queue, _answered_in_queue]
)
def test_a_finished_session_is_freed_without_the_collector(
    story: Callable[[FlowSession], None],
) -> None:
    s = session()
    story(s)
    assert s.ended
    gone = weakref.ref(s)
    del s
    assert gone() is None, "the finished session is kept alive by a reference cycle"
