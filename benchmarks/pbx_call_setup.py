"""Internal call set-up across two registered phones (issue 14, Benchmarks: p99 < 20 ms at
50 calls/s): extension A (a SIPp uac signing in with digest) calls extension B (a SIPp
``uas`` registered as B, answering at once) through Växel, ``--rate`` calls a second for
``--seconds``; SIPp's response-time trace (``-trace_rtt``) at A gives each call's times.

``python -m benchmarks.pbx_call_setup [--rate 50] [--seconds 30] [--talk-ms 1000]``

Method: a fresh SQLite database with a benchmark tenant of two accounts
(``pbx_server.py``), ``vaxel serve`` pinned to core 1 trusting no source, both SIPp
instances on core 0. B registers first (digest), then its ``uas`` answers every INVITE
with 180 and 200 at once. A dials B's extension: the INVITE is challenged (407), answered
with credentials, and the call is routed by the numbering plan to B's binding; A talks
``--talk-ms`` and hangs up. Växel does not answer A until B answers: A gets 183 Session
Progress with SDP (ringback as early media) at once, and 200 when B's 200 comes
(``internal.py``, issue 14 early media). Three response times per call:

- ``invite_to_200`` — from A's INVITE with credentials to Växel's 200, which now includes
  B's answer (the digest check, the numbering plan, the media endpoint, the B leg's
  INVITE, B's 180 and 200, the 200 to A): the issue's figure, across two registered phones;
  B answers at once, so this is Växel's own set-up work twice over plus B's turn-around;
- ``invite_to_183`` — from that INVITE to the 183 with SDP: how long A's phone waits before
  it hears ringback (started on the ACK to the 407, sent back to back with the INVITE:
  SIPp runs one response-time timer per message);
- ``challenge`` — A's first INVITE to the 407 (one round more per call for a phone).

A run is clean when SIPp counts no failed call at A or B. Not a test: the figures go into
BENCHMARKS.md with the machine's load.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from benchmarks.pbx_registrations import SCENARIO as REGISTER
from benchmarks.pbx_server import FIRST, LOAD_CORE, password, seed, start
from benchmarks.sip_rate import _pinned

A, B = FIRST, FIRST + 1

CALL = """<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="Extension A calls extension B">
  <send retrans="500" start_rtd="1">
    <![CDATA[
INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:EXT_A@[remote_ip]>;tag=[pid]a[call_number]
To: <sip:[service]@[remote_ip]:[remote_port]>
Call-ID: [call_id]
CSeq: 1 INVITE
Contact: <sip:EXT_A@[local_ip]:[local_port]>
Max-Forwards: 70
Content-Type: application/sdp
Content-Length: [len]

v=0
o=a 1 1 IN IP[local_ip_type] [local_ip]
s=-
c=IN IP[media_ip_type] [media_ip]
t=0 0
m=audio [media_port] RTP/AVP 0
a=rtpmap:0 PCMU/8000
a=sendrecv
]]>
  </send>
  <recv response="100" optional="true"/>
  <recv response="407" auth="true" rtd="1"/>
  <send start_rtd="3">
    <![CDATA[
ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch-3]
From: <sip:EXT_A@[remote_ip]>;tag=[pid]a[call_number]
To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
Call-ID: [call_id]
CSeq: 1 ACK
Max-Forwards: 70
Content-Length: 0

]]>
  </send>
  <send retrans="500" start_rtd="2">
    <![CDATA[
INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:EXT_A@[remote_ip]>;tag=[pid]a[call_number]
To: <sip:[service]@[remote_ip]:[remote_port]>
Call-ID: [call_id]
CSeq: 2 INVITE
Contact: <sip:EXT_A@[local_ip]:[local_port]>
[authentication]
Max-Forwards: 70
Content-Type: application/sdp
Content-Length: [len]

v=0
o=a 1 1 IN IP[local_ip_type] [local_ip]
s=-
c=IN IP[media_ip_type] [media_ip]
t=0 0
m=audio [media_port] RTP/AVP 0
a=rtpmap:0 PCMU/8000
a=sendrecv
]]>
  </send>
  <recv response="100" optional="true"/>
  <recv response="183" rtd="3"/>
  <recv response="200" rtd="2" rrs="true"/>
  <send>
    <![CDATA[
ACK [next_url] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:EXT_A@[remote_ip]>;tag=[pid]a[call_number]
To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
Call-ID: [call_id]
CSeq: 2 ACK
Max-Forwards: 70
Content-Length: 0

]]>
  </send>
  <pause milliseconds="TALK_MS"/>
  <send retrans="500">
    <![CDATA[
BYE [next_url] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:EXT_A@[remote_ip]>;tag=[pid]a[call_number]
To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
Call-ID: [call_id]
CSeq: 3 BYE
Max-Forwards: 70
Content-Length: 0

]]>
  </send>
  <recv response="200"/>
</scenario>
"""


def _last_stats(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    return rows[-1] if rows else {}


def _percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"count": 0}
    ordered = sorted(values)
    at = lambda share: ordered[min(len(ordered) - 1, int(share * len(ordered)))]  # noqa: E731
    return {
        "count": len(ordered),
        "p50_ms": round(statistics.median(ordered), 2),
        "p99_ms": round(at(0.99), 2),
        "max_ms": round(ordered[-1], 2),
    }


def measure(
    rate: int = 50, *, seconds: int = 30, talk_ms: int = 1000, port_base: int = 27300
) -> dict[str, object]:
    report: dict[str, object] = {
        "rate": rate,
        "seconds": seconds,
        "cores": os.cpu_count(),
        "load_before": os.getloadavg(),
    }
    calls = rate * seconds
    uas_port, uac_port = port_base + 110, port_base + 120
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        url = f"sqlite:///{workdir}/bench.db"
        seed(url, 2)
        (workdir / "register.xml").write_text(REGISTER.replace("EXPIRES", "3600"))
        (workdir / "b.csv").write_text(
            f"SEQUENTIAL\n{B};[authentication username={B} password={password(B)}]\n"
        )
        (workdir / "call.xml").write_text(
            CALL.replace("EXT_A", str(A)).replace("TALK_MS", str(talk_ms))
        )
        server = start(workdir, url, port_base, port_base + 80)
        uas = None
        try:
            registered = subprocess.run(
                [
                    *("sipp", f"127.0.0.1:{port_base}", "-sf", str(workdir / "register.xml")),
                    *("-inf", str(workdir / "b.csv"), "-i", "127.0.0.1", "-p", str(uas_port)),
                    *("-mi", "127.0.0.1", "-mp", str(port_base + 400), "-m", "1", "-nostdin"),
                    *("-timeout", "20s"),
                ],
                cwd=workdir,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=40,
                check=False,
            )
            if registered.returncode != 0:
                raise RuntimeError("B did not register")
            uas_stats = workdir / "uas-stats.csv"
            uas = subprocess.Popen(
                _pinned(
                    [
                        *("sipp", "-sn", "uas", "-i", "127.0.0.1", "-p", str(uas_port)),
                        *("-nostdin", "-mi", "127.0.0.1", "-mp", str(port_base + 400)),
                        *("-buff_size", str(4 * 1024 * 1024), "-fd", "1"),
                        *("-trace_stat", "-stf", str(uas_stats)),
                    ],
                    LOAD_CORE,
                ),
                cwd=workdir,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(1.0)
            cpu, wall = server.cpu_s(), time.perf_counter()
            stats = workdir / "uac-stats.csv"
            command = ["sipp", f"127.0.0.1:{port_base}", "-sf", str(workdir / "call.xml")]
            command += ["-s", str(B), "-au", str(A), "-ap", password(A)]
            command += ["-auth_uri", f"{B}@127.0.0.1:{port_base}"]  # else sip:host:port
            command += ["-i", "127.0.0.1", "-p", str(uac_port), "-mi", "127.0.0.1"]
            command += ["-mp", str(port_base + 600), "-r", str(rate), "-m", str(calls)]
            command += ["-l", str(rate * 10), "-nostdin", "-timeout", f"{seconds * 4}s"]
            command += ["-trace_stat", "-stf", str(stats), "-fd", "1"]
            command += ["-trace_rtt", "-rtt_freq", "1", "-buff_size", str(4 * 1024 * 1024)]
            command += ["-timer_resol", "1"]  # response times to the millisecond
            subprocess.run(
                _pinned(command, LOAD_CORE),
                cwd=workdir,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=seconds * 6,
                check=False,
            )
            wall, cpu = time.perf_counter() - wall, server.cpu_s() - cpu
            time.sleep(4.0)  # the uas's last BYEs and its statistics (dumped each second)
            times: dict[str, list[float]] = {"1": [], "2": [], "3": []}
            for trace in workdir.glob("call_*_rtt.csv"):
                with trace.open(newline="") as handle:
                    for row in csv.DictReader(handle, delimiter=";"):
                        number = (row.get("rtd_no") or "").strip()
                        if number in times:
                            times[number].append(float(row["response_time_ms"]))
            at_a, at_b = _last_stats(stats), _last_stats(uas_stats)
            report |= {
                "calls": calls,
                "successful_at_a": float(at_a.get("SuccessfulCall(C)", 0)),
                "failed_at_a": float(at_a.get("FailedCall(C)", 0)),
                "retransmissions_at_a": float(at_a.get("Retransmissions(C)", 0)),
                "answered_at_b": float(at_b.get("SuccessfulCall(C)", 0)),
                "failed_at_b": float(at_b.get("FailedCall(C)", 0)),
                "still_up_at_b": float(at_b.get("CurrentCall", 0)),
                "invite_to_200": _percentiles(times["2"]),
                "invite_to_183": _percentiles(times["3"]),
                "challenge": _percentiles(times["1"]),
                "server_cpu_s": round(cpu, 2),
                "server_cpu_ms_per_call": round(cpu * 1000 / calls, 2),
                "wall_s": round(wall, 1),
                "rss_mb": round(server.rss_mb(), 1),
            }
        finally:
            if uas is not None:
                uas.terminate()
                uas.wait(10)
            server.stop()
    report["load_after"] = os.getloadavg()
    return report


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.pbx_call_setup")
    parser.add_argument("--rate", type=int, default=50, help="calls a second (default 50)")
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--talk-ms", type=int, default=1000, help="each call's length")
    parser.add_argument("--port-base", type=int, default=27300)
    args = parser.parse_args(argv)
    report = measure(
        args.rate, seconds=args.seconds, talk_ms=args.talk_ms, port_base=args.port_base
    )
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
