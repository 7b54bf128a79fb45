"""Transactions (RFC 3261 §17, RFC 6026) over a fake wire with explicit time."""

from __future__ import annotations

from vaxel.sip.message import Headers, Request, response_to
from vaxel.sip.parser import parse_message
from vaxel.sip.transaction import (
    AckReceived,
    CancelReceived,
    RequestReceived,
    ResponseReceived,
    TransactionLayer,
    TransactionTimeout,
    Transmit,
)

PHONE = ("127.0.0.1", 5070)
SERVER = ("127.0.0.1", 5060)


def request(method: str = "INVITE", branch: str = "z9hG4bKa1", cseq: int = 1) -> Request:
    return Request(
        headers=Headers(
            [
                ("Via", f"SIP/2.0/UDP 127.0.0.1:5070;branch={branch};rport"),
                ("From", "<sip:anna@127.0.0.1>;tag=f1"),
                ("To", "<sip:100@127.0.0.1>"),
                ("Call-ID", "tx-1"),
                ("CSeq", f"{cseq} {method}"),
                ("Max-Forwards", "70"),
            ]
        ),
        method=method,
        uri="sip:100@127.0.0.1",
    )


def sent(events: list[object]) -> list[bytes]:
    return [e.data for e in events if isinstance(e, Transmit)]


def test_server_invite_says_trying_absorbs_retransmissions_and_retransmits_its_final() -> None:
    layer = TransactionLayer()
    invite = request()
    events = layer.receive(parse_message(invite.to_bytes()), PHONE, "udp", 0.0)
    assert sent(events)[0].startswith(b"SIP/2.0 100 Trying")
    received = next(e for e in events if isinstance(e, RequestReceived))
    assert (
        "received=127.0.0.1" in received.request.top_via
        and "rport=5070" in received.request.top_via
    )
    assert sent(layer.receive(parse_message(invite.to_bytes()), PHONE, "udp", 0.2))[0].startswith(
        b"SIP/2.0 100"
    )  # the retransmitted INVITE gets the last response again, not a second TU event
    busy = response_to(received.request, 486, "Busy Here", to_tag="t1")
    first = layer.send_response(received.server_key, busy, 1.0)
    assert isinstance(first[0], Transmit) and first[0].destination == PHONE
    assert layer.next_deadline() == 1.5  # timer G = T1
    assert sent(layer.on_timer(1.5))[0].startswith(b"SIP/2.0 486")
    assert layer.next_deadline() == 2.5  # 2·T1
    ack = request("ACK")
    assert layer.receive(parse_message(ack.to_bytes()), PHONE, "udp", 2.0) == []  # absorbed
    assert layer.on_timer(2.5) == []  # no more retransmissions once confirmed
    assert layer.next_deadline() == 7.0  # timer I = T4 after the ACK


def test_timer_h_ends_an_unacknowledged_final_and_g_caps_at_t2() -> None:
    layer = TransactionLayer()
    events = layer.receive(request(), PHONE, "udp", 0.0)
    key = next(e for e in events if isinstance(e, RequestReceived)).server_key
    layer.send_response(key, response_to(request(), 603, "Decline", to_tag="x"), 0.0)
    times = []
    now = 0.0
    while (deadline := layer.next_deadline()) is not None and deadline <= 40:
        now = deadline
        if sent(layer.on_timer(now)):
            times.append(now)
    assert times[:5] == [0.5, 1.5, 3.5, 7.5, 11.5]  # T1, 2T1, 4T1 then capped at T2 = 4 s
    assert layer.next_deadline() is None and now == 32.0  # timer H = 64·T1


def test_client_non_invite_retransmits_until_a_provisional_then_every_t2_and_times_out() -> None:
    layer = TransactionLayer()
    options = request("OPTIONS", branch="z9hG4bKo")
    key, first = layer.send_request(options, PHONE, "udp", 0.0)
    assert sent(first) == [options.to_bytes()]
    assert sent(layer.on_timer(0.5)) and layer.next_deadline() == 1.5
    trying = response_to(options, 100, "Trying")
    assert isinstance(layer.receive(trying, PHONE, "udp", 0.6)[0], ResponseReceived)
    assert layer.next_deadline() == 4.6  # after a provisional, every T2 (§17.1.2.2)
    retransmitted = []
    while (deadline := layer.next_deadline()) is not None and deadline < 32:
        if sent(layer.on_timer(deadline)):
            retransmitted.append(round(deadline, 1))
    assert retransmitted == [4.6, 8.6, 12.6, 16.6, 20.6, 24.6, 28.6]
    timeout = layer.on_timer(32.0)
    assert any(isinstance(e, TransactionTimeout) and e.client_key == key for e in timeout)


def test_client_invite_acks_a_rejection_itself_and_passes_2xx_retransmissions_to_the_tu() -> None:
    layer = TransactionLayer()
    invite = request(branch="z9hG4bKc1")
    key, _ = layer.send_request(invite, PHONE, "udp", 0.0)
    events = layer.receive(response_to(invite, 486, "Busy Here", to_tag="b"), PHONE, "udp", 0.1)
    ack = parse_message(sent(events)[0])
    assert isinstance(ack, Request) and ack.method == "ACK" and ack.cseq == (1, "ACK")
    assert ack.branch == "z9hG4bKc1" and ";tag=b" in (ack.headers.get("To") or "")
    assert any(isinstance(e, ResponseReceived) and e.response.status == 486 for e in events)
    again = layer.receive(response_to(invite, 486, "Busy Here", to_tag="b"), PHONE, "udp", 0.2)
    assert [type(e) for e in again] == [Transmit]  # the retransmitted final is ACKed again

    invite2 = request(branch="z9hG4bKc2")
    key2, _ = layer.send_request(invite2, PHONE, "udp", 1.0)
    ok = response_to(invite2, 200, "OK", to_tag="o")
    assert [type(e) for e in layer.receive(ok, PHONE, "udp", 1.1)] == [ResponseReceived]
    assert [type(e) for e in layer.receive(ok, PHONE, "udp", 1.6)] == [ResponseReceived]
    assert key != key2


def test_client_invite_times_out_after_64_t1_with_retransmissions_doubling() -> None:
    layer = TransactionLayer()
    layer.send_request(request(branch="z9hG4bKt"), PHONE, "udp", 0.0)
    times = []
    while (deadline := layer.next_deadline()) is not None:
        events = layer.on_timer(deadline)
        if sent(events):
            times.append(deadline)
        if any(isinstance(e, TransactionTimeout) for e in events):
            break
    assert times == [0.5, 1.5, 3.5, 7.5, 15.5, 31.5]
    assert deadline == 32.0


def test_tcp_has_no_retransmissions_and_zero_wait_timers() -> None:
    layer = TransactionLayer()
    layer.send_request(request("OPTIONS", branch="z9hG4bKtcp"), PHONE, "tcp", 0.0)
    assert layer.next_deadline() == 32.0  # only timer F


def test_cancel_is_answered_here_and_reported_with_the_invite_it_cancels() -> None:
    layer = TransactionLayer()
    events = layer.receive(request(), PHONE, "udp", 0.0)
    invite_key = next(e for e in events if isinstance(e, RequestReceived)).server_key
    cancel = request("CANCEL")
    events = layer.receive(cancel, PHONE, "udp", 0.5)
    assert sent(events)[0].startswith(b"SIP/2.0 200 OK")
    assert any(isinstance(e, CancelReceived) and e.invite_key == invite_key for e in events)
    stray = request("CANCEL", branch="z9hG4bKnone")
    assert sent(layer.receive(stray, PHONE, "udp", 0.6))[0].startswith(b"SIP/2.0 481")


def test_ack_to_a_2xx_reaches_the_tu_and_retransmitted_invites_are_absorbed() -> None:
    layer = TransactionLayer()
    events = layer.receive(request(), PHONE, "udp", 0.0)
    key = next(e for e in events if isinstance(e, RequestReceived)).server_key
    layer.send_response(key, response_to(request(), 200, "OK", to_tag="a"), 0.1)
    assert layer.receive(request(), PHONE, "udp", 0.3) == []  # Accepted (RFC 6026)
    ack = request("ACK", branch="z9hG4bKack2xx")
    assert [type(e) for e in layer.receive(ack, PHONE, "udp", 0.4)] == [AckReceived]
