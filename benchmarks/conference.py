"""Conference mixing on the built-in media engine (issue 14 Benchmarks, PBX6).

``python -m benchmarks.conference [--sizes 5 10 20 50 100] [--rooms 1] [--talking N]
[--seconds 10] [--json]``

For each size N: ``rooms`` rooms of N participants, the engine pinned to one core (core 1
when there are two). A driver process on the other core plays every phone from ONE UDP
socket (symmetric RTP makes every leg answer it): each phone sends a tone of its own in
20 ms PCMU packets on an absolute schedule (with ``--talking N`` only N phones of each room
talk and the rest send silence, as in a real meeting; by default all talk: the worst case,
though only the five loudest are mixed), and the driver counts what comes back (loss =
sequence gaps per leg). Measured after a 1 s warm-up:

- the engine's CPU time (``time.process_time`` of its process: receive path, mixer, send),
  as % of one core per participant;
- frame timing: each frame's send time minus its slot (``engine.timing_errors``), p50 / p99
  / max — the goal is the largest room at p99 < 5 ms;
- the mixer alone: µs per 20 ms tick for the room (decode, sum, encode; no sockets).

The load average at the start is printed beside the figures, since the machine is shared.
Not a test; figures go into BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import multiprocessing
import os
import socket
import statistics
import struct
import time
from typing import Any

from vaxel.media.backend import RemoteMedia
from vaxel.media.engine import BuiltinMediaBackend
from vaxel.media.g711 import ulaw_encode
from vaxel.media.mixer import Mixer
from vaxel.media.tones import tone_pcm

SIZES = (5, 10, 20, 50, 100)
SECONDS = 10.0
WARM_UP_S = 1.0
SLOTS = 10
PORTS = (10000, 19998)
"""Even ports outside the kernel's ephemeral range, where tests find their free ports."""


def _tone_frames(index: int) -> list[bytes]:
    """One second of phone ``index``'s own tone as 50 µ-law frames."""
    pcm = ulaw_encode(tone_pcm((300.0 + 37.0 * index,), 1000, 3000))
    return [pcm[k : k + 160] for k in range(0, 8000, 160)]


def _driver(
    to_engine: Any, to_driver: Any, results: Any, seconds: float, talking: list[bool]
) -> None:
    """All the phones: send on an absolute 20 ms schedule, count what comes back."""
    if len(os.sched_getaffinity(0)) > 1:
        os.sched_setaffinity(0, {0})
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 * 1024 * 1024)
    sock.bind(("127.0.0.1", 0))
    sock.setblocking(False)
    to_engine.put(sock.getsockname()[1])
    ports: list[int] = to_driver.get(timeout=60)
    phases = [ports[k::SLOTS] for k in range(SLOTS)]
    silence = [b"\xff" * 160] * 50
    frames = {port: _tone_frames(n % 40) if talking[n] else silence for n, port in enumerate(ports)}
    counters = {port: [n * 7919 & 0xFFFF, n * 104729, 0] for n, port in enumerate(ports)}
    last: dict[int, int] = {}
    received = lost = 0
    start = time.monotonic()
    measure_from = start + WARM_UP_S
    stop = measure_from + seconds
    due, phase = start, 0
    while True:
        now = time.monotonic()
        if now >= due:
            if now >= stop:
                break
            for port in phases[phase]:
                counter = counters[port]
                counter[0] = (counter[0] + 1) & 0xFFFF
                counter[1] = (counter[1] + 160) & 0xFFFFFFFF
                counter[2] = (counter[2] + 1) % 50
                header = struct.pack("!BBHII", 0x80, 0, counter[0], counter[1], port)
                with contextlib.suppress(BlockingIOError):
                    sock.sendto(header + frames[port][counter[2]], ("127.0.0.1", port))
            due += 0.020 / SLOTS
            phase = (phase + 1) % SLOTS
        while True:
            try:
                data, source = sock.recvfrom(2048)
            except BlockingIOError:
                break
            sequence = struct.unpack_from("!H", data, 2)[0]
            port = source[1]
            previous = last.get(port)
            if previous is not None and now >= measure_from:
                received += 1
                gap = (sequence - previous) & 0xFFFF
                if 1 < gap < 1000:
                    lost += gap - 1
            last[port] = sequence
        time.sleep(0.0005)
    results.put({"received": received, "lost": lost})


async def _engine(size: int, rooms: int, seconds: float, driver_port: int, ports: Any) -> dict:
    engine = BuiltinMediaBackend(
        lambda prompt: b"", lambda event: None, ports=PORTS, media_timeout_s=None
    )
    remote = RemoteMedia("127.0.0.1", driver_port, 0, "PCMU")
    endpoints = []
    for room in range(rooms):
        for index in range(size):
            endpoint = engine.allocate(f"r{room}p{index}")
            engine.set_remote(endpoint.endpoint_id, remote)
            engine.join_room(endpoint.endpoint_id, f"bench/room-{room}")
            endpoints.append(endpoint)
    ports.put([endpoint.port for endpoint in endpoints])
    gc.collect()
    gc.freeze()
    await asyncio.sleep(WARM_UP_S)
    engine.timing_errors.clear()
    cpu, wall = time.process_time(), time.monotonic()
    await asyncio.sleep(seconds)
    cpu, wall = time.process_time() - cpu, time.monotonic() - wall
    errors = sorted(engine.timing_errors)
    await engine.close()
    gc.unfreeze()
    participants = size * rooms
    return {
        "participants": participants,
        "core_percent": round(100 * cpu / wall, 1),
        "core_percent_per_participant": round(100 * cpu / wall / participants, 3),
        "p50_ms": round(1000 * errors[len(errors) // 2], 2) if errors else None,
        "p99_ms": round(1000 * errors[int(len(errors) * 0.99)], 2) if errors else None,
        "max_ms": round(1000 * errors[-1], 2) if errors else None,
        "frames": len(errors),
    }


def _mixer_tick_us(size: int, ticks: int = 500) -> float:
    """The mixer alone: µs per tick with every participant talking."""
    mixer = Mixer()
    tones = [_tone_frames(index % 40) for index in range(size)]
    for index in range(size):
        mixer.add(str(index), "u" if index % 2 else "a")
    started = time.process_time()
    for tick in range(ticks):
        for index in range(size):
            mixer.put(str(index), tones[index][tick % 50])
        mixer.mix()
    return round(1e6 * (time.process_time() - started) / ticks, 1)


def run(size: int, rooms: int, seconds: float, talking: int | None = None) -> dict[str, Any]:
    speakers = [talking is None or index < talking for index in range(size)] * rooms
    context = multiprocessing.get_context("spawn")
    to_engine, to_driver, results = context.Queue(), context.Queue(), context.Queue()
    driver = context.Process(
        target=_driver, args=(to_engine, to_driver, results, seconds, speakers)
    )
    driver.start()
    try:
        driver_port = to_engine.get(timeout=60)
        if len(os.sched_getaffinity(0)) > 1:
            os.sched_setaffinity(0, {1})
        row = asyncio.run(_engine(size, rooms, seconds, driver_port, to_driver))
        row.update(results.get(timeout=seconds + 60))
    finally:
        driver.join(timeout=10)
        if driver.is_alive():
            driver.kill()
    row.update(
        {
            "size": size,
            "rooms": rooms,
            "talking": size if talking is None else min(size, talking),
            "mixer_us_per_tick": _mixer_tick_us(size),
        }
    )
    return row


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.conference")
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--rooms", type=int, default=1, help="rooms of each size at once")
    parser.add_argument("--talking", type=int, default=None, help="talkers a room (all)")
    parser.add_argument("--seconds", type=float, default=SECONDS)
    parser.add_argument("--json", action="store_true")
    arguments = parser.parse_args()
    load = os.getloadavg()
    rows = [
        run(size, arguments.rooms, arguments.seconds, arguments.talking) for size in arguments.sizes
    ]
    if arguments.json:
        print(json.dumps({"load_average": load, "rows": rows}, indent=2))
        return 0
    print(f"load average at start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(
        "| room size × rooms | talking | % core | % core per participant | mixer µs/tick "
        "| p50 ms | p99 ms | max ms | lost |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print(
            f"| {row['size']} × {row['rooms']} | {row['talking']} | {row['core_percent']} "
            f"| {row['core_percent_per_participant']} | {row['mixer_us_per_tick']} "
            f"| {row['p50_ms']} | {row['p99_ms']} | {row['max_ms']} | {row['lost']} |"
        )
    median = statistics.median(row["core_percent_per_participant"] for row in rows)
    print(f"median % of a core per participant: {median:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
