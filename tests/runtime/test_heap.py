"""The collector's policy once a server is up (issue 11, Benchmarks): start-up objects are
frozen out of full collections, and the oldest generation is collected on a schedule of the
server's, not whenever CPython's count says."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from vaxel.runtime.heap import RUNNING_THRESHOLDS, FullCollections, settle_after_start_up


@pytest.fixture
def restored_collector() -> Iterator[None]:
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


@pytest.mark.usefixtures("restored_collector")
def test_start_up_survivors_are_frozen_and_full_collections_come_rarer() -> None:
    gc.set_threshold(700, 10, 10)  # CPython's default; a demo test may have settled already
    survivor = [{"start-up": n} for n in range(1000)]
    assert settle_after_start_up() == (700, 10, 10)
    assert gc.get_threshold() == RUNNING_THRESHOLDS
    assert RUNNING_THRESHOLDS[2] >= 1_000_000  # generation 2 never by count (FullCollections)
    assert gc.get_freeze_count() >= len(survivor)
    assert not any(obj is survivor for obj in gc.get_objects())  # out of every scan


@pytest.mark.usefixtures("restored_collector")
def test_the_oldest_generation_is_collected_on_the_schedule_not_by_count() -> None:
    settle_after_start_up()
    machine = FullCollections(every_s=600.0)
    assert machine.next_deadline(1000.0) == 1600.0
    assert machine.next_deadline(1200.0) == 1600.0  # asking again does not move it
    gc.collect()
    gc.disable()  # only the machine may collect from here on
    try:
        kept = Node()
        kept.me = kept  # a reference cycle: only a collection frees it
        probe = weakref.ref(kept)
        del kept
        assert probe() is not None
        machine.on_deadline(1600.0)
        assert probe() is None  # the machine's full collection freed it
        assert machine.next_deadline(1600.0) == 2200.0
    finally:
        gc.enable()


class Node:
    me: object = None
