"""The caller id an INVITE carries into the engine is bounded at the edge (issue 9 §3)."""

from __future__ import annotations

from vaxel.core.limits import PHONE_NUMBER_LENGTH, SIP_DISPLAY_NAME_LENGTH
from vaxel.sip.message import Request
from vaxel.sip.parser import parse_message
from vaxel.telephony.caller_id import CallerId, caller_id


def invite(from_value: str) -> Request:
    data = (
        "INVITE sip:0812345000@127.0.0.1 SIP/2.0\r\n"
        "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKcid\r\n"
        f"From: {from_value};tag=a1\r\nTo: <sip:0812345000@127.0.0.1>\r\n"
        "Call-ID: cid-1\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
    ).encode()
    message = parse_message(data)
    assert isinstance(message, Request)
    return message


def test_a_huge_display_name_is_cut_to_the_limit() -> None:
    request = invite(f'"{"Å" * 5000}" <sip:0701234567@192.0.2.1>')
    caller = caller_id(request.headers.get("From") or "")
    assert caller == CallerId("0701234567", "Å" * SIP_DISPLAY_NAME_LENGTH)


def test_a_huge_user_part_is_no_number_and_the_caller_is_unknown() -> None:
    request = invite(f"<sip:{'1' * 5000}@192.0.2.1>")
    assert caller_id(request.headers.get("From") or "").number == ""
    at_limit = "1" * PHONE_NUMBER_LENGTH
    assert caller_id(f"<sip:{at_limit}@192.0.2.1>").number == at_limit


def test_ordinary_and_sloppy_from_headers_give_the_number() -> None:
    assert caller_id('"Anna" <sip:0701234567@192.0.2.1>;tag=x') == CallerId("0701234567", "Anna")
    assert caller_id("sip:0701234567@192.0.2.1;tag=x").number == "0701234567"
    assert caller_id("<sip:0701234567@192.0.2.1").number == "0701234567"  # no '>'
    assert caller_id("").number == ""
