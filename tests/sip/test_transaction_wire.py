"""A phone's and a PBX's transaction layers over a fake, lossy wire with explicit time.

Every datagram goes through the real serializer and parser. The wire can lose chosen
datagrams (counted from 0 in the order they are sent); the log records every datagram
offered to it, so retransmission times are asserted exactly (RFC 3261 §17).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from hypothesis import given, settings
from hypothesis import strategies as st

from vaxel.sip.message import Headers, Request, response_to
from vaxel.sip.parser import parse_message
from vaxel.sip.transaction import (
    AckReceived,
    CancelReceived,
    Event,
    RequestReceived,
    ResponseReceived,
    TransactionLayer,
    TransactionTimeout,
    Transmit,
)

PHONE = ("127.0.0.1", 5070)
PBX = ("127.0.0.1", 5060)
Tu = Callable[["Wire", "Node", Event], None]
E = TypeVar("E")


@dataclass
class Node:
    name: str
    address: tuple[str, int]
    layer: TransactionLayer = field(default_factory=TransactionLayer)
    events: list[tuple[float, Event]] = field(default_factory=list)
    tu: Tu | None = None

    def seen(self, kind: type[E]) -> list[E]:
        return [event for _, event in self.events if isinstance(event, kind)]


class Wire:
    def __init__(self, *, transport: str = "udp", lose: tuple[int, ...] = ()) -> None:
        self.transport = transport
        self.lose = set(lose)
        self.now = 0.0
        self.phone = Node("phone", PHONE)
        self.pbx = Node("pbx", PBX)
        self.log: list[tuple[float, str, str]] = []  # (time, sender, start line)

    def carry(self, sender: Node, effects: list[Event]) -> None:
        for effect in effects:
            if not isinstance(effect, Transmit):
                sender.events.append((self.now, effect))
                if sender.tu is not None:
                    sender.tu(self, sender, effect)
                continue
            assert effect.transport == self.transport
            receiver = self.phone if effect.destination == PHONE else self.pbx
            assert receiver is not sender
            index = len(self.log)
            self.log.append((self.now, sender.name, effect.data.split(b"\r\n", 1)[0].decode()))
            if index in self.lose:
                continue
            message = parse_message(effect.data)
            self.carry(
                receiver,
                receiver.layer.receive(message, sender.address, self.transport, self.now),
            )

    def request(self, request: Request) -> tuple[str, str]:
        key, effects = self.phone.layer.send_request(request, PBX, self.transport, self.now)
        self.carry(self.phone, effects)
        return key

    def advance(self, until: float) -> None:
        while True:
            due = [
                (deadline, node.name, node)
                for node in (self.phone, self.pbx)
                if (deadline := node.layer.next_deadline()) is not None and deadline <= until
            ]
            if not due:
                break
            deadline, _, node = min(due)
            self.now = deadline
            self.carry(node, node.layer.on_timer(deadline))
        self.now = until

    def idle(self) -> bool:
        return self.phone.layer.next_deadline() is None and self.pbx.layer.next_deadline() is None


def request(method: str = "INVITE", branch: str = "z9hG4bKw1", cseq: int = 1) -> Request:
    return Request(
        headers=Headers(
            [
                ("Via", f"SIP/2.0/UDP 127.0.0.1:5070;branch={branch}"),
                ("Max-Forwards", "70"),
                ("From", "<sip:anna@127.0.0.1>;tag=f1"),
                ("To", "<sip:100@127.0.0.1>"),
                ("Call-ID", "wire-1"),
                ("CSeq", f"{cseq} {method}"),
            ]
        ),
        method=method,
        uri="sip:100@127.0.0.1",
    )


def answer(*statuses: int) -> Tu:
    """A PBX TU answering every new request with ``statuses`` in turn, at once."""

    def tu(wire: Wire, node: Node, event: Event) -> None:
        if isinstance(event, RequestReceived):
            for status in statuses:
                response = response_to(event.request, status, f"Status {status}", to_tag="p1")
                wire.carry(node, node.layer.send_response(event.server_key, response, wire.now))

    return tu


def finals(node: Node) -> list[int]:
    return [e.response.status for e in node.seen(ResponseReceived) if e.response.status >= 200]


def test_lost_requests_are_sent_again_at_t1_2t1_4t1_until_one_gets_through() -> None:
    wire = Wire(lose=(0, 1, 2))
    wire.pbx.tu = answer(200)
    wire.request(request("OPTIONS"))
    wire.advance(4.0)
    assert wire.log == [
        (0.0, "phone", "OPTIONS sip:100@127.0.0.1 SIP/2.0"),
        (0.5, "phone", "OPTIONS sip:100@127.0.0.1 SIP/2.0"),
        (1.5, "phone", "OPTIONS sip:100@127.0.0.1 SIP/2.0"),
        (3.5, "phone", "OPTIONS sip:100@127.0.0.1 SIP/2.0"),
        (3.5, "pbx", "SIP/2.0 200 Status 200"),
    ]
    assert finals(wire.phone) == [200] and len(wire.pbx.seen(RequestReceived)) == 1
    assert wire.phone.layer.next_deadline() == 8.5  # K = T4
    assert wire.pbx.layer.next_deadline() == 35.5  # J = 64·T1
    wire.advance(100.0)
    assert len(wire.log) == 5 and wire.idle()


def test_a_lost_rejection_comes_again_by_timer_g_and_is_acked() -> None:
    wire = Wire(lose=(2,))  # INVITE, 100 Trying, 486 (lost)
    wire.pbx.tu = answer(486)
    wire.request(request())
    wire.advance(1.0)
    assert [(at, who, line[:11]) for at, who, line in wire.log] == [
        (0.0, "phone", "INVITE sip:"),
        (0.0, "pbx", "SIP/2.0 100"),
        (0.0, "pbx", "SIP/2.0 486"),
        (0.5, "pbx", "SIP/2.0 486"),
        (0.5, "phone", "ACK sip:100"),
    ]
    assert finals(wire.phone) == [486]
    assert wire.pbx.layer.next_deadline() == 5.5  # Confirmed: Timer I = T4, G stopped
    assert wire.phone.layer.next_deadline() == 32.5  # Completed: Timer D
    wire.advance(60.0)
    assert len(wire.log) == 5 and wire.idle()


def test_when_the_100_is_lost_the_retransmitted_invite_gets_it_again() -> None:
    wire = Wire(lose=(1,))  # the TU says nothing yet: only the layer's 100 Trying
    wire.request(request())
    wire.advance(5.0)
    assert [(at, line[:11]) for at, _, line in wire.log] == [
        (0.0, "INVITE sip:"),
        (0.0, "SIP/2.0 100"),
        (0.5, "INVITE sip:"),
        (0.5, "SIP/2.0 100"),  # Proceeding now: Timer A stops
    ]
    assert len(wire.pbx.seen(RequestReceived)) == 1  # the TU saw the INVITE once


def test_a_retransmitted_invite_is_answered_with_the_last_provisional() -> None:
    wire = Wire(lose=(1, 2))  # the 100 and the 180 are both lost
    wire.pbx.tu = answer(180)
    wire.request(request())
    wire.advance(2.0)
    assert [(at, line[:11]) for at, _, line in wire.log] == [
        (0.0, "INVITE sip:"),
        (0.0, "SIP/2.0 100"),
        (0.0, "SIP/2.0 180"),
        (0.5, "INVITE sip:"),
        (0.5, "SIP/2.0 180"),  # the last response, not a second TU event
    ]
    assert len(wire.pbx.seen(RequestReceived)) == 1
    assert [e.response.status for e in wire.phone.seen(ResponseReceived)] == [180]


def test_retransmitting_a_2xx_is_the_tus_job_and_its_ack_reaches_the_tu() -> None:
    wire = Wire(lose=(2,))  # the 200 is lost
    wire.pbx.tu = answer(200)
    invite = request()
    wire.request(invite)
    wire.advance(5.0)
    assert len(wire.log) == 3  # the layers never retransmit a 2xx
    invite_received = wire.pbx.seen(RequestReceived)[0]
    resend = response_to(invite_received.request, 200, "Status 200", to_tag="p1")
    wire.carry(wire.pbx, [Transmit(resend.to_bytes(), PHONE, "udp")])  # the TU's own resend
    assert finals(wire.phone) == [200]
    ack = request("ACK", branch="z9hG4bKack")  # a new branch: ACK to 2xx is its own (§13.2.2.4)
    wire.carry(wire.phone, wire.phone.layer.send_ack(ack, PBX, "udp"))
    assert [e.request.method for e in wire.pbx.seen(AckReceived)] == ["ACK"]
    wire.advance(100.0)
    assert wire.idle()


def test_cancel_of_a_ringing_call_is_answered_200_then_the_invite_487_and_acked() -> None:
    wire = Wire()

    def pbx(wire: Wire, node: Node, event: Event) -> None:
        if isinstance(event, RequestReceived):
            ringing = response_to(event.request, 180, "Ringing", to_tag="p1")
            wire.carry(node, node.layer.send_response(event.server_key, ringing, wire.now))
        elif isinstance(event, CancelReceived) and event.invite_key is not None:
            invite = node.seen(RequestReceived)[0]
            gone = response_to(invite.request, 487, "Request Terminated", to_tag="p1")
            wire.carry(node, node.layer.send_response(event.invite_key, gone, wire.now))

    wire.pbx.tu = pbx
    invite_key = wire.request(request())
    wire.advance(1.0)
    cancel_key = wire.request(request("CANCEL"))  # same branch as the INVITE (§9.1)
    assert [line[:12] for _, _, line in wire.log] == [
        "INVITE sip:1",
        "SIP/2.0 100 ",
        "SIP/2.0 180 ",
        "CANCEL sip:1",
        "SIP/2.0 200 ",  # the layer answers the CANCEL itself (§9.2)
        "SIP/2.0 487 ",  # the TU, told by CancelReceived, ends the INVITE
        "ACK sip:100@",  # the phone's INVITE transaction ACKs it (§17.1.1.3)
    ]
    received = {(e.client_key, e.response.status) for e in wire.phone.seen(ResponseReceived)}
    assert (cancel_key, 200) in received and (invite_key, 487) in received
    assert invite_key[0] == cancel_key[0] and invite_key != cancel_key
    assert wire.pbx.seen(AckReceived) == []  # the ACK for the 487 is absorbed
    again = wire.pbx.layer.receive(request("CANCEL"), PHONE, "udp", 1.2)
    assert [e.data[:11] for e in again if isinstance(e, Transmit)] == [b"SIP/2.0 200"]
    assert not [e for e in again if isinstance(e, CancelReceived)]  # told the TU only once
    wire.advance(100.0)
    assert wire.idle()


def test_over_tcp_a_lost_request_is_not_sent_again_and_times_out() -> None:
    wire = Wire(transport="tcp", lose=(0,))
    wire.request(request("OPTIONS"))
    wire.advance(100.0)
    assert len(wire.log) == 1
    assert [at for at, e in wire.phone.events if isinstance(e, TransactionTimeout)] == [32.0]


def test_over_tcp_a_call_is_rejected_without_any_timer_left_behind() -> None:
    wire = Wire(transport="tcp")
    wire.pbx.tu = answer(486)
    wire.request(request())
    assert [line[:11] for _, _, line in wire.log] == [
        "INVITE sip:",
        "SIP/2.0 100",
        "SIP/2.0 486",
        "ACK sip:100",
    ]
    wire.advance(0.0)  # D and I are zero: nothing waits
    assert wire.idle() and finals(wire.phone) == [486]


@settings(max_examples=150, deadline=None)
@given(
    lost=st.sets(st.integers(min_value=0, max_value=11), max_size=8),
    method=st.sampled_from(["OPTIONS", "INVITE"]),
    statuses=st.sampled_from([(200,), (486,), (180, 486), (183, 180, 603), (100, 404)]),
)
def test_whatever_is_lost_each_side_sees_one_request_and_one_outcome(
    lost: set[int], method: str, statuses: tuple[int, ...]
) -> None:
    if method == "INVITE" and statuses[-1] < 300:
        statuses = (*statuses[:-1], 486)  # a 2xx is retransmitted by the TU, not here
    wire = Wire(lose=tuple(lost))
    wire.pbx.tu = answer(*statuses)
    wire.request(request(method))
    wire.advance(200.0)
    outcomes = finals(wire.phone) + [408 for _ in wire.phone.seen(TransactionTimeout)]
    assert outcomes in ([statuses[-1]], [408])  # exactly one final or one timeout
    assert len(wire.pbx.seen(RequestReceived)) <= 1  # retransmissions are absorbed
    if outcomes == [statuses[-1]]:
        assert len(wire.pbx.seen(RequestReceived)) == 1
    assert wire.idle()  # every transaction ended, no timer left on either side
