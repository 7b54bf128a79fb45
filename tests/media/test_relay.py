"""A bridged peer's packets on a leg's own stream, with explicit numbers (RFC 3550 §5.1,
issue 11 §3): one continuous stream, the sender's gaps and order kept visible."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from vaxel.media.relay import Relay
from vaxel.media.rtp import RtpStream, rtp_header


def test_a_new_source_continues_the_stream_with_the_marker_set() -> None:
    stream = RtpStream(0xABC, sequence=65535, timestamp=0xFFFFFFC0)  # both about to wrap
    relay = Relay(stream)
    assert relay.rewrite(7, 1000, 50_000, False) == (0, 0x60, True)
    assert relay.rewrite(7, 1001, 50_160, False) == (1, 0x100, False)
    assert (stream.sequence, stream.timestamp) == (1, 0x100)  # the player goes on from here


def test_a_lost_packet_leaves_a_gap_and_a_reordered_one_keeps_its_place() -> None:
    stream = RtpStream(1, sequence=100, timestamp=8000)
    relay = Relay(stream)
    first = relay.rewrite(9, 10, 1600, False)[0]
    assert relay.rewrite(9, 12, 1920, False)[0] == first + 2  # 11 was lost: the gap shows
    assert relay.rewrite(9, 11, 1760, False)[:2] == (first + 1, 8000 + 160 + 160)  # late
    assert (stream.sequence, stream.timestamp) == (first + 2, 8000 + 160 + 320)  # not moved back


def test_a_new_ssrc_or_a_restart_anchors_again() -> None:
    stream = RtpStream(1, sequence=0, timestamp=0)
    relay = Relay(stream)
    relay.rewrite(9, 500, 90_000, False)
    assert relay.rewrite(10, 7, 3, False) == (2, 320, True)  # another phone: follows on
    stream.packet(0, b"", 160)  # the engine sends something of its own (DTMF) …
    relay.restart()
    assert relay.rewrite(10, 8, 163, False) == (4, 640, True)  # … and the relay follows it


@given(
    st.integers(0, 0xFFFF),
    st.integers(0, 0xFFFFFFFF),
    st.integers(0, 0xFFFF),
    st.integers(0, 0xFFFFFFFF),
    st.lists(st.integers(0, 40), min_size=1, max_size=30),
)
def test_sequence_and_timestamp_differences_are_kept_across_wraps(
    start_sequence: int,
    start_timestamp: int,
    sender_sequence: int,
    sender_timestamp: int,
    steps: list[int],
) -> None:
    relay = Relay(RtpStream(1, start_sequence, start_timestamp))
    sent = [(sender_sequence + n) & 0xFFFF for n in steps]
    out = [
        relay.rewrite(5, s, (sender_timestamp + 160 * (s - sender_sequence)) & 0xFFFFFFFF, False)
        for s in sent
    ]
    for (s1, (q1, t1, _)), (s2, (q2, t2, _)) in itertools.pairwise(zip(sent, out, strict=True)):
        assert (q2 - q1) & 0xFFFF == (s2 - s1) & 0xFFFF
        assert (t2 - t1) & 0xFFFFFFFF == (160 * (s2 - s1)) & 0xFFFFFFFF


@given(
    st.lists(
        st.tuples(st.sampled_from([7, 9]), st.integers(0, 0xFFFF), st.integers(0, 0xFFFFFFFF)),
        min_size=1,
        max_size=30,
    ),
    st.booleans(),
)
def test_the_hot_path_header_is_rewrite_then_pack(
    packets: list[tuple[int, int, int]], marker: bool
) -> None:
    """``Relay.header`` (the bridge's one call per packet, issue 11 Benchmarks) gives the
    bytes ``rewrite`` + ``rtp_header`` give, and moves the stream the same way."""
    fast_stream = RtpStream(0xABC, sequence=65000, timestamp=0xFFFFF000)
    slow_stream = RtpStream(0xABC, sequence=65000, timestamp=0xFFFFF000)
    fast, slow = Relay(fast_stream), Relay(slow_stream)
    for ssrc, sequence, timestamp in packets:
        sequence_out, timestamp_out, marker_out = slow.rewrite(ssrc, sequence, timestamp, marker)
        expected = rtp_header(101, sequence_out, timestamp_out, 0xABC, marker_out)
        assert fast.header(101, ssrc, sequence, timestamp, marker) == expected
        assert (fast_stream.sequence, fast_stream.timestamp) == (
            slow_stream.sequence,
            slow_stream.timestamp,
        )
