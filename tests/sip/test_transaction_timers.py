"""Every transaction timer of RFC 3261 §17 (and RFC 6026's L and M) at its exact deadline.

One layer at a time, time stepped by hand. UDP runs the retransmission timers A, E, G; over
TCP they are not used and the wait timers D, I, J, K are zero.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from vaxel.core.errors import IllegalTransition
from vaxel.sip.message import Headers, Request, Response, response_to
from vaxel.sip.transaction import (
    RequestReceived,
    ResponseReceived,
    TransactionLayer,
    TransactionTimeout,
    Transmit,
)

PEER = ("127.0.0.1", 5070)


def request(method: str = "INVITE", branch: str = "z9hG4bKt1", transport: str = "UDP") -> Request:
    return Request(
        headers=Headers(
            [
                ("Via", f"SIP/2.0/{transport} 127.0.0.1:5070;branch={branch}"),
                ("Max-Forwards", "70"),
                ("From", "<sip:anna@127.0.0.1>;tag=f1"),
                ("To", "<sip:100@127.0.0.1>"),
                ("Call-ID", f"timers-{branch}"),
                ("CSeq", f"1 {method}"),
            ]
        ),
        method=method,
        uri="sip:100@127.0.0.1",
    )


def reply(to: Request, status: int, reason: str = "Whatever") -> Response:
    return response_to(to, status, reason, to_tag="u1")


def run(layer: TransactionLayer, until: float) -> list[tuple[float, object]]:
    """Fire every timer up to ``until``; returns (time, event) for all that came out."""
    out: list[tuple[float, object]] = []
    while (deadline := layer.next_deadline()) is not None and deadline <= until:
        out += [(deadline, event) for event in layer.on_timer(deadline)]
    return out


def sent_at(log: list[tuple[float, object]]) -> list[float]:
    return [at for at, event in log if isinstance(event, Transmit)]


def server_key(events: Sequence[object]) -> tuple[str, str, str]:
    return next(e.server_key for e in events if isinstance(e, RequestReceived))


# -- client INVITE: A, B, D, M -------------------------------------------------------------


def test_timer_a_doubles_from_a_configured_t1_and_timer_b_ends_it_at_64_t1() -> None:
    layer = TransactionLayer(t1=0.25)
    key, first = layer.send_request(request(), PEER, "udp", 0.0)
    assert [type(e) for e in first] == [Transmit] and layer.next_deadline() == 0.25
    log = run(layer, 100.0)
    assert sent_at(log) == [0.25, 0.75, 1.75, 3.75, 7.75, 15.75]  # A: T1, 2T1 … no cap
    timeouts = [(at, e) for at, e in log if isinstance(e, TransactionTimeout)]
    assert len(timeouts) == 1 and timeouts[0][0] == 16.0  # B = 64·T1
    assert timeouts[0][1].client_key == key and timeouts[0][1].request.method == "INVITE"
    assert layer.next_deadline() is None


def test_a_provisional_stops_timer_a() -> None:
    layer = TransactionLayer()
    invite = request()
    layer.send_request(invite, PEER, "udp", 0.0)
    assert sent_at(run(layer, 1.0)) == [0.5]
    events = layer.receive(reply(invite, 180, "Ringing"), PEER, "udp", 1.2)
    assert [type(e) for e in events] == [ResponseReceived]
    assert sent_at(run(layer, 31.0)) == []  # no retransmission once Proceeding (§17.1.1.2)


def test_a_phone_may_ring_longer_than_64_t1() -> None:
    layer = TransactionLayer()
    invite = request()
    layer.send_request(invite, PEER, "udp", 0.0)
    layer.receive(reply(invite, 180, "Ringing"), PEER, "udp", 0.1)
    assert not [e for _, e in run(layer, 45.0) if isinstance(e, TransactionTimeout)]
    answered = layer.receive(reply(invite, 200, "OK"), PEER, "udp", 45.0)
    assert [type(e) for e in answered] == [ResponseReceived]


def test_timer_d_absorbs_retransmitted_finals_for_32_seconds_over_udp() -> None:
    layer = TransactionLayer()
    invite = request()
    layer.send_request(invite, PEER, "udp", 0.0)
    busy = reply(invite, 486, "Busy Here")
    first = layer.receive(busy, PEER, "udp", 0.2)
    assert [type(e) for e in first] == [Transmit, ResponseReceived]  # ACK, then the TU
    assert layer.next_deadline() == 32.2  # D
    again = layer.receive(busy, PEER, "udp", 10.0)
    ack = first[0]
    assert isinstance(ack, Transmit) and ack.data.startswith(b"ACK sip:100@127.0.0.1 SIP/2.0")
    assert [e.data for e in again if isinstance(e, Transmit)] == [ack.data]  # the same ACK
    assert run(layer, 32.2) == [] and layer.next_deadline() is None
    late = layer.receive(busy, PEER, "udp", 33.0)
    assert not [e for e in late if isinstance(e, Transmit)]  # gone: nobody ACKs any more


def test_timer_m_passes_2xx_retransmissions_to_the_tu_for_64_t1() -> None:
    layer = TransactionLayer()
    invite = request()
    key, _ = layer.send_request(invite, PEER, "udp", 0.0)
    ok = reply(invite, 200, "OK")
    for at in (0.3, 1.3, 20.0):
        events = layer.receive(ok, PEER, "udp", at)
        assert [e.client_key for e in events if isinstance(e, ResponseReceived)] == [key]
        assert len(events) == 1
    assert layer.next_deadline() == 32.3  # M, from the first 2xx (RFC 6026 §7.2)
    run(layer, 32.3)
    assert layer.next_deadline() is None


def test_over_tcp_the_client_invite_never_retransmits_and_d_is_zero() -> None:
    layer = TransactionLayer()
    invite = request(transport="TCP")
    layer.send_request(invite, PEER, "tcp", 0.0)
    assert layer.next_deadline() == 32.0  # only B
    events = layer.receive(reply(invite, 603, "Decline"), PEER, "tcp", 1.0)
    assert isinstance(events[0], Transmit) and events[0].transport == "tcp"  # the ACK
    assert layer.next_deadline() == 1.0  # D = 0
    assert run(layer, 1.0) == [] and layer.next_deadline() is None


# -- client non-INVITE: E, F, K -------------------------------------------------------------


def test_timer_e_doubles_up_to_t2_and_timer_f_times_out() -> None:
    layer = TransactionLayer()
    key, _ = layer.send_request(request("OPTIONS"), PEER, "udp", 0.0)
    log = run(layer, 40.0)
    assert sent_at(log) == [0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5]
    assert [(at, e.client_key) for at, e in log if isinstance(e, TransactionTimeout)] == [
        (32.0, key)
    ]
    assert len(log) == 11  # ten retransmissions and the timeout, nothing else


def test_a_smaller_t2_caps_timer_e_sooner() -> None:
    layer = TransactionLayer(t1=0.5, t2=1.0)
    layer.send_request(request("OPTIONS"), PEER, "udp", 0.0)
    assert sent_at(run(layer, 5.0)) == [0.5, 1.5, 2.5, 3.5, 4.5]


def test_timer_k_absorbs_retransmitted_finals_for_t4() -> None:
    layer = TransactionLayer(t4=2.5)
    options = request("OPTIONS")
    layer.send_request(options, PEER, "udp", 0.0)
    assert [type(e) for e in layer.receive(reply(options, 200, "OK"), PEER, "udp", 0.7)] == [
        ResponseReceived
    ]
    assert layer.next_deadline() == 3.2  # K = T4; E and F are off
    assert layer.receive(reply(options, 200, "OK"), PEER, "udp", 1.0) == []
    assert run(layer, 100.0) == [] and layer.next_deadline() is None


def test_over_tcp_non_invite_has_only_timer_f_and_k_is_zero() -> None:
    layer = TransactionLayer()
    options = request("OPTIONS", transport="TCP")
    layer.send_request(options, PEER, "tcp", 0.0)
    assert layer.next_deadline() == 32.0
    layer.receive(reply(options, 200, "OK"), PEER, "tcp", 2.0)
    assert layer.next_deadline() == 2.0  # K = 0
    run(layer, 2.0)
    assert layer.next_deadline() is None


# -- server INVITE: G, H, I, L --------------------------------------------------------------


def test_timers_g_h_over_udp_and_i_after_the_ack() -> None:
    layer = TransactionLayer()
    events = layer.receive(request(), PEER, "udp", 0.0)
    key = server_key(events)
    assert layer.next_deadline() is None  # Proceeding waits for the TU, no timer
    layer.send_response(key, reply(request(), 480, "Temporarily Unavailable"), 2.0)
    assert layer.next_deadline() == 2.5  # G = T1
    assert sent_at(run(layer, 9.0)) == [2.5, 3.5, 5.5]  # T1, 2T1, 4T1
    assert layer.next_deadline() == 9.5  # then capped at T2
    assert layer.receive(request("ACK"), PEER, "udp", 9.2) == []  # absorbed → Confirmed
    assert layer.next_deadline() == 14.2  # I = T4, G and H off
    assert layer.receive(request("ACK"), PEER, "udp", 10.0) == []  # retransmitted ACK absorbed
    assert run(layer, 14.2) == [] and layer.next_deadline() is None


def test_timer_h_gives_up_waiting_for_the_ack_at_64_t1() -> None:
    layer = TransactionLayer(t1=0.25, t2=1.0)
    key = server_key(layer.receive(request(), PEER, "udp", 0.0))
    layer.send_response(key, reply(request(), 486, "Busy Here"), 0.0)
    log = run(layer, 100.0)
    assert sent_at(log)[:4] == [0.25, 0.75, 1.75, 2.75]
    assert sent_at(log)[-1] == 15.75 and layer.next_deadline() is None  # H = 16.0


def test_over_tcp_the_server_never_retransmits_its_final_and_i_is_zero() -> None:
    layer = TransactionLayer()
    tcp_invite = request(transport="TCP")
    key = server_key(layer.receive(tcp_invite, PEER, "tcp", 0.0))
    layer.send_response(key, reply(tcp_invite, 486, "Busy Here"), 1.0)
    assert layer.next_deadline() == 33.0  # H only, no G
    assert layer.receive(request("ACK", transport="TCP"), PEER, "tcp", 1.5) == []
    assert layer.next_deadline() == 1.5  # I = 0
    run(layer, 1.5)
    assert layer.next_deadline() is None


def test_timer_l_keeps_an_accepted_invite_absorbing_retransmissions_for_64_t1() -> None:
    layer = TransactionLayer()
    key = server_key(layer.receive(request(), PEER, "udp", 0.0))
    layer.send_response(key, reply(request(), 200, "OK"), 1.0)
    assert layer.next_deadline() == 33.0  # L (RFC 6026 §7.1)
    assert layer.receive(request(), PEER, "udp", 20.0) == []  # absorbed, not a new call
    with pytest.raises(IllegalTransition):
        layer.send_response(key, reply(request(), 486, "Busy Here"), 21.0)
    run(layer, 33.0)
    again = layer.receive(request(), PEER, "udp", 40.0)
    assert any(isinstance(e, RequestReceived) for e in again)  # the transaction is gone


# -- server non-INVITE: J ------------------------------------------------------------------


def test_timer_j_repeats_the_final_to_retransmissions_for_64_t1_over_udp() -> None:
    layer = TransactionLayer()
    options = request("OPTIONS")
    key = server_key(layer.receive(options, PEER, "udp", 0.0))
    assert layer.receive(options, PEER, "udp", 0.5) == []  # Trying: the TU is thinking
    layer.send_response(key, reply(options, 200, "OK"), 0.8)
    assert layer.next_deadline() == 32.8  # J = 64·T1
    again = layer.receive(options, PEER, "udp", 5.0)
    assert [e.data[:14] for e in again if isinstance(e, Transmit)] == [b"SIP/2.0 200 OK"]
    with pytest.raises(IllegalTransition):
        layer.send_response(key, reply(options, 500, "Server Error"), 6.0)
    run(layer, 32.8)
    assert layer.next_deadline() is None


def test_over_tcp_timer_j_is_zero() -> None:
    layer = TransactionLayer()
    options = request("OPTIONS", transport="TCP")
    key = server_key(layer.receive(options, PEER, "tcp", 0.0))
    layer.send_response(key, reply(options, 200, "OK"), 0.8)
    assert layer.next_deadline() == 0.8
    run(layer, 0.8)
    assert layer.next_deadline() is None


def test_a_provisional_to_a_non_invite_is_repeated_to_retransmissions() -> None:
    layer = TransactionLayer()
    register = request("REGISTER")
    key = server_key(layer.receive(register, PEER, "udp", 0.0))
    layer.send_response(key, reply(register, 100, "Trying"), 0.1)
    assert layer.next_deadline() is None  # Proceeding: no timer until the final
    again = layer.receive(register, PEER, "udp", 0.5)
    assert [e.data[:11] for e in again if isinstance(e, Transmit)] == [b"SIP/2.0 100"]


# -- the one heap --------------------------------------------------------------------------


def test_one_heap_serves_many_transactions_and_skips_cancelled_timers() -> None:
    layer = TransactionLayer()
    invites = [request(branch=f"z9hG4bKmany{n}") for n in range(500)]
    for n, invite in enumerate(invites):
        layer.send_request(invite, PEER, "udp", n / 1024)
    assert layer.next_deadline() == 0.5  # the first one's timer A
    for invite in invites[:-1]:  # every phone but the last one rings: A stops for them
        layer.receive(reply(invite, 180, "Ringing"), PEER, "udp", 0.4)
    assert layer.next_deadline() == 0.5 + 499 / 1024  # the last one's A; 499 stale skipped
    assert sent_at(run(layer, 1.0)) == [0.5 + 499 / 1024]
