"""SIPp's standard ``uac`` scenario at rising call rates against Växel, and with ``--peers``
against Sippy's B2BUA and Kamailio in the same run (issues 3 and 11).

Every row is the same scenario — SIPp's built-in ``uac`` (INVITE → 100 → 200 → ACK → BYE →
200) on core 0 (``taskset -c 0``), the server under test alone on core 1 — and every server
answers the call on core 1:

- Växel is ``vaxel demo`` and answers every call itself (the IVR: SDP, an RTP endpoint, the
  flow session);
- Kamailio (C, one UDP worker) answers every call itself too, stateless
  (``benchmarks/kamailio.cfg``: ``sl_send_reply`` 200 to INVITE and BYE, ACK absorbed): the
  C ceiling of the scenario's messages, with no dialog, media or call state;
- Sippy (a Python B2BUA, one worker) cannot answer a call, only pass it on: its callee is
  the same stateless Kamailio responder, on core 0 beside SIPp (a few µs a message in C).

Before, both peers relayed to a SIPp ``uas`` on core 0, so their rows carried a second SIPp
on the load core where Växel's carried one, and Kamailio retransmitted at 300 calls/s: the
ratio measured the load core, not Kamailio (BENCHMARKS.md, 7 December 2026).

A rate is clean when SIPp counts no failed call and no retransmission in every one of
``--runs`` runs; the ladder of a server stops at its first unclean rate. Not a test: the
figures go into BENCHMARKS.md. The quiet-window command (about 15 minutes)::

    bash scripts/bench-peers.sh            # prints SIPPY_B2BUA=…; export it
    .venv/bin/python -m benchmarks.sip_rate --peers --rates 700,1000,1500,2000 \
        --sippy-rates 100,150,200,300 --kamailio-rates 2000,4000,6000,8000,10000

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
    "kamailio": (1000, 2000, 4000, 6000, 8000, 10000),
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
    def callee(self) -> int:
        """The stateless Kamailio answering the calls Sippy passes on."""
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
        f"--static_route=127.0.0.1:{ports.callee}",
        "--auth_enable=off",  # no RADIUS: Växel's calls from 127.0.0.1 need no login either
        "--acct_enable=off",
        f"--logfile={workdir}/sippy.log",
    ]
    # SIPLOG_LVL=WARN: Sippy logs every SIP message at INFO, which would measure its logger.
    return _started(command, workdir / "sippy.out", {"SIPLOG_LVL": "WARN"})


def _start_kamailio(
    port: int, workdir: Path, core: str = SERVER_CORE, name: str = "kamailio"
) -> subprocess.Popen[bytes]:
    """Kamailio answering every call itself on ``port`` (``benchmarks/kamailio.cfg``)."""
    rundir = workdir / name
    rundir.mkdir(exist_ok=True)
    config = rundir / "kamailio.cfg"
    config.write_text(KAMAILIO_CONFIG.read_text().replace("LISTEN_ADDRESS", f"127.0.0.1:{port}"))
    command = [
        "kamailio",
        "-f",
        str(config),
        "-DD",  # stay in the foreground, so terminating the process ends every worker
        "-E",
        "-m",
        "64",  # stateless: no transaction waits out a timer
        "-M",
        "16",
        "-Y",
        str(rundir),
        "-P",
        str(rundir / "kamailio.pid"),
    ]
    return _started(command, rundir / "kamailio.out", core=core)


def _started(
    command: list[str],
    log: Path,
    environ: dict[str, str] | None = None,
    core: str = SERVER_CORE,
) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        process = subprocess.Popen(
            _pinned(command, core),
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(environ or {})},
        )
    time.sleep(2.0)
    if process.poll() is not None:
        raise RuntimeError(f"{command[0]} stopped at start: see {log}")
    return process


def _run_rate(
    port: int, ports: Ports, rate: int, workdir: Path, name: str, seconds: int
) -> dict[str, float]:
    stats = workdir / f"stats-{name}-{rate}-{time.monotonic_ns()}.csv"
    command = ["sipp", f"127.0.0.1:{port}", "-sn", "uac", "-s", "0812345000"]
    command += ["-i", "127.0.0.1", "-p", str(ports.uac), "-mi", "127.0.0.1"]
    command += ["-mp", str(ports.base + 600), "-r", str(rate)]
    command += ["-m", str(rate * seconds), "-l", str(rate * 4), "-nostdin"]
    command += ["-timeout", f"{seconds * 4}s", "-trace_stat", "-stf", str(stats)]
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
            timeout=seconds * 6,
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
    calls = float(last.get("TotalCallCreated", rate * seconds))
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
    name: str,
    port: int,
    ports: Ports,
    rates: tuple[int, ...],
    runs: int,
    workdir: Path,
    seconds: int,
) -> dict[str, object]:
    """Each rate ``runs`` times; stop after the first rate that is not clean in all."""
    rows: list[dict[str, float]] = []
    highest = 0
    for rate in rates:
        results = []
        for _ in range(runs):
            results.append(_run_rate(port, ports, rate, workdir, name, seconds))
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
    seconds: int = SECONDS_PER_RATE,
) -> dict[str, object]:
    ports = Ports(port_base)
    ladders = {**PEER_RATES, **(peer_rates or {})}
    report: dict[str, object] = {
        "cores": os.cpu_count(),
        "load_before": os.getloadavg(),
        "runs_per_rate": runs,
        "nice": NICE,
        "seconds_per_rate": seconds,
    }
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)

        def ladder(name: str, port: int, ladder_rates: tuple[int, ...]) -> None:
            report[name] = _ladder(name, port, ports, ladder_rates, runs, workdir, seconds)

        server = _start_vaxel(ports, workdir)
        try:
            ladder("vaxel", ports.vaxel_sip, rates)
        finally:
            _stop(server)
        if peers:
            callee = _start_kamailio(ports.callee, workdir, LOAD_CORE, "callee")
            try:
                server = _start_sippy(ports, workdir, sippy or "b2bua")
                try:
                    ladder("sippy", ports.peer_sip, ladders["sippy"])
                finally:
                    _stop(server)
            finally:
                _stop(callee)
            server = _start_kamailio(ports.peer_sip, workdir)
            try:
                ladder("kamailio", ports.peer_sip, ladders["kamailio"])
            finally:
                _stop(server)
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
    parser.add_argument(
        "--seconds",
        type=int,
        default=SECONDS_PER_RATE,
        help=f"seconds per run (default {SECONDS_PER_RATE}; less for a smoke run)",
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
        seconds=args.seconds,
    )
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
