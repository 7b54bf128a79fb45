"""Which transaction a message belongs to, and where responses go.

Matching per RFC 3261 §17.1.3 (responses: branch + CSeq method) and §17.2.3 (requests:
branch + sent-by + method, ACK to its INVITE); response routing per §18.2.2 with the
``received``/``rport`` stamping of §18.2.1 and RFC 3581 §4 that phones behind NAT, SIPp and
baresip depend on.
"""

from __future__ import annotations

import pytest

from vaxel.core.errors import IllegalTransition
from vaxel.sip.message import Headers, Request, response_to, via_param
from vaxel.sip.parser import parse_message
from vaxel.sip.transaction import (
    AckReceived,
    CancelReceived,
    RequestReceived,
    ResponseReceived,
    TransactionLayer,
    Transmit,
    reply_destination,
)

LAN_PHONE = "SIP/2.0/UDP 192.168.1.10:5062;branch=z9hG4bKnat1"


def request(
    method: str = "INVITE",
    via: str = "SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKm1",
    *,
    call_id: str = "match-1",
    extra_vias: tuple[str, ...] = (),
) -> Request:
    headers = Headers([("Via", via)])
    for value in extra_vias:
        headers.add("Via", value)
    for name, value in (
        ("Max-Forwards", "70"),
        ("From", "<sip:anna@example.se>;tag=f1"),
        ("To", "<sip:100@example.se>"),
        ("Call-ID", call_id),
        ("CSeq", f"1 {method}"),
    ):
        headers.add(name, value)
    return Request(headers=headers, method=method, uri="sip:100@example.se")


def transmitted(events: list[object]) -> list[Transmit]:
    return [e for e in events if isinstance(e, Transmit)]


def received(events: list[object]) -> list[RequestReceived]:
    return [e for e in events if isinstance(e, RequestReceived)]


# -- where responses go (§18.2.2, RFC 3581) ------------------------------------------------


def test_a_phone_behind_nat_that_asks_for_rport_is_answered_at_its_public_address() -> None:
    layer = TransactionLayer()
    events = layer.receive(request(via=f"{LAN_PHONE};rport"), ("203.0.113.7", 40000), "udp", 0)
    trying = transmitted(events)[0]
    assert trying.destination == ("203.0.113.7", 40000)
    via = parse_message(trying.data).top_via
    assert via_param(via, "received") == "203.0.113.7" and via_param(via, "rport") == "40000"
    assert via_param(via, "branch") == "z9hG4bKnat1"
    tu_via = received(events)[0].request.top_via  # the TU sees the stamped Via too
    assert via_param(tu_via, "rport") == "40000"


def test_without_rport_a_differing_source_gets_received_and_the_sent_by_port() -> None:
    layer = TransactionLayer()
    events = layer.receive(request(via=LAN_PHONE), ("203.0.113.7", 40000), "udp", 0)
    trying = transmitted(events)[0]
    assert trying.destination == ("203.0.113.7", 5062)  # §18.2.2: received, sent-by port
    via = parse_message(trying.data).top_via
    assert via_param(via, "received") == "203.0.113.7" and via_param(via, "rport") is None


def test_a_source_matching_sent_by_is_not_stamped_and_the_sent_by_port_is_used() -> None:
    layer = TransactionLayer()
    events = layer.receive(request(), ("127.0.0.1", 41000), "udp", 0)
    trying = transmitted(events)[0]
    assert trying.destination == ("127.0.0.1", 5070)
    assert "received=" not in parse_message(trying.data).top_via


def test_rport_is_stamped_with_received_even_when_the_address_matches() -> None:
    layer = TransactionLayer()
    via = "SIP/2.0/UDP 127.0.0.1:5070;rport;branch=z9hG4bKsipp"  # how SIPp sends it
    events = layer.receive(request(via=via), ("127.0.0.1", 5070), "udp", 0)
    stamped = parse_message(transmitted(events)[0].data).top_via
    assert stamped.startswith("SIP/2.0/UDP 127.0.0.1:5070;rport=5070;branch=z9hG4bKsipp")
    assert via_param(stamped, "received") == "127.0.0.1"  # RFC 3581 §4


def test_a_sent_by_without_port_means_5060() -> None:
    via = "SIP/2.0/UDP 198.51.100.4;branch=z9hG4bKp"
    assert reply_destination(via, ("198.51.100.4", 33333), "udp") == ("198.51.100.4", 5060)


def test_over_tcp_responses_go_back_where_the_request_came_from() -> None:
    layer = TransactionLayer()
    via = "SIP/2.0/TCP 192.168.1.10:5062;branch=z9hG4bKtcp1"
    events = layer.receive(request(via=via), ("203.0.113.7", 51515), "tcp", 0)
    assert [(t.destination, t.transport) for t in transmitted(events)] == [
        (("203.0.113.7", 51515), "tcp")
    ]


def test_only_the_top_via_is_stamped_and_the_order_of_vias_is_kept() -> None:
    layer = TransactionLayer()
    invite = request(
        via="SIP/2.0/UDP proxy.example.se:5060;branch=z9hG4bKprx;rport, "
        "SIP/2.0/UDP 10.0.0.5:5062;branch=z9hG4bKmid",
        extra_vias=("SIP/2.0/UDP 10.0.0.9;branch=z9hG4bKuac;rport",),
    )
    events = layer.receive(invite, ("192.0.2.1", 5060), "udp", 0)
    vias = parse_message(transmitted(events)[0].data).vias
    assert vias == [
        "SIP/2.0/UDP proxy.example.se:5060;branch=z9hG4bKprx;rport=5060;received=192.0.2.1",
        "SIP/2.0/UDP 10.0.0.5:5062;branch=z9hG4bKmid",
        "SIP/2.0/UDP 10.0.0.9;branch=z9hG4bKuac;rport",  # not ours to fill
    ]


# -- matching requests (§17.2.3) -----------------------------------------------------------


def test_the_same_branch_from_two_hosts_is_two_transactions() -> None:
    layer = TransactionLayer()
    one = layer.receive(request(), ("127.0.0.1", 5070), "udp", 0)
    other_via = "SIP/2.0/UDP 127.0.0.2:5070;branch=z9hG4bKm1"
    two = layer.receive(request(via=other_via), ("127.0.0.2", 5070), "udp", 0)
    assert len(received(one)) == len(received(two)) == 1
    assert received(one)[0].server_key != received(two)[0].server_key


def test_the_same_branch_with_another_method_is_another_transaction() -> None:
    layer = TransactionLayer()
    layer.receive(request("OPTIONS"), ("127.0.0.1", 5070), "udp", 0)
    assert len(received(layer.receive(request("INFO"), ("127.0.0.1", 5070), "udp", 0))) == 1


def test_an_ack_with_its_own_branch_is_the_tus_and_so_is_an_ack_after_a_2xx() -> None:
    layer = TransactionLayer()
    key = received(layer.receive(request(), ("127.0.0.1", 5070), "udp", 0))[0].server_key
    layer.send_response(key, response_to(request(), 200, "OK", to_tag="t"), 0.1)
    same_branch = layer.receive(request("ACK"), ("127.0.0.1", 5070), "udp", 0.2)
    own_branch = request("ACK", "SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKack2")
    other = layer.receive(own_branch, ("127.0.0.1", 5070), "udp", 0.2)
    assert [type(e) for e in same_branch] == [AckReceived] == [type(e) for e in other]
    assert isinstance(other[0], AckReceived) and other[0].source == ("127.0.0.1", 5070)


def test_a_cancel_for_nothing_is_answered_481() -> None:
    layer = TransactionLayer()
    events = layer.receive(request("CANCEL"), ("127.0.0.1", 5070), "udp", 0)
    assert transmitted(events)[0].data.startswith(b"SIP/2.0 481 ")
    assert [e.invite_key for e in events if isinstance(e, CancelReceived)] == [None]
    assert received(events) == []  # the TU never answers a CANCEL itself


def test_a_cancel_after_the_final_response_is_still_answered_200_but_cancels_nothing() -> None:
    layer = TransactionLayer()
    key = received(layer.receive(request(), ("127.0.0.1", 5070), "udp", 0))[0].server_key
    layer.send_response(key, response_to(request(), 486, "Busy Here", to_tag="t"), 0.1)
    events = layer.receive(request("CANCEL"), ("127.0.0.1", 5070), "udp", 0.2)
    assert [e.invite_key for e in events if isinstance(e, CancelReceived)] == [None]
    assert transmitted(events)[0].data.startswith(b"SIP/2.0 200 ")


def test_two_different_requests_without_a_branch_are_not_retransmissions() -> None:
    layer = TransactionLayer()
    old_via = "SIP/2.0/UDP 127.0.0.1:5070"
    first = layer.receive(request("OPTIONS", old_via, call_id="a"), ("127.0.0.1", 5070), "udp", 0)
    second = layer.receive(request("OPTIONS", old_via, call_id="b"), ("127.0.0.1", 5070), "udp", 1)
    assert len(received(first)) == len(received(second)) == 1


# -- matching responses (§17.1.3) ----------------------------------------------------------


def test_a_response_matches_by_branch_and_cseq_method() -> None:
    layer = TransactionLayer()
    invite = request()
    invite_key, _ = layer.send_request(invite, ("127.0.0.1", 5060), "udp", 0)
    cancel_key, _ = layer.send_request(request("CANCEL"), ("127.0.0.1", 5060), "udp", 1)
    ok_cancel = layer.receive(
        response_to(request("CANCEL"), 200, "OK"), ("127.0.0.1", 5060), "udp", 1.1
    )
    assert [e.client_key for e in ok_cancel if isinstance(e, ResponseReceived)] == [cancel_key]
    assert layer.next_deadline() == 0.5  # the INVITE's Timer A is untouched by it
    terminated = layer.receive(
        response_to(invite, 487, "Request Terminated", to_tag="t"), ("127.0.0.1", 5060), "udp", 1.2
    )
    assert [type(e) for e in terminated] == [Transmit, ResponseReceived]  # ACK, then the TU
    assert [e.client_key for e in terminated if isinstance(e, ResponseReceived)] == [invite_key]
    assert invite_key == ("z9hG4bKm1", "INVITE") and cancel_key == ("z9hG4bKm1", "CANCEL")


def test_a_2xx_after_the_transaction_ended_still_reaches_the_tu_to_be_acked() -> None:
    layer = TransactionLayer()
    invite = request()
    layer.send_request(invite, ("127.0.0.1", 5060), "udp", 0)
    ok = response_to(invite, 200, "OK", to_tag="t")
    layer.receive(ok, ("127.0.0.1", 5060), "udp", 0.1)
    while (deadline := layer.next_deadline()) is not None:
        layer.on_timer(deadline)  # Timer M ends the Accepted client transaction
    late = layer.receive(ok, ("127.0.0.1", 5060), "udp", 40.0)
    assert any(getattr(e, "response", None) is ok for e in late)


# -- what the TU may and may not do --------------------------------------------------------


def test_send_request_adds_nothing_and_sends_the_bytes_of_the_request() -> None:
    layer = TransactionLayer()
    invite = request()
    before = invite.to_bytes()
    _, effects = layer.send_request(invite, ("127.0.0.1", 5060), "udp", 0)
    assert [(t.data, t.destination) for t in transmitted(effects)] == [
        (before, ("127.0.0.1", 5060))
    ]
    assert invite.to_bytes() == before


@pytest.mark.parametrize(
    "bad",
    [
        request(via="SIP/2.0/UDP 127.0.0.1:5070;branch=1234"),  # no magic cookie
        request(via="SIP/2.0/UDP 127.0.0.1:5070"),  # no branch at all
        request("ACK"),  # an ACK is never a client transaction
    ],
)
def test_send_request_refuses_what_cannot_be_a_client_transaction(bad: Request) -> None:
    with pytest.raises(ValueError):
        TransactionLayer().send_request(bad, ("127.0.0.1", 5060), "udp", 0)


def test_answering_a_transaction_that_is_gone_or_done_raises_illegal_transition() -> None:
    layer = TransactionLayer()
    with pytest.raises(IllegalTransition):
        layer.send_response(("z9hG4bKno", "h:1", "BYE"), response_to(request("BYE"), 200, "OK"), 0)
    key = received(layer.receive(request(), ("127.0.0.1", 5070), "udp", 0))[0].server_key
    layer.send_response(key, response_to(request(), 603, "Decline", to_tag="t"), 0)
    with pytest.raises(IllegalTransition):
        layer.send_response(key, response_to(request(), 180, "Ringing", to_tag="t"), 0.1)
