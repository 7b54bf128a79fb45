"""The media benchmarks' harness: the bridge driver's batched sender and the rows' verdicts.

A figure in BENCHMARKS.md is only as good as the harness: the bridge benchmark of 7 December
printed "0 % relayed" for a window the engine had not even started (issue 11). These pin
that the batched sender delivers what a phone would, and that a row which did not measure
the engine says INVALID instead of a figure.
"""

from __future__ import annotations

import ctypes
import socket
import time
from pathlib import Path
from typing import Any

from benchmarks import media_bridge, mmsg
from benchmarks.media_queue import _Talk
from benchmarks.starvation import main_thread_schedstat
from benchmarks.tick_trace import TickTrace


def _receiver() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(2)
    return sock


def test_batch_sender_sends_the_buffer_as_it_is_now_to_every_address() -> None:
    receivers = [_receiver() for _ in range(3)]
    sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sender.bind(("127.0.0.1", 0))
    packet = ctypes.create_string_buffer(b"first-", 6)
    batch = mmsg.BatchSender(sender, [r.getsockname() for r in receivers], packet)
    try:
        assert batch.send() == 3
        packet[:6] = b"second"  # rewritten in place: the next batch carries the new bytes
        assert batch.send() == 3
        for receiver in receivers:
            assert receiver.recvfrom(64) == (b"first-", sender.getsockname())
            assert receiver.recvfrom(64) == (b"second", sender.getsockname())
    finally:
        for sock in [sender, *receivers]:
            sock.close()


def _row(**changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "window_late_ms": 2.0,
        "engine_waited_share": 0.01,
        "driver_waited_share": 0.02,
        "sent": 1000,
        "expected": 1000,
        "relayed_of_sent": 1.0,
        "lost": 0,
        "p99_ms": 1.2,
    }
    return row | changes


def test_a_row_that_measured_the_engine_is_ok_or_over_capacity() -> None:
    assert media_bridge.verdict(_row()) == "ok"
    assert media_bridge.verdict(_row(relayed_of_sent=0.95)) == "over capacity"
    assert media_bridge.verdict(_row(lost=3)) == "over capacity"
    assert media_bridge.verdict(_row(p99_ms=40.0)) == "over capacity"


def test_a_late_window_or_a_starved_process_makes_the_row_invalid() -> None:
    late = media_bridge.verdict(_row(window_late_ms=11_000.0, relayed_of_sent=0.0))
    assert late == "INVALID: engine window late by 11000 ms"
    starved = media_bridge.verdict(_row(engine_waited_share=0.4, driver_waited_share=0.3, sent=600))
    assert starved.startswith("INVALID: ")
    assert "engine waited 40% for its core" in starved
    assert "driver waited 30% for its core" in starved
    assert "driver sent 60.0% of its schedule" in starved


def test_schedstat_counts_the_time_this_thread_ran() -> None:
    stat = main_thread_schedstat()
    stat.start()
    until = time.process_time() + 0.05
    while time.process_time() < until:
        pass
    stat.stop()
    assert stat.ran_s >= 0.04
    assert stat.waited_s >= 0.0


def test_talking_phones_step_their_sequence_by_one_and_a_late_driver_skips_ahead() -> None:
    """``media_queue --talk``'s phones: each one's RTP sequence number rises by one per packet
    (the kernel filter of queued callers' audio samples by it: issue 11), and a driver far
    behind its schedule returns after a period's worth instead of spinning (it once did,
    and the benchmark never ended)."""
    phones = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    phones.bind(("127.0.0.1", 0))
    legs = [_receiver() for _ in range(20)]
    talk = _Talk(phones, [leg.getsockname()[1] for leg in legs])
    for _ in range(40):  # four periods, phase by phase
        talk.due = time.monotonic()
        talk.send()
    for leg in legs:
        sequences = [int.from_bytes(leg.recv(2048)[2:4], "big") for _ in range(4)]
        assert sequences == [1, 2, 3, 4]
    talk.due = time.monotonic() - 10.0  # ten seconds behind
    started = time.monotonic()
    talk.send()
    assert time.monotonic() - started < 1.0 and talk.due >= started
    phones.close()
    for leg in legs:
        leg.close()


def test_the_tick_trace_names_what_held_a_late_phase_back(tmp_path: Path) -> None:
    """Issue 11 §1: the trace's verdicts are what BENCHMARKS.md's causes rest on. A phase
    due while the phase before still drained 200 sockets was held back by that drain; one
    whose frames a full collection interrupted, by the collection; one on time is no
    late phase."""
    schedstat = tmp_path / "schedstat"
    schedstat.write_text("0 0 0\n")
    trace = TickTrace(object(), str(schedstat))
    trace.rows = [
        # due, woke, frames end, drain end, scan end, ready sockets, waited at woke, at end
        (0.000, 0.0001, 0.0014, 0.0094, 0.0094, 200, 0.0, 0.0),  # a burst drain of 8 ms
        (0.002, 0.0095, 0.0108, 0.0109, 0.0109, 0, 0.0, 0.0),  # 8.8 ms late
        (0.100, 0.1000, 0.1013, 0.1014, 0.1014, 0, 0.0, 0.0),  # on time
        (0.102, 0.1020, 0.1095, 0.1096, 0.1096, 0, 0.0, 0.0),  # 7.5 ms late
    ]
    trace.collections = [(2, 0.1022, 0.1082)]  # a full collection of 6 ms in its frames
    summary = trace.summary()
    trace.uninstall()
    assert summary["late_phases"] == 2
    assert summary["late_by_cause"] == {"drain before": 1, "gc gen 2": 1}
    assert summary["late_after_burst"] == 1
    assert summary["gen2_ms"] == [6.0]
