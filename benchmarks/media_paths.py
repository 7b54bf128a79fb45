"""The media engine's two hot paths alone, as CPU time per packet (issue 11, Benchmarks).

``python -m benchmarks.media_paths [--callers 1000] [--rounds 200] [--packets 20000]``
``python -m benchmarks.media_paths --talk [--callers 1000] [--rounds 160] [--repeats 3]``

Queue: ``callers`` endpoints playing music, every phase of the ticker run ``rounds`` times
(one frame each per round, sent to a sink socket). Bridge: one bridged pair, ``packets``
packets written into leg A's socket by a "phone", ``batch`` at a time, and relayed to leg B's
phone by calling the receive path as the loop would on its wake-ups. Real
sockets on 127.0.0.1 but no event loop and no timer, so the figure is the engine's own work
per packet (CPU time of this process); it moves far less with the machine's load than the
wall-clock benchmarks (``media_queue``, ``media_bridge``), and under ``valgrind
--tool=callgrind`` it gives instruction counts that do not move at all.
Not a test; figures go into BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import socket
import struct
import time

from vaxel.media.backend import RemoteMedia
from vaxel.media.engine import BuiltinMediaBackend
from vaxel.media.engine_ticker import SLOTS

PORTS = (10000, 19998)
"""Even ports outside the kernel's ephemeral range, where tests find their free ports."""


def _sink() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 * 1024 * 1024)
    sock.bind(("127.0.0.1", 0))
    sock.setblocking(False)
    return sock


def _drain(sock: socket.socket) -> int:
    count = 0
    while True:
        try:
            sock.recv(2048)
        except BlockingIOError:
            return count
        count += 1


async def _queue(callers: int, rounds: int) -> dict[str, float]:
    sink = _sink()
    engine = BuiltinMediaBackend(lambda prompt: bytes(8000), lambda event: None, ports=PORTS)
    remote = RemoteMedia("127.0.0.1", sink.getsockname()[1], 0, "PCMU")
    for n in range(callers):
        endpoint = engine.allocate(f"q{n}")
        engine.set_remote(endpoint.endpoint_id, remote)
        engine.play(endpoint.endpoint_id, ["music"])
    gc.collect()
    gc.freeze()
    tick = engine._ticker.tick
    cpu = 0.0
    frames = 0
    for _ in range(rounds):
        started = time.process_time()
        for phase in range(SLOTS):
            tick(time.monotonic(), phase)
        cpu += time.process_time() - started
        frames += _drain(sink)
    await engine.close()
    sink.close()
    gc.unfreeze()
    return {"frames": frames, "us_per_frame": round(1e6 * cpu / max(1, frames), 2)}


async def _talking_queue(callers: int, rounds: int, filtered: bool) -> dict[str, float]:
    """Queued callers whose phones talk (one packet per caller per 20 ms, from the address
    their SDP names, so the legs lock): the CPU time of each phase's frames and of reading
    what the phones sent (``engine_listen``), per caller per 20 ms; ``filtered``: the kernel
    drops most of that audio (``engine_filter``)."""
    phone = _sink()
    engine = BuiltinMediaBackend(
        lambda prompt: bytes(8000), lambda event: None, ports=PORTS, filter_queued_audio=filtered
    )
    remote = RemoteMedia("127.0.0.1", phone.getsockname()[1], 0, "PCMU")
    legs: list[list[tuple[str, int]]] = [[] for _ in range(SLOTS)]
    for n in range(callers):
        endpoint = engine.allocate(f"t{n}")
        engine.set_remote(endpoint.endpoint_id, remote)
        engine.play(endpoint.endpoint_id, ["music"])
    for leg in engine._legs.values():
        legs[engine._ticker._phase_of[leg]].append(("127.0.0.1", leg.endpoint.port))
    listeners = engine._listeners
    tick = engine._ticker.tick
    payload = bytes(160)
    gc.collect()
    gc.freeze()
    cpu = 0.0
    frames = read = 0
    for round_ in range(rounds + 2):  # two rounds to lock the legs, not timed
        header = struct.pack("!BBHII", 0x80, 0, round_ & 0xFFFF, (160 * round_) & 0xFFFFFFFF, 7)
        received = engine.stats["received"]
        for phase in range(SLOTS):
            for address in legs[phase]:
                phone.sendto(header + payload, address)
            started = time.process_time()
            tick(time.monotonic(), phase)
            listeners.drain(phase)
            if round_ >= 2:
                cpu += time.process_time() - started
        if round_ >= 2:
            frames += _drain(phone)
            read += engine.stats["received"] - received
        else:
            _drain(phone)
    await engine.close()
    phone.close()
    gc.unfreeze()
    return {
        "frames": frames,
        "read": read,
        "us_per_caller_period": round(1e6 * cpu / max(1, frames), 2),
    }


async def _bridge(packets: int, batch: int) -> dict[str, float]:
    phone_a, phone_b = _sink(), _sink()
    engine = BuiltinMediaBackend(lambda prompt: b"", lambda event: None, ports=PORTS)
    a, b = engine.allocate("a"), engine.allocate("b")
    engine.set_remote(a.endpoint_id, RemoteMedia("127.0.0.1", phone_a.getsockname()[1], 0, "PCMU"))
    engine.set_remote(b.endpoint_id, RemoteMedia("127.0.0.1", phone_b.getsockname()[1], 0, "PCMU"))
    engine.bridge(a.endpoint_id, b.endpoint_id)
    leg = engine._legs[a.endpoint_id]
    readable = engine._receiver.readable
    payload = bytes(160)
    gc.collect()
    gc.freeze()
    cpu = 0.0
    relayed = 0
    for first in range(0, packets, batch):
        waiting = range(first, min(packets, first + batch))
        for n in waiting:
            header = struct.pack("!BBHII", 0x80, 0, n & 0xFFFF, (160 * n) & 0xFFFFFFFF, 4242)
            phone_a.sendto(header + payload, ("127.0.0.1", a.port))
        started = time.process_time()
        for _ in waiting:  # the loop's readiness is level-triggered: one wake-up each
            readable(leg)
        cpu += time.process_time() - started
        relayed += _drain(phone_b)
    await engine.close()
    phone_a.close()
    phone_b.close()
    gc.unfreeze()
    return {"relayed": relayed, "us_per_packet": round(1e6 * cpu / max(1, relayed), 2)}


def measure(
    callers: int = 1000, rounds: int = 200, packets: int = 20000, batch: int = 1
) -> dict[str, object]:
    async def both() -> dict[str, object]:
        return {"queue": await _queue(callers, rounds), "bridge": await _bridge(packets, batch)}

    return asyncio.run(both())


def talking(
    callers: int = 1000,
    rounds: int = 160,
    repeats: int = 3,
    variants: tuple[bool, ...] = (False, True),
) -> list[dict[str, object]]:
    """The talking queue without and with the kernel filter (``variants``), alternated
    ``repeats`` times (so a change of the machine's load falls on both)."""
    rows: list[dict[str, object]] = []
    for repeat in range(repeats):
        for filtered in variants:
            row = asyncio.run(_talking_queue(callers, rounds, filtered))
            rows.append({"repeat": repeat + 1, "filtered": filtered, **row})
            print(json.dumps(rows[-1]), flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.media_paths")
    parser.add_argument("--callers", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--packets", type=int, default=20000)
    parser.add_argument(
        "--batch",
        type=int,
        default=1,
        help="packets waiting per wake-up (1: a phone's packet every 20 ms meets an idle engine)",
    )
    parser.add_argument(
        "--talk",
        action="store_true",
        help="only the queue whose phones talk, kernel filter off and on, alternated",
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--filter",
        choices=("both", "on", "off"),
        default="both",
        help="with --talk: which variants (one alone for callgrind's instruction counts)",
    )
    args = parser.parse_args()
    if args.talk:
        variants = {"both": (False, True), "on": (True,), "off": (False,)}[args.filter]
        talking(args.callers, args.rounds, args.repeats, variants)
        return
    print(json.dumps(measure(args.callers, args.rounds, args.packets, args.batch)))


if __name__ == "__main__":
    main()
