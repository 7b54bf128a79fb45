"""The collector's policy once a server is up (issue 11, Benchmarks): start-up objects are
frozen out of full collections and the older generations are collected less often."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from vaxel.runtime.heap import RUNNING_THRESHOLDS, settle_after_start_up


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
    assert RUNNING_THRESHOLDS[2] > 10  # generation 2 rarer than CPython's default
    assert gc.get_freeze_count() >= len(survivor)
    assert not any(obj is survivor for obj in gc.get_objects())  # out of every scan
