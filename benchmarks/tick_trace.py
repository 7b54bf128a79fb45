"""Where a media engine's late ticks come from (issue 11: p99 > 5 ms with CPU to spare).

``media_queue --trace`` (``media_capacity --trace``) wraps a running engine's ticker: for
every phase it notes when the ticker woke against its due time, how long the phase's frames,
the listeners' drain (and how many sockets it read) and the media-timeout scan took, the
engine thread's run-queue wait so far (``/proc/…/schedstat``: time the kernel gave the core
to someone else) and every garbage collection (``gc.callbacks``). ``summary()`` then takes
each phase whose last frame went more than ``LATE_S`` after its due time and names what held
it up, the biggest contributor of the time between the previous phase's due time and its
last frame: its own frames, the work of the phase before that ran past its due time (frames,
drain or scan), a collection, the kernel running something else, or none of those ("loop":
the event loop's wake-up and whatever else it ran).

Not production code: a wrapper that costs a few µs a phase, for the benchmark's process only.
"""

from __future__ import annotations

import gc
import os
import time
from collections import Counter
from typing import Any

__all__ = ["LATE_S", "TickTrace"]

LATE_S = 0.005
"""Issue 11's bound on a frame's lateness (p99)."""
PERIOD_S = 0.020
BURST = 50
"""A drain that found this many sockets readable (``media_queue``'s phones all pass the
filter in the same period: their sequence numbers go in step)."""


class TickTrace:
    """Per-phase timings of one engine (``BuiltinMediaBackend``) while installed."""

    def __init__(self, engine: Any, schedstat_path: str) -> None:
        self.engine = engine
        self.rows: list[tuple[float, ...]] = []
        """(due, woke, frames_end, drain_end, scan_end, ready, waited_s at woke and at
        frames_end) per phase."""
        self.collections: list[tuple[int, float, float]] = []
        """(generation, start, end) per garbage collection."""
        self._gc_start = 0.0
        self._fd = os.open(schedstat_path, os.O_RDONLY)
        self._pending: list[Any] = []

    def _waited(self) -> float:
        try:
            return int(os.pread(self._fd, 128, 0).split()[1]) / 1e9
        except (OSError, IndexError, ValueError):
            return 0.0

    def _on_gc(self, phase: str, info: dict[str, int]) -> None:
        now = time.monotonic()
        if phase == "start":
            self._gc_start = now
        else:
            self.collections.append((info["generation"], self._gc_start, now))

    def install(self) -> None:
        ticker = self.engine._ticker
        listeners = self.engine._listeners
        tick, drain, scan = ticker.tick, listeners.drain, ticker.check_silence
        monotonic = time.monotonic
        pending = self._pending
        rows = self.rows
        poller_of = listeners._pollers

        def traced_tick(due: float, phase: int) -> None:
            woke = monotonic()
            waited = self._waited()
            tick(due, phase)
            pending[:] = [due, woke, monotonic(), 0.0, 0.0, 0, waited, self._waited()]
            rows.append(tuple(pending))

        def traced_drain(phase: int, until: float = float("inf")) -> None:
            poller = poller_of[phase]
            ready = len(poller._poll.poll(0)) if poller.legs else 0  # what drain will see
            if until == float("inf"):
                drain(phase)  # (an engine before the drain's bound, for A/B runs)
            else:
                drain(phase, until)
            row = list(rows[-1])
            row[3] = row[4] = monotonic()
            row[5] = ready
            rows[-1] = tuple(row)

        def traced_scan(now: float, phase: int | None = None) -> None:
            if phase is None:
                scan(now)  # (an engine that scans every phase at once, for A/B runs)
            else:
                scan(now, phase)
            row = list(rows[-1])
            row[4] = monotonic()
            rows[-1] = tuple(row)

        ticker.tick = traced_tick
        listeners.drain = traced_drain
        ticker.check_silence = traced_scan
        gc.callbacks.append(self._on_gc)

    def clear(self) -> None:
        self.rows.clear()
        self.collections.clear()

    def uninstall(self) -> None:
        if self._on_gc in gc.callbacks:
            gc.callbacks.remove(self._on_gc)
        os.close(self._fd)

    def _after_burst(self, index: int) -> bool:
        """Whether this phase or one in the period before it drained ``BURST`` sockets."""
        due = self.rows[index][0]
        return any(
            row[5] >= BURST and row[0] > due - PERIOD_S
            for row in self.rows[max(0, index - 10) : index + 1]
        )

    def summary(self) -> dict[str, Any]:
        """Late phases (last frame > ``LATE_S`` after due) by their main cause, and the
        sizes of what ran: how a reader judges by counts, not by one p99."""
        rows = self.rows
        causes: Counter[str] = Counter()
        examples: dict[str, list[dict[str, float]]] = {}
        late = after_burst = 0
        for index in range(1, len(rows)):
            due, woke, frames_end, _, _, _, waited_at_woke, waited = rows[index]
            if frames_end - due <= LATE_S:
                continue
            late += 1
            if self._after_burst(index):
                after_burst += 1
            collected = sum(
                min(end, frames_end) - max(start, woke)
                for _, start, end in self.collections
                if end > woke and start < frames_end
            )
            parts = {  # its own frames: less what a collection or the kernel took meanwhile
                "own frames": frames_end - woke - collected - (waited - waited_at_woke),
                "frames before": 0.0,
                "drain before": 0.0,
                "scan before": 0.0,
            }
            # the phases before whose work ran past this one's due time (a backlog)
            earlier = index - 1
            while earlier >= 0 and rows[earlier][4] > due:
                _, e_woke, e_frames, e_drain, e_scan, _, _, _ = rows[earlier]
                for key, begin, finish in (
                    ("frames before", e_woke, e_frames),
                    ("drain before", e_frames, e_drain),
                    ("scan before", e_drain, e_scan),
                ):
                    if finish:
                        parts[key] += max(0.0, min(finish, woke) - max(begin, due))
                earlier -= 1
            # (from the last phase done before this one was due: may start a little early)
            parts["kernel ran others"] = min(frames_end - due, waited - rows[max(0, earlier)][7])
            for generation, start, end in self.collections:
                if end > due and start < frames_end:
                    key = f"gc gen {generation}"
                    parts[key] = parts.get(key, 0.0) + min(end, frames_end) - max(start, due)
            accounted = sum(value for value in parts.values())
            parts["loop"] = max(0.0, (frames_end - due) - accounted)
            cause = max(parts, key=lambda key: parts[key])
            causes[cause] += 1
            if len(examples.setdefault(cause, [])) < 3:
                example = {"late": frames_end - due, **parts}
                examples[cause].append(
                    {key: round(1e3 * value, 2) for key, value in example.items() if value}
                )
        durations = sorted(row[2] - row[1] for row in rows)
        drains = sorted(row[3] - row[2] for row in rows if row[3])
        scans = sorted(row[4] - row[3] for row in rows if row[4] > row[3] and row[3])
        ready = sorted(row[5] for row in rows)
        full = [end - start for generation, start, end in self.collections if generation == 2]

        def top(values: list[float]) -> list[float]:
            if not values:
                return []
            return [round(1e3 * values[len(values) // 2], 3), round(1e3 * values[-1], 3)]

        return {
            "phases": len(rows),
            "late_phases": late,
            "late_by_cause": dict(causes.most_common()),
            # a drain of ≥ BURST sockets in this phase or in the period before it
            "late_after_burst": after_burst,
            "all_after_burst": sum(self._after_burst(index) for index in range(1, len(rows))),
            "late_examples_ms": examples,
            "frames_ms_p50_max": top(durations),
            "drain_ms_p50_max": top(drains),
            "scan_ms_p50_max": top(scans),
            "ready_sockets_p50_max": [ready[len(ready) // 2], ready[-1]] if ready else [],
            "collections": Counter(generation for generation, _, _ in self.collections),
            "gen2_ms": [round(1e3 * value, 2) for value in full],
        }
