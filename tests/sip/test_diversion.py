"""The Diversion header read and written (RFC 5806; task R): the count of forwardings a
carrier tells of, bounded whatever a peer writes."""

from __future__ import annotations

from vaxel.sip.diversion import MAX_COUNT, diversion_count, diversion_value
from vaxel.sip.message import Headers, Request


def request(*diversions: str) -> Request:
    headers = Headers([("Via", "SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKx")])
    for value in diversions:
        headers.add("Diversion", value)
    return Request(headers=headers, method="INVITE", uri="sip:+46101234500@127.0.0.1")


def test_counters_add_up_over_entries_and_headers() -> None:
    assert diversion_count(request()) == 0
    assert diversion_count(request("<sip:+4681@a>;reason=unconditional")) == 1
    assert diversion_count(request("<sip:+4681@a>;reason=user-busy;counter=3")) == 3
    two = "<sip:+4681@a>;counter=2, <sip:+4682@b>;reason=no-answer"
    assert diversion_count(request(two, "<sip:+4683@c>;counter=4")) == 7
    assert diversion_count(request("sip:+4681@a;counter=2")) == 2


def test_what_a_peer_writes_is_bounded() -> None:
    assert diversion_count(request("<sip:x@a>;counter=banana")) == 1
    assert diversion_count(request("<sip:x@a>;counter=99999999999999999999")) == 1
    assert diversion_count(request("<sip:x@a>;counter=999")) == MAX_COUNT
    assert diversion_count(request(*["<sip:x@a>"] * 200)) == MAX_COUNT
    assert diversion_count(request(", ".join(["<sip:x@a>"] * 50))) == MAX_COUNT


def test_the_value_we_send() -> None:
    value = diversion_value("+46101234500", "carrier.example", 2)
    assert value == "<sip:+46101234500@carrier.example>;reason=unconditional;counter=2"
    assert diversion_count(request(value)) == 2
