"""Dialogs (RFC 3261 §12): ids, route sets, in-dialog requests and CSeq ordering."""

from __future__ import annotations

import pytest

from vaxel.sip.dialog import Dialog, angle_uri, header_tag, uri_user
from vaxel.sip.errors import SipError
from vaxel.sip.message import Headers, Request, response_to

VIA = "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKnew"


def invite() -> Request:
    return Request(
        headers=Headers(
            [
                ("Via", "SIP/2.0/UDP 10.0.0.2:5070;branch=z9hG4bKa"),
                ("From", '"Anna" <sip:anna@10.0.0.2>;tag=caller'),
                ("To", "<sip:0101234@vaxel>"),
                ("Call-ID", "call-1"),
                ("CSeq", "7 INVITE"),
                ("Contact", "<sip:anna@10.0.0.2:5070;transport=udp>"),
                ("Record-Route", "<sip:p1;lr>, <sip:p2;lr>"),
            ]
        ),
        method="INVITE",
        uri="sip:0101234@vaxel",
    )


def test_uas_dialog_targets_the_callers_contact_through_the_record_route() -> None:
    dialog = Dialog.as_uas(invite(), "vx1", "sip:vaxel@127.0.0.1:5060")
    assert dialog.key == ("call-1", "vx1", "caller")
    bye = dialog.request("BYE", VIA)
    assert bye.uri == "sip:anna@10.0.0.2:5070;transport=udp"
    assert bye.headers.get_all("Route") == ["<sip:p1;lr>", "<sip:p2;lr>"]
    assert bye.headers.get("From") == "<sip:0101234@vaxel>;tag=vx1"
    assert bye.headers.get("To") == '"Anna" <sip:anna@10.0.0.2>;tag=caller'
    assert bye.cseq == (1, "BYE")
    assert dialog.request("INFO", VIA).cseq == (2, "INFO")


def test_uac_dialog_reverses_the_route_set_and_keeps_the_invite_cseq_for_ack() -> None:
    request = invite()
    request.headers.set("From", "<sip:vaxel@127.0.0.1>;tag=out1")
    ok = response_to(request, 200, "OK", to_tag="phone")
    ok.headers.add("Contact", "<sip:1001@127.0.0.1:5080>")
    dialog = Dialog.as_uac(request, ok)
    assert dialog.confirmed and dialog.remote_tag == "phone" and dialog.local_tag == "out1"
    assert dialog.route_set == ["<sip:p2;lr>", "<sip:p1;lr>"]
    ack = dialog.request("ACK", VIA, cseq=7)
    assert ack.cseq == (7, "ACK") and ack.uri == "sip:1001@127.0.0.1:5080"
    assert dialog.request("BYE", VIA).cseq == (8, "BYE")


def test_lower_cseq_from_the_peer_is_out_of_order_and_reinvite_moves_the_target() -> None:
    dialog = Dialog.as_uas(invite(), "vx1", "sip:vaxel@127.0.0.1")
    reinvite = invite()
    reinvite.headers.set("CSeq", "8 INVITE")
    reinvite.headers.set("Contact", "<sip:anna@10.0.0.9:5070>")
    dialog.receive(reinvite)
    assert dialog.remote_target == "sip:anna@10.0.0.9:5070"
    stale = invite()
    stale.headers.set("CSeq", "6 BYE")
    with pytest.raises(SipError) as error:
        dialog.receive(stale)
    assert error.value.status == 500


def test_name_addr_helpers() -> None:
    assert angle_uri('"A, B" <sip:a@b;lr>;tag=1') == "sip:a@b;lr"
    assert angle_uri("sip:a@b;tag=1") == "sip:a@b"
    assert header_tag('"A" <sip:a@b;x=y>;tag=abc') == "abc"
    assert header_tag("<sip:a@b>") == ""


# --- addresses read with vaxel.sip.uri (issue 11 §3) ---------------------------------------


@pytest.mark.parametrize(
    ("value", "uri"),
    [
        ('"a <b>" <sip:x@y>;tag=1', "sip:x@y"),  # a '<' in the display name is not the URI's
        ("sip:1001@127.0.0.1:5070;expires=30", "sip:1001@127.0.0.1:5070"),
        (
            '<sip:1001@10.0.0.1;transport=tcp>;+sip.instance="<urn:x>"',
            "sip:1001@10.0.0.1;transport=tcp",
        ),
        ("<sip:1001@[2001:db8::1]:5070>", "sip:1001@[2001:db8::1]:5070"),
    ],
)
def test_angle_uri_reads_the_name_addr_with_the_uri_parser(value: str, uri: str) -> None:
    assert angle_uri(value) == uri


@pytest.mark.parametrize(
    ("uri", "user"),
    [
        ("sip:0812345000@127.0.0.1:5060", "0812345000"),
        ("sip:%30812345000@127.0.0.1", "0812345000"),  # escaped digits are the same number
        ("sip:+46812345000;phone-context=vaxel.example@127.0.0.1;user=phone", "+46812345000"),
        ("tel:+46812345000", "+46812345000"),
        ("sip:127.0.0.1", ""),
        ("sip:1%zz@127.0.0.1", ""),  # does not parse: no user to look up
    ],
)
def test_uri_user_reads_the_user_part_with_the_uri_parser(uri: str, user: str) -> None:
    assert uri_user(uri) == user
