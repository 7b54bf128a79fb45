"""Bridged calls on the built-in media engine: the relay path (issue 3, RFC 3550 §5.1).

``python -m benchmarks.media_bridge [--pairs 50 125 250 375] [--seconds 10] [--json]``

The engine runs pinned to one core with N bridged pairs (2N legs). A driver process on the
other core plays all 2N phones from ONE UDP socket: every 20 ms each phone sends a PCMU
packet whose payload starts with its send time (``time.monotonic_ns``; CLOCK_MONOTONIC is
shared by the processes of one machine). Symmetric RTP makes every leg answer that socket,
so the driver sees what each leg relays: one-way relay latency (driver send → engine
receive, rewrite onto the peer's stream → driver receive), loss (sequence gaps per outgoing
SSRC) and the engine's CPU time per relayed packet.

Both legs use PCMU so the send time in the payload survives; ``--transcode`` makes the B
legs PCMA to measure the cost of the PCMU↔PCMA tables (latency is then not measured).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import multiprocessing
import os
import select
import socket
import struct
import time
from collections.abc import Callable
from typing import Any

from vaxel.media.backend import RemoteMedia

PAIRS = (50, 125, 250, 375)
SECONDS = 10.0
WARM_UP_S = 1.0
SLOTS = 10  # the driver spreads its phones over ten phases of 20 ms, like the engine
_STAMP = struct.Struct("!Q")


def _driver(to_engine: Any, to_driver: Any, results: Any, seconds: float) -> None:
    """All the phones: send on an absolute 20 ms schedule, measure what comes back."""
    os.sched_setaffinity(0, {0})
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 * 1024 * 1024)
    sock.bind(("127.0.0.1", 0))
    sock.setblocking(False)
    to_engine.put(sock.getsockname()[1])
    ports: list[int] = to_driver.get(timeout=60)
    phases = [ports[k::SLOTS] for k in range(SLOTS)]
    counters = {port: [n * 7919 & 0xFFFF, n * 104729] for n, port in enumerate(ports)}
    filler = b"\xff" * (160 - _STAMP.size)
    last: dict[int, int] = {}
    latencies: list[int] = []
    received = lost = sent = 0
    start = time.monotonic()
    measure_from = start + WARM_UP_S
    stop = measure_from + seconds
    due, phase = start, 0
    cpu_at_start: float | None = None
    while True:
        now = time.monotonic()
        if now >= due:
            if now >= stop:
                break
            if cpu_at_start is None and now >= measure_from:
                cpu_at_start = time.process_time()
            for port in phases[phase]:
                counter = counters[port]
                counter[0] = (counter[0] + 1) & 0xFFFF
                counter[1] = (counter[1] + 160) & 0xFFFFFFFF
                header = struct.pack("!BBHII", 0x80, 0, counter[0], counter[1], port)
                stamp = _STAMP.pack(time.monotonic_ns())
                try:
                    sock.sendto(header + stamp + filler, ("127.0.0.1", port))
                    sent += now >= measure_from
                except BlockingIOError:
                    pass
            due += 0.020 / SLOTS
            phase = (phase + 1) % SLOTS
            continue
        select.select([sock], [], [], due - now)
        while True:
            try:
                data = sock.recv(2048)
            except BlockingIOError:
                break
            arrived = time.monotonic_ns()
            ssrc, sequence = int.from_bytes(data[8:12], "big"), int.from_bytes(data[2:4], "big")
            previous = last.get(ssrc)
            last[ssrc] = sequence
            if arrived < measure_from * 1e9:
                continue
            if previous is not None:
                lost += max(0, ((sequence - previous) & 0xFFFF) - 1)
            received += 1
            if data[1] & 0x7F == 0:
                latencies.append(arrived - _STAMP.unpack_from(data, 12)[0])
    latencies.sort()
    # The driver does twice the engine's socket calls: if it saturates, the figures are its own.
    driver_cpu = (time.process_time() - (cpu_at_start or 0.0)) / seconds
    row: dict[str, float] = {
        "sent": sent,
        "received": received,
        "lost": lost,
        "driver_cpu_share": round(driver_cpu, 3),
    }
    if latencies:
        row |= {
            "p50_ms": round(latencies[len(latencies) // 2] / 1e6, 3),
            "p99_ms": round(latencies[int(len(latencies) * 0.99)] / 1e6, 3),
            "max_ms": round(latencies[-1] / 1e6, 3),
        }
    results.put(row)


def _engine(
    pairs: int, to_engine: Any, to_driver: Any, seconds: float, transcode: bool
) -> dict[str, float]:
    os.sched_setaffinity(0, {1} if (os.cpu_count() or 1) > 1 else {0})
    from vaxel.media.engine import BuiltinMediaBackend

    runner: Callable[..., Any] = asyncio.run
    try:
        import uvloop

        runner = uvloop.run
    except ImportError:
        pass

    async def main() -> dict[str, float]:
        engine = BuiltinMediaBackend(lambda prompt: b"", lambda event: None, ports=(10000, 19998))
        driver_port = to_engine.get(timeout=60)
        legs = []
        for n in range(pairs):
            a, b = engine.allocate(f"a{n}"), engine.allocate(f"b{n}")
            engine.set_remote(a.endpoint_id, RemoteMedia("127.0.0.1", driver_port, 0, "PCMU"))
            codec, payload_type = ("PCMA", 8) if transcode else ("PCMU", 0)
            engine.set_remote(
                b.endpoint_id, RemoteMedia("127.0.0.1", driver_port, payload_type, codec)
            )
            engine.bridge(a.endpoint_id, b.endpoint_id)
            legs += [a.port, b.port]
        gc.collect()
        gc.freeze()  # as vaxel.app does after start-up
        to_driver.put(legs)
        await asyncio.sleep(WARM_UP_S + 0.1)
        cpu, received = time.process_time(), engine.stats["received"]
        await asyncio.sleep(seconds - 0.2)
        cpu, received = time.process_time() - cpu, engine.stats["received"] - received
        await engine.close()
        return {
            "cpu_share": round(cpu / (seconds - 0.2), 3),
            "cpu_us_per_packet": round(1e6 * cpu / max(1, received), 2),
        }

    row: dict[str, float] = runner(main())
    return row


def measure(
    pairs: tuple[int, ...] = PAIRS, seconds: float = SECONDS, transcode: bool = False
) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for count in pairs:
        to_engine: Any = multiprocessing.Queue()
        to_driver: Any = multiprocessing.Queue()
        results: Any = multiprocessing.Queue()
        driver = multiprocessing.Process(
            target=_driver, args=(to_engine, to_driver, results, seconds)
        )
        driver.start()
        engine = _engine(count, to_engine, to_driver, seconds, transcode)
        seen = results.get(timeout=seconds + 60)
        driver.join()
        row: dict[str, object] = {"pairs": count, "legs": 2 * count, **engine, **seen}
        if transcode:
            for key in ("p50_ms", "p99_ms", "max_ms"):
                row.pop(key, None)  # the payload was transcoded: its send stamp is gone
        rows.append(row)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.media_bridge")
    parser.add_argument("--pairs", type=int, nargs="+", default=list(PAIRS))
    parser.add_argument("--seconds", type=float, default=SECONDS)
    parser.add_argument("--transcode", action="store_true", help="B legs PCMA")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = measure(tuple(args.pairs), args.seconds, args.transcode)
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"{'pairs':>6}{'legs':>6}{'cpu':>7}{'µs/pkt':>8}{'p50 ms':>9}{'p99 ms':>9}"
          f"{'max ms':>9}{'sent':>9}{'recv':>9}{'lost':>6}{'driver':>8}")  # fmt: skip
    for row in rows:
        print(
            f"{row['pairs']:>6}{row['legs']:>6}{row['cpu_share']:>7.0%}"
            f"{row['cpu_us_per_packet']:>8.1f}{row.get('p50_ms', '-'):>9}"
            f"{row.get('p99_ms', '-'):>9}{row.get('max_ms', '-'):>9}"
            f"{row['sent']:>9}{row['received']:>9}{row['lost']:>6}{row['driver_cpu_share']:>8.0%}"
        )
    print(json.dumps(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
