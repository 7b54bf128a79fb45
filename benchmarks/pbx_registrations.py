"""Registered devices held by one process (issue 14, Benchmarks): ``--devices`` SIP
accounts (10,000 by default) register with digest authentication, then keep refreshing as
phones with ``Expires: --expires`` would (60 s: 10,000 / 60 ≈ 167 refreshes a second) for
``--seconds``; the server's RSS and CPU are read from ``/proc`` and SIPp counts failures.

``python -m benchmarks.pbx_registrations [--devices 10000] [--expires 60] [--seconds 120]``

Method: a fresh SQLite database with a benchmark tenant of N accounts (``pbx_server.py``),
``vaxel serve`` pinned to core 1 trusting no source, SIPp on core 0 reading the accounts
from an injection file in order (``[field0]`` the extension, ``[field1]`` its credentials).
Every REGISTER is challenged (401) and answered (RFC 7616 digest over MD5: the server
computes HA1 from the stored password per check — a hash, not argon2), so each refresh is
two requests and one digest check: the worst case, since SIPp starts each refresh as a new
call and cannot reuse a nonce as a phone could. All phones are one source (127.0.0.1),
each with its own Contact. Registration first goes at ``--register-rate``; the refresh
phase's CPU share is the server's CPU seconds over wall seconds (one core = 100 %). Not a
test: figures go into BENCHMARKS.md with the machine's load.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import subprocess
import tempfile
import time
from pathlib import Path

from benchmarks.pbx_server import FIRST, LOAD_CORE, Server, password, seed, start
from benchmarks.sip_rate import _pinned

SCENARIO = """<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="A device registers with digest">
  <send retrans="500">
    <![CDATA[
REGISTER sip:[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:[field0]@[remote_ip]>;tag=[pid]r[call_number]
To: <sip:[field0]@[remote_ip]>
Call-ID: [call_id]
CSeq: 1 REGISTER
Contact: <sip:[field0]@[local_ip]:[local_port]>
Expires: EXPIRES
Max-Forwards: 70
Content-Length: 0

]]>
  </send>
  <recv response="401" auth="true"/>
  <send retrans="500">
    <![CDATA[
REGISTER sip:[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:[field0]@[remote_ip]>;tag=[pid]r[call_number]
To: <sip:[field0]@[remote_ip]>
Call-ID: [call_id]
CSeq: 2 REGISTER
Contact: <sip:[field0]@[local_ip]:[local_port]>
[field1]
Expires: EXPIRES
Max-Forwards: 70
Content-Length: 0

]]>
  </send>
  <recv response="200"/>
</scenario>
"""


def _sipp(
    workdir: Path, port_base: int, rate: float, calls: int, name: str, timeout_s: float
) -> dict[str, float]:
    stats = workdir / f"stats-{name}.csv"
    command = ["sipp", f"127.0.0.1:{port_base}", "-sf", str(workdir / "register.xml")]
    command += ["-inf", str(workdir / "devices.csv"), "-i", "127.0.0.1"]
    command += ["-p", str(port_base + 120), "-mi", "127.0.0.1", "-mp", str(port_base + 600)]
    command += ["-r", f"{rate:g}", "-m", str(calls), "-l", str(max(100, int(rate * 4)))]
    command += ["-nostdin", "-timeout", f"{int(timeout_s)}s", "-trace_stat", "-stf", str(stats)]
    command += ["-fd", "1", "-buff_size", str(4 * 1024 * 1024)]
    if rate != int(rate):
        command += ["-rp", "1000"]
    with contextlib.suppress(subprocess.TimeoutExpired):  # counted as not successful
        subprocess.run(
            _pinned(command, LOAD_CORE),
            cwd=workdir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=timeout_s + 30,
            check=False,
        )
    rows = []
    if stats.exists():
        with stats.open(newline="") as handle:
            rows = list(csv.DictReader(handle, delimiter=";"))
    last = rows[-1] if rows else {}
    successful = float(last.get("SuccessfulCall(C)", 0))
    return {
        "calls": float(calls),
        "successful": successful,
        "failed": calls - successful,
        "retransmissions": float(last.get("Retransmissions(C)", 0)),
    }


def measure(
    devices: int = 10_000,
    *,
    expires: int = 60,
    seconds: float = 120.0,
    register_rate: float = 200.0,
    port_base: int = 27000,
) -> dict[str, object]:
    report: dict[str, object] = {
        "devices": devices,
        "expires_s": expires,
        "cores": os.cpu_count(),
        "load_before": os.getloadavg(),
    }
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        url = f"sqlite:///{workdir}/bench.db"
        started = time.perf_counter()
        seed(url, devices)
        report["seed_s"] = round(time.perf_counter() - started, 1)
        (workdir / "register.xml").write_text(SCENARIO.replace("EXPIRES", str(expires)))
        lines = [  # SIPp takes the keyword whole from a field, not fields inside it
            f"{n};[authentication username={n} password={password(n)}]"
            for n in range(FIRST, FIRST + devices)
        ]
        (workdir / "devices.csv").write_text("SEQUENTIAL\n" + "\n".join(lines) + "\n")
        server: Server = start(workdir, url, port_base, port_base + 80)
        try:
            report["rss_idle_mb"] = round(server.rss_mb(), 1)
            cpu, wall = server.cpu_s(), time.perf_counter()
            first = _sipp(
                workdir, port_base, register_rate, devices, "register", devices / register_rate * 4
            )
            wall, cpu = time.perf_counter() - wall, server.cpu_s() - cpu
            report["register"] = {**first, "wall_s": round(wall, 1), "cpu_s": round(cpu, 2)}
            report["rss_registered_mb"] = round(server.rss_mb(), 1)
            rate = devices / expires
            refreshes = int(rate * seconds)
            cpu, wall = server.cpu_s(), time.perf_counter()
            again = _sipp(workdir, port_base, rate, refreshes, "refresh", seconds * 3)
            wall, cpu = time.perf_counter() - wall, server.cpu_s() - cpu
            report["refresh"] = {
                **again,
                "rate_per_s": round(rate, 1),
                "wall_s": round(wall, 1),
                "cpu_s": round(cpu, 2),
                "cpu_share_of_one_core": round(cpu / wall, 3) if wall else None,
                "cpu_ms_per_refresh": round(cpu * 1000 / refreshes, 3) if refreshes else None,
            }
            report["rss_after_refresh_mb"] = round(server.rss_mb(), 1)
        finally:
            server.stop()
    report["load_after"] = os.getloadavg()
    return report


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.pbx_registrations")
    parser.add_argument("--devices", type=int, default=10_000)
    parser.add_argument("--expires", type=int, default=60, help="Expires asked (s, ≥ 60)")
    parser.add_argument("--seconds", type=float, default=120.0, help="refresh phase length")
    parser.add_argument("--register-rate", type=float, default=200.0)
    parser.add_argument("--port-base", type=int, default=27000)
    args = parser.parse_args(argv)
    print(
        json.dumps(
            measure(
                args.devices,
                expires=args.expires,
                seconds=args.seconds,
                register_rate=args.register_rate,
                port_base=args.port_base,
            ),
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
