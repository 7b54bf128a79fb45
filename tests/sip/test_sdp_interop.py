"""More SDP cases for vaxel.sip.sdp: offers shaped like real phones, RFC 3264/4566/4733 rules.

tests/sip/test_sdp.py holds the first cases. The defects once pinned here as strict xfails
are fixed (issue 11 §3); each test names the RFC rule it holds the module to.
"""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vaxel.sip.errors import ParseError, SipError
from vaxel.sip.sdp import (
    NegotiatedMedia,
    SessionDescription,
    answer_offer,
    make_offer,
    parse_sdp,
    read_answer,
    serialize_sdp,
)

SESSION = b"v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"


def sdp(*lines: bytes, session: bytes = SESSION) -> SessionDescription:
    return parse_sdp(session + b"".join(line + b"\r\n" for line in lines))


def answer(offer: SessionDescription) -> tuple[SessionDescription, NegotiatedMedia]:
    return answer_offer(offer, "127.0.0.2", 20000, session_id=7, version=1)


# --- offers the way phones write them ------------------------------------------------------


def test_an_opus_phone_offer_falls_back_to_g711_with_its_8000_hz_events() -> None:
    # Linphone/baresip with Opus list telephone-event at 48000 and at 8000 Hz.
    offer = sdp(
        b"m=audio 7078 RTP/AVP 96 0 8 101 102",
        b"a=rtpmap:96 opus/48000/2",
        b"a=rtpmap:101 telephone-event/8000",
        b"a=rtpmap:102 telephone-event/48000",
        b"a=fmtp:101 0-16",
    )
    ours, media = answer(offer)
    assert (media.codec, media.payload_type, media.telephone_event_pt) == ("PCMU", 0, 101)
    assert parse_sdp(serialize_sdp(ours)).media[0].port == 20000


def test_telephone_event_at_48000_hz_is_not_taken_for_g711() -> None:
    offer = sdp(
        b"m=audio 7078 RTP/AVP 0 102 101",
        b"a=rtpmap:102 telephone-event/48000",
        b"a=rtpmap:101 telephone-event/8000",
    )
    _, media = answer(offer)
    assert media.telephone_event_pt == 101


def test_a_static_number_remapped_to_another_clock_rate_is_not_g711() -> None:
    with pytest.raises(SipError):
        answer(sdp(b"m=audio 7078 RTP/AVP 8", b"a=rtpmap:8 PCMA/16000"))


def test_a_dynamic_payload_type_naming_pcmu_is_accepted_under_its_number() -> None:
    _, media = answer(sdp(b"m=audio 7078 RTP/AVP 112", b"a=rtpmap:112 PCMU/8000"))
    assert (media.codec, media.payload_type) == ("PCMU", 112)


def test_encoding_names_are_case_insensitive() -> None:
    offer = sdp(b"m=audio 7078 RTP/AVP 0 100", b"a=rtpmap:100 Telephone-Event/8000")
    assert answer(offer)[1].telephone_event_pt == 100


@pytest.mark.parametrize("proto", [b"RTP/SAVP", b"UDP/TLS/RTP/SAVPF"])
def test_encrypted_media_we_cannot_do_is_488(proto: bytes) -> None:
    with pytest.raises(SipError) as error:
        answer(sdp(b"m=audio 7078 " + proto + b" 0 8"))
    assert error.value.status == 488


def test_an_avpf_stream_is_not_answered_as_plain_avp() -> None:
    try:
        ours, _ = answer(sdp(b"m=audio 7078 RTP/AVPF 0"))
    except SipError:
        return  # declining is a correct answer too
    assert ours.media[0].proto == "RTP/AVPF"


def test_only_the_first_usable_audio_stream_is_taken() -> None:
    offer = sdp(b"m=audio 7078 RTP/AVP 0", b"m=audio 7080 RTP/AVP 8")
    ours, media = answer(offer)
    assert [m.port for m in ours.media] == [20000, 0]
    assert media.remote_port == 7078


def test_a_media_level_connection_wins_over_the_session_one() -> None:
    _, media = answer(sdp(b"m=audio 7078 RTP/AVP 0", b"c=IN IP4 192.0.2.7"))
    assert media.remote_address == "192.0.2.7"


def test_an_audio_stream_the_offerer_disabled_is_not_taken() -> None:
    with pytest.raises(SipError):
        answer(sdp(b"m=audio 0 RTP/AVP 0"))


def test_the_answer_mirrors_a_hold_given_only_at_session_level() -> None:
    offer = sdp(b"m=audio 7078 RTP/AVP 0", session=SESSION + b"a=sendonly\r\n")
    ours, media = answer(offer)
    assert media.on_hold and ours.media[0].direction == "recvonly"


def test_the_answer_keeps_the_offers_session_id_and_version_we_give_it() -> None:
    ours, _ = answer_offer(
        sdp(b"m=audio 7078 RTP/AVP 0"), "127.0.0.2", 1, session_id=123, version=4
    )
    body = serialize_sdp(ours)
    assert b"o=" in body and b" 123 4 IN IP4 127.0.0.2\r\n" in body


# --- read_answer (UAC side) ----------------------------------------------------------------


def test_read_answer_takes_the_first_offered_codec_of_a_multi_codec_answer() -> None:
    ours = make_offer("127.0.0.1", 1, session_id=1, version=1)
    theirs = sdp(b"m=audio 5000 RTP/AVP 18 8 0 101", b"a=rtpmap:101 telephone-event/8000")
    media = read_answer(ours, theirs)
    assert (media.payload_type, media.codec, media.telephone_event_pt) == (8, "PCMA", 101)
    assert (media.remote_address, media.remote_port) == ("127.0.0.1", 5000)


def test_read_answer_sees_the_peer_holding() -> None:
    ours = make_offer("127.0.0.1", 1, session_id=1, version=1)
    assert read_answer(ours, sdp(b"m=audio 5000 RTP/AVP 0", b"a=recvonly")).on_hold is False
    assert read_answer(ours, sdp(b"m=audio 5000 RTP/AVP 0", b"a=inactive")).on_hold is True


def test_an_answer_that_renames_an_offered_payload_type_is_refused() -> None:
    ours = make_offer("127.0.0.1", 1, session_id=1, version=1)
    with pytest.raises(SipError):
        read_answer(ours, sdp(b"m=audio 5000 RTP/AVP 101", b"a=rtpmap:101 PCMU/8000"))


# --- syntax (RFC 4566) ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [b"m=audio \xc2\xb2 RTP/AVP 0", b"m=audio 1 RTP/AVP 0\r\na=rtpmap:\xc2\xb2 PCMU/8000"],
)
def test_unicode_digits_are_a_parse_error_not_a_crash(line: bytes) -> None:
    with pytest.raises(ParseError):
        sdp(line)


def test_a_port_out_of_range_is_a_parse_error() -> None:
    with pytest.raises(ParseError):
        sdp(b"m=audio 99999 RTP/AVP 0")


def test_ipv6_connections_keep_their_address_type() -> None:
    six = b"v=0\r\no=- 1 1 IN IP6 ::1\r\ns=-\r\nc=IN IP6 ::1\r\nt=0 0\r\n"
    assert b"c=IN IP6 ::1\r\n" in serialize_sdp(sdp(b"m=audio 1 RTP/AVP 0", session=six))


def test_a_t38_stream_survives_parse_and_serialize() -> None:
    fax = sdp(b"m=image 4000 udptl t38")
    assert b"m=image 4000 udptl t38\r\n" in serialize_sdp(fax)


PHONE_LINES = [
    b"o=- 1 2 IN IP4 127.0.0.1",
    b"s=-",
    b"c=IN IP4 10.0.0.1",
    b"t=0 0",
    b"a=sendonly",
    b"m=audio 10000 RTP/AVP 9 8 0 96",
    b"a=rtpmap:9 G722/8000",
    b"a=rtpmap:96 telephone-event/8000",
    b"a=fmtp:96 0-15",
    b"a=ptime:30",
    b"a=recvonly",
    b"m=video 0 RTP/AVP 97",
    b"c=IN IP4 10.0.0.2",
    b"a=inactive",
]


@given(st.lists(st.sampled_from(PHONE_LINES), max_size=14))
def test_after_one_pass_serialize_and_parse_are_stable(lines: list[bytes]) -> None:
    try:
        first = serialize_sdp(parse_sdp(b"v=0\r\n" + b"\r\n".join(lines)))
    except ParseError:
        return
    assert serialize_sdp(parse_sdp(first)) == first


@given(st.text(st.characters(min_codepoint=9, max_codepoint=126), max_size=300))
def test_any_ascii_body_parses_or_is_a_parse_error(text: str) -> None:
    with contextlib.suppress(ParseError):
        parse_sdp(b"v=0\r\n" + text.encode())
