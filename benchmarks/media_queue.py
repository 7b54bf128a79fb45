"""Concurrent callers hearing queue music on the built-in media engine (issue 3, Q10).

The engine runs pinned to one core with N endpoints, each playing the music-on-hold prompt
in 20 ms packets to a receiver process on the other core. We report the p99 error of each
packet's send time against its ideal 20 ms slot (measured in the engine) and the loss the
receiver sees (RTP sequence gaps per sending port; a packet older than the newest is counted
as reordered, not as 65,535 lost). Target (issue 11): ≥ 2,000 calls per core with p99 < 5 ms,
no loss, every frame sent. ``python -m benchmarks.media_capacity`` runs this three times.
``talk=True`` (``media_capacity --talk``): the phones also send their 20 ms packets, as a
caller's phone in a queue does — the engine then reads as many packets as it sends, and its
legs lock onto (and connect to) the phones. A row whose engine waited for its core longer
than ``MAX_WAIT_SHARE`` of the window (other work held it: ``benchmarks.starvation``) is
INVALID, whatever its figures.

The endpoints take even ports 10000–19998: outside the kernel's ephemeral range (32768–60999,
where tests get their free ports) and outside the port ranges engineers run servers in.
"""

from __future__ import annotations

import asyncio
import ctypes
import gc
import json
import multiprocessing
import os
import socket
import struct
import time
from typing import Any

from benchmarks import mmsg
from benchmarks.starvation import MAX_WAIT_SHARE, main_thread_schedstat
from benchmarks.tick_trace import TickTrace
from vaxel.media.backend import RemoteMedia
from vaxel.media.player import Comfort

COUNTS = (100, 250, 500, 750, 1000)
SECONDS = 10.0
ENGINE_PORTS = (10000, 19998)
_RTP = struct.Struct("!BBHII")


def _receiver(
    port_queue: multiprocessing.Queue,
    result_queue: multiprocessing.Queue,
    seconds: float,
    talk_queue: multiprocessing.Queue | None = None,
) -> None:
    os.sched_setaffinity(0, {0})
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 * 1024 * 1024)
    sock.bind(("127.0.0.1", 0))
    port_queue.put(sock.getsockname()[1])
    # Polled every 2 ms, never waited on: a receiver blocked in recvfrom is woken by each
    # datagram, and on loopback that wake-up (a cross-core interrupt in a VM) is work done on
    # the engine's core inside its sendto, which no phone on another machine ever costs it.
    sock.setblocking(False)
    talk = _Talk(sock, talk_queue.get(timeout=60)) if talk_queue is not None else None
    last: dict[int, int] = {}
    received = lost = reordered = 0
    deadline = time.monotonic() + seconds + 5
    while time.monotonic() < deadline:
        while True:
            try:
                data, (_, source) = sock.recvfrom(2048)
            except BlockingIOError:
                break
            sequence = int.from_bytes(data[2:4], "big")
            previous = last.get(source)
            received += 1
            if previous is not None:
                step = (sequence - previous) & 0xFFFF
                if step >= 0x8000 or step == 0:
                    reordered += 1
                    continue
                lost += step - 1
            last[source] = sequence
        if talk is not None:
            talk.send()
        time.sleep(0.002)
    result_queue.put(
        {"received": received, "lost": lost, "reordered": reordered, "streams": len(last)}
    )


class _Talk:
    """``--talk``: every caller's phone sends its 20 ms packet of silence, as a real phone
    in a queue does, from the address its SDP names (so the engine locks, and connects, the
    leg). One ``sendmmsg`` per 2 ms phase for a tenth of the callers (``benchmarks.mmsg``)."""

    def __init__(self, sock: socket.socket, ports: list[int]) -> None:
        self.packet = ctypes.create_string_buffer(172)
        self.packet[12:] = b"\xff" * 160
        self.phases = [
            mmsg.BatchSender(sock, [("127.0.0.1", port) for port in ports[phase::10]], self.packet)
            for phase in range(10)
        ]
        self.phase, self.due = 0, time.monotonic()
        self.sequences = [0] * 10
        """Each phase's phones' sequence number: one step per packet, as a phone's."""

    def send(self) -> None:
        """The phases that are due (one, unless late), at most a period's worth: a driver
        whose sends take longer than their 2 ms (a machine busy with other work) skips
        ahead instead of catching up for ever — it once spun here, and its benchmark never
        ended."""
        for _ in range(len(self.phases)):
            if time.monotonic() < self.due:
                return
            self.sequences[self.phase] = sequence = (self.sequences[self.phase] + 1) & 0xFFFF
            _RTP.pack_into(self.packet, 0, 0x80, 0, sequence, 160 * sequence, 7)
            self.phases[self.phase].send()
            self.phase = (self.phase + 1) % 10
            self.due += 0.002
        self.due = max(self.due, time.monotonic())


def _engine(
    count: int,
    sink_port: int,
    seconds: float,
    ports: tuple[int, int] = ENGINE_PORTS,
    talk_queue: multiprocessing.Queue | None = None,
    filtered: bool = True,
    trace: bool = False,
) -> dict[str, Any]:
    os.sched_setaffinity(0, {1} if (os.cpu_count() or 1) > 1 else {0})
    from vaxel.media.engine import BuiltinMediaBackend
    from vaxel.prompts import PromptLibrary

    try:
        import uvloop

        runner = uvloop.run
    except ImportError:
        runner = asyncio.run

    async def main() -> dict[str, Any]:
        engine = BuiltinMediaBackend(
            PromptLibrary().load, lambda event: None, ports=ports, filter_queued_audio=filtered
        )
        endpoints = [engine.allocate(f"bench{n}") for n in range(count)]
        for endpoint in endpoints:
            engine.set_remote(endpoint.endpoint_id, RemoteMedia("127.0.0.1", sink_port, 0, "PCMU"))
            engine.set_comfort(endpoint.endpoint_id, Comfort.MUSIC)
        if talk_queue is not None:
            talk_queue.put([endpoint.port for endpoint in endpoints])
        gc.collect()
        gc.freeze()  # as vaxel.app does after start-up: long-lived objects leave the GC's scans
        schedstat = main_thread_schedstat()
        tracer = TickTrace(engine, schedstat.path) if trace else None
        if tracer is not None:
            tracer.install()
        await asyncio.sleep(1.0)  # warm up
        engine.timing_errors.clear()
        if tracer is not None:
            tracer.clear()
        sent_before, received_before = engine.stats["sent"], engine.stats["received"]
        schedstat.start()
        started, cpu = time.monotonic(), time.process_time()
        await asyncio.sleep(seconds)
        cpu = time.process_time() - cpu
        window = time.monotonic() - started  # the loop's timer may fire late: use the clock
        schedstat.stop()
        traced = {}
        if tracer is not None:
            tracer.uninstall()
            traced = {"trace": tracer.summary()}
        errors = sorted(engine.timing_errors)
        sent = engine.stats["sent"] - sent_before
        heard = engine.stats["received"] - received_before
        connected = sum(getattr(leg, "connected", False) for leg in engine._legs.values())
        await engine.close()
        return {
            "p50_ms": round(1000 * errors[len(errors) // 2], 3),
            "p99_ms": round(1000 * errors[int(len(errors) * 0.99)], 3),
            "max_ms": round(1000 * errors[-1], 3),
            "cpu_share": round(cpu / window, 3),
            # per packet sent or (--talk) read: a talking caller is two packets per 20 ms
            "cpu_us_per_packet": round(1e6 * cpu / max(1, sent + heard), 2),
            # per caller per 20 ms, whatever its phone sends and the kernel lets through
            "cpu_us_per_frame": round(1e6 * cpu / max(1, sent), 2),
            "sent": sent,
            "expected": int(count * window / 0.02),
            "engine_waited_share": round(schedstat.waited_s / window, 3),
            "engine_received": heard,
            "connected_legs": connected,
            **traced,
        }

    return runner(main())


def measure(
    counts: tuple[int, ...] = COUNTS,
    seconds: float = SECONDS,
    engine_ports: tuple[int, int] = ENGINE_PORTS,
    talk: bool = False,
    filtered: bool = True,
    trace: bool = False,
) -> list[dict[str, object]]:
    """``talk``: the callers' phones send RTP too (``_Talk``), as real ones do; ``filtered``
    False: the kernel filter of queued callers' audio is off (``engine_filter``); ``trace``:
    each late phase's cause (``benchmarks.tick_trace``)."""
    rows: list[dict[str, object]] = []
    for count in counts:
        ports: multiprocessing.Queue = multiprocessing.Queue()
        results: multiprocessing.Queue = multiprocessing.Queue()
        talking: multiprocessing.Queue | None = multiprocessing.Queue() if talk else None
        receiver = multiprocessing.Process(
            target=_receiver, args=(ports, results, seconds + 1, talking)
        )
        receiver.start()
        sink = ports.get(timeout=10)
        engine = _engine(count, sink, seconds, engine_ports, talking, filtered, trace)
        receiver.join()
        seen = results.get(timeout=10)
        row = {"calls": count, "filtered": filtered, **engine, **seen}
        complete = engine["sent"] >= 0.999 * engine["expected"]
        row["ok"] = bool(row["p99_ms"] < 5 and seen["lost"] == 0 and complete)
        if engine["engine_waited_share"] > MAX_WAIT_SHARE:
            row["verdict"] = (
                f"INVALID: engine waited {engine['engine_waited_share']:.0%} for its core"
            )
        else:
            row["verdict"] = "ok" if row["ok"] else "not met"
        rows.append(row)
        print(json.dumps(row), flush=True)
    return rows


if __name__ == "__main__":
    measure()
