"""The SIP parser and transaction layer alone, on the UAS side of SIPp's ``uac`` scenario.

``python -m benchmarks.sip_transactions [--calls N] [--rate R]``

Each call is INVITE → (100 Trying, 200 OK) → ACK → BYE → 200 OK, as bytes in and bytes out:
parse_message, TransactionLayer.receive/send_response, serialization. The clock advances at
``rate`` calls per second and ``on_timer`` runs every 10 ms of simulated time, so Timers L
and J (64·T1 = 32 s) keep about 32·rate transactions alive in the heap — what the layer
carries during the SIPp rate benchmark. No sockets, no media, no TU logic: this is the
ceiling the SIP stack itself puts on calls/s on one core. Not a test; figures go into
BENCHMARKS.md with the machine.
"""

from __future__ import annotations

import argparse
import gc
import time

from vaxel.sip.message import Request, response_to
from vaxel.sip.parser import parse_message
from vaxel.sip.transaction import RequestReceived, TransactionLayer, Transmit

SIPP = ("127.0.0.1", 5061)


def _messages(n: int) -> tuple[bytes, bytes, bytes]:
    common = (
        f"From: sipp <sip:sipp@127.0.0.1:5061>;tag={n}SIPpTag00{n}\r\n"
        f"To: service <sip:service@127.0.0.1:5060>\r\n"
        f"Call-ID: {n}-4242@127.0.0.1\r\n"
        "Contact: sip:sipp@127.0.0.1:5061\r\nMax-Forwards: 70\r\n"
    )
    sdp = (
        "v=0\r\no=user1 53655765 2353687637 IN IP4 127.0.0.1\r\ns=-\r\n"
        "c=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n"
    )
    invite = (
        "INVITE sip:service@127.0.0.1:5060 SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-{n}-1-0\r\n{common}"
        f"CSeq: 1 INVITE\r\nContent-Type: application/sdp\r\nContent-Length: {len(sdp)}\r\n\r\n"
        f"{sdp}"
    )
    ack = _in_dialog("ACK", 1, "5", n, common)
    bye = _in_dialog("BYE", 2, "7", n, common)
    return invite.encode(), ack.encode(), bye.encode()


def _in_dialog(method: str, cseq: int, branch: str, n: int, common: str) -> str:
    dialog = common.replace("service>", f"service>;tag=v{n}")
    return (
        f"{method} sip:service@127.0.0.1:5060 SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-{n}-1-{branch}\r\n"
        f"{dialog}CSeq: {cseq} {method}\r\nContent-Length: 0\r\n\r\n"
    )


def measure(calls: int = 20000, rate: float = 500.0) -> dict[str, float]:
    scripted = [_messages(n) for n in range(calls)]
    layer = TransactionLayer()
    sent = 0
    live_peak = 0
    next_tick = 0.0
    gc.collect()
    started = time.perf_counter()
    for n, (invite, ack, bye) in enumerate(scripted):
        now = n / rate
        if now >= next_tick:
            sent += sum(isinstance(e, Transmit) for e in layer.on_timer(now))
            next_tick = now + 0.01
        for data in (invite, ack, bye):
            message = parse_message(data)
            for event in layer.receive(message, SIPP, "udp", now):
                if isinstance(event, Transmit):
                    sent += 1
                elif isinstance(event, RequestReceived):
                    request: Request = event.request
                    ok = response_to(request, 200, "OK", to_tag=f"v{n}")
                    sent += len(layer.send_response(event.server_key, ok, now))
        if n % 1000 == 0:
            live_peak = max(live_peak, len(layer._servers))  # a look inside, for the report
    elapsed = time.perf_counter() - started
    return {
        "calls": calls,
        "simulated_rate": rate,
        "calls_per_s": calls / elapsed,
        "us_per_call": elapsed / calls * 1e6,
        "datagrams_sent": sent,
        "live_transactions_peak": live_peak,
    }


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.sip_transactions")
    parser.add_argument("--calls", type=int, default=20000)
    parser.add_argument("--rate", type=float, default=500.0)
    args = parser.parse_args()
    result = measure(args.calls, args.rate)
    print(
        f"{result['calls']:.0f} calls (INVITE/100/200/ACK/BYE/200) at a simulated "
        f"{result['simulated_rate']:.0f} calls/s: {result['calls_per_s']:.0f} calls/s on one "
        f"core, {result['us_per_call']:.0f} µs per call, "
        f"{result['live_transactions_peak']:.0f} live transactions at the peak"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
