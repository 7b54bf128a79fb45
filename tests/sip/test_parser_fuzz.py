"""More parser cases beside test_parser.py: a valid corpus read both ways, a second malformed
corpus, stream framing under any segmentation, and mutation fuzzing of every valid message
(RFC 3261 §7, §8.1.1, §18.3, §20, §25.1; RFC 4475 §3.1.1/§3.1.2-style cases, written here).

The gaps once pinned here as strict xfails are fixed (issue 11 §3): every case must pass.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vaxel.sip.errors import MessageTooLarge, ParseError
from vaxel.sip.message import Request, Response, response_to
from vaxel.sip.parser import BadRequest, Limits, StreamParser, parse_message
from vaxel.sip.uri import is_contact_wildcard, parse_name_addr, parse_name_addr_list, parse_uri

CORPUS = Path(__file__).parent / "corpus"
MORE = yaml.safe_load((CORPUS / "more" / "index.yaml").read_text(encoding="utf-8"))
FIRST = yaml.safe_load((CORPUS / "index.yaml").read_text(encoding="utf-8"))
VALID = {path.stem: path.read_bytes() for path in sorted((CORPUS / "valid").glob("*.sip"))}


def _assert_answerable(error: ParseError, status: int) -> None:
    """A BadRequest must carry enough of the request to build the reply (§8.2.6.2)."""
    assert isinstance(error, BadRequest)
    request = error.request
    assert request.vias and request.call_id and request.headers.get("From")
    reply = response_to(request, status, error.reason)
    assert reply.to_bytes().startswith(f"SIP/2.0 {status} {error.reason}\r\n".encode())
    assert reply.headers.get("Call-ID") == request.call_id


@pytest.mark.parametrize("name", sorted(MORE))
def test_more_malformed_messages_are_refused_with_their_reason(name: str) -> None:
    case = MORE[name]
    limits = Limits(**case.get("limits", {}))
    with pytest.raises(ParseError) as caught:
        parse_message((CORPUS / "more" / f"{name}.sip").read_bytes(), limits)
    error = caught.value
    assert case["reason"] in error.reason
    assert error.status == case.get("status", 400)
    assert isinstance(error, MessageTooLarge) == (error.status == 513)
    if case["answered"]:
        _assert_answerable(error, error.status)
    else:
        assert not isinstance(error, BadRequest)


@pytest.mark.parametrize("name", [name for name in sorted(FIRST) if FIRST[name]["answered_400"]])
def test_the_first_corpus_bad_requests_carry_a_usable_request(name: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_message((CORPUS / f"{name}.sip").read_bytes())
    assert caught.value.status == FIRST[name].get("status", 400)
    _assert_answerable(caught.value, caught.value.status)


def test_the_corpora_hold_enough_cases() -> None:
    assert len(MORE) == len(list((CORPUS / "more").glob("*.sip"))) >= 25
    assert len(VALID) >= 8


# --- the valid corpus: facts, both directions, URIs and name-addrs readable ---


def _torture(message: Request | Response) -> None:
    assert isinstance(message, Request) and message.method == "INVITE"
    assert parse_uri(message.uri).user == "+46812345000"
    assert message.vias == [
        "SIP/2.0/UDP [2001:db8::9]:5070;branch=z9hG4bKt1;rport",
        "SIP/2.0/TCP 10.0.0.2;branch=z9hG4bKt0",
        "SIP/2.0/UDP 10.0.0.3 ;branch=z9hG4bKt9",
    ]
    sender = parse_name_addr(message.headers.get("From") or "")
    assert sender.display_name == 'Lindqvist, Anna "A"' and sender.uri.user == "anna@home"
    assert sender.tag == "x1" and parse_name_addr(message.headers.get("To") or "").tag is None
    assert message.cseq == (314159, "INVITE")
    contact = parse_name_addr(message.headers.get("Contact") or "")
    assert contact.uri.host_port == ("[2001:db8::9]", 5070)
    assert contact.param("+sip.instance") == '"<urn:uuid:f81d4fae;x>"'
    routes = [r for line in message.headers.get_all("Route") for r in parse_name_addr_list(line)]
    assert [r.uri.host for r in routes] == ["p1.example", "p2.example"]
    assert routes[1].uri.transport == "tcp"
    assert message.headers.get("Subject") == "first line second line"
    assert message.headers.get("X-Empty") == ""
    assert message.body.startswith(b"v=0\r\n") and message.body.endswith(b"/8000\r\n")


def _ringing(message: Request | Response) -> None:
    assert isinstance(message, Response) and (message.status, message.reason) == (180, "Ringing")
    assert message.body == b"rest of the datagram"  # no Content-Length over UDP (§18.3)
    record_route = parse_name_addr_list(message.headers.get("Record-Route") or "")
    assert [str(r.uri) for r in record_route] == ["sip:p2.example;lr", "sip:p1.example;lr"]
    assert parse_name_addr(message.headers.get("To") or "").display_name == "Agent 1005"


def _register(message: Request | Response) -> None:
    assert isinstance(message, Request) and message.method == "REGISTER"
    assert is_contact_wildcard(message.headers.get("Contact") or "")
    assert parse_uri(message.uri).host_port == ("vaxel.example", 5060)


def _utf8(message: Request | Response) -> None:
    assert isinstance(message, Request) and message.body == "Hej då!".encode()
    assert parse_uri(message.uri).param("phone-context") == "vaxel.example"
    assert parse_name_addr(message.headers.get("From") or "").display_name == "Åsa Öberg"
    assert message.headers.get("Subject") == "Hej – räksmörgås"


def _bare_lf(message: Request | Response) -> None:
    assert isinstance(message, Request) and message.cseq == (9, "OPTIONS")
    assert parse_name_addr(message.headers.get("From") or "").tag == "lf"  # §20.10 bare form


def _extension(message: Request | Response) -> None:
    assert isinstance(message, Request) and message.method == "NEWMETHOD"
    assert parse_uri(message.uri).param("maddr") == "10.0.0.1"
    assert message.headers.get("Max-Forwards") == "0"


def _escaped(message: Request | Response) -> None:
    assert isinstance(message, Request)
    uri = parse_uri(message.uri)
    assert uri.user == "sips:user@example.com" and dict(uri.headers)["Subject"] == "hi there"
    assert parse_name_addr(message.headers.get("From") or "").uri.user == "null-\x00-null"


def _ack(message: Request | Response) -> None:
    assert isinstance(message, Request) and message.cseq == (1, "ACK")


def _busy(message: Request | Response) -> None:
    assert isinstance(message, Response) and message.status == 503 and message.body == b"busy!"
    assert message.headers.values("Warning") == ['399 vaxel.example "Overloaded, try later"']
    assert message.headers.get("Retry-After") == "30 (maintenance, back soon)"


FACTS: dict[str, Callable[[Request | Response], None]] = {
    "torture-invite": _torture,
    "response-without-content-length": _ringing,
    "register-wildcard": _register,
    "utf8-display-and-tel-uri": _utf8,
    "bare-lf-options": _bare_lf,
    "extension-method": _extension,
    "escaped-request-uri-and-headers": _escaped,
    "ack-and-bye-in-one-stream": _ack,
    "response-503-with-body": _busy,
}


def _same(first: Request | Response, second: Request | Response) -> None:
    """Equal as messages; Content-Length is rewritten on serialization, so it is left out."""
    assert type(first) is type(second)
    if isinstance(first, Request) and isinstance(second, Request):
        assert (first.method, first.uri) == (second.method, second.uri)
    elif isinstance(first, Response) and isinstance(second, Response):
        assert (first.status, first.reason) == (second.status, second.reason)
    assert first.body == second.body
    assert [h for h in first.headers if h[0] != "Content-Length"] == [
        h for h in second.headers if h[0] != "Content-Length"
    ]


def test_every_valid_file_has_its_facts_checked() -> None:
    assert set(FACTS) == set(VALID)


@pytest.mark.parametrize("name", sorted(VALID))
def test_valid_messages_read_right_and_survive_writing_and_reading(name: str) -> None:
    message = parse_message(VALID[name])
    FACTS[name](message)
    written = message.to_bytes()
    again = parse_message(written)
    _same(message, again)
    FACTS[name](again)
    assert again.to_bytes() == written  # serialization is a fixed point after one pass
    StreamParser().feed(written)  # what we write always carries a Content-Length (§18.3)


# --- stream framing (§18.3) ---

SERIALIZED = [parse_message(data).to_bytes() for data in VALID.values()]
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(
    st.lists(st.integers(0, len(SERIALIZED) - 1), min_size=1, max_size=6),
    st.lists(st.sampled_from([b"", b"\r\n", b"\r\n\r\n"]), min_size=6, max_size=6),
    st.lists(st.integers(1, 400), min_size=1, max_size=20),
)
def test_a_stream_cut_anywhere_gives_the_same_messages(
    picks: list[int], keep_alives: list[bytes], cuts: list[int]
) -> None:
    stream = b"".join(keep_alives[i] + SERIALIZED[pick] for i, pick in enumerate(picks))
    parser = StreamParser()
    got: list[Request | Response] = []
    position = 0
    for size in cuts * (len(stream) // sum(cuts) + 1):
        got += parser.feed(stream[position : position + size])
        position += size
        if position >= len(stream):
            break
    assert len(got) == len(picks)
    for message, pick in zip(got, picks, strict=True):
        _same(message, parse_message(SERIALIZED[pick]))


def test_a_stream_refuses_a_huge_body_before_buffering_it() -> None:
    head = (
        SERIALIZED[0].split(b"\r\n\r\n")[0].replace(b"Content-Length: 0", b"Content-Length: 999999")
    )
    parser = StreamParser(Limits(max_body_bytes=1000))
    with pytest.raises(MessageTooLarge) as error:
        parser.feed(head + b"\r\n\r\n")
    assert error.value.status == 513 and "Body too large" in error.value.reason


def test_a_stream_cuts_off_an_endless_line_and_endless_keep_alive_garbage() -> None:
    parser = StreamParser(Limits(max_message_bytes=2048))
    with pytest.raises(MessageTooLarge):
        for _ in range(100):
            parser.feed(b"x" * 100)  # never a CRLF: one endless start line


def test_a_stream_takes_the_compact_content_length_and_refuses_none() -> None:
    message = SERIALIZED[0].replace(b"\r\nContent-Length: ", b"\r\nl : ")
    assert len(StreamParser().feed(message + message)) == 2
    without = b"\r\n".join(
        line for line in SERIALIZED[0].split(b"\r\n") if not line.startswith(b"Content-Length")
    )
    with pytest.raises(ParseError, match="Missing Content-Length"):
        StreamParser().feed(without)


# --- fuzzing: mutations of every valid message, tricky insertions ---

_TRICKY = [b" ", b"\t", b"\r\n", b"\r\n ", b"\n", b":", b";", b",", b'"', b"\\", b"<", b">"]
_TRICKY += [b"%", b"=", b"@", b"[", b"]", b"\x00", b"\xff", b"\xc3\xa5", b"SIP/2.0", b"0", b"-1"]
_TRICKY += [b"99999999999", b"\r\n\r\n", b"Content-Length: 5", b"CSeq: 1 INVITE", b"v: x"]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(list(VALID.values()))))
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["flip", "insert", "delete", "duplicate", "truncate"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if kind == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif kind == "insert":
            data[at:at] = draw(st.sampled_from(_TRICKY))
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 20))]
        elif kind == "duplicate":
            data[at:at] = data[at : at + draw(st.integers(1, 80))]
        else:
            del data[at:]
    return bytes(data)


@FUZZ
@given(mutated())
def test_mutated_messages_raise_only_parse_error_and_what_parses_round_trips(data: bytes) -> None:
    try:
        message = parse_message(data)
    except BadRequest as error:
        _assert_answerable(error, error.status)
        return
    except ParseError:
        return
    _same(message, parse_message(message.to_bytes()))


@FUZZ
@given(mutated(), st.integers(1, 64))
def test_mutated_streams_raise_only_parse_error(data: bytes, chunk: int) -> None:
    parser = StreamParser()
    with contextlib.suppress(ParseError):
        for start in range(0, len(data) * 2, chunk):
            parser.feed((data + data)[start : start + chunk])


# Non-ASCII digits pass str.isdigit() (§25.1 DIGIT is %x30-39 only): the corpus pins
# Content-Length, CSeq and Max-Forwards; the status code is pinned here.
def test_a_status_code_of_non_ascii_digits_is_a_parse_error() -> None:
    data = "SIP/2.0 \u00b2\u00b2\u00b2 OK\r\nVia: SIP/2.0/UDP a\r\n\r\n".encode()
    with pytest.raises(ParseError):
        parse_message(data)
