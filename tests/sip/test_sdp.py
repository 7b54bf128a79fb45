"""SDP offer/answer for G.711 and telephone-event (RFC 3264, RFC 4733), hold (§8.4)."""

from __future__ import annotations

import pytest

from vaxel.sip.errors import ParseError, SipError
from vaxel.sip.sdp import answer_offer, make_offer, parse_sdp, read_answer, serialize_sdp

BARESIP_OFFER = (
    b"v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
    b"m=audio 10000 RTP/AVP 9 8 0 96\r\na=rtpmap:9 G722/8000\r\n"
    b"a=rtpmap:96 telephone-event/8000\r\n"
    b"a=fmtp:96 0-15\r\na=sendrecv\r\nm=video 10002 RTP/AVP 97\r\na=rtpmap:97 H264/90000\r\n"
)


def test_answer_picks_the_offerers_first_common_codec_and_keeps_its_dtmf_type() -> None:
    answer, media = answer_offer(
        parse_sdp(BARESIP_OFFER), "127.0.0.1", 20000, session_id=5, version=1
    )
    assert (media.codec, media.payload_type, media.telephone_event_pt) == ("PCMA", 8, 96)
    assert (media.remote_address, media.remote_port) == ("127.0.0.1", 10000)
    reparsed = parse_sdp(serialize_sdp(answer))
    assert reparsed.media[0].formats == (8, 96) and reparsed.media[0].port == 20000
    assert reparsed.media[1].port == 0  # video declined, the m= line kept (RFC 3264 §6)


def test_no_common_codec_is_488() -> None:
    offer = BARESIP_OFFER.replace(b"RTP/AVP 9 8 0 96", b"RTP/AVP 9 96")
    with pytest.raises(SipError) as error:
        answer_offer(parse_sdp(offer), "127.0.0.1", 20000, session_id=5, version=1)
    assert error.value.status == 488


@pytest.mark.parametrize(
    ("change", "direction", "on_hold"),
    [
        (b"a=sendrecv", "recvonly", True),
        (b"a=inactive", "inactive", True),
        (b"c=IN IP4 0.0.0.0", "sendrecv", True),
        (b"", "sendrecv", False),
    ],
)
def test_hold_is_recognised_and_mirrored(change: bytes, direction: str, on_hold: bool) -> None:
    offer = BARESIP_OFFER
    if change == b"a=sendrecv":
        offer = offer.replace(b"a=sendrecv", b"a=sendonly")
    elif change == b"a=inactive":
        offer = offer.replace(b"a=sendrecv", b"a=inactive")
    elif change:
        offer = offer.replace(b"c=IN IP4 127.0.0.1", change)
    answer, media = answer_offer(parse_sdp(offer), "127.0.0.1", 1, session_id=1, version=1)
    assert media.on_hold is on_hold
    assert answer.media[0].direction == direction


def test_our_offer_and_the_peers_answer() -> None:
    offer = make_offer("127.0.0.1", 20002, session_id=9, version=1)
    assert parse_sdp(serialize_sdp(offer)).media[0].formats == (0, 8, 101)
    answer, _ = answer_offer(
        parse_sdp(serialize_sdp(offer)), "127.0.0.1", 30000, session_id=1, version=1
    )
    media = read_answer(offer, answer)
    assert (media.codec, media.remote_port, media.telephone_event_pt) == ("PCMU", 30000, 101)


@pytest.mark.parametrize(
    "garbage", [b"", b"hello", b"v=0\r\nm=audio x RTP/AVP 0\r\n", b"v=0\r\nc=IN\r\n", b"\xff\xfe"]
)
def test_malformed_sdp_is_a_parse_error(garbage: bytes) -> None:
    with pytest.raises(ParseError):
        parse_sdp(garbage)


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (b"c=IN IP4 example.com", "c= line"),
        (b"c=IN IP4 localhost", "c= line"),
        (b"", "o= fallback"),  # no c= at all: the o= address (a name here) would be used
    ],
)
def test_a_media_address_that_is_not_an_ip_literal_is_488(change: bytes, where: str) -> None:
    # issue 10 §2: a host name made every 20 ms send a blocking DNS lookup on the event loop
    offer = BARESIP_OFFER.replace(b"c=IN IP4 127.0.0.1\r\n", change + b"\r\n" if change else b"")
    if not change:
        offer = offer.replace(b"IN IP4 127.0.0.1", b"IN IP4 phone.example.com")
    with pytest.raises(SipError) as error:
        answer_offer(parse_sdp(offer), "127.0.0.1", 20000, session_id=5, version=1)
    assert error.value.status == 488, where
    assert "IP address" in error.value.reason


def test_ipv6_and_hold_addresses_are_literals_and_accepted() -> None:
    for address in (b"c=IN IP6 ::1", b"c=IN IP4 0.0.0.0"):
        offer = BARESIP_OFFER.replace(b"c=IN IP4 127.0.0.1", address)
        _, media = answer_offer(parse_sdp(offer), "127.0.0.1", 1, session_id=1, version=1)
        assert media.remote_address == address.split()[-1].decode()
