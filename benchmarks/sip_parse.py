"""The SIP parser and the URI/name-addr parsers alone: µs per call on one core.

``python -m benchmarks.sip_parse [--loops N]``

A typical ~900-byte INVITE (three Vias, Record-Route, Contact, SDP) is parsed as a datagram
and framed by StreamParser; the Request-URI, From and Contact are parsed with
``vaxel.sip.uri``; and a stream peer trickles a 64 KB header one byte per segment, which
shows what StreamParser's re-scan of its buffer costs. Not a test; figures go into
BENCHMARKS.md with the machine.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from vaxel.sip.errors import MessageTooLarge
from vaxel.sip.parser import StreamParser, parse_message
from vaxel.sip.uri import parse_name_addr, parse_uri

_SDP = (
    "v=0\r\no=anna 2890844526 2890844526 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\n"
    "t=0 0\r\nm=audio 49170 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n"
    "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\na=sendrecv\r\n"
)
INVITE = (
    "INVITE sip:+46812345000@vaxel.example;user=phone SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776asdhds;rport\r\n"
    "Via: SIP/2.0/UDP 192.0.2.2:5060;branch=z9hG4bK4b43c2ff8.1;received=192.0.2.2\r\n"
    "Via: SIP/2.0/UDP 192.0.2.10:5062;branch=z9hG4bKnashds8;received=192.0.2.10\r\n"
    "Max-Forwards: 68\r\n"
    "Record-Route: <sip:proxy.example;lr>\r\n"
    'From: "Anna Lindqvist" <sip:anna@example.com>;tag=1928301774\r\n'
    "To: <sip:+46812345000@vaxel.example;user=phone>\r\n"
    "Call-ID: a84b4c76e66710@pc33.example.com\r\n"
    "CSeq: 314159 INVITE\r\n"
    "Contact: <sip:anna@192.0.2.10:5062;transport=udp>\r\n"
    "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, REFER, NOTIFY\r\n"
    "Supported: replaces, timer\r\n"
    "User-Agent: Softphone 1.2.3\r\n"
    "Content-Type: application/sdp\r\n"
    f"Content-Length: {len(_SDP)}\r\n\r\n{_SDP}"
).encode()


def _per_call(run: Callable[[], object], loops: int) -> float:
    """Best of five rounds, in µs per call (the minimum is least disturbed by neighbours)."""
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(loops):
            run()
        best = min(best, (time.perf_counter() - started) / loops)
    return best * 1e6


def _trickle() -> float:
    parser = StreamParser()
    started = time.perf_counter()
    parser.feed(b"INVITE sip:a@b SIP/2.0\r\n")
    try:
        for _ in range(70_000):
            parser.feed(b"x")
    except MessageTooLarge:
        pass
    return time.perf_counter() - started


def main() -> int:
    cli = argparse.ArgumentParser(prog="python -m benchmarks.sip_parse")
    cli.add_argument("--loops", type=int, default=20_000)
    loops = cli.parse_args().loops
    message = parse_message(INVITE)
    print(f"INVITE of {len(INVITE)} bytes")
    print(f"parse_message          {_per_call(lambda: parse_message(INVITE), loops):6.1f} µs")
    print(f"StreamParser.feed      {_per_call(lambda: StreamParser().feed(INVITE), loops):6.1f} µs")
    print(f"to_bytes               {_per_call(message.to_bytes, loops):6.1f} µs")
    uri = "sip:+46812345000@vaxel.example;user=phone"
    print(f"parse_uri              {_per_call(lambda: parse_uri(uri), loops):6.1f} µs")
    sender = message.headers.get("From") or ""
    print(f"parse_name_addr(From)  {_per_call(lambda: parse_name_addr(sender), loops):6.1f} µs")
    print(f"64 KB header, 1 B/feed {_trickle():6.2f} s until MessageTooLarge")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
