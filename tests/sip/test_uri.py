"""SIP/tel URIs and name-addrs, both directions from one table, and fuzzed (RFC 3261 §19.1,
§20.10, §25.1; RFC 4475 §3.1.1-style escaped and IPv6 cases; RFC 5118)."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vaxel.sip.errors import ParseError
from vaxel.sip.uri import (
    NameAddr,
    SipUri,
    is_contact_wildcard,
    parse_name_addr,
    parse_name_addr_list,
    parse_uri,
)

# text → (scheme, user, password, host, port, params, headers) and the canonical text.
URIS: list[tuple[str, SipUri, str]] = [
    ("sip:alice@atlanta.com", SipUri("sip", "alice", None, "atlanta.com"), "sip:alice@atlanta.com"),
    (
        "sip:alice:secretword@atlanta.com;transport=tcp",
        SipUri("sip", "alice", "secretword", "atlanta.com", None, (("transport", "tcp"),)),
        "sip:alice:secretword@atlanta.com;transport=tcp",
    ),
    (
        "sips:alice@atlanta.com?subject=project%20x&priority=urgent",
        SipUri(
            "sips",
            "alice",
            None,
            "atlanta.com",
            None,
            (),
            (("subject", "project x"), ("priority", "urgent")),
        ),
        "sips:alice@atlanta.com?subject=project%20x&priority=urgent",
    ),
    (
        "sip:+1-212-555-1212:1234@gateway.com;user=phone",
        SipUri("sip", "+1-212-555-1212", "1234", "gateway.com", None, (("user", "phone"),)),
        "sip:+1-212-555-1212:1234@gateway.com;user=phone",
    ),
    ("sips:1212@gateway.com", SipUri("sips", "1212", None, "gateway.com"), "sips:1212@gateway.com"),
    (
        "sip:alice@192.0.2.4:5070",
        SipUri("sip", "alice", None, "192.0.2.4", 5070),
        "sip:alice@192.0.2.4:5070",
    ),
    (
        "sip:atlanta.com;method=REGISTER?to=alice%40atlanta.com",
        SipUri(
            "sip",
            None,
            None,
            "atlanta.com",
            None,
            (("method", "REGISTER"),),
            (("to", "alice@atlanta.com"),),
        ),
        "sip:atlanta.com;method=REGISTER?to=alice%40atlanta.com",
    ),
    (  # §19.1.3: ';' belongs to the user part when it comes before the '@'
        "sip:alice;day=tuesday@atlanta.com",
        SipUri("sip", "alice;day=tuesday", None, "atlanta.com"),
        "sip:alice;day=tuesday@atlanta.com",
    ),
    (  # RFC 4475 §3.1.1-style: an escaped scheme and '@' inside the user part
        "sip:sips%3Auser%40example.com@example.net",
        SipUri("sip", "sips:user@example.com", None, "example.net"),
        "sip:sips%3Auser%40example.com@example.net",
    ),
    (  # unnecessary escapes are decoded, the scheme is case-insensitive
        "SIP:%61lice@atlanta.com;TRANSPORT=TCP",
        SipUri("sip", "alice", None, "atlanta.com", None, (("TRANSPORT", "TCP"),)),
        "sip:alice@atlanta.com;TRANSPORT=TCP",
    ),
    (  # RFC 4475 §3.1.1-style: an escaped NUL is legal in the user part
        "sip:null-%00-null@example.com",
        SipUri("sip", "null-\x00-null", None, "example.com"),
        "sip:null-%00-null@example.com",
    ),
    (
        "sip:[2001:db8::10]:5070;transport=TCP;lr",
        SipUri("sip", None, None, "[2001:db8::10]", 5070, (("transport", "TCP"), ("lr", None))),
        "sip:[2001:db8::10]:5070;transport=TCP;lr",
    ),
    (  # RFC 5118 §4.3: without a port, the last group is part of the address
        "sip:user@[2001:db8::10:5070]",
        SipUri("sip", "user", None, "[2001:db8::10:5070]"),
        "sip:user@[2001:db8::10:5070]",
    ),
    (
        "sip:user@[::ffff:192.0.2.1]",
        SipUri("sip", "user", None, "[::ffff:192.0.2.1]"),
        "sip:user@[::ffff:192.0.2.1]",
    ),
    (  # UTF-8 written raw is accepted and escaped on the way out
        "sip:%C3%A5sa@vaxel.example",
        SipUri("sip", "åsa", None, "vaxel.example"),
        "sip:%C3%A5sa@vaxel.example",
    ),
    (
        "sip:a@b;maddr=239.255.255.1;ttl=15;x=",
        SipUri("sip", "a", None, "b", None, (("maddr", "239.255.255.1"), ("ttl", "15"), ("x", ""))),
        "sip:a@b;maddr=239.255.255.1;ttl=15;x=",
    ),
    (
        "tel:+1-201-555-0123;ext=1234",
        SipUri("tel", "+1-201-555-0123", None, "", None, (("ext", "1234"),)),
        "tel:+1-201-555-0123;ext=1234",
    ),
    (
        "tel:7042;phone-context=example.com",
        SipUri("tel", "7042", None, "", None, (("phone-context", "example.com"),)),
        "tel:7042;phone-context=example.com",
    ),
]


@pytest.mark.parametrize(("text", "expected", "canonical"), URIS, ids=[u[0] for u in URIS])
def test_uris_parse_to_their_parts_and_write_back(
    text: str, expected: SipUri, canonical: str
) -> None:
    uri = parse_uri(text)
    assert uri == expected
    assert str(uri) == canonical
    assert parse_uri(canonical) == uri


BAD_URIS = [
    ("http://example.com", "Unsupported URI scheme"),
    ("sip", "Unsupported URI scheme"),
    ("sip:", "nothing after the scheme"),
    ("sip:alice@", "missing host"),
    ("sip:@atlanta.com", "empty user"),
    ("sip:alice@atlanta.com:50x0", "bad port"),
    ("sip:alice@atlanta.com:65536", "bad port"),
    ("sip:alice@atlanta.com:", "bad port"),
    ("sip:alice@a@atlanta.com", "more than one '@'"),
    ("sip:al%2gice@atlanta.com", "bad escape in user"),
    ("sip:alice@atlanta.com;x=%", "bad escape in parameter"),
    ("sip:alice@atlanta.com?subject", "header without name=value"),
    ("sip:alice@atlanta.com;;lr", "empty parameter name"),
    ("sip:alice@at lanta.com", "whitespace"),
    ("sip:alice@[2001:db8::10", "unclosed IPv6"),
    ("sip:alice@[2001:db8::g]", "bad IPv6"),
    ("sip:alice@[2001:db8::10]5060", "junk after the IPv6"),
    ("sip:2001:db8::10", "bad port"),  # RFC 5118 §4.1: IPv6 needs brackets
    ("sip:alice@-bad-.example", "bad host"),
    ("sip:alice@exa<mple.com", "bad host"),
    ("tel:", "nothing after the scheme"),
    ("tel:;ext=1", "bad subscriber number"),
]


@pytest.mark.parametrize(("text", "reason"), BAD_URIS, ids=[u[0] for u in BAD_URIS])
def test_malformed_uris_name_their_problem(text: str, reason: str) -> None:
    with pytest.raises(ParseError) as error:
        parse_uri(text)
    assert reason in error.value.reason
    assert error.value.status == 400


def test_helpers_default_ports_transport_and_params() -> None:
    uri = parse_uri("sips:bob@biloxi.example;Transport=TLS;lr")
    assert uri.host_port == ("biloxi.example", 5061)
    assert parse_uri("sip:bob@[2001:db8::1]").host_port == ("[2001:db8::1]", 5060)
    assert uri.transport == "tls" and parse_uri("sip:b").transport == "udp"
    assert (
        parse_uri("sips:b").transport == "tls"
        and parse_uri("sip:b;transport=TCP").transport == "tcp"
    )
    assert uri.param("TRANSPORT") == "TLS" and uri.param("lr") == "" and uri.param("x") is None
    changed = uri.with_params(transport="tcp", maddr="10.0.0.1", ob=None)
    assert changed.params == (
        ("Transport", "tcp"),
        ("lr", None),
        ("maddr", "10.0.0.1"),
        ("ob", None),
    )
    assert uri.params == (("Transport", "TLS"), ("lr", None))  # frozen: a copy, not a change
    assert str(changed.without_params("LR", "maddr")) == "sips:bob@biloxi.example;Transport=tcp;ob"
    # values are escaped where §25.1 does not allow them
    odd = SipUri("sip", "a:b@c d", "p@ss", "h", None, (("n;x", "v=1 ?"),), (("h&", "=v"),))
    assert str(odd) == "sip:a%3Ab%40c%20d:p%40ss@h;n%3Bx=v%3D1%20%3F?h%26=%3Dv"
    assert parse_uri(str(odd)) == odd


NAME_ADDRS: list[tuple[str, NameAddr, str]] = [
    (
        '"Lindqvist, Anna \\"A\\"" <sip:anna@10.0.0.2>;tag=x1',
        NameAddr('Lindqvist, Anna "A"', SipUri("sip", "anna", None, "10.0.0.2"), (("tag", "x1"),)),
        '"Lindqvist, Anna \\"A\\"" <sip:anna@10.0.0.2>;tag=x1',
    ),
    (  # §20.10: without brackets the parameters belong to the header
        "sip:anna@vaxel.example;tag=8;expires=60",
        NameAddr(
            None, SipUri("sip", "anna", None, "vaxel.example"), (("tag", "8"), ("expires", "60"))
        ),
        "<sip:anna@vaxel.example>;tag=8;expires=60",
    ),
    (
        "<sip:p1.example.com;lr>",
        NameAddr(None, SipUri("sip", None, None, "p1.example.com", None, (("lr", None),))),
        "<sip:p1.example.com;lr>",
    ),
    (  # token display names, odd whitespace, raw UTF-8, no space before '<'
        "  Anna   Lindqvist<sip:anna@b>  ; tag = 9 ",
        NameAddr("Anna Lindqvist", SipUri("sip", "anna", None, "b"), (("tag", "9"),)),
        '"Anna Lindqvist" <sip:anna@b>;tag=9',
    ),
    (
        "Åsa <sip:asa@b>",
        NameAddr("Åsa", SipUri("sip", "asa", None, "b")),
        '"Åsa" <sip:asa@b>',
    ),
    (
        '"" <sip:a@b>',
        NameAddr("", SipUri("sip", "a", None, "b")),
        '"" <sip:a@b>',
    ),
    (
        '"back\\\\slash; <not a uri>" <sips:a@[2001:db8::1]:5061;transport=tls?h=v>;q=0.7',
        NameAddr(
            "back\\slash; <not a uri>",
            SipUri(
                "sips", "a", None, "[2001:db8::1]", 5061, (("transport", "tls"),), (("h", "v"),)
            ),
            (("q", "0.7"),),
        ),
        '"back\\\\slash; <not a uri>" <sips:a@[2001:db8::1]:5061;transport=tls?h=v>;q=0.7',
    ),
    (  # a quoted parameter value holding '<', ';' and ',' stays whole, quotes kept
        'sip:a@b;+sip.instance="<urn:uuid:1;2,3>";reg-id=1',
        NameAddr(
            None,
            SipUri("sip", "a", None, "b"),
            (("+sip.instance", '"<urn:uuid:1;2,3>"'), ("reg-id", "1")),
        ),
        '<sip:a@b>;+sip.instance="<urn:uuid:1;2,3>";reg-id=1',
    ),
    (
        "<tel:+46812345000>;received=[2001:db8::9]",
        NameAddr(None, SipUri("tel", "+46812345000"), (("received", "[2001:db8::9]"),)),
        "<tel:+46812345000>;received=[2001:db8::9]",
    ),
]


@pytest.mark.parametrize(
    ("text", "expected", "canonical"), NAME_ADDRS, ids=[n[2] for n in NAME_ADDRS]
)
def test_name_addrs_parse_and_write_back(text: str, expected: NameAddr, canonical: str) -> None:
    value = parse_name_addr(text)
    assert value == expected
    assert str(value) == canonical
    assert parse_name_addr(canonical) == value


BAD_NAME_ADDRS = [
    ("", "empty"),
    ('"unterminated <sip:a@b>', "unterminated quoted string"),
    ('"Anna" sip:a@b', "display name without <URI>"),
    ("<sip:a@b", "missing '>'"),
    ("<sip:a@b> junk", "junk after the URI"),
    ("<sip:a@b>;tag=a b", "bad header parameter"),
    ("<sip:a@b>;=x", "bad header parameter"),
    ('<sip:a@b>;x="open', "unterminated quoted parameter"),
    ("sip:a@b?x=y;tag=1", "bare URI"),
    ("Anna@home <sip:a@b>", "bad display name"),
    ("<sip:a@b>;tag=1\r\nVia: x", "line break"),
    ("<http://a.example>", "Unsupported URI scheme"),
]


@pytest.mark.parametrize(("text", "reason"), BAD_NAME_ADDRS, ids=[b[0] for b in BAD_NAME_ADDRS])
def test_malformed_name_addrs_name_their_problem(text: str, reason: str) -> None:
    with pytest.raises(ParseError) as error:
        parse_name_addr(text)
    assert reason in error.value.reason


def test_lists_tags_and_the_contact_wildcard() -> None:
    routes = parse_name_addr_list(
        '<sip:p1.example;lr>,"Proxy, Two" <sip:p2.example;lr> , <sip:p3>;x=1'
    )
    assert [str(r.uri) for r in routes] == ["sip:p1.example;lr", "sip:p2.example;lr", "sip:p3"]
    assert routes[1].display_name == "Proxy, Two" and routes[2].param("X") == "1"
    assert parse_name_addr('"A" <sip:a@b>;TAG=abc').tag == "abc"
    assert parse_name_addr("<sip:a@b;tag=not-mine>").tag is None  # a URI param is no header tag
    tagged = parse_name_addr("<sip:a@b>;tag=1;expires=5").with_tag("2")
    assert str(tagged) == "<sip:a@b>;tag=2;expires=5"
    assert is_contact_wildcard(" * ") and not is_contact_wildcard("<sip:*@b>")
    with pytest.raises(ParseError, match="Wildcard"):
        parse_name_addr_list("*")
    with pytest.raises(ParseError, match="empty list"):
        parse_name_addr_list(" , ")
    with pytest.raises(ValueError):
        NameAddr("two\r\nlines", parse_uri("sip:a@b"))
    with pytest.raises(ValueError):
        tagged.with_params(tag="a;b")


# --- hypothesis: built values round-trip, arbitrary text only ever raises ParseError ---

FUZZ = settings(max_examples=300, deadline=None)
BUILT = settings(max_examples=200, deadline=None)  # generation dominates; keeps the part < 10 s

_names = st.text(st.characters(codec="utf-8", exclude_characters="\r\n"), min_size=1, max_size=12)
_values = st.text(st.characters(codec="utf-8"), max_size=12)
_LABEL = "abcdefghijklmnopqrstuvwxyz0123456789"
_hosts = st.one_of(
    st.lists(st.text(_LABEL, min_size=1, max_size=8), min_size=1, max_size=3).map(".".join),
    st.ip_addresses(v=4).map(str),
    st.ip_addresses(v=6).map(lambda address: f"[{address}]"),
)
_token = st.text("ABCxyz019.!%*_+`'~-", min_size=1, max_size=10)


@st.composite
def sip_uris(draw: st.DrawFn) -> SipUri:
    scheme = draw(st.sampled_from(["sip", "sips", "tel"]))
    params = tuple(draw(st.lists(st.tuples(_names, st.none() | _values), max_size=3)))
    headers = tuple(draw(st.lists(st.tuples(_names, _values), max_size=2)))
    if scheme == "tel":
        return SipUri("tel", draw(_names), None, "", None, params, headers)
    user = draw(st.none() | _names)
    password = draw(st.none() | _values) if user is not None else None
    port = draw(st.none() | st.integers(0, 65535))
    return SipUri(scheme, user, password, draw(_hosts), port, params, headers)


@BUILT
@given(sip_uris())
def test_any_uri_we_build_survives_writing_and_reading(uri: SipUri) -> None:
    assert parse_uri(str(uri)) == uri


@BUILT
@given(
    sip_uris(),
    st.none() | st.text(st.characters(codec="utf-8", exclude_characters="\r\n"), max_size=15),
    st.lists(
        st.tuples(_token, st.none() | _token | _token.map(lambda t: f'"{t};, <x>"')), max_size=3
    ),
)
def test_any_name_addr_we_build_survives_writing_and_reading(
    uri: SipUri, display: str | None, params: list[tuple[str, str | None]]
) -> None:
    value = NameAddr(display, uri, tuple(params))
    assert parse_name_addr(str(value)) == value
    assert parse_name_addr_list(f"{value}, {value}") == [value, value]


_PREFIXES = st.sampled_from(["sip:", "sips:", "tel:", "<sip:", '"x" <sip:', "sip:a@b;"])


@FUZZ
@given(
    st.text(max_size=80)
    | st.text(alphabet='sip:@[]<>;,?&="\\% \t.5aA', max_size=40)
    | st.tuples(_PREFIXES, st.text(alphabet='@[]<>;,?&="\\%:.5aAf1', max_size=30)).map("".join)
)
def test_arbitrary_text_raises_only_parse_error_and_what_parses_round_trips(text: str) -> None:
    # The re-parse stays outside the suppress: a written value we cannot read must fail.
    uri = name_addr = name_addrs = None
    with contextlib.suppress(ParseError):
        uri = parse_uri(text)
    with contextlib.suppress(ParseError):
        name_addr = parse_name_addr(text)
    with contextlib.suppress(ParseError):
        name_addrs = parse_name_addr_list(text)
    if uri is not None:
        assert parse_uri(str(uri)) == uri
    if name_addr is not None:
        assert parse_name_addr(str(name_addr)) == name_addr
    if name_addrs is not None:
        assert parse_name_addr_list(", ".join(map(str, name_addrs))) == name_addrs
