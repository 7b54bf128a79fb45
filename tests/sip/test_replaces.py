"""The Replaces header (RFC 3891 §6.1) as a peer sends it: in an INVITE, or escaped in a
Refer-To URI (an attended transfer); malformed or oversized values are refused."""

from __future__ import annotations

import pytest

from vaxel.sip.errors import ParseError
from vaxel.sip.replaces import MAX_REPLACES, Replaces, parse_replaces, replaces_in_uri


def test_a_refer_to_s_escaped_replaces_names_the_dialog_by_the_recipient_s_tags() -> None:
    uri = "sip:4502@127.0.0.1:5060?Replaces=abc%40host%3Bto-tag%3D12%3Bfrom-tag%3D34"
    replaces = replaces_in_uri(uri)
    assert replaces == Replaces("abc@host", "12", "34")
    assert replaces.dialog_key == ("abc@host", "12", "34")  # (Call-ID, local, remote)


def test_parameters_in_any_order_and_early_only() -> None:
    assert parse_replaces("x@y; from-tag=1 ;to-tag=2;early-only") == Replaces("x@y", "2", "1", True)


def test_a_uri_without_replaces_has_none() -> None:
    assert replaces_in_uri("sip:4502@127.0.0.1") is None
    assert replaces_in_uri("sip:4502@127.0.0.1?Subject=hej") is None


@pytest.mark.parametrize(
    "value",
    [
        "",
        "abc;to-tag=1",
        "abc;from-tag=2",
        ";to-tag=1;from-tag=2",
        "a b;to-tag=1;from-tag=2",
        "abc;to-tag=;from-tag=2",
        "c" * MAX_REPLACES + ";to-tag=1;from-tag=2",
    ],
)
def test_malformed_values_are_refused(value: str) -> None:
    with pytest.raises(ParseError):
        parse_replaces(value)
