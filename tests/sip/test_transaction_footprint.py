"""What a finished call leaves in the transaction layer while its timers run out (issue 11,
Benchmarks).

At 1,000 calls/s an INVITE and a BYE server transaction per call wait 64·T1 (timers L and
J), about 64,000 at a time; every object they keep is scanned by each full collection, and
the 30–120 ms collections of 140,000 objects at 800 calls/s dropped datagrams. So a server
transaction keeps only what it still needs, not the parsed request.
"""

from __future__ import annotations

import gc

from vaxel.sip.message import Headers, Request, Response, response_to
from vaxel.sip.parser import parse_message
from vaxel.sip.transaction import RequestReceived, TransactionLayer

PHONE = ("127.0.0.1", 5070)
CALLS = 400


def _request(method: str, call: int, cseq: int, to_tag: str = "") -> bytes:
    to = f"<sip:0812345000@127.0.0.1>{f';tag={to_tag}' if to_tag else ''}"
    return Request(
        headers=Headers(
            [
                ("Via", f"SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK{method}{call};rport"),
                ("From", f"sipp <sip:sipp@127.0.0.1:5070>;tag={call}SIPpTag00"),
                ("To", to),
                ("Call-ID", f"{call}-footprint@127.0.0.1"),
                ("CSeq", f"{cseq} {method}"),
                ("Contact", "sip:sipp@127.0.0.1:5070"),
                ("Max-Forwards", "70"),
                ("Subject", "Performance Test"),
                ("Content-Type", "application/sdp"),
            ]
        ),
        method=method,
        uri="sip:0812345000@127.0.0.1:5060",
        body=b"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
        b"m=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n",
    ).to_bytes()


def _answer(layer: TransactionLayer, data: bytes, status: int, now: float) -> None:
    message = parse_message(data)
    assert not isinstance(message, Response)
    received = next(
        e for e in layer.receive(message, PHONE, "udp", now) if isinstance(e, RequestReceived)
    )
    reply = response_to(received.request, status, "OK", to_tag="vaxel1")
    layer.send_response(received.server_key, reply, now)


def _tracked_after(calls: int) -> int:
    layer = TransactionLayer()
    gc.collect()
    before = len(gc.get_objects())
    for call in range(calls):
        now = call / 1000
        _answer(layer, _request("INVITE", call, 1), 200, now)
        ack = parse_message(_request("ACK", call, 1, "vaxel1"))
        layer.receive(ack, PHONE, "udp", now)
        _answer(layer, _request("BYE", call, 2, "vaxel1"), 200, now)
    gc.collect()
    tracked = len(gc.get_objects()) - before
    assert layer.next_deadline() is not None  # timers L and J still hold the transactions
    return tracked


def test_a_finished_call_keeps_few_tracked_objects_in_the_transaction_layer() -> None:
    per_call = _tracked_after(CALLS) / CALLS
    # Measured 2.3 tracked objects per call (two transactions: a slotted object and its
    # timers' dict each, the heap's entries); keeping the parsed requests made it 8.0.
    assert per_call <= 4, per_call
