"""The media ticker's schedule on a core of its own, replayed from CPU time (issue 11 §1).

``python -m benchmarks.media_phases [--callers 2000] [--periods 150] [--random-sequences]``

On a shared machine the wall-clock benchmark (``media_capacity``) measures the machine: the
engine waits for its core longer than it runs. This one runs the ticker's work for
``callers`` queued callers whose phones talk (one packet per caller per 20 ms, from the
address their SDP names, so the legs lock and the kernel filter passes 1 in 16) phase by
phase, as ``Ticker.run`` does — the phase's frames, the listeners' drain up to the next
phase's due time, the media-timeout scan — but on a *virtual* clock that advances only by
the CPU time this thread used (``time.thread_time``): a phase starts at its due time or when
the one before it ended, whichever is later, as on an otherwise idle core. What other
processes take does not enter; what the engine's own work takes does, so a tail that comes
from the engine's schedule (a burst drain, a scan) shows here and one that comes from the
machine does not. A frame's lateness is its phase's start against its due time plus its
share of the phase's frames. The phones' sends run between phases, not timed.

``--random-sequences``: each phone starts at its own sequence number, as real phones do
(RFC 3550 §5.1), so the 1 in 16 packets the filter passes spread over the periods; without
it every phone steps in time (``media_queue``'s phones), the filter passes all of a
phase's phones in the same period — the worst case.
Not a test; figures go into BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import inspect
import json
import random
import struct
import time
from typing import Any

from benchmarks.media_paths import PORTS, _drain, _sink
from vaxel.media.backend import RemoteMedia
from vaxel.media.engine import BuiltinMediaBackend
from vaxel.media.engine_ticker import SLOTS, TICK_S
from vaxel.media.player import Comfort

_RTP = struct.Struct("!BBHII")
LATE_S = 0.005
WARM_UP = 20
"""Periods not measured: the legs lock onto their phones and get their filters, and a
whole cycle of the filter's 1 in 16 passes."""


async def replay(callers: int, periods: int, random_sequences: bool) -> dict[str, Any]:
    phone = _sink()
    engine = BuiltinMediaBackend(lambda prompt: bytes(8000), lambda event: None, ports=PORTS)
    remote = RemoteMedia("127.0.0.1", phone.getsockname()[1], 0, "PCMU")
    legs: list[list[tuple[str, int]]] = [[] for _ in range(SLOTS)]
    for n in range(callers):
        endpoint = engine.allocate(f"r{n}")
        engine.set_remote(endpoint.endpoint_id, remote)
        engine.set_comfort(endpoint.endpoint_id, Comfort.MUSIC)
    ticker, listeners = engine._ticker, engine._listeners
    for leg in engine._legs.values():
        legs[ticker._phase_of[leg]].append(("127.0.0.1", leg.endpoint.port))
    offsets = [[random.randrange(0x10000) if random_sequences else 0 for _ in p] for p in legs]
    step = TICK_S / SLOTS
    bounded = "until" in inspect.signature(listeners.drain).parameters
    per_phase_scan = "phase" in inspect.signature(ticker.check_silence).parameters
    started_at = [0.0]
    cpu_at = [0.0]

    def clock() -> float:
        return started_at[0] + time.thread_time() - cpu_at[0]

    if bounded:
        listeners._clock = clock  # type: ignore[attr-defined]  # the virtual clock
    scan_every = round(ticker._silence_check_s / TICK_S)
    payload = bytes(160)
    lateness: list[float] = []
    late_phases = 0
    costs: dict[str, list[float]] = {"frames": [], "drain": [], "scan": []}
    gc.collect()
    gc.freeze()
    now = 0.0
    received = 0
    for period in range(periods + WARM_UP):
        for phase in range(SLOTS):
            if period == WARM_UP and phase == 0:
                now = 0.0  # the warm-up's backlog (locking, filters attached) forgotten
                received = engine.stats["received"]
            for address, offset in zip(legs[phase], offsets[phase], strict=True):
                sequence = (period + offset) & 0xFFFF
                phone.sendto(_RTP.pack(0x80, 0, sequence, 160 * sequence, 7) + payload, address)
            _drain(phone)  # what the engine sent: not the engine's work
            due = (period * SLOTS + phase) * step
            started_at[0] = start = max(now, due)
            cpu_at[0] = cpu = time.thread_time()
            ticker.tick(time.monotonic(), phase)
            frames = time.thread_time() - cpu
            if bounded:
                listeners.drain(phase, due + step)
            else:
                listeners.drain(phase)
            drained = time.thread_time() - cpu - frames
            scanned = 0.0
            if period % scan_every == 0 and (per_phase_scan or phase == 0):
                if per_phase_scan:
                    ticker.check_silence(time.monotonic(), phase)
                else:
                    ticker.check_silence(time.monotonic())
                scanned = time.thread_time() - cpu - frames - drained
            now = start + time.thread_time() - cpu
            if period < WARM_UP:
                continue
            count = len(legs[phase])
            lateness.extend(start - due + frames * (k + 1) / count for k in range(count))
            late_phases += start - due + frames > LATE_S
            costs["frames"].append(frames)
            costs["drain"].append(drained)
            if scanned:
                costs["scan"].append(scanned)
    filtered = sum(leg.filtered >= 0 for leg in engine._legs.values())
    await engine.close()
    phone.close()
    gc.unfreeze()

    def ms(values: list[float], share: float) -> float:
        values = sorted(values)
        return round(1e3 * values[min(len(values) - 1, int(len(values) * share))], 3)

    return {
        "callers": callers,
        "random_sequences": random_sequences,
        "drain_bounded": bounded,
        "scan_per_phase": per_phase_scan,
        "p50_ms": ms(lateness, 0.5),
        "p99_ms": ms(lateness, 0.99),
        "max_ms": ms(lateness, 1.0),
        "late_phases": late_phases,
        "phases": periods * SLOTS,
        "core_share": round(sum(map(sum, costs.values())) / (periods * TICK_S), 3),
        **{f"{name}_ms_p50_max": [ms(v, 0.5), ms(v, 1.0)] for name, v in costs.items() if v},
        "received": engine.stats["received"] - received,
        "filtered_legs": filtered,
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.media_phases")
    parser.add_argument("--callers", type=int, default=2000)
    parser.add_argument("--periods", type=int, default=150)
    parser.add_argument("--random-sequences", action="store_true")
    args = parser.parse_args()
    row = asyncio.run(replay(args.callers, args.periods, args.random_sequences))
    print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
