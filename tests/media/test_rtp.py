"""RTP packets and stream counters (RFC 3550 §5.1, §5.3): one table of packet ↔ bytes, the
optional header parts a phone may send (CSRC, extension, padding), garbage refused with
RtpError only, and a stream whose sequence and timestamp wrap without a jump."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vaxel.media.rtp import RtpError, RtpPacket, RtpStream, parse_rtp

# (packet, wire bytes) — the same rows drive the parser and the writer.
CASES = [
    (
        RtpPacket(0, 1, 160, 0x11223344, b"\xff" * 4),
        bytes.fromhex("80 00 0001 000000a0 11223344") + b"\xff" * 4,
    ),
    (
        RtpPacket(8, 0xFFFF, 0xFFFFFFFF, 0xDEADBEEF, b"\xd5", marker=True),
        bytes.fromhex("80 88 ffff ffffffff deadbeef d5"),
    ),
    (
        RtpPacket(101, 0x1234, 8000, 1, bytes.fromhex("0580 00a0")),
        bytes.fromhex("80 65 1234 00001f40 00000001 058000a0"),
    ),
    (RtpPacket(127, 0, 0, 0, b""), bytes.fromhex("80 7f 0000 00000000 00000000")),
]


@pytest.mark.parametrize(("packet", "wire"), CASES)
def test_packets_serialize_and_parse_from_one_table(packet: RtpPacket, wire: bytes) -> None:
    assert packet.to_bytes() == wire
    assert parse_rtp(wire) == packet


def test_csrc_list_is_skipped() -> None:
    # CC = 2 (RFC 3550 §5.1): two 32-bit contributing sources sit between header and payload.
    wire = bytes.fromhex("82 00 0007 00000140 0000aaaa 00000001 00000002") + b"audio"
    packet = parse_rtp(wire)
    assert (packet.sequence, packet.timestamp, packet.ssrc) == (7, 320, 0xAAAA)
    assert packet.payload == b"audio"


def test_header_extension_is_skipped_by_its_length() -> None:
    # X = 1 (RFC 3550 §5.3.1): profile-defined 16 bits, then the length in 32-bit words.
    extension = bytes.fromhex("bede 0002 10ff0000 00000000")
    wire = bytes.fromhex("90 00 0001 00000000 00000001") + extension + b"pay"
    assert parse_rtp(wire).payload == b"pay"


def test_csrc_and_extension_together() -> None:
    wire = bytes.fromhex("91 00 0001 00000000 00000001 00000009 abcd 0001 01020304") + b"x"
    assert parse_rtp(wire).payload == b"x"


def test_padding_is_removed_including_its_count_octet() -> None:
    # P = 1: the last octet counts the padding octets, itself included (RFC 3550 §5.1).
    wire = bytes.fromhex("a0 00 0001 00000000 00000001") + b"abc" + b"\x00\x00\x03"
    assert parse_rtp(wire).payload == b"abc"


def test_padding_that_is_the_whole_payload_leaves_it_empty() -> None:
    wire = bytes.fromhex("a0 00 0001 00000000 00000001 00000004")
    assert parse_rtp(wire).payload == b""


@pytest.mark.parametrize(
    ("wire", "reason"),
    [
        (b"", "shorter"),
        (bytes(11), "shorter"),
        (bytes.fromhex("40 00 0001 00000000 00000001"), "version"),  # version 1
        (bytes.fromhex("c0 00 0001 00000000 00000001"), "version"),  # version 3
        (bytes.fromhex("00 00 0001 00000000 00000001"), "version"),  # version 0 (e.g. STUN)
        (bytes.fromhex("83 00 0001 00000000 00000001 00000002"), "longer"),  # CC=3, one CSRC
        (bytes.fromhex("90 00 0001 00000000 00000001 bede"), "extension"),
        (bytes.fromhex("90 00 0001 00000000 00000001 bede 0004 00000000"), "longer"),
        (bytes.fromhex("a0 00 0001 00000000 00000001 0000 05"), "padding"),
    ],
)
def test_garbage_is_refused_with_rtp_error(wire: bytes, reason: str) -> None:
    with pytest.raises(RtpError, match=reason):
        parse_rtp(wire)


def test_rtp_error_is_a_value_error() -> None:
    assert issubclass(RtpError, ValueError)


packets = st.builds(
    RtpPacket,
    payload_type=st.integers(0, 127),
    sequence=st.integers(0, 0xFFFF),
    timestamp=st.integers(0, 0xFFFFFFFF),
    ssrc=st.integers(0, 0xFFFFFFFF),
    payload=st.binary(max_size=200),
    marker=st.booleans(),
)


@given(packets)
def test_any_packet_survives_the_wire(packet: RtpPacket) -> None:
    assert parse_rtp(packet.to_bytes()) == packet


@given(st.binary(max_size=120))
def test_arbitrary_bytes_parse_or_raise_rtp_error_only(data: bytes) -> None:
    try:
        packet = parse_rtp(data)
    except RtpError:
        return
    assert 0 <= packet.payload_type <= 127
    assert len(packet.payload) <= len(data) - 12


@given(st.binary(min_size=12, max_size=120))
def test_a_version_2_header_with_no_options_always_parses(data: bytes) -> None:
    wire = bytes([0x80]) + data[1:]
    assert parse_rtp(wire).payload == data[12:]


def test_stream_sequence_rises_by_one_and_timestamp_by_the_samples() -> None:
    stream = RtpStream(0xCAFE, sequence=10, timestamp=1000)
    sent = [stream.packet(0, b"\xff" * 160, 160) for _ in range(3)]
    assert [p.sequence for p in sent] == [11, 12, 13]
    assert [p.timestamp for p in sent] == [1160, 1320, 1480]
    assert {p.ssrc for p in sent} == {0xCAFE}


def test_stream_wraps_modulo_2_16_and_2_32_without_a_jump() -> None:
    stream = RtpStream(1, sequence=0xFFFE, timestamp=0xFFFFFF00)
    sent = [stream.packet(0, b"", 160) for _ in range(4)]
    assert [p.sequence for p in sent] == [0xFFFF, 0, 1, 2]
    assert all((b.sequence - a.sequence) & 0xFFFF == 1 for a, b in itertools.pairwise(sent))
    assert all((b.timestamp - a.timestamp) & 0xFFFFFFFF == 160 for a, b in itertools.pairwise(sent))
    assert all(0 <= p.timestamp <= 0xFFFFFFFF for p in sent)


def test_stream_initial_counters_are_masked() -> None:
    stream = RtpStream(1, sequence=0x1FFFF, timestamp=0x1_0000_0005)
    assert (stream.sequence, stream.timestamp) == (0xFFFF, 5)


def test_a_given_timestamp_is_used_as_is_and_does_not_advance_the_stream() -> None:
    # DTMF (RFC 4733 §2.5.1) repeats the event's timestamp on every packet of one key press.
    stream = RtpStream(1, sequence=0, timestamp=800)
    first = stream.packet(101, b"x", 0, marker=True, timestamp=960)
    second = stream.packet(101, b"y", 0, timestamp=960)
    assert (first.timestamp, second.timestamp) == (960, 960)
    assert (first.sequence, second.sequence) == (1, 2)
    assert first.marker and not second.marker
    assert stream.timestamp == 800
