"""The garbage collector's policy for a running server (issue 11, Benchmarks).

CPython's full (generation-2) collection scans every tracked object. A server's start-up
objects (configuration, catalogs, the web app, the engine) never die, and at 800 calls/s the
default thresholds ran a full collection every few seconds over some 140,000 objects: a
30–120 ms pause during which SIP datagrams piled up and were dropped. So once start-up is
over the survivors are frozen out of every scan, and the older generations are collected
less often; reference counting still frees almost everything a call makes.
"""

from __future__ import annotations

import gc

__all__ = ["RUNNING_THRESHOLDS", "settle_after_start_up"]

RUNNING_THRESHOLDS = (700, 10, 100)
"""Generation 0 as CPython's default; generation 2 ten times rarer than the default (10)."""


def settle_after_start_up() -> tuple[int, int, int]:
    """Collect once, freeze what survived start-up and raise the thresholds; call it once,
    when the server is ready. Returns the previous thresholds."""
    previous = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(*RUNNING_THRESHOLDS)
    return previous
