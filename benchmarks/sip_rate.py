"""SIPp's standard ``uac`` scenario at rising call rates against Växel, and with ``--peers``
against Sippy's B2BUA and Kamailio in the same run (issues 3 and 11).

The server under test runs pinned to one core (``taskset -c 1``), SIPp on the other (core
0). Växel is ``vaxel demo`` and answers every call itself (the IVR: SDP, an RTP endpoint,
the flow session); Sippy (a Python B2BUA, one worker) and Kamailio (a C proxy, one UDP
worker, transaction-stateful, Record-Route) pass each call on to a SIPp ``uas`` on core 0.
A rate is clean when SIPp counts no failed call and no retransmission in every one of
``--runs`` runs; the ladder of a server stops at its first unclean rate. Not a test: the
figures go into BENCHMARKS.md.

Neither peer is a dependency of Växel: ``scripts/bench-peers.sh`` installs Kamailio from
Debian and Sippy (PyPI ``sippy``) in a venv of its own and prints the ``SIPPY_B2BUA=…`` to
point ``--sippy`` at its ``b2bua`` script. Ports: ``--port-base`` and the 999 above it.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

RATES = (100, 200, 300, 500, 700, 1000, 1500, 2000, 2500)
PEER_RATES = {
    "sippy": (50, 100, 150, 200, 300, 400),
    "kamailio": (500, 1000, 2000, 4000, 6000, 8000),
}
SECONDS_PER_RATE = 10
SERVER_CORE, LOAD_CORE = "1", "0"
NICE = -10 if hasattr(os, "geteuid") and os.geteuid() == 0 else 0
"""The machine is shared: a raised priority (CFS weight about 9× a normal process's) keeps
the server and SIPp from being measured against whatever else runs on their cores."""
KAMAILIO_CONFIG = Path(__file__).with_name("kamailio.cfg")


@dataclass(frozen=True, slots=True)
class Ports:
    base: int

    @property
    def vaxel_sip(self) -> int:
        return self.base

    @property
    def vaxel_http(self) -> int:
        return self.base + 80

    @property
    def peer_sip(self) -> int:
        return self.base + 100

    @property
    def uas(self) -> int:
        return self.base + 110

    @property
    def uac(self) -> int:
        return self.base + 120


def _pinned(command: list[str], core: str) -> list[str]:
    if NICE and shutil.which("nice"):
        command = ["nice", "-n", str(NICE), *command]
    return ["taskset", "-c", core, *command] if shutil.which("taskset") else command


def _start_vaxel(ports: Ports, workdir: Path) -> subprocess.Popen[bytes]:
    """The demo with its web app (so its start-up, password hashing included, is the real
    one); SIPp starts only once the demo has printed its last start-up line — a call that
    arrives while start-up still holds the loop waits and is retransmitted.

    The demo's output goes to a file, not a pipe: a pipe nobody reads after start-up fills
    its 64 KB with the demo's log lines and then blocks the server's event loop on a write —
    the stall the harness measured as retransmissions that a hand-run never showed."""
    vaxel = Path(sys.executable).parent / "vaxel"
    command = [
        str(vaxel),
        "demo",
        "--no-traffic",
        "--sip-port",
        str(ports.vaxel_sip),
        "--http-port",
        str(ports.vaxel_http),
        "--database-url",
        f"sqlite:///{workdir}/bench.db",
        "--summary-every",
        "100000",
        "--sip-invite-rate",  # SIPp is one source: measure capacity, not the flood limit
        "100000",
    ]
    log = workdir / "vaxel.out"
    with log.open("wb") as out:
        process = subprocess.Popen(
            _pinned(command, SERVER_CORE), stdout=out, stderr=subprocess.STDOUT
        )
    deadline = time.time() + 60
    while time.time() < deadline:
        if any(line.startswith("REST-API: ") for line in log.read_text().splitlines()):
            time.sleep(1.0)  # the collector's settling (gc.freeze) follows the line
            return process
        if process.poll() is not None:
            break
        time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"vaxel demo did not finish its start-up: see {log}")


def _start_sippy(ports: Ports, workdir: Path, b2bua: str) -> subprocess.Popen[bytes]:
    command = [
        b2bua,
        "--foreground=on",
        "--sip_address=127.0.0.1",
        f"--sip_port={ports.peer_sip}",
        f"--static_route=127.0.0.1:{ports.uas}",
        "--auth_enable=off",  # no RADIUS: Växel's calls from 127.0.0.1 need no login either
        "--acct_enable=off",
        f"--logfile={workdir}/sippy.log",
    ]
    # SIPLOG_LVL=WARN: Sippy logs every SIP message at INFO, which would measure its logger.
    return _started(command, workdir / "sippy.out", {"SIPLOG_LVL": "WARN"})


def _start_kamailio(ports: Ports, workdir: Path) -> subprocess.Popen[bytes]:
    config = workdir / "kamailio.cfg"
    config.write_text(
        KAMAILIO_CONFIG.read_text()
        .replace("LISTEN_ADDRESS", f"127.0.0.1:{ports.peer_sip}")
        .replace("UAS_ADDRESS", f"127.0.0.1:{ports.uas}")
    )
    command = [
        "kamailio",
        "-f",
        str(config),
        "-DD",  # stay in the foreground, so terminating the process ends every worker
        "-E",
        "-m",
        "512",  # shared memory for transactions waiting out their timers at 8,000 calls/s
        "-M",
        "16",
        "-Y",
        str(workdir),
        "-P",
        str(workdir / "kamailio.pid"),
    ]
    return _started(command, workdir / "kamailio.out")


def _started(
    command: list[str], log: Path, environ: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        process = subprocess.Popen(
            _pinned(command, SERVER_CORE),
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(environ or {})},
        )
    time.sleep(2.0)
    if process.poll() is not None:
        raise RuntimeError(f"{command[0]} stopped at start: see {log}")
    return process


def _start_uas(ports: Ports, workdir: Path) -> subprocess.Popen[bytes]:
    command = ["sipp", "-sn", "uas", "-i", "127.0.0.1", "-p", str(ports.uas), "-nostdin"]
    command += ["-buff_size", str(4 * 1024 * 1024)]
    command += ["-mi", "127.0.0.1", "-mp", str(ports.base + 400)]
    return subprocess.Popen(
        _pinned(command, LOAD_CORE),
        cwd=workdir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _run_rate(port: int, ports: Ports, rate: int, workdir: Path, name: str) -> dict[str, float]:
    stats = workdir / f"stats-{name}-{rate}-{time.monotonic_ns()}.csv"
    command = ["sipp", f"127.0.0.1:{port}", "-sn", "uac", "-s", "0812345000"]
    command += ["-i", "127.0.0.1", "-p", str(ports.uac), "-mi", "127.0.0.1"]
    command += ["-mp", str(ports.base + 600), "-r", str(rate)]
    command += ["-m", str(rate * SECONDS_PER_RATE), "-l", str(rate * 4), "-nostdin"]
    command += ["-timeout", f"{SECONDS_PER_RATE * 4}s", "-trace_stat", "-stf", str(stats)]
    # SIPp's own socket buffers default to 64 KB: sized like the servers', so a pause of SIPp
    # on a shared core does not drop responses and count the server's as retransmissions.
    command += ["-fd", "1", "-buff_size", str(4 * 1024 * 1024)]
    started = time.perf_counter()
    timed_out = False
    try:
        subprocess.run(
            _pinned(command, LOAD_CORE),
            cwd=workdir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=SECONDS_PER_RATE * 6,
            check=False,
        )
    except subprocess.TimeoutExpired:  # SIPp sometimes outlives its -timeout when overrun
        timed_out = True
    elapsed = time.perf_counter() - started
    rows = []
    if stats.exists():
        with stats.open(newline="") as handle:
            rows = list(csv.DictReader(handle, delimiter=";"))
    last = rows[-1] if rows else {}
    calls = float(last.get("TotalCallCreated", rate * SECONDS_PER_RATE))
    successful = float(last.get("SuccessfulCall(C)", 0))
    return {
        "rate": rate,
        "calls": calls,
        "successful": successful,
        "failed": float(last.get("FailedCall(C)", 0)) + (calls - successful if timed_out else 0),
        "retransmissions": float(last.get("Retransmissions(C)", 0)),
        "wall_s": round(elapsed, 1),
    }


def _clean(row: dict[str, float]) -> bool:
    return not row["failed"] and not row["retransmissions"] and row["successful"] == row["calls"]


def _ladder(
    name: str, port: int, ports: Ports, rates: tuple[int, ...], runs: int, workdir: Path
) -> dict[str, object]:
    """Each rate ``runs`` times; stop after the first rate that is not clean in all."""
    rows: list[dict[str, float]] = []
    highest = 0
    for rate in rates:
        results = []
        for _ in range(runs):
            results.append(_run_rate(port, ports, rate, workdir, name))
            time.sleep(1.0)
        rows += results
        print(f"{name} {rate}/s: {[(r['failed'], r['retransmissions']) for r in results]}")
        if not all(_clean(r) for r in results):
            break
        highest = rate
    return {"rates": rows, "highest_clean_rate": highest}


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


def measure(
    rates: tuple[int, ...] = RATES,
    *,
    peers: bool = False,
    runs: int = 3,
    port_base: int = 26000,
    sippy: str | None = None,
    peer_rates: dict[str, tuple[int, ...]] | None = None,
) -> dict[str, object]:
    ports = Ports(port_base)
    ladders = {**PEER_RATES, **(peer_rates or {})}
    report: dict[str, object] = {
        "cores": os.cpu_count(),
        "load_before": os.getloadavg(),
        "runs_per_rate": runs,
        "nice": NICE,
        "seconds_per_rate": SECONDS_PER_RATE,
    }
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        server = _start_vaxel(ports, workdir)
        try:
            report["vaxel"] = _ladder("vaxel", ports.vaxel_sip, ports, rates, runs, workdir)
        finally:
            _stop(server)
        if peers:
            uas = _start_uas(ports, workdir)
            try:
                starters = {
                    "sippy": lambda: _start_sippy(ports, workdir, sippy or "b2bua"),
                    "kamailio": lambda: _start_kamailio(ports, workdir),
                }
                for name, start in starters.items():
                    peer = start()
                    try:
                        report[name] = _ladder(
                            name, ports.peer_sip, ports, ladders[name], runs, workdir
                        )
                    finally:
                        _stop(peer)
            finally:
                _stop(uas)
            ours = _highest(report, "vaxel")
            for name in PEER_RATES:
                theirs = _highest(report, name)
                report[f"vaxel_to_{name}"] = round(ours / theirs, 2) if theirs else None
    report["load_after"] = os.getloadavg()
    return report


def _highest(report: dict[str, object], name: str) -> int:
    entry = report[name]
    assert isinstance(entry, dict)
    return int(entry["highest_clean_rate"])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.sip_rate")
    parser.add_argument("--peers", action="store_true", help="Sippy and Kamailio as well")
    parser.add_argument("--runs", type=int, default=3, help="runs per rate (default 3)")
    parser.add_argument(
        "--rates",
        type=lambda text: tuple(int(r) for r in text.split(",")),
        default=RATES,
        help="Växel's ladder, comma-separated calls/s",
    )
    for peer, ladder in PEER_RATES.items():
        parser.add_argument(
            f"--{peer}-rates",
            type=lambda text: tuple(int(r) for r in text.split(",")),
            default=ladder,
            help=f"{peer}'s ladder (default {','.join(map(str, ladder))}): lower on a busy machine",
        )
    parser.add_argument("--port-base", type=int, default=26000)
    parser.add_argument(
        "--sippy",
        default=os.environ.get("SIPPY_B2BUA"),
        help="Sippy's b2bua script (default: $SIPPY_B2BUA or b2bua on PATH)",
    )
    args = parser.parse_args(argv)
    report = measure(
        args.rates,
        peers=args.peers,
        runs=args.runs,
        port_base=args.port_base,
        sippy=args.sippy,
        peer_rates={"sippy": args.sippy_rates, "kamailio": args.kamailio_rates},
    )
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
