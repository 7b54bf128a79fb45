"""A caller id is a number or a user name, nothing that ends a URI (task R; issue 14 PBX2):
the user part of a caller's From is written again into the From Växel sends to a phone and
the From and P-Asserted-Identity it sends to the carrier, so `>`, `<`, `"`, `,`, `@` or `;`
in it (also percent-encoded) would end the URI early and let the caller choose the host the
phone or the carrier reads. Such a caller id is unknown, as an over-long one is."""

from __future__ import annotations

import pytest

from vaxel.telephony.caller_id import caller_id


@pytest.mark.parametrize(
    "header",
    [
        "sip:0701>x@h;tag=1",
        '<sip:07"01@h>',
        "sip:a,b@h",
        "<sip:a%3E@h>",
        "x <sip:a<b@h>",
        "<sip:112%40evil.example%3E@h>",
        "<sip:0701%3Bx=y@h>",
    ],
)
def test_a_user_part_that_would_end_a_uri_is_no_caller_id(header: str) -> None:
    assert caller_id(header).number == ""


@pytest.mark.parametrize(
    ("header", "number"),
    [
        ('"Robot" <sip:0701234567@127.0.0.1>;tag=x', "0701234567"),
        ("<sip:+46701234567@carrier;user=phone>", "+46701234567"),
        ("<tel:+46701234567>", "+46701234567"),
        ("<sip:anonymous@anonymous.invalid>", "anonymous"),
        ("<sip:agent.1001@h>", "agent.1001"),
        ("<sip:*21*2001#@h>", "*21*2001#"),
    ],
)
def test_numbers_and_user_names_pass(header: str, number: str) -> None:
    assert caller_id(header).number == number
