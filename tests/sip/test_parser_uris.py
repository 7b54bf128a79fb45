"""The Request-URI, From, To and Contact of every request are read with vaxel.sip.uri, and a
malformed one is answered 400 with a reason naming the header (issue 11 §3; RFC 3261
§8.1.1, §8.2.2.1, §20.10; RFC 4475 §3.1.2, §3.3.2, §3.3.8).

The parser checks the shapes phones send nearly always with one regex before falling back to
the full parse; the property tests below hold that regex to accepting only what the full
parser accepts."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vaxel.sip.errors import ParseError
from vaxel.sip.parser import (
    _PLAIN_ADDR_SPEC,
    _PLAIN_NAME_ADDR,
    _PLAIN_URI,
    BadRequest,
    _plain,
    parse_message,
)
from vaxel.sip.uri import parse_name_addr, parse_uri

HEADERS = {
    "Via": "SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKu1",
    "From": "<sip:a@example.se>;tag=1",
    "To": "<sip:100@127.0.0.1>",
    "Call-ID": "uri-1",
    "CSeq": "1 OPTIONS",
    "Contact": "<sip:a@10.0.0.1:5060>",
    "Max-Forwards": "70",
}


def request(uri: str = "sip:100@127.0.0.1", version: str = "SIP/2.0", **changes: str) -> bytes:
    headers = {**HEADERS, **{name.replace("_", "-"): value for name, value in changes.items()}}
    lines = [f"OPTIONS {uri} {version}"] + [f"{n}: {v}" for n, v in headers.items() if v]
    return ("\r\n".join(lines) + "\r\nContent-Length: 0\r\n\r\n").encode()


def refused(data: bytes) -> BadRequest:
    with pytest.raises(BadRequest) as caught:
        parse_message(data)
    return caught.value


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"uri": "sip:100@"}, "Malformed Request-URI: Malformed URI: missing host"),
        ({"uri": "sip:1%zz@127.0.0.1"}, "Malformed Request-URI: Malformed URI: bad escape"),
        ({"uri": "<sip:100@127.0.0.1>"}, "Malformed Request-URI"),
        ({"From": '"Anna <sip:a@b>;tag=1'}, "Malformed From: "),
        ({"From": "Bell, Alexander <sip:a@b>;tag=1"}, "Malformed From: "),
        ({"To": "nobody in particular"}, "Malformed To: "),
        ({"To": "<http://example.com/>"}, "Malformed To: Unsupported URI scheme"),
        ({"Contact": "sip:a@b?Route=%3Csip:x%3E"}, "Malformed Contact: "),
        ({"Contact": "*"}, "Malformed Contact: "),  # the wildcard is a REGISTER's only
        ({"Contact": "<sip:a@[2001:db8::1>"}, "Malformed Contact: "),
    ],
)
def test_a_malformed_address_is_400_naming_the_header(changes: dict[str, str], reason: str) -> None:
    uri = changes.pop("uri", "sip:100@127.0.0.1")
    error = refused(request(uri, **changes))
    assert error.status == 400 and error.reason.startswith(reason)


def test_a_scheme_we_do_not_serve_is_416_and_another_version_505() -> None:
    unknown = refused(request("nobodyknowsthisscheme:totallyopaquecontent"))
    assert (unknown.status, unknown.reason) == (416, "Unsupported URI Scheme")
    version = refused(request(version="SIP/7.0"))
    assert (version.status, version.reason) == (505, "Unsupported SIP version SIP/7.0")


@pytest.mark.parametrize("name", ["Call-ID", "CSeq", "From", "To", "Max-Forwards"])
def test_a_single_valued_header_given_twice_is_400(name: str) -> None:
    data = request().replace(b"\r\n\r\n", f"\r\n{name}: {HEADERS[name]}\r\n\r\n".encode())
    error = refused(data)
    assert error.status == 400 and error.reason == f"Bad {name}: more than one value"


def test_a_register_may_carry_the_wildcard_contact_and_odd_forms_take_the_full_parse() -> None:
    parse_message(request().replace(b"OPTIONS", b"REGISTER").replace(b"<sip:a@10", b"*\r\nX: <"))
    odd = request(
        "sip:%61lice@[2001:db8::10]:5070;transport=tcp",
        From='"Lindqvist, \\"A\\"" <sip:a@b>;tag=x',
        To="sip:100@127.0.0.1;tag=y",
        Contact='<sip:a@b>;+sip.instance="<urn:uuid:1>", <sip:c@d>;expires=30',
    )
    assert parse_message(odd).uri.startswith("sip:%61lice@[2001:db8::10]")


# --- the fast shapes accept nothing the full parser refuses ---------------------------------

FAST = settings(max_examples=150, deadline=None)


@FAST
@given(st.from_regex(_PLAIN_URI, fullmatch=True))
def test_every_plain_request_uri_parses(text: str) -> None:
    if _plain(text, _PLAIN_URI):
        parse_uri(text)
    else:  # only a port past 65535 is turned away by _plain itself
        with pytest.raises(ParseError):
            parse_uri(text)


@FAST
@given(
    st.from_regex(_PLAIN_NAME_ADDR, fullmatch=True)
    | st.from_regex(_PLAIN_ADDR_SPEC, fullmatch=True)
)
def test_every_plain_name_addr_parses(text: str) -> None:
    if _plain(text.strip(), _PLAIN_NAME_ADDR, _PLAIN_ADDR_SPEC):
        parse_name_addr(text)
