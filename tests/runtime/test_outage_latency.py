"""While another process holds the database's write lock, the whole server — SIP and HTTP on
one event loop, as ``vaxel demo`` and ``vaxel serve`` run them — keeps answering legitimate
users within 100 ms at the 99th percentile, while callbacks booked through the API get 503
(issue 10 §1, "Done means"). The 100 ms are on top of what the same probes take with
nothing held, so the test measures Växel and not how busy the machine is.

The API's booking runs on the event loop, so a write that waited SQLite's whole lock wait
there held SIP and every page with it; a write on the loop now waits at most
``LOOP_LOCK_WAIT_S`` (50 ms), and readers never wait on a writer that waits on the database.
"""

from __future__ import annotations

import re
import socket
import sqlite3
import threading
import time
import uuid
from pathlib import Path

import httpx
import uvloop

from vaxel.demo import DEMO_API_KEY, DemoSettings, run_demo

HOLD_S = 4.0
"""Long enough for 150+ samples, so p99 is not simply the one slowest answer."""
MIN_SAMPLES = 60
MAX_HOLD_S = 10.0
"""At load 15 a probe takes longer: the lock is held on until there are MIN_SAMPLES."""
QUIET_S = 1.5
"""How long the same probes run first with nothing held, for what the machine adds."""
CALLBACK = {"queue": "kundtjanst", "number": "070-123 45 67"}


def p99(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def options(sip: socket.socket, address: tuple[str, int]) -> float:
    """One SIP OPTIONS round trip in seconds (UDP on 127.0.0.1)."""
    branch = uuid.uuid4().hex
    host, port = sip.getsockname()
    request = (
        f"OPTIONS sip:{address[0]}:{address[1]} SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP {host}:{port};branch=z9hG4bK{branch}\r\n"
        "Max-Forwards: 70\r\n"
        f"From: <sip:probe@{host}>;tag={branch[:8]}\r\n"
        f"To: <sip:{address[0]}>\r\n"
        f"Call-ID: {branch}@{host}\r\n"
        "CSeq: 1 OPTIONS\r\n"
        "Content-Length: 0\r\n\r\n"
    ).encode()
    started = time.perf_counter()
    sip.sendto(request, address)
    while True:
        data, _ = sip.recvfrom(65535)
        if branch.encode() in data:
            assert data.startswith(b"SIP/2.0 200"), data[:40]
            return time.perf_counter() - started


def test_sip_and_pages_answer_within_100_ms_p99_while_the_database_is_locked(
    tmp_path: Path,
) -> None:
    database = tmp_path / "demo.db"
    settings = DemoSettings(
        database_url=f"sqlite:///{database}",
        sip_port=0,
        http_port=0,
        traffic=False,
        duration_s=20.0,  # from when it is up: warm-up, quiet probes, MAX_HOLD_S, retry
        summary_every_s=60.0,
    )
    lines: list[str] = []
    demo = threading.Thread(
        target=lambda: uvloop.run(run_demo(settings, echo=lines.append)), daemon=True
    )
    demo.start()
    web = sip_address = None
    deadline = time.monotonic() + 60
    while (web is None or sip_address is None) and time.monotonic() < deadline:
        for line in list(lines):
            if found := re.search(r"Webb: (http://[\d.:]+)/", line):
                web = found.group(1)
            if found := re.search(r"SIP: ([\d.]+):(\d+)", line):
                sip_address = (found.group(1), int(found.group(2)))
        time.sleep(0.05)
    assert web and sip_address, lines

    sip = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sip.bind(("127.0.0.1", 0))
    sip.settimeout(5)
    headers = {"X-API-Key": DEMO_API_KEY}
    with httpx.Client(base_url=web, timeout=10, trust_env=False) as client:
        # Warm up: the first booking loads phonenumbers' and the holidays' data.
        assert client.post("/api/v1/callbacks", json=CALLBACK, headers=headers).status_code == 201
        assert client.get("/api/v1/queues", headers=headers).status_code == 200
        options(sip, sip_address)

        # The same probes with nothing held: what this machine adds by itself. At load 15-20
        # on two cores that alone is 100 ms and more at p99; the bounds below are on what
        # the lock adds (a write that waited SQLite's 200 ms on the loop added 200 ms).
        quiet_sip, quiet_pages = [], []
        quiet_until = time.monotonic() + QUIET_S
        while time.monotonic() < quiet_until:
            quiet_sip.append(options(sip, sip_address))
            started = time.perf_counter()
            assert client.get("/api/v1/queues", headers=headers).status_code == 200
            quiet_pages.append(time.perf_counter() - started)
            time.sleep(0.01)

        holder = sqlite3.connect(database, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another process writes for HOLD_S
        answers: list[int] = []

        stop = threading.Event()

        def book_until_stopped() -> None:
            with httpx.Client(base_url=web, timeout=10, trust_env=False) as poster:
                while not stop.is_set():
                    response = poster.post("/api/v1/callbacks", json=CALLBACK, headers=headers)
                    answers.append(response.status_code)
                    time.sleep(0.02)

        booking = threading.Thread(target=book_until_stopped)
        booking.start()
        sip_waits, page_waits = [], []
        held_since = time.monotonic()
        # HOLD_S, and on a busy machine on until there are MIN_SAMPLES (within MAX_HOLD_S).
        while time.monotonic() - held_since < MAX_HOLD_S and (
            time.monotonic() - held_since < HOLD_S or len(sip_waits) < MIN_SAMPLES
        ):
            sip_waits.append(options(sip, sip_address))
            started = time.perf_counter()  # a read of the engine, under its lock
            assert client.get("/api/v1/queues", headers=headers).status_code == 200
            page_waits.append(time.perf_counter() - started)
            time.sleep(0.01)
        stop.set()
        held_s = time.monotonic() - held_since
        booking.join()
        holder.execute("ROLLBACK")
        holder.close()

        assert answers and set(answers) == {503}, answers
        assert len(sip_waits) >= MIN_SAMPLES, len(sip_waits)
        assert p99(sip_waits) < 0.1 + p99(quiet_sip), (sorted(sip_waits)[-5:], p99(quiet_sip))
        assert p99(page_waits) < 0.1 + p99(quiet_pages), (
            sorted(page_waits)[-5:],
            p99(quiet_pages),
        )
        # No answer waited out a whole 200 ms lock wait on the loop (before: 223 ms).
        quiet_max = max(quiet_sip + quiet_pages)
        assert max(sip_waits + page_waits) < 0.2 + quiet_max, (
            max(sip_waits + page_waits),
            quiet_max,
        )

        time.sleep(1.1)  # Retry-After: the store is tried again and work resumes
        created = client.post("/api/v1/callbacks", json=CALLBACK, headers=headers)
        assert created.status_code == 201, created.text
    sip.close()
    demo.join(20)
    print(
        f"\nduring the {held_s:.1f} s lock: {len(answers)} bookings all 503; "
        f"SIP OPTIONS p99 {p99(sip_waits) * 1000:.1f} ms (max {max(sip_waits) * 1000:.1f}), "
        f"/api/v1/queues p99 {p99(page_waits) * 1000:.1f} ms (max {max(page_waits) * 1000:.1f}) "
        f"over {len(sip_waits)} samples each; with nothing held p99 "
        f"{p99(quiet_sip) * 1000:.1f} ms and {p99(quiet_pages) * 1000:.1f} ms"
    )
