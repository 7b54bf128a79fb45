"""A simulated day of a 200-agent center (~100,000 contacts): wall time and peak memory."""

from __future__ import annotations

import resource
import time

from vaxel.sim.scenarios import center_200
from vaxel.sim.simulator import Simulator

__all__ = ["measure"]


def measure(seed: int = 1) -> dict[str, float]:
    scenario = center_200()
    simulator = Simulator(scenario, seed=seed)
    start = time.perf_counter()
    report = simulator.run()
    wall = time.perf_counter() - start
    return {
        "contacts": report.total.offered,
        "answered": report.total.answered,
        "engine_steps": simulator.steps,
        "wall_s": wall,
        "contacts_per_s": report.total.offered / wall,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
