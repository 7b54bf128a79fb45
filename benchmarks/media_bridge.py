"""Bridged calls on the built-in media engine: the relay path (issue 3, RFC 3550 §5.1).

``python -m benchmarks.media_bridge [--pairs 250 500 1000] [--seconds 10] [--json]``

The engine runs pinned to core 1 with N bridged pairs (2N legs); a driver process on core 0
plays all 2N phones. Every 20 ms each phone sends a 172-byte PCMU packet; the engine relays
it onto the other leg's own stream, back to the driver. Reported: the engine's CPU (share of
its core, and per relayed packet), the relayed rate against the sent rate, and for a sample
of pairs the one-way relay latency (driver send → engine → driver receive; the payload
carries the send time, ``time.monotonic_ns``, a clock the processes of a machine share) and
loss (sequence gaps per outgoing SSRC: the relay keeps the sender's gaps, issue 11 §3).

The driver must not be what is measured (issue 11: at 1,000 pairs the old driver, which
built a packet for each phone and read every relayed packet in Python, was 98 % busy and
a third of the packets were never relayed). So it does the least a phone can:

- the phones of one 2 ms phase all send the same bytes (one header and time stamp per phase,
  written into one buffer): each leg hears one phone, so one sequence counter per phase is a
  valid stream for each, and a phase is one ``sendmmsg`` call per socket with the addresses
  made once (``benchmarks.mmsg``; a ``sendto`` loop where there is no ``sendmmsg``);
- only every ``SAMPLE_EVERY``-th pair talks to the socket the driver reads (latency and loss
  are measured on those; their packets go first in each phase, so the stamp is fresh); the
  other phones send from, and are relayed to, a socket nobody reads, with a small receive
  buffer, whose overflow the kernel drops. The engine's send is the same whether or not the
  datagram is read; on loopback a little of the receiving kernel's work lands on the
  engine's core (as it never does for a phone on another machine), which is why this is fair
  to both: the relayed rate is counted by the engine for every pair.

A row is **INVALID** — printed as such, with the reason, and ``main`` exits 1 — when it
cannot measure the engine: the engine's window was sampled late, the engine or the driver
waited for its core longer than ``MAX_WAIT_SHARE`` of the window (``benchmarks.starvation``:
other work held it), or the driver sent less than its schedule (it was starved itself).
``loop_late_max_ms`` is how late the engine's event loop ran a timer in the window — what
its ticker (queued callers' music, media timeouts) would suffer beside this relaying.
A valid row is ``ok`` when the engine relayed ≥ 99.9 % of what was sent with no loss and a
p99 relay latency under ``P99_LIMIT_MS``, else ``over capacity``.

Both legs use PCMU so the send time in the payload survives; ``--transcode`` makes the B
legs PCMA to measure the cost of the PCMU↔PCMA tables (latency is then not measured).
"""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import gc
import json
import multiprocessing
import os
import select
import socket
import struct
import threading
import time
from collections.abc import Callable
from typing import Any

from benchmarks import mmsg
from benchmarks.starvation import MAX_WAIT_SHARE, main_thread_schedstat
from vaxel.media.backend import RemoteMedia

PAIRS = (250, 500, 1000)
SECONDS = 10.0
WARM_UP_S = 1.0
SLOTS = 10  # the driver spreads its phones over ten phases of 20 ms, like the engine
SAMPLE_EVERY = 10
"""Every tenth pair is measured (latency, loss) by the driver; all are counted by the engine."""
ENGINE_PORTS = (10000, 19998)
"""Even ports outside the kernel's ephemeral range, where tests find their free ports."""
WINDOW_LATE_MS = 20.0
"""The engine's window sampled later than this: the row is INVALID."""
P99_LIMIT_MS = 5.0
"""A bridge keeps up when its p99 relay latency (driver → engine → driver) is below this."""
_HEADER = struct.Struct("!BBHII")
_STAMP = struct.Struct("!Q")
_FILLER = b"\xff" * (160 - _STAMP.size)


def sampled(pair: int) -> bool:
    return pair % SAMPLE_EVERY == 0


def _socket(receive_buffer: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    sock.bind(("127.0.0.1", 0))
    sock.setblocking(False)
    return sock


def _phase_senders(
    measured: socket.socket, unread: socket.socket, ports: list[int]
) -> list[tuple[Any, list[Callable[[], int]]]]:
    """Per phase of the 20 ms period: the packet buffer its phones send (rewritten in place
    each time) and its senders — the sampled phones' first, from the socket that is read.

    With ``sendmmsg`` (``benchmarks.mmsg``) a sender is one system call for all the phones
    of a phase on one socket; without it, a ``sendto`` loop with ready addresses."""
    phases: list[tuple[list[tuple[str, int]], list[tuple[str, int]]]] = [
        ([], []) for _ in range(SLOTS)
    ]
    for index, port in enumerate(ports):  # a0, b0, a1, b1, …
        phases[index % SLOTS][0 if sampled(index // 2) else 1].append(("127.0.0.1", port))
    senders = []
    for to_sample, others in phases:
        packet = ctypes.create_string_buffer(_HEADER.size + _STAMP.size + len(_FILLER))
        packet[_HEADER.size + _STAMP.size :] = _FILLER
        batches = []
        for sock, addresses in ((measured, to_sample), (unread, others)):
            if not addresses:
                continue
            if mmsg.available():
                batches.append(mmsg.BatchSender(sock, addresses, packet).send)
            else:
                batches.append(_sendto_loop(sock, addresses, packet))
        senders.append((packet, batches))
    return senders


def _sendto_loop(
    sock: socket.socket, addresses: list[tuple[str, int]], packet: Any
) -> Callable[[], int]:
    def send() -> int:
        data, send_to, count = bytes(packet), sock.sendto, 0
        try:
            for address in addresses:
                send_to(data, address)
                count += 1
        except BlockingIOError:
            pass
        return count

    return send


def _driver(to_engine: Any, to_driver: Any, results: Any, seconds: float) -> None:
    """All the phones: send on an absolute 20 ms schedule, measure the sample's returns."""
    os.sched_setaffinity(0, {0})
    measured = _socket(16 * 1024 * 1024)
    unread = _socket(4096)  # the kernel's minimum: relayed packets are dropped, not kept
    to_engine.put((measured.getsockname()[1], unread.getsockname()[1]))
    ports, measure_from = to_driver.get(timeout=60)  # a0, b0, a1, b1, …; the window's start
    senders = _phase_senders(measured, unread, ports)
    counters = [[phase * 7919 & 0xFFFF, phase * 104729] for phase in range(SLOTS)]
    last: dict[int, int] = {}
    latencies: list[int] = []
    lags: list[float] = []
    """How late each phase was sent in the window: the driver's own schedule."""
    received = lost = sent = 0
    stop = measure_from + seconds
    due, phase = time.monotonic(), 0
    cpu_at_start: float | None = None
    schedstat = main_thread_schedstat()
    receive, pack_header, pack_stamp = measured.recv, _HEADER.pack_into, _STAMP.pack_into
    while (now := time.monotonic()) < stop:
        if now >= due:
            if cpu_at_start is None and now >= measure_from:
                cpu_at_start = time.process_time()
                schedstat.start()
            counter = counters[phase]
            counter[0] = sequence = (counter[0] + 1) & 0xFFFF
            counter[1] = timestamp = (counter[1] + 160) & 0xFFFFFFFF
            packet, batches = senders[phase]
            pack_header(packet, 0, 0x80, 0, sequence, timestamp, 0x5EED0000 + phase)
            pack_stamp(packet, _HEADER.size, time.monotonic_ns())
            count = 0
            for send in batches:
                count += send()
            if now >= measure_from:
                sent += count
                lags.append(now - due)
            due += 0.020 / SLOTS
            phase = (phase + 1) % SLOTS
        else:
            select.select([measured], [], [], due - now)
        while True:  # after every phase's sends too: a driver behind its schedule still reads
            try:
                data = receive(2048)
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
    schedstat.stop()
    latencies.sort()
    lags.sort()
    # If the driver saturates its core, the figures are its own: say how busy it was.
    driver_cpu = (time.process_time() - (cpu_at_start or 0.0)) / seconds
    row: dict[str, Any] = {
        "sent": sent,
        "expected": int(len(ports) * seconds / 0.020),
        "sampled_received": received,
        "lost": lost,
        "driver_cpu_share": round(driver_cpu, 3),
        "driver_waited_share": round(schedstat.waited_s / seconds, 3),
        "driver_lag_p99_ms": round(1000 * lags[int(len(lags) * 0.99)], 3) if lags else None,
        "driver_batched": mmsg.available(),
    }
    if latencies:
        row |= {
            "p50_ms": round(latencies[len(latencies) // 2] / 1e6, 3),
            "p99_ms": round(latencies[int(len(latencies) * 0.99)] / 1e6, 3),
            "max_ms": round(latencies[-1] / 1e6, 3),
        }
    results.put(row)


def _sample_window(
    stats: dict[str, int], measure_from: float, seconds: float, into: dict[str, Any]
) -> None:
    """The engine's counters and CPU at the window's start and end (see ``_engine``)."""
    schedstat = main_thread_schedstat()
    time.sleep(max(0.0, measure_from - time.monotonic()))
    started = time.monotonic()
    cpu, received, relayed = time.process_time(), stats["received"], stats["sent"]
    schedstat.start()
    stop = measure_from + seconds
    time.sleep(max(0.0, stop - time.monotonic()))
    ended = time.monotonic()
    cpu = time.process_time() - cpu
    received, relayed = stats["received"] - received, stats["sent"] - relayed
    schedstat.stop()
    window = ended - started
    into |= {
        "cpu_share": round(cpu / window, 3),
        "cpu_us_per_packet": round(1e6 * cpu / max(1, relayed), 2),
        "received_per_s": round(received / window),
        "relayed_per_s": round(relayed / window),
        "window_late_ms": round(1000 * max(started - measure_from, ended - stop), 1),
        "engine_waited_share": round(schedstat.waited_s / window, 3),
    }


def _engine(
    pairs: int,
    to_engine: Any,
    to_driver: Any,
    seconds: float,
    transcode: bool,
    ports: tuple[int, int],
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
        engine = BuiltinMediaBackend(lambda prompt: b"", lambda event: None, ports=ports)
        measured_port, unread_port = to_engine.get(timeout=60)
        legs = []
        for n in range(pairs):
            phone = measured_port if sampled(n) else unread_port
            a, b = engine.allocate(f"a{n}"), engine.allocate(f"b{n}")
            engine.set_remote(a.endpoint_id, RemoteMedia("127.0.0.1", phone, 0, "PCMU"))
            codec, payload_type = ("PCMA", 8) if transcode else ("PCMU", 0)
            engine.set_remote(b.endpoint_id, RemoteMedia("127.0.0.1", phone, payload_type, codec))
            engine.bridge(a.endpoint_id, b.endpoint_id)
            legs += [a.port, b.port]
        gc.collect()
        gc.freeze()  # as vaxel.app does after start-up
        # One window on the clock both processes share: the driver counts what it sends in
        # it, the engine what it receives and relays. The engine's side is sampled by a
        # thread, not by a timer of the loop under test: an engine flooded with readable
        # sockets runs its timers late (the window of 7 December began 11–14 s late and the
        # row said 0 % relayed); the thread is late only by the interpreter's switch
        # interval, and says by how much.
        measure_from = time.monotonic() + WARM_UP_S
        window: dict[str, float] = {}
        sampler = threading.Thread(
            target=_sample_window, args=(engine.stats, measure_from, seconds, window)
        )
        sampler.start()
        to_driver.put((legs, measure_from))
        loop_late = 0.0  # the loop's timers under the load: what the ticker would suffer
        while sampler.is_alive():
            due = time.monotonic() + 0.05
            await asyncio.sleep(0.05)
            woke = time.monotonic()
            if woke >= measure_from and due <= measure_from + seconds:  # overlaps the window
                loop_late = max(loop_late, woke - due)
        await engine.close()
        return window | {"loop_late_max_ms": round(1000 * loop_late, 1)}

    row: dict[str, float] = runner(main())
    return row


def measure(
    pairs: tuple[int, ...] = PAIRS,
    seconds: float = SECONDS,
    transcode: bool = False,
    ports: tuple[int, int] = ENGINE_PORTS,
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
        engine = _engine(count, to_engine, to_driver, seconds, transcode, ports)
        seen = results.get(timeout=seconds + 60)
        driver.join()
        row: dict[str, object] = {"pairs": count, "legs": 2 * count, **engine, **seen}
        sent_per_s = seen["sent"] / seconds
        row["relayed_of_sent"] = round(engine["relayed_per_s"] / max(1.0, sent_per_s), 3)
        if transcode:
            for key in ("p50_ms", "p99_ms", "max_ms"):
                row.pop(key, None)  # the payload was transcoded: its send stamp is gone
        row["verdict"] = verdict(row)
        rows.append(row)
    return rows


def invalid_reasons(row: dict[str, Any]) -> list[str]:
    """Why a row does not measure the engine (empty: it does)."""
    reasons = []
    if row["window_late_ms"] > WINDOW_LATE_MS:
        reasons.append(f"engine window late by {row['window_late_ms']:.0f} ms")
    if row["engine_waited_share"] > MAX_WAIT_SHARE:
        reasons.append(f"engine waited {row['engine_waited_share']:.0%} for its core")
    if row["driver_waited_share"] > MAX_WAIT_SHARE:
        reasons.append(f"driver waited {row['driver_waited_share']:.0%} for its core")
    if row["sent"] < 0.99 * row["expected"]:
        reasons.append(f"driver sent {row['sent'] / max(1, row['expected']):.1%} of its schedule")
    return reasons


def verdict(row: dict[str, Any]) -> str:
    """``INVALID: …``, ``ok`` or ``over capacity`` (see the module docstring)."""
    reasons = invalid_reasons(row)
    if reasons:
        return "INVALID: " + "; ".join(reasons)
    keeps_up = row["relayed_of_sent"] >= 0.999 and row["lost"] == 0
    if "p99_ms" in row:
        keeps_up = keeps_up and row["p99_ms"] < P99_LIMIT_MS
    return "ok" if keeps_up else "over capacity"


def port_range(text: str) -> tuple[int, int]:
    """``10000-19998``, or ``0``: ports the kernel picks (for runs beside other work)."""
    low, _, high = text.partition("-")
    return int(low), int(high or low)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.media_bridge")
    parser.add_argument("--pairs", type=int, nargs="+", default=list(PAIRS))
    parser.add_argument("--seconds", type=float, default=SECONDS)
    parser.add_argument("--transcode", action="store_true", help="B legs PCMA")
    parser.add_argument(
        "--engine-ports", type=port_range, default=ENGINE_PORTS, help="LOW-HIGH, or 0"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = measure(tuple(args.pairs), args.seconds, args.transcode, args.engine_ports)
    invalid = any(str(row["verdict"]).startswith("INVALID") for row in rows)
    if args.json:
        print(json.dumps(rows, indent=2))
        return 1 if invalid else 0
    print(f"{'pairs':>6}{'legs':>6}{'cpu':>7}{'µs/pkt':>8}{'p50 ms':>9}{'p99 ms':>9}"
          f"{'max ms':>9}{'relayed':>9}{'lost':>6}{'driver':>8}  verdict")  # fmt: skip
    for row in rows:
        if str(row["verdict"]).startswith("INVALID"):
            print(f"{row['pairs']:>6}{row['legs']:>6}  {row['verdict']}")
            continue
        print(
            f"{row['pairs']:>6}{row['legs']:>6}{row['cpu_share']:>7.0%}"
            f"{row['cpu_us_per_packet']:>8.1f}{row.get('p50_ms', '-'):>9}"
            f"{row.get('p99_ms', '-'):>9}{row.get('max_ms', '-'):>9}"
            f"{row['relayed_of_sent']:>9.1%}{row['lost']:>6}{row['driver_cpu_share']:>8.0%}"
            f"  {row['verdict']}"
        )
    print(json.dumps(rows))
    return 1 if invalid else 0


if __name__ == "__main__":
    raise SystemExit(main())
