"""SIPp's standard ``uac`` scenario against ``vaxel demo`` at rising call rates (issue 3).

Växel runs pinned to one core (``taskset -c 1``), SIPp on another. Every call is real: the
INVITE is answered by the demo IVR (media endpoint, SDP, flow session), then BYE. A rate
passes when SIPp reports zero failed calls and zero retransmissions. Not a test: the
figures go into BENCHMARKS.md.
"""

from __future__ import annotations

import csv
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RATES = (100, 200, 300, 400, 450, 500, 550, 600, 700, 800)
SECONDS_PER_RATE = 10


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _server(port: int, workdir: Path, core: str) -> subprocess.Popen[bytes]:
    vaxel = Path(sys.executable).parent / "vaxel"
    command = [
        str(vaxel),
        "demo",
        "--no-traffic",
        "--sip-port",
        str(port),
        "--database-url",
        f"sqlite:///{workdir}/bench.db",
        "--summary-every",
        "100000",
        "--sip-invite-rate",  # SIPp is one source: measure capacity, not the flood limit
        "100000",
    ]
    if shutil.which("taskset"):
        command = ["taskset", "-c", core, *command]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert process.stdout is not None
    deadline = time.time() + 30
    while time.time() < deadline:
        line = process.stdout.readline().decode()
        if line.startswith("SIP: "):
            return process
    process.kill()
    raise RuntimeError("vaxel demo did not start its SIP service")


def _run_rate(port: int, rate: int, workdir: Path, core: str) -> dict[str, float]:
    stats = workdir / f"stats-{rate}.csv"
    calls = rate * SECONDS_PER_RATE
    command = [
        "sipp",
        f"127.0.0.1:{port}",
        "-sn",
        "uac",
        "-s",
        "0812345000",
        "-i",
        "127.0.0.1",
        "-p",
        str(_free_port()),
        "-mi",
        "127.0.0.1",
        "-r",
        str(rate),
        "-m",
        str(calls),
        "-l",
        str(rate * 4),
        "-nostdin",
        "-timeout",
        f"{SECONDS_PER_RATE * 4}s",
        "-trace_stat",
        "-stf",
        str(stats),
        "-fd",
        "1",
    ]
    if shutil.which("taskset"):
        command = ["taskset", "-c", core, *command]
    started = time.perf_counter()
    subprocess.run(
        command,
        cwd=workdir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=SECONDS_PER_RATE * 6,
        check=False,
    )
    elapsed = time.perf_counter() - started
    with stats.open(newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    last = rows[-1]
    return {
        "rate": rate,
        "calls": float(last["TotalCallCreated"]),
        "successful": float(last["SuccessfulCall(C)"]),
        "failed": float(last["FailedCall(C)"]),
        "retransmissions": float(last["Retransmissions(C)"]),
        "wall_s": round(elapsed, 1),
    }


def measure(rates: tuple[int, ...] = RATES) -> dict[str, object]:
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        port = _free_port()
        server = _server(port, workdir, core="1")
        try:
            for rate in rates:
                row = _run_rate(port, rate, workdir, core="0")
                results.append(row)
                if row["failed"] or row["retransmissions"] or row["successful"] < row["calls"]:
                    break
        finally:
            server.terminate()
            server.wait(10)
    clean = [
        r["rate"]
        for r in results
        if not r["failed"] and not r["retransmissions"] and r["successful"] == r["calls"]
    ]
    return {"rates": results, "highest_clean_rate": max(clean, default=0), "cores": os.cpu_count()}


if __name__ == "__main__":
    import json

    print(json.dumps(measure(), indent=2))
