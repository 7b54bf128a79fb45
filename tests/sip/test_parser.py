"""Parsing and serializing SIP (RFC 3261 §7, §20; RFC 4475-style cases), with fuzzing."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vaxel.sip.errors import MessageTooLarge, ParseError
from vaxel.sip.message import Request, Response
from vaxel.sip.parser import BadRequest, Limits, StreamParser, parse_message

CORPUS = Path(__file__).parent / "corpus"
INDEX = yaml.safe_load((CORPUS / "index.yaml").read_text(encoding="utf-8"))

INVITE = (
    b"INVITE sip:%2B46812345000@vaxel.example;user=phone SIP/2.0\r\n"
    b"v: SIP/2.0/UDP [2001:db8::9]:5070;branch=z9hG4bKa1;rport,\r\n"
    b" SIP/2.0/TCP 10.0.0.2;branch=z9hG4bKa0\r\n"
    b"Via: SIP/2.0/UDP 10.0.0.3;branch=z9hG4bK99\r\n"
    b'f: "Lindqvist, Anna \\"A\\"" <sip:anna@10.0.0.2>;tag=x1\r\n'
    b"t: <sip:+46812345000@vaxel.example>\r\n"
    b"i: 3848276298220188511@atlanta.example.com\r\n"
    b"CSeq:   314159   INVITE\r\n"
    b"Max-Forwards: 70\r\n"
    b"Subject: folded\r\n\tacross lines\r\n"
    b"X-Unknown-Header: kept ; as=is\r\n"
    b"c: application/sdp\r\n"
    b"l: 12\r\n\r\n"
    b"v=0\r\no=x 1 1\r\nEXTRA-AFTER-BODY"
)


def test_a_torture_invite_is_read_right() -> None:
    message = parse_message(INVITE)
    assert isinstance(message, Request)
    assert message.method == "INVITE" and message.uri.startswith("sip:%2B46812345000@")
    assert message.vias == [
        "SIP/2.0/UDP [2001:db8::9]:5070;branch=z9hG4bKa1;rport",
        "SIP/2.0/TCP 10.0.0.2;branch=z9hG4bKa0",
        "SIP/2.0/UDP 10.0.0.3;branch=z9hG4bK99",
    ]
    assert message.branch == "z9hG4bKa1"
    assert message.headers.get("From") == '"Lindqvist, Anna \\"A\\"" <sip:anna@10.0.0.2>;tag=x1'
    assert message.call_id == "3848276298220188511@atlanta.example.com"
    assert message.cseq == (314159, "INVITE")
    assert message.headers.get("Subject") == "folded across lines"
    assert message.headers.get("x-unknown-header") == "kept ; as=is"
    assert message.content_type == "application/sdp"
    assert message.body == b"v=0\r\no=x 1 1"  # Content-Length wins over the datagram (§18.3)


def test_serializing_and_parsing_again_gives_the_same_message() -> None:
    first = parse_message(INVITE)
    again = parse_message(first.to_bytes())
    assert isinstance(again, Request) and isinstance(first, Request)
    assert (again.method, again.uri, again.body) == (first.method, first.uri, first.body)
    assert [(n, v) for n, v in again.headers if n != "Content-Length"] == [
        (n, v) for n, v in first.headers if n != "Content-Length"
    ]


def test_a_response_without_content_length_over_udp_takes_the_rest() -> None:
    data = (
        b"SIP/2.0 180 Ringing\r\nVia: SIP/2.0/UDP a;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\n"
        b"To: <sip:b@c>;tag=2\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\n\r\nbody"
    )
    message = parse_message(data)
    assert isinstance(message, Response) and message.status == 180 and message.body == b"body"
    with pytest.raises(ParseError, match="Content-Length"):
        StreamParser().feed(data)


@pytest.mark.parametrize("name", sorted(INDEX))
def test_every_malformed_message_is_refused_with_its_reason(name: str) -> None:
    expected = INDEX[name]
    with pytest.raises(ParseError) as error:
        parse_message((CORPUS / f"{name}.sip").read_bytes())
    assert expected["reason"] in error.value.reason
    answerable = isinstance(error.value, BadRequest)
    assert answerable == expected["answered_400"], "addressable requests must be answerable"


def test_stream_framing_two_in_one_segment_and_one_split_across_three() -> None:
    one = parse_message(INVITE).to_bytes()
    parser = StreamParser()
    assert len(parser.feed(one + b"\r\n\r\n" + one)) == 2  # keep-alive CRLFs between
    assert parser.feed(one[:10]) == [] and parser.feed(one[10:200]) == []
    assert len(parser.feed(one[200:])) == 1


def test_an_endless_header_on_a_stream_is_cut_off() -> None:
    parser = StreamParser(Limits(max_message_bytes=4096))
    parser.feed(b"INVITE sip:a@b SIP/2.0\r\n")
    with pytest.raises(MessageTooLarge):
        for _ in range(100):
            parser.feed(b"X-Junk: " + b"y" * 100 + b"\r\n")


def test_oversized_datagram_is_513() -> None:
    with pytest.raises(MessageTooLarge) as error:
        parse_message(INVITE + b"x" * 70_000)
    assert error.value.status == 513


FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise_anything_but_parse_error(data: bytes) -> None:
    with contextlib.suppress(ParseError):
        parse_message(data)


@FUZZ
@given(
    st.lists(st.tuples(st.integers(0, len(INVITE) - 1), st.integers(0, 255)), max_size=8),
    st.integers(0, len(INVITE)),
    st.booleans(),
)
def test_mutated_messages_never_raise_anything_but_parse_error(
    flips: list[tuple[int, int]], cut: int, duplicate: bool
) -> None:
    data = bytearray(INVITE)
    for index, value in flips:
        data[index] = value
    mutated = bytes(data[:cut] if cut else data)
    if duplicate:
        mutated = mutated + mutated
    try:
        message = parse_message(mutated)
    except ParseError:
        return
    again = parse_message(message.to_bytes())  # whatever we accept, we can write and re-read
    assert type(again) is type(message)


@FUZZ
@given(st.binary(max_size=600), st.integers(1, 50))
def test_stream_parser_never_raises_anything_but_parse_error(data: bytes, chunk: int) -> None:
    parser = StreamParser()
    try:
        for start in range(0, len(data), chunk):
            parser.feed(data[start : start + chunk])
    except ParseError:
        pass
